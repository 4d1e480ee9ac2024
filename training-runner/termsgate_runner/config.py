"""Runner configuration (YAML or JSON): the licence allowlist and the student/training settings."""
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

# Catalogue entries (policies/data/licences.json) whose outputs this runner accepts by default: the checked
# entries whose class allows training. Provider terms that forbid it are absent. A student trained under an
# inheriting licence carries its restrictions in the model card and in `check-deployment`.
DEFAULT_ALLOWED_LICENCES = (
    "qwen2.5-7b-instruct",
    "qwen2.5-3b-instruct",
    "qwen2.5-72b-instruct",
    "deepseek-r1",
    "deepseek-r1-distill-qwen-7b",
    "deepseek-v3",
    "llama-3.1-8b-instruct",
    "llama-3.3-70b-instruct",
    "llama-4-scout-17b-16e-instruct",
    "gemma-3-12b-it",
    "gpt-oss-20b",
    "c4ai-command-r-v01",
    "mistral-large-instruct-2407",
)


@dataclass
class StudentConfig:
    # Loaded with from_pretrained when set and reachable; otherwise built from the fields below.
    name_or_path: str | None = None
    arch: str = "llama"
    hidden_size: int = 64
    intermediate_size: int = 128
    num_layers: int = 2
    num_heads: int = 4
    max_seq_len: int = 256
    tokenizer_path: str | None = None
    tokenizer_vocab_size: int = 512


@dataclass
class TrainConfig:
    allowed_licences: list[str] = field(default_factory=lambda: list(DEFAULT_ALLOWED_LICENCES))
    student: StudentConfig = field(default_factory=StudentConfig)
    steps: int = 100
    micro_batch_size: int = 8
    grad_accum: int = 1
    lr: float = 3e-3
    warmup_steps: int = 10
    weight_decay: float = 0.0
    kd_weight: float = 1.0
    eval_fraction: float = 0.2
    eval_every: int = 25
    log_every: int = 5
    checkpoint_every: int = 50
    seed: int = 0
    compile: bool = True
    # Peak FLOP/s of one device for MFU; None picks a known GPU's figure or estimates the CPU's.
    peak_flops: float | None = None


def _build(cls, data: dict):
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown {cls.__name__} keys: {sorted(unknown)}")
    return cls(**data)


def load_config(path: str | Path | None) -> TrainConfig:
    data = yaml.safe_load(Path(path).read_text()) if path else {}
    data = dict(data or {})
    student = _build(StudentConfig, dict(data.pop("student", {}) or {}))
    return _build(TrainConfig, {**data, "student": student})
