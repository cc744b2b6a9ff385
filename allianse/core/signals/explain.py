"""Every signal explains itself, in English and Norwegian bokmål, with its numbers.

One whole-sentence template per detail key and language (never sentences glued from fragments).
The core has no Django, so it writes both languages itself. Placeholders:

- scores, shown with one or two decimals and the language's decimal mark: {alliance},
  {previous} (the previous scored session), {therapist} (therapist alliance), {reference} and {sd}
  (the patient's earlier mean and the SD used), {raw_sd} (the patient's earlier SD when the floor
  replaced it), {value}, {threshold};
- whole numbers: {session}, {rupture_session}, {intensity}, {resolution}, {intensity_max} and
  {resolution_max} (the top of those items' scales), {window} (the threshold of a count rule),
  {count} (the sessions of the early-alliance rule).
"""

from __future__ import annotations

from string import Formatter

import numpy as np
import pandas as pd

from .signal import Detail

LANGUAGES = ("en", "nb")
DECIMAL_MARK = {"en": ".", "nb": ","}

TEMPLATES: dict[Detail, dict[str, str]] = {
    Detail.RATED: {
        "en": "In session {session} the patient reported tension or a misunderstanding "
        "(intensity {intensity} of {intensity_max}, resolution {resolution} of {resolution_max}).",
        "nb": "I time {session} meldte pasienten om spenning eller en misforståelse "
        "(intensitet {intensity} av {intensity_max}, grad av løsning {resolution} av {resolution_max}).",
    },
    Detail.INTENSITY_ONLY: {
        "en": "In session {session} the patient reported tension or a misunderstanding with intensity "
        "{intensity} of {intensity_max}; how far it was resolved was not rated.",
        "nb": "I time {session} meldte pasienten om spenning eller en misforståelse med intensitet "
        "{intensity} av {intensity_max}; graden av løsning ble ikke vurdert.",
    },
    Detail.RESOLUTION_ONLY: {
        "en": "In session {session} the patient reported tension or a misunderstanding, resolved to degree "
        "{resolution} of {resolution_max}; its intensity was not rated.",
        "nb": "I time {session} meldte pasienten om spenning eller en misforståelse, løst i grad "
        "{resolution} av {resolution_max}; intensiteten ble ikke vurdert.",
    },
    Detail.UNRATED: {
        "en": "In session {session} the patient reported tension or a misunderstanding; "
        "intensity and resolution were not rated.",
        "nb": "I time {session} meldte pasienten om spenning eller en misforståelse; "
        "intensitet og grad av løsning ble ikke vurdert.",
    },
    Detail.HELD_BACK: {
        "en": "In session {session} the patient reported holding something back.",
        "nb": "I time {session} oppga pasienten å ha holdt noe tilbake.",
    },
    Detail.Z: {
        "en": "Alliance was {alliance} in session {session}, {value} standard deviations below the "
        "patient's own earlier mean of {reference} (SD {sd}); the threshold is {threshold}.",
        "nb": "Alliansen var {alliance} i time {session}, {value} standardavvik under pasientens eget "
        "tidligere gjennomsnitt på {reference} (SD {sd}); grensen er {threshold}.",
    },
    Detail.Z_FLOORED: {
        "en": "Alliance was {alliance} in session {session}, {value} standard deviations below the "
        "patient's own earlier mean of {reference}; the threshold is {threshold}. The patient's earlier SD "
        "was {raw_sd}, so it was raised to the floor of {sd} points.",
        "nb": "Alliansen var {alliance} i time {session}, {value} standardavvik under pasientens eget "
        "tidligere gjennomsnitt på {reference}; grensen er {threshold}. Pasientens tidligere SD var "
        "{raw_sd}, så den ble hevet til minsteverdien på {sd} poeng.",
    },
    Detail.RELIABLE_CHANGE: {
        "en": "Alliance fell from {previous} to {alliance} in session {session}, a drop of {value}, "
        "more than the reliable change index of {threshold} (Jacobson & Truax 1991, from the "
        "instrument's published SD and reliability).",
        "nb": "Alliansen falt fra {previous} til {alliance} i time {session}, et fall på {value}, "
        "mer enn indeksen for pålitelig endring på {threshold} (Jacobson & Truax 1991, ut fra "
        "instrumentets publiserte SD og reliabilitet).",
    },
    Detail.RELIABLE_CHANGE_CLINIC: {
        "en": "Alliance fell from {previous} to {alliance} in session {session}, a drop of {value}, "
        "more than the reliable change index of {threshold} (Jacobson & Truax 1991, from the SD and "
        "Cronbach's alpha of this clinic's first scores).",
        "nb": "Alliansen falt fra {previous} til {alliance} i time {session}, et fall på {value}, "
        "mer enn indeksen for pålitelig endring på {threshold} (Jacobson & Truax 1991, ut fra SD og "
        "Cronbachs alfa for de første skårene i denne klinikken).",
    },
    Detail.FALL: {
        "en": "Alliance fell from {previous} to {alliance} in session {session}, a drop of {value}; "
        "the rule is a fall of at least {threshold} points.",
        "nb": "Alliansen falt fra {previous} til {alliance} i time {session}, et fall på {value}; "
        "regelen er et fall på minst {threshold} poeng.",
    },
    Detail.THERAPIST_HIGHER: {
        "en": "In session {session} the therapist rated the alliance at {therapist} and the patient at "
        "{alliance}: a gap of {value} points, at or above the threshold of {threshold}.",
        "nb": "I time {session} vurderte terapeuten alliansen til {therapist} og pasienten til "
        "{alliance}: en forskjell på {value} poeng, på eller over grensen på {threshold}.",
    },
    Detail.PATIENT_HIGHER: {
        "en": "In session {session} the patient rated the alliance at {alliance} and the therapist at "
        "{therapist}: a gap of {value} points, at or above the threshold of {threshold}.",
        "nb": "I time {session} vurderte pasienten alliansen til {alliance} og terapeuten til "
        "{therapist}: en forskjell på {value} poeng, på eller over grensen på {threshold}.",
    },
    Detail.RUPTURE_ONLY_PATIENT: {
        "en": "In session {session} the patient reported tension or a misunderstanding, "
        "but the therapist did not note a rupture.",
        "nb": "I time {session} meldte pasienten om spenning eller en misforståelse, "
        "men terapeuten registrerte ikke noe alliansebrudd.",
    },
    Detail.RUPTURE_ONLY_THERAPIST: {
        "en": "In session {session} the therapist noted a rupture, "
        "but the patient did not report tension or a misunderstanding.",
        "nb": "I time {session} registrerte terapeuten et alliansebrudd, "
        "men pasienten meldte ikke om spenning eller misforståelse.",
    },
    Detail.OBSERVER_ONLY: {
        "en": "In session {session} an observer who rated the recording coded a rupture marker, "
        "but neither the patient nor the therapist reported a rupture.",
        "nb": "I time {session} kodet en observatør som vurderte opptaket, en bruddmarkør, "
        "men verken pasienten eller terapeuten meldte om et brudd.",
    },
    Detail.OBSERVER_NONE: {
        "en": "In session {session} the patient or the therapist reported a rupture, "
        "but the observers who rated the recording coded no rupture marker.",
        "nb": "I time {session} meldte pasienten eller terapeuten om et brudd, "
        "men observatørene som vurderte opptaket, kodet ingen bruddmarkør.",
    },
    Detail.LOW: {
        "en": "Alliance was {alliance} in session {session}, below the concern level of {threshold}.",
        "nb": "Alliansen var {alliance} i time {session}, under bekymringsgrensen på {threshold}.",
    },
    Detail.EARLY_PATIENT: {
        "en": "The patient's alliance over their first {count} answered sessions averaged {value}, below "
        "{threshold}. Early alliance predicts dropout better than later alliance (Horvath & Symonds 1991; "
        "Sharf et al. 2010), so it is worth talking about now.",
        "nb": "Pasientens allianse de {count} første besvarte timene var i snitt {value}, under {threshold}. "
        "Tidlig allianse forutsier frafall bedre enn senere allianse (Horvath & Symonds 1991; Sharf mfl. "
        "2010), så det er verdt å snakke om nå.",
    },
    Detail.EARLY_THERAPIST: {
        "en": "The therapist's rating of the alliance over the first {count} rated sessions averaged {value}, "
        "below {threshold}. Early alliance predicts dropout better than later alliance (Horvath & Symonds "
        "1991; Sharf et al. 2010).",
        "nb": "Terapeutens vurdering av alliansen de {count} første vurderte timene var i snitt {value}, under "
        "{threshold}. Tidlig allianse forutsier frafall bedre enn senere allianse (Horvath & Symonds 1991; "
        "Sharf mfl. 2010).",
    },
    Detail.MISSED_SESSION: {
        "en": "The patient missed session {session}, within {window} sessions after a rupture "
        "signal in session {rupture_session}; this can signal a risk of dropout.",
        "nb": "Pasienten uteble fra time {session}, innen {window} behandlingstimer etter et bruddsignal "
        "i time {rupture_session}; det kan tyde på fare for frafall.",
    },
    Detail.UNANSWERED_CHECK: {
        "en": "The patient attended session {session} but did not answer the after-session check, within "
        "{window} sessions after a rupture signal in session {rupture_session}; "
        "this can signal withdrawal or a risk of dropout.",
        "nb": "Pasienten var til stede i time {session}, men svarte ikke på spørsmålene etter timen, innen "
        "{window} behandlingstimer etter et bruddsignal i time {rupture_session}; "
        "det kan tyde på tilbaketrekking eller fare for frafall.",
    },
}

