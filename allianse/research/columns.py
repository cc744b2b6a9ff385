"""The columns of a research table, as a data dictionary describes them: a variable name that
SPSS, Stata and R accept, a label in Norwegian and English, a type, coded choices and a valid
range. Choices are coded 1..n (yes/no and ticked options 0/1) in every format, so the dictionary
describes the CSV, the workbook and the labelled SPSS and Stata files alike."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from allianse.core.measures.definition import Instrument, Item

Text = dict[str, str]
ColumnType = Literal["text", "integer", "number", "date", "datetime", "yes_no", "choice", "checkbox"]
LANGUAGES = ("nb", "en")
NAME_LIMIT = 32  # Stata's limit on variable names, the strictest of the formats


def both(text: Any) -> Text:
    """A translatable text (or a plain one) in each language."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = str(text)
    return result


def variable(name: str) -> str:
    """`name` as a variable name: letters, digits and underscores, starting with a letter."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not cleaned[:1].isalpha():
        cleaned = f"v_{cleaned}"
    return cleaned[:NAME_LIMIT]


@dataclass(frozen=True)
class Column:
    name: str
    label: Text
    type: ColumnType
    choices: tuple[tuple[int, Text], ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    @property
    def coded(self) -> bool:
        return bool(self.choices)


def column(name: str, label: Any, type_: ColumnType = "text", **extra: Any) -> Column:
    return Column(variable(name), both(label), type_, **extra)


def yes_no(name: str, label: Any) -> Column:
    return column(name, label, "yes_no", choices=((0, both(_("no"))), (1, both(_("yes")))))


class Coded:
    """A column of a model field's choices, coded 1..n in the order the field lists them."""

    def __init__(self, name: str, label: Any, choices: Iterable[tuple[str, Any]]) -> None:
        pairs = list(choices)
        self.codes = {value: code for code, (value, _label) in enumerate(pairs, start=1)}
        self.column = column(
            name, label, "choice", choices=tuple((self.codes[value], both(text)) for value, text in pairs)
        )

    def __call__(self, value: str | None) -> int | None:
        return self.codes.get(value) if value else None


class ItemColumns:
    """The columns of an instrument's items and scores, and the cells of one response."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.columns: list[Column] = []
        # Per item: its id, what turns the answer into its cell (None: the answer itself), and
        # whether that gives a list of cells (one per ticked option) rather than one.
        self._cells: list[tuple[str, Callable[[Any], Any] | None, bool]] = []
        for item in instrument.items:
            self._add(item)
        self._scores = [score.id for score in instrument.scores]
        for score in instrument.scores:
            self.columns.append(Column(variable(f"score_{score.id}"), score.title, "number"))

    def _add(self, item: Item) -> None:
        label = item.label or item.text
        if item.type == "multi_choice":
            for code, option in enumerate(item.options, start=1):
                name = variable(f"{item.id}___{code}")
                ticked = ((0, both(_("not ticked"))), (1, both(_("ticked"))))
                text = {lang: f"{label.get(lang, '')}: {option.text.get(lang, '')}" for lang in LANGUAGES}
                self.columns.append(Column(name, text, "checkbox", choices=ticked))
            values = item.option_values
            self._cells.append((item.id, lambda answer: [int(value in (answer or ())) for value in values], True))
            return
        if item.type == "choice":
            codes = {option.value: code for code, option in enumerate(item.options, start=1)}
            choices = tuple((codes[option.value], option.text) for option in item.options)
            self.columns.append(Column(variable(item.id), label, "choice", choices=choices))
            self._cells.append((item.id, codes.get, False))
        elif item.type == "yes_no":
            choices = ((0, both(_("no"))), (1, both(_("yes"))))
            self.columns.append(Column(variable(item.id), label, "yes_no", choices=choices))
            self._cells.append((item.id, lambda answer: None if answer is None else int(bool(answer)), False))
        elif item.type == "scale":
            anchors = tuple(sorted(item.anchors.items()))
            self.columns.append(Column(variable(item.id), label, "integer", anchors, item.min, item.max))
            self._cells.append((item.id, None, False))
        else:
            self.columns.append(Column(variable(item.id), label, "text"))
            self._cells.append((item.id, lambda answer: answer or "", False))

    def cells(self, answers: dict, scores: dict) -> list:
        row: list = []
        for item_id, convert, many in self._cells:
            answer = answers.get(item_id)
            if convert is None:
                row.append(answer)
            elif many:
                row += convert(answer)
            else:
                row.append(convert(answer))
        row += map(scores.get, self._scores)
        return row
