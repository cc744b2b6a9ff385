"""A broken instrument definition stops start-up with the file, item and problem named."""

import shutil

from allianse.instruments import registry as instruments


def test_a_broken_definition_is_reported_by_the_system_check(tmp_path):
    shutil.copy(instruments.DEFINITIONS_DIR / "alliance-patient.yaml", tmp_path / "alliance-patient.yaml")
    path = tmp_path / "alliance-patient.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("max: 7", "max: 0", 1), encoding="utf-8")
    try:
        instruments.load(tmp_path)
        errors = instruments.check_definitions()
        assert len(errors) == 1 and errors[0].id == "allianse.E001"
        assert "alliance-patient.yaml: item 'goal_1': min (1) must be below max (0)" in errors[0].msg
    finally:
        instruments.load()
    assert instruments.check_definitions() == []
