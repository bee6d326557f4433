"""Presets and comparisons: the LGA-assumed overspend and the funding gap against investment
asks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from fundmodel.errors import DataError, FormulaError, ScenarioError
from fundmodel.parameters.records import Parameter
from fundmodel.scenarios.base import ScenarioHeader

if TYPE_CHECKING:
    from fundmodel.analysis.absolute import DutyCostFormula
    from fundmodel.data.authorities import Authorities
    from fundmodel.scenarios.family_help import InvestmentResult
from fundmodel.scenarios.overspend.measures import ENGLAND_CODE
from fundmodel.scenarios.overspend.model import (
    LGA_AVERAGE_OVERSPEND,
    EmbeddedOutturn,
    OverspendScenario,
    Projection,
)


def lga_assumed_overspend(
    measure: str = "s251_cyps_total",
    periods: tuple[str, ...] = ("2022-23", "2023-24", "2024-25"),
    funding_growth: Parameter | None = None,
    projection: Projection | None = None,
) -> OverspendScenario:
    """Embedded outturn with budgets ASSUMED at the LGA's average overspend (14.2%).

    >>> s = lga_assumed_overspend()
    >>> s.data.assumed_overspend_pct.value, s.missing
    (14.2, 'exclude')
    >>> s.title
    'Overspends: s251_cyps_total outturn, budgets ASSUMED at 14.2% overspend'

    The title follows the scenario: a rerun at another rate says so.

    >>> s.updated(data={**s.data.model_dump(), "assumed_overspend_pct": 10}).title
    'Overspends: s251_cyps_total outturn, budgets ASSUMED at 10% overspend'
    """
    return OverspendScenario(
        header=ScenarioHeader(
            title=("Overspends: {data.measure} outturn, budgets ASSUMED at "
                   "{data.assumed_overspend_pct} overspend"),
            source=LGA_AVERAGE_OVERSPEND.source,
            assumes=(
                "budget = outturn / (1 + {data.assumed_overspend_pct}) for every council and "
                "year ({data.assumed_overspend_pct.label}, applied uniformly: an assumption, "
                "not budget data); council-years without outturn excluded"
            ),
        ),
        data=EmbeddedOutturn(measure=measure, periods=periods,
                             assumed_overspend_pct=LGA_AVERAGE_OVERSPEND),
        missing="exclude",
        funding_growth=funding_growth,
        projection=projection,
    )


def funding_gap(
    authorities: Authorities | None = None,
    *,
    costs: DutyCostFormula | None = None,
    investment: InvestmentResult | None = None,
    investment_year: str | None = None,
    missing: Literal["error", "exclude"] = "error",
) -> pd.DataFrame:
    """What the duties cost (absolute mode) against what councils spend, and what an
    investment ask adds; one row per council plus a national line (code E92000001).

    ``costs`` defaults to :func:`fundmodel.analysis.absolute.children_act_costs` (England-average
    2024-25 unit costs, so its national gap is zero by construction: the council rows show
    where need-based cost exceeds or falls short of spend). ``investment`` (a result of
    an investment scenario) adds its ``investment_year`` amount, or by default its average
    a year (total / number of years). ``missing="exclude"`` (opt-in) leaves councils
    missing any needed value out of the national line and shows them with NaN and a note;
    by default they are an error.

    Columns: code, name, region, duties_cost, spend, gap (cost - spend), gap_pct (of
    spend), investment, gap_after_investment, note.

    >>> from fundmodel.testing import synthetic_authorities
    >>> from fundmodel.analysis.absolute import Duty, DutyCostFormula
    >>> la = synthetic_authorities([[10.0], [30.0]], baseline=[900.0, 2000.0])
    >>> f = DutyCostFormula(name="£50 a child", funding_columns=("baseline",),
    ...                     duties=[Duty(name="all", column="children_0_17", unit_cost=50)])
    >>> funding_gap(la, costs=f)[["code", "duties_cost", "spend", "gap"]].to_dict("list")
    {'code': ['E06900000', 'E06900001', 'E92000001'], 'duties_cost': [500.0, 1500.0, 2000.0], \
'spend': [900.0, 2000.0, 2900.0], 'gap': [-400.0, -500.0, -900.0]}
    """
    from fundmodel.analysis.absolute import children_act_costs, cost_duties
    from fundmodel.data.authorities import load_authorities

    la = authorities if authorities is not None else load_authorities()
    formula = costs if costs is not None else children_act_costs(la)
    if not formula.funding_columns:
        raise FormulaError(f"cost formula {formula.name!r} names no funding_columns (spend)")
    needed = [*(d.column for d in formula.duties), *(d.times for d in formula.duties if d.times),
              *formula.funding_columns]
    if formula.area_cost_adjustment:
        needed.append(formula.area_cost_adjustment)
    gaps = np.zeros(la.n, dtype=bool)
    why = np.full(la.n, "", dtype=object)
    for column in dict.fromkeys(needed):  # a handful of columns
        absent = np.isnan(la.column(column))
        why[absent & ~gaps] = f"excluded: {column} missing"
        gaps |= absent
    if gaps.any() and missing == "error":
        listed = "; ".join(f"{la.codes[i]} {la.names[i]} ({why[i][10:]})"
                           for i in np.flatnonzero(gaps)[:8])
        raise FormulaError(
            f"funding gap needs {sorted(set(needed))}; missing for {int(gaps.sum())} "
            f"council(s): {listed}. Supply values or opt in to missing='exclude'."
        )
    keep = np.flatnonzero(~gaps)
    result = cost_duties(formula, la if keep.size == la.n else la.take(keep))
    assert result.funding is not None
    cost = np.full(la.n, np.nan)
    spend = np.full(la.n, np.nan)
    cost[keep] = result.costs()
    spend[keep] = result.funding
    extra = np.full(la.n, np.nan)
    if investment is not None:
        per_council = _investment_per_year(investment, investment_year)
        unknown = sorted(set(la.codes.tolist()) - set(per_council.index))
        if unknown:
            raise DataError(f"the investment result has no amount for code(s) {unknown[:8]}")
        extra = per_council.reindex(la.codes.tolist()).to_numpy(np.float64)
    frame = pd.DataFrame({"code": la.codes, "name": la.names, "region": la.regions,
                          "duties_cost": cost, "spend": spend})
    frame["investment"] = extra if investment is not None else 0.0
    frame["note"] = why
    national = {
        "code": ENGLAND_CODE,
        "name": "England" + (f" ({keep.size} councils with complete data)" if gaps.any() else ""),
        "region": "England",
        "duties_cost": round(float(cost[keep].sum()), 2),
        "spend": round(float(spend[keep].sum()), 2),
        "investment": round(float(frame["investment"].to_numpy()[keep].sum()), 2),
        "note": f"national line over {keep.size} councils",
    }
    frame = pd.concat([frame, pd.DataFrame([national])], ignore_index=True)
    frame["gap"] = frame["duties_cost"] - frame["spend"]
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["gap_pct"] = np.where(frame["spend"] > 0, 100.0 * frame["gap"] / frame["spend"],
                                    np.nan)
    frame["gap_after_investment"] = frame["gap"] - frame["investment"]
    order = ["code", "name", "region", "duties_cost", "spend", "gap", "gap_pct", "investment",
             "gap_after_investment", "note"]
    return frame[order]


def _investment_per_year(investment: InvestmentResult, year: str | None) -> pd.Series:
    if year is None:
        return investment.council_amounts() / len(investment.years)
    if year not in investment.years:
        raise ScenarioError(f"investment year {year!r} is not one of {list(investment.years)}")
    y = investment.years.index(year)
    return pd.Series(investment.amount_pence[y] / 100.0, index=investment.authorities.codes)
