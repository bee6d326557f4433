"""Provenance records: a :class:`Source` for every figure, a :class:`Parameter` for every number.

A parameter is never a bare float: it carries its value, a unit from a closed set that
includes the scale (``GBP`` vs ``GBP_MILLIONS``), the source it came from, a note saying
how it is used and when it was last reviewed.

>>> from fundmodel.sources import Parameter, Source, Unit
>>> ask = Parameter(
...     value=2600, unit=Unit.GBP_MILLIONS, label="Care Review headline ask",
...     source=Source(title="The independent review of children's social care: final report",
...                   publisher="Independent Review of Children's Social Care", year=2022),
...     note="Headline figure; the published year profile sums to 2,523.",
...     reviewed="2026-12-01")
>>> ask.in_pounds()
2600000000.0
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import ConfigDict, Field, model_validator

from fundmodel.model import FrozenModel


class Unit(StrEnum):
    """Closed set of units. Money units include their scale."""

    GBP = "GBP"
    GBP_THOUSANDS = "GBP_THOUSANDS"
    GBP_MILLIONS = "GBP_MILLIONS"
    GBP_PER_CHILD = "GBP_PER_CHILD"
    GBP_PER_CHILD_PER_YEAR = "GBP_PER_CHILD_PER_YEAR"
    RATIO = "RATIO"
    PERCENT = "PERCENT"
    WEIGHT = "WEIGHT"
    COUNT = "COUNT"
    PER_10K_CHILDREN = "PER_10K_CHILDREN"
    SCORE = "SCORE"
    YEARS = "YEARS"


_MONEY_SCALE = {Unit.GBP: 1.0, Unit.GBP_THOUSANDS: 1e3, Unit.GBP_MILLIONS: 1e6}


class Source(FrozenModel):
    """Where a figure comes from: title, publisher, year, and an address where there is one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    year: int = Field(ge=1989, le=2100)
    url: str | None = None
    section: str | None = None
    quote: str | None = None

    def cite(self) -> str:
        """One-line citation, e.g. for a chart footnote.

        >>> Source(title="Pressures on children's social care", publisher="NAO", year=2019).cite()
        "NAO (2019), Pressures on children's social care"
        """
        text = f"{self.publisher} ({self.year}), {self.title}"
        if self.section:
            text += f", {self.section}"
        return text


class Parameter(FrozenModel):
    """A number with its unit and provenance. ``assumption=True`` marks a fundmodel choice
    that no publication states (it still names the source that motivates it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    unit: Unit
    label: str = Field(min_length=1)
    source: Source
    note: str = ""
    reviewed: dt.date
    assumption: bool = False

    @model_validator(mode="after")
    def _finite(self) -> Parameter:
        if self.value != self.value or self.value in (float("inf"), float("-inf")):
            raise ValueError(f"parameter {self.label!r}: value must be finite, got {self.value}")
        return self

    def in_pounds(self) -> float:
        """The value in pounds, for money units; raises for any other unit."""
        if self.unit not in _MONEY_SCALE:
            raise ValueError(f"parameter {self.label!r} is in {self.unit}, not a money unit")
        return self.value * _MONEY_SCALE[self.unit]


FUNDMODEL_ASSUMPTION = Source(
    title="fundmodel modelling assumption (no published figure exists)",
    publisher="fundmodel",
    year=2026,
)
"""Source used for values fundmodel had to choose; such parameters set ``assumption=True``."""
