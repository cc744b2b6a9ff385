"""A study's agreement: the stored ratings turned into the core's long format, the reliability
report of `allianse.core.stats`, the rater-against-others and calibration tables, and charts."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import pandas as pd
from django.core.cache import cache
from django.db.models import Count, F, Max, QuerySet
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from allianse.accounts.models import User
from allianse.core.measures import Instrument
from allianse.core.stats import (
    StatsError,
    against_others,
    against_reference,
    largest_pair_differences,
    rater_summary,
    reference_drift,
    reliability_report,
)
from allianse.instruments import registry as instruments

from . import charts, comparison
from .models import Assignment, Rating, RatingStudy
from .services import blocked_segments, current_ratings

T = TypeVar("T")
SCORE_PREFIX = "score:"
FORM_SHOWN = "ICC2"  # ICC(A,1): absolute agreement of a single rater, what a trainee's rating is worth
FORM_AVERAGE = "ICC2k"


def _readings() -> dict[str, str]:
    return {
        "uncertain": _("uncertain: the 95% interval spans more than one band"),
        "undefined": _("undefined: outside the range the coefficient can take"),
    }


def icc_sentence(value: float | None, band: str | None) -> str:
    """What an ICC means, after Cicchetti (1994), e.g. "0.62: good agreement"; a band only where
    its interval supports it (core.stats.interpretation.interval_band)."""
    meanings = {
        "excellent": _("excellent agreement"),
        "good": _("good agreement"),
        "fair": _("fair agreement"),
        "poor": _("poor agreement"),
        **_readings(),
    }
    return _sentence(value, band, meanings)


def alpha_sentence(value: float | None, band: str | None) -> str:
    """What an alpha means, after Krippendorff (2004): >= .800 acceptable, >= .667 tentative."""
    meanings = {
        "acceptable": _("reliable enough to draw conclusions"),
        "tentative": _("only tentative conclusions"),
        "unacceptable": _("not reliable enough"),
        **_readings(),
    }
    return _sentence(value, band, meanings)


def _sentence(value: float | None, band: str | None, meanings: dict[str, str]) -> str:
    """The value in the reader's number format and what its band means; an undefined value is
    not shown as a number; empty if there is none."""
    if value is None or band is None:
        return ""
    if band == "undefined":
        return meanings[band]
    return _("%(value)s: %(meaning)s") % {"value": formats.number_format(value, 2), "meaning": meanings[band]}


def value_of(instrument: Instrument, key: str, language: str) -> str:
    if key.startswith(SCORE_PREFIX):
        score = next(score for score in instrument.scores if score.id == key.removeprefix(SCORE_PREFIX))
        return score.title[language]
    item = instrument.item(key)
    return (item.label or item.text)[language]


def rater_labels(study: RatingStudy, viewer: User) -> dict[int, str]:
    """How `viewer` sees each rater of the study: names, or codes in a blind study."""
    codes = comparison.rater_codes(study)
    if not comparison.shows_names(study, viewer):
        return codes
    raters = User.objects.filter(pk__in=codes).only("username", "first_name", "last_name")
    return {rater.pk: rater.display_name for rater in raters}


FRAME_FIELDS = {
    "rating_id": F("public_id"),
    "segment_id": F("assignment__segment__public_id"),
    "rater_pk": F("assignment__rater_id"),
    "username": F("assignment__rater__username"),
    "kind": F("assignment__kind"),
}


def rating_values(ratings: QuerySet[Rating]) -> list[dict[str, Any]]:
    """What the frame needs of each rating, read as plain values (no model instances: a study of
    thousands of ratings is read in one quick query)."""
    return list(ratings.values("answers", "scores", "submitted_at", **FRAME_FIELDS))


def ratings_frame(
    ratings: list[dict[str, Any]], instrument: Instrument, labels: dict[int, str] | None = None
) -> pd.DataFrame:
    """Long format for the core: one row per segment, rater, item (scale items and scores), from
    `rating_values`; the rater is named by `labels` (user pk to name or code) where given, else
    by username. Built column-wise, not rating by rating."""
    columns = ["segment", "rater", "rating", "submitted_at", "item", "value"]
    if not ratings:
        return pd.DataFrame(columns=columns)
    labels = labels or {}
    scale_items = [item.id for item in instrument.items if item.type == "scale"]
    score_ids = [score.id for score in instrument.scores]
    base = pd.DataFrame(
        {
            "segment": [str(row["segment_id"]) for row in ratings],
            "rater": [labels.get(row["rater_pk"]) or row["username"] for row in ratings],
            "rating": [str(row["rating_id"]) for row in ratings],
            "submitted_at": [row["submitted_at"] for row in ratings],
        }
    )
    answers = pd.DataFrame([row["answers"] for row in ratings], columns=scale_items)
    scores = pd.DataFrame([row["scores"] for row in ratings], columns=score_ids).add_prefix(SCORE_PREFIX)
    wide = pd.concat([base, answers.apply(pd.to_numeric, errors="coerce"), scores.astype(float)], axis=1)
    long = wide.melt(id_vars=list(base.columns), var_name="item", value_name="value").dropna(subset=["value"])
    return long.astype({"value": float})[columns].reset_index(drop=True)


@dataclass(frozen=True)
class ItemRow:
    key: str
    label: str
    is_score: bool
    entry: dict[str, Any]

    @property
    def error(self) -> str | None:
        return self.entry.get("error", {}).get("message")

    @property
    def single(self) -> dict[str, Any]:
        return self.entry.get(FORM_SHOWN, {})

    @property
    def average(self) -> dict[str, Any]:
        return self.entry.get(FORM_AVERAGE, {})

    @property
    def single_sentence(self) -> str:
        return icc_sentence(self.single.get("value"), self.single.get("band"))

    @property
    def average_sentence(self) -> str:
        return icc_sentence(self.average.get("value"), self.average.get("band"))

    @property
    def alpha_sentence(self) -> str:
        return alpha_sentence(self.entry.get("alpha"), self.entry.get("alpha_band"))

    @property
    def alpha_interval(self) -> list[float | None]:
        return self.entry.get("alpha_ci95", [None, None])

    @property
    def n_used(self) -> int | None:
        """The segments the ICCs used: those rated by every rater of the item."""
        return self.entry.get("n_used")

    @property
    def dropped(self) -> int:
        return self.entry.get("dropped_segments", 0)


@dataclass(frozen=True)
class StudyAgreement:
    instrument: Instrument
    rows: list[ItemRow]
    raters: list[str]
    segments: int
    blocked_segments: int
    report: dict[str, Any]
    summary: pd.DataFrame  # per rater, their ratings against the mean of the others (core's rater_summary)
    pairs: list[dict[str, Any]]
    kept_as: tuple  # the key parts the analysis is kept under (see kept)
    read_frame: Callable[[], pd.DataFrame]
    problem: str | None = None

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The analysed ratings (study_ratings_frame), kept apart from the analysis: only the
        exports use them, and reading them back from the cache took the page's time."""
        return kept("agreement-frame", self.kept_as, self.read_frame)

    @cached_property
    def chart_svg(self) -> str | None:
        """Drawn only where it is shown (the page, not the API or the exports), and kept with the
        analysis, in the reader's language: drawing takes longer than the rest of the page."""

        def draw() -> str | None:
            return charts.raters_against_others(self.summary, _("Mean difference from the other raters"))

        return kept("agreement-chart", (*self.kept_as, get_language()), draw)

    @property
    def item_rows(self) -> list[ItemRow]:
        return [row for row in self.rows if not row.is_score]

    @property
    def score_rows(self) -> list[ItemRow]:
        return [row for row in self.rows if row.is_score]

    @property
    def rater_rows(self) -> list[dict[str, Any]]:
        return self.summary.to_dict("records")


