import json
import os
import subprocess
import sys
from pathlib import Path

from fixtures import Signer, example, tiny_config, write_dataset

RUNNER = Path(__file__).resolve().parents[1]


def test_ddp_on_cpu_with_two_gloo_processes(tmp_path):
    signer = Signer()
    write_dataset(tmp_path / "data", signer, [signer.record(example(i, "deepseek-r1"), i + 1) for i in range(24)])
    cfg = tiny_config(tmp_path / "cfg.json", steps=6, log_every=3, eval_every=6, checkpoint_every=6, micro_batch_size=4, grad_accum=2)
    torchrun = Path(sys.executable).with_name("torchrun")
    proc = subprocess.run(
        [str(torchrun), "--standalone", "--nproc_per_node=2", "-m", "termsgate_runner", "train",
         "--data", str(tmp_path / "data"), "--config", str(cfg), "--out", str(tmp_path / "run")],
        cwd=RUNNER, capture_output=True, text=True, timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [json.loads(l) for l in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert rows[0]["world_size"] == 2
    assert [r["step"] for r in rows if "loss" in r] == [3, 6]
    assert all(r["world_size"] == 2 for r in rows if "loss" in r)
    assert (tmp_path / "run" / "checkpoint" / "state.pt").exists()
    assert (tmp_path / "run" / "model" / "config.json").exists()


def test_gpu_benchmark_runs_tiny_on_cpu():
    proc = subprocess.run([sys.executable, "bench_gpu.py", "--tiny"], cwd=RUNNER, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["tokens_per_s"] > 0 and 0 < result["mfu"] < 1
