"""Load the bundled PAR facts (indicators/data/*.csv) into the database, idempotently.

Natural keys (province code, scheme code, (year, province), ...) make a second run update rows
in place rather than add new ones. Where two rows give one figure differently, a reported
figure wins over a derived one and the loser is kept in the note with its source.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from indicators.models import (
    Field,
    FieldCode,
    FieldResult,
    Methodology,
    NationalResult,
    NationalStatistic,
    Province,
    ScoreChannel,
)
from indicators.selectors import methodology_for_year, province_by_name

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MAP_CHANGE = dt.date(2025, 7, 1)

# The eight provincial fields keep their number in the schemes we have (2948, 1150, 876).
CODE_BY_NUMBER = {
    1: FieldCode.DIRECTING,
    2: FieldCode.LEGAL,
    3: FieldCode.PROCEDURES,
    4: FieldCode.APPARATUS,
    5: FieldCode.CIVIL_SERVICE,
    6: FieldCode.PUBLIC_FINANCE,
    7: FieldCode.MODERNIZATION,
    8: FieldCode.IMPACT,
}


def read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decimal(value: str) -> Decimal | None:
    return Decimal(value) if value else None


def _int(value: str) -> int | None:
    return int(value) if value else None


def province_code(name_en: str, valid_from: dt.date | None) -> str:
    return slugify(name_en) + ("-2025" if valid_from and valid_from >= MAP_CHANGE else "")


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


@transaction.atomic
def par_data_load() -> LoadReport:
    report = LoadReport()
    report.add("provinces", _load_provinces())
    report.add("schemes", _load_schemes())
    report.add("scoring channels", _load_channels())
    report.add("national results", _load_national_results())
    report.add("field results", _load_field_results())
    report.add("national statistics", _load_national_statistics())
    return report


def _load_provinces() -> int:
    rows = read_csv("provinces.csv")
    by_name_new: dict[str, Province] = {}
    for row in rows:
        valid_from = _date(row["valid_from"])
        province, _ = Province.objects.update_or_create(
            code=province_code(row["name_en"], valid_from),
            defaults={
                "gso_code": row["gso_code"],
                "name_vi": row["name_vi"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "valid_from": valid_from,
                "valid_to": _date(row["valid_to"]),
                "source": row["source"],
            },
        )
        if valid_from and valid_from >= MAP_CHANGE:
            by_name_new[row["name_en"]] = province
    for row in rows:
        if row["successor_name_en"]:
            Province.objects.filter(
                code=province_code(row["name_en"], _date(row["valid_from"]))
            ).update(successor=by_name_new[row["successor_name_en"]])
    return len(rows)


def _field_rows(fields_from: str) -> list[dict]:
    """The eight field rows a scheme takes, as dicts of Field attributes."""
    if fields_from.startswith("fields.csv:"):
        scheme_key = fields_from.split(":", 1)[1]
        rows = [
            r
            for r in read_csv("fields.csv")
            if r["year_scheme"] == scheme_key and r["level"] == "province"
        ]
        return [
            {
                "number": int(r["code"]),
                "name_vi": r["name_vi"],
                "name_en": r["name_en"],
                "max_points": _decimal(r["max_points"]),
                "n_criteria": _int(r["n_criteria"]),
                "n_subcriteria": _int(r["n_subcriteria"]),
                "note": r["status"],
                "source": r["source"],
            }
            for r in rows
        ]
    if fields_from == "fields_876_province.csv":
        return [
            {
                "number": int(r["code"]),
                "name_vi": r["name_vi"],
                "name_en": r["name_en"],
                "max_points": None,
                "n_criteria": None,
                "n_subcriteria": None,
                "note": r["name_status"],
                "source": r["source"],
            }
            for r in read_csv(fields_from)
            if r["code"].isdigit()
        ]
    if fields_from.startswith("names:"):
        origin = Methodology.objects.get(code=fields_from.split(":", 1)[1])
        return [
            {
                "number": f.number,
                "name_vi": f.name_vi,
                "name_en": f.name_en,
                "max_points": None,
                "n_criteria": None,
                "n_subcriteria": None,
                "note": f"Name carried over from {origin.decision}; points not published in our "
                "sources.",
                "source": f.source,
            }
            for f in origin.fields.all()
        ]
    raise ValueError(f"Unknown field list {fields_from!r} in schemes.csv")


def _load_schemes() -> int:
    rows = read_csv("schemes.csv")
    for row in rows:
        scheme, _ = Methodology.objects.update_or_create(
            code=row["code"],
            defaults={
                "decision": row["decision"],
                "decision_date": _date(row["decision_date"]),
                "level": row["level"],
                "first_year": int(row["first_year"]),
                "last_year": _int(row["last_year"]),
                "total_points": _decimal(row["total_points"]),
                "survey_points": _decimal(row["survey_points"]),
                "n_criteria": _int(row["n_criteria"]),
                "n_subcriteria": _int(row["n_subcriteria"]),
                "note": row["note"],
                "source": row["source"],
            },
        )
        for attrs in _field_rows(row["fields_from"]):
            Field.objects.update_or_create(
                methodology=scheme, code=CODE_BY_NUMBER[attrs["number"]], defaults=attrs
            )
    return len(rows)


# Which scheme each row of channel_max_876.csv describes, by the start of its scheme column.
CHANNEL_SCHEMES = {"876/QĐ-BNV (original": "qd876", "2024 amended provincial set": "qd876-2024"}
CHANNEL_CODES = {
    "moha-appraised": ScoreChannel.Code.APPRAISAL,
    "sipas": ScoreChannel.Code.SIPAS,
    "leaders/managers survey": ScoreChannel.Code.LEADERS,
    "impact on socio-economic": ScoreChannel.Code.IMPACT,
}


def _load_channels() -> int:
    """The published split of the 100 points into channels, and the one field maximum found
    for the 2024 set (field 1: 9.5). Rows marked NOT FOUND or derived checks load nothing."""
    count = 0
    for row in read_csv("channel_max_876.csv"):
        value = _decimal(row["max_points"])
        code = next(
            (c for prefix, c in CHANNEL_SCHEMES.items() if row["scheme"].startswith(prefix)), None
        )
        if value is None or code is None or row["status"] != "reported":
            continue
        scheme = Methodology.objects.get(code=code)
        component = row["component"].lower()
        if row["component_kind"] == "channel":
            channel = next((c for key, c in CHANNEL_CODES.items() if key in component), None)
            if channel is None:
                raise ValueError(f"Unknown channel {row['component']!r} in channel_max_876.csv")
            ScoreChannel.objects.update_or_create(
                methodology=scheme,
                code=channel,
                defaults={"max_points": value, "source": row["source_url"], "note": row["note"]},
            )
            count += 1
        elif row["component_kind"] == "field" and component.startswith("field 1:"):
            Field.objects.filter(methodology=scheme, number=1).update(
                max_points=value, source=row["source_url"]
            )
            count += 1
    return count


# --- published results -------------------------------------------------------------------

REPORTED, DERIVED = 2, 1


def _quality(status: str, figure: str) -> int:
    """How trustworthy one figure of a row is, from the row's status column."""
    status = status.lower()
    if status.startswith("reported_value_derived_rank") or status == "derived_rank":
        return REPORTED if figure != "rank" else DERIVED
    return REPORTED if status.startswith("reported") else DERIVED


