"""Reading the tables officials actually have: CSV saved by Excel on a Vietnamese Windows machine
(Windows-1258, a byte-order mark, semicolons, decimal commas) and XLSX in the Ministry's layout
(title rows above the header, merged header cells). Returns rows of cells with their line
numbers; nothing here knows what the columns mean."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MAX_BYTES = 5 * 1024 * 1024


class TableError(Exception):
    """The file cannot be read as a table at all (`code` worded by the caller)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


@dataclass
class Table:
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells as text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def folded(text: str) -> str:
    """For matching: NFC, no diacritics (đ → d), lower case, punctuation as spaces."""
    text = nfc(text).replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    text = re.sub(r"[^0-9a-z%]+", " ", text.lower())
    return " ".join(text.split())


def table_read(content: bytes) -> Table:
    if len(content) > MAX_BYTES:
        raise TableError("too_big", mb=MAX_BYTES // (1024 * 1024))
    if not content.strip():
        raise TableError("empty")
    if content[:2] == b"PK":
        return _xlsx(content)
    return _csv(content)


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content.decode("utf-8-sig")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        # What Vietnamese Excel writes as "CSV": Windows-1258, whose tone marks are combining
        # characters; normalised to NFC below.
        return content.decode("cp1258", errors="replace")


def _csv(content: bytes) -> Table:
    text = nfc(_decode(content))
    sample = "\n".join(text.splitlines()[:20])
    delimiter = max([";", ",", "\t"], key=lambda d: _consistency(sample, d))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for line, cells in enumerate(reader, start=1):
        cells = [c.strip() for c in cells]
        if any(cells):
            rows.append((line, cells))
    return Table(rows)


def _consistency(sample: str, delimiter: str) -> tuple[int, int]:
    """A delimiter that splits most lines into the same number (>1) of cells wins."""
    counts = [len(r) for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(r)]
    if not counts:
        return (0, 0)
    common = max(set(counts), key=counts.count)
    return (counts.count(common) if common > 1 else 0, common)


def _xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), data_only=True, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise TableError("unreadable", detail=type(error).__name__) from error
    sheet = book.worksheets[0]
    merged = {}
    for cell_range in sheet.merged_cells.ranges:
        value = sheet.cell(cell_range.min_row, cell_range.min_col).value
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for col in range(cell_range.min_col, cell_range.max_col + 1):
                merged[(row, col)] = value
    rows = []
    for r, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_text(merged.get((r, c), value)) for c, value in enumerate(values, start=1)]
        if any(cells):
            rows.append((r, cells))
    return Table(rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value)).strip()


def number(text: str) -> Decimal | None:
    """'84,10' / '84.10' / '84.10 %' / '1.234,5' → Decimal; '' → None; ValueError if not a
    number."""
    text = text.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not text:
        return None
    if "," in text and "." in text:
        # the later one is the decimal mark
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    return value
