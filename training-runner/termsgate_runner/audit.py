"""Contamination audit of a trained student: does it reproduce outputs we may not train on?

The student generates (greedy) on held-out prompts; every generation is scanned against the
gateway's fingerprint index (trace.py). A generation counts as reproducing a restricted output when
the index traces a restricted span in it: shared 4-word shingles, at least 3 sampled and an overlap
of at least 0.4 of the samples (the gateway's n-gram rule). The same figure for the base model (the
student before training: the same initialisation, or the pretrained weights) stands beside it.
Both models also answer the identity probes (identity.py): the share of answers claiming a restricted
provider's identity ("I am ChatGPT, trained by OpenAI") is the distillation signature observers look for first.
"""
import json
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from .chat import END, render_prompt
from .config import TrainConfig
from .identity import PROBES, identity_share
from .model import build_student
from .trace import Detector, restricted_origins

AUDIT = "contamination-audit.json"


def load_prompts(path: Path) -> list[list[dict]]:
    """JSONL: {"messages": [...]} (as in a feed example or a chat request) or {"prompt": "..."}."""
    prompts = []
    for line in Path(path).read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        messages = row.get("messages") or (row.get("example") or {}).get("messages")
        prompts.append(messages if isinstance(messages, list) else [{"role": "user", "content": str(row.get("prompt", ""))}])
    return prompts


@torch.no_grad()
def generate(model, tokenizer, prompts: list[list[dict]], max_new_tokens: int) -> list[str]:
    model.eval()
    end_id = tokenizer.convert_tokens_to_ids(END)
    limit = getattr(model.config, "max_position_embeddings", None) or getattr(model.config, "n_positions", 1024)
    out = []
    for messages in prompts:
        ids = tokenizer(render_prompt(messages, tokenizer), return_tensors="pt", add_special_tokens=False)["input_ids"]
        ids = ids[:, -max(1, limit - max_new_tokens):]
        new = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=min(max_new_tokens, limit - ids.size(1)),
                             do_sample=False, eos_token_id=end_id, pad_token_id=tokenizer.pad_token_id)
        out.append(tokenizer.decode(new[0, ids.size(1):], skip_special_tokens=True))
    return out


def base_student(cfg: TrainConfig, tokenizer):
    """The student as training found it: train.py seeds with cfg.seed right before building it."""
    torch.manual_seed(cfg.seed)
    return build_student(cfg.student, tokenizer)


def reproduction_share(generations: list[str], detector: Detector) -> dict:
    results = detector.detect(generations)
    hits = [i for i, r in enumerate(results) if restricted_origins(r)]
    return {
        "generations": len(generations),
        "reproducing_restricted": len(hits),
        "share": len(hits) / len(generations) if generations else 0.0,
        "origins": sorted({o["decision_id"] or o["status"] for i in hits for o in restricted_origins(results[i])}),
    }


def audit(run: Path, cfg: TrainConfig, prompts: list[list[dict]], detector: Detector, max_new_tokens: int = 96) -> dict:
    run = Path(run)
    tokenizer = AutoTokenizer.from_pretrained(run / "model")
    models = {"student": AutoModelForCausalLM.from_pretrained(run / "model"), "base": base_student(cfg, tokenizer)}
    probes = [[{"role": "user", "content": p}] for p in PROBES]
    report = {
        "prompts": len(prompts),
        "max_new_tokens": max_new_tokens,
        "rule": "a generation reproduces a restricted output when the gateway's fingerprint index traces a restricted span in it",
        **{who: reproduction_share(generate(m, tokenizer, prompts, max_new_tokens), detector) for who, m in models.items()},
        "identity": {
            "probes": PROBES,
            "rule": "an answer claims an identity when it names a restricted provider or model as itself (\"I am ChatGPT\", \"I was trained by OpenAI\"), not when it merely mentions one",
            **{who: identity_share(generate(m, tokenizer, probes, max_new_tokens)) for who, m in models.items()},
        },
    }
    (run / AUDIT).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report
