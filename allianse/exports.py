"""Tables that leave the product as CSV or XLSX. A spreadsheet runs a text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so a name a user typed could become a
live link or a command in the reader's spreadsheet: every renderer here writes such text with a
leading apostrophe, which spreadsheets read as "this is text". Numbers stay numbers."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BLOCK = 1 << 16  # characters of CSV handed on at a time

Table = tuple[list[str], Iterable[list]]


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that would start a formula gets a leading
    apostrophe; numbers, dates and empty cells are left as they are."""
    return safe_row((value,))[0]


def safe_row(row: Iterable) -> list:
    """`safe_cell` of every cell (one expression, not a call a cell: that would be much of a large
    export's time)."""
    return [f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell for cell in row]


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text, BOM first so that Excel reads UTF-8, in blocks of whole lines of about `BLOCK`
    characters as the rows come (a streaming response sends each block as it is made: a block a
    line would be a write to the network a line)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
        if buffer.tell() >= BLOCK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def to_csv(table: Table) -> bytes:
    header, rows = table
    return "".join(csv_lines(header, rows)).encode("utf-8")


def xlsx_file(sheets: dict[str, Table]) -> IO[bytes]:
    """One workbook with a sheet per table, the header row frozen, in a temporary file at its
    start (for a `FileResponse` to send in blocks). Written write-only: each row goes to disk as
    it comes, so memory stays the same for a thousand rows or a million."""
    workbook = Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        sheet.append(safe_row(header))
        for row in rows:
            sheet.append(safe_row(row))
    file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the caller, or the response that sends it)
    workbook.save(file)
    file.seek(0)
    return file


def to_xlsx(sheets: dict[str, Table]) -> bytes:
    with xlsx_file(sheets) as file:
        return file.read()
