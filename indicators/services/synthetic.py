"""Synthetic stand-ins for the published results our data lacks (demo only).

No full 63-province table is in the bundled data. For the demo years we fill the missing
provinces with a distribution that keeps every published figure: known values at their ranks,
known ranks, the national average and the group counts. Every filled figure is marked
is_synthetic; an admin replaces them by importing MoHA's table.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    """Ranks first..last must score within [low, high)."""

    first: int
    last: int
    low: float
    high: float


def fill_curve(
    *,
    size: int,
    anchors: dict[int, float],
    mean: float,
    bands: list[Band] = (),
    top: float = 100.0,
) -> dict[int, Decimal]:
    """Values for ranks 1..size, strictly decreasing, equal to `anchors` where given, whose
    mean rounds to `mean`, each inside its bands.

    Between two anchors the curve is a - (a - b) * g(t) with g(t) = 0.3 t + 0.7 t^p: the linear
    part keeps neighbours apart, and one exponent p, found by bisection, moves the mean.
    """
    points = dict(anchors)
    points.setdefault(1, top)
    # A group count fixes where a band ends: its edge ranks sit just inside their bands.
    for band in bands:
        if band.last < size:
            points.setdefault(band.last, band.low + 0.15)
        if band.first > 1:
            points.setdefault(band.first, band.high - 0.35)
    if size not in points:
        raise ValueError("the last rank needs a published value")

    def curve(p: float) -> dict[int, float]:
        ranks = sorted(points)
        values: dict[int, float] = {}
        for upper, lower in zip(ranks, ranks[1:], strict=False):
            a, b = points[upper], points[lower]
            for r in range(upper, lower):
                t = (r - upper) / (lower - upper)
                values[r] = a - (a - b) * (0.3 * t + 0.7 * t**p)
        values[size] = points[size]
        return values

    def average(p: float) -> float:
        values = curve(p)
        return sum(values.values()) / size

    low, high = 0.05, 60.0
    if not average(low) <= mean <= average(high):
        raise ValueError(f"no curve through these anchors has mean {mean}")
    for _ in range(80):
        middle = (low + high) / 2
        if average(middle) < mean:
            low = middle
        else:
            high = middle
    values = {r: Decimal(str(v)).quantize(CENT, ROUND_HALF_UP) for r, v in curve(low).items()}
    _fix_rounded_mean(values, points, Decimal(str(mean)), size)
    _check(values, anchors, bands, size, Decimal(str(mean)))
    return values


def _fix_rounded_mean(values, anchors, mean: Decimal, size: int) -> None:
    """Rounding moves the sum by a few cents: put them on the free ranks with most room."""
    target = (mean * size).quantize(CENT)
    step = CENT if sum(values.values()) < target else -CENT
    free = sorted(
        (r for r in values if r not in anchors and 1 < r < size),
        key=lambda r: -(values[r - 1] - values[r + 1]),
    )
    index = 0
    while (sum(values.values()) / size).quantize(CENT, ROUND_HALF_UP) != mean and free:
        r = free[index % len(free)]
        candidate = values[r] + step
        if values[r + 1] < candidate < values[r - 1]:
            values[r] = candidate
        index += 1
        if index > 10 * len(free):
            break


def _check(values, anchors, bands, size, mean) -> None:
    for r in range(2, size + 1):
        if not values[r] < values[r - 1]:
            raise ValueError(f"synthetic ranks {r - 1} and {r} are not strictly ordered")
    for r, v in anchors.items():
        if values[r] != Decimal(str(v)).quantize(CENT):
            raise ValueError(f"published value at rank {r} was not kept")
    for band in bands:
        for r in range(band.first, band.last + 1):
            if not Decimal(str(band.low)) <= values[r] < Decimal(str(band.high)):
                raise ValueError(f"rank {r} left its group band")
    if (sum(values.values()) / size).quantize(CENT, ROUND_HALF_UP) != mean:
        raise ValueError("the national average was not kept")


def random_ranking(*, size: int, low: float, high: float, seed: str) -> dict[int, Decimal]:
    """A plain synthetic ranking (no published anchors at all), deterministic for a seed."""
    rng = random.Random(seed)
    values: set[Decimal] = set()
    while len(values) < size:
        values.add(Decimal(str(rng.uniform(low, high))).quantize(CENT))
    return dict(enumerate(sorted(values, reverse=True), start=1))
