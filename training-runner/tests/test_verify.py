import json

from fixtures import Signer, example, write_dataset

from termsgate_runner.shards import iter_records, quarantine_path
from termsgate_runner.verify import verify_dir

ALLOWED = {"qwen2.5-7b-instruct", "deepseek-r1", "llama-3.1-8b-instruct"}


def test_valid_records_pass_and_bad_ones_are_quarantined(tmp_path):
    gateway, forger = Signer(), Signer()
    good = [gateway.record(example(i), i + 1) for i in range(3)]
    tampered = gateway.record(example(10), 4)
    tampered["example"]["completion"] = "The capital of France is Berlin."
    forged = forger.record(example(11), 5)
    forged["permit"]["key_id"] = gateway.key.key_id  # claims the gateway's key, signed with another
    missing = gateway.record(example(12), 6)
    del missing["permit"]
    forbidden = gateway.record(example(13, "openai-services-agreement"), 7)
    relabelled = gateway.record(example(14, "deepseek-r1"), 8)
    relabelled["example"]["licence"] = "qwen2.5-7b-instruct"
    write_dataset(tmp_path, gateway, good + [tampered, forged, missing, forbidden, relabelled])
    with open(tmp_path / "shards" / "shard-000000000001.jsonl", "a") as f:
        f.write("{not json\n")

    report = verify_dir(tmp_path, gateway.key, ALLOWED)

    assert report.verified == 3
    reasons = {q["id"]: q["reason"] for q in report.quarantined}
    assert reasons[tampered["id"]].startswith("digest mismatch")
    assert reasons[forged["id"]].startswith("bad signature")
    assert reasons[missing["id"]] == "missing permit"
    assert "not on the runner's allowlist" in reasons[forbidden["id"]]
    assert reasons[relabelled["id"]].startswith("digest mismatch")
    assert any(q["reason"] == "unparseable line" for q in report.quarantined)
    assert [r["id"] for r, _ in iter_records(tmp_path)] == [r["id"] for r in good]
    lines = [json.loads(l) for l in quarantine_path(tmp_path).read_text().splitlines()]
    assert len(lines) == 6 and all(l["reason"] for l in lines)
    assert verify_dir(tmp_path, gateway.key, ALLOWED).quarantined == [], "a second pass finds nothing left to refuse"


def test_records_from_an_unknown_key_are_refused(tmp_path):
    gateway, other = Signer(), Signer()
    write_dataset(tmp_path, gateway, [other.record(example(1), 1)])
    report = verify_dir(tmp_path, gateway.key, ALLOWED, move=False)
    assert report.verified == 0
    assert report.quarantined[0]["reason"] == "permit signed by an unknown key"


def test_a_record_holding_more_than_roles_and_texts_is_refused(tmp_path):
    """The gateway stores only what the runner trains on and scans; a field beyond it is unscanned text."""
    gateway = Signer()
    named = example(1)
    named["messages"][0]["name"] = "text nobody scanned"
    parts = example(2)
    parts["messages"][0]["content"] = [{"type": "text", "text": "hi", "id": "text nobody scanned"}]
    odd_role = example(3)
    odd_role["messages"][0]["role"] = "text nobody scanned"
    write_dataset(tmp_path, gateway, [gateway.record(e, i + 1) for i, e in enumerate([named, parts, odd_role, example(4)])])
    report = verify_dir(tmp_path, gateway.key, ALLOWED, move=False)
    assert report.verified == 1
    assert [q["reason"] for q in report.quarantined] == ["record holds text outside what is trained on and scanned: message 0 holds more than a role and its text"] * 3
