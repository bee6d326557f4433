"""The result of an overspend scenario (:class:`OverspendResult`): tables, aggregates, summary."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel._types import BoolArray, FloatArray
from fundmodel._version import __version__
from fundmodel.engine.money import format_gbp
from fundmodel.engine.years import year_label, year_start
from fundmodel.errors import ScenarioError
from fundmodel.parameters.records import Parameter

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.scenarios.overspend.model import OverspendScenario
from fundmodel.scenarios.overspend.measures import (
    ENGLAND_CODE,
    annual_growth,
    councils_overspending,
    gross_overspend,
    national_overspend,
    overspend,
    overspend_pct,
    persistence,
    share_overspending,
)


@dataclass(frozen=True, eq=False)
class OverspendResult:
    """Budget and outturn (councils x periods, pounds) and the measures derived from them."""

    scenario: OverspendScenario
    authorities: Authorities
    periods: tuple[str, ...]
    budget: FloatArray
    outturn: FloatArray
    valid: BoolArray
    budget_is_assumed: bool
    excluded: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]
    version: str = __version__
    budget_source: tuple[str, ...] = ()
    """Per period: ``data`` (budgets from a budget file) or ``assumed`` (inferred from
    outturn by an assumed overspend rate)."""

    def _sources(self) -> tuple[str, ...]:
        if self.budget_source:
            return self.budget_source
        return tuple("assumed" if self.budget_is_assumed else "data" for _ in self.periods)

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.title

    def overspent(self) -> BoolArray:
        """Councils x periods: True where outturn exceeds budget (False where excluded)."""
        flags: BoolArray = self.valid & (self.outturn > self.budget)
        return flags

    def sources(self) -> list[Parameter]:
        """Every Parameter behind the result."""
        return self.scenario.parameters()

    def council_amounts(self, period: str | None = None) -> pd.Series:
        """Overspend per council in ``period`` (default the last), pounds, by ONS code."""
        j = self.periods.index(period) if period is not None else len(self.periods) - 1
        values = np.where(self.valid[:, j], self.outturn[:, j] - self.budget[:, j], np.nan)
        return pd.Series(values, index=self.authorities.codes, name=self.label)

    def to_frame(self) -> pd.DataFrame:
        """Long table, one row per council per period: budget, outturn, overspend £ and %,
        overspent, included (False for excluded council-years), budget_is_assumed."""
        la = self.authorities
        n_periods = len(self.periods)
        frame = pd.DataFrame(
            {
                "code": np.repeat(la.codes, n_periods),
                "name": np.repeat(la.names, n_periods),
                "region": np.repeat(la.regions, n_periods),
                "period": np.tile(np.array(self.periods), la.n),
                "budget": self.budget.ravel(),
                "outturn": self.outturn.ravel(),
                "overspend": overspend(self.budget, self.outturn).ravel(),
                "overspend_pct": overspend_pct(self.budget, self.outturn).ravel(),
                "overspent": self.overspent().ravel(),
                "included": self.valid.ravel(),
            }
        )
        source = np.tile(np.array(self._sources(), dtype=object), la.n)
        frame["budget_source"] = source
        frame["budget_is_assumed"] = source == "assumed"
        return frame

    def national_frame(self) -> pd.DataFrame:
        """One row per period: councils with data, number and share overspending, total
        budget and outturn, net and gross overspend, overspend as % of budget."""
        ok = self.valid
        b = np.where(ok, self.budget, 0.0).sum(axis=0)
        o = np.where(ok, self.outturn, 0.0).sum(axis=0)
        frame = pd.DataFrame(
            {
                "period": list(self.periods),
                "councils": ok.sum(axis=0),
                "overspending": councils_overspending(self.budget, self.outturn),
                "share_overspending": share_overspending(self.budget, self.outturn),
                "budget": b,
                "outturn": o,
                "overspend": national_overspend(self.budget, self.outturn),
                "gross_overspend": gross_overspend(self.budget, self.outturn),
                "overspend_pct": overspend_pct(b, o),
            }
        )
        frame["budget_source"] = list(self._sources())
        frame["budget_is_assumed"] = frame["budget_source"] == "assumed"
        return frame

    def persistence_frame(self) -> pd.DataFrame:
        """One row per council: years overspent, current run (ending in the last period)
        and longest run of consecutive overspending years, out of ``n_periods``."""
        flags = self.overspent()
        current, longest = persistence(flags)
        la = self.authorities
        return pd.DataFrame(
            {
                "code": la.codes, "name": la.names, "region": la.regions,
                "years_with_data": self.valid.sum(axis=1),
                "years_overspent": flags.sum(axis=1),
                "current_run": current,
                "longest_run": longest,
                "n_periods": len(self.periods),
                "budget_is_assumed": self.budget_is_assumed,
            }
        )

    def growth_frame(self) -> pd.DataFrame:
        """Average annual outturn growth, first to last period, per council and for England
        (councils with both years), against the scenario's funding growth (if given)."""
        la = self.authorities
        years = len(self.periods) - 1
        first, last = self.outturn[:, 0], self.outturn[:, -1]
        both = self.valid[:, 0] & self.valid[:, -1]
        national = annual_growth(
            np.array([first[both].sum()]), np.array([last[both].sum()]), years
        )
        frame = pd.DataFrame(
            {
                "code": [*la.codes.tolist(), ENGLAND_CODE],
                "name": [*la.names.tolist(), "England (councils with both years)"],
                "outturn_first": [*np.where(both, first, np.nan).tolist(), first[both].sum()],
                "outturn_last": [*np.where(both, last, np.nan).tolist(), last[both].sum()],
                "outturn_growth": [*annual_growth(np.where(both, first, np.nan), last,
                                                  years).tolist(), float(national[0])],
            }
        )
        growth = self.scenario.funding_growth
        if growth is not None:
            frame["funding_growth"] = growth.value
            frame["growth_gap_pp"] = 100.0 * (frame["outturn_growth"] - growth.value)
        return frame

    def projection_frame(self) -> pd.DataFrame:
        """National projection: one row per projected year from the last period's totals
        (councils with data then), outturn and budget grown at the stated rates."""
        proj = self.scenario.projection
        if proj is None:
            raise ScenarioError("the scenario has no projection (set projection: years, "
                                "outturn_growth, budget_growth)")
        ok = self.valid[:, -1]
        o0 = float(self.outturn[ok, -1].sum())
        b0 = float(self.budget[ok, -1].sum())
        k = np.arange(1, proj.years + 1)
        start = year_start(self.periods[-1])
        o: FloatArray = o0 * (1.0 + proj.outturn_growth.value) ** k.astype(np.float64)
        b: FloatArray = b0 * (1.0 + proj.budget_growth.value) ** k.astype(np.float64)
        return pd.DataFrame(
            {
                "period": [year_label(start + int(i)) for i in k],
                "budget": b,
                "outturn": o,
                "overspend": o - b,
                "overspend_pct": overspend_pct(b, o),
                "budget_is_assumed": self.budget_is_assumed,
            }
        )

    def summary(self) -> str:
        """Plain-text headline per period, with every assumption stated."""
        nat = self.national_frame()
        sources = set(self._sources())
        tag = (" (BUDGETS ASSUMED)" if sources == {"assumed"} else
               " (budgets: data in some years, ASSUMED in others)" if len(sources) > 1 else
               " (budget_source=data)")
        lines = [f"{self.label}: {self.authorities.n} councils, {self.periods[0]}.."
                 f"{self.periods[-1]}" + tag]
        for r in nat.itertuples():
            kind = ("budgets ASSUMED" if r.budget_source == "assumed"
                    else "budget_source=data")
            lines.append(
                f"  {r.period} [{kind}]: {r.overspending}/{r.councils} overspent "
                f"({100 * float(str(r.share_overspending)):.0f}%); net overspend "
                f"{format_gbp(float(str(r.overspend)))} on budgets of "
                f"{format_gbp(float(str(r.budget)))} "
                f"({float(str(r.overspend_pct)):.1f}% of budget)"
            )
        pers = self.persistence_frame()
        lines.append(
            f"  persistence: {int((pers['current_run'] == len(self.periods)).sum())} councils "
            f"overspent in every one of {len(self.periods)} years"
        )
        if self.scenario.funding_growth is not None:
            g = self.growth_frame().iloc[-1]
            funding = f"{100 * self.scenario.funding_growth.value:.1f}% a year"
            lines.append(
                f"  England outturn growth {100 * g['outturn_growth']:.1f}% a year vs funding "
                f"growth {funding}" if np.isfinite(g["outturn_growth"]) else
                f"  England outturn growth: not measurable from one period (funding growth "
                f"{funding})")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"OverspendResult({self.label!r}, councils={self.authorities.n}, "
                f"periods={len(self.periods)}, budget_is_assumed={self.budget_is_assumed})")

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(r.period))}</td><td>{int(str(r.overspending))}/"
            f"{int(str(r.councils))}</td><td style='text-align:right'>"
            f"{html.escape(format_gbp(float(str(r.overspend))))}</td></tr>"
            for r in self.national_frame().itertuples()
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        flag = " <em>(budgets assumed, not data)</em>" if self.budget_is_assumed else ""
        return (
            f"<div><strong>{html.escape(self.label)}</strong>{flag}; fundmodel "
            f"{html.escape(self.version)}<table><thead><tr><th>period</th>"
            "<th>overspent</th><th>net overspend</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><ul>{notes}</ul></div>"
        )
