"""Verified records → tokenised examples with completion-only labels and token-level KD targets."""
import hashlib
import math
from dataclasses import dataclass

import torch

from .chat import message_text, render_prompt


@dataclass
class Encoded:
    input_ids: list[int]
    labels: list[int]
    # (position whose logits predict the token, candidate student ids, teacher probabilities)
    kd: list[tuple[int, list[int], list[float]]]


def split(records: list[dict], eval_fraction: float) -> tuple[list[dict], list[dict]]:
    """Deterministic held-out split by record id, so every rank and every resume agrees."""
    ranked = sorted(records, key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
    n_eval = max(1, round(len(ranked) * eval_fraction)) if len(ranked) > 1 else 0
    return ranked[n_eval:], ranked[:n_eval]


def texts_of(records: list[dict]) -> list[str]:
    out = []
    for r in records:
        ex = r["example"]
        out.extend(message_text(m.get("content")) for m in ex.get("messages", []) if isinstance(m, dict))
        out.append(ex.get("completion", ""))
    return out


class TokenMap:
    """Teacher token strings that are exactly one student token."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.cache: dict[str, int | None] = {}

    def __call__(self, token: str) -> int | None:
        if token not in self.cache:
            ids = self.tokenizer.encode(token, add_special_tokens=False)
            self.cache[token] = ids[0] if len(ids) == 1 else None
        return self.cache[token]


def _teacher_positions(top_logprobs) -> list[tuple[int, list[tuple[str, float]]]]:
    """(character offset in the completion, [(token, logprob)…]) from OpenAI's logprobs.content layout."""
    out, offset = [], 0
    for entry in top_logprobs or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("token"), str):
            return out
        cands = [(c["token"], float(c["logprob"])) for c in entry.get("top_logprobs") or [] if isinstance(c, dict) and "token" in c]
        out.append((offset, cands or [(entry["token"], float(entry.get("logprob", 0.0)))]))
        offset += len(entry["token"])
    return out


def encode(record: dict, tokenizer, token_map: TokenMap, max_len: int) -> Encoded:
    ex = record["example"]
    prompt_ids = tokenizer.encode(render_prompt(ex.get("messages", []), tokenizer), add_special_tokens=False)
    completion = ex.get("completion", "")
    enc = tokenizer(completion, add_special_tokens=False, return_offsets_mapping=True)
    comp_ids = enc["input_ids"] + [tokenizer.eos_token_id]
    starts = {start: j for j, (start, end) in enumerate(enc["offset_mapping"]) if end > start}
    input_ids = (prompt_ids + comp_ids)[:max_len]
    labels = ([-100] * len(prompt_ids) + comp_ids)[:max_len]
    kd = []
    for char_offset, cands in _teacher_positions(ex.get("top_logprobs")):
        j = starts.get(char_offset)
        if j is None:
            continue
        pos = len(prompt_ids) + j - 1
        if pos < 0 or pos + 1 >= len(input_ids):
            continue
        mapped = [(token_map(tok), lp) for tok, lp in cands]
        mapped = [(i, lp) for i, lp in mapped if i is not None]
        # Only where the student's own token there is one of the teacher's candidates do the distributions line up.
        if not mapped or input_ids[pos + 1] not in {i for i, _ in mapped}:
            continue
        probs = [math.exp(lp) for _, lp in mapped]
        total = sum(probs)
        kd.append((pos, [i for i, _ in mapped], [p / total for p in probs]))
    return Encoded(input_ids, labels, kd)


def collate(batch: list[Encoded], pad_id: int) -> dict:
    width = max(len(e.input_ids) for e in batch)
    k = max([len(ids) for e in batch for _, ids, _ in e.kd] or [1])
    n = len(batch)
    input_ids = torch.full((n, width), pad_id, dtype=torch.long)
    labels = torch.full((n, width), -100, dtype=torch.long)
    attention = torch.zeros((n, width), dtype=torch.long)
    kd_ids = torch.zeros((n, width, k), dtype=torch.long)
    kd_probs = torch.zeros((n, width, k), dtype=torch.float32)
    for b, e in enumerate(batch):
        L = len(e.input_ids)
        input_ids[b, :L] = torch.tensor(e.input_ids)
        labels[b, :L] = torch.tensor(e.labels)
        attention[b, :L] = 1
        for pos, ids, probs in e.kd:
            kd_ids[b, pos, : len(ids)] = torch.tensor(ids)
            kd_probs[b, pos, : len(probs)] = torch.tensor(probs)
    return {"input_ids": input_ids, "labels": labels, "attention_mask": attention, "kd_ids": kd_ids, "kd_probs": kd_probs}
