"""Financial year labels and price indices (deflators) for real terms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from fundmodel.core.model import FrozenModel
from fundmodel.errors import ScenarioError
from fundmodel.parameters.records import (
    Parameter,
    Unit,
    parameter_checks,
)

if TYPE_CHECKING:
    pass


YEAR_PATTERN = re.compile(r"^([0-9]{4})-([0-9]{2})\Z")  # ASCII digits only
"""A financial year label such as ``2025-26``."""


def year_start(label: str) -> int:
    """The calendar year a financial year label starts in, checking the label.

    >>> year_start("2025-26")
    2025
    >>> year_start("2025-27")
    Traceback (most recent call last):
    ...
    fundmodel.errors.ScenarioError: year '2025-27' is not a financial year label like '2025-26'
    """
    match = YEAR_PATTERN.match(label) if isinstance(label, str) else None
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ScenarioError(f"year {label!r} is not a financial year label like '2025-26'")
    return int(match.group(1))


def _checked_label(value: str) -> str:
    year_start(value)
    return value


YearLabel = Annotated[str, AfterValidator(_checked_label)]
"""A field holding a financial year label such as ``2025-26`` (checked by
:func:`year_start`)."""


def year_label(start: int) -> str:
    """The label of the financial year starting in ``start``.

    >>> year_label(1999)
    '1999-00'
    """
    return f"{start}-{(start + 1) % 100:02d}"


def check_consecutive(labels: Sequence[str], what: str) -> None:
    """Raise :class:`ScenarioError` unless ``labels`` are consecutive financial years in order.

    >>> check_consecutive(["2024-25", "2026-27"], "profile")
    Traceback (most recent call last):
    ...
    fundmodel.errors.ScenarioError: profile: year 2025-26 is missing between 2024-25 and 2026-27
    """
    starts = [year_start(y) for y in labels]
    for i in range(1, len(labels)):
        prev, label, before, start = labels[i - 1], labels[i], starts[i - 1], starts[i]
        if start == before:
            raise ScenarioError(f"{what}: year {label} appears twice")
        if start < before:
            raise ScenarioError(f"{what}: year {label} comes after {prev}; list years in order")
        if start > before + 1:
            missing = ", ".join(year_label(y) for y in range(before + 1, start))
            raise ScenarioError(
                f"{what}: year{'s' if start > before + 2 else ''} {missing} "
                f"{'are' if start > before + 2 else 'is'} missing between {prev} and {label}"
            )


PriceIndex = Annotated[Parameter, *parameter_checks(Unit.SCORE, above=0)]
"""A price index value (any base), positive."""


class DeflatorPoint(FrozenModel):
    """A price index value for one year (e.g. a GDP deflator, any base)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: YearLabel
    index: PriceIndex


class Deflator(FrozenModel):
    """A price index series; real terms are in ``base_year`` prices.

    real = nominal x index[base_year] / index[year]

    >>> d = Deflator(name="test", base_year="2025-26",
    ...              points=[{"year": "2025-26", "index": 100}, {"year": "2026-27", "index": 102}])
    >>> round(d.factor("2026-27"), 6)
    0.980392
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    base_year: str
    points: tuple[DeflatorPoint, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Deflator:
        years = [p.year for p in self.points]
        check_consecutive(years, f"deflator {self.name!r}")
        if self.base_year not in years:
            raise ValueError(
                f"deflator {self.name!r}: base year {self.base_year} is not among its years "
                f"{years[0]}..{years[-1]}"
            )
        return self

    def factor(self, year: str) -> float:
        """Multiply a ``year`` cash amount by this to get ``base_year`` prices."""
        index = {p.year: p.index.value for p in self.points}
        if year not in index:
            raise ScenarioError(
                f"deflator {self.name!r} has no value for {year} "
                f"(it covers {self.points[0].year}..{self.points[-1].year})"
            )
        return index[self.base_year] / index[year]
