"""Runs the gateway's `termsgate provenance scan` over an outside dataset and refuses restricted content."""
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_cli() -> list[str]:
    override = os.environ.get("TERMSGATE_CLI")
    if override:
        return override.split()
    return ["node", str(REPO_ROOT / "dist" / "gateway" / "cli" / "main.js")]


@dataclass
class ScanResult:
    restricted: bool
    findings: list[dict]

    @property
    def restricted_records(self) -> list[dict]:
        return [f for f in self.findings if f.get("restricted")]


def scan(dataset: Path, cli: list[str] | None = None, data_dir: Path | None = None) -> ScanResult:
    cmd = [*(cli or default_cli()), "provenance", "scan", str(dataset), "--format", "jsonl"]
    if data_dir:
        cmd += ["--data-dir", str(data_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    # Exit 1 is the scanner's verdict "restricted content found"; anything else but 0 is a failure to scan.
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"provenance scan failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
    findings = []
    for line in proc.stdout.split("\n"):
        try:
            findings.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return ScanResult(restricted=proc.returncode == 1, findings=findings)
