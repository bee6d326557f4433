"""``kind: windfall_tax``: a one-off tax on the largest care providers' excess profit, and the
cost if providers withdraw capacity in response (Care Review 2022; Children England's warning).

National (one value per seeded draw, inputs from ``windfall_tax.yaml``, each uncertain input
triangular over its range)::

    excess profit   = sum over children's homes and fostering of
                      revenue x share x max(margin - normal_margin, 0)
    tax raised      = tax_rate x base_years x excess profit
    placements lost = exit_share x revenue x share / (weekly price x 52)     (if tax_rate > 0)
    extra cost/year = placements lost x (re-provision price - price) x 52
    net fiscal gain = tax raised - extra cost/year x displacement_years
    break-even exit share = the exit share at which net = 0

Per council: the tax raised funds councils by a needs formula through the engine (default the
Children Act preset; penny-exact, summing to the tax raised), and the extra cost falls on each
council by its share of RO3 2024-25 residential (children's homes part) and fostering (agency
part) spend. Intervals (5th-95th percentile) come from the draws; every central figure
follows from ASSUMED inputs, and the summary says so.

>>> r = WindfallTaxScenario(header={"title": "t", "assumes": "a"}, draws=200,
...                         missing="exclude").run()
>>> bool(abs(r.funds_pence.sum() / 100 - r.central["tax_raised"]) < 0.01)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from fundmodel._types import BoolArray, FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.engine.money import format_gbp
from fundmodel.engine.named_formulas import FormulaOrPreset, named_formula
from fundmodel.parameters import shipped
from fundmodel.parameters.records import Fraction, Money, Parameter, Unit, parameter_checks
from fundmodel.scenarios.base import Scenario
from fundmodel.scenarios.debate.common import (
    check_missing,
    council_values,
    first_reason,
    gbp,
    html_block,
    range_text,
    split_pence,
)
from fundmodel.scenarios.debate.draws import DEFAULT_DRAWS, interval, parameter_draws

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities

RECORDS = shipped("windfall_tax")
"""The records of ``windfall_tax.yaml``."""

WEEKS = 52.0
HOME_LINE, FOSTER_LINE = "ro3_lac_residential_net", "ro3_lac_fostering_net"
_NAMES = ("revenue", "share_homes", "margin_homes", "margin_ifa", "normal_margin", "tax_rate",
          "base_years", "exit_share", "price_home", "price_ifa", "reprovision_home",
          "reprovision_foster", "displacement_years")


Years = Annotated[Parameter, *parameter_checks(Unit.YEARS, minimum=0)]
"""A number of years (YEARS), not negative."""


def _r(name: str) -> Parameter:
    return RECORDS[name]


class WindfallTaxScenario(Scenario):
    """A windfall tax with an exit response (see the module docstring)."""

    kind: Literal["windfall_tax"] = "windfall_tax"
    revenue: Money = _r("largest_providers_revenue")
    share_homes: Fraction = _r("share_revenue_childrens_homes")
    margin_homes: Fraction = _r("cma_margin_childrens_homes")
    margin_ifa: Fraction = _r("cma_margin_ifa")
    normal_margin: Fraction = _r("normal_margin")
    tax_rate: Fraction = _r("tax_rate")
    base_years: Years = _r("tax_base_years")
    exit_share: Fraction = _r("exit_share")
    price_home: Money = _r("cma_weekly_price_childrens_home")
    price_ifa: Money = _r("cma_weekly_price_ifa")
    reprovision_home: Money = _r("reprovision_weekly_price_home")
    reprovision_foster: Money = _r("reprovision_weekly_price_foster")
    displacement_years: Years = _r("displacement_years")
    formula: FormulaOrPreset = Field(default_factory=lambda: named_formula("children_act"))
    period: str = "2024-25"
    missing: Literal["error", "exclude"] = "error"
    draws: int = Field(default=DEFAULT_DRAWS, ge=1, le=100_000)
    seed: int = Field(default=2026, ge=0)

    def inputs(self) -> dict[str, Parameter]:
        """Every named input of the national sums."""
        return {name: getattr(self, name) for name in _NAMES}

    def parameters(self) -> list[Parameter]:
        """Every Parameter the scenario uses."""
        return list(self.inputs().values())

    def run(self, authorities: Authorities | None = None) -> WindfallTaxResult:
        """National sums (central and per draw), then the council split."""
        from fundmodel.data.authorities import load_authorities
        from fundmodel.engine.allocate import allocate

        la = authorities if authorities is not None else load_authorities()
        central = national_sums({k: np.array([p.value if k not in _MONEY else p.in_pounds()])
                                 for k, p in self.inputs().items()})
        drawn = parameter_draws(self.inputs(), self.draws, self.seed)
        for k in _MONEY:
            scale = self.inputs()[k].in_pounds() / self.inputs()[k].value if self.inputs()[
                k].value else 1.0
            drawn[k] = drawn[k] * scale
        draws = national_sums(drawn)
        tax = round(float(central["tax_raised"][0]), 2)
        funds = allocate(self.formula, la, tax).amount_pence[0]
        home, why_h = council_values(la, HOME_LINE, self.period)
        foster, why_f = council_values(la, FOSTER_LINE, self.period)
        ok = check_missing(la, first_reason(why_h, why_f), self.missing,
                           f"windfall tax, {self.period} placement spend")
        home_share = _shares(np.where(ok, home, 0.0))
        foster_share = _shares(np.where(ok, foster, 0.0))
        cost_home = round(float(central["extra_cost_home"][0]) * 100)
        cost_foster = round(float(central["extra_cost_foster"][0]) * 100)
        cost = split_pence(cost_home, home_share, la) + split_pence(cost_foster, foster_share, la)
        return WindfallTaxResult(
            scenario=self, authorities=la, central={k: float(v[0]) for k, v in central.items()},
            draws=draws, funds_pence=funds, cost_pence=cost, included=ok,
            formula_share=_formula_share(self, la), home_share=home_share,
            foster_share=foster_share,
            reasons=first_reason(why_h, why_f))


_MONEY = ("revenue", "price_home", "price_ifa", "reprovision_home", "reprovision_foster")


def _shares(values: FloatArray) -> FloatArray:
    total = float(np.sort(values).sum())
    out: FloatArray = values / total if total > 0 else np.zeros_like(values)
    return out


def _formula_share(s: WindfallTaxScenario, la: Authorities) -> FloatArray:
    from fundmodel.engine.allocate import allocate

    amounts = allocate(s.formula, la, 1e9).amount_pence[0]
    out: FloatArray = amounts / amounts.sum()
    return out


def national_sums(x: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """The national sums for arrays of inputs (one element per draw), pounds.

    >>> one = {k: np.array([v]) for k, v in dict(revenue=100.0, share_homes=0.5,
    ...        margin_homes=0.3, margin_ifa=0.2, normal_margin=0.1, tax_rate=0.5,
    ...        base_years=1.0, exit_share=0.1, price_home=1.0, price_ifa=1.0,
    ...        reprovision_home=3.0, reprovision_foster=2.0, displacement_years=1.0).items()}
    >>> {k: round(float(v[0]), 4) for k, v in national_sums(one).items()}["tax_raised"]
    7.5
    """
    rev_h = x["revenue"] * x["share_homes"]
    rev_f = x["revenue"] * (1.0 - x["share_homes"])
    excess = (rev_h * np.maximum(x["margin_homes"] - x["normal_margin"], 0.0)
              + rev_f * np.maximum(x["margin_ifa"] - x["normal_margin"], 0.0))
    tax = x["tax_rate"] * x["base_years"] * excess
    exit_share = np.where(x["tax_rate"] > 0, x["exit_share"], 0.0)
    lost_h = exit_share * rev_h / (x["price_home"] * WEEKS)
    lost_f = exit_share * rev_f / (x["price_ifa"] * WEEKS)
    cost_h = lost_h * (x["reprovision_home"] - x["price_home"]) * WEEKS
    cost_f = lost_f * (x["reprovision_foster"] - x["price_ifa"]) * WEEKS
    per_year = cost_h + cost_f
    total_cost = per_year * x["displacement_years"]
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit_exit = np.where(exit_share > 0, total_cost / exit_share,
                                 (rev_h * (x["reprovision_home"] / x["price_home"] - 1.0)
                                  + rev_f * (x["reprovision_foster"] / x["price_ifa"] - 1.0))
                                 * x["displacement_years"])
        breakeven = np.where(per_unit_exit > 0, tax / per_unit_exit, np.inf)
    return {"excess_profit": excess, "tax_raised": tax, "placements_at_risk_homes": lost_h,
            "placements_at_risk_foster": lost_f, "placements_at_risk": lost_h + lost_f,
            "extra_cost_home": cost_h, "extra_cost_foster": cost_f,
            "extra_cost_per_year": per_year, "extra_cost_total": total_cost,
            "net_fiscal_effect": tax - total_cost, "breakeven_exit_share": breakeven,
            "displacement_years": x["displacement_years"] * np.ones_like(tax)}


@dataclass(frozen=True, eq=False)
class WindfallTaxResult:
    """National sums (central and per draw) and the per-council split (pence)."""

    scenario: WindfallTaxScenario
    authorities: Authorities
    central: dict[str, float]
    draws: dict[str, FloatArray]
    funds_pence: IntArray
    cost_pence: IntArray
    included: BoolArray
    formula_share: FloatArray
    home_share: FloatArray
    foster_share: FloatArray
    reasons: np.ndarray
    version: str = __version__

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.title

    def national(self) -> pd.DataFrame:
        """One row per measure: central (the records' values), low, median, high (draws)."""
        rows = {}
        for k, v in self.draws.items():
            if k == "displacement_years":
                continue
            finite = v[np.isfinite(v)] if k == "breakeven_exit_share" else v
            low, mid, high = interval(finite) if finite.size else (np.nan,) * 3
            rows[k] = (self.central[k], float(low), float(mid), float(high))
        return pd.DataFrame.from_dict(rows, orient="index",
                                      columns=["central", "low", "median", "high"])

    def net_pence(self) -> IntArray:
        """Per council: tax money received minus extra placement cost over the displacement."""
        years = self.scenario.displacement_years.value
        out: IntArray = self.funds_pence - np.round(self.cost_pence * years).astype(np.int64)
        return out

    def council_amounts(self) -> pd.Series:
        """Net fiscal effect per council (pounds, central), councils with placement spend."""
        ok = self.included
        return pd.Series(self.net_pence()[ok] / 100.0, index=self.authorities.codes[ok],
                         name=self.label)

    def to_frame(self) -> pd.DataFrame:
        """One row per council: tax_funding, extra_cost_per_year, net_fiscal_effect and its
        low/high over the draws, shares used, included, note."""
        la = self.authorities
        d = self.draws
        net_d = (d["tax_raised"][:, None] * self.formula_share[None, :]
                 - (d["extra_cost_home"][:, None] * self.home_share[None, :]
                    + d["extra_cost_foster"][:, None] * self.foster_share[None, :])
                 * d["displacement_years"][:, None])
        low, _, high = interval(net_d)
        ok = self.included
        return pd.DataFrame({
            "code": la.codes, "name": la.names, "region": la.regions,
            "tax_funding": self.funds_pence / 100.0,
            "extra_cost_per_year": np.where(ok, self.cost_pence / 100.0, np.nan),
            "net_fiscal_effect": np.where(ok, self.net_pence() / 100.0, np.nan),
            "net_low": np.where(ok, low, np.nan), "net_high": np.where(ok, high, np.nan),
            "residential_share": self.home_share, "fostering_share": self.foster_share,
            "included": ok, "note": np.where(ok, "", self.reasons),
            "inputs_are_assumptions": True,
        })

    def sources(self) -> list[str]:
        """Citations: every record used, Children England's critique, and RO3."""
        from fundmodel.data.provenance import cite_columns

        cited = dict.fromkeys(p.cite() for p in self.scenario.parameters())
        cited[RECORDS["exit_share"].source.cite()] = None
        return [*cited, *cite_columns([HOME_LINE, FOSTER_LINE])]

    def summary(self) -> str:
        """Headline national figures with their intervals and the records behind them."""
        n = self.national()
        s = self.scenario

        def row(k: str, money: bool = True) -> str:
            r = n.loc[k].to_numpy(np.float64)
            return range_text(float(r[0]), float(r[1]), float(r[3]), money)

        be = n.loc["breakeven_exit_share"].to_numpy(np.float64)
        share = s.revenue.in_pounds() / RECORDS["cma_market_size_england"].in_pounds()
        lines = [
            f"{self.label}: ASSUMED inputs throughout (revenue, normal margin, rate, exit: "
            "windfall_tax.yaml, assumption: true)",
            f"  taxed revenue {gbp(s.revenue.in_pounds())} ({s.revenue.origin}), "
            f"{100 * share:.0f}% of the £5.7bn England market (windfall_tax.yaml#"
            "cma_market_size_england); margins "
            f"{100 * s.margin_homes.value:.1f}% homes, {100 * s.margin_ifa.value:.1f}% fostering "
            f"(CMA: {s.margin_homes.origin}, {s.margin_ifa.origin}) over a normal "
            f"{100 * s.normal_margin.value:.0f}% ({s.normal_margin.origin})",
            f"  tax raised (one-off, rate {100 * s.tax_rate.value:.0f}% on "
            f"{s.base_years.value:g} year(s)): {row('tax_raised')}",
            f"  placements at risk (exit {100 * s.exit_share.value:.0f}%, {s.exit_share.origin}): "
            f"{row('placements_at_risk', money=False)}",
            f"  extra placement cost a year: {row('extra_cost_per_year')} "
            f"(re-provision at {format_gbp(s.reprovision_home.in_pounds(), '', 0)}/week, "
            f"{s.reprovision_home.origin})",
            f"  net fiscal effect over {s.displacement_years.value:g} year(s): "
            f"{row('net_fiscal_effect')}",
            f"  break-even exit share (tax = extra cost): {100 * be[0]:.1f}% "
            f"(90% interval {100 * be[1]:.1f}% to {100 * be[3]:.1f}%)",
            "  critics: Children England warns of 'Southern Cross'-style collapses "
            f"({RECORDS['exit_share'].source.cite()})",
            f"  per council: tax funds {int(self.included.sum())} councils' share by "
            f"{s.formula.name}; extra costs by RO3 {s.period} residential and fostering spend",
            "  sources: " + "; ".join(self.sources()),
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"WindfallTaxResult({self.label!r}, tax={self.central['tax_raised']:,.0f})"

    def _repr_html_(self) -> str:
        plain = ("share", "placements", "years")  # ratios, counts and years are not money
        rows = [(k.replace("_", " "), f"{v:,.3g}" if any(w in k for w in plain) else gbp(v))
                for k, v in self.central.items()]
        return html_block(self.label, self.version, self.summary().splitlines()[1:], rows)
