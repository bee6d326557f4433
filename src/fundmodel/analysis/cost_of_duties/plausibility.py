"""Plausibility check: did councils with larger costed gaps overspend more in 2023-24?

Real overspend = RO3 2023-24 net outturn on children's social care (``series.csv``,
``ro3_csc_net``) minus the RA 2023-24 budget (``budgets.csv``, ``ra_budget_csc_net``), as a
percentage of budget. It is set against the costed gap per child (``gap_per_child``); the
Spearman rank correlation comes with a seeded bootstrap 90% interval. Nothing is tuned to fit.

>>> from fundmodel.analysis.cost_of_duties import cost_of_duties
>>> check = overspend_check(cost_of_duties(n_draws=50, seed=1), n_boot=200)
>>> -1 <= check.rho <= 1 and check.n > 100
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray
from fundmodel.analysis.cost_of_duties.result import DutiesResult
from fundmodel.data.series import series_table
from fundmodel.data.tables import load_budgets


@dataclass(frozen=True)
class OverspendCheck:
    """Rank correlation of costed gap per child with the real 2023-24 overspend %."""

    rho: float
    low: float
    high: float
    n: int
    seed: int
    data: pd.DataFrame

    def summary(self) -> str:
        """One sentence, honest whichever way it comes out."""
        sign = ("councils with larger costed gaps per child overspent more" if self.low > 0
                else "councils with larger costed gaps per child overspent less" if self.high < 0
                else "no clear relation between the costed gap and real overspends")
        return (f"Spearman rank correlation of costed gap per child (2024-25) with the real "
                f"2023-24 overspend (RO3 outturn - RA budget, % of budget): {self.rho:.2f} "
                f"(90% bootstrap interval {self.low:.2f} to {self.high:.2f}, {self.n} councils, "
                f"seed {self.seed}): {sign}. The standards were not tuned to fit.")


def _ranks(x: FloatArray) -> FloatArray:
    """Ranks along the last axis (ties broken by order; the data are continuous)."""
    out: FloatArray = np.argsort(np.argsort(x, axis=-1), axis=-1).astype(np.float64)
    return out


def spearman(x: FloatArray, y: FloatArray) -> FloatArray:
    """Spearman rank correlation along the last axis (batched over leading axes).

    >>> float(spearman(np.array([1.0, 2.0, 3.0]), np.array([10.0, 30.0, 20.0])))
    0.5
    """
    rx, ry = _ranks(x), _ranks(y)
    rx = rx - rx.mean(axis=-1, keepdims=True)
    ry = ry - ry.mean(axis=-1, keepdims=True)
    out: FloatArray = (rx * ry).sum(axis=-1) / np.sqrt((rx**2).sum(axis=-1)
                                                       * (ry**2).sum(axis=-1))
    return out


def real_overspend_2023_24(codes: list[str]) -> pd.DataFrame:
    """Budget, outturn, overspend (£) and overspend % of budget per council, 2023-24."""
    b = load_budgets()
    b = b[(b["period"] == "2023-24") & (b["measure"] == "ra_budget_csc_net")]
    budget = b.set_index("code")["value"].reindex(codes)
    outturn = series_table("ro3_csc_net")["2023-24"].reindex(codes)
    frame = pd.DataFrame({"code": codes, "budget_2023_24": budget.to_numpy(),
                          "outturn_2023_24": outturn.to_numpy()})
    frame["overspend_2023_24"] = frame["outturn_2023_24"] - frame["budget_2023_24"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["overspend_pct"] = np.where(frame["budget_2023_24"] > 0, 100
                                          * frame["overspend_2023_24"]
                                          / frame["budget_2023_24"], np.nan)
    return frame


def overspend_check(result: DutiesResult, *, n_boot: int = 2000,
                    seed: int = 2026) -> OverspendCheck:
    """Correlate the costed gap per child with the real 2023-24 overspend (batch bootstrap)."""
    gaps = result.to_frame()[["code", "name", "gap_per_child", "gap_pct", "included", "flags"]]
    data = gaps.merge(real_overspend_2023_24(gaps["code"].tolist()), on="code")
    usable = data[data["included"] & data["overspend_pct"].notna()
                  & data["gap_per_child"].notna()].reset_index(drop=True)
    x = usable["gap_per_child"].to_numpy(dtype=np.float64)
    y = usable["overspend_pct"].to_numpy(dtype=np.float64)
    rho = float(spearman(x, y))
    idx = np.random.default_rng(seed).integers(0, len(x), size=(n_boot, len(x)))
    boot = spearman(x[idx], y[idx])
    low, high = np.percentile(boot, [5, 95])
    return OverspendCheck(rho=rho, low=float(low), high=float(high), n=len(x), seed=seed,
                          data=usable)
