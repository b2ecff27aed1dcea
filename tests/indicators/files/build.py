"""Builds the import fixtures in this folder (run: python tests/indicators/files/build.py).
Each reproduces a file an official really has; the tests read the built files."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent

# 2023 results of five provinces as the Ministry lists them (figures from results.csv where
# published; the others are test values, not facts).
ROWS_2023 = [
    ("Quảng Ninh", "91,25", 1),
    ("Hải Phòng", "90,24", 2),
    ("Thành phố Hồ Chí Minh", "89,11", 5),
    ("Tỉnh Quảng Nam", "84,60", 56),
    ("TP. Đà Nẵng", "88,02", 18),
]


def windows_csv() -> bytes:
    """Excel on a Vietnamese Windows machine, "CSV": Windows-1258, semicolons, decimal commas,
    Vietnamese headers, no year column (the year is in the file's name)."""
    lines = ["STT;Tỉnh, thành phố;Chỉ số CCHC (%);Xếp hạng"]
    lines += [f"{i};{name};{value};{rank}" for i, (name, value, rank) in enumerate(ROWS_2023, 1)]
    text = "\r\n".join(lines) + "\r\n"
    return cp1258(text)


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Windows-1258 has â, ê, ô, ơ, ư, ă, đ but writes the five tone marks as combining
    characters after them: "Quảng" is "Qua" + hook above + "ng"."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = [p for p in parts if p in TONES]
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in TONES))
        out.append(base + "".join(tones))
    return "".join(out).encode("cp1258")


def bom_semicolon_csv() -> bytes:
    lines = ["\ufeffTỉnh/TP;Chỉ số;Xếp hạng"]
    lines += [f"{name};{value};{rank}" for name, value, rank in ROWS_2023]
    return "\n".join(lines).encode("utf-8")


def nfd_csv() -> bytes:
    """Names pasted from a source that decomposes tone marks (NFD), UTF-8, commas."""
    lines = ["province,index,rank"]
    lines += [
        f"{unicodedata.normalize('NFD', name)},{value.replace(',', '.')},{rank}"
        for name, value, rank in ROWS_2023
    ]
    return "\n".join(lines).encode("utf-8")


def ministry_xlsx() -> bytes:
    """The Ministry's layout: two title rows, then a header whose "Chỉ số CCHC năm 2023" is
    merged over two columns above "Chỉ số (%)" and "Xếp hạng", and STT / province merged down."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["BỘ NỘI VỤ"])
    sheet.append(["KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 CỦA CÁC TỈNH, THÀNH PHỐ"])
    sheet.append(["STT", "Tỉnh, thành phố", "Chỉ số CCHC năm 2023", None])
    sheet.append([None, None, "Chỉ số (%)", "Xếp hạng"])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("C3:D3")
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("A2:D2")
    for i, (name, value, rank) in enumerate(ROWS_2023, 1):
        sheet.append([i, name, float(value.replace(",", ".")), rank])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bad_rows_csv() -> bytes:
    """Every per-row mistake: unknown province, a value over 100, rank 0, a duplicate, an
    empty value, a name not on that year's map, not a number."""
    lines = [
        "year;province;index;rank",
        "2023;Quảng Ninh;91,25;1",
        "2023;Atlantis;80,00;5",
        "2023;Hải Phòng;104,2;2",
        "2023;Bắc Ninh;88,00;0",
        "2023;Quảng Ninh;91,25;1",
        "2023;Hà Giang;;9",
        "2023;Tuyên Quang;tám mươi;10",
    ]
    return "\n".join(lines).encode("utf-8")


def off_map_2025_csv() -> bytes:
    """2025, on the map of 34: Quảng Nam is part of Đà Nẵng since 1 July 2025."""
    lines = ["Tỉnh, thành phố;Chỉ số CCHC (%);Xếp hạng", "Quảng Nam;85,00;10", "Đà Nẵng;90,00;3"]
    return "\n".join(lines).encode("utf-8")


FILES = {
    "chi-so-cchc-2023-windows.csv": windows_csv,
    "chi-so-cchc-2023-bom.csv": bom_semicolon_csv,
    "par-2023-nfd.csv": nfd_csv,
    "bnv-chi-so-cchc-2023.xlsx": ministry_xlsx,
    "bad-rows-2023.csv": bad_rows_csv,
    "off-map-2025.csv": off_map_2025_csv,
}

if __name__ == "__main__":
    for name, build in FILES.items():
        (HERE / name).write_bytes(build())
        print("wrote", name)
