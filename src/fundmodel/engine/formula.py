"""The needs-formula models: indicators with weights, area cost adjustment and damping.

Relative mode (``basis="shares"``): each indicator is turned into each council's share
of the England total and the weights (fractions summing to 1) say how much of the pot
follows each indicator. ``basis="per_unit"``: weights are pounds per unit of indicator
(the old RNF pattern) and the result is scaled to the control total; the scaling factor
is reported.

need_i = aca_i * sum_k w_k * x_ik;  share_i = need_i / sum_j need_j;  amount_i = share_i * T

>>> from fundmodel.engine.formula import Indicator, NeedsFormula
>>> f = NeedsFormula(name="Population only",
...                  indicators=[Indicator(name="children", column="children_0_17", weight=1.0)])
>>> f.weight_vector().tolist()
[1.0]
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from fundmodel._types import FloatArray
from fundmodel.core.model import FrozenModel
from fundmodel.data.authorities import Authorities
from fundmodel.engine.measures import Measure, checked_column
from fundmodel.engine.resources import Resources
from fundmodel.engine.transforms import IndicatorTransform
from fundmodel.errors import FormulaError
from fundmodel.parameters.records import NonNegativeWeight, Unit, as_parameter


class Indicator(Measure):
    """One need indicator: a :class:`Measure` with a weight (a :class:`Parameter`).

    A bare number is accepted as the weight and recorded as a user-supplied assumption.
    ``proxy`` names what the indicator stands in for when the data has no direct measure.
    """

    name: str = Field(min_length=1)
    weight: NonNegativeWeight
    proxy: str | None = None
    transform: IndicatorTransform | None = Field(
        default=None, description="ratio, cap or threshold top-up (fundmodel.engine.transforms)")

    def describe(self) -> str:
        """Human-readable definition, including any transform."""
        if self.transform is None:
            return super().describe()
        parts = [self.transform.describe(self.column, weighted_by=self.times)] + (
            [self.times] if self.times else [])
        if self.scale != 1.0:
            parts.append(f"{self.scale:g}")
        return " x ".join(parts)

    def values(self, authorities: Authorities, *, purpose: str = "formula") -> FloatArray:
        """Per-authority values, the transform applied before ``times`` and ``scale``."""
        if self.transform is None:
            return super().values(authorities, purpose=purpose)
        x = checked_column(authorities, self.column, purpose)
        times = checked_column(authorities, self.times, purpose) if self.times else None
        x = self.transform.apply(x, authorities, weights=times, label=purpose)
        if times is not None:
            x = x * times
        return x * self.scale

    def threshold_used(self, authorities: Authorities) -> float | None:
        """The threshold this indicator's top-up uses on ``authorities`` (None if none)."""
        if self.transform is None or self.transform.threshold is None:
            return None
        x = self.transform.before_threshold(
            checked_column(authorities, self.column, "threshold"), authorities, self.name)
        weights = checked_column(authorities, self.times, "threshold") if self.times else (
            authorities.column(self.transform.per) if self.transform.per else None)
        return self.transform.threshold_value(x, weights)


class Damping(FrozenModel):
    """Floor and ceiling as fractional changes against a baseline column.

    ``floor=-0.05`` means no council gets less than 95% of its baseline; ``ceiling=0.10``
    means none gets more than 110%. Gains are scaled to pay for the floor (self-financing).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    baseline: str | None = Field(
        default=None, min_length=1,
        description="numeric column holding each baseline (£); or pass baseline= to allocate",
    )
    floor: float | None = Field(
        default=None, gt=-1.0, le=0.0, allow_inf_nan=False,
        description="largest loss allowed, as a fraction (e.g. -0.05); at most 0",
    )
    ceiling: float | None = Field(default=None, ge=0.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _something_to_do(self) -> Damping:
        if self.floor is None and self.ceiling is None:
            raise ValueError("damping needs a floor, a ceiling or both")
        if self.floor is not None and self.ceiling is not None and self.floor > self.ceiling:
            raise ValueError(f"floor {self.floor} is above ceiling {self.ceiling}")
        return self


class NeedsFormula(FrozenModel):
    """A relative needs formula: shares of a fixed control total."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    basis: Literal["shares", "per_unit"] = "shares"
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    area_cost_adjustment: str | None = Field(
        default=None, description="numeric column of multipliers (1.0 = no adjustment)"
    )
    damping: Damping | None = None
    resources: Resources | None = Field(
        default=None, description="needs minus resources (fundmodel.engine.resources)")
    description: str = ""

    @model_validator(mode="after")
    def _check_weights(self) -> NeedsFormula:
        names = [i.name for i in self.indicators]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate indicator names {dupes}")
        check_weights(self.weight_vector()[None, :], self.basis, names)
        return self

    def weight_vector(self) -> FloatArray:
        """The weights in indicator order."""
        return np.array([i.weight.value for i in self.indicators], dtype=np.float64)

    def with_weights(self, weights: dict[str, float]) -> NeedsFormula:
        """A copy with some indicator weights replaced (by name), validated as a whole.

        >>> from fundmodel.presets import children_act_formula
        >>> f = children_act_formula().with_weights(
        ...     {"population": 0.5, "projected_population": 0.0, "disability": 0.2,
        ...      "deprivation": 0.3})
        >>> f.weight_vector().tolist()
        [0.5, 0.0, 0.2, 0.3]
        """
        unknown = sorted(set(weights) - {i.name for i in self.indicators})
        if unknown:
            raise FormulaError(
                f"unknown indicator(s) {unknown}; the formula has "
                f"{[i.name for i in self.indicators]}"
            )
        new = [
            i.model_copy(update={"weight": as_parameter(weights[i.name], i.name, Unit.WEIGHT)})
            if i.name in weights
            else i
            for i in self.indicators
        ]
        return NeedsFormula.model_validate({**self.model_dump(), "indicators": new})


def check_weights(weights: FloatArray, basis: str, names: list[str]) -> None:
    """Validate a (variants x indicators) weight array; raise FormulaError naming the problem."""
    if weights.ndim != 2 or weights.shape[1] != len(names):
        raise FormulaError(
            f"weights must have shape (variants, {len(names)}) for indicators {names}, "
            f"got {weights.shape}"
        )
    if not np.all(np.isfinite(weights)):
        v, k = np.argwhere(~np.isfinite(weights))[0]
        raise FormulaError(f"weight for {names[k]!r} (variant {v}) is not finite")
    if np.any(weights < 0):
        v, k = np.argwhere(weights < 0)[0]
        raise FormulaError(f"weight for {names[k]!r} (variant {v}) is negative: {weights[v, k]}")
    sums = weights.sum(axis=1)
    if np.any(sums <= 0):
        raise FormulaError(f"all weights are zero (variant {int(np.argmin(sums))})")
    if basis == "shares" and np.any(np.abs(sums - 1.0) > 1e-9):
        v = int(np.argmax(np.abs(sums - 1.0)))
        raise FormulaError(
            f"with basis 'shares' the weights are fractions of the pot and must sum to 1; "
            f"variant {v} sums to {sums[v]:.12g} (fundmodel does not rescale them for you)"
        )
