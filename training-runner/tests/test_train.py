import json

import pytest
from fixtures import Signer, example, tiny_config, write_dataset

from termsgate_runner.card import build_card
from termsgate_runner.config import load_config
from termsgate_runner.dataset import TokenMap, encode
from termsgate_runner.tokenizer import load_or_build
from termsgate_runner.train import train

LICENCES = ["qwen2.5-7b-instruct", "deepseek-r1", "llama-3.1-8b-instruct"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Trains 20 steps, stops, then resumes to 40: one run exercises checkpoints, resume and learning."""
    base = tmp_path_factory.mktemp("train")
    signer = Signer()
    records = [signer.record(example(i, LICENCES[i % 3]), i + 1) for i in range(45)]
    forged = Signer().record(example(99, "deepseek-r1"), 99)
    forged["permit"]["key_id"] = signer.key.key_id
    write_dataset(base / "data", signer, records + [forged])
    out = base / "run"
    first = train(base / "data", load_config(tiny_config(base / "cfg20.json", steps=20)), out)
    second = train(base / "data", load_config(tiny_config(base / "cfg40.json")), out)
    return {"out": out, "first": first, "second": second, "records": records, "forged": forged}


def metrics(out):
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]


def test_held_out_loss_falls_and_metrics_are_logged(run):
    assert run["second"]["final_eval_loss"] < 0.6 * run["first"]["first_eval_loss"]
    rows = metrics(run["out"])
    steps = [r for r in rows if "loss" in r]
    assert [r["step"] for r in steps] == [10, 20, 30, 40]
    for r in steps:
        assert r["tokens_per_s"] > 0 and 0 < r["mfu"] < 1 and r["kd"] > 0
    assert (run["out"] / "model" / "config.json").exists()


def test_training_resumes_from_its_checkpoint(run):
    assert run["first"]["steps"] == 20 and run["second"]["steps"] == 40
    header_rows = [r for r in metrics(run["out"]) if r["step"] == 0]
    assert len(header_rows) == 1, "the resumed run starts at step 20, not from scratch"


def test_forged_records_are_never_trained_on(run):
    lineage = [json.loads(l) for l in (run["out"] / "lineage.jsonl").read_text().splitlines()]
    ids = {l["record_id"] for l in lineage}
    assert run["forged"]["id"] not in ids
    assert ids == {r["id"] for r in run["records"]}
    assert {l["split"] for l in lineage} == {"train", "eval"}


def test_card_lists_licences_duties_and_lineage(run):
    text, meta = build_card(run["out"], "student-demo")
    assert meta["model_name"] == "Llama-student-demo"
    assert meta["termsgate"]["licences"] == {"qwen2.5-7b-instruct": 15, "llama-3.1-8b-instruct": 15, "deepseek-r1": 15}
    assert meta["termsgate"]["attribution"] == ["Built with Llama"]
    assert meta["termsgate"]["naming"] == ["Llama"]
    assert meta["termsgate"]["decision_ids"] == 45
    assert meta["license"] == "other" and text.startswith("---\n")
    assert "Built with Llama" in text


def test_token_level_targets_map_teacher_tokens_onto_the_student_vocab(run):
    tok = load_or_build(None, [], 0, run["out"] / "tokenizer")
    enc = encode(run["records"][0], tok, TokenMap(tok), 96)
    assert enc.kd, "some teacher tokens map onto single student tokens"
    for pos, ids, probs in enc.kd:
        assert enc.input_ids[pos + 1] in ids
        assert abs(sum(probs) - 1) < 1e-6
    completion = [i for i, l in zip(enc.input_ids, enc.labels) if l != -100]
    assert tok.decode(completion).startswith("The capital of")


def test_a_student_loads_by_path_and_keeps_training(run, tmp_path):
    """The from_pretrained path: the first run's saved model and tokenizer become the next student."""
    cfg = load_config(tiny_config(tmp_path / "cfg.json", steps=4, log_every=2, eval_every=4, checkpoint_every=4))
    cfg.student.name_or_path = str(run["out"] / "model")
    summary = train(run["out"].parent / "data", cfg, tmp_path / "continued")
    assert summary["params"] == run["second"]["params"]
    assert summary["first_eval_loss"] < run["first"]["first_eval_loss"] * 0.6, "it starts from the trained weights"
