"""What reaching a target share would cost each council (:class:`TargetCheck`), against
investment asks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel.engine.money import format_gbp
from fundmodel.errors import FormulaError
from fundmodel.parameters.records import Parameter, Unit, as_parameter

if TYPE_CHECKING:
    from fundmodel.scenarios.family_help import InvestmentResult
    from fundmodel.scenarios.spending.analysis import SpendingAnalysis
from fundmodel.scenarios.spending.arithmetic import _check_target


def _target_parameter(target: Parameter | float) -> Parameter:
    param = as_parameter(target, "target share", Unit.PERCENT)
    if not isinstance(param, Parameter) or param.unit != Unit.PERCENT:
        raise FormulaError(f"target must be a percentage Parameter or a number, got {target!r}")
    _check_target(param.value / 100.0)
    return param


@dataclass(frozen=True, eq=False)
class TargetCheck:
    """The money each council would need to reach a focus-share target in one year."""

    analysis: SpendingAnalysis
    target: Parameter
    period: str
    focus_spend: FloatArray
    total: FloatArray
    move_pence: IntArray
    add_pence: IntArray
    asks: tuple[InvestmentResult, ...]

    @property
    def has_data(self) -> BoolArray:
        """Councils with a total in the period."""
        ok: BoolArray = ~np.isnan(self.total) & ~np.isnan(self.focus_spend)
        return ok

    @property
    def below(self) -> BoolArray:
        """Councils below the target share."""
        with np.errstate(invalid="ignore"):
            low: BoolArray = self.has_data & (self.move_pence > 0)
        return low

    @property
    def move_total(self) -> float:
        """Pounds to move within councils' budgets, summed over councils below target."""
        return int(self.move_pence[self.has_data].sum()) / 100.0

    @property
    def add_total(self) -> float:
        """New pounds a year, summed over councils below target."""
        return int(self.add_pence[self.has_data].sum()) / 100.0

    def ask_per_year(self) -> list[tuple[str, float, float]]:
        """(label, headline, average per year) of each ask, pounds."""
        return [(a.label, a.headline, a.total / len(a.years)) for a in self.asks]

    def to_frame(self) -> pd.DataFrame:
        """One row per council: focus spend, total, share (%), ``move_needed`` and
        ``add_needed`` (pounds), the first ask's average year for the council and whether it
        covers the add."""
        a = self.analysis
        ok = self.has_data
        with np.errstate(divide="ignore", invalid="ignore"):
            share = 100.0 * self.focus_spend / self.total
        frame = pd.DataFrame({
            "code": a.codes, "name": a.names, "region": a.regions,
            "focus_spend": self.focus_spend, "total": self.total, "share_pct": share,
            "target_pct": self.target.value,
            "move_needed": np.where(ok, self.move_pence / 100.0, np.nan),
            "add_needed": np.where(ok, self.add_pence / 100.0, np.nan),
        })
        if self.asks:
            first = self.asks[0]
            per_year = first.council_amounts().reindex(a.codes).to_numpy() / len(first.years)
            frame["ask_per_year"] = per_year
            covers = per_year >= frame["add_needed"].to_numpy()
            frame["ask_covers_add"] = np.where(ok, covers, False)
        frame.attrs.update(period=self.period, focus=a.focus,
                           ask=self.asks[0].label if self.asks else "")
        return frame

    def summary(self) -> str:
        """The target, councils below it, and the cost against the asks."""
        n_ok = int(self.has_data.sum())
        lines = [f"Target {self.target.value:g}% {self.analysis.focus} share "
                 f"({self.target.source.cite()}), {self.period}: "
                 f"{int(self.below.sum())} of {n_ok} councils below",
                 f"  move within budgets {format_gbp(self.move_total)}; or add "
                 f"{format_gbp(self.add_total)} a year of new {self.analysis.focus} money"]
        for label, headline, per_year in self.ask_per_year():
            lines.append(f"  vs {label}: {format_gbp(headline)} headline, "
                         f"{format_gbp(per_year)} a year on average; the add is "
                         f"{self.add_total / per_year:.2f}x a year of it")
        if self.asks:
            covered = self.to_frame()["ask_covers_add"]
            lines.append(f"  the {self.asks[0].label} average year covers the add in "
                         f"{int(covered[self.below].sum())} of {int(self.below.sum())} councils "
                         "below target")
        return "\n".join(lines)
