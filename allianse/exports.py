"""Tables that leave the product as CSV or XLSX. A spreadsheet runs a text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so a name a user typed could become a
live link or a command in the reader's spreadsheet: every renderer here writes such text with a
leading apostrophe, which spreadsheets read as "this is text". Numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Table = tuple[list[str], Iterable[list]]


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that would start a formula gets a leading
    apostrophe; numbers, dates and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text line by line (a streaming response can send it as it comes), BOM first so that
    Excel reads UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def to_csv(table: Table) -> bytes:
    header, rows = table
    return "".join(csv_lines(header, rows)).encode("utf-8")


def to_xlsx(sheets: dict[str, Table]) -> bytes:
    """One workbook with a sheet per table, the header row frozen."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append([safe_cell(cell) for cell in header])
        for row in rows:
            sheet.append([safe_cell(cell) for cell in row])
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Echo:
    def write(self, value: str) -> str:
        return value
