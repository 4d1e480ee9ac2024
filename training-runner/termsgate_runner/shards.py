"""Dataset shards on disk: DIR/shards/*.jsonl hold records, DIR/quarantine/quarantined.jsonl what was refused."""
import json
import os
from pathlib import Path

SHARDS = "shards"
QUARANTINE = "quarantine"
QUARANTINE_FILE = "quarantined.jsonl"


def shard_paths(data_dir: Path) -> list[Path]:
    return sorted((Path(data_dir) / SHARDS).glob("*.jsonl"))


def quarantine_path(data_dir: Path) -> Path:
    return Path(data_dir) / QUARANTINE / QUARANTINE_FILE


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def append_lines(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in lines)
        f.flush()
        os.fsync(f.fileno())


def iter_records(data_dir: Path):
    """(record, shard path) for every parseable line of every shard."""
    for path in shard_paths(data_dir):
        for line in path.read_text(encoding="utf-8").split("\n"):
            if line.strip():
                try:
                    yield json.loads(line), path
                except json.JSONDecodeError:
                    continue


def known_ids(data_dir: Path) -> set[str]:
    """Record ids already held, accepted or quarantined: a record is taken at most once."""
    ids = {r.get("id") for r, _ in iter_records(data_dir) if isinstance(r, dict)}
    q = quarantine_path(data_dir)
    if q.exists():
        for line in q.read_text(encoding="utf-8").split("\n"):
            try:
                rec = json.loads(line).get("record")
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict):
                ids.add(rec.get("id"))
    ids.discard(None)
    return ids
