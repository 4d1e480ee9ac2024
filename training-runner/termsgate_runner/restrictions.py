"""What a student carries from its teachers' licences: duties that bind when it is distributed (or also made
available as a service), and use restrictions it inherits (derivative and non-commercial licences), with the
deployment purposes they forbid. Read from the run's data summary, which the training feed's records fill."""
import json
from pathlib import Path

from .lineage import SUMMARY

TRIGGER_WORDS = {
    "distribution": "when the model is distributed",
    "distribution-or-made-available": "when the model, or a product built on it, is distributed or made available",
}


def duties(summary: dict) -> list[dict]:
    """Every duty of every licence of the data, once, with its licence."""
    out: list[dict] = []
    for lic, v in summary["licences"].items():
        listed = v.get("duties") or []
        if not listed:
            # Records written before duties were recorded carry only attribution texts and naming prefixes.
            listed = [{"kind": "attribution", "text": a, "trigger": "distribution"} for a in v.get("attribution", [])] + [
                {"kind": "naming", "text": f'The model name begins with "{n}"', "prefix": n, "trigger": "distribution-or-made-available"}
                for n in v.get("naming", [])
            ]
        for d in listed:
            entry = {"licence": lic, **d}
            if entry not in out:
                out.append(entry)
    return out


def inherited(summary: dict) -> dict:
    """The union of the licences' inherited restrictions: forbidden deployment purposes and use restrictions."""
    forbidden: dict[str, list[str]] = {}
    uses: list[dict] = []
    for lic, v in summary["licences"].items():
        r = v.get("inherited_restrictions") or {}
        for p in r.get("forbidden_deployment_purposes", []):
            forbidden.setdefault(p, []).append(lic)
        uses += [{"licence": lic, "text": t} for t in r.get("use_restrictions", [])]
    return {"forbidden_deployment_purposes": {p: sorted(set(l)) for p, l in sorted(forbidden.items())}, "use_restrictions": uses}


def deployment_refusals(summary: dict, purpose: str) -> list[str]:
    """Why the student may not be deployed for `purpose`; empty when its licences allow it."""
    licences = inherited(summary)["forbidden_deployment_purposes"].get(purpose, [])
    return [f"licence {lic} of the training data forbids deploying a model trained on it for {purpose}" for lic in licences]


def check_deployment(run: Path, purpose: str) -> dict:
    summary = json.loads((Path(run) / SUMMARY).read_text())
    reasons = deployment_refusals(summary, purpose)
    return {"run": str(run), "purpose": purpose, "allowed": not reasons, "reasons": reasons}
