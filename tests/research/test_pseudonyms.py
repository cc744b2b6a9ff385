import uuid

from allianse.research.pseudonyms import pseudonym


def test_one_object_has_one_pseudonym_within_a_project_and_another_in_the_next():
    public_id = uuid.uuid4()
    first = pseudonym("a" * 64, "P", public_id)
    assert first == pseudonym("a" * 64, "P", str(public_id))
    assert first != pseudonym("b" * 64, "P", public_id)
    assert first.startswith("P") and len(first) == 13


def test_the_kind_of_object_is_part_of_the_hash():
    public_id = uuid.uuid4()
    assert pseudonym("k", "P", public_id)[1:] != pseudonym("k", "T", public_id)[1:]


def test_a_missing_object_has_no_pseudonym():
    assert pseudonym("k", "P", None) == ""
