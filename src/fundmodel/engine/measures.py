"""Indicator values drawn from authority data: a column, optionally times another, scaled.

One mechanism serves both formula modes: a relative formula's indicators and an absolute
formula's caseloads are each a :class:`Measure`.

>>> from fundmodel import load_authorities
>>> poor = Measure(column="child_poverty_pct", times="children_0_17", scale=0.01)
>>> values = poor.values(load_authorities())
>>> round(float(values.sum()) / 1e6, 2)  # children in relative low-income families, millions
2.41
"""

from __future__ import annotations

import numpy as np
from pydantic import ConfigDict, Field

from fundmodel._types import FloatArray
from fundmodel.core.model import FrozenModel
from fundmodel.data.authorities import Authorities
from fundmodel.errors import FormulaError


class Measure(FrozenModel):
    """``column`` x ``times`` (if given) x ``scale``, per authority."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str = Field(min_length=1, description="numeric column of the authority data")
    times: str | None = Field(default=None, description="optional column to multiply by")
    scale: float = Field(default=1.0, gt=0, allow_inf_nan=False, description="constant factor")

    def describe(self) -> str:
        """Human-readable definition, e.g. ``child_poverty_pct x children_0_17 x 0.01``."""
        parts = [self.column] + ([self.times] if self.times else [])
        if self.scale != 1.0:
            parts.append(f"{self.scale:g}")
        return " x ".join(parts)

    def values(self, authorities: Authorities, *, purpose: str = "formula") -> FloatArray:
        """Per-authority values; raises naming every authority whose input is missing."""
        result = checked_column(authorities, self.column, purpose)
        if self.times is not None:
            result = result * checked_column(authorities, self.times, purpose)
        return result * self.scale


def checked_column(authorities: Authorities, column: str, purpose: str) -> FloatArray:
    """A column with no missing and no negative values; errors name every council at fault."""
    values = authorities.column(column)
    bad = np.flatnonzero(np.isnan(values))
    if bad.size:
        listed = "; ".join(
            f"{authorities.codes[i]} {authorities.names[i]} "
            f"({authorities.missing_reason(column, str(authorities.codes[i]))})"
            for i in bad[:8]
        )
        more = f" and {bad.size - 8} more" if bad.size > 8 else ""
        raise FormulaError(
            f"{purpose} needs column {column!r}, which is missing for {bad.size} "
            f"authorit{'y' if bad.size == 1 else 'ies'}: {listed}{more}. Supply values "
            "(load_authorities(path)) or choose another indicator."
        )
    if np.any(values < 0):
        i = int(np.flatnonzero(values < 0)[0])
        raise FormulaError(
            f"{purpose}: column {column!r} is negative for {authorities.codes[i]} "
            f"({values[i]})"
        )
    return values
