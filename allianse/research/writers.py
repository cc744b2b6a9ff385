"""A research table written as CSV (streamed line by line), XLSX (openpyxl's write-only mode, rows
go to disk as they come), or SPSS `.sav` and Stata `.dta` with variable and value labels
(pyreadstat); each format with the data dictionary that describes it."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyreadstat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from allianse import exports
from allianse.exports import csv_lines

from .columns import Column
from .tables import Table

DICTIONARY_HEADER = [
    "variable",
    "form",
    "label_nb",
    "label_en",
    "type",
    "choices_nb",
    "choices_en",
    "validation",
    "min",
    "max",
]
VALIDATION = {"integer": "integer", "number": "number", "date": "date_ymd", "datetime": "datetime_ymd"}
LABEL_LIMIT = 80  # Stata's limit on variable labels
NUMERIC = {"integer", "number", "yes_no", "choice", "checkbox"}
BLOCK = 10_000  # rows turned into columns at a time (SPSS, Stata)
SHARED = 4096  # distinct values of a text column held once (SPSS, Stata)
TIMES = {"date", "datetime"}
ROW_LIMIT = 1_000_000  # rows of an SPSS or Stata file, held in memory whole


def dictionary_rows(tables: list[Table]) -> Iterator[list]:
    """REDCap-style rows: one per variable of every table, the form being the table."""
    for table in tables:
        for column in table.columns:
            yield [
                column.name,
                table.key,
                column.label.get("nb", ""),
                column.label.get("en", ""),
                column.type,
                _choices(column, "nb"),
                _choices(column, "en"),
                VALIDATION.get(column.type, ""),
                column.minimum,
                column.maximum,
            ]


def _choices(column: Column, language: str) -> str:
    return " | ".join(f"{code}, {text.get(language, '')}" for code, text in column.choices)


def csv_stream(table: Table) -> Iterator[str]:
    return csv_lines([column.name for column in table.columns], _plain_rows(table))


def _plain_rows(table: Table) -> Iterator[list]:
    """The rows with times as ISO text with their offset (spreadsheets hold no time zones)."""
    times = [index for index, column in enumerate(table.columns) if column.type == "datetime"]
    for row in table.rows():
        for index in times:
            if row[index] is not None:
                row[index] = row[index].isoformat()
        yield row


def xlsx_file(table: Table, dictionary: list[Table]) -> IO[bytes]:
    """A workbook of the table and its dictionary, written row by row to a temporary file."""
    data = ([column.name for column in table.columns], _plain_rows(table))
    described = (DICTIONARY_HEADER, dictionary_rows(dictionary))
    return exports.xlsx_file({table.key[:31].replace(".", " "): data, "dictionary": described})


@dataclass(frozen=True)
class Clock:
    """How a file counts time: `unit`s since its epoch, `offset` seconds before 1970."""

    format: str
    offset: int
    unit: float

    def numbers(self, values: tuple) -> np.ndarray:
        """Dates and times (aware ones in UTC, dates at midnight; None missing) on this clock."""
        times = pd.to_datetime(values, utc=True).as_unit("us")
        seconds = times.asi8 / 1e6 + self.offset
        seconds[times.isna()] = np.nan
        return seconds / self.unit


# SPSS counts seconds from 14 October 1582, Stata milliseconds from 1 January 1960.
CLOCKS = {"sav": Clock("DATETIME", 12219379200, 1), "dta": Clock("%tc", 315619200, 0.001)}


class TooLarge(Exception):
    """A table of more rows than an SPSS or Stata file is built from (`ROW_LIMIT`)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This table has more than %(limit)s rows: too many to build an SPSS or Stata file from. "
                "Export it as CSV, which is written row by row, or choose a shorter period."
            )
            % {"limit": number_format(ROW_LIMIT, force_grouping=True)}
        )


def labelled_file(table: Table, file_format: str, language: str, directory: Path) -> Path:
    """The table as SPSS (`sav`) or Stata (`dta`) with variable labels in `language` and value
    labels for every coded column. Both formats are written whole, so the table is held in memory
    as one typed frame (see `typed_frame`); `TooLarge` past `ROW_LIMIT` rows."""
    frame = typed_frame(table, file_format)
    labels = [column.label.get(language, "")[:LABEL_LIMIT] for column in table.columns]
    value_labels = {
        column.name: {float(code): text.get(language, "") for code, text in column.choices}
        for column in table.columns
        if column.choices
    }
    clock = CLOCKS[file_format]
    formats = {column.name: clock.format for column in table.columns if column.type in TIMES}
    path = directory / f"{table.key.replace('.', '_')}.{file_format}"
    described = {"column_labels": labels, "variable_value_labels": value_labels, "variable_format": formats}
    if file_format == "sav":
        pyreadstat.write_sav(frame, path, **described)
    else:
        pyreadstat.write_dta(frame, path, version=15, **described)
    return path


def typed_frame(table: Table, file_format: str) -> pd.DataFrame:
    """The table as one frame, built a column at a time from blocks of rows (no row is kept as a
    Python list): codes and whole numbers as 4-byte floats (exact up to 16,777,216), other numbers
    as 8-byte ones, dates and times as numbers on the clock of `file_format` (given as datetime64,
    pyreadstat would convert a copy of the whole frame), text as one reference a row, a value that
    recurs (a patient's pseudonym, the instrument's version) held once."""
    converters = [_converter(column, CLOCKS[file_format]) for column in table.columns]
    parts: list[list[np.ndarray]] = [[] for _column in table.columns]
    rows, count = table.rows(), 0
    while block := list(islice(rows, BLOCK)):
        count += len(block)
        if count > ROW_LIMIT:
            raise TooLarge
        for column_parts, convert, values in zip(parts, converters, zip(*block, strict=True), strict=True):
            column_parts.append(convert(values))
    data = {
        column.name: np.concatenate(column_parts) if column_parts else convert(())
        for column, convert, column_parts in zip(table.columns, converters, parts, strict=True)
    }
    return pd.DataFrame(data, copy=False)


def _converter(column: Column, clock: Clock) -> Callable[[tuple], np.ndarray]:
    if column.type in TIMES:
        return clock.numbers
    if column.type == "number":
        return functools.partial(np.array, dtype=np.float64)
    if column.type in NUMERIC:
        return functools.partial(np.array, dtype=np.float32)
    shared: dict[str, str] = {}

    def text(values: tuple) -> np.ndarray:
        cells = np.empty(len(values), dtype=object)
        cells[:] = [_shared(shared, "" if value is None else str(value)) for value in values]
        return cells

    return text


def _shared(shared: dict[str, str], value: str) -> str:
    """`value`, or an equal string met before (the first `SHARED` distinct values of a column)."""
    found = shared.get(value)
    if found is None:
        if len(shared) < SHARED:
            shared[value] = value
        return value
    return found
