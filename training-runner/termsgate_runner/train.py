"""Distils a student from verified feed records: sequence-level KD on completions plus token-level KD
from the teacher's top logprobs. Runs alone or under torchrun (DDP: gloo on CPU, nccl on CUDA)."""
import json
import math
import os
import time
from contextlib import nullcontext
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F

from .config import TrainConfig
from .dataset import Encoded, TokenMap, collate, encode, split, texts_of
from .flops import peak_flops, train_flops_per_token
from .gateway_key import load_pinned
from .lineage import write_lineage
from .model import build_student, param_count
from .shards import iter_records
from .tokenizer import load_or_build
from .verify import check_record, verify_dir

CHECKPOINT = "checkpoint/state.pt"


class Dist:
    def __init__(self):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available()
        self.device = torch.device(f"cuda:{self.local_rank}") if cuda else torch.device("cpu")
        if cuda:
            torch.cuda.set_device(self.device)
        if self.world > 1:
            dist.init_process_group(backend="nccl" if cuda else "gloo")
        # An explicit OMP_NUM_THREADS wins: tiny students on a shared machine run faster on one thread.
        if not cuda and "OMP_NUM_THREADS" not in os.environ:
            torch.set_num_threads(max(1, (os.cpu_count() or 1) // self.world))

    @property
    def main(self) -> bool:
        return self.rank == 0

    def barrier(self):
        if self.world > 1:
            dist.barrier()

    def sum(self, *values: float) -> list[float]:
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.all_reduce(t)
        return t.tolist()

    def close(self):
        if self.world > 1:
            dist.destroy_process_group()


def verified_records(data_dir: Path, cfg: TrainConfig, d: Dist) -> list[dict]:
    key = load_pinned(data_dir)
    if key is None:
        raise RuntimeError(f"{data_dir} has no pinned gateway key; pull it first")
    allowed = set(cfg.allowed_licences)
    if d.main:
        verify_dir(data_dir, key, allowed, move=True)
    d.barrier()
    # Checked again on every rank: nothing reaches the optimiser without a valid permit.
    return [r for r, _ in iter_records(data_dir) if check_record(r, key, allowed) is None]


def micro_batches(data: list[Encoded], size: int, d: Dist, seed: int):
    """Endless, deterministic stream of this rank's micro-batches: epoch-seeded shuffles, sharded by rank."""
    epoch = 0
    while True:
        order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed + epoch)).tolist()
        mine = order[d.rank :: d.world] or order[:1]
        for i in range(0, len(mine), size):
            yield [data[j] for j in mine[i : i + size]]
        epoch += 1


def losses(model, batch: dict, kd_weight: float):
    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.float()
    labels = batch["labels"][:, 1:]
    ce_sum = F.cross_entropy(logits[:, :-1].reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=-100, reduction="sum")
    n_tok = (labels != -100).sum()
    kd_mask = batch["kd_probs"].sum(-1) > 0
    n_kd = kd_mask.sum()
    if n_kd > 0:
        logp = torch.log_softmax(logits, dim=-1).gather(-1, batch["kd_ids"])
        kd = -(batch["kd_probs"] * logp).sum() / n_kd
    else:
        kd = logits.new_zeros(())
    ce = ce_sum / n_tok.clamp(min=1)
    return ce + kd_weight * kd, ce, kd, ce_sum, n_tok


@torch.no_grad()
def held_out_loss(model, data: list[Encoded], cfg: TrainConfig, d: Dist, pad_id: int, autocast) -> float:
    model.eval()
    total = count = 0.0
    mine = data[d.rank :: d.world]
    for i in range(0, len(mine), cfg.micro_batch_size):
        batch = {k: v.to(d.device) for k, v in collate(mine[i : i + cfg.micro_batch_size], pad_id).items()}
        with autocast():
            _, _, _, ce_sum, n_tok = losses(model, batch, 0.0)
        total += ce_sum.item()
        count += n_tok.item()
    model.train()
    total, count = d.sum(total, count)
    return total / max(count, 1.0)


def train(data_dir: Path, cfg: TrainConfig, out: Path) -> dict:
    d = Dist()
    try:
        return _train(Path(data_dir), cfg, Path(out), d)
    finally:
        d.close()


