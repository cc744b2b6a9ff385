"""The shared renderers of CSV and XLSX exports keep text that looks like a formula as text."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from allianse.exports import safe_cell, to_csv, to_xlsx


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_would_start_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == f"'{text}"


@pytest.mark.parametrize("value", [-1.5, -2, 0, None, date(2026, 1, 2), "plain", "a=b"])
def test_numbers_dates_and_ordinary_text_are_left_alone(value):
    assert safe_cell(value) == value


def test_both_renderers_write_formulas_as_text_and_numbers_as_numbers():
    table = (["=name", "value"], [['=HYPERLINK("http://evil.example")', -3.5]])
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows == [["'=name", "value"], ['\'=HYPERLINK("http://evil.example")', "-3.5"]]
    sheet = load_workbook(io.BytesIO(to_xlsx({"sheet": table})))["sheet"]
    name, value = sheet["A2"], sheet["B2"]
    assert (name.data_type, name.value) == ("s", '\'=HYPERLINK("http://evil.example")')
    assert (value.data_type, value.value) == ("n", -3.5)
