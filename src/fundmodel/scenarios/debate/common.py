"""Shared inputs and helpers of the debate scenarios: per-council figures from the authority
data or the embedded series, penny-exact splits, intervals, rank correlations and HTML.

A council figure named by ``measure`` and ``period`` (e.g. ``ro3_lac_residential_net`` and
``2024-25``) is read from the authority data's column ``<measure>_<yyyy_yy>`` where there
is one (so a user's own file, or a test's, supplies it), otherwise from the embedded long
tables (``series.csv`` for RO3 outturn, ``budgets.csv`` for ``ra_budget_*``), by ONS code.
A missing value keeps its reason (the table's flag); nothing is filled.

>>> from fundmodel.testing import synthetic_authorities
>>> la = synthetic_authorities([[1.0], [3.0]])
>>> split_pence(1001, np.array([1.0, 3.0]), la).tolist()
[250, 751]
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel.engine.money import largest_remainder
from fundmodel.errors import DataError, ScenarioError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities


def column_name(measure: str, period: str) -> str:
    """The authority-data column that holds ``measure`` for ``period``.

    >>> column_name("ro3_csc_net", "2024-25")
    'ro3_csc_net_2024_25'
    """
    return f"{measure}_{period.replace('-', '_')}"


def council_values(la: Authorities, measure: str, period: str) -> tuple[FloatArray, np.ndarray]:
    """(values in pounds, reason text per council: '' where a value exists) for ``la``."""
    col = column_name(measure, period)
    if col in la.numeric_columns:
        values = np.array(la.column(col), dtype=np.float64)
        why = np.array([("" if v == v else f"{col} missing") for v in values], dtype=object)
        return values, why
    from fundmodel.data.tables import load_budgets

    if measure.startswith("ra_budget_"):
        table = load_budgets()
    else:
        from fundmodel.data.series import load_series

        table = load_series()
    rows = table[(table["measure"] == measure) & (table["period"] == period)
                 & (table["flag"] != "predecessor")]
    if rows.empty:
        raise DataError(f"no embedded figures for {measure} in {period}, and no column {col!r} "
                        f"in {la.source}")
    rows = rows.drop_duplicates("code").set_index("code")
    unknown = [c for c in la.codes.tolist() if c not in rows.index]
    if len(unknown) == la.n:
        raise DataError(f"{measure} {period}: none of the councils in {la.source} is in the "
                        f"embedded table (codes such as {unknown[0]}); supply column {col!r}")
    picked = rows.reindex(la.codes.tolist())
    values = picked["value"].to_numpy(np.float64)
    flags = picked["flag"].fillna("not in the embedded table").astype(str).to_numpy()
    why = np.where(np.isnan(values), np.char.add(f"{measure} {period}: ", flags.astype(str)), "")
    return values, why.astype(object)


def check_missing(la: Authorities, why: np.ndarray, missing: str, what: str) -> BoolArray:
    """The councils with every value (True); an error listing the others unless
    ``missing == "exclude"``."""
    gaps = why != ""
    if gaps.any() and missing == "error":
        listed = "; ".join(f"{la.codes[i]} {la.names[i]} ({why[i]})"
                           for i in np.flatnonzero(gaps)[:8])
        raise DataError(f"{what}: values missing for {int(gaps.sum())} council(s): {listed}. "
                        "Supply them or opt in to missing: exclude.")
    ok: BoolArray = ~gaps
    return ok


def first_reason(*reasons: np.ndarray) -> np.ndarray:
    """Per council, the first non-empty reason among ``reasons``."""
    out = np.array(reasons[0], dtype=object)
    for r in reasons[1:]:
        out = np.where(out == "", r, out)
    return out


def to_pence(values: FloatArray) -> IntArray:
    """Pounds to whole pence (NaN -> 0; callers mask excluded councils)."""
    out: IntArray = np.round(np.nan_to_num(np.asarray(values, np.float64)) * 100.0).astype(np.int64)
    return out


def split_pence(total: int, weights: FloatArray, la: Authorities) -> IntArray:
    """``total`` pence split in proportion to ``weights`` (non-negative, not all zero) to the
    penny: largest remainders, ties to the lower ONS code. Zero weights get nothing."""
    w = np.asarray(weights, np.float64)
    if w.shape != (la.n,):
        raise ScenarioError(f"weights of shape {w.shape} for {la.n} councils")
    bad = np.flatnonzero(~(w >= 0))
    if bad.size:
        i = int(bad[0])
        raise DataError(f"cannot split money by a negative or missing weight: {la.codes[i]} "
                        f"{la.names[i]} has {w[i]}")
    if total == 0:
        return np.zeros(la.n, dtype=np.int64)
    if w.sum() <= 0:
        raise ScenarioError("cannot split money: every weight is zero")
    raw = w / np.sort(w).sum() * float(total)
    out: IntArray = largest_remainder(raw[None, :], np.array([total], dtype=np.int64),
                                      la.code_rank())[0]
    return out


def rank_correlation(x: FloatArray, y: FloatArray) -> float:
    """Spearman rank correlation over councils with both values (NaN if fewer than 3).

    >>> rank_correlation(np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 40.0]))
    1.0
    """
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 3 or np.ptp(x[ok]) == 0 or np.ptp(y[ok]) == 0:
        return float("nan")
    rx = pd.Series(x[ok]).rank().to_numpy()
    ry = pd.Series(y[ok]).rank().to_numpy()
    return float(np.corrcoef(rx, ry)[0, 1])


def gbp(amount: float) -> str:
    """Money for summaries: £bn above a billion, £m otherwise.

    >>> gbp(2.5e9), gbp(-3.25e6)
    ('£2.50bn', '-£3.2m')
    """
    from fundmodel.engine.money import format_gbp

    return format_gbp(amount, "bn", 2) if abs(amount) >= 1e9 else format_gbp(amount, "m", 1)


def range_text(central: float, low: float, high: float, money: bool = True) -> str:
    """'central (90% interval low to high)'."""
    f = gbp if money else (lambda v: f"{v:,.0f}")
    return f"{f(central)} (90% interval {f(low)} to {f(high)})"


def html_block(title: str, version: str, lines: list[str], rows: list[tuple[str, str]]) -> str:
    """A small HTML summary: a title, a two-column table, and notes."""
    body = "".join(f"<tr><td>{html.escape(k)}</td><td style='text-align:right'>"
                   f"{html.escape(v)}</td></tr>" for k, v in rows)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in lines)
    return (f"<div><strong>{html.escape(title)}</strong>; fundmodel {html.escape(version)}"
            f"<table><tbody>{body}</tbody></table><ul>{notes}</ul></div>")
