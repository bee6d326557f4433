"""Investment asks over several years: the Care Review's £2.6bn, £2bn for Family Help, and others.

An :class:`InvestmentScenario` holds a headline total, an optional year profile, how to
phase the money (``profile``: the published year amounts as they are; ``headline_even``:
the headline spread evenly over N years), an optional ring-fenced share, how to
distribute each year's money to councils, and an optional deflator for real terms.

**Phasing is never rescaled.** When a published profile does not add up to its headline
(the Care Review's profile sums to £2,523m against "£2.6bn") the result reports the
difference; choose ``phasing: headline_even`` to spend the headline instead.

**Distribution** reuses the engine (:func:`fundmodel.engine.allocate`): either any
:class:`~fundmodel.formula.NeedsFormula` (``method: formula``; ``formula: children_act``
names the preset) or shares in proportion to an existing spend column (``method: spend``,
e.g. ``s251_family_support_2024_25``). With ``method: spend`` a council missing that
column is an error unless ``missing: exclude`` is chosen: then those councils receive
nothing, the others share the whole year amount, and the result names them.

Each year's council amounts are whole pence summing exactly to that year's amount
(largest remainder, ties to the lower ONS code). A ring-fenced share and real-terms
amounts are rounded the same way, to year totals rounded half to even.

Outputs per council per year: amount, per child aged 0-17 (``children_0_17``), per child
in need (``cin_count_2025``) and as a percentage of the council's 2024-25 children's and
young people's services outturn (``s251_cyps_total_2024_25``). These are output ratios:
where a denominator is missing or zero the ratio is NaN and the result's notes name the
councils (the amount itself is unaffected).

>>> from fundmodel.scenarios.base import load_scenario_text
>>> from fundmodel.testing import synthetic_authorities
>>> s = load_scenario_text('''
... kind: investment
... header: {title: Small ask, assumes: shares of children}
... headline: 1000
... profile: [{year: 2025-26, amount: 300}, {year: 2026-27, amount: 600}]
... distribution: {method: spend, column: x0}
... ''')
>>> res = s.run(synthetic_authorities([[1.0], [3.0]]))
>>> res.difference
100.0
>>> res.to_frame()[["code", "year", "amount"]].to_dict("list")  # doctest: +NORMALIZE_WHITESPACE
{'code': ['E06900000', 'E06900001', 'E06900000', 'E06900001'],
 'year': ['2025-26', '2025-26', '2026-27', '2026-27'], 'amount': [75.0, 225.0, 150.0, 450.0]}
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field, field_validator, model_validator

from fundmodel import __version__
from fundmodel._types import FloatArray, IntArray
from fundmodel.errors import FormulaError, ScenarioError
from fundmodel.formula import FormulaOrPreset, Indicator, NeedsFormula
from fundmodel.model import FrozenModel
from fundmodel.money import format_gbp, largest_remainder, total_in_pence
from fundmodel.scenarios.base import Scenario
from fundmodel.sources import (
    FUNDMODEL_ASSUMPTION,
    Fraction,
    Money,
    Parameter,
    Unit,
    parameter_checks,
)

if TYPE_CHECKING:
    from fundmodel.authorities import Authorities
    from fundmodel.result import Allocation

YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
"""A financial year label such as ``2025-26``."""


CHILDREN = "children_0_17"
CHILDREN_IN_NEED = "cin_count_2025"
CSC_OUTTURN = "s251_cyps_total_2024_25"
"""Denominators of the per-council output ratios."""


# --------------------------------------------------------------------------- year labels


def year_start(label: str) -> int:
    """The calendar year a financial year label starts in, checking the label.

    >>> year_start("2025-26")
    2025
    >>> year_start("2025-27")
    Traceback (most recent call last):
    ...
    fundmodel.errors.ScenarioError: year '2025-27' is not a financial year label like '2025-26'
    """
    match = YEAR_PATTERN.match(label) if isinstance(label, str) else None
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ScenarioError(f"year {label!r} is not a financial year label like '2025-26'")
    return int(match.group(1))


def year_label(start: int) -> str:
    """The label of the financial year starting in ``start``.

    >>> year_label(1999)
    '1999-00'
    """
    return f"{start}-{(start + 1) % 100:02d}"


def check_consecutive(labels: Sequence[str], what: str) -> None:
    """Raise :class:`ScenarioError` unless ``labels`` are consecutive financial years in order.

    >>> check_consecutive(["2024-25", "2026-27"], "profile")
    Traceback (most recent call last):
    ...
    fundmodel.errors.ScenarioError: profile: year 2025-26 is missing between 2024-25 and 2026-27
    """
    starts = [year_start(y) for y in labels]
    for i in range(1, len(labels)):
        prev, label, before, start = labels[i - 1], labels[i], starts[i - 1], starts[i]
        if start == before:
            raise ScenarioError(f"{what}: year {label} appears twice")
        if start < before:
            raise ScenarioError(f"{what}: year {label} comes after {prev}; list years in order")
        if start > before + 1:
            missing = ", ".join(year_label(y) for y in range(before + 1, start))
            raise ScenarioError(
                f"{what}: year{'s' if start > before + 2 else ''} {missing} "
                f"{'are' if start > before + 2 else 'is'} missing between {prev} and {label}"
            )


PriceIndex = Annotated[Parameter, *parameter_checks(Unit.SCORE, above=0)]
"""A price index value (any base), positive."""


# --------------------------------------------------------------------------- model parts


class ProfileYear(FrozenModel):
    """One year of a spending profile: a year label and an amount (a money Parameter)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: str
    amount: Money

    @field_validator("year")
    @classmethod
    def _year(cls, value: str) -> str:
        year_start(value)
        return value


