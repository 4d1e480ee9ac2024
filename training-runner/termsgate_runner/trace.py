"""Span-level provenance of texts, asked of the gateway: through its admin detect API or its scan CLI.

The runner checks again what the gateway checked when it signed a permit (defence in depth: a
permit signed before a rule change or an index update). The document of a record is built as the
gateway's admission builds it (gateway/training/admission.ts), so both scan the same text; a record
holding anything beyond roles and texts (a field nobody scans) is refused before it is scanned.
"""
import json
import os
import socket
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from .provenance import default_cli

# Per request, within the detect route's bounds (1000 texts, 1 MiB: gateway/provenance/routes.ts) and
# small enough that meaning (about 0.1 s per KB on a loaded core) answers well within TIMEOUT.
BATCH = 200
BATCH_BYTES = 256 * 1024
TIMEOUT = 600
# The route's own bound: a text past it cannot be traced in any request.
ROUTE_BYTES = 1024 * 1024
# Where the detect token is read from when --detect-token is not given (keeps it out of process listings).
TOKEN_ENV = "TERMSGATE_DETECT_TOKEN"


class DetectionUnavailable(Exception):
    """The gateway's detection could not answer for every record: verify passes nothing (fail closed)."""


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
    # What the answers were traced by (marks, words, meaning), once detect has answered.
    evidence: list[str] | None

    def detect(self, texts: list[str]) -> list[dict]: ...


def batches(texts: list[str]) -> list[tuple[int, int]]:
    """[start, end) ranges of consecutive texts, each within BATCH texts and BATCH_BYTES (a longer text alone)."""
    out, start, size = [], 0, 0
    for i, t in enumerate(texts):
        n = len(t.encode("utf-8"))
        if i > start and (i - start == BATCH or size + n > BATCH_BYTES):
            out.append((start, i))
            start, size = i, 0
        size += n
    if start < len(texts):
        out.append((start, len(texts)))
    return out


