"""The arithmetic of spending shares and targets, on plain arrays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.errors import FormulaError

if TYPE_CHECKING:
    pass


def category_spend(values: FloatArray, matrix: FloatArray) -> FloatArray:
    """Categories x councils x years from lines x councils x years; a council-year with any
    line missing (NaN) is missing in every category (never treated as zero).

    >>> v = np.array([[[10.0, 1.0]], [[30.0, np.nan]]])   # 2 lines, 1 council, 2 years
    >>> category_spend(v, np.array([[1.0, 0.0], [0.0, 1.0]])).tolist()
    [[[10.0, nan]], [[30.0, nan]]]
    """
    gap = np.isnan(values).any(axis=0)
    out: FloatArray = np.einsum("cl,lnt->cnt", matrix, np.nan_to_num(values))
    out[:, gap] = np.nan
    return out


def shares(parts: FloatArray) -> FloatArray:
    """Each category's share of the total over categories (axis 0); NaN where the total is
    not positive or missing.

    >>> shares(np.array([[25.0, 0.0], [75.0, 0.0]])).tolist()
    [[0.25, nan], [0.75, nan]]
    """
    total = parts.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(total > 0, parts / total, np.nan)
    return out


def _check_target(target: float) -> None:
    if not 0.0 <= target < 1.0:
        raise FormulaError(f"target share must be at least 0 and below 1, got {target}")


def move_to_target(focus: FloatArray, total: FloatArray, target: float) -> FloatArray:
    """Money to move into the focus category, total unchanged, to reach ``target`` share:
    max(0, target x total - focus). NaN stays NaN.

    >>> move_to_target(np.array([10.0, 40.0]), np.array([100.0, 100.0]), 0.25).tolist()
    [15.0, 0.0]
    """
    _check_target(target)
    out: FloatArray = np.maximum(0.0, target * total - focus)
    out[np.isnan(focus) | np.isnan(total)] = np.nan
    return out


def add_to_target(focus: FloatArray, total: FloatArray, target: float) -> FloatArray:
    """New money for the focus category, other spend unchanged, to reach ``target`` share:
    (focus + a) / (total + a) = target, so a = max(0, (target x total - focus) / (1 - target)).

    >>> add_to_target(np.array([10.0]), np.array([100.0]), 0.25).tolist()  # 30/120 = 25%
    [20.0]
    """
    _check_target(target)
    return move_to_target(focus, total, target) / (1.0 - target)


def arc_elasticity(spend_start: FloatArray, spend_end: FloatArray, demand_start: FloatArray,
                   demand_end: FloatArray) -> FloatArray:
    """Ratio of log growths, ln(spend_end / spend_start) / ln(demand_end / demand_start):
    1 = spend grew in step with demand. NaN where any value is not positive or demand did
    not change. Descriptive only: not a causal effect.

    >>> round(float(arc_elasticity(np.array([100.0]), np.array([121.0]),
    ...                            np.array([100.0]), np.array([110.0]))[0]), 6)
    2.0
    """
    arrays = [np.asarray(a, np.float64) for a in (spend_start, spend_end, demand_start,
                                                    demand_end)]
    ok = np.all([a > 0 for a in arrays], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.log(np.where(ok, arrays[1] / arrays[0], np.nan))
        d = np.log(np.where(ok, arrays[3] / arrays[2], np.nan))
        out: FloatArray = np.where(ok & (d != 0), s / d, np.nan)
    return out