class FormulaDistribution(FrozenModel):
    """Distribute each year's money by a needs formula (relative mode, via the engine)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Literal["formula"] = "formula"
    formula: FormulaOrPreset

    def describe(self) -> str:
        """One line for summaries."""
        return f"by formula: {self.formula.name}"


class SpendDistribution(FrozenModel):
    """Distribute each year's money in proportion to an existing spend column (£).

    ``missing="exclude"`` (opt-in) gives councils without a value nothing and shares the
    whole amount among the rest; the result names the councils left out.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Literal["spend"] = "spend"
    column: str = Field(min_length=1)
    missing: Literal["error", "exclude"] = "error"

    def formula(self) -> NeedsFormula:
        """The one-indicator formula the engine runs: the whole pot follows ``column``."""
        weight = Parameter(
            value=1.0,
            unit=Unit.WEIGHT,
            label=f"whole pot in proportion to {self.column}",
            source=FUNDMODEL_ASSUMPTION,
            note="Single indicator: each council's share is its share of current spend.",
            reviewed=dt.date(2026, 12, 1),
            assumption=True,
        )
        return NeedsFormula(
            name=f"in proportion to {self.column}",
            indicators=(Indicator(name=self.column, column=self.column, weight=weight),),
        )

    def describe(self) -> str:
        """One line for summaries."""
        rule = " (councils without a value excluded)" if self.missing == "exclude" else ""
        return f"in proportion to {self.column}{rule}"


Distribution = Annotated[FormulaDistribution | SpendDistribution, Field(discriminator="method")]


