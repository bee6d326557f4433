"""``kind: investment``: the scenario model (headline, profile, phasing, distribution, deflator)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from fundmodel._types import IntArray
from fundmodel.core.model import FrozenModel
from fundmodel.engine.formula import Indicator, NeedsFormula
from fundmodel.engine.money import total_in_pence
from fundmodel.engine.named_formulas import FormulaOrPreset
from fundmodel.parameters.records import (
    FUNDMODEL_ASSUMPTION,
    Fraction,
    Money,
    Parameter,
    Unit,
)
from fundmodel.scenarios.base import Scenario

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.scenarios.family_help.result import InvestmentResult
from fundmodel.engine.years import Deflator, YearLabel, check_consecutive, year_label, year_start
from fundmodel.scenarios.family_help.run import run_investment


class ProfileYear(FrozenModel):
    """One year of a spending profile: a year label and an amount (a money Parameter)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: YearLabel
    amount: Money


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
    first_year: YearLabel | None = None
    ring_fenced_share: Fraction | None = None
    distribution: Distribution
    deflator: Deflator | None = None
    years_assumed: bool = Field(
        default=False,
        description="true when the year labels are fundmodel's (the source numbers its years "
        "1, 2, ... or gives none): charts and summaries then say the years are assumed")

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
        from fundmodel.data.authorities import load_authorities

        return run_investment(self, authorities if authorities is not None else load_authorities())
