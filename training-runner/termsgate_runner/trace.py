"""Span-level provenance of texts, asked of the gateway: through its admin detect API or its scan CLI.

The runner checks again what the gateway checked when it signed a permit (defence in depth: a
permit signed before a rule change or an index update). The document of a record is built as the
gateway's admission builds it (gateway/training/admission.ts), so both scan the same text; a record
holding anything beyond roles and texts (a field nobody scans) is refused before it is scanned.
"""
import json
import subprocess
import tempfile
import urllib.request
from pathlib import Path
from typing import Protocol

from .provenance import default_cli

# The admin route takes at most 1000 texts per call; smaller batches keep bodies well under the size limit.
BATCH = 200


FEED_ROLES = {"system", "user", "assistant", "tool"}


def stored_shape_error(example: dict) -> str | None:
    """None when the record holds only what the runner trains on (the gateway's feed-messages.ts), else what else it holds."""
    messages = example.get("messages")
    if not isinstance(messages, list):
        return "messages is not a list"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or set(m) != {"role", "content"} or m["role"] not in FEED_ROLES or not isinstance(m["content"], str):
            return f"message {i} holds more than a role and its text"
    if not isinstance(example.get("completion"), str):
        return "completion is not text"
    return None


def record_document(example: dict) -> str:
    """Exactly what the record stores and the runner trains on: each turn's text, then the completion."""
    parts = [m["content"] for m in example["messages"]] + [example["completion"]]
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