class DeflatorPoint(FrozenModel):
    """A price index value for one year (e.g. a GDP deflator, any base)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: str
    index: PriceIndex

    @field_validator("year")
    @classmethod
    def _year(cls, value: str) -> str:
        year_start(value)
        return value


class Deflator(FrozenModel):
    """A price index series; real terms are in ``base_year`` prices.

    real = nominal x index[base_year] / index[year]

    >>> d = Deflator(name="test", base_year="2025-26",
    ...              points=[{"year": "2025-26", "index": 100}, {"year": "2026-27", "index": 102}])
    >>> round(d.factor("2026-27"), 6)
    0.980392
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    base_year: str
    points: tuple[DeflatorPoint, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Deflator:
        years = [p.year for p in self.points]
        check_consecutive(years, f"deflator {self.name!r}")
        if self.base_year not in years:
            raise ValueError(
                f"deflator {self.name!r}: base year {self.base_year} is not among its years "
                f"{years[0]}..{years[-1]}"
            )
        return self

    def factor(self, year: str) -> float:
        """Multiply a ``year`` cash amount by this to get ``base_year`` prices."""
        index = {p.year: p.index.value for p in self.points}
        if year not in index:
            raise ScenarioError(
                f"deflator {self.name!r} has no value for {year} "
                f"(it covers {self.points[0].year}..{self.points[-1].year})"
            )
        return index[self.base_year] / index[year]


# --------------------------------------------------------------------------- the scenario


class InvestmentScenario(Scenario):
    """A multi-year investment ask distributed to councils year by year.

    ``phasing="profile"`` uses the profile's year amounts as published and reports
    ``headline - sum(profile)``; ``phasing="headline_even"`` spreads the headline evenly
    over ``even_years`` years (default: the profile's length) starting at ``first_year``
    (default: the profile's first year); pennies that do not divide go one each to the
    earliest years.
    """

    kind: Literal["investment"] = "investment"
    headline: Money
    profile: tuple[ProfileYear, ...] = ()
    phasing: Literal["profile", "headline_even"] = "profile"
    even_years: int | None = Field(default=None, ge=1, le=50)
    first_year: str | None = None
    ring_fenced_share: Fraction | None = None
    distribution: Distribution
    deflator: Deflator | None = None

    @field_validator("first_year")
    @classmethod
    def _first_year(cls, value: str | None) -> str | None:
        if value is not None:
            year_start(value)
        return value

    @model_validator(mode="after")
    def _check_phasing(self) -> InvestmentScenario:
        years = [p.year for p in self.profile]
        check_consecutive(years, "profile")
        if self.phasing == "profile":
            if not self.profile:
                raise ValueError("phasing 'profile' needs a profile (a list of years)")
            if self.even_years is not None or self.first_year is not None:
                raise ValueError("even_years and first_year apply only to phasing 'headline_even'")
        elif not self.profile and (self.first_year is None or self.even_years is None):
            raise ValueError(
                "phasing 'headline_even' without a profile needs first_year and even_years"
            )
        return self

    def years(self) -> list[str]:
        """The year labels the money is spent in, in order.

        >>> from fundmodel.presets.investment import care_review_ask
        >>> care_review_ask().years()
        ['2022-23', '2023-24', '2024-25', '2025-26']
        """
        if self.phasing == "profile":
            return [p.year for p in self.profile]
        first = year_start(self.first_year or self.profile[0].year)
        n = self.even_years if self.even_years is not None else len(self.profile)
        return [year_label(first + k) for k in range(n)]

    def year_pence(self) -> IntArray:
        """Each year's amount in whole pence (profile as given, or the headline split evenly).

        >>> from fundmodel.presets.investment import care_review_ask
        >>> (care_review_ask().year_pence() // 100_000_000).tolist()  # £m
        [46, 987, 1257, 233]
        """
        if self.phasing == "profile":
            return np.array(
                [total_in_pence(p.amount.in_pounds()) for p in self.profile], dtype=np.int64
            )
        head = total_in_pence(self.headline.in_pounds())
        n = len(self.years())
        out = np.full(n, head // n, dtype=np.int64)
        out[: head - (head // n) * n] += 1
        return out

    def parameters(self) -> list[Parameter]:
        """Every Parameter the scenario uses (headline, profile, share, deflator, weights)."""
        found = [self.headline, *(p.amount for p in self.profile)]
        if self.ring_fenced_share is not None:
            found.append(self.ring_fenced_share)
        if self.deflator is not None:
            found.extend(p.index for p in self.deflator.points)
        formula = (
            self.distribution.formula
            if isinstance(self.distribution, FormulaDistribution)
            else self.distribution.formula()
        )
        found.extend(i.weight for i in formula.indicators)
        return found

    def run(self, authorities: Authorities | None = None) -> InvestmentResult:
        """Phase the ask and distribute every year to councils (embedded data by default)."""
        from fundmodel.authorities import load_authorities

        return run_investment(self, authorities if authorities is not None else load_authorities())


# --------------------------------------------------------------------------- running


def _distribute(
    scenario: InvestmentScenario, la: Authorities, year_pence: IntArray
) -> tuple[IntArray, tuple[Allocation, ...], tuple[str, ...]]:
    """Amounts (years x councils, pence) by the engine, and any councils excluded."""
    from fundmodel.engine import allocate

    dist = scenario.distribution
    keep = np.arange(la.n)
    excluded: tuple[str, ...] = ()
    if isinstance(dist, FormulaDistribution):
        formula = dist.formula
    else:
        formula = dist.formula()
        values = la.column(dist.column)
        bad = np.flatnonzero(np.isnan(values))
        if bad.size and dist.missing == "error":
            listed = "; ".join(f"{la.codes[i]} {la.names[i]}" for i in bad[:8])
            raise FormulaError(
                f"distribution in proportion to {dist.column!r}: the column is missing for "
                f"{bad.size} council(s): {listed}. Supply values, or opt in to "
                "'missing: exclude' (those councils then receive nothing)."
            )
        keep = np.flatnonzero(~np.isnan(values))
        if keep.size == 0:
            raise FormulaError(f"column {dist.column!r} is missing for every council")
        excluded = tuple(str(c) for c in la.codes[bad])
    subset = la if keep.size == la.n else la.take(keep)
    amounts = np.zeros((year_pence.size, la.n), dtype=np.int64)
    allocations = []
    for y, pence in enumerate(year_pence):  # a handful of years
        alloc = allocate(formula, subset, int(pence) / 100.0)
        amounts[y, keep] = alloc.amount_pence[0]
        allocations.append(alloc)
    return amounts, tuple(allocations), excluded


def _split(amounts: IntArray, factors: FloatArray, rank: IntArray) -> tuple[IntArray, IntArray]:
    """Scale each year's row by its factor: totals rounded half to even, rows by largest
    remainder so they add up to them exactly. Returns (rows, totals)."""
    exact = amounts.astype(np.float64) * factors[:, None]
    totals = np.rint(amounts.sum(axis=1).astype(np.float64) * factors).astype(np.int64)
    return largest_remainder(exact, totals, rank), totals


def run_investment(scenario: InvestmentScenario, authorities: Authorities) -> InvestmentResult:
    """Run an :class:`InvestmentScenario` on ``authorities`` (see the module docstring)."""
    years = tuple(scenario.years())
    year_pence = scenario.year_pence()
    headline_pence = total_in_pence(scenario.headline.in_pounds())
    profile_pence = (
        int(sum(total_in_pence(p.amount.in_pounds()) for p in scenario.profile))
        if scenario.profile
        else None
    )
    amounts, allocations, excluded = _distribute(scenario, authorities, year_pence)
    rank = authorities.code_rank()
    ring = None
    if scenario.ring_fenced_share is not None:
        share = np.full(len(years), scenario.ring_fenced_share.value)
        ring, _ = _split(amounts, share, rank)
    real = real_totals = None
    if scenario.deflator is not None:
        factors = np.array([scenario.deflator.factor(y) for y in years])
        real, real_totals = _split(amounts, factors, rank)
    notes = _notes(scenario, authorities, years, headline_pence, profile_pence, excluded)
    return InvestmentResult(
        scenario=scenario,
        authorities=authorities,
        years=years,
        year_pence=year_pence,
        amount_pence=amounts,
        headline_pence=headline_pence,
        profile_pence=profile_pence,
        ring_fenced_pence=ring,
        real_pence=real,
        real_year_pence=real_totals,
        excluded=excluded,
        allocations=allocations,
        notes=tuple(notes),
    )


def _notes(
    scenario: InvestmentScenario,
    la: Authorities,
    years: tuple[str, ...],
    headline_pence: int,
    profile_pence: int | None,
    excluded: tuple[str, ...],
) -> list[str]:
    notes = []
    if profile_pence is not None and profile_pence != headline_pence:
        diff = (headline_pence - profile_pence) / 100.0
        used = "the profile" if scenario.phasing == "profile" else "the headline, spread evenly"
        notes.append(
            f"The year profile sums to {format_gbp(profile_pence / 100.0)}, the headline is "
            f"{format_gbp(headline_pence / 100.0)}: difference {format_gbp(diff)} "
            f"(headline minus profile). Phasing used: {used}; nothing rescaled."
        )
    if excluded and isinstance(scenario.distribution, SpendDistribution):
        column = scenario.distribution.column
        names = dict(zip(la.codes.tolist(), la.names.tolist(), strict=True))
        notes.append(
            f"{len(excluded)} council(s) have no value in {column} and "
            "receive nothing (opt-in rule missing: exclude): "
            + ", ".join(f"{c} {names[c]}" for c in excluded)
        )
    for column, what in ((CHILDREN, "per child aged 0-17"),
                         (CHILDREN_IN_NEED, "per child in need"),
                         (CSC_OUTTURN, "% of 2024-25 children's services outturn")):
        if column not in la.numeric_columns:
            notes.append(f"{what}: column {column!r} is absent, so the ratio is NaN throughout.")
            continue
        values = la.column(column)
        bad = np.flatnonzero(~(values > 0))
        if bad.size:
            notes.append(
                f"{what} is NaN (an output ratio only; amounts unaffected) for "
                + ", ".join(f"{la.codes[i]} {la.names[i]}" for i in bad)
                + f": {column} missing or zero."
            )
    if scenario.deflator is not None:
        flagged = any(p.index.assumption for p in scenario.deflator.points)
        notes.append(
            f"Real terms: {years[0]}..{years[-1]} cash amounts in {scenario.deflator.base_year} "
            f"prices using {scenario.deflator.name}"
            + (" (ILLUSTRATIVE ASSUMPTION, not a published deflator)." if flagged else ".")
        )
    assumed = sorted({p.label for p in scenario.parameters() if p.assumption})
    if assumed:
        notes.append("Assumptions (no published figure): " + "; ".join(assumed) + ".")
    return notes


# --------------------------------------------------------------------------- the result


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
        return self.scenario.header.title

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
            f"{s.header.title}: headline {format_gbp(self.headline)} "
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
        wide = self.council_frame().sort_values("total", ascending=False)
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
