"""The reasons of a refusal in words, in the user's language (the pure modules give codes)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .importing import Problem

MESSAGES = {
    "too_large": _("The file is larger than %(detail)s."),
    "not_json_or_xml": _("The file is neither JSON nor XML (%(detail)s)."),
    "not_a_resource": _("The file holds no FHIR resource."),
    "wrong_resource": _("Not the resource expected here (%(detail)s)."),
    "invalid": _("Not valid FHIR R4: %(detail)s"),
    "more_invalid": _("… and %(detail)s more elements that are not valid."),
    "no_questions": _("There is no question the product can ask."),
    "repeating_group": _("A repeating group: the product asks each question once."),
    "items_under_question": _(
        "Items under a question: the product has questions in sections, not questions under questions."
    ),
    "unsupported_type": _("Answers of type %(detail)s: the product asks scales, yes or no, choices and text."),
    "no_text": _("A question without a text."),
    "repeats": _("Several answers to a question that is not a choice."),
    "no_options": _("A number without answer options: the product asks numbers only on scales with given steps."),
    "external_answer_list": _(
        "The answer list %(detail)s is outside the file; only answer lists in the questionnaire itself "
        "(contained value sets) can be read."
    ),
    "option_without_code": _("An answer option without a code."),
    "option_type": _("Answer options of type %(detail)s."),
    "weights_not_scale": _(
        "The answer weights (%(detail)s) are not consecutive whole numbers; the product scores whole-number scales."
    ),
    "several_conditions": _("Shown under several conditions: the product shows a question under one condition."),
    "condition_operator": _(
        "Shown when an answer is “%(detail)s” a value: the product shows a question when an earlier answer "
        "equals a value."
    ),
    "condition_unknown_item": _("Shown depending on %(detail)s, which is not a question the product asks."),
    "condition_answer": _("Shown on an answer (%(detail)s) that the question it depends on does not have."),
    "formula": _("A calculated item whose formula is not a sum of answer weights."),
    "score_without_items": _("A score without a weighted question to add up."),
    "definition": _("The definition does not hold together: %(detail)s"),
    "key_exists": _("An instrument with the key %(detail)s exists already."),
    "version_too_long": _("The version “%(detail)s” is longer than 20 characters."),
    "display_dropped": _("A text shown between the questions is left out."),
    "weights_dropped": _("The weights of a multiple choice are left out: the product scores scales only."),
    "unknown_questionnaire": _("The response points at %(detail)s, not at this instrument."),
}


def describe(problem: Problem) -> str:
    """The reason in words (without where it is)."""
    message = MESSAGES.get(problem.code)
    if message is None:
        return f"{problem.code} {problem.detail}".strip()
    return str(message) % {"detail": problem.detail or "?"}


def where(problem: Problem) -> str:
    """Which item (by linkId) or element (by its path, for what is not valid R4) a reason is about."""
    if not problem.where:
        return gettext("the whole file")
    if problem.code == "invalid":
        return problem.where
    return gettext("item %(link_id)s") % {"link_id": problem.where}


def lines(problems: list[Problem]) -> list[str]:
    return [f"{where(problem)}: {describe(problem)}" for problem in problems]