# Placeholder -> the column of the signal rows it shows.
SCORE_PLACEHOLDERS = {
    "alliance": "alliance",
    "previous": "previous",
    "therapist": "therapist_alliance",
    "reference": "reference",
    "sd": "sd",
    "raw_sd": "raw_sd",
    "value": "value",
    "threshold": "threshold",
}
WHOLE_PLACEHOLDERS = {
    "session": "session",
    "rupture_session": "rupture_session",
    "intensity": "rupture_intensity",
    "resolution": "rupture_resolution",
    "intensity_max": "intensity_max",
    "resolution_max": "resolution_max",
    "window": "threshold",
    "count": "early_sessions",
}


def explanations(signals: pd.DataFrame, language: str) -> np.ndarray:
    """One sentence per signal row (needs `detail` and the columns its template shows)."""
    texts = np.empty(len(signals), dtype=object)
    details = signals["detail"].to_numpy()
    for detail in pd.unique(details):
        rows = np.flatnonzero(details == detail)
        template = TEMPLATES[Detail(detail)][language]
        names = placeholders(template)
        columns = [_shown(signals[_column(name)].to_numpy()[rows], name, language) for name in names]
        positional = template.format(**{name: f"{{{index}}}" for index, name in enumerate(names)})
        texts[rows] = list(map(positional.format, *columns))
    return texts


def placeholders(template: str) -> list[str]:
    """The placeholder names of a template, each once, in order of appearance."""
    names = [name for _, name, _, _ in Formatter().parse(template) if name]
    return list(dict.fromkeys(names))


def format_score(value: float, language: str) -> str:
    """A score with one or two decimals (5.8, 4.58, 5.0) and the language's decimal mark."""
    text = f"{value:.2f}"
    if text.endswith("0"):
        text = text[:-1]
    return text.replace(".", DECIMAL_MARK[language])


def _column(name: str) -> str:
    return SCORE_PLACEHOLDERS.get(name) or WHOLE_PLACEHOLDERS[name]


def _shown(values: np.ndarray, name: str, language: str) -> np.ndarray:
    """Format each distinct value once: a million signals share a few hundred distinct numbers."""
    if name in WHOLE_PLACEHOLDERS:
        distinct, inverse = np.unique(values.astype(np.int64), return_inverse=True)
        return np.array([str(number) for number in distinct], dtype=object)[inverse]
    distinct, inverse = np.unique(np.round(values.astype(float), 2), return_inverse=True)
    return np.array([format_score(number, language) for number in distinct], dtype=object)[inverse]
