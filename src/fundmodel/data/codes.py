"""ONS codes of English upper-tier authorities, regions, council types and reorganisations.

>>> council_type_of("E08000025")
'metropolitan_district'
>>> REORGANISED["E10000006"].successors
('E06000063', 'E06000064')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_PATTERN = re.compile(r"^E(06|08|09|10)\d{6}$")

REGIONS: tuple[str, ...] = (
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

COUNCIL_TYPES: dict[str, str] = {
    "E06": "unitary",
    "E08": "metropolitan_district",
    "E09": "london_borough",
    "E10": "county",
}


def council_type_of(code: str) -> str:
    """Council type implied by the ONS code prefix (E06, E08, E09, E10)."""
    return COUNCIL_TYPES[code[:3]]


@dataclass(frozen=True)
class Reorganisation:
    """A former authority and the current authorities that took over its area."""

    code: str
    name: str
    successors: tuple[str, ...]
    year: int
    same_area: bool


REORGANISED: dict[str, Reorganisation] = {
    r.code: r
    for r in (
        Reorganisation("E06000028", "Bournemouth", ("E06000058",), 2019, False),
        Reorganisation("E06000029", "Poole", ("E06000058",), 2019, False),
        Reorganisation("E10000009", "Dorset (county)", ("E06000058", "E06000059"), 2019, False),
        Reorganisation("E10000002", "Buckinghamshire (county)", ("E06000060",), 2020, True),
        Reorganisation(
            "E10000021", "Northamptonshire", ("E06000061", "E06000062"), 2021, False
        ),
        Reorganisation("E10000006", "Cumbria", ("E06000063", "E06000064"), 2023, False),
        Reorganisation("E10000023", "North Yorkshire (county)", ("E06000065",), 2023, True),
        Reorganisation("E10000027", "Somerset (county)", ("E06000066",), 2023, True),
    )
}
"""Predecessor code -> successors (Office for National Statistics code changes 2019-2023)."""
