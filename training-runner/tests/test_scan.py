import json
import sys

import pytest

from termsgate_runner.__main__ import main
from termsgate_runner.provenance import scan

FAKE = """
import json, sys
path = sys.argv[sys.argv.index("scan") + 1]
bad = "restricted" in open(path).read()
print(json.dumps({"line": 1, "restricted": bad, "licence": "openai-terms" if bad else "mit"}))
print(json.dumps({"summary": True}))
sys.exit(1 if bad else 0)
"""


@pytest.fixture
def fake_cli(tmp_path, monkeypatch):
    script = tmp_path / "fake_termsgate.py"
    script.write_text(FAKE)
    monkeypatch.setenv("TERMSGATE_CLI", f"{sys.executable} {script}")


def test_restricted_outside_data_is_refused(tmp_path, fake_cli):
    dirty = tmp_path / "dirty.jsonl"
    dirty.write_text(json.dumps({"messages": [{"role": "assistant", "content": "restricted"}]}) + "\n")
    clean = tmp_path / "clean.jsonl"
    clean.write_text(json.dumps({"messages": [{"role": "assistant", "content": "fine"}]}) + "\n")
    assert scan(dirty).restricted and len(scan(dirty).restricted_records) == 1
    assert not scan(clean).restricted
    assert main(["scan", str(dirty)]) == 1
    assert main(["scan", str(clean)]) == 0


def test_a_scanner_failure_is_an_error_not_a_pass(tmp_path, monkeypatch):
    monkeypatch.setenv("TERMSGATE_CLI", f"{sys.executable} {tmp_path / 'missing.py'}")
    with pytest.raises(RuntimeError, match="provenance scan failed"):
        scan(tmp_path / "x.jsonl")