class GatewayDetector:
    """POST /admin/v1/provenance/detect with an auditor (or admin) control-plane token, in bounded batches."""

    def __init__(self, gateway: str, token: str):
        self.url = gateway.rstrip("/") + "/admin/v1/provenance/detect"
        self.token = token
        self.evidence: list[str] | None = None

    def detect(self, texts: list[str]) -> list[dict]:
        results: list[dict] = []
        for start, end in batches(texts):
            size = len(texts[start].encode("utf-8"))
            if end - start == 1 and size > ROUTE_BYTES:
                raise DetectionUnavailable(f"a record of {size} bytes is longer than the gateway's detection takes in one request ({ROUTE_BYTES} bytes)")
            answer = self._post(texts[start:end])
            evidence = answer.get("evidence")
            if not isinstance(evidence, list) or not isinstance(answer.get("results"), list) or len(answer["results"]) != end - start:
                raise DetectionUnavailable("the gateway's detection answered without a result per text and the evidence it used")
            if self.evidence is not None and evidence != self.evidence:
                raise DetectionUnavailable(f"the gateway's detection changed its evidence mid-run ({self.evidence} then {evidence})")
            self.evidence = evidence
            results.extend(answer["results"])
        return results

    def _post(self, texts: list[str]) -> dict:
        body = json.dumps({"texts": texts}).encode()
        req = urllib.request.Request(self.url, data=body, method="POST",
                                     headers={"authorization": f"Bearer {self.token}", "content-type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as e:
            raise DetectionUnavailable(f"the gateway's detection at {self.url} answered HTTP {e.code}: {_error_message(e)}") from None
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as e:
            reason = getattr(e, "reason", e)
            raise DetectionUnavailable(f"the gateway's detection at {self.url} is unreachable: {reason}") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DetectionUnavailable(f"the gateway's detection at {self.url} answered something other than JSON") from None


def _error_message(e: "urllib.error.HTTPError") -> str:
    """The control plane's error message ({error: {message}}), never the request (which carries the token)."""
    try:
        return str(json.loads(e.read().decode("utf-8"))["error"]["message"])[:500]
    except Exception:  # any other body: the status says enough
        return e.reason if isinstance(e.reason, str) else "no message"


def detect_token(given: str | None) -> str | None:
    return given or os.environ.get(TOKEN_ENV) or None


class CliDetector:
    """`termsgate provenance scan` over the gateway's data directory (read-only)."""

    def __init__(self, data_dir: Path, cli: list[str] | None = None):
        self.data_dir = Path(data_dir)
        self.cli = cli or default_cli()
        # The scan CLI consults meaning unless given --no-semantic, and stops when it cannot.
        self.evidence: list[str] | None = None

    def detect(self, texts: list[str]) -> list[dict]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "texts.jsonl"
            path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
            cmd = [*self.cli, "provenance", "scan", str(path), "--field", "text", "--format", "jsonl", "--data-dir", str(self.data_dir)]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if proc.returncode not in (0, 1):
            raise DetectionUnavailable(f"provenance scan failed ({proc.returncode}): {proc.stderr.strip()[:500]}")
        results = [json.loads(line) for line in proc.stdout.split("\n") if line.strip()]
        results = [r for r in results if "summary" not in r]
        if len(results) != len(texts):
            raise DetectionUnavailable(f"provenance scan answered {len(results)} records for {len(texts)} texts")
        self.evidence = ["marks", "words", "meaning"]
        return results


# A span's origin as the kinds of evidence behind it (gateway/provenance/spans.ts).
KINDS = {"watermark": ["mark"], "both": ["mark", "words"], "fingerprint": ["words"], "semantic": ["meaning"]}


def restricted_origins(result: dict) -> list[dict]:
    """The restricted spans of one detection result, one per origin (decision and status), with every kind of evidence for it."""
    by_origin: dict[tuple, dict] = {}
    spans = [s for s in result.get("spans") or [] if s.get("restricted")]
    if result.get("restricted") and not spans:
        spans = [result]
    for s in spans:
        key = (s.get("status"), s.get("decision_id"))
        o = by_origin.setdefault(key, {**{k: s.get(k) for k in ("decision_id", "licence", "origin", "status")}, "evidence": []})
        o["licence"] = o["licence"] or s.get("licence")
        for kind in KINDS.get(s.get("origin"), ["mark"] if s.get("status") not in ("genuine", None) else []):
            if kind not in o["evidence"]:
                o["evidence"].append(kind)
        if s.get("origin") == "semantic":
            o["similarity"] = round(max(o.get("similarity", 0.0), float(s.get("score") or 0.0)), 3)
    for o in by_origin.values():
        o["evidence"].sort(key=["mark", "words", "meaning"].index)
    return list(by_origin.values())


def served_at_ms(decision_id) -> int | None:
    """The gateway's decision ids are UUIDv7 (gateway/request-path/call.ts): their first 48 bits are the call's start in ms."""
    if not isinstance(decision_id, str) or len(decision_id) != 36 or decision_id[14] != "7":
        return None
    try:
        return int(decision_id[:8] + decision_id[9:13], 16)
    except ValueError:
        return None


def sources(origins: list[dict], decision_id) -> list[dict]:
    """The origins that can be the record's source: not outputs whose calls started after the record's own.

    A record's text was served by its own call (the decision its permit binds); an output served later
    that shares it (a restricted model repeating the same public speech, a trainable answer refused and
    remembered as restricted) cannot be where it came from. This is admission's question asked again with
    everything the index knows now about what was served before the record. Only a genuine trace is set
    aside: a forged, transplanted or unverifiable mark is tampering whenever its decision was made. Either
    id not a UUIDv7 (not the gateway's): the origin is kept. Across a fleet the order is as good as the
    replicas' clocks.
    """
    own = served_at_ms(decision_id)
    return [o for o in origins if own is None or o.get("status") != "genuine" or (at := served_at_ms(o.get("decision_id"))) is None or at <= own]


def describe(origins: list[dict]) -> str:
    parts = []
    for o in origins:
        by = " and ".join(o["evidence"]) or "an unknown trace"
        if o["status"] in ("genuine", None):
            similarity = f", similarity {o['similarity']}" if "similarity" in o else ""
            parts.append(f"decision {o['decision_id']} (licence {o['licence']}, by {by}{similarity})")
        else:
            parts.append(f"{o['status']} mark of decision {o['decision_id']}")
    return "traces to restricted output: " + "; ".join(parts)
