"""Real designated budgets for RCC pooling: the RA children-looked-after budget (line 313,
or your budget file) against RO3 looked-after outturn for the same year.

With ``budget_source: data`` (the default) each council puts in its own budget and the
pool pays its actual outturn, so every RCC's shortfall or surplus follows its members'
real budgets. A council lacking either figure is excluded and named, never filled; so is
one whose net figure is negative (income above spend: Southwark's 2023-24 RO3 outturn).

>>> from fundmodel.data.authorities import load_authorities
>>> la = load_authorities()
>>> real = real_budgets("2023-24", None, la)
>>> int(np.isnan(real.spend).sum()), real.reasons[la.codes.tolist().index("E06000039")]
(16, 'no budget (not_submitted)')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.data.budgets import BUDGET_LINES, budgets_from, paired_with_outturn
from fundmodel.data.flagged import describe_flags, flags_for
from fundmodel.engine.money import format_gbp
from fundmodel.errors import DataError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities

RCC_LINE = "lac"
"""The budget line pooled: RA line 313, children looked after (RO3 ``ro3_lac_net``)."""


@dataclass(frozen=True)
class RealBudgets:
    """Per council (row order of the authorities): RO3 outturn and RA budget in pounds (both
    NaN where either is missing), the reason a council is excluded ('' if not), where the
    figures came from, and notes (flagged values used)."""

    spend: FloatArray
    budget: FloatArray
    reasons: tuple[str, ...]
    origin: str
    notes: tuple[str, ...]


def real_budgets(period: str, path: str | None, la: Authorities) -> RealBudgets:
    """RA (or user) looked-after budgets and RO3 looked-after outturn for ``period``."""
    codes = la.codes.tolist()
    table = budgets_from(path, [RCC_LINE], codes)
    pairs = paired_with_outturn(table, period, codes, [RCC_LINE]).set_index("code").loc[codes]
    if not pairs["budget"].notna().any():
        origin = "the embedded RA budgets" if path is None else path
        raise DataError(f"no {RCC_LINE} budgets for {period} in {origin}: RA budgets are "
                        "embedded for 2021-22, 2023-24 and 2025-26, RO3 outturn for 2022-23 to "
                        "2024-25; choose period 2023-24 or budget_source: assumed")
    ok = pairs["complete"].to_numpy(bool).copy()
    reasons = pairs["reason"].astype(str).to_numpy(object).copy()
    for what, column in (("RO3 looked-after outturn", "outturn"),
                         ("RA looked-after budget", "budget")):
        values = pairs[column].to_numpy(np.float64)
        negative = ok & (values < 0)
        for i in np.flatnonzero(negative):  # rare: net figures below zero
            reasons[i] = (f"{what} is negative ({format_gbp(float(values[i]), '')}, net of "
                          "income): a pool cannot take a negative amount")
        ok &= ~negative
    spend = np.where(ok, pairs["outturn"].to_numpy(np.float64), np.nan)
    budget = np.where(ok, pairs["budget"].to_numpy(np.float64), np.nan)
    line = BUDGET_LINES[RCC_LINE]
    flagged = flags_for([line.ro3_measure, line.ra_measure], [period],
                        [c for c, keep in zip(codes, ok, strict=True) if keep])
    origin = ("MHCLG Revenue Account budgets" if path is None else f"budget file {path}")
    origin += f" {period} line {line.ra_line} vs RO3 {line.ro3_measure} {period}"
    return RealBudgets(spend=spend, budget=budget,
                       reasons=tuple(str(r) for r in reasons), origin=origin,
                       notes=tuple(f"uses a flagged value: {d}" for d in describe_flags(flagged)))
