"""The demo's illustrative criteria tree, for a scheme whose criteria MoHA's text is not bundled
(indicators/data/SOURCES.md: only 2948/QĐ-BNV's field maxima and 876/QĐ-BNV's channel split are
published). It is marked `is_illustrative` on the scheme, and every page that shows a figure
resting on it says so. Importing the real tree (framework_io) replaces it.

How it was drawn, so that nobody mistakes it for MoHA's:
- the eight field maxima (10, 11, 13.5, 11, 14, 12, 14, 14.5) total 100 and each is above
  Quảng Nam's published 2023 points in that field (field_scores_quangnam_2022_2023.csv), so
  that a real score fits under it;
- the points split 68 appraisal + 32 survey as in 876/QĐ-BNV (channel_max_876.csv): the leaders'
  survey (22) spread over fields 1–7, SIPAS (10) in field 8;
- the names describe the kind of thing each field checks; they are not MoHA's wording.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from indicators.models import Criterion, Methodology

DATA = Path(__file__).resolve().parent.parent / "data" / "illustrative_framework.csv"


def _rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


NOTE = (
    "Illustrative criteria tree of the demo (indicators/services/illustrative.py): MoHA's "
    "criteria and maximum points for this scheme are not bundled. Import the real tree to "
    "replace it."
)


@transaction.atomic
def illustrative_framework_ensure(scheme: Methodology) -> bool:
    """Give a scheme without criteria the illustrative tree (marked). A scheme with a real tree
    is left as it is; an illustrative one gets its field maxima and note back (the bundled
    data loader rewrites both). True when the scheme is illustrative."""
    has_tree = Criterion.objects.filter(field__methodology=scheme).exists()
    if has_tree and not scheme.is_illustrative:
        return False
    fields = {field.code: field for field in scheme.fields.all()}
    created: dict[tuple[str, str], Criterion] = {}
    for order, row in enumerate(_rows()):
        field = fields.get(row["field_code"])
        if field is None:
            continue
        points = Decimal(row["max_points"])
        if "." not in row["code"]:  # the field's own row: its maximum
            if field.max_points != points:
                field.max_points = points
                field.save(update_fields=["max_points"])
            continue
        if has_tree:
            continue
        parent_code = row["code"].rsplit(".", 1)[0]
        created[(field.code, row["code"])] = Criterion.objects.create(
            field=field,
            parent=created.get((field.code, parent_code)),
            # numbered as the scheme numbers its fields (the file numbers them as 876 does)
            code=f"{field.number}.{row['code'].split('.', 1)[1]}",
            name_vi=row["name_vi"],
            name_en=row["name_en"],
            max_points=points,
            scoring=row["scoring"],
            order=order,
        )
    scheme.is_illustrative = True
    if NOTE not in scheme.note:
        scheme.note = f"{scheme.note} {NOTE}".strip()
    scheme.save(update_fields=["is_illustrative", "note"])
    return True
