"""Overspend measures on (years x councils) arrays: £ and %, counts, shares, persistence, growth."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    pass


ENGLAND_CODE = "E92000001"
"""ONS code of England, used for the national line of :func:`funding_gap`."""



def overspend(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Outturn minus budget, pounds (positive = overspent).

    >>> overspend(np.array([100.0]), np.array([114.2])).round(6).tolist()
    [14.2]
    """
    out: FloatArray = np.asarray(outturn, np.float64) - np.asarray(budget, np.float64)
    return out


def overspend_pct(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Overspend as a percentage of budget (NaN where the budget is not positive).

    >>> overspend_pct(np.array([200.0, 0.0]), np.array([250.0, 5.0])).tolist()
    [25.0, nan]
    """
    b = np.asarray(budget, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct: FloatArray = np.where(b > 0, 100.0 * (np.asarray(outturn) - b) / b, np.nan)
    return pct


def _valid(budget: FloatArray, outturn: FloatArray) -> BoolArray:
    ok: BoolArray = ~np.isnan(np.asarray(budget, np.float64)) & ~np.isnan(
        np.asarray(outturn, np.float64))
    return ok


def _columns(a: FloatArray) -> FloatArray:
    arr = np.asarray(a, np.float64)
    out: FloatArray = arr[:, None] if arr.ndim == 1 else arr
    return out


def councils_overspending(budget: FloatArray, outturn: FloatArray) -> IntArray:
    """Number of councils (rows) overspending in each period (column); NaN cells left out.

    >>> councils_overspending(np.array([[1.0, 1.0], [1.0, np.nan]]),
    ...                       np.array([[2.0, 1.0], [3.0, 5.0]])).tolist()
    [2, 0]
    """
    b, o = _columns(budget), _columns(outturn)
    counts: IntArray = ((o > b) & _valid(b, o)).sum(axis=0).astype(np.int64)
    return counts


def share_overspending(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Fraction of councils with data that overspend, per period (NaN with none)."""
    b, o = _columns(budget), _columns(outturn)
    n = _valid(b, o).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share: FloatArray = np.where(n > 0, councils_overspending(b, o) / n, np.nan)
    return share


def national_overspend(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Net national overspend per period: total outturn minus total budget over councils
    with both (pounds; underspends offset overspends)."""
    b, o = _columns(budget), _columns(outturn)
    ok = _valid(b, o)
    net: FloatArray = np.where(ok, o, 0.0).sum(axis=0) - np.where(ok, b, 0.0).sum(axis=0)
    return net


def gross_overspend(budget: FloatArray, outturn: FloatArray) -> FloatArray:
    """Sum of overspends of the councils that overspent, per period (pounds).

    >>> gross_overspend(np.array([100.0, 100.0]), np.array([130.0, 90.0])).tolist()
    [30.0]
    """
    b, o = _columns(budget), _columns(outturn)
    over = np.where(_valid(b, o) & (o > b), o - b, 0.0)
    gross: FloatArray = over.sum(axis=0)
    return gross


def persistence(overspent: BoolArray) -> tuple[IntArray, IntArray]:
    """Per council (row): the current run of consecutive overspending years ending in the
    last period, and the longest run. Both lie in 0..n_periods. Loops over periods only.

    >>> current, longest = persistence(np.array([[True, True, False, True],
    ...                                          [True, True, True, False]]))
    >>> current.tolist(), longest.tolist()
    ([1, 0], [2, 3])
    """
    flags = np.asarray(overspent, dtype=bool)
    run = np.zeros(flags.shape[0], dtype=np.int64)
    longest = np.zeros(flags.shape[0], dtype=np.int64)
    for t in range(flags.shape[1]):
        run = (run + 1) * flags[:, t]
        longest = np.maximum(longest, run)
    return run, longest


def annual_growth(first: FloatArray, last: FloatArray, years: int) -> FloatArray:
    """Average annual growth rate from ``first`` to ``last`` over ``years`` years (NaN
    where ``first`` is not positive or a value is missing).

    >>> annual_growth(np.array([100.0]), np.array([121.0]), 2).round(10).tolist()
    [0.1]
    """
    f, la = np.asarray(first, np.float64), np.asarray(last, np.float64)
    if years < 1:
        return np.full(f.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        g: FloatArray = np.where(f > 0, (la / f) ** (1.0 / years) - 1.0, np.nan)
    return g
