"""Instruments as data: definitions, answer checks and scoring (no Django here)."""

from . import roles
from .answers import CheckedAnswers, check_answers, is_missing, is_shown, printable, read_answer
from .definition import BandRange, DefinitionError, Instrument, Item, MissingRole, Option, Score, Section
from .loader import build_instrument, load_directory, load_instrument
from .requirements import Requirement, missing_requirements
from .scoring import ScoreResult, ScoringInputError, score_frame, score_matrix, score_response

__all__ = [
    "BandRange",
    "CheckedAnswers",
    "DefinitionError",
    "Instrument",
    "Item",
    "MissingRole",
    "Option",
    "Requirement",
    "Score",
    "ScoreResult",
    "ScoringInputError",
    "Section",
    "build_instrument",
    "check_answers",
    "is_missing",
    "is_shown",
    "load_directory",
    "load_instrument",
    "missing_requirements",
    "printable",
    "read_answer",
    "roles",
    "score_frame",
    "score_matrix",
    "score_response",
]
