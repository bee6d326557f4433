"""Investment asks as sourced presets: the Care Review, Family Help, "double it", the Committee.

Every figure is a :class:`~fundmodel.parameters.records.Parameter` with its source. Where sources
disagree both records are kept and each preset says which it uses:

* Care Review headline "£2.6bn": "over five years" (Children & Young People Now, Feb
  2023) or "over four years" (Alma Economics, 2023). The published year profile (£46m,
  £987m, £1,257m, £233m: Government Business, 24 May 2022) has four years and sums to
  £2,523m, £77m short of the headline; fundmodel reports that difference, never rescales.
* Select Committee: the LGA's gap of £3.1bn by 2025 (HCLG Committee 2019, para 150);
  Children England (2022) quotes "at least £3.4 billion".

**Year labels are assumptions**: the sources number the Care Review's years 1 to 4 without
naming them. fundmodel takes year 1 as 2022-23, the financial year the final report was
published in (23 May 2022), and reads "by 2025" as 2024-25. Presets distribute by the
Children Act formula (assumed weights) unless given another distribution.

>>> ask = care_review_ask()
>>> [p.amount.value for p in ask.profile], ask.headline.value
([46.0, 987.0, 1257.0, 233.0], 2600.0)
>>> round(ask.headline.in_pounds() - sum(p.amount.in_pounds() for p in ask.profile))
77000000
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fundmodel.engine.named_formulas import named_formula
from fundmodel.engine.years import Deflator, DeflatorPoint, year_label, year_start
from fundmodel.parameters import shipped
from fundmodel.parameters.records import FUNDMODEL_ASSUMPTION, Parameter, Source, Unit
from fundmodel.scenarios.base import ScenarioHeader
from fundmodel.scenarios.family_help.model import (
    Distribution,
    FormulaDistribution,
    InvestmentScenario,
    ProfileYear,
)

REVIEWED = dt.date(2026, 12, 1)

_RECORDS = shipped("investment")
"""This module's parameter records: ``fundmodel/parameters/investment.yaml``."""
CARE_REVIEW_PROFILE: tuple[Parameter, ...] = tuple(
    _RECORDS[f"care_review_profile_year_{k}"] for k in range(1, 5))
"""The Care Review's published year profile, £m (Government Business, 24 May 2022)."""
CHILDREN_ENGLAND_DOUBLE_PROFILE: tuple[Parameter, ...] = tuple(
    _RECORDS[f"children_england_double_profile_year_{k}"] for k in range(1, 5))
"""The Care Review profile doubled (Children England's "at least double it")."""
INVESTMENT_PARAMETERS: list[Parameter] = list(_RECORDS.values())
"""Every record of ``investment.yaml``."""

CARE_REVIEW_FIRST_YEAR = _RECORDS["care_review_first_year"].display()
"""ASSUMPTION: the label of the Care Review profile's year 1 (sources say only "year 1");
investment.yaml#care_review_first_year."""

SELECT_COMMITTEE_YEAR = _RECORDS["select_committee_year"].display()
"""ASSUMPTION: the financial year read for the Committee's "by 2025";
investment.yaml#select_committee_year."""



def _p(value: float, unit: Unit, label: str, source: Source, note: str,
       assumption: bool = False) -> Parameter:
    return Parameter(value=value, unit=unit, label=label, source=source, note=note,
                     reviewed=REVIEWED, assumption=assumption)



CARE_REVIEW_HEADLINE_FIVE_YEARS = _RECORDS["care_review_headline_five_years"]
CARE_REVIEW_HEADLINE_FOUR_YEARS = _RECORDS["care_review_headline_four_years"]
CARE_REVIEW_YEARS_FIVE = _RECORDS["care_review_years_five"]
CARE_REVIEW_YEARS_FOUR = _RECORDS["care_review_years_four"]

FAMILY_HELP_HEADLINE = _RECORDS["family_help_headline"]
FAMILY_HELP_YEARS = _RECORDS["family_help_years"]
FAMILY_HELP_SHARE_OF_CARE_REVIEW = _RECORDS["family_help_share_of_care_review"]

CHILDREN_ENGLAND_DOUBLE = _RECORDS["children_england_double"]

