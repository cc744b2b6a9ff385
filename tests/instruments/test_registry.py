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


def load_changed(tmp_path, key: str, old: str, new: str) -> None:
    """Load the shipped definitions with one text replaced (the last occurrence) in `key`'s file."""
    for path in instruments.DEFINITIONS_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    path = tmp_path / f"{key}.yaml"
    before, found, after = path.read_text(encoding="utf-8").rpartition(old)
    assert found, f"{old!r} is not in {path.name}"
    path.write_text(before + new + after, encoding="utf-8")
    instruments.load(tmp_path)


def test_the_shipped_definitions_give_the_apps_what_they_read():
    assert instruments.check_requirements() == []


def test_a_definition_without_a_role_the_apps_read_stops_start_up(tmp_path):
    try:
        load_changed(tmp_path, "alliance-patient", "    roles: [held_back]\n", "")
        assert instruments.check_definitions() == []
        errors = instruments.check_requirements()
        assert [error.id for error in errors] == ["allianse.E002"]
        assert errors[0].msg == (
            "Instrument definitions: instrument 'alliance-patient': no item carries the role 'held_back' "
            "(needed by the session series)"
        )
    finally:
        instruments.load()
    assert instruments.check_requirements() == []


def test_rules_the_definitions_cannot_give_stop_start_up(tmp_path):
    try:  # the conflict score's high band (its last band) is no longer a concern
        load_changed(tmp_path, "group-climate", "concern: true", "concern: false")
        messages = [error.msg for error in instruments.check_requirements()]
        assert messages == [
            "Instrument definitions: the group signal rules: Instrument 'group-climate': score 'conflict' "
            "has no concern band at its top."
        ]
    finally:
        instruments.load()
