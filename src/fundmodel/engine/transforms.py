"""Indicator transforms: ratios (x per y), caps, threshold top-ups, and RNF-style formulas.

A transform reshapes an indicator's column before the indicator's ``times`` and ``scale``
apply, in this fixed order::

    x = column                      (the indicator's column)
    x = x / per                     (ratio, when ``per`` names a column)
    x = min(x, cap)                 (when ``cap`` is given)
    x = max(0, x - threshold)       (top-up above a threshold, when given)
    value = x * times * scale       (the indicator's own ``times`` and ``scale``)

``threshold`` is a number or ``"england_average"``: the England average of ``x`` (after the
ratio and the cap) computed from the data. fundmodel's documented choice is the
**weighted** average, weighted by the indicator's ``times`` column when it has one (for a
rate per child times children this is the England rate, what the publisher's England row
shows), else by the ``per`` denominator (sum x / sum y), else a simple mean. Set
``average: simple`` for the unweighted mean of councils' values. A threshold at or above
every council's value would give every council zero and is refused, naming the value.

>>> from fundmodel.testing import synthetic_authorities
>>> la = synthetic_authorities([[10.0, 20.0], [30.0, 40.0]])
>>> t = IndicatorTransform(threshold=15.0)
>>> t.apply(la.column("x0"), la, weights=None, label="x0").tolist()
[0.0, 15.0]
>>> IndicatorTransform(threshold="england_average").threshold_value(la.column("x0"), None)
20.0
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from fundmodel._types import FloatArray
from fundmodel.core.model import FrozenModel
from fundmodel.data.authorities import Authorities
from fundmodel.errors import FormulaError


class IndicatorTransform(FrozenModel):
    """How an indicator's column is reshaped before ``times`` and ``scale`` (see module)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    per: str | None = Field(default=None, min_length=1,
                            description="denominator column: the indicator becomes x per y")
    cap: float | None = Field(default=None, gt=0, allow_inf_nan=False,
                              description="values above this are counted at this value")
    threshold: float | Literal["england_average"] | None = Field(
        default=None, description="top-up above this: max(0, x - threshold)")
    average: Literal["weighted", "simple"] = Field(
        default="weighted", description="which England average 'england_average' means")

    @model_validator(mode="after")
    def _something(self) -> IndicatorTransform:
        if self.per is None and self.cap is None and self.threshold is None:
            raise ValueError("a transform needs per, cap or threshold")
        if isinstance(self.threshold, float) and not np.isfinite(self.threshold):
            raise ValueError(f"threshold must be finite, got {self.threshold}")
        return self

    def describe(self, column: str, threshold: float | None = None,
                 weighted_by: str | None = None) -> str:
        """The transform in words, e.g. ``max(0, child_poverty_pct - 20.1 (England average))``."""
        text = column if self.per is None else f"{column} per {self.per}"
        if self.cap is not None:
            text = f"min({text}, {self.cap:g})"
        if self.threshold is not None:
            if self.threshold == "england_average":
                shown = f"{threshold:.6g} " if threshold is not None else ""
                how = ("weighted by " + (weighted_by or self.per or "")
                       if self.average == "weighted" and (weighted_by or self.per) else "simple")
                what = f"{shown}(England average, {how})"
            else:
                what = f"{self.threshold:g}"
            text = f"max(0, {text} - {what})"
        return text

    def before_threshold(self, x: FloatArray, authorities: Authorities, label: str
                         ) -> FloatArray:
        """The ratio and the cap applied to ``x`` (the threshold not yet)."""
        if self.per is not None:
            denominator = authorities.column(self.per)
            bad = np.flatnonzero(~(denominator > 0))
            if bad.size:
                i = int(bad[0])
                raise FormulaError(
                    f"{label}: ratio per {self.per!r} needs a positive denominator; "
                    f"{authorities.codes[i]} {authorities.names[i]} has {denominator[i]}")
            x = x / denominator
        if self.cap is not None:
            x = np.minimum(x, self.cap)
        return x

    def threshold_value(self, x: FloatArray, weights: FloatArray | None) -> float:
        """The threshold in ``x``'s units: the number given, or the England average."""
        if self.threshold is None:
            raise FormulaError("this transform has no threshold")
        if self.threshold != "england_average":
            return float(self.threshold)
        if self.average == "simple" or weights is None:
            return float(np.sort(x).sum() / x.size)
        total = float(np.sort(weights).sum())
        if total <= 0:
            raise FormulaError("England average: the weights are zero for every council")
        return float(np.sort(x * weights).sum() / total)

    def apply(self, x: FloatArray, authorities: Authorities, *, weights: FloatArray | None,
              label: str) -> FloatArray:
        """Transform ``x`` (one value per council); ``weights`` weight the England average."""
        x = self.before_threshold(x, authorities, label)
        if self.threshold is None:
            return x
        if weights is None and self.per is not None:
            weights = authorities.column(self.per)
        t = self.threshold_value(x, weights)
        top = float(x.max()) if x.size else 0.0
        if t >= top:
            i = int(np.argmax(x))
            raise FormulaError(
                f"{label}: threshold {t:.6g} is at or above every council's value (the "
                f"highest is {authorities.names[i]} {authorities.codes[i]} at {top:.6g}), "
                "so every top-up would be zero")
        return np.maximum(x - t, 0.0)


class TopUp(FrozenModel):
    """One RNF-style top-up: ``amount`` pounds per unit of ``max(0, column - threshold)``
    times ``times`` (e.g. per child for each percentage point above the England average)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    column: str = Field(min_length=1)
    threshold: float | Literal["england_average"] = "england_average"
    times: str | None = None
    scale: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    amount: float = Field(ge=0, allow_inf_nan=False, description="pounds per unit")


def rnf_indicators(basic_column: str, basic_amount: float, top_ups: Sequence[TopUp]
                   ) -> list[dict[str, object]]:
    """Indicators (as data) for a ``per_unit`` formula: a basic amount per unit of
    ``basic_column`` plus each top-up; weights are pounds per unit, so the formula's
    scaling factor (reported on the result) brings the total to the pot.

    >>> rows = rnf_indicators("children_0_17", 100.0, [TopUp(name="deprivation",
    ...     column="child_poverty_pct", times="children_0_17", scale=0.01, amount=500.0)])
    >>> [r["name"] for r in rows], rows[1]["transform"]
    (['basic', 'deprivation'], {'threshold': 'england_average'})
    """
    rows: list[dict[str, object]] = [
        {"name": "basic", "column": basic_column, "weight": basic_amount}]
    for t in top_ups:
        rows.append({"name": t.name, "column": t.column, "times": t.times, "scale": t.scale,
                     "weight": t.amount, "transform": {"threshold": t.threshold}})
    return rows
