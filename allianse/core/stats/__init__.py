"""Rater agreement statistics: ICC, generalizability theory, Krippendorff's alpha, percent agreement.

Pure Python on numpy/scipy/pandas (no Django). Every statistic has a batch form on an
items x targets x raters cube (NaN = missing), used by the report, and a one-item form.
"""

from .agreement import Agreement, AgreementBatch, agreement, agreement_batch
from .anova import TwoWayAnova, two_way_anova
from .calibration import against_others, against_reference, largest_pair_differences, rater_summary, reference_drift
from .cube import RatingsCube, matrix_cube, ratings_cube
from .errors import InsufficientData, MalformedRatings, StatsError
from .gtheory import DStudyRow, GStudy, GStudyBatch, g_coefficients, g_study, g_study_batch
from .icc import FORMS, IccBatch, IccEstimates, IccResult, IccTable, icc, icc_batch
from .interpretation import UNCERTAIN, UNDEFINED, alpha_band, icc_band, icc_range, interval_band
from .krippendorff_alpha import LEVELS, AlphaBatch, alpha_batch, alpha_interval_batch, krippendorff_alpha
from .ratings_input import read_ratings_csv, validate_ratings
from .report import METHODS, reliability_report

__all__ = [
    "FORMS",
    "LEVELS",
    "METHODS",
    "Agreement",
    "AgreementBatch",
    "AlphaBatch",
    "DStudyRow",
    "GStudy",
    "GStudyBatch",
    "IccBatch",
    "IccEstimates",
    "IccResult",
    "IccTable",
    "InsufficientData",
    "MalformedRatings",
    "UNCERTAIN",
    "UNDEFINED",
    "RatingsCube",
    "StatsError",
    "TwoWayAnova",
    "against_others",
    "against_reference",
    "agreement",
    "agreement_batch",
    "alpha_band",
    "alpha_batch",
    "alpha_interval_batch",
    "g_coefficients",
    "g_study",
    "g_study_batch",
    "icc",
    "icc_band",
    "icc_range",
    "icc_batch",
    "krippendorff_alpha",
    "interval_band",
    "largest_pair_differences",
    "matrix_cube",
    "rater_summary",
    "ratings_cube",
    "read_ratings_csv",
    "reference_drift",
    "reliability_report",
    "two_way_anova",
    "validate_ratings",
]
