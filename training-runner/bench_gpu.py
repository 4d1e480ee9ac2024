"""Training throughput of a GPT-2-small-sized student (~124M parameters) in bf16 with torch.compile:
prints tokens/s and MFU. `--tiny` runs a toy model on CPU so the script itself stays tested.

    python bench_gpu.py                # on a GPU machine, well under 5 minutes
    python bench_gpu.py --tiny         # anywhere
"""
import argparse
import json
import time
from contextlib import nullcontext

import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

from termsgate_runner.flops import peak_flops, train_flops_per_token
from termsgate_runner.model import param_count


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--tiny", action="store_true", help="toy model on CPU (tests)")
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--warmup", type=int, default=None)
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--seq", type=int, default=None)
    p.add_argument("--no-compile", action="store_true")
    a = p.parse_args()
    cuda = torch.cuda.is_available() and not a.tiny
    device = torch.device("cuda" if cuda else "cpu")
    if a.tiny:
        cfg = GPT2Config(vocab_size=512, n_embd=64, n_layer=2, n_head=4, n_positions=128, bos_token_id=0, eos_token_id=0)
        batch, seq, steps, warmup = a.batch or 4, a.seq or 64, a.steps or 6, a.warmup or 2
    else:
        cfg = GPT2Config(vocab_size=50304, n_embd=768, n_layer=12, n_head=12, n_positions=1024)
        batch, seq, steps, warmup = a.batch or 16, a.seq or 1024, a.steps or 50, a.warmup or 10
    torch.manual_seed(0)
    torch.backends.cuda.matmul.allow_tf32 = True
    model = GPT2LMHeadModel(cfg).to(device)
    n_params = param_count(model)
    runner = torch.compile(model) if cuda and not a.no_compile else model
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, fused=cuda)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if cuda else nullcontext()
    data = torch.randint(0, cfg.vocab_size, (batch, seq + 1), device=device)

    def step():
        with autocast:
            logits = runner(input_ids=data[:, :-1]).logits
            loss = F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), data[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss

    compile_start = time.perf_counter()
    for _ in range(warmup):
        step()
    if cuda:
        torch.cuda.synchronize()
    warm_s = time.perf_counter() - compile_start
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    if cuda:
        torch.cuda.synchronize()
    elapsed = time.perf_counter() - start
    tps = batch * seq * steps / elapsed
    peak, source = peak_flops(device)
    flops = train_flops_per_token(n_params, cfg.n_layer, cfg.n_embd, seq)
    print(json.dumps({
        "device": torch.cuda.get_device_name(0) if cuda else "cpu", "params": n_params, "dtype": "bf16" if cuda else "fp32",
        "compiled": cuda and not a.no_compile, "batch": batch, "seq": seq, "steps": steps, "warmup_s": round(warm_s, 1),
        "tokens_per_s": round(tps, 1), "mfu": round(flops * tps / peak, 4) if peak else None, "peak_flops": peak,
        "peak_source": source, "final_loss": round(loss.item(), 3),
        "peak_mem_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