@dataclass
class _Merged:
    figures: dict[str, tuple[object, int, str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def offer(self, name: str, value: object, quality: int, status: str, source: str) -> None:
        if value in (None, ""):
            return
        current = self.figures.get(name)
        if current is None or quality > current[1]:
            if current is not None and current[0] != value:
                self.notes.append(f"{name} {current[0]} ({current[2]}) per {current[3]}")
            self.figures[name] = (value, quality, status, source)
        elif current[0] != value:
            self.notes.append(f"{name} {value} ({status}) per {source}")

    def value(self, name: str):
        return self.figures[name][0] if name in self.figures else None

    @property
    def status(self) -> str:
        qualities = [f[1] for f in self.figures.values()]
        return "reported" if qualities and min(qualities) == REPORTED else "derived"


def _load_national_results() -> int:
    merged: dict[tuple[int, str], _Merged] = {}
    for name in (
        "results.csv",
        "results_additions_2016_2024.csv",
        "results_additions_2014_2024_b.csv",
    ):
        for row in read_csv(name):
            key = (int(row["year"]), row["province"])
            item = merged.setdefault(key, _Merged())
            for figure, value in (
                ("index_pct", _decimal(row["index_pct"])),
                ("rank", _int(row["rank"])),
                ("group", row["group"]),
            ):
                item.offer(
                    figure, value, _quality(row["status"], figure), row["status"], row["source"]
                )
            if row["source"] not in item.sources:
                item.sources.append(row["source"])
            if row["note"]:
                item.notes.append(row["note"])
    for (year, name), item in merged.items():
        province = province_by_name(name, year=year)
        if province is None:
            raise ValueError(f"Unknown province {name!r} in the results")
        NationalResult.objects.update_or_create(
            year=year,
            province=province,
            defaults={
                "index_pct": item.value("index_pct"),
                "rank": item.value("rank"),
                "group": item.value("group") or "",
                "status": item.status,
                "is_synthetic": False,
                "source": " ; ".join(item.sources),
                "note": " | ".join(dict.fromkeys(item.notes)),
            },
        )
    return len(merged)


def _load_field_results() -> int:
    count = 0
    for row in read_csv("field_scores.csv"):
        year = int(row["year"])
        points, maximum = Decimal(row["score"]), Decimal(row["max_points"])
        _save_field_result(
            year=year,
            province_name=row["province"],
            number=int(row["field_code"]),
            defaults={
                "points": points,
                "pct_of_max": (points * 100 / maximum).quantize(Decimal("0.01")),
                "rank": None,
                "status": "reported",
                "source": row["source"],
                "note": "",
            },
        )
        count += 1
    for row in read_csv("field_scores_quangnam_2022_2023.csv"):
        _save_field_result(
            year=int(row["year"]),
            province_name=row["province"],
            number=int(row["field_code"]),
            defaults={
                "points": _decimal(row["score_points"]),
                "pct_of_max": None,
                "rank": _int(row["field_rank_of_63"]),
                "status": "derived" if row["status"] == "derived" else "reported",
                "source": row["source"],
                "note": row["note"],
            },
        )
        count += 1
    return count


def _save_field_result(*, year: int, province_name: str, number: int, defaults: dict) -> None:
    scheme = methodology_for_year(year)
    FieldResult.objects.update_or_create(
        year=year,
        province=province_by_name(province_name, year=year),
        field=scheme.fields.get(number=number),
        defaults={**defaults, "is_synthetic": False},
    )


_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)(?:\s|$)")


def _load_national_statistics() -> int:
    merged: dict[tuple[int, str], dict[str, str]] = {}
    notes: dict[tuple[int, str], list[str]] = {}
    for name in ("national_stats.csv", "national_stats_additions.csv"):
        for row in read_csv(name):
            key = (int(row["year"]), row["metric"])
            current = merged.get(key)
            better = current is None or (
                _quality(row["status"], "value") > _quality(current["status"], "value")
            )
            if current is not None and current["value"] != row["value"]:
                loser = current if better else row
                notes.setdefault(key, []).append(
                    f"{loser['value']} ({loser['status']}) per {loser['source']}"
                )
            if better:
                merged[key] = row
    for (year, metric), row in merged.items():
        match = _NUMBER.match(row["value"])
        NationalStatistic.objects.update_or_create(
            year=year,
            metric=metric,
            defaults={
                "value": row["value"][:255],
                "number": Decimal(match.group(1)) if match else None,
                "status": row["status"][:60],
                "source": row["source"],
                "note": " | ".join(notes.get((year, metric), [])),
            },
        )
    return len(merged)
