"""The result of an investment scenario (:class:`InvestmentResult`): tables, summary, charts
data."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.engine.money import format_gbp
from fundmodel.parameters.records import (
    Parameter,
)

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.engine.result import Allocation
    from fundmodel.scenarios.family_help.model import InvestmentScenario

CHILDREN = "children_0_17"
CHILDREN_IN_NEED = "cin_count_2025"
CSC_OUTTURN = "s251_cyps_total_2024_25"
"""Denominators of the per-council output ratios."""


def _ratio(numerator: FloatArray, la: Authorities, column: str, scale: float) -> FloatArray:
    if column not in la.numeric_columns:
        return np.full(numerator.shape, np.nan)
    denominator = la.column(column)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(denominator > 0, scale * numerator / denominator, np.nan)
    return out



@dataclass(frozen=True, eq=False)
class InvestmentResult:
    """Money per council per year (``amount_pence``: years x councils, whole pence)."""

    scenario: InvestmentScenario
    authorities: Authorities
    years: tuple[str, ...]
    year_pence: IntArray
    amount_pence: IntArray
    headline_pence: int
    profile_pence: int | None
    ring_fenced_pence: IntArray | None
    real_pence: IntArray | None
    real_year_pence: IntArray | None
    excluded: tuple[str, ...]
    allocations: tuple[Allocation, ...]
    notes: tuple[str, ...]
    version: str = __version__

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.scenario.title

    @property
    def headline(self) -> float:
        """The headline in pounds."""
        return self.headline_pence / 100.0

    @property
    def total(self) -> float:
        """What is distributed over all years, pounds (the profile sum, or the headline)."""
        return float(self.year_pence.sum()) / 100.0

    @property
    def difference(self) -> float:
        """Headline minus what is distributed, pounds (0 with ``headline_even``)."""
        return (self.headline_pence - int(self.year_pence.sum())) / 100.0

    @property
    def profile_difference(self) -> float | None:
        """Headline minus the profile's sum, pounds, whichever phasing is used (None
        without a profile)."""
        if self.profile_pence is None:
            return None
        return (self.headline_pence - self.profile_pence) / 100.0

    def sources(self) -> list[Parameter]:
        """Every Parameter behind the result."""
        return self.scenario.parameters()

    def council_amounts(self) -> pd.Series:
        """Total over all years per council, pounds, indexed by ONS code."""
        pounds = self.amount_pence.sum(axis=0) / 100.0
        return pd.Series(pounds, index=self.authorities.codes, name=self.label)

    def phasing_frame(self) -> pd.DataFrame:
        """One row per year: profile amount (if any), amount distributed, real terms."""
        frame = pd.DataFrame({"year": list(self.years), "amount": self.year_pence / 100.0})
        if self.scenario.profile:
            profile = {p.year: p.amount.in_pounds() for p in self.scenario.profile}
            frame.insert(1, "profile", [profile.get(y, np.nan) for y in self.years])
        if self.real_year_pence is not None and self.scenario.deflator is not None:
            frame[f"amount_real_{self.scenario.deflator.base_year}"] = (
                self.real_year_pence / 100.0
            )
        return frame

    def phasing_assumptions(self) -> list[str]:
        """The assumptions behind the year profile, in words; empty when the years and the
        amounts are as published.

        >>> from fundmodel.scenarios.family_help.asks import family_help_ask
        >>> family_help_ask().run().phasing_assumptions()[1]
        'the headline spread evenly over 5 years (assumed phasing)'
        """
        s, years = self.scenario, self.years
        out = []
        if s.years_assumed:
            out.append(f"year label {years[0]} is assumed (the source gives no date)"
                       if len(years) == 1 else
                       f"year labels {years[0]} to {years[-1]} are assumed (the source "
                       "gives no dates)")
        if s.phasing == "headline_even":
            out.append(f"the headline spread evenly over {len(years)} years (assumed phasing)")
        return out

    def to_frame(self) -> pd.DataFrame:
        """Long table, one row per council per year: code, name, region, council_type,
        year, amount (£), [ring_fenced, amount_real], per_child, per_child_in_need,
        pct_of_csc_outturn."""
        la = self.authorities
        n_years = len(self.years)
        amount = (self.amount_pence / 100.0).ravel()
        frame = pd.DataFrame(
            {
                "code": np.tile(la.codes, n_years),
                "name": np.tile(la.names, n_years),
                "region": np.tile(la.regions, n_years),
                "council_type": np.tile(la.council_types, n_years),
                "year": np.repeat(np.array(self.years), la.n),
                "amount": amount,
            }
        )
        if self.ring_fenced_pence is not None:
            frame["ring_fenced"] = (self.ring_fenced_pence / 100.0).ravel()
        if self.real_pence is not None:
            frame["amount_real"] = (self.real_pence / 100.0).ravel()
        tiled = self.amount_pence / 100.0
        frame["per_child"] = _ratio(tiled, la, CHILDREN, 1.0).ravel()
        frame["per_child_in_need"] = _ratio(tiled, la, CHILDREN_IN_NEED, 1.0).ravel()
        frame["pct_of_csc_outturn"] = _ratio(tiled, la, CSC_OUTTURN, 100.0).ravel()
        return frame

    def council_frame(self) -> pd.DataFrame:
        """Wide table, one row per council: an amount column per year, the total, total per
        child and per child in need, and the average year as % of 2024-25 outturn."""
        la = self.authorities
        frame = pd.DataFrame({"code": la.codes, "name": la.names, "region": la.regions,
                              "council_type": la.council_types})
        for y, year in enumerate(self.years):
            frame[year] = self.amount_pence[y] / 100.0
        total = self.amount_pence.sum(axis=0) / 100.0
        frame["total"] = total
        if self.ring_fenced_pence is not None:
            frame["ring_fenced_total"] = self.ring_fenced_pence.sum(axis=0) / 100.0
        if self.real_pence is not None:
            frame["total_real"] = self.real_pence.sum(axis=0) / 100.0
        frame["per_child"] = _ratio(total, la, CHILDREN, 1.0)
        frame["per_child_in_need"] = _ratio(total, la, CHILDREN_IN_NEED, 1.0)
        frame["avg_year_pct_of_csc_outturn"] = _ratio(total / len(self.years), la, CSC_OUTTURN,
                                                      100.0)
        return frame

    def summary(self) -> str:
        """Plain-text headline: the ask, the phasing, the difference, the spread."""
        s = self.scenario
        lines = [
            f"{s.title}: headline {format_gbp(self.headline)} "
            f"({s.headline.source.cite()})",
            f"  phasing: {s.phasing}; {len(self.years)} years {self.years[0]}..{self.years[-1]}; "
            f"distributed {format_gbp(self.total)}; difference to headline "
            f"{format_gbp(self.difference)}",
            "  by year: " + ", ".join(
                f"{y} {format_gbp(p / 100.0)}" for y, p in zip(self.years, self.year_pence,
                                                                strict=True)
            ),
            f"  distribution: {s.distribution.describe()}",
        ]
        if s.ring_fenced_share is not None and self.ring_fenced_pence is not None:
            lines.append(
                f"  ring-fenced share {s.ring_fenced_share.value:.4f}: "
                f"{format_gbp(float(self.ring_fenced_pence.sum()) / 100.0)}"
            )
        wide = self.council_frame().sort_values(["total", "code"], ascending=[False, True])
        lines.append(
            f"  largest total: {wide.iloc[0]['name']} {format_gbp(float(wide.iloc[0]['total']))};"
            f" smallest: {wide.iloc[-1]['name']} "
            f"{format_gbp(float(wide.iloc[-1]['total']), 'k')}"
        )
        pc = wide["per_child"]
        if pc.notna().any():
            lines.append(
                f"  total per child aged 0-17: median £{pc.median():,.2f}, "
                f"range £{pc.min():,.2f} to £{pc.max():,.2f}"
            )
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"InvestmentResult({self.label!r}, total={format_gbp(self.total)}, "
            f"years={len(self.years)}, authorities={self.authorities.n})"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(year)}</td>"
            f"<td style='text-align:right'>{html.escape(format_gbp(pence / 100.0))}</td></tr>"
            for year, pence in zip(self.years, self.year_pence.tolist(), strict=True)
        )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><strong>{html.escape(self.label)}</strong>: headline "
            f"{html.escape(format_gbp(self.headline))}, distributed "
            f"{html.escape(format_gbp(self.total))} (difference "
            f"{html.escape(format_gbp(self.difference))}) across {self.authorities.n} "
            f"authorities; fundmodel {html.escape(self.version)}"
            "<table><thead><tr><th>year</th><th>amount</th></tr></thead>"
            f"<tbody>{rows}</tbody></table><ul>{notes}</ul>"
            "<small>use .to_frame() (per council per year) or .council_frame()</small></div>"
        )
