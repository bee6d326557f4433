"""``kind: invest_to_save``: preventive spend, the entries to care it may avoid, and payback.

Preventive spend per council per year comes from an investment scenario (``investment``:
e.g. :func:`fundmodel.scenarios.family_help.family_help_ask`, run through the engine) or a
user column of pounds a year (``spend_column`` for each of ``spend_years``). The effect, in
entries to care avoided per £1m, is built from records in ``invest_to_save.yaml``::

    families reached per £1m  = 1,000,000 / cost_per_family
    entries avoided per £1m   = families x baseline_entry_rate x care_entry_reduction
    entries avoided in year t+lag = entries per £1m x spend in year t / 1,000,000
    saving of those entries   = entries x cost a year in care x years in care avoided
    break-even effect         = 1,000,000 / (cost a year in care x years in care avoided)

The **evidence is weak**: the one-third fall in care entries is government's reading of
Supporting Families against a comparison group, phase one found no discernible impact, and
the baseline entry rate is an assumption; every output carries a 90% interval over seeded
draws of all of these, and the summary says so. The same effect per £ applies in every
council (an assumption). ``horizon`` years are followed from the first year of spend.

>>> s = InvestToSaveScenario(header={"title": "t", "assumes": "a"}, draws=100)
>>> r = s.run()
>>> round(r.breakeven_effect(), 2)
6.34
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from fundmodel._types import FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.engine.years import year_label, year_start
from fundmodel.parameters import shipped
from fundmodel.parameters.records import Fraction, Money, Parameter, UnitCost
from fundmodel.scenarios.base import Scenario
from fundmodel.scenarios.debate.common import gbp, html_block, range_text
from fundmodel.scenarios.debate.draws import DEFAULT_DRAWS, interval, parameter_draws
from fundmodel.scenarios.debate.windfall_tax import Years
from fundmodel.scenarios.family_help.asks import family_help_ask
from fundmodel.scenarios.family_help.model import InvestmentScenario

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities

RECORDS = shipped("invest_to_save")
"""The records of ``invest_to_save.yaml``."""

_NAMES = ("cost_per_family", "baseline_entry_rate", "care_entry_reduction", "unit_cost",
          "years_in_care", "lag")


class InvestToSaveScenario(Scenario):
    """Preventive spend and the care it may avoid (see the module docstring)."""

    kind: Literal["invest_to_save"] = "invest_to_save"
    investment: InvestmentScenario | None = Field(default_factory=family_help_ask)
    spend_column: str | None = None
    spend_years: tuple[str, ...] = ()
    cost_per_family: Money = RECORDS["cost_per_family"]
    baseline_entry_rate: Fraction = RECORDS["baseline_entry_rate"]
    care_entry_reduction: Fraction = RECORDS["care_entry_reduction"]
    unit_cost: UnitCost = RECORDS["cost_per_child_looked_after_year"]
    years_in_care: Years = RECORDS["years_in_care_avoided"]
    lag: Years = RECORDS["effect_lag_years"]
    horizon: int = Field(default=10, ge=1, le=50)
    draws: int = Field(default=DEFAULT_DRAWS, ge=1, le=100_000)
    seed: int = Field(default=2026, ge=0)

    @model_validator(mode="after")
    def _one_source(self) -> InvestToSaveScenario:
        if (self.investment is None) == (self.spend_column is None):
            raise ValueError("give exactly one of investment or spend_column")
        if self.spend_column is not None and not self.spend_years:
            raise ValueError("spend_column needs spend_years (the years it is spent)")
        for y in self.spend_years:
            year_start(y)
        return self

    def inputs(self) -> dict[str, Parameter]:
        """The named uncertain inputs."""
        return {name: getattr(self, name) for name in _NAMES}

    def parameters(self) -> list[Parameter]:
        """Every Parameter the scenario uses."""
        return list(self.inputs().values())

    def run(self, authorities: Authorities | None = None) -> InvestToSaveResult:
        """Spend per council and year, then avoided entries and savings (central and drawn)."""
        from fundmodel.data.authorities import load_authorities
        from fundmodel.errors import DataError

        la = authorities if authorities is not None else load_authorities()
        if self.investment is not None:
            inv = self.investment.run(la)
            spend, spend_years = inv.amount_pence, inv.years
        else:
            assert self.spend_column is not None
            col = la.column(self.spend_column)
            bad = np.flatnonzero(~(col >= 0))
            if bad.size:
                i = int(bad[0])
                raise DataError(f"spend column {self.spend_column!r}: {la.codes[i]} "
                                f"{la.names[i]} has {col[i]}; give pounds a year, not negative")
            spend = np.tile(np.round(col * 100).astype(np.int64), (len(self.spend_years), 1))
            spend_years = self.spend_years
        start = year_start(spend_years[0])
        years = tuple(year_label(start + k) for k in range(self.horizon))
        return InvestToSaveResult(scenario=self, authorities=la, years=years,
                                  spend_pence=_on_horizon(spend, spend_years, years),
                                  drawn=parameter_draws(self.inputs(), self.draws, self.seed))


def _on_horizon(spend: IntArray, spend_years: tuple[str, ...], years: tuple[str, ...]
                ) -> IntArray:
    out = np.zeros((len(years), spend.shape[1]), dtype=np.int64)
    for k, y in enumerate(spend_years):  # a handful of years
        if y in years:
            out[years.index(y)] = spend[k]
    return out


def effect_per_million(cost_per_family: FloatArray, rate: FloatArray, reduction: FloatArray
                       ) -> FloatArray:
    """Entries to care avoided per £1m of preventive spend.

    >>> float(effect_per_million(np.array(2000.0), np.array(0.05), np.array(0.2))[()])
    5.0
    """
    out: FloatArray = 1e6 / cost_per_family * rate * reduction
    return out


def _flows(spend: FloatArray, effect: FloatArray, saving_per_entry: FloatArray,
           lag: IntArray) -> tuple[FloatArray, FloatArray]:
    """Avoided entries and savings, shape (draws, years, councils), for spend (years, councils)
    and per-draw effect, saving per entry and whole-year lag (each shape (draws,))."""
    n_years = spend.shape[0]
    entries = np.zeros((effect.size, n_years, spend.shape[1]))
    for t in range(n_years):  # years, not councils: vectorised over draws and councils
        landed = t + lag
        rows = np.flatnonzero(landed < n_years)
        entries[rows, landed[rows], :] += effect[rows, None] * spend[t][None, :] / 1e6
    return entries, entries * saving_per_entry[:, None, None]


@dataclass(frozen=True, eq=False)
class InvestToSaveResult:
    """Spend (years x councils, pence) and avoided entries and savings, central and drawn."""

    scenario: InvestToSaveScenario
    authorities: Authorities
    years: tuple[str, ...]
    spend_pence: IntArray
    drawn: dict[str, FloatArray]
    version: str = __version__

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.title

    def _run(self, x: dict[str, FloatArray]) -> tuple[FloatArray, FloatArray]:
        effect = effect_per_million(x["cost_per_family"], x["baseline_entry_rate"],
                                    x["care_entry_reduction"])
        saving = x["unit_cost"] * x["years_in_care"]
        return _flows(self.spend_pence / 100.0, effect, saving,
                      np.round(x["lag"]).astype(np.int64))

    def drawn_flows(self) -> tuple[FloatArray, FloatArray]:
        """Avoided entries and savings per draw, shape (draws, years, councils)."""
        return self._run(self.drawn)

    def central(self) -> tuple[FloatArray, FloatArray]:
        """Avoided entries and savings (years x councils) at the records' values."""
        x = {k: np.array([p.value]) for k, p in self.scenario.inputs().items()}
        entries, savings = self._run(x)
        return entries[0], savings[0]

    def effect(self) -> float:
        """Central entries avoided per £1m."""
        s = self.scenario
        return float(effect_per_million(np.array(s.cost_per_family.value),
                                        np.array(s.baseline_entry_rate.value),
                                        np.array(s.care_entry_reduction.value)))

    def breakeven_effect(self) -> float:
        """Entries avoided per £1m at which savings equal spend (ignoring the horizon)."""
        s = self.scenario
        return 1e6 / (s.unit_cost.value * s.years_in_care.value)

    def payback_year(self, savings: FloatArray | None = None) -> str | None:
        """First year when cumulative national savings reach cumulative spend (None: never
        within the horizon)."""
        sav = self.central()[1] if savings is None else savings
        gap = np.cumsum(sav.sum(axis=1)) - np.cumsum(self.spend_pence.sum(axis=1) / 100.0)
        hit = np.flatnonzero(gap >= 0)
        return self.years[int(hit[0])] if hit.size and sav.sum() > 0 else None

    def national(self) -> pd.DataFrame:
        """Totals over the horizon: spend, avoided entries, savings and net cost, central
        with a 90% interval over the draws, and the effect per £1m."""
        entries, savings = self._run(self.drawn)
        spend = self.spend_pence.sum() / 100.0
        c_entries, c_savings = self.central()
        effect = effect_per_million(self.drawn["cost_per_family"],
                                    self.drawn["baseline_entry_rate"],
                                    self.drawn["care_entry_reduction"])
        rows = {"spend": (spend, spend, spend),
                "entries_avoided": interval(entries.sum(axis=(1, 2))),
                "savings": interval(savings.sum(axis=(1, 2))),
                "net_cost": interval(spend - savings.sum(axis=(1, 2))),
                "effect_per_million": interval(effect)}
        central = {"spend": spend, "entries_avoided": float(c_entries.sum()),
                   "savings": float(c_savings.sum()),
                   "net_cost": spend - float(c_savings.sum()), "effect_per_million": self.effect()}
        return pd.DataFrame([(k, central[k], float(v[0]), float(v[1]), float(v[2]))
                             for k, v in rows.items()],
                            columns=["measure", "central", "low", "median", "high"]
                            ).set_index("measure")

    def council_amounts(self) -> pd.Series:
        """Net cost per council over the horizon (spend - savings, pounds, central)."""
        _, savings = self.central()
        net = self.spend_pence.sum(axis=0) / 100.0 - savings.sum(axis=0)
        return pd.Series(net, index=self.authorities.codes, name=self.label)

    def to_frame(self) -> pd.DataFrame:
        """One row per council per year: spend, entries_avoided, savings, net_cost, with
        5th/95th percentiles of entries and savings over the draws."""
        la = self.authorities
        entries, savings = self._run(self.drawn)
        e_lo, _, e_hi = interval(entries)
        s_lo, _, s_hi = interval(savings)
        c_e, c_s = self.central()
        t = len(self.years)
        spend = self.spend_pence / 100.0
        return pd.DataFrame({
            "code": np.tile(la.codes, t), "name": np.tile(la.names, t),
            "region": np.tile(la.regions, t), "year": np.repeat(np.array(self.years), la.n),
            "spend": spend.ravel(), "entries_avoided": c_e.ravel(),
            "entries_low": e_lo.ravel(), "entries_high": e_hi.ravel(),
            "savings": c_s.ravel(), "savings_low": s_lo.ravel(), "savings_high": s_hi.ravel(),
            "net_cost": (spend - c_s).ravel(), "evidence": "weak (see summary)",
        })

    def sources(self) -> list[str]:
        """Citations of every record used."""
        cited = [p.cite() for p in self.scenario.parameters()]
        inv = self.scenario.investment
        if inv is not None and inv.header.source is not None:
            cited.append(f"preventive spend: {inv.header.source.cite()}")
        return cited

    def summary(self) -> str:
        """Headline with every number's range and the weakness of the evidence stated."""
        s = self.scenario
        n = self.national()

        def row(k: str, money: bool = True) -> str:
            r = n.loc[k].to_numpy(np.float64)
            median = gbp(float(r[2])) if money else f"{r[2]:,.0f}"
            return (range_text(float(r[0]), float(r[1]), float(r[3]), money)
                    + f", median of draws {median}")

        payback = self.payback_year()
        eff = n.loc["effect_per_million"].to_numpy(np.float64)
        what = s.investment.title if s.investment is not None else s.spend_column
        return "\n".join([
            f"{self.label}: preventive spend from {what}, {self.years[0]}..{self.years[-1]}",
            "  EVIDENCE IS WEAK: a one-third fall in care entries for supported families "
            f"({s.care_entry_reduction.origin}) against 'no discernible impact' in phase one; the "
            f"baseline entry rate is an assumption ({s.baseline_entry_rate.origin}); the central "
            "figures use the published values, at the optimistic end of their ranges",
            f"  spend {gbp(float(n['central'].to_numpy(np.float64)[0]))}; entries to care avoided "
            f"{row('entries_avoided', money=False)}",
            f"  effect {eff[0]:.2f} entries avoided per £1m (90% interval {eff[1]:.2f} to "
            f"{eff[3]:.2f}; {s.cost_per_family.origin}); break-even "
            f"{self.breakeven_effect():.2f} per £1m "
            f"({s.unit_cost.origin} x {s.years_in_care.origin})",
            f"  savings {row('savings')} (lag {s.lag.value:g} year(s), {s.lag.origin})",
            f"  net cost {row('net_cost')}; payback year: "
            f"{payback or 'not within the horizon at the central values'}",
            "  sources: " + "; ".join(self.sources()),
        ])

    def __repr__(self) -> str:
        return f"InvestToSaveResult({self.label!r}, years={self.years[0]}..{self.years[-1]})"

    def _repr_html_(self) -> str:
        n = self.national()
        rows = [(str(k).replace("_", " "), f"{v:,.2f}" if "effect" in str(k)
                 or "entries" in str(k) else gbp(float(v))) for k, v in n["central"].items()]
        return html_block(self.label, self.version, self.summary().splitlines()[1:], rows)
