"""Cells we write into spreadsheets (our workbooks and django-import-export's files).

Text typed by a reporter or an admin must never become a live formula when a colleague opens
the file (CSV/formula injection). The one rule, as OWASP recommends: text that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe, so
that spreadsheet programs show it as text. Numbers, dates and empty cells pass through untouched.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    """The value to store in a cell: text is neutralised, everything else is kept as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def append_row(sheet, values: Iterable) -> None:
    """Append one row to an openpyxl worksheet, every cell passed through cell_value()."""
    sheet.append([cell_value(value) for value in values])
