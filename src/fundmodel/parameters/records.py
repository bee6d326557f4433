"""Provenance records: a :class:`Source` for every figure, a :class:`Parameter` for every number.

A parameter is never a bare float: it carries its value, a unit from a closed set that
includes the scale (``GBP`` vs ``GBP_MILLIONS``), the source it came from, a note saying
how it is used and when it was last reviewed.

>>> from fundmodel.parameters.records import Parameter, Source, Unit
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
from collections.abc import Collection
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from fundmodel.core.display import format_gbp
from fundmodel.core.model import FrozenModel


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
    FINANCIAL_YEAR = "FINANCIAL_YEAR"
    """A financial year, by the calendar year it starts in (2022 = 2022-23)."""


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
    low: float | None = Field(default=None, description="low end of the plausible range")
    high: float | None = Field(default=None, description="high end of the plausible range")
    ref: str | None = Field(
        default=None, description="where the record lives: 'file.yaml#record' (set by the loader)")

    @model_validator(mode="after")
    def _finite(self) -> Parameter:
        for name in ("value", "low", "high"):
            v = getattr(self, name)
            if v is not None and (v != v or v in (float("inf"), float("-inf"))):
                raise ValueError(f"parameter {self.label!r}: {name} must be finite, got {v}")
        if (self.low is None) != (self.high is None):
            raise ValueError(f"parameter {self.label!r}: give both low and high, or neither")
        if self.low is not None and self.high is not None and not (
                self.low <= self.value <= self.high):
            raise ValueError(f"parameter {self.label!r}: the range {self.low:g} to "
                             f"{self.high:g} must contain the value {self.value:g}")
        return self

    def cite(self) -> str:
        """The record and its source in one line: where to find it, and who published it.

        >>> from fundmodel.parameters import shipped
        >>> print(shipped("overspend")["nao_2017_18_overspend"].cite())
        overspend.yaml#nao_2017_18_overspend: National Audit Office (2019), Pressures on ...
        """
        where = f"{self.ref}: " if self.ref else ""
        return where + self.source.cite()

    @property
    def origin(self) -> str:
        """Where the value comes from, in a few words for one-line summaries: its record
        (``file.yaml#name``), "your input" for a bare number typed in, or its source.

        >>> from fundmodel.parameters import shipped
        >>> shipped("overspend")["lga_average_overspend"].origin
        'overspend.yaml#lga_average_overspend'
        >>> as_parameter(0.3, "exit share", Unit.RATIO).origin
        'your input'
        """
        if self.ref:
            return self.ref
        if self.source == USER_SUPPLIED:
            return "your input"
        return f"{self.source.publisher} {self.source.year}"

    def display(self) -> str:
        """The value with its unit, as a reader would write it.

        >>> from fundmodel.parameters import shipped
        >>> shipped("overspend")["lga_average_overspend"].display()
        '14.2%'
        """
        v = self.value
        if self.unit in _MONEY_SCALE:
            return format_gbp(self.in_pounds(), scale="auto")
        if self.unit is Unit.PERCENT:
            return f"{v:g}%"
        if self.unit is Unit.RATIO:
            return f"{100 * v:.4g}%"
        if self.unit in (Unit.GBP_PER_CHILD, Unit.GBP_PER_CHILD_PER_YEAR):
            return f"£{v:,.2f} per child" + (" a year" if self.unit is
                                             Unit.GBP_PER_CHILD_PER_YEAR else "")
        if self.unit is Unit.YEARS:
            return f"{v:g} years"
        if self.unit is Unit.FINANCIAL_YEAR:
            return f"{int(v)}-{(int(v) + 1) % 100:02d}"
        return f"{v:,g}"

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


USER_SUPPLIED = Source(
    title="value supplied by the user (formula or scenario file)",
    publisher="user",
    year=2026,
)
"""Source recorded for a bare number given where a Parameter is expected."""

MONEY_UNITS: frozenset[Unit] = frozenset(_MONEY_SCALE)


USER_SUPPLIED_REVIEWED = dt.date(1970, 1, 1)
"""The ``reviewed`` date of a bare number given by the user: fixed (it means "never reviewed
by fundmodel"), not today's date, so the same scenario always dumps to the same bytes."""


def as_parameter(value: Any, label: str, unit: Unit) -> Any:
    """Let a bare number stand for a Parameter, recorded as user-supplied (an assumption).

    >>> p = as_parameter(0.05, "floor", Unit.RATIO)
    >>> p.source.publisher, p.reviewed.isoformat()
    ('user', '1970-01-01')
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Parameter(
            value=float(value),
            unit=unit,
            label=label,
            source=USER_SUPPLIED,
            note="bare number given by the user; no source recorded",
            reviewed=USER_SUPPLIED_REVIEWED,
            assumption=True,
        )
    return value


def parameter_checks(
    default_unit: Unit,
    *,
    units: Collection[Unit] | None = None,
    minimum: float | None = None,
    above: float | None = None,
    maximum: float | None = None,
) -> tuple[BeforeValidator, AfterValidator]:
    """The validators of a Parameter field, for ``Annotated[Parameter, *checks]``.

    A bare number becomes a user-supplied Parameter in ``default_unit``; the unit must be
    one of ``units`` (default: ``default_unit`` only); the value must be ``>= minimum``,
    ``> above`` and ``<= maximum`` where given. Errors name the field.

    >>> class Ask(FrozenModel):
    ...     amount: Money
    >>> Ask(amount=5).amount.unit
    <Unit.GBP: 'GBP'>
    >>> Ask(amount=-5)
    Traceback (most recent call last):
    ...
    fundmodel.errors.InvalidInputError: Ask, field amount: amount must not be negative, got -5
    """
    allowed = frozenset(units) if units is not None else frozenset({default_unit})

    def coerce(value: Any, info: ValidationInfo) -> Any:
        return as_parameter(value, (info.field_name or "value").replace("_", " "), default_unit)

    def check(value: Parameter, info: ValidationInfo) -> Parameter:
        name = (info.field_name or "value").replace("_", " ")
        if value.unit not in allowed:
            raise ValueError(f"{name} must be in {' or '.join(sorted(allowed))}, got {value.unit}")
        if minimum is not None and value.value < minimum:
            bound = "not be negative" if minimum == 0 else f"be at least {minimum:g}"
            raise ValueError(f"{name} must {bound}, got {value.value:g}")
        if above is not None and value.value <= above:
            raise ValueError(f"{name} must be above {above:g}, got {value.value:g}")
        if maximum is not None and value.value > maximum:
            raise ValueError(f"{name} must be at most {maximum:g}, got {value.value:g}")
        return value

    return BeforeValidator(coerce), AfterValidator(check)


NonNegativeWeight = Annotated[Parameter, *parameter_checks(Unit.WEIGHT, minimum=0)]
"""A formula weight: a WEIGHT Parameter (or bare number), not negative."""

Money = Annotated[Parameter, *parameter_checks(Unit.GBP, units=MONEY_UNITS, minimum=0)]
"""An amount of money: GBP, GBP_THOUSANDS or GBP_MILLIONS, not negative."""

UnitCost = Annotated[Parameter, *parameter_checks(Unit.GBP_PER_CHILD_PER_YEAR, minimum=0)]
"""A unit cost in pounds per child per year, not negative."""

AnnualRate = Annotated[Parameter, *parameter_checks(Unit.RATIO, above=-1)]
"""A growth or overspend rate per year as a RATIO (0.03 = 3%), above -100%."""

Fraction = Annotated[Parameter, *parameter_checks(Unit.RATIO, minimum=0, maximum=1)]
"""A share between 0 and 1 as a RATIO."""
