"""The study page's lists are written in Python (rating_tags: `study_segments`, `segment_options`,
`assignment_rows`, `calibration_links`); they give the HTML `rating/study.html` drew with its loops
before them. The expected HTML below is what those loops drew, in English and bokmål: a segment
whose consent was withdrawn, names to escape, the chosen segment of the filter, an assignment in
each state and the calibration links."""

from __future__ import annotations

import uuid

import pytest
from django.template import Context, Template
from django.utils import translation

from allianse.accounts.models import User
from allianse.rating.models import Assignment, RatingStudy, Segment

STUDY = RatingStudy(public_id=uuid.UUID(int=1))
FIRST = Segment(pk=1, public_id=uuid.UUID(int=2), name="Start <&>", start_seconds=5, end_seconds=65)
SECOND = Segment(pk=2, public_id=uuid.UUID(int=3), name='"Middle"', start_seconds=3600, end_seconds=3725.5)
LISTS = Template(
    "{% load rating_tags %}{% study_segments study segments withdrawn %}|{% segment_options segments chosen %}|"
    "{% assignment_rows assignments %}|{% calibration_links study raters %}"
)
STUDY_URL = "/rating/studies/00000000-0000-0000-0000-000000000001"
SEGMENTS = (
    '<li>Start &lt;&amp;&gt; <span class="muted">0:05–1:05</span> · <a href="{url}/consensus/'
    '00000000-0000-0000-0000-000000000002/">{side}</a></li><li>&quot;Middle&quot; <span class="muted">'
    '1:00:00–1:02:06</span> <span class="concern consent-withdrawn" title="{kept}">{withdrawn}</span>\n'
    ' · <a href="{url}/consensus/00000000-0000-0000-0000-000000000003/">{side}</a></li>'
)
OPTIONS = (
    '<option value="00000000-0000-0000-0000-000000000002">Start &lt;&amp;&gt;</option>'
    '<option value="00000000-0000-0000-0000-000000000003" selected>&quot;Middle&quot;</option>'
)
ROW = "\n      <tr><td>{segment}</td><td>{rater}</td><td>{kind}</td>\n        <td>{state}</td></tr>\n    "
CALIBRATION = (
    '<li><a href="{url}/raters/00000000-0000-0000-0000-000000000004/">R1</a></li>'
    '<li><a href="{url}/raters/00000000-0000-0000-0000-000000000005/">Kari &lt;Nordmann&gt;</a></li>'
)
TEXTS = {
    "en": {
        "side": "ratings side by side",
        "withdrawn": "consent withdrawn",
        "kept": "Ratings already submitted are kept but left out of agreement.",
        "states": ("submitted", "draft saved", "not started"),
    },
    "nb": {
        "side": "vurderingene side om side",
        "withdrawn": "samtykke trukket tilbake",
        "kept": "Skåringer som alt er sendt inn, beholdes, men holdes utenfor samsvarsberegningen.",
        "states": ("sendt inn", "utkast lagret", "ikke påbegynt"),
    },
}


def assignment(segment: Segment, label: str, kind: str, *, submitted: bool, drafted: bool) -> Assignment:
    made = Assignment(segment=segment, kind=kind)
    made.rater_label, made.submitted, made.drafted = label, submitted, drafted
    return made


@pytest.mark.parametrize("language", ["en", "nb"])
def test_the_study_lists_are_the_html_the_template_drew(language):
    assignments = [
        assignment(FIRST, "R1", Assignment.Kind.RATER, submitted=True, drafted=True),
        assignment(SECOND, "Kari <Nordmann>", Assignment.Kind.EXPERT, submitted=False, drafted=True),
        assignment(SECOND, "R2", Assignment.Kind.RATER, submitted=False, drafted=False),
    ]
    raters = [(User(public_id=uuid.UUID(int=4)), "R1"), (User(public_id=uuid.UUID(int=5)), "Kari <Nordmann>")]
    context = {
        "study": STUDY,
        "segments": [FIRST, SECOND],
        "withdrawn": {2},
        "chosen": str(SECOND.public_id),
        "assignments": assignments,
        "raters": raters,
    }
    texts = TEXTS[language]
    with translation.override(language):
        drawn = LISTS.render(Context(context))
        kinds = [str(made.get_kind_display()) for made in assignments]
    rows = "".join(
        ROW.format(segment=segment, rater=rater, kind=kind, state=state)
        for segment, rater, kind, state in zip(
            ["Start &lt;&amp;&gt;", "&quot;Middle&quot;", "&quot;Middle&quot;"],
            ["R1", "Kari &lt;Nordmann&gt;", "R2"],
            kinds,
            texts["states"],
            strict=True,
        )
    )
    segments = SEGMENTS.format(url=STUDY_URL, side=texts["side"], kept=texts["kept"], withdrawn=texts["withdrawn"])
    assert drawn == f"{segments}|{OPTIONS}|{rows}|{CALIBRATION.format(url=STUDY_URL)}"
