"""Resource equalisation: needs minus resources, the Fair Funding Review pattern.

Each council's allocation is its need share ``s_i`` (after the area cost adjustment) of a
grossed-up total ``X``, less the resources it is assumed to raise itself::

    allocation_i = max(0, s_i * X - R_i),   R_i = tax_base_i * notional_band_d * resource_share

``X`` is chosen so the allocations add up to the pot ``P``. When no council is cut to zero,
``X = P + sum R``. Otherwise the councils cut to zero are those whose breakpoint
``R_i / s_i`` lies above ``X``: sorting the breakpoints, the sum is linear between
consecutive ones (``X * cum_s - cum_R`` over the councils below), so ``X`` is found for all
variants at once by one sort, cumulative sums and one comparison, no iteration. Amounts are
then rounded to whole pence by largest remainder (in :mod:`fundmodel.engine.allocate`).

The notional Band D and the resource share are parameters (``settlement.yaml`` records,
bare numbers, or ``topic#record`` references) or, given as a plain name, columns.

>>> import numpy as np
>>> shares = np.array([[0.5, 0.3, 0.2]])
>>> amounts, x, cut = equalise(shares, np.array([10.0, 0.0, 40.0]), np.array([100.0]))
>>> amounts.round(6).tolist(), x.round(6).tolist(), cut.tolist()
([[58.75, 41.25, 0.0]], [137.5], [[False, False, True]])
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from pydantic import BeforeValidator, ConfigDict, Field

from fundmodel._types import FloatArray
from fundmodel.core.model import FrozenModel
from fundmodel.data.authorities import Authorities
from fundmodel.errors import DataError, FormulaError
from fundmodel.parameters import shipped
from fundmodel.parameters.records import Money, Parameter, Unit, as_parameter


def parameter_ref(value: Any) -> Any:
    """A ``topic#record`` string stands for that shipped record; anything else is left.

    >>> parameter_ref("settlement#england_average_band_d_2023_24").value
    2065.0
    """
    if isinstance(value, str) and "#" in value:
        topic, _, record = value.partition("#")
        try:
            return shipped(topic)[record]
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
    return value


def _resolve(value: Any, unit: Unit, label: str) -> Any:
    if isinstance(value, str) and "#" in value:
        topic, _, record = value.partition("#")
        try:
            return shipped(topic)[record]
        except KeyError as exc:
            raise ValueError(f"{label}: {exc.args[0]}") from None
    return as_parameter(value, label, unit)


BandD = Annotated[Parameter | str, BeforeValidator(
    lambda v: _resolve(v, Unit.GBP, "notional Band D"))]
"""A Band D amount in pounds: a Parameter, a number, a ``topic#record`` ref, or a column."""

RefMoney = Annotated[Money, BeforeValidator(parameter_ref)]
"""Money that may also be given as a ``topic#record`` reference in a scenario file."""

Share = Annotated[Parameter | str, BeforeValidator(
    lambda v: _resolve(v, Unit.RATIO, "resource share"))]
"""A share of notional council tax counted against this pot (RATIO), or a column."""


class Resources(FrozenModel):
    """The resources adjustment: ``tax_base x notional_band_d x resource_share`` per council."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tax_base: str = Field(min_length=1, description="column: council tax base, Band D equivalents")
    notional_band_d: BandD = Field(description="pounds per Band D equivalent")
    resource_share: Share = Field(description="share of notional council tax counted (0..1)")

    def parameters(self) -> list[Parameter]:
        """The parameters (not columns) behind the adjustment, for citations."""
        return [p for p in (self.notional_band_d, self.resource_share)
                if isinstance(p, Parameter)]

    def columns(self) -> list[str]:
        """The data columns behind the adjustment, for citations."""
        return [self.tax_base] + [c for c in (self.notional_band_d, self.resource_share)
                                  if isinstance(c, str)]

    def describe(self) -> str:
        """The adjustment in words, with the values used."""
        def shown(p: Parameter | str) -> str:
            return p if isinstance(p, str) else f"{p.value:g}"
        return (f"{self.tax_base} x notional Band D {shown(self.notional_band_d)} x "
                f"resource share {shown(self.resource_share)}")

    def amounts(self, authorities: Authorities) -> FloatArray:
        """``R_i`` in pounds per council; a missing column or value is named plainly."""
        r = _column(authorities, self.tax_base, "council tax base (Band D equivalents)")
        for factor, what, unit in ((self.notional_band_d, "notional Band D", Unit.GBP),
                                   (self.resource_share, "resource share", Unit.RATIO)):
            if isinstance(factor, str):
                r = r * _column(authorities, factor, what)
            else:
                if factor.unit != unit or factor.value < 0:
                    raise FormulaError(f"{what} must be a non-negative {unit} value, got "
                                       f"{factor.value:g} {factor.unit}")
                r = r * factor.value
        return r


def _column(authorities: Authorities, name: str, what: str) -> FloatArray:
    if name not in authorities.numeric_columns:
        raise DataError(
            f"the resources adjustment needs the {what} column {name!r}, which is not in "
            f"{authorities.source}. The 2023-24 council tax base (council_tax_base_2023_24) "
            "comes from the council tax base data build; load data that has it "
            "(load_authorities(path)) or name another column.")
    values = authorities.column(name)
    bad = np.flatnonzero(~(values >= 0))
    if bad.size:
        i = int(bad[0])
        raise DataError(
            f"the resources adjustment needs {what} {name!r} for every council; "
            f"{authorities.codes[i]} {authorities.names[i]} has {values[i]} "
            f"({bad.size} council(s) affected)")
    return values


def equalise(shares: FloatArray, resources: FloatArray, pot: FloatArray
             ) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Amounts ``max(0, s X - R)`` summing to ``pot`` per row, the ``X`` of each row, and
    which councils are cut to zero (positive need share, nothing left after resources).

    ``shares`` is (variants x councils), each row summing to 1; ``resources`` (councils,)
    or one row per variant, in pounds; ``pot`` (variants,) in pounds.
    """
    s = np.atleast_2d(shares)
    r = np.broadcast_to(np.asarray(resources, np.float64), s.shape)
    p = np.asarray(pot, np.float64).reshape(-1)
    if np.any(r < 0) or not np.all(np.isfinite(r)):
        raise FormulaError("resources must be finite and non-negative")
    with np.errstate(divide="ignore", invalid="ignore"):
        breaks = np.where(s > 0, r / s, np.where(r > 0, np.inf, 0.0))
    order = np.argsort(breaks, axis=1, kind="stable")
    b = np.take_along_axis(breaks, order, axis=1)
    cum_s = np.cumsum(np.take_along_axis(s, order, axis=1), axis=1)
    cum_r = np.cumsum(np.take_along_axis(r, order, axis=1), axis=1)
    with np.errstate(invalid="ignore"):
        reached = b * cum_s - cum_r  # the sum of allocations when X is at each breakpoint
    reached = np.where(np.isfinite(b), reached, np.inf)
    k = (reached <= p[:, None]).sum(axis=1) - 1  # the last breakpoint X passes (>= 0)
    k = np.maximum(k, 0)
    rows = np.arange(s.shape[0])
    everyone = k == s.shape[1] - 1
    x = np.where(everyone, p + r.sum(axis=1),
                 (p + cum_r[rows, k]) / np.where(cum_s[rows, k] > 0, cum_s[rows, k], 1.0))
    amounts = np.maximum(s * x[:, None] - r, 0.0)
    cut = (s > 0) & (amounts <= 0.0)
    return amounts, x, cut
