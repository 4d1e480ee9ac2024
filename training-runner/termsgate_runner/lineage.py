"""What a run was trained on: one lineage line per record, and a per-licence summary for the card."""
import json
from pathlib import Path

LINEAGE = "lineage.jsonl"
SUMMARY = "data-summary.json"


def summarise(records: list[dict]) -> dict:
    by_licence: dict[str, dict] = {}
    for r in records:
        ex = r["example"]
        entry = by_licence.setdefault(
            ex["licence"],
            {"records": 0, "licence_class": ex.get("licence_class"), "attribution": [], "naming": [], "duties": [], "teacher_models": [],
             "inherited_restrictions": {"forbidden_deployment_purposes": [], "use_restrictions": []}},
        )
        entry["records"] += 1
        restrictions = ex.get("inherited_restrictions") or {}
        for target, values in (
            (entry["attribution"], ex.get("attribution") or []),
            (entry["naming"], ex.get("naming") or []),
            (entry["duties"], ex.get("duties") or []),
            (entry["teacher_models"], [ex.get("model")]),
            (entry["inherited_restrictions"]["forbidden_deployment_purposes"], restrictions.get("forbidden_deployment_purposes") or []),
            (entry["inherited_restrictions"]["use_restrictions"], restrictions.get("use_restrictions") or []),
        ):
            for v in values:
                if v and v not in target:
                    target.append(v)
    return {"records": len(records), "licences": dict(sorted(by_licence.items()))}


def write_lineage(out: Path, train_recs: list[dict], eval_recs: list[dict]) -> None:
    with open(out / LINEAGE, "w", encoding="utf-8") as f:
        for split_name, recs in (("train", train_recs), ("eval", eval_recs)):
            for r in recs:
                ex = r["example"]
                f.write(json.dumps({"record_id": r["id"], "decision_id": ex.get("decision_id"), "split": split_name,
                                    "licence": ex.get("licence"), "model": ex.get("model"),
                                    "policy_revision": ex.get("policy_revision"), "permit_key_id": r["permit"]["key_id"]}) + "\n")
    (out / SUMMARY).write_text(json.dumps(summarise(train_recs + eval_recs), indent=2) + "\n")