SELECT_COMMITTEE_GAP_2025 = _RECORDS["select_committee_gap_2025"]
CHILDREN_ENGLAND_GAP = _RECORDS["children_england_gap"]

YEAR_NOTE = (
    f"year 1 is labelled {CARE_REVIEW_FIRST_YEAR}, the financial year of the final report "
    "(assumption: sources give years 1 to 4 only)"
)


def _default(distribution: Distribution | None) -> Distribution:
    if distribution is not None:
        return distribution
    return FormulaDistribution(formula=named_formula("children_act"))


def _distribution_note(distribution: Distribution) -> str:
    if isinstance(distribution, FormulaDistribution) and distribution.formula.name.startswith(
        "Children Act"
    ):
        return "distributed by the Children Act formula with fundmodel's assumed weights"
    return f"distributed {distribution.describe()}"


def care_review_ask(
    phasing: Literal["profile", "headline_even"] = "profile",
    period: Literal["four_years", "five_years"] = "four_years",
    distribution: Distribution | None = None,
    ring_fence_family_help: bool = False,
) -> InvestmentScenario:
    """The Care Review's £2.6bn: the published four-year profile AND the headline.

    ``phasing="profile"`` spends the profile (£2,523m) and reports the £77m difference;
    ``"headline_even"`` spreads £2.6bn over four years (Alma Economics, the default
    ``period``) or five (CYP Now, ``period="five_years"``). ``ring_fence_family_help``
    ring-fences £2bn/£2.6bn of every year for Family Help (an assumption).

    >>> care_review_ask("headline_even", "five_years").years()[-1]
    '2026-27'
    """
    dist = _default(distribution)
    headline = (
        CARE_REVIEW_HEADLINE_FOUR_YEARS if period == "four_years"
        else CARE_REVIEW_HEADLINE_FIVE_YEARS
    )
    years = CARE_REVIEW_YEARS_FOUR if period == "four_years" else CARE_REVIEW_YEARS_FIVE
    profile = tuple(
        ProfileYear(year=year_label(year_start(CARE_REVIEW_FIRST_YEAR) + k), amount=p)
        for k, p in enumerate(CARE_REVIEW_PROFILE)
    )
    even = phasing == "headline_even"
    return InvestmentScenario(
        header=ScenarioHeader(
            title="Care Review ask (£2.6bn)",
            source=headline.source,
            assumes=(
                f"phasing {phasing}: "
                + (f"£2.6bn spread evenly over {int(years.value)} years "
                   f"({years.source.publisher}); " if even else
                   "the published profile (£2,523m over four years; Government Business, "
                   "24 May 2022) against the £2.6bn headline, difference reported; ")
                + "headline recorded as over four years (Alma Economics 2023) and over five "
                "years (CYP Now, Feb 2023): sources disagree, "
                f"{headline.source.publisher} record used; {YEAR_NOTE}; "
                + _distribution_note(dist)
            ),
        ),
        headline=headline,
        profile=profile,
        phasing=phasing,
        even_years=int(years.value) if even else None,
        ring_fenced_share=FAMILY_HELP_SHARE_OF_CARE_REVIEW if ring_fence_family_help else None,
        distribution=dist,
        years_assumed=True,
    )


def family_help_ask(distribution: Distribution | None = None) -> InvestmentScenario:
    """Family Help: £2bn over five years (The MJ), spread evenly from 2022-23 (assumption).

    >>> ask = family_help_ask()
    >>> ask.years()[0], ask.years()[-1], int(ask.year_pence().sum()) // 100
    ('2022-23', '2026-27', 2000000000)
    """
    dist = _default(distribution)
    return InvestmentScenario(
        header=ScenarioHeader(
            title="Family Help (£2bn over five years)",
            source=FAMILY_HELP_HEADLINE.source,
            assumes=(
                "no published year profile, so £2bn spread evenly over five years "
                f"from {CARE_REVIEW_FIRST_YEAR} (assumption); " + _distribution_note(dist)
            ),
        ),
        headline=FAMILY_HELP_HEADLINE,
        phasing="headline_even",
        first_year=CARE_REVIEW_FIRST_YEAR,
        even_years=int(FAMILY_HELP_YEARS.value),
        distribution=dist,
        years_assumed=True,
    )


