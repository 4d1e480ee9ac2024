"""A student carries its teachers' licences: duties on distribution and inherited restrictions in the card, and
`check-deployment` refuses a deployment purpose a licence forbids."""
import json

import pytest
import yaml

from fixtures import Signer, example
from termsgate_runner.__main__ import main
from termsgate_runner.card import build_card
from termsgate_runner.lineage import SUMMARY, write_lineage
from termsgate_runner.restrictions import check_deployment


def run_dir(tmp_path, licences: list[str], n: int = 6):
    signer = Signer()
    records = [signer.record(example(i, licences[i % len(licences)]), i + 1) for i in range(n)]
    out = tmp_path / "run"
    out.mkdir()
    write_lineage(out, records, [])
    return out


def test_card_of_a_gemma_student_lists_the_inherited_restrictions_and_duties(tmp_path):
    run = run_dir(tmp_path, ["gemma-3-12b-it", "qwen2.5-7b-instruct"])
    text, meta = build_card(run, "student")
    inherited = meta["termsgate"]["inherited_restrictions"]
    assert inherited["use_restrictions"] == [{"licence": "gemma-3-12b-it", "text": "The restricted uses of the Gemma Prohibited Use Policy (ai.google.dev/gemma/prohibited_use_policy)"}]
    assert inherited["forbidden_deployment_purposes"] == {}
    assert meta["termsgate"]["duties"] == [{"licence": "gemma-3-12b-it", "kind": "notice", "text": "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms", "trigger": "distribution"}]
    assert "## Inherited restrictions" in text and "Gemma Prohibited Use Policy" in text
    assert "notice (gemma-3-12b-it), when the model is distributed: Gemma is provided" in text
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["termsgate"]["inherited_restrictions"] == inherited


def test_card_of_a_free_student_says_nothing_is_inherited(tmp_path):
    text, meta = build_card(run_dir(tmp_path, ["qwen2.5-7b-instruct", "deepseek-r1"]), "student")
    assert meta["termsgate"]["inherited_restrictions"] == {"forbidden_deployment_purposes": {}, "use_restrictions": []}
    assert meta["termsgate"]["duties"] == []
    assert "pass no use restrictions on to this model" in text


def test_llama_duties_bind_when_made_available(tmp_path):
    text, meta = build_card(run_dir(tmp_path, ["llama-3.1-8b-instruct"]), "student")
    assert meta["model_name"] == "Llama-student"
    assert {d["trigger"] for d in meta["termsgate"]["duties"]} == {"distribution-or-made-available"}
    assert "when the model, or a product built on it, is distributed or made available: Built with Llama" in text


@pytest.mark.parametrize("purpose,allowed", [("commercial", False), ("research", True), ("military", True)])
def test_a_non_commercial_teacher_forbids_commercial_deployment(tmp_path, purpose, allowed):
    run = run_dir(tmp_path, ["qwen2.5-3b-instruct", "qwen2.5-7b-instruct"])
    result = check_deployment(run, purpose)
    assert result["allowed"] is allowed
    if not allowed:
        assert result["reasons"] == ["licence qwen2.5-3b-instruct of the training data forbids deploying a model trained on it for commercial"]


def test_one_restricted_record_among_many_is_enough_to_refuse(tmp_path):
    run = run_dir(tmp_path, ["qwen2.5-7b-instruct"] * 9 + ["qwen2.5-3b-instruct"], n=10)
    assert check_deployment(run, "commercial")["allowed"] is False


def test_check_deployment_cli_exits_1_when_refused(tmp_path, capsys):
    run = run_dir(tmp_path, ["qwen2.5-3b-instruct"])
    assert main(["check-deployment", "--run", str(run), "--purpose", "commercial"]) == 1
    assert json.loads(capsys.readouterr().out)["allowed"] is False
    assert main(["check-deployment", "--run", str(run), "--purpose", "research"]) == 0


def test_the_summary_not_the_card_decides(tmp_path):
    """Editing the card's front matter cannot lift a restriction: the check reads the data summary."""
    run = run_dir(tmp_path, ["qwen2.5-3b-instruct"])
    (run / "README.md").write_text("---\ntermsgate: {inherited_restrictions: {}}\n---\n")
    assert check_deployment(run, "commercial")["allowed"] is False
    summary = json.loads((run / SUMMARY).read_text())
    assert summary["licences"]["qwen2.5-3b-instruct"]["inherited_restrictions"]["forbidden_deployment_purposes"] == ["commercial"]
