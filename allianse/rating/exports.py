"""Exports of a study's agreement: row generators (one per table), rendered as CSV or XLSX by
`allianse.exports`, in the manner of pretix's exporters. Raters appear by user name, segments by
name and identifier; no patient identifier is exported."""

from __future__ import annotations

import pandas as pd

from allianse.core.stats import FORMS
from allianse.exports import Table

from .agreement import StudyAgreement


def items_table(agreement: StudyAgreement) -> Table:
    """One row per item and score: sizes, the six ICCs with intervals, G-study, alpha, agreement."""
    max_raters = len(agreement.raters)
    header = ["item", "label", "n_segments", "n_raters", "icc_n_segments", "icc_dropped_segments"]
    for form in FORMS:
        header += [form, f"{form}_ci_lower", f"{form}_ci_upper", f"{form}_F", f"{form}_p", f"{form}_band"]
    header += ["var_p", "var_r", "var_pr"]
    header += [f"G_absolute_{count}" for count in range(1, max_raters + 1)]
    header += ["alpha_interval", "alpha_ci_lower", "alpha_ci_upper", "alpha_band", "exact_agreement", "within_one"]
    header.append("problem")

    def rows():
        for row in agreement.rows:
            entry = row.entry
            line = [
                row.key,
                row.label,
                entry.get("n_segments"),
                entry.get("n_raters"),
                row.n_used,
                entry.get("dropped_segments"),
            ]
            for form in FORMS:
                icc = entry.get(form, {})
                lower, upper = icc.get("ci95", [None, None])
                line += [icc.get("value"), lower, upper, icc.get("F"), icc.get("p"), icc.get("band")]
            g_study = entry.get("g_study", {})
            line += [g_study.get(name) for name in ("var_p", "var_r", "var_pr")]
            absolute = {d["raters"]: d["absolute"] for d in entry.get("d_study", [])}
            line += [absolute.get(count) for count in range(1, max_raters + 1)]
            line += [entry.get("alpha"), *row.alpha_interval, entry.get("alpha_band")]
            line += [entry.get("exact_agreement"), entry.get("within_one")]
            line.append(entry.get("error", {}).get("code", ""))
            yield line

    return header, rows()


def ratings_table(frame: pd.DataFrame, segment_names: dict[str, str]) -> Table:
    """The analysed ratings in the core's long format (`agreement.study_ratings_frame`), with the
    segment's name."""
    header = ["segment", "segment_name", "rater", "item", "value", "submitted_at"]

    def rows():
        for record in frame.itertuples(index=False):
            submitted = record.submitted_at.isoformat(timespec="seconds")
            name = segment_names.get(record.segment, "")
            yield [record.segment, name, record.rater, record.item, record.value, submitted]

    return header, rows()
