"""The day plan's overlap check on the seed's plan (002), and the properties of a fair rota."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from allianse.core.courses import Block, Overlap, lines, minutes_of, overlaps, propose_rota, too_long

# The seed's "Generell struktur": 09.00-10.30, 10.45-11.25, 11.30-12.15, 12.00-12.45, 12.45-16.00.
SEED_PLAN = [
    Block(minutes_of(9, 0), minutes_of(10, 30), "role play"),
    Block(minutes_of(10, 45), minutes_of(11, 25), "theory and video demonstration"),
    Block(minutes_of(11, 30), minutes_of(12, 15), "supervision and teaching"),
    Block(minutes_of(12, 0), minutes_of(12, 45), "lunch"),
    Block(minutes_of(12, 45), minutes_of(16, 0), "supervision and teaching"),
]


def test_the_seeds_plan_has_one_overlap_supervision_and_lunch_for_15_minutes():
    assert overlaps(SEED_PLAN) == [Overlap(first=2, second=3, start=minutes_of(12, 0), minutes=15)]


def test_blocks_that_only_touch_do_not_overlap():
    assert overlaps([Block(540, 600), Block(600, 660)]) == []


def test_a_block_inside_another_overlaps_for_its_whole_length_and_order_follows_the_start():
    assert overlaps([Block(600, 630), Block(540, 700)]) == [Overlap(first=1, second=0, start=600, minutes=30)]


blocks = st.lists(
    st.tuples(st.integers(0, 1400), st.integers(1, 200)).map(lambda pair: Block(pair[0], pair[0] + pair[1])),
    max_size=8,
)


@given(blocks)
def test_overlaps_are_exactly_the_pairs_sharing_a_minute(plan):
    found = {(overlap.first, overlap.second): overlap.minutes for overlap in overlaps(plan)}
    for i, a in enumerate(plan):
        for j, b in enumerate(plan):
            if i < j:
                shared = len(set(range(a.start, a.end)) & set(range(b.start, b.end)))
                key = (i, j) if (i, j) in found else (j, i)
                assert found.get(key, 0) == shared


people = st.integers(2, 14).map(lambda n: [f"p{index}" for index in range(n)])


def parts(rota):
    return Counter(person for chosen in rota for person in chosen)


@settings(max_examples=60, deadline=None)
@given(people, st.integers(0, 24))
def test_without_absences_everyone_plays_within_one_part_of_everyone_else(names, meetings):
    rota = propose_rota(names, meetings)
    counts = parts(rota)
    assert len(rota) == meetings
    assert all(len(chosen) == 2 and len(set(chosen)) == 2 for chosen in rota)
    assert max(counts[name] for name in names) - min(counts[name] for name in names) <= 1


@settings(max_examples=60, deadline=None)
@given(people.filter(lambda names: len(names) >= 4), st.integers(0, 24))
def test_with_four_or_more_nobody_plays_twice_in_a_row(names, meetings):
    rota = propose_rota(names, meetings)
    assert all(not set(before) & set(after) for before, after in zip(rota, rota[1:], strict=False))


@settings(max_examples=60, deadline=None)
@given(people.filter(lambda names: len(names) >= 5), st.data())
def test_with_five_or_more_no_pair_repeats_within_twice_as_many_meetings_as_people(names, data):
    meetings = data.draw(st.integers(0, 2 * len(names)))
    rota = propose_rota(names, meetings)
    assert len({frozenset(chosen) for chosen in rota}) == meetings


@st.composite
def courses_with_absences(draw):
    names = draw(people)
    meetings = draw(st.integers(1, 10))
    absent = {
        meeting: set(draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))))
        for meeting in range(meetings)
    }
    return names, meetings, absent


@settings(max_examples=80, deadline=None)
@given(courses_with_absences())
def test_announced_absences_are_respected_and_rest_is_kept_where_others_are_present(course):
    names, meetings, absent = course
    rota = propose_rota(names, meetings, absent=absent)
    for meeting, chosen in enumerate(rota):
        present = [name for name in names if name not in absent[meeting]]
        assert not set(chosen) & absent[meeting]
        assert len(chosen) == min(2, len(present))
        if meeting:
            rested = [name for name in present if name not in rota[meeting - 1]]
            if len(rested) >= 2:
                assert not set(chosen) & set(rota[meeting - 1])


@settings(max_examples=40, deadline=None)
@given(people.filter(lambda names: len(names) >= 4), st.data())
def test_meetings_the_leader_settled_are_kept_and_counted(names, data):
    meetings = data.draw(st.integers(1, 12))
    settled = data.draw(st.integers(0, meetings - 1))
    pair = tuple(data.draw(st.lists(st.sampled_from(names), unique=True, min_size=2, max_size=2)))
    rota = propose_rota(names, meetings, fixed={settled: pair})
    assert rota[settled] == pair
    counts = parts(rota)
    assert max(counts[name] for name in names) - min(counts[name] for name in names) <= 2


def test_the_seeds_course_twelve_people_eight_meetings_sixteen_different_people():
    names = [f"p{index}" for index in range(12)]
    rota = propose_rota(names, 8)
    assert len(parts(rota)) == 12 and max(parts(rota).values()) == 2


def test_a_description_counts_the_printed_lines_it_fills():
    assert lines("") == 0
    assert lines("Kort.\n\nTo linjer.") == 2
    assert lines("x" * 81) == 2
    assert not too_long("\n".join(["en linje"] * 10))
    assert too_long("\n".join(["en linje"] * 11))
    assert too_long("ord " * 210)
