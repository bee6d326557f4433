"""Authority codes, reorganisations and hex-map geometry for the data build.

Codes differ across the raw files because several councils were reorganised
between 2019 and 2023. This module holds the reorganisation table and the
rules that decide, for a figure that refers to a given date, which code it
belongs to:

* a figure dated before a reorganisation belongs to the predecessor
  authority (flag ``predecessor``);
* for a same-area recode (Buckinghamshire, North Yorkshire, Somerset) the
  figure is additionally repeated under the successor code with flag
  ``recoded_same_area``, so the successor has a continuous series;
* a figure is never split across successors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np


@dataclass(frozen=True)
class Reorganisation:
    """One predecessor authority abolished on ``effective`` (1 April)."""

    code: str
    name: str
    la_number: int
    successors: tuple[str, ...]
    effective: date
    same_area: bool
    note: str


REORGANISATIONS: tuple[Reorganisation, ...] = (
    Reorganisation(
        "E06000028", "Bournemouth", 837, ("E06000058",), date(2019, 4, 1), False,
        "Merged with Christchurch (district) and Poole into Bournemouth, Christchurch and Poole.",
    ),
    Reorganisation(
        "E06000029", "Poole", 836, ("E06000058",), date(2019, 4, 1), False,
        "Merged with Bournemouth and Christchurch into Bournemouth, Christchurch and Poole.",
    ),
    Reorganisation(
        "E10000009", "Dorset", 835, ("E06000058", "E06000059"), date(2019, 4, 1), False,
        "County split: Christchurch to BCP, the rest to the new Dorset unitary (LA 838).",
    ),
    Reorganisation(
        "E10000002", "Buckinghamshire", 825, ("E06000060",), date(2020, 4, 1), True,
        "County and districts replaced by a unitary on the same area; same DfE LA number 825.",
    ),
    Reorganisation(
        "E10000021", "Northamptonshire", 928, ("E06000061", "E06000062"), date(2021, 4, 1),
        False, "Split into North Northamptonshire (940) and West Northamptonshire (941).",
    ),
    Reorganisation(
        "E10000006", "Cumbria", 909, ("E06000063", "E06000064"), date(2023, 4, 1), False,
        "Split into Cumberland (942) and Westmorland and Furness (943).",
    ),
    Reorganisation(
        "E10000023", "North Yorkshire", 815, ("E06000065",), date(2023, 4, 1), True,
        "County and districts replaced by a unitary on the same area; same DfE LA number 815.",
    ),
    Reorganisation(
        "E10000027", "Somerset", 933, ("E06000066",), date(2023, 4, 1), True,
        "County and districts replaced by a unitary on the same area; same DfE LA number 933.",
    ),
)

PREDECESSORS: dict[str, Reorganisation] = {r.code: r for r in REORGANISATIONS}

#: Date each successor code came into force.
SUCCESSOR_START: dict[str, date] = {
    code: r.effective for r in REORGANISATIONS for code in r.successors
}

#: Same-area successor code -> its predecessor.
SAME_AREA_PREDECESSOR: dict[str, Reorganisation] = {
    r.successors[0]: r for r in REORGANISATIONS if r.same_area
}

#: ONS codes issued in 2024 for a minor boundary change (same council, same DfE LA
#: number) -> the 2023 code the package uses. DfE's 2025 files use the new codes.
RECODED_2024: dict[str, str] = {
    "E08000038": "E08000016",  # Barnsley (LA 370)
    "E08000039": "E08000019",  # Sheffield (LA 373)
}

COUNCIL_TYPES = {
    "E10": "county",
    "E08": "metropolitan_district",
    "E09": "london_borough",
    "E06": "unitary",
}

REGIONS = (
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)


def normalise_region(name: str) -> str:
    """Map a region label to the canonical spelling (London as one region)."""
    cleaned = " ".join(name.split())
    if cleaned in ("Inner London", "Outer London", "London (Inner)", "London (Outer)"):
        return "London"
    for region in REGIONS:
        if cleaned.lower() == region.lower():
            return region
    raise ValueError(f"unknown region {name!r}")


def council_type(code: str) -> str:
    """Council type from the ONS code prefix (E06/E08/E09/E10)."""
    return COUNCIL_TYPES[code[:3]]


def period_reference_date(period: str, basis: str) -> date:
    """The date a figure refers to, used to decide which authority existed.

    ``basis`` is one of ``31_march`` (count at 31 March of the year, or the
    year ending then), ``mid_year`` (30 June), ``january`` (school census),
    ``financial_year`` ("2022-23": the year ending 31 March 2023),
    ``30_september`` (a snapshot at 30 September of the year, e.g. the social
    work workforce census).
    """
    if basis == "financial_year":
        start = int(period[:4])
        return date(start + 1, 3, 31)
    year = int(period)
    if basis == "31_march":
        return date(year, 3, 31)
    if basis == "mid_year":
        return date(year, 6, 30)
    if basis == "january":
        return date(year, 1, 15)
    if basis == "30_september":
        return date(year, 9, 30)
    raise ValueError(f"unknown period basis {basis!r}")


def authority_existed(code: str, when: date) -> bool:
    """Whether the authority with this code existed on ``when``."""
    if code in PREDECESSORS and when >= PREDECESSORS[code].effective:
        return False
    return not (code in SUCCESSOR_START and when < SUCCESSOR_START[code])


def assign_codes(code: str, when: date | None) -> list[tuple[str, str]]:
    """Codes (and geography flags) under which a figure is published.

    ``code`` is the code the source gives (current or predecessor); ``when``
    the date the figure refers to, or None for sources already on current
    boundaries for every year. Returns an empty list when the authority did
    not exist on that date. For a same-area recode before the change the
    figure goes under the predecessor (``predecessor``) and again under the
    successor (``recoded_same_area``).
    """
    if when is None:
        # Sources on current boundaries for every year: predecessors do not apply.
        return [] if code in PREDECESSORS else [(code, "")]
    if code in SAME_AREA_PREDECESSOR and when < SAME_AREA_PREDECESSOR[code].effective:
        old = SAME_AREA_PREDECESSOR[code]
        return [(old.code, "predecessor"), (code, "recoded_same_area")]
    if code in PREDECESSORS:
        reorg = PREDECESSORS[code]
        if when >= reorg.effective:
            return []
        if reorg.same_area:
            return [(code, "predecessor"), (reorg.successors[0], "recoded_same_area")]
        return [(code, "predecessor")]
    if not authority_existed(code, when):
        return []
    return [(code, "")]


def polygon_centroid(polygons: list[list[np.ndarray]]) -> tuple[float, float, float]:
    """Area-weighted centroid (x, y) and absolute area of a multipolygon.

    Rings are taken with their signed area (shoelace), so holes subtract.
    """
    area = 0.0
    moment_x = 0.0
    moment_y = 0.0
    for rings in polygons:
        for ring in rings:
            x, y = ring[:, 0], ring[:, 1]
            x_next, y_next = np.roll(x, -1), np.roll(y, -1)
            cross = x * y_next - x_next * y
            area += cross.sum() / 2.0
            moment_x += ((x + x_next) * cross).sum() / 6.0
            moment_y += ((y + y_next) * cross).sum() / 6.0
    return moment_x / area, moment_y / area, abs(area)


def hex_circumradius(polygons: list[list[np.ndarray]]) -> float:
    """Mean centroid-to-vertex distance of a single-hexagon feature."""
    if len(polygons) != 1 or len(polygons[0]) != 1 or len(polygons[0][0]) != 7:
        raise ValueError("not a single closed hexagon")
    ring = polygons[0][0][:-1]
    x, y, _ = polygon_centroid(polygons)
    return float(np.hypot(ring[:, 0] - x, ring[:, 1] - y).mean())
