"""A research table written as CSV (streamed line by line), XLSX (openpyxl's write-only mode, rows
go to disk as they come), or SPSS `.sav` and Stata `.dta` with variable and value labels
(pyreadstat); each format with the data dictionary that describes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO

import pandas as pd
import pyreadstat

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
    for row in table.rows():
        yield [value.isoformat() if isinstance(value, datetime) else value for value in row]


def xlsx_file(table: Table, dictionary: list[Table]) -> IO[bytes]:
    """A workbook of the table and its dictionary, written row by row to a temporary file."""
    data = ([column.name for column in table.columns], _plain_rows(table))
    described = (DICTIONARY_HEADER, dictionary_rows(dictionary))
    return exports.xlsx_file({table.key[:31].replace(".", " "): data, "dictionary": described})


def labelled_file(table: Table, file_format: str, language: str, directory: Path) -> Path:
    """The table as SPSS (`sav`) or Stata (`dta`) with variable labels in `language` and value
    labels for every coded column. Both formats are written whole, so the table is held in memory
    as one typed frame (8 bytes a number)."""
    frame = pd.DataFrame.from_records(list(table.rows()), columns=[column.name for column in table.columns])
    for column in table.columns:
        series = frame[column.name]
        if column.type in NUMERIC:
            frame[column.name] = pd.to_numeric(series, errors="coerce").astype("float64")
        elif column.type == "datetime":
            frame[column.name] = pd.to_datetime(series, utc=True).dt.tz_localize(None)
        elif column.type == "date":
            frame[column.name] = pd.to_datetime(series)
        else:
            frame[column.name] = series.fillna("").astype(str)
    labels = [column.label.get(language, "")[:LABEL_LIMIT] for column in table.columns]
    value_labels = {
        column.name: {float(code): text.get(language, "") for code, text in column.choices}
        for column in table.columns
        if column.choices
    }
    path = directory / f"{table.key.replace('.', '_')}.{file_format}"
    if file_format == "sav":
        pyreadstat.write_sav(frame, path, column_labels=labels, variable_value_labels=value_labels)
    else:
        pyreadstat.write_dta(frame, path, column_labels=labels, variable_value_labels=value_labels, version=15)
    return path
