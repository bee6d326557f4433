"""Running an investment scenario: each year's money distributed to councils in whole pence."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import FloatArray, IntArray
from fundmodel.engine.money import format_gbp, largest_remainder, pence_in_range, total_in_pence
from fundmodel.errors import FormulaError

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.engine.result import Allocation
    from fundmodel.scenarios.family_help.model import InvestmentScenario
from fundmodel.scenarios.family_help.result import (
    CHILDREN,
    CHILDREN_IN_NEED,
    CSC_OUTTURN,
    InvestmentResult,
)


def _distribute(
    scenario: InvestmentScenario, la: Authorities, year_pence: IntArray
) -> tuple[IntArray, tuple[Allocation, ...], tuple[str, ...]]:
    """Amounts (years x councils, pence) by the engine, and any councils excluded."""
    from fundmodel.engine.allocate import allocate

    dist = scenario.distribution
    keep = np.arange(la.n)
    excluded: tuple[str, ...] = ()
    if dist.method == "formula":
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
    totals = pence_in_range(amounts.sum(axis=1).astype(np.float64) * factors,
                            "real-terms yearly total")
    pence_in_range(exact, "real-terms amount")
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
    if excluded and scenario.distribution.method == "spend":
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
