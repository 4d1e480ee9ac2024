"""Checks every record's permit and licence; what fails is moved to quarantine with its reason."""
import json
from dataclasses import dataclass, field
from pathlib import Path

from .canonical import digest_of, permit_message, record_id_of
from .gateway_key import GatewayKey
from .permit_batch import ALG, batch_error, batch_key
from .shards import append_lines, quarantine_path, shard_paths, write_atomic
from .trace import Detector, describe, record_document, restricted_origins, sources, stored_shape_error


def check_record(record, key: GatewayKey, allowed_licences: set[str]) -> str | None:
    """None when the record may be trained on, else why not."""
    if not isinstance(record, dict) or not isinstance(record.get("example"), dict):
        return "malformed record"
    example = record["example"]
    permit = record.get("permit")
    if not isinstance(permit, dict):
        return "missing permit"
    for name in ("id", "digest", "policy_revision", "licence", "key_id"):
        if not isinstance(permit.get(name), str):
            return f"permit lacks {name}"
    if permit.get("alg") != ALG:
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
    problem = batch_error(permit.get("batch"), permit_message(permit), key)
    if problem is not None:
        return problem
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
    # What every kept record was traced by (marks, words, meaning); None when only permits were checked.
    traced_by: list[str] | None = None
    # Kept records whose only restricted origins were served after them (trace.sources).
    later_only: int = 0

    def to_json(self) -> dict:
        return {"verified": self.verified, "quarantined": len(self.quarantined), "traced_by": self.traced_by, "later_origins_only": self.later_only, "reasons": self.quarantined}


def batch_problems(records: list, set_aside: list) -> dict[tuple, str]:
    """Signed batches not whole and in order where they were read: a record removed, repeated or moved.

    Every record naming a batch counts as present, even one refused for itself (and those an earlier
    pass set aside in quarantine), so one altered record does not take its batch with it; the order is
    that of the shards, then their lines.
    """
    seen: dict[tuple, list[int]] = {}
    for record in records:
        key = batch_key(record)
        if key is not None:
            seen.setdefault(key, []).append(record["permit"]["batch"]["index"])
    aside: dict[tuple, set[int]] = {}
    for record in set_aside:
        key = batch_key(record)
        if key is not None:
            aside.setdefault(key, set()).add(record["permit"]["batch"]["index"])
    problems = {}
    for key, indices in seen.items():
        size = key[2]
        present = set(indices) | aside.get(key, set())
        if len(set(indices)) != len(indices):
            problems[key] = "permit batch repeats a record"
        elif present != set(range(size)):
            problems[key] = f"permit batch incomplete: {len(present)} records of {size} (a record removed)"
        elif indices != sorted(indices):
            problems[key] = "permit batch out of order (records moved)"
    return problems


def quarantined_records(data_dir: Path) -> list:
    path = quarantine_path(data_dir)
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line).get("record"))
        except (json.JSONDecodeError, AttributeError):
            continue
    return out


def verify_dir(data_dir: Path, key: GatewayKey, allowed_licences: set[str], move: bool = True, detector: "Detector | None" = None) -> VerifyReport:
    """Verifies every shard; with move, rewrites shards without the refused records and quarantines those.

    A record passes when its own permit checks and its signed batch is whole and in order across the
    shards. With a detector, every record that passes is scanned again for provenance spans: one that
    traces to a restricted output served before the record's own call is refused even with a valid
    permit (trace.sources: a later output cannot be its source), its quarantine entry naming each
    origin's decision, licence and evidence (mark, words, meaning). The detector answers for every record
    before anything is moved, so when it fails (DetectionUnavailable) nothing is verified or moved.
    """
    report = VerifyReport()
    read: list[tuple[Path, int, str, object, str | None]] = []
    for path in shard_paths(data_dir):
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                reason = check_record(record, key, allowed_licences)
            except json.JSONDecodeError:
                record, reason = line, "unparseable line"
            read.append((path, n, line, record, reason))
    problems = batch_problems([record for _, _, _, record, _ in read], quarantined_records(data_dir))
    read = [(p, n, line, r, reason or problems.get(batch_key(r))) for p, n, line, r, reason in read]
    passed = [(p, n, line, r) for p, n, line, r, reason in read if reason is None]
    results = detector.detect([record_document(r["example"]) for _, _, _, r in passed]) if detector and passed else None
    traced: dict[int, list[dict]] = {}
    for i, (_, _, _, r) in enumerate(passed if results else []):
        found = restricted_origins(results[i])
        kept = sources(found, r["example"]["decision_id"])
        if kept:
            traced[id(r)] = kept
        elif found:
            report.later_only += 1
    if detector:
        report.traced_by = detector.evidence if passed else None
    for path in shard_paths(data_dir):
        kept: list[str] = []
        refused: list[str] = []
        for p, n, line, record, reason in read:
            if p != path:
                continue
            origins = None if reason else traced.get(id(record))
            reason = reason or (describe(origins) if origins else None)
            if reason is None:
                kept.append(line)
                report.verified += 1
                continue
            rid = record.get("id") if isinstance(record, dict) else None
            entry = {"reason": reason, "shard": path.name, "line": n, **({"origins": origins} if origins else {})}
            report.quarantined.append({"id": rid, **entry})
            refused.append(json.dumps({**entry, "record": record}, ensure_ascii=False))
        if move and refused:
            append_lines(quarantine_path(data_dir), refused)
            write_atomic(path, "".join(line + "\n" for line in kept))
    return report
