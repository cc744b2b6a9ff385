"""Group therapy figures without Django: certification eligibility, session means, factor profiles.

Certification as an MBT group therapist requires that a majority of the group's members have a
borderline diagnosis (the MBT-G course's requirement; docs/methods.md#certification). A majority
is strictly more than half of the CURRENT members; exactly half is not a majority.

Which codes count as a borderline personality disorder diagnosis (after WHO's ICD-10 and ICD-11):
- ICD-10: F60.3 emotionally unstable personality disorder and its subcodes F60.30 (impulsive
  type) and F60.31 (borderline type).
- ICD-11: the borderline pattern specifier 6D11.5, which qualifies a personality disorder (6D10,
  any severity) and is often written with it as a cluster, "6D10.1&6D11.5". A personality disorder
  code (6D10) without the specifier does not count, nor does another trait domain (6D11.0-6D11.4).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

ICD10 = "icd10"
ICD11 = "icd11"
SYSTEMS = (ICD10, ICD11)

ICD10_BORDERLINE = re.compile(r"^F60\.3[01]?$")
ICD11_BORDERLINE_PATTERN = "6D11.5"
# ICD-10: a letter, two digits, optionally a dot and one or two digits (F60.31).
# ICD-11 stem codes: a digit or letter, a letter, two characters, optionally a dot and one or two
# characters (6D10.1, 6D11.5, QE50.7); a cluster joins stem codes with "&" (postcoordination).
CODE_PATTERNS = {
    ICD10: re.compile(r"^[A-Z]\d{2}(\.\d{1,2})?$"),
    ICD11: re.compile(r"^[0-9A-Z][A-Z][0-9A-Z]{2}(\.[0-9A-Z]{1,2})?(&[0-9A-Z][A-Z][0-9A-Z]{2}(\.[0-9A-Z]{1,2})?)*$"),
}

Diagnosis = tuple[str, str]  # (system, code)


class InvalidCode(ValueError):
    """A diagnosis code that is not written as a code of its classification."""


def normalise_code(system: str, code: str) -> str:
    """The code in its canonical form (upper case, no spaces); InvalidCode if it is not one."""
    if system not in SYSTEMS:
        raise InvalidCode(f"Unknown classification {system!r}; known: {', '.join(SYSTEMS)}.")
    clean = re.sub(r"\s+", "", code).upper()
    if not CODE_PATTERNS[system].match(clean):
        raise InvalidCode(f"{code!r} is not written as an {system.upper()} code.")
    return clean


def is_borderline(diagnoses: Iterable[Diagnosis]) -> bool:
    """Whether a patient's recorded diagnoses include a borderline personality disorder."""
    for system, code in diagnoses:
        if system == ICD10 and ICD10_BORDERLINE.match(code):
            return True
        if system == ICD11 and ICD11_BORDERLINE_PATTERN in code.split("&"):
            return True
    return False


@dataclass(frozen=True)
class Eligibility:
    """How many of the current members have a borderline diagnosis, and whether that is a majority."""

    members: int
    borderline: int

    @property
    def eligible(self) -> bool:
        return 2 * self.borderline > self.members


def certification_eligibility(members: Sequence[Iterable[Diagnosis]]) -> Eligibility:
    """Eligibility of a group from the diagnoses of each of its CURRENT members (one entry each)."""
    return Eligibility(members=len(members), borderline=sum(is_borderline(member) for member in members))


def session_means(frame: pd.DataFrame, measures: Sequence[str]) -> pd.DataFrame:
    """The group's mean of each measure per session over the members who answered.

    `frame`: one row per member and session with a `session` column and one column per measure
    (NaN = not answered). Returns one row per session (ascending) with `<measure>` (the mean) and
    `<measure>_n` (how many answered); a session nobody answered has NaN means and zero counts.
    """
    grouped = frame.groupby("session", sort=True)[list(measures)]
    means = grouped.mean()
    counts = grouped.count().add_suffix("_n")
    return pd.concat([means, counts], axis=1).reset_index()


def factor_profile(frame: pd.DataFrame, factors: Sequence[str], by: Sequence[str] = ("session",)) -> pd.DataFrame:
    """The mean rating of each therapeutic factor per wave (and per `by`), highest first.

    `frame`: one row per answered therapeutic-factors check, one column per factor (Yalom's eleven,
    docs/methods.md#therapeutic-factors). Returns long rows `*by, factor, mean, n, rank` where rank 1 is
    the factor rated most helpful in that wave (ties share the lower rank).
    """
    keys = list(by)
    long = frame.melt(id_vars=keys, value_vars=list(factors), var_name="factor", value_name="rating")
    profile = long.groupby([*keys, "factor"], sort=False)["rating"].agg(mean="mean", n="count").reset_index()
    profile["rank"] = profile.groupby(keys)["mean"].rank(method="min", ascending=False)
    return profile.sort_values([*keys, "rank"], kind="stable", ignore_index=True)
