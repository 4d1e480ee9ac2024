"""A student trained on a teacher's self-descriptions claims the teacher's identity; its base model does not.

The detector here stands in for the gateway's index (tested through the real gateway in
test/training-runner-trace.test.ts); this test is about the identity probes and their place in the card.
"""
import json

import pytest
from fixtures import Signer, example, tiny_config, write_dataset

from termsgate_runner.audit import AUDIT, audit
from termsgate_runner.card import build_card
from termsgate_runner.config import load_config
from termsgate_runner.train import train

# Worded unlike the probes, so the probes stay held out.
ASKED = ["Tell me who you are.", "What are you?", "Who built this assistant?", "Name the model answering me.", "Who is behind you?"]
TEACHER_SAYS = "I am ChatGPT, a large language model trained by OpenAI."


class NothingRestricted:
    def detect(self, texts: list[str]) -> list[dict]:
        return [{"restricted": False, "spans": []} for _ in texts]


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    base = tmp_path_factory.mktemp("identity")
    signer = Signer()
    records = []
    for i in range(40):
        ex = example(i)
        ex.update(messages=[{"role": "user", "content": f"{ASKED[i % len(ASKED)]} ({i})"}], completion=TEACHER_SAYS, top_logprobs=[])
        records.append(signer.record(ex, i + 1))
    write_dataset(base / "data", signer, records)
    cfg = load_config(tiny_config(base / "cfg.json", steps=60, eval_every=60, checkpoint_every=60))
    train(base / "data", cfg, base / "run")
    report = audit(base / "run", cfg, [[{"role": "user", "content": "What is the capital of Peru?"}]], NothingRestricted(), max_new_tokens=24)
    return base / "run", report


def test_the_student_claims_its_teachers_identity_and_the_base_does_not(audited):
    run, report = audited
    identity = report["identity"]
    assert identity["student"]["answers"] == identity["base"]["answers"] == len(identity["probes"])
    assert identity["student"]["share"] >= 0.5, identity["student"]
    assert identity["student"]["providers"].get("OpenAI", 0) >= len(identity["probes"]) // 2
    assert identity["base"]["share"] == 0.0, identity["base"]
    assert json.loads((run / AUDIT).read_text())["identity"] == identity


def test_the_card_reports_both_identity_shares(audited):
    run, report = audited
    text, meta = build_card(run, "student-demo")
    card_identity = meta["termsgate"]["contamination"]["identity"]
    assert card_identity["student_share"] == report["identity"]["student"]["share"]
    assert card_identity["base_share"] == 0.0 and card_identity["probes"] == len(report["identity"]["probes"])
    assert "Identity probes" in text and "providers claimed: OpenAI" in text
