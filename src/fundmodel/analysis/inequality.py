"""Inequality measures for comparisons: the Gini coefficient of £ per child, deprivation
quintiles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.errors import CompareError

if TYPE_CHECKING:
    pass

DEFAULT_TOLERANCE = 1.0
"""Changes smaller than this many pounds (either way) count as no change."""

QUINTILE_LABELS = (
    "Q1 least deprived", "Q2", "Q3", "Q4", "Q5 most deprived",
)


QUINTILE_LABELS = (
    "Q1 least deprived", "Q2", "Q3", "Q4", "Q5 most deprived",
)


def gini(values: Sequence[float] | FloatArray, weights: Sequence[float] | FloatArray | None = None,
         ) -> float:
    """Gini coefficient of non-negative ``values`` (optionally weighted, e.g. by children).

    G = sum_ij w_i w_j abs(x_i - x_j) / (2 W^2 mean), mean = sum_i w_i x_i / W.

    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 1]), round(gini([1, 2, 3]), 4)
    (0.0, 0.75, 0.2222)
    >>> gini([1, 3], weights=[3, 1]) == gini([1, 1, 1, 3])
    True
    """
    x = np.asarray(values, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    if x.ndim != 1 or w.shape != x.shape or x.size == 0:
        raise CompareError(f"gini needs matching 1-d values and weights, got {x.shape}, {w.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(w))):
        raise CompareError("gini needs finite values and weights")
    if np.any(x < 0) or np.any(w < 0):
        raise CompareError("gini is defined for non-negative values and weights only")
    total_w = float(w.sum())
    mean = float((w * x).sum()) / total_w if total_w > 0 else 0.0
    if mean <= 0:
        raise CompareError("gini needs a positive (weighted) mean")
    pair = np.abs(x[:, None] - x[None, :]) * w[:, None] * w[None, :]
    return float(pair.sum() / (2.0 * total_w**2 * mean))


def deprivation_quintile(poverty: FloatArray, tiebreak: Sequence[str]) -> np.ndarray:
    """Quintile labels of ``poverty`` (Q1 least deprived); ties by code; NaN -> "unknown".

    >>> deprivation_quintile(np.array([5.0, 40.0, 20.0, np.nan, 10.0, 30.0]),
    ...                      ["a", "b", "c", "d", "e", "f"]).tolist()
    ['Q1 least deprived', 'Q5 most deprived', 'Q3', 'unknown', 'Q2', 'Q4']
    """
    p = np.asarray(poverty, dtype=np.float64)
    out = np.full(p.size, "unknown", dtype=object)
    valid = np.flatnonzero(~np.isnan(p))
    codes = np.asarray(tiebreak, dtype=str)[valid]
    order = valid[np.lexsort((codes, p[valid]))]
    rank = np.empty(p.size, dtype=np.int64)
    rank[order] = np.arange(valid.size)
    q = ((2 * rank[valid] + 1) * 5) // (2 * max(valid.size, 1))  # by rank midpoint: symmetric
    out[valid] = np.asarray(QUINTILE_LABELS, dtype=object)[q]
    return out


def correlation(a: FloatArray, b: FloatArray | None) -> float:
    """Pearson correlation; NaN when either side is missing or constant."""
    if b is None or np.ptp(a) == 0 or np.ptp(b) == 0 or not np.all(np.isfinite(a)):
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])
