"""Reading the CSV files the command-line tools take, as people make them.

Excel set to Norwegian (and most of continental Europe) saves "CSV" with semicolons between the
cells and a decimal comma (4,5), and may write the file in Windows-1252 rather than UTF-8. The
header line tells the two kinds apart: more semicolons than commas in it means the semicolon kind,
whose numbers are read with a decimal comma. Every problem reading the file is an `UnreadableTable`
with a message for people, never a traceback.
"""

from __future__ import annotations

import io
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

# A CSV larger than this is not a file of sessions, ratings or responses someone made by hand.
MAX_BYTES = 200 * 1024 * 1024
ENCODINGS = ("utf-8-sig", "cp1252")  # UTF-8 (with or without Excel's byte order mark), else Excel's own


class UnreadableTable(ValueError):
    """A file that cannot be read as a CSV table; the message says why."""


def read_csv_table(path: str | PathLike[str], **options: Any) -> pd.DataFrame:
    """The file as a DataFrame; `options` are passed on to `pandas.read_csv` (not sep or decimal)."""
    text = _text(Path(path))
    header = text.split("\n", 1)[0]
    semicolons = header.count(";") > header.count(",")
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=";" if semicolons else ",",
            decimal="," if semicolons else ".",
            index_col=False,  # a row with a cell too many never turns the first column into the index
            **options,
        )
    except pd.errors.EmptyDataError as error:
        raise UnreadableTable(f"{path} is not a readable CSV file: it is empty.") from error
    except (pd.errors.ParserError, ValueError) as error:
        raise UnreadableTable(f"{path} is not a readable CSV file: {error}") from error


def _text(path: Path) -> str:
    try:
        if path.is_dir():
            raise UnreadableTable(f"{path} is a directory, not a CSV file.")
        if path.stat().st_size > MAX_BYTES:
            raise UnreadableTable(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise UnreadableTable(f"No such file: {path}.") from error
    except OSError as error:
        raise UnreadableTable(f"{path} cannot be read: {error.strerror or error}.") from error
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableTable(f"{path} is not a text file.")