def study_ratings_frame(
    study: RatingStudy, labels: dict[int, str] | None = None, blocked: list[int] | None = None
) -> pd.DataFrame:
    """The study's current rater ratings (not reference ratings or self-assessments) of segments
    whose consent holds (`blocked`: the study's blocked_segments, where the caller has them), in
    the core's long format; raters named by `labels`."""
    ratings = current_ratings(study, blocked).filter(assignment__kind=Assignment.Kind.RATER)
    return ratings_frame(rating_values(ratings), instruments.get(study.instrument_key), labels)


@dataclass(frozen=True)
class _Analysis:
    """What the agreement page computes from a study's ratings, in no language."""

    report: dict[str, Any]
    problem: str | None
    summary: pd.DataFrame
    pairs: pd.DataFrame
    raters: list[str]
    segments: int


# The analysis of a study with thousands of ratings takes seconds (the bootstrap of alpha's
# interval, the pairs of raters); it is kept under a key that changes with any new, corrected or
# withdrawn rating, so repeated views of unchanged ratings only read that key.
ANALYSIS_SECONDS = 60 * 60


def ratings_state(ratings: QuerySet[Rating]) -> tuple[int, int | None]:
    """Their count and newest id: a new, corrected or withdrawn rating changes it."""
    state = ratings.aggregate(count=Count("pk"), newest=Max("pk"))
    return state["count"], state["newest"]


