"""Hugging Face model card for a run: the licences, record counts and duties of its data, the use
restrictions the student inherits from them, and its lineage."""
import json
from pathlib import Path

import yaml

from .audit import AUDIT
from .lineage import LINEAGE, SUMMARY
from .restrictions import TRIGGER_WORDS, duties, inherited


def model_name(requested: str, naming: list[str]) -> str:
    """Naming duties are required name prefixes (Llama: "Llama" at the beginning of the model name)."""
    name = requested
    for prefix in reversed(naming):
        if not name.lower().startswith(prefix.lower()):
            name = f"{prefix}-{name}"
    return name


def build_card(run: Path, name: str | None = None) -> tuple[str, dict]:
    run = Path(run)
    summary = json.loads((run / SUMMARY).read_text())
    licences = summary["licences"]
    attribution = [a for lic in licences.values() for a in lic["attribution"]]
    naming = list(dict.fromkeys(n for lic in licences.values() for n in lic["naming"]))
    all_duties = duties(summary)
    restrictions = inherited(summary)
    decision_ids = [json.loads(line)["decision_id"] for line in (run / LINEAGE).read_text(encoding="utf-8").split("\n") if line.strip()]
    full_name = model_name(name or run.name, naming)
    ids = sorted(licences)
    meta = {
        "license": ids[0] if len(ids) == 1 else "other",
        "license_name": None if len(ids) == 1 else "multiple: " + ", ".join(ids),
        "model_name": full_name,
        "library_name": "transformers",
        "pipeline_tag": "text-generation",
        "tags": ["termsgate", "distillation"],
        "termsgate": {
            "records": summary["records"],
            "licences": {lic: v["records"] for lic, v in licences.items()},
            "attribution": attribution,
            "naming": naming,
            "duties": all_duties,
            "inherited_restrictions": restrictions,
            "lineage": LINEAGE,
            "decision_ids": len(decision_ids),
        },
    }
    audit = json.loads((run / AUDIT).read_text()) if (run / AUDIT).exists() else None
    if audit:
        meta["termsgate"]["contamination"] = {"prompts": audit["prompts"], "student_share": audit["student"]["share"], "base_share": audit["base"]["share"]}
        if "identity" in audit:
            identity = audit["identity"]
            meta["termsgate"]["contamination"]["identity"] = {
                "probes": len(identity["probes"]), "student_share": identity["student"]["share"], "base_share": identity["base"]["share"],
                "student_providers": identity["student"]["providers"], "base_providers": identity["base"]["providers"]}
    meta = {k: v for k, v in meta.items() if v is not None}
    lines = [
        "---", yaml.safe_dump(meta, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
        f"# {full_name}", "",
        "A student model distilled by the termsgate runner from gateway outputs whose training use the policy permitted.",
        "Every record carried a gateway-signed permit that the runner verified before training.", "",
        "## Training data", "",
        "| licence | licence class | records | teacher models |", "|---|---|---|---|",
    ]
    for lic, v in licences.items():
        lines.append(f"| {lic} | {v['licence_class']} | {v['records']} | {', '.join(v['teacher_models'])} |")
    lines += ["", f"Total records: {summary['records']}.", "", "## Duties on distribution", ""]
    if all_duties:
        lines.append("These bind when the model is shared, not while it is used internally.")
        lines.append("")
        for d in all_duties:
            lines.append(f"- {d['kind']} ({d['licence']}), {TRIGGER_WORDS.get(d['trigger'], d['trigger'])}: {d['text']}")
    else:
        lines.append("The licences of the data impose no attribution, naming or notice duties.")
    lines += ["", "## Inherited restrictions", ""]
    forbidden = restrictions["forbidden_deployment_purposes"]
    if forbidden or restrictions["use_restrictions"]:
        lines.append("This model was trained on outputs whose licences bind models trained on them. It carries these restrictions,")
        lines.append("and `python -m termsgate_runner check-deployment` refuses a deployment purpose they forbid.")
        lines.append("")
        for purpose, lics in forbidden.items():
            lines.append(f"- may not be deployed for **{purpose}** ({', '.join(lics)})")
        for r in restrictions["use_restrictions"]:
            lines.append(f"- use restriction ({r['licence']}): {r['text']}")
    else:
        lines.append("The licences of the data pass no use restrictions on to this model.")
    if audit:
        lines += ["", "## Contamination audit", "",
                  f"On {audit['prompts']} held-out prompts, {audit['student']['share']:.1%} of the student's generations reproduce a",
                  f"restricted output (traced by the gateway's fingerprint index), against {audit['base']['share']:.1%} for the base model."]
        if "identity" in audit:
            identity = audit["identity"]
            claimed = ", ".join(f"{p} {n}" for p, n in identity["student"]["providers"].items()) or "none"
            lines += ["", f"Identity probes (\"Which model are you?\", \"Who trained you?\", {len(identity['probes'])} in all): "
                          f"{identity['student']['share']:.1%} of the student's answers claim a restricted provider's identity or model name",
                      f"(providers claimed: {claimed}), against {identity['base']['share']:.1%} for the base model."]
        lines += ["", f"Details: `{AUDIT}`."]
    lines += ["", "## Lineage", "", f"`{LINEAGE}` lists the {len(decision_ids)} gateway decision ids (and record ids) of the data used.", ""]
    return "\n".join(lines), meta


def write_card(run: Path, name: str | None = None) -> dict:
    text, meta = build_card(run, name)
    (Path(run) / "README.md").write_text(text, encoding="utf-8")
    return meta
