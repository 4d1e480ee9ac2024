"""Span-level provenance of texts, asked of the gateway: through its admin detect API or its scan CLI.

The runner checks again what the gateway checked when it signed a permit (defence in depth: a
permit signed before a rule change or an index update). The document of a record is built as the
gateway's admission builds it (gateway/training/admission.ts), so both scan the same text.
"""
import json
import subprocess
import tempfile
import urllib.request
from pathlib import Path
from typing import Protocol

from .provenance import default_cli

# Keys that name or route a part rather than carry its text (as in the gateway's admission).
NOT_TEXT = {"type", "id", "role", "tool_call_id", "tool_use_id", "call_id", "name", "index", "model", "media_type", "cache_control", "status"}
# The admin route takes at most 1000 texts per call; smaller batches keep bodies well under the size limit.
BATCH = 200


def _strings(value, out: list[str]) -> list[str]:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in NOT_TEXT:
                _strings(v, out)
    return out


def record_document(example: dict) -> str:
    """Every text a feed record carries: each turn's content parts joined, its other fields, the completion."""
    turns = []
    for m in example.get("messages") or []:
        if isinstance(m, dict):
            rest = {k: v for k, v in m.items() if k != "content"}
            turns.append("\n".join(["".join(_strings(m.get("content"), [])), *_strings(rest, [])]))
        else:
            turns.append("".join(_strings(m, [])))
    parts = [*turns, example.get("completion") or ""]
    return "\n\n".join(p for p in parts if p)


class Detector(Protocol):
    def detect(self, texts: list[str]) -> list[dict]: ...


class GatewayDetector:
    """POST /admin/v1/provenance/detect with an auditor (or admin) token."""

    def __init__(self, gateway: str, token: str):
        self.url = gateway.rstrip("/") + "/admin/v1/provenance/detect"
        self.token = token

    def detect(self, texts: list[str]) -> list[dict]:
        results: list[dict] = []
        for i in range(0, len(texts), BATCH):
            body = json.dumps({"texts": texts[i:i + BATCH]}).encode()
            req = urllib.request.Request(self.url, data=body, method="POST",
                                         headers={"authorization": f"Bearer {self.token}", "content-type": "application/json"})
            with urllib.request.urlopen(req, timeout=120) as resp:
                results.extend(json.load(resp)["results"])
        if len(results) != len(texts):
            raise RuntimeError(f"detect answered {len(results)} results for {len(texts)} texts")
        return results


class CliDetector:
    """`termsgate provenance scan` over the gateway's data directory (read-only)."""

    def __init__(self, data_dir: Path, cli: list[str] | None = None):
        self.data_dir = Path(data_dir)
        self.cli = cli or default_cli()

    def detect(self, texts: list[str]) -> list[dict]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "texts.jsonl"
            path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
            cmd = [*self.cli, "provenance", "scan", str(path), "--field", "text", "--format", "jsonl", "--data-dir", str(self.data_dir)]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"provenance scan failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
        results = [json.loads(line) for line in proc.stdout.split("\n") if line.strip()]
        results = [r for r in results if "summary" not in r]
        if len(results) != len(texts):
            raise RuntimeError(f"provenance scan answered {len(results)} records for {len(texts)} texts")
        return results


def restricted_origins(result: dict) -> list[dict]:
    """The restricted spans of one detection result, one per origin."""
    seen, out = set(), []
    for s in result.get("spans") or []:
        if not s.get("restricted"):
            continue
        key = (s.get("status"), s.get("decision_id"))
        if key in seen:
            continue
        seen.add(key)
        out.append({k: s.get(k) for k in ("decision_id", "licence", "origin", "status")})
    if result.get("restricted") and not out:
        out.append({k: result.get(k) for k in ("decision_id", "licence", "origin", "status")})
    return out


def describe(origins: list[dict]) -> str:
    parts = []
    for o in origins:
        if o["status"] in ("genuine", None):
            parts.append(f"decision {o['decision_id']} (licence {o['licence']}, {o['origin']})")
        else:
            parts.append(f"{o['status']} mark of decision {o['decision_id']}")
    return "traces to restricted output: " + "; ".join(parts)