def kept_for_ratings(name: str, ratings: QuerySet[Rating], parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, kept for `ANALYSIS_SECONDS` under a key made of `name`, `parts` and the
    `ratings_state` of `ratings`."""
    return kept(name, (*parts, *ratings_state(ratings)), compute)


def kept(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, kept for `ANALYSIS_SECONDS` under a key made of `name` and `parts` (which name
    the state of the ratings it is worked out from). A result with a `problem` (said in the
    reader's language) is not kept."""
    key = repr((name, *parts))
    key = f"rating:{name}:{hashlib.sha256(key.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = compute()
        if getattr(found, "problem", None) is None:
            cache.set(key, found, ANALYSIS_SECONDS)
    return found


def _analysis(study: RatingStudy, labels: dict[int, str] | None, blocked: list[int]) -> tuple[_Analysis, tuple]:
    """The analysis and the key parts it is kept under."""

    def analyse() -> _Analysis:
        frame = study_ratings_frame(study, labels, blocked)
        report, problem = _report(frame)
        items_only = frame[~frame["item"].str.startswith(SCORE_PREFIX)] if len(frame) else frame
        summary = rater_summary(against_others(items_only))
        raters = sorted(frame["rater"].unique()) if len(frame) else []
        segments = frame["segment"].nunique() if len(frame) else 0
        return _Analysis(report, problem, summary, largest_pair_differences(items_only), raters, segments)

    ratings = current_ratings(study, blocked).filter(assignment__kind=Assignment.Kind.RATER)
    parts = (study.pk, study.instrument_key, sorted(blocked), sorted((labels or {}).items()), *ratings_state(ratings))
    return kept("agreement", parts, analyse), parts


def study_agreement(study: RatingStudy, language: str, labels: dict[int, str] | None = None) -> StudyAgreement:
    """The agreement report of a study's current rater ratings (not reference ratings or
    self-assessments); raters named by `labels` (see rater_labels)."""
    instrument = instruments.get(study.instrument_key)
    blocked = blocked_segments(study)
    analysis, kept_as = _analysis(study, labels, blocked)
    report, problem = analysis.report, analysis.problem
    order = {item.id: index for index, item in enumerate(instrument.items)}
    keys = sorted(report.get("items", {}), key=lambda key: (key.startswith(SCORE_PREFIX), order.get(key, 0), key))
    rows = [
        ItemRow(key, value_of(instrument, key, language), key.startswith(SCORE_PREFIX), report["items"][key])
        for key in keys
    ]
    return StudyAgreement(
        instrument=instrument,
        rows=rows,
        raters=analysis.raters,
        segments=analysis.segments,
        blocked_segments=len(blocked),
        report=report,
        summary=analysis.summary,
        pairs=[
            {**row, "label": value_of(instrument, row["item"], language)} for row in analysis.pairs.to_dict("records")
        ],
        problem=problem,
        kept_as=kept_as,
        read_frame=lambda: study_ratings_frame(study, labels, blocked),
    )


def _report(frame: pd.DataFrame) -> tuple[dict[str, Any], str | None]:
    if frame.empty:
        return {}, _("No ratings have been submitted yet.")
    try:
        return reliability_report(frame[["segment", "rater", "item", "value"]], method="all", level="interval"), None
    except StatsError as error:
        return {}, error.message


@dataclass(frozen=True)
class Calibration:
    rater: User
    table: pd.DataFrame
    drift: float
    chart_svg: str | None
    segment_names: dict[str, str]

    STEADY = 0.05  # change in mean distance per rating below which the trend is called steady

    @property
    def trend(self) -> str | None:
        """closer, away or steady (from the drift slope); None with too few ratings to say."""
        if math.isnan(self.drift):
            return None
        if abs(self.drift) < self.STEADY:
            return "steady"
        return "closer" if self.drift < 0 else "away"

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [
            {**row, "segment_name": self.segment_names.get(row["segment"], "")} for row in self.table.to_dict("records")
        ]


def reference_frame(current: QuerySet[Rating], instrument: Instrument) -> pd.DataFrame:
    """The reference value per segment and item of a study's current ratings: the consensus rating
    where there is one, else the mean of the expert ratings."""
    references = rating_values(current.filter(assignment__kind__in=Assignment.REFERENCE_KINDS))
    frame = ratings_frame(references, instrument)
    kinds = {str(row["rating_id"]): row["kind"] for row in references}
    frame = frame.assign(consensus=frame["rating"].map(kinds) == Assignment.Kind.CONSENSUS)
    preferred = frame[frame["consensus"]] if frame["consensus"].any() else frame
    fallback = frame[~frame.set_index(["segment", "item"]).index.isin(preferred.set_index(["segment", "item"]).index)]
    chosen = pd.concat([preferred, fallback])
    return chosen.groupby(["segment", "item"], as_index=False)["value"].mean()


def rater_calibration(study: RatingStudy, rater: User, language: str) -> Calibration:
    """The rater's ratings against the reference, kept (with the chart, in `language`) while the
    study's current ratings stay the same: working them out and drawing takes most of the page."""
    instrument = instruments.get(study.instrument_key)
    current = current_ratings(study)

    def calibrate() -> tuple[pd.DataFrame, float, str | None]:
        own = rating_values(current.filter(assignment__kind=Assignment.Kind.RATER, assignment__rater=rater))
        frame = ratings_frame(own, instrument)
        frame = frame[~frame["item"].str.startswith(SCORE_PREFIX)]
        table = against_reference(frame, reference_frame(current, instrument))
        x_title, y_title = _("Rating, in the order submitted"), _("Mean distance from the reference")
        return table, reference_drift(table), charts.calibration(table, x_title, y_title)

    parts = (study.pk, study.instrument_key, rater.pk, language)
    table, drift, chart_svg = kept_for_ratings("calibration", current, parts, calibrate)
    names = {str(segment.public_id): segment.name for segment in study.segments.all()}
    return Calibration(rater=rater, table=table, drift=drift, chart_svg=chart_svg, segment_names=names)
