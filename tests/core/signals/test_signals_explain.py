"""Explanations: whole sentences per detail and language, with the numbers in the language's format."""

import pytest

from allianse.core.signals import Detail, Kind, SignalRules, detect_signals
from allianse.core.signals.explain import (
    LANGUAGES,
    SCORE_PLACEHOLDERS,
    TEMPLATES,
    WHOLE_PLACEHOLDERS,
    format_score,
    placeholders,
)

from .builders import NA, PATIENT, only, series, with_norms


def test_every_detail_has_one_sentence_per_language_with_the_same_numbers():
    assert set(TEMPLATES) == set(Detail)
    for detail, sentences in TEMPLATES.items():
        assert set(sentences) == set(LANGUAGES), detail
        names = {language: set(placeholders(sentence)) for language, sentence in sentences.items()}
        assert names["en"] == names["nb"], detail
        assert names["en"] <= set(SCORE_PLACEHOLDERS) | set(WHOLE_PLACEHOLDERS), detail
        assert all(sentence.endswith(".") and sentence[0].isupper() for sentence in sentences.values())


@pytest.mark.parametrize(
    ("value", "en", "nb"),
    [(5.8, "5.8", "5,8"), (5.0, "5.0", "5,0"), (4.583333, "4.58", "4,58"), (1.25, "1.25", "1,25"), (7, "7.0", "7,0")],
)
def test_scores_show_one_or_two_decimals_with_the_languages_decimal_mark(value, en, nb):
    assert (format_score(value, "en"), format_score(value, "nb")) == (en, nb)


def test_a_reliable_drop_is_explained_with_its_numbers_in_both_languages():
    signal = only(series([5.8, 3.9]), "drop").iloc[0]
    assert signal["explanation_en"] == (
        "Alliance fell from 5.8 to 3.9 in session 2, a drop of 1.9; the rule is a fall of at least 1.0 points."
    )
    assert signal["explanation_nb"] == (
        "Alliansen falt fra 5,8 til 3,9 i time 2, et fall på 1,9; regelen er et fall på minst 1,0 poeng."
    )
    # with published norms, the index is named with where it comes from
    normed = only(series([5.8, 3.9]), "drop", with_norms(0.51, 0.5)).iloc[0]
    assert normed["explanation_en"].endswith(
        "(Jacobson & Truax 1991, from the instrument's published SD and reliability)."
    )


def test_a_z_drop_names_the_reference_the_sd_used_and_the_threshold():
    signal = only(series([5.0, 6.0, 7.0, 4.0]), "drop", reliable_change=5).iloc[0]
    assert signal["explanation_en"] == (
        "Alliance was 4.0 in session 4, 2.0 standard deviations below the patient's own earlier mean of 6.0 "
        "(SD 1.0); the threshold is 2.0."
    )
    assert signal["explanation_nb"] == (
        "Alliansen var 4,0 i time 4, 2,0 standardavvik under pasientens eget tidligere gjennomsnitt på 6,0 "
        "(SD 1,0); grensen er 2,0."
    )


def test_every_kind_explains_itself_with_its_numbers():
    frame = series(
        [5.75, 5.5, 3.25, NA, NA],
        therapist_alliance=[5.5, 5.5, 5.0, NA, NA],
        rupture=[0, 1, 1, NA, NA],
        rupture_intensity=[NA, 4, NA, NA, NA],
        rupture_resolution=[NA, 2, NA, NA, NA],
        therapist_rupture=[1, 1, 0, NA, NA],
        held_back=[1, 0, 0, NA, NA],
        attended=[1, 1, 1, 1, 0],
    )
    table = detect_signals(frame, SignalRules.for_instrument(PATIENT, {"early_threshold": 5.0}))
    by_detail = {detail: (en, nb) for detail, en, nb in table[["detail", "explanation_en", "explanation_nb"]].values}
    assert by_detail["rated"] == (
        "In session 2 the patient reported tension or a misunderstanding (intensity 4 of 5, resolution 2 of 5).",
        "I time 2 meldte pasienten om spenning eller en misforståelse (intensitet 4 av 5, grad av løsning 2 av 5).",
    )
    assert by_detail["held_back"][1] == "I time 1 oppga pasienten å ha holdt noe tilbake."
    assert set(table["kind"]) == set(Kind)
    assert "from 5.5 to 3.25 in session 3, a drop of 2.25" in by_detail["fall"][0]
    assert "first 3 answered sessions averaged 4.83, below 5.0" in by_detail["early_patient"][0]
    assert "at 5.0 and the patient at 3.25: a gap of 1.75 points" in by_detail["therapist_higher"][0]
    assert (
        "til 5,0 og pasienten til 3,25: en forskjell på 1,75 poeng, på eller over grensen på 1,5"
        in (by_detail["therapist_higher"][1])
    )
    assert "the therapist noted a rupture" in by_detail["rupture_only_therapist"][0]
    assert by_detail["low"] == (
        "Alliance was 3.25 in session 3, below the concern level of 3.5.",
        "Alliansen var 3,25 i time 3, under bekymringsgrensen på 3,5.",
    )
    assert "session 4 but did not answer" in by_detail["unanswered_check"][0]
    assert "innen 2 behandlingstimer etter et bruddsignal i time 3" in by_detail["missed_session"][1]
    assert "tilbaketrekking eller fare for frafall" in by_detail["unanswered_check"][1]


def test_the_bokmal_sentences_use_one_word_for_withdrawal_and_count_windows_in_sessions():
    nb = " ".join(sentences["nb"] for sentences in TEMPLATES.values())
    assert "tilbaketrekning" not in nb and "tilbaketrekking" in nb
    assert "vindu" not in nb  # "fraværsvinduet på 2" read as hours; the sentence now says "2 behandlingstimer"
