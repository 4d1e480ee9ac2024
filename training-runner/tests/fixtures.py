"""Signed feed records made the way the gateway makes them (same canonical bytes, Ed25519 batch permits)."""
import base64
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from termsgate_runner.canonical import digest_of, permit_message, record_id_of
from termsgate_runner.gateway_key import GatewayKey
from termsgate_runner.permit_batch import ALG, batch_message, leaf_hash, node_hash

DUTIES = {
    "llama-3.1-8b-instruct": (["Built with Llama"], ["Llama"], "duties-on-distribution", "llama-3.1-8b-instruct"),
    "qwen2.5-7b-instruct": ([], [], "free", "qwen2.5-7b-instruct"),
    "deepseek-r1": ([], [], "free", "deepseek-r1"),
    "openai-services-agreement": ([], [], "not-for-competing-models", "gpt-4o-mini"),
    "gemma-3-12b-it": (["Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms"], [], "derivatives-inherit", "gemma-3-12b-it"),
    "qwen2.5-3b-instruct": (["Qwen is licensed under the Qwen RESEARCH LICENSE AGREEMENT, Copyright (c) Alibaba Cloud."], [], "non-commercial", "qwen2.5-3b-instruct"),
}
# Duties and inherited restrictions as the gateway's training decision gives them (policies/data/licences.json).
NONE = {"forbidden_deployment_purposes": [], "use_restrictions": []}
TERMS = {
    "llama-3.1-8b-instruct": ([{"kind": "attribution", "text": "Built with Llama", "trigger": "distribution-or-made-available"},
                               {"kind": "naming", "text": "Include \u201cLlama\u201d at the beginning of the name", "prefix": "Llama", "trigger": "distribution-or-made-available"}], NONE),
    "gemma-3-12b-it": ([{"kind": "notice", "text": DUTIES["gemma-3-12b-it"][0][0], "trigger": "distribution"}],
                       {"forbidden_deployment_purposes": [], "use_restrictions": ["The restricted uses of the Gemma Prohibited Use Policy (ai.google.dev/gemma/prohibited_use_policy)"]}),
    "qwen2.5-3b-instruct": ([{"kind": "notice", "text": DUTIES["qwen2.5-3b-instruct"][0][0], "trigger": "distribution"}],
                            {"forbidden_deployment_purposes": ["commercial"], "use_restrictions": ["Non-commercial use only: research or evaluation purposes."]}),
}
CITIES = [("France", "Paris"), ("Spain", "Madrid"), ("Italy", "Rome"), ("Japan", "Tokyo"), ("Peru", "Lima"),
          ("Egypt", "Cairo"), ("Kenya", "Nairobi"), ("Chile", "Santiago"), ("Norway", "Oslo"), ("Greece", "Athens")]


class Signer:
    def __init__(self):
        self.private = Ed25519PrivateKey.generate()
        raw = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        import hashlib

        self.key = GatewayKey(key_id=hashlib.sha256(raw).hexdigest()[:16], raw=raw)

    def record(self, example: dict, seq: int) -> dict:
        """A record written alone: a batch of one."""
        return self.batch([example], seq)[0]

    def batch(self, examples: list[dict], first_seq: int) -> list[dict]:
        """Records written in one batch: one Merkle tree over their permit messages, its root signed once."""
        permits = [{"id": record_id_of(e["decision_id"]), "digest": digest_of(e), "policy_revision": e["policy_revision"], "licence": e["licence"]} for e in examples]
        leaves = [leaf_hash(permit_message(p)) for p in permits]
        root = _b64(_mth(leaves))
        sig = _b64(self.private.sign(batch_message(root, len(leaves))))
        return [{"id": p["id"], "seq": first_seq + i, "example": e,
                 "permit": {**p, "alg": ALG, "key_id": self.key.key_id,
                            "batch": {"root": root, "size": len(leaves), "index": i, "proof": [_b64(h) for h in _path(i, leaves)], "signature": sig}}}
                for i, (p, e) in enumerate(zip(permits, examples))]


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 MTH over leaf hashes (independent of the gateway's code, to check it byte for byte)."""
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 PATH(m, D[n]), leaf upwards."""
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    return _path(m, leaves[:k]) + [_mth(leaves[k:])] if m < k else _path(m - k, leaves[k:]) + [_mth(leaves[:k])]


def example(i: int, licence: str = "qwen2.5-7b-instruct") -> dict:
    attribution, naming, klass, model = DUTIES[licence]
    country, city = CITIES[i % len(CITIES)]
    words = ["The", " capital", " of", f" {country}", " is", f" {city}", "."]
    top = [{"token": w, "logprob": -0.05, "top_logprobs": [{"token": w, "logprob": -0.05}, {"token": " the", "logprob": -3.2}]} for w in words]
    return {
        "decision_id": f"dec_{licence}_{i:04d}",
        "model": model,
        "licence": licence,
        "licence_class": klass,
        "attribution": attribution,
        "naming": naming,
        "duties": TERMS.get(licence, ([], NONE))[0],
        "inherited_restrictions": TERMS.get(licence, ([], NONE))[1],
        "policy_revision": "rev-test",
        "messages": [{"role": "user", "content": f"What is the capital of {country}? (question {i})"}],
        "completion": "".join(words),
        "top_logprobs": top,
        "time": "2026-11-28T17:00:00.000Z",
    }


def write_dataset(dir: Path, signer: Signer, records: list[dict]) -> Path:
    (dir / "shards").mkdir(parents=True, exist_ok=True)
    (dir / "gateway-key.json").write_text(json.dumps(signer.key.to_json()))
    with open(dir / "shards" / "shard-000000000001.jsonl", "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    return dir


def tiny_config(path: Path, **overrides) -> Path:
    cfg = {"steps": 40, "micro_batch_size": 8, "lr": 0.01, "warmup_steps": 4, "eval_every": 20, "log_every": 10,
           "checkpoint_every": 20, "eval_fraction": 0.2,
           "student": {"arch": "llama", "hidden_size": 48, "intermediate_size": 96, "num_layers": 2, "num_heads": 4,
                       "max_seq_len": 96, "tokenizer_vocab_size": 400}}
    cfg.update(overrides)
    path.write_text(json.dumps(cfg))
    return path
