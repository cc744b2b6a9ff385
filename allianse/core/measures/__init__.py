"""Instruments as data: definitions, answer checks and scoring (no Django here)."""

from .answers import CheckedAnswers, check_answers, is_shown
from .definition import BandRange, DefinitionError, Instrument, Item, Option, Score, Section
from .loader import build_instrument, load_directory, load_instrument
from .scoring import ScoreResult, ScoringInputError, score_frame, score_matrix, score_response

__all__ = [
    "BandRange",
    "CheckedAnswers",
    "DefinitionError",
    "Instrument",
    "Item",
    "Option",
    "Score",
    "ScoreResult",
    "ScoringInputError",
    "Section",
    "build_instrument",
    "check_answers",
    "is_shown",
    "load_directory",
    "load_instrument",
    "score_frame",
    "score_matrix",
    "score_response",
]
