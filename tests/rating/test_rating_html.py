"""The rating form's items and the consensus table's cells are written in Python (rating_tags:
`rating_item`, `rater_cells`); they give the HTML the templates gave before them. The expected
HTML below is what `rating/_rating_item.html` and the table's loop over cells drew, in English
and bokmål: an answered scale with its stamp and note, a scale, boxes and a time in error, a
text answer, and cells with and without a time and a note."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from allianse.instruments import registry as instruments
from allianse.rating import services
from allianse.rating.forms import RatingForm, initial_from

from .conftest import full_answers

ITEMS = Template(
    "{% load rating_tags %}{% for item, field, reason, time, note in entries %}"
    "{% rating_item item field reason time note %}{% endfor %}"
)
CELLS = Template("{% load rating_tags %}{{ cells|rater_cells }}")
ANSWERED = initial_from(
    {"rupture_significance": "3"}, {}, {"rupture_significance": 75.5}, {"rupture_significance": 'calm <&> "quiet"'}
)


SCALE_EN = (
    '<fieldset class="rate-item" id="item-rupture_significance" tabindex="-1">\n'
    "  <legend>How much did the ruptures strain the collaboration in this segment?</legend>\n"
    '  <p class="muted">Choose 1 if there was no rupture in the segment.</p>\n'
    "  \n"
    "  \n"
    '    <div class="scale"><label for="id_rupture_significance_0">'
    '<input type="radio" name="rupture_significance" value="1" id="id_rupture_significance_0">'
    '<span>1<span class="visually-hidden"> – Not at all</span></span></label>'
    '<label for="id_rupture_significance_1">'
    '<input type="radio" name="rupture_significance" value="2" id="id_rupture_significance_1"><span>2</span>'
    '</label><label for="id_rupture_significance_2">'
    '<input type="radio" name="rupture_significance" value="3" id="id_rupture_significance_2" checked>'
    '<span>3<span class="visually-hidden"> – Noticeably</span></span></label>'
    '<label for="id_rupture_significance_3">'
    '<input type="radio" name="rupture_significance" value="4" id="id_rupture_significance_3"><span>4</span>'
    '</label><label for="id_rupture_significance_4">'
    '<input type="radio" name="rupture_significance" value="5" id="id_rupture_significance_4">'
    '<span>5<span class="visually-hidden"> – Very much</span></span></label></div>\n'
    '    <div class="anchors" aria-hidden="true"><span>1 = Not at all</span><span>3 = Noticeably</span>'
    "<span>5 = Very much</span></div>\n"
    "  \n"
    '  <div class="item-extras">\n'
    '    <label for="id_rupture_significance__reason">Left empty because <select'
    ' name="rupture_significance__reason" id="id_rupture_significance__reason">\n'
    '  <option value="" selected>–</option>\n'
    "\n"
    '  <option value="not_applicable">not applicable</option>\n'
    "\n"
    '  <option value="not_observed">not observed</option>\n'
    "\n"
    "</select></label>\n"
    '    <label for="id_rupture_significance__time">At (time)\n'
    '      <input type="text" name="rupture_significance__time" id="id_rupture_significance__time"'
    ' value="1:16" class="stamp" inputmode="decimal" size="7" placeholder="12:40"></label>\n'
    '    <button type="button" class="secondary stamp-now" hidden>Stamp the player\'s time</button>\n'
    '    <button type="button" class="secondary seek-stamp" hidden>Go to this time</button>\n'
    '    <label for="id_rupture_significance__note">Note <input type="text"'
    ' name="rupture_significance__note" value="calm &lt;&amp;&gt; &quot;quiet&quot;" size="30"'
    ' maxlength="300" id="id_rupture_significance__note"></label>\n'
    "    \n"
    "  </div>\n"
    "</fieldset>\n"
)


SCALE_NB = (
    '<fieldset class="rate-item" id="item-rupture_significance" tabindex="-1">\n'
    "  <legend>Hvor mye belastet bruddene samarbeidet i dette avsnittet?</legend>\n"
    '  <p class="muted">Velg 1 hvis det ikke var noe brudd i avsnittet.</p>\n'
    "  \n"
    "  \n"
    '    <div class="scale"><label for="id_rupture_significance_0">'
    '<input type="radio" name="rupture_significance" value="1" id="id_rupture_significance_0">'
    '<span>1<span class="visually-hidden"> – Ikke i det hele tatt</span></span></label>'
    '<label for="id_rupture_significance_1">'
    '<input type="radio" name="rupture_significance" value="2" id="id_rupture_significance_1"><span>2</span>'
    '</label><label for="id_rupture_significance_2">'
    '<input type="radio" name="rupture_significance" value="3" id="id_rupture_significance_2" checked>'
    '<span>3<span class="visually-hidden"> – Merkbart</span></span></label>'
    '<label for="id_rupture_significance_3">'
    '<input type="radio" name="rupture_significance" value="4" id="id_rupture_significance_3"><span>4</span>'
    '</label><label for="id_rupture_significance_4">'
    '<input type="radio" name="rupture_significance" value="5" id="id_rupture_significance_4">'
    '<span>5<span class="visually-hidden"> – Svært mye</span></span></label></div>\n'
    '    <div class="anchors" aria-hidden="true"><span>1 = Ikke i det hele tatt</span>'
    "<span>3 = Merkbart</span><span>5 = Svært mye</span></div>\n"
    "  \n"
    '  <div class="item-extras">\n'
    '    <label for="id_rupture_significance__reason">Står tomt fordi <select'
    ' name="rupture_significance__reason" id="id_rupture_significance__reason">\n'
    '  <option value="" selected>–</option>\n'
    "\n"
    '  <option value="not_applicable">ikke aktuelt</option>\n'
    "\n"
    '  <option value="not_observed">ikke observert</option>\n'
    "\n"
    "</select></label>\n"
    '    <label for="id_rupture_significance__time">Ved (tid)\n'
    '      <input type="text" name="rupture_significance__time" id="id_rupture_significance__time"'
    ' value="1:16" class="stamp" inputmode="decimal" size="7" placeholder="12:40"></label>\n'
    '    <button type="button" class="secondary stamp-now" hidden>Sett inn avspillerens tid</button>\n'
    '    <button type="button" class="secondary seek-stamp" hidden>Gå til dette tidspunktet</button>\n'
    '    <label for="id_rupture_significance__note">Notat <input type="text"'
    ' name="rupture_significance__note" value="calm &lt;&amp;&gt; &quot;quiet&quot;" size="30"'
    ' maxlength="300" id="id_rupture_significance__note"></label>\n'
    "    \n"
    "  </div>\n"
    "</fieldset>\n"
)


SCALE_IN_ERROR = (
    '<fieldset class="rate-item has-error" id="item-rupture_significance" tabindex="-1"'
    ' aria-describedby="error-rupture_significance">\n'
    "  <legend>How much did the ruptures strain the collaboration in this segment?</legend>\n"
    '  <p class="muted">Choose 1 if there was no rupture in the segment.</p>\n'
    '  <ul class="errorlist" id="error-rupture_significance">'
    "<li>Select a valid choice. 9 is not one of the available choices.</li></ul>\n"
    "  \n"
    '    <div class="scale"><label for="id_rupture_significance_0">'
    '<input type="radio" name="rupture_significance" value="1" id="id_rupture_significance_0">'
    '<span>1<span class="visually-hidden"> – Not at all</span></span></label>'
    '<label for="id_rupture_significance_1">'
    '<input type="radio" name="rupture_significance" value="2" id="id_rupture_significance_1"><span>2</span>'
    '</label><label for="id_rupture_significance_2">'
    '<input type="radio" name="rupture_significance" value="3" id="id_rupture_significance_2">'
    '<span>3<span class="visually-hidden"> – Noticeably</span></span></label>'
    '<label for="id_rupture_significance_3">'
    '<input type="radio" name="rupture_significance" value="4" id="id_rupture_significance_3"><span>4</span>'
    '</label><label for="id_rupture_significance_4">'
    '<input type="radio" name="rupture_significance" value="5" id="id_rupture_significance_4">'
    '<span>5<span class="visually-hidden"> – Very much</span></span></label></div>\n'
    '    <div class="anchors" aria-hidden="true"><span>1 = Not at all</span><span>3 = Noticeably</span>'
    "<span>5 = Very much</span></div>\n"
    "  \n"
    '  <div class="item-extras">\n'
    '    <label for="id_rupture_significance__reason">Left empty because <select'
    ' name="rupture_significance__reason" id="id_rupture_significance__reason">\n'
    '  <option value="">–</option>\n'
    "\n"
    '  <option value="not_applicable">not applicable</option>\n'
    "\n"
    '  <option value="not_observed" selected>not observed</option>\n'
    "\n"
    "</select></label>\n"
    '    <label for="id_rupture_significance__time">At (time)\n'
    '      <input type="text" name="rupture_significance__time" id="id_rupture_significance__time"'
    ' value="zz&lt;" class="stamp" inputmode="decimal" size="7" placeholder="12:40"></label>\n'
    '    <button type="button" class="secondary stamp-now" hidden>Stamp the player\'s time</button>\n'
    '    <button type="button" class="secondary seek-stamp" hidden>Go to this time</button>\n'
    '    <label for="id_rupture_significance__note">Note <input type="text"'
    ' name="rupture_significance__note" size="30" maxlength="300" id="id_rupture_significance__note">'
    "</label>\n"
    '    <span class="errorlist">Write the time as minutes and seconds, for example 12:40.</span>\n'
    "  </div>\n"
    "</fieldset>\n"
)


OPTIONS_IN_ERROR = (
    '<fieldset class="rate-item has-error" id="item-resolution_strategies" tabindex="-1"'
    ' aria-describedby="error-resolution_strategies">\n'
    "  <legend>What did the therapist do to repair the rupture?</legend>\n"
    '  <p class="muted">Tick everything the therapist did in the segment.</p>\n'
    '  <ul class="errorlist" id="error-resolution_strategies">'
    "<li>Select a valid choice. nope is not one of the available choices.</li></ul>\n"
    "  \n"
    '    <div class="options"><label for="id_resolution_strategies_0">'
    '<input type="checkbox" name="resolution_strategies" value="clarifies_misunderstanding"'
    ' id="id_resolution_strategies_0" aria-invalid="true"> Cleared up a misunderstanding</label>'
    '<label for="id_resolution_strategies_1">'
    '<input type="checkbox" name="resolution_strategies" value="changes_tasks_goals"'
    ' id="id_resolution_strategies_1" aria-invalid="true"> Changed tasks or goals</label>'
    '<label for="id_resolution_strategies_2">'
    '<input type="checkbox" name="resolution_strategies" value="explains_rationale"'
    ' id="id_resolution_strategies_2" aria-invalid="true"> Explained or showed what a task involves, or why'
    ' the treatment is set up as it is</label><label for="id_resolution_strategies_3">'
    '<input type="checkbox" name="resolution_strategies" value="invites_discussion"'
    ' id="id_resolution_strategies_3" aria-invalid="true"> Invited the patient to talk about thoughts and'
    ' feelings about the therapist or the therapy</label><label for="id_resolution_strategies_4">'
    '<input type="checkbox" name="resolution_strategies" value="acknowledges_contribution"'
    ' id="id_resolution_strategies_4" aria-invalid="true"> Acknowledged their own part in the'
    ' rupture</label><label for="id_resolution_strategies_5">'
    '<input type="checkbox" name="resolution_strategies" value="discloses_experience"'
    ' id="id_resolution_strategies_5" aria-invalid="true"> Shared their own experience of the interaction'
    ' with the patient</label><label for="id_resolution_strategies_6">'
    '<input type="checkbox" name="resolution_strategies" value="links_to_therapy_pattern"'
    ' id="id_resolution_strategies_6" aria-invalid="true"> Linked the rupture to a pattern in the'
    ' interaction between patient and therapist</label><label for="id_resolution_strategies_7">'
    '<input type="checkbox" name="resolution_strategies" value="links_to_outside_pattern"'
    ' id="id_resolution_strategies_7" aria-invalid="true"> Linked the rupture to patterns in the'
    ' patient&#x27;s other relationships</label><label for="id_resolution_strategies_8">'
    '<input type="checkbox" name="resolution_strategies" value="validates_defence"'
    ' id="id_resolution_strategies_8" aria-invalid="true"> Validated the patient&#x27;s need to protect'
    ' themselves</label><label for="id_resolution_strategies_9">'
    '<input type="checkbox" name="resolution_strategies" value="redirects" id="id_resolution_strategies_9"'
    ' aria-invalid="true" checked> Redirected the patient to a different focus</label>'
    '<label for="id_resolution_strategies_10">'
    '<input type="checkbox" name="resolution_strategies" value="other" id="id_resolution_strategies_10"'
    ' aria-invalid="true"> Other (describe in the note)</label></div>\n'
    "  \n"
    '  <div class="item-extras">\n'
    "    \n"
    '    <label for="id_resolution_strategies__time">At (time)\n'
    '      <input type="text" name="resolution_strategies__time" id="id_resolution_strategies__time"'
    ' value="" class="stamp" inputmode="decimal" size="7" placeholder="12:40"></label>\n'
    '    <button type="button" class="secondary stamp-now" hidden>Stamp the player\'s time</button>\n'
    '    <button type="button" class="secondary seek-stamp" hidden>Go to this time</button>\n'
    '    <label for="id_resolution_strategies__note">Note <input type="text"'
    ' name="resolution_strategies__note" size="30" maxlength="300" id="id_resolution_strategies__note">'
    "</label>\n"
    "    \n"
    "  </div>\n"
    "</fieldset>\n"
)


TEXT = (
    '<fieldset class="rate-item" id="item-note" tabindex="-1">\n'
    "  <legend>Note</legend>\n"
    '  <p class="muted">For example the time, what happened, or what &#x27;other&#x27; was.</p>\n'
    "  \n"
    "  \n"
    '    <label class="visually-hidden" for="id_note">Note</label>'
    '<textarea name="note" cols="40" rows="3" maxlength="2000" id="id_note">\n'
    "a&lt;b</textarea>\n"
    "  \n"
    '  <div class="item-extras">\n'
    "    \n"
    '    <label for="id_note__time">At (time)\n'
    '      <input type="text" name="note__time" id="id_note__time" value="1:02" class="stamp"'
    ' inputmode="decimal" size="7" placeholder="12:40"></label>\n'
    '    <button type="button" class="secondary stamp-now" hidden>Stamp the player\'s time</button>\n'
    '    <button type="button" class="secondary seek-stamp" hidden>Go to this time</button>\n'
    '    <label for="id_note__note">Note <input type="text" name="note__note" size="30" maxlength="300"'
    ' id="id_note__note"></label>\n'
    "    \n"
    "  </div>\n"
    "</fieldset>\n"
)


EXPECTED_CELLS = (
    '<td>4</td><td>(not observed) <a href="#player" class="seek" data-seek="5">0:05</a><br>'
    '<span class="muted">calm &lt;&amp;&gt; &quot;quiet&quot;</span></td>'
    '<td>Yes; &lt;b&gt; <a href="#player" class="seek" data-seek="754.5">12:34</a></td>'
    '<td>– <a href="#player" class="seek" data-seek="3725.25">1:02:05</a><br><span class="muted">late</span>'
    '</td><td>2 <a href="#player" class="seek" data-seek="0">0:00</a></td>'
    '<td>3 <a href="#player" class="seek" data-seek="12">0:12</a></td>'
)


def drawn_item(language: str, posted: str | None, initial: dict, item_id: str) -> str:
    instrument = instruments.get("rupture-markers")
    with translation.override(language):
        data = QueryDict(posted) if posted is not None else None
        form = RatingForm(data, instrument=instrument, language=language, initial=initial)
        if data is not None:
            assert not form.is_valid() or item_id == "note"
        entries = [entry for _section, entries in form.entries() for entry in entries if entry[0].id == item_id]
        return ITEMS.render(Context({"entries": entries}))


@pytest.mark.parametrize(
    "language, posted, initial, item_id, expected",
    [
        ("en", None, ANSWERED, "rupture_significance", SCALE_EN),
        ("nb", None, ANSWERED, "rupture_significance", SCALE_NB),
        (
            "en",
            "rupture_significance=9&rupture_significance__time=zz<&rupture_significance__reason=not_observed",
            {},
            "rupture_significance",
            SCALE_IN_ERROR,
        ),
        (
            "en",
            "resolution_strategies=redirects&resolution_strategies=nope",
            {},
            "resolution_strategies",
            OPTIONS_IN_ERROR,
        ),
        ("en", "note=a<b&note__time=1:02", {}, "note", TEXT),
    ],
)
def test_an_item_of_the_rating_form_is_drawn_as_the_template_drew_it(language, posted, initial, item_id, expected):
    assert drawn_item(language, posted, initial, item_id) == expected


def test_the_consensus_table_cells_are_drawn_as_the_template_drew_them():
    cells = [
        {"answer": "4", "time": None, "note": ""},
        {"answer": "(not observed)", "time": 5, "note": 'calm <&> "quiet"'},
        {"answer": "Yes; <b>", "time": 754.5, "note": ""},
        {"answer": "–", "time": 3725.25, "note": "late"},
        {"answer": "2", "time": 0, "note": ""},
        {"answer": "3", "time": 12.0, "note": ""},
    ]
    assert CELLS.render(Context({"cells": cells})) == EXPECTED_CELLS


@pytest.mark.parametrize(
    "language, stamp_now", [("en", "Stamp the player's time"), ("nb", "Sett inn avspillerens tid")]
)
def test_the_consensus_page_draws_the_raters_cells_and_the_form(
    leader_client, study, segment, assignments, language, stamp_now
):
    first, second = assignments
    noted = services.RatingInput(answers=full_answers(4), notes={"i01_adherence": "calm & <quiet>"})
    services.submit_rating(assignment=first, entered=noted, by=first.rater)
    services.submit_rating(assignment=second, entered=services.RatingInput(answers=full_answers(6)), by=second.rater)
    url = reverse("rating:consensus_segment", args=[study.public_id, segment.public_id])
    page = leader_client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert '<td>4<br><span class="muted">calm &amp; &lt;quiet&gt;</span></td><td>6</td>' in page
    assert 'value="5" id="id_i01_adherence_4" checked>' in page  # the raters' median
    assert page.count('<fieldset class="rate-item"') == len(instruments.get(study.instrument_key).items)
    assert stamp_now in page
