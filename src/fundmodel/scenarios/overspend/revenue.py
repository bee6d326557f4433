"""Budgets by line against RO3 outturn for the overspend scenario (``data.source: budgets``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.data.budgets import (
    BUDGET_LINES,
    budget_periods,
    budgets_from,
    line_key,
    paired_with_outturn,
)
from fundmodel.data.flagged import describe_flags, flags_for
from fundmodel.engine.years import check_consecutive
from fundmodel.errors import DataError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.scenarios.overspend.model import RevenueBudgets


def revenue_inputs(
    data: RevenueBudgets, la: Authorities
) -> tuple[Authorities, tuple[str, ...], FloatArray, FloatArray, tuple[str, ...],
           tuple[str, ...]]:
    """Budget and outturn (councils x periods) for one line, the budget source of each
    period, and notes (where budgets came from, assumed periods, flagged values used)."""
    key = line_key(data.line)
    periods = tuple(data.periods)
    check_consecutive(periods, "overspend periods")
    codes = la.codes.tolist()
    table = budgets_from(data.path, [key], codes)
    with_data = set(budget_periods(table[table["line"] == key]))
    budget = np.full((la.n, len(periods)), np.nan)
    outturn = np.full((la.n, len(periods)), np.nan)
    sources: list[str] = []
    origin = "MHCLG Revenue Account budgets" if data.path is None else f"budget file {data.path}"
    notes = []
    for j, period in enumerate(periods):  # a few periods
        pairs = paired_with_outturn(table, period, codes, [key]).set_index("code")
        outturn[:, j] = pairs.loc[codes, "outturn"].to_numpy(np.float64)
        if period in with_data:
            budget[:, j] = pairs.loc[codes, "budget"].to_numpy(np.float64)
            sources.append("data")
            continue
        p = data.assumed_overspend_pct
        if p is None:
            raise DataError(
                f"no {key} budgets for {period} in {origin} (budgets exist for "
                f"{', '.join(sorted(with_data)) or 'no period'}). Choose periods with budgets, "
                "or state an assumption: assumed_overspend_pct (e.g. the LGA's 14.2%), which "
                "is then named as such"
            )
        budget[:, j] = outturn[:, j] / (1.0 + p.value / 100.0)
        sources.append("assumed")
        notes.append(
            f"{period}: BUDGETS ASSUMED (budget_source=assumed), budget = outturn / "
            f"{1 + p.value / 100:.4g} ({p.label}; {p.source.cite()}): its overspends restate "
            "the assumption")
    line = BUDGET_LINES[key]
    data_years = [p for p, s in zip(periods, sources, strict=True) if s == "data"]
    if data_years:
        notes.insert(0, (
            f"budget_source=data for {', '.join(data_years)}: {origin}, line {line.ra_line} "
            f"({line.label}, net current expenditure budget) against RO3 {line.ro3_measure} "
            "outturn (net current expenditure)"))
    flagged = flags_for([line.ro3_measure, line.ra_measure], periods, codes)
    notes.extend(f"uses a flagged value: {d}" for d in describe_flags(flagged))
    return la, periods, budget, outturn, tuple(sources), tuple(notes)
