"""Instruments as data: definitions, answer checks and scoring (no Django here)."""

from . import roles
from .answers import CheckedAnswers, check_answers, is_missing, is_shown, printable, read_answer
from .definition import BandRange, DefinitionError, Instrument, Item, MissingRole, Norms, Option, Score, Section
from .loader import build_instrument, load_directory, load_instrument
from .reliable_change import Basis, ReliableChange, cronbach_alpha, rci_threshold, reliable_change
from .requirements import Requirement, missing_requirements
from .scoring import ScoreResult, ScoringInputError, score_frame, score_matrix, score_response

__all__ = [
    "BandRange",
    "Basis",
    "CheckedAnswers",
    "DefinitionError",
    "Instrument",
    "Item",
    "MissingRole",
    "Norms",
    "Option",
    "ReliableChange",
    "Requirement",
    "Score",
    "ScoreResult",
    "ScoringInputError",
    "Section",
    "build_instrument",
    "check_answers",
    "cronbach_alpha",
    "is_missing",
    "is_shown",
    "load_directory",
    "load_instrument",
    "missing_requirements",
    "printable",
    "rci_threshold",
    "reliable_change",
    "read_answer",
    "roles",
    "score_frame",
    "score_matrix",
    "score_response",
]
