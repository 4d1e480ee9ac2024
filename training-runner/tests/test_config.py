from pathlib import Path

import pytest

from termsgate_runner.config import DEFAULT_ALLOWED_LICENCES, load_config

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


@pytest.mark.parametrize("name", ["tiny-cpu.yaml", "student-124m.yaml"])
def test_shipped_configs_load(name):
    cfg = load_config(CONFIGS / name)
    assert set(cfg.allowed_licences) == set(DEFAULT_ALLOWED_LICENCES)
    assert cfg.steps > 0 and cfg.student.num_layers > 0


def test_unknown_keys_are_refused(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("stpes: 10\n")
    with pytest.raises(ValueError, match="stpes"):
        load_config(path)


def test_openai_services_agreement_is_not_allowed_by_default():
    assert "openai-services-agreement" not in load_config(None).allowed_licences
