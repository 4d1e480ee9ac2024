"""Checks every record's permit and licence; what fails is moved to quarantine with its reason."""
import json
from dataclasses import dataclass, field
from pathlib import Path

from .canonical import digest_of, permit_message, record_id_of
from .gateway_key import GatewayKey
from .shards import append_lines, quarantine_path, shard_paths, write_atomic
from .trace import Detector, describe, record_document, restricted_origins, stored_shape_error


def check_record(record, key: GatewayKey, allowed_licences: set[str]) -> str | None:
    """None when the record may be trained on, else why not."""
    if not isinstance(record, dict) or not isinstance(record.get("example"), dict):
        return "malformed record"
    example = record["example"]
    permit = record.get("permit")
    if not isinstance(permit, dict):
        return "missing permit"
    for name in ("id", "digest", "policy_revision", "licence", "signature", "key_id"):
        if not isinstance(permit.get(name), str):
            return f"permit lacks {name}"
    if permit.get("alg") != "Ed25519":
        return "unsupported permit algorithm"
    if permit["key_id"] != key.key_id:
        return "permit signed by an unknown key"
    try:
        digest = digest_of(example)
    except Exception:  # rfc8785 refuses values JSON cannot carry canonically
        return "example has no canonical form"
    if permit["digest"] != digest:
        return "digest mismatch (record altered after signing)"
    if not isinstance(example.get("decision_id"), str) or permit["id"] != record.get("id") or permit["id"] != record_id_of(example["decision_id"]):
        return "record id mismatch"
    if permit["licence"] != example.get("licence"):
        return "licence mismatch"
    if permit["policy_revision"] != example.get("policy_revision"):
        return "policy revision mismatch"
    if not key.verify(permit_message(permit), permit["signature"]):
        return "bad signature (forged permit)"
    if permit["licence"] not in allowed_licences:
        return f"licence {permit['licence']} is not on the runner's allowlist"
    shape = stored_shape_error(example)
    if shape is not None:
        return f"record holds text outside what is trained on and scanned: {shape}"
    return None


@dataclass
class VerifyReport:
    verified: int = 0
    quarantined: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"verified": self.verified, "quarantined": len(self.quarantined), "reasons": self.quarantined}


def verify_dir(data_dir: Path, key: GatewayKey, allowed_licences: set[str], move: bool = True, detector: "Detector | None" = None) -> VerifyReport:
    """Verifies every shard; with move, rewrites shards without the refused records and quarantines those.

    With a detector, every record whose permit checks is scanned again for provenance spans: one that
    traces to a restricted output is refused even with a valid permit.
    """
    report = VerifyReport()
    for path in shard_paths(data_dir):
        passed: list[tuple[int, str, dict]] = []
        refused: list[str] = []

        def refuse(n: int, record, reason: str) -> None:
            rid = record.get("id") if isinstance(record, dict) else None
            report.quarantined.append({"id": rid, "reason": reason, "shard": path.name, "line": n})
            refused.append(json.dumps({"reason": reason, "shard": path.name, "line": n, "record": record}, ensure_ascii=False))

        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                reason = check_record(record, key, allowed_licences)
            except json.JSONDecodeError:
                record, reason = line, "unparseable line"
            if reason is None:
                passed.append((n, line, record))
            else:
                refuse(n, record, reason)
        kept: list[str] = []
        results = detector.detect([record_document(r["example"]) for _, _, r in passed]) if detector and passed else None
        for i, (n, line, record) in enumerate(passed):
            origins = restricted_origins(results[i]) if results else []
            if origins:
                refuse(n, record, describe(origins))
            else:
                kept.append(line)
                report.verified += 1
        if move and refused:
            append_lines(quarantine_path(data_dir), refused)
            write_atomic(path, "".join(line + "\n" for line in kept))
    return report