def children_england_double_ask(
    phasing: Literal["profile", "headline_even"] = "headline_even",
    distribution: Distribution | None = None,
) -> InvestmentScenario:
    """Children England's "at least double it": £5.2bn.

    Default phasing spreads £5.2bn evenly over five years from 2022-23;
    ``phasing="profile"`` uses the Care Review profile doubled (£5,046m, difference £154m).

    >>> int(children_england_double_ask().year_pence()[0]) // 100
    1040000000
    """
    dist = _default(distribution)
    profile = tuple(
        ProfileYear(year=year_label(year_start(CARE_REVIEW_FIRST_YEAR) + k), amount=p)
        for k, p in enumerate(CHILDREN_ENGLAND_DOUBLE_PROFILE)
    )
    even = phasing == "headline_even"
    return InvestmentScenario(
        header=ScenarioHeader(
            title="Children England: double the Care Review ask (£5.2bn)",
            source=CHILDREN_ENGLAND_DOUBLE.source,
            assumes=(
                "a minimum ('at least double'); "
                + ("spread evenly over five years; " if even else
                   "the Care Review profile doubled, difference to £5.2bn reported; ")
                + f"{YEAR_NOTE}; " + _distribution_note(dist)
            ),
        ),
        headline=CHILDREN_ENGLAND_DOUBLE,
        profile=profile,
        phasing=phasing,
        even_years=int(CARE_REVIEW_YEARS_FIVE.value) if even else None,
        distribution=dist,
        years_assumed=True,
    )


def select_committee_ask(
    figure: Literal["committee", "children_england"] = "committee",
    distribution: Distribution | None = None,
) -> InvestmentScenario:
    """The funding gap by 2025 as a one-year ask: £3.1bn (Committee) or £3.4bn (Children
    England).

    >>> ask = select_committee_ask()
    >>> ask.years(), ask.headline.value
    (['2024-25'], 3100.0)
    """
    dist = _default(distribution)
    used = SELECT_COMMITTEE_GAP_2025 if figure == "committee" else CHILDREN_ENGLAND_GAP
    other = CHILDREN_ENGLAND_GAP if figure == "committee" else SELECT_COMMITTEE_GAP_2025
    return InvestmentScenario(
        header=ScenarioHeader(
            title=f"Select Committee: funding gap by 2025 (£{used.value / 1000:.1f}bn a year)",
            source=used.source,
            assumes=(
                f"uses {used.source.publisher} (£{used.value:,.0f}m); the other record, "
                f"{other.source.publisher}, gives £{other.value:,.0f}m; an annual gap shown "
                f"as one year, {SELECT_COMMITTEE_YEAR} (assumption: 'by 2025'); "
                + _distribution_note(dist)
            ),
        ),
        headline=used,
        profile=(ProfileYear(year=SELECT_COMMITTEE_YEAR, amount=used),),
        distribution=dist,
        years_assumed=True,
    )


ILLUSTRATIVE_INFLATION = _RECORDS["illustrative_inflation"]



def illustrative_deflator(
    first_year: str, n_years: int, base_year: str | None = None,
    inflation: Parameter = ILLUSTRATIVE_INFLATION,
) -> Deflator:
    """An ILLUSTRATIVE price index rising by ``inflation`` a year (assumption=True).

    fundmodel ships no published deflator; use this to see the mechanism, and give a
    :class:`Deflator` of published GDP deflator values for real work.

    >>> d = illustrative_deflator("2022-23", 4, base_year="2022-23")
    >>> [round(p.index.value, 4) for p in d.points]
    [100.0, 102.0, 104.04, 106.1208]
    >>> all(p.index.assumption for p in d.points)
    True
    """
    start = year_start(first_year)
    points = tuple(
        DeflatorPoint(
            year=year_label(start + k),
            index=_p(100.0 * (1.0 + inflation.value) ** k, Unit.SCORE,
                     f"illustrative price index {year_label(start + k)}",
                     FUNDMODEL_ASSUMPTION,
                     f"ILLUSTRATIVE: {first_year} = 100 rising {inflation.value:.1%} a year.",
                     assumption=True),
        )
        for k in range(n_years)
    )
    return Deflator(name=f"illustrative {inflation.value:.1%} a year index (assumption)",
                    base_year=base_year or first_year, points=points)