def _train(data_dir: Path, cfg: TrainConfig, out: Path, d: Dist) -> dict:
    torch.manual_seed(cfg.seed)
    if d.main:
        out.mkdir(parents=True, exist_ok=True)
    records = verified_records(data_dir, cfg, d)
    if len(records) < 2:
        raise RuntimeError(f"only {len(records)} verified records in {data_dir}; nothing to train on")
    train_recs, eval_recs = split(records, cfg.eval_fraction)
    if d.main:
        load_or_build(cfg.student.tokenizer_path or cfg.student.name_or_path, texts_of(train_recs), cfg.student.tokenizer_vocab_size, out / "tokenizer")
        write_lineage(out, train_recs, eval_recs)
    d.barrier()
    tokenizer = load_or_build(None, [], 0, out / "tokenizer")
    token_map = TokenMap(tokenizer)
    max_len = cfg.student.max_seq_len
    train_data = [encode(r, tokenizer, token_map, max_len) for r in train_recs]
    eval_data = [encode(r, tokenizer, token_map, max_len) for r in eval_recs]

    torch.manual_seed(cfg.seed)
    model = build_student(cfg.student, tokenizer).to(d.device)
    n_params = param_count(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _lr_factor(s, cfg))
    start_step = 0
    ckpt_path = out / CHECKPOINT
    if ckpt_path.exists():
        state = torch.load(ckpt_path, map_location=d.device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        start_step = state["step"]
    cuda = d.device.type == "cuda"
    runner = torch.compile(model) if cuda and cfg.compile else model
    if d.world > 1:
        runner = torch.nn.parallel.DistributedDataParallel(runner, device_ids=[d.local_rank] if cuda else None)

    def autocast():
        return torch.autocast("cuda", dtype=torch.bfloat16) if cuda else nullcontext()

    pad_id = tokenizer.pad_token_id
    stream = micro_batches(train_data, cfg.micro_batch_size, d, cfg.seed)
    for _ in range(start_step * cfg.grad_accum):
        next(stream)
    hidden = getattr(model.config, "hidden_size", cfg.student.hidden_size)
    layers = getattr(model.config, "num_hidden_layers", cfg.student.num_layers)
    peak, peak_source = peak_flops(d.device, cfg.peak_flops)
    metrics = open(out / "metrics.jsonl", "a", encoding="utf-8") if d.main else None

    def log(entry: dict):
        if metrics:
            metrics.write(json.dumps(entry) + "\n")
            metrics.flush()

    first_eval = held_out_loss(runner, eval_data, cfg, d, pad_id, autocast) if eval_data else None
    if start_step == 0:
        log({"step": 0, "eval_loss": first_eval, "params": n_params, "world_size": d.world, "device": d.device.type,
             "train_records": len(train_recs), "eval_records": len(eval_recs), "peak_flops": peak, "peak_source": peak_source})
    window_tokens, window_seq, window_start = 0, 0, time.perf_counter()
    last_eval = first_eval
    runner.train()
    step = start_step
    for step in range(start_step + 1, cfg.steps + 1):
        optimizer.zero_grad(set_to_none=True)
        for micro in range(cfg.grad_accum):
            batch = {k: v.to(d.device) for k, v in collate(next(stream), pad_id).items()}
            sync = nullcontext() if d.world == 1 or micro == cfg.grad_accum - 1 else runner.no_sync()
            with sync:
                with autocast():
                    loss, ce, kd, _, _ = losses(runner, batch, cfg.kd_weight)
                (loss / cfg.grad_accum).backward()
            window_tokens += int(batch["attention_mask"].sum())
            window_seq = max(window_seq, batch["input_ids"].size(1))
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if step % cfg.log_every == 0 or step == cfg.steps:
            if cuda:
                torch.cuda.synchronize()
            elapsed = time.perf_counter() - window_start
            loss_v, ce_v, kd_v, tokens = d.sum(loss.item(), ce.item(), kd.item(), window_tokens)
            tps = tokens / elapsed
            flops = train_flops_per_token(n_params, layers, hidden, window_seq)
            log({"step": step, "loss": loss_v / d.world, "ce": ce_v / d.world, "kd": kd_v / d.world,
                 "lr": schedule.get_last_lr()[0], "tokens_per_s": tps,
                 "mfu": (flops * tps / (peak * d.world)) if peak else None, "world_size": d.world})
            window_tokens, window_seq, window_start = 0, 0, time.perf_counter()
        if eval_data and (step % cfg.eval_every == 0 or step == cfg.steps):
            last_eval = held_out_loss(runner, eval_data, cfg, d, pad_id, autocast)
            log({"step": step, "eval_loss": last_eval})
        if step % cfg.checkpoint_every == 0 or step == cfg.steps:
            _checkpoint(out, model, optimizer, schedule, step, d)
    if d.main:
        model.save_pretrained(out / "model")
        tokenizer.save_pretrained(out / "model")
    if metrics:
        metrics.close()
    d.barrier()
    return {"steps": step, "first_eval_loss": first_eval, "final_eval_loss": last_eval, "params": n_params,
            "train_records": len(train_recs), "eval_records": len(eval_recs), "world_size": d.world}


def _lr_factor(step: int, cfg: TrainConfig) -> float:
    if step < cfg.warmup_steps:
        return (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def _checkpoint(out: Path, model, optimizer, schedule, step: int, d: Dist):
    if d.main:
        path = out / CHECKPOINT
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(), "step": step}, tmp)
        os.replace(tmp, path)
    d.barrier()
