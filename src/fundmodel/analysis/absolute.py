"""Duty cost formulas: unit cost x caseload per council, and the gap to what councils have.

cost_i = aca_i * sum_d unit_cost_d * caseload_id;  gap_i = cost_i - funding_i;
gap %_i = 100 * gap_i / cost_i (the same definitions as :mod:`fundmodel.analysis.cost_of_duties`)

The costing from standards (the absolute mode proper) is
:func:`fundmodel.analysis.cost_of_duties.cost_of_duties`. This module's preset,
:func:`spend_per_case_vs_england`, is **not a costing**: it prices each caseload at the
England average of current spend per case, so it only measures each council's spend per
case against the average (the national gap is zero by construction).

Unlike the relative mode there is no fixed pot: the total is whatever the duties cost.
Costs are rounded to whole pence per council (half to even).

>>> from fundmodel.analysis.absolute import Duty, DutyCostFormula, cost_duties
>>> from fundmodel import load_authorities
>>> f = DutyCostFormula(name="£100 per child",
...                     duties=[Duty(name="universal", column="children_0_17", unit_cost=100)])
>>> res = cost_duties(f, load_authorities())
>>> res.total_cost()
1218301600.0
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field

from fundmodel._types import FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.core.model import FrozenModel
from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.engine.measures import Measure
from fundmodel.engine.money import format_gbp, pence_in_range
from fundmodel.errors import FormulaError
from fundmodel.parameters.records import Parameter, Source, Unit, UnitCost


class Duty(Measure):
    """A duty priced bottom-up: a caseload (a :class:`Measure`) times a unit cost."""

    name: str = Field(min_length=1)
    unit_cost: UnitCost
    proxy: str | None = None


class DutyCostFormula(FrozenModel):
    """An absolute formula: duties with unit costs, and the funding columns to compare."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    duties: tuple[Duty, ...] = Field(min_length=1)
    area_cost_adjustment: str | None = None
    funding_columns: tuple[str, ...] = Field(
        default=(), description="columns (£) summed to give what each council has now"
    )
    description: str = ""
    benchmark: bool = Field(
        default=False, description="unit costs are averages of the spend compared (not a "
        "costing): the summary then reports spend per case against the average")

    def unit_cost_vector(self) -> FloatArray:
        """Unit costs in duty order (pounds per unit per year)."""
        return np.array([d.unit_cost.value for d in self.duties], dtype=np.float64)


@dataclass(frozen=True, eq=False)
class CostResult:
    """Bottom-up cost per council (variants x authorities, pence) and the funding gap."""

    formula: DutyCostFormula
    authorities: Authorities
    unit_costs: FloatArray
    cost_by_duty: FloatArray
    cost_pence: IntArray
    funding: FloatArray | None
    version: str = __version__

    def costs(self, variant: int = 0) -> FloatArray:
        """Cost per council in pounds (whole pence)."""
        pounds: FloatArray = self.cost_pence[variant] / 100.0
        return pounds

    def total_cost(self, variant: int = 0) -> float:
        """England total of the bottom-up cost, pounds."""
        return float(self.cost_pence[variant].sum()) / 100.0

    def gap(self, variant: int = 0) -> FloatArray | None:
        """Cost minus funding per council (positive = duties cost more than councils have)."""
        return None if self.funding is None else self.costs(variant) - self.funding

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.formula.name

    def council_amounts(self, variant: int = 0) -> pd.Series:
        """Cost per council in pounds, indexed by ONS code (for :func:`compare`)."""
        return pd.Series(self.costs(variant), index=self.authorities.codes, name=self.label)

    def to_frame(self, variant: int = 0) -> pd.DataFrame:
        """One row per authority: cost of each duty, total cost, funding, gap, per child."""
        la = self.authorities
        frame = pd.DataFrame({"code": la.codes, "name": la.names, "region": la.regions,
                              "council_type": la.council_types})
        for k, duty in enumerate(self.formula.duties):
            frame[f"cost_{duty.name}"] = self.cost_by_duty[variant, k]
        frame["cost"] = self.costs(variant)
        if self.funding is not None:
            frame["funding"] = self.funding
            frame["gap"] = frame["cost"] - frame["funding"]
            cost = frame["cost"].to_numpy()
            with np.errstate(divide="ignore", invalid="ignore"):
                frame["gap_pct"] = np.where(cost > 0, 100.0 * (frame["gap"] / cost), np.nan)
        if "children_0_17" in la.numeric_columns:
            frame["cost_per_child"] = frame["cost"] / la.column("children_0_17")
        return frame

    def summary(self, variant: int = 0) -> str:
        """Plain-text headline: total cost, funding and gap (for a ``benchmark`` formula:
        spend per case against the England average, which is not a costing)."""
        gap = self.gap(variant)
        if self.formula.benchmark and gap is not None and self.funding is not None:
            above = int((gap < 0).sum())
            return "\n".join([
                f"{self.formula.name} (not a costing: unit costs are England averages of the "
                "same spend)",
                f"  {above} of {gap.size} councils spend more per case than the England "
                f"average and {gap.size - above} less; the amounts above and below the average "
                f"({format_gbp(float(-gap[gap < 0].sum()))} and "
                f"{format_gbp(float(gap[gap > 0].sum()))}) cancel out by construction "
                f"(net {format_gbp(float(gap.sum()))}). For a costing from standards use "
                "fundmodel.analysis.cost_of_duties.cost_of_duties."])
        lines = [f"{self.formula.name}: duties cost {format_gbp(self.total_cost(variant))}"]
        if gap is not None and self.funding is not None:
            lines.append(
                f"  councils have {format_gbp(float(self.funding.sum()))}; net gap "
                f"{format_gbp(float(gap.sum()))}; {int((gap > 0).sum())} councils short, "
                f"shortfalls total {format_gbp(float(gap[gap > 0].sum()))}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"


def cost_duties(
    formula: DutyCostFormula, authorities: Authorities, *, unit_costs: FloatArray | None = None
) -> CostResult:
    """Price every duty for every council; ``unit_costs`` (variants x duties) for batches."""
    costs = formula.unit_cost_vector()[None, :] if unit_costs is None else np.atleast_2d(
        np.asarray(unit_costs, dtype=np.float64)
    )
    if costs.shape[1] != len(formula.duties):
        raise FormulaError(
            f"unit_costs must have {len(formula.duties)} columns (one per duty), "
            f"got shape {costs.shape}"
        )
    if not np.all(np.isfinite(costs)) or np.any(costs < 0):
        raise FormulaError("unit costs must be finite and non-negative")
    caseloads = np.vstack(
        [d.values(authorities, purpose=f"duty {d.name!r}") for d in formula.duties]
    )
    aca = np.ones(authorities.n)
    if formula.area_cost_adjustment is not None:
        aca = Measure(column=formula.area_cost_adjustment).values(
            authorities, purpose="area cost adjustment"
        )
    by_duty = costs[:, :, None] * caseloads[None, :, :] * aca[None, None, :]
    pence = pence_in_range(by_duty.sum(axis=1) * 100.0, "cost of duties")
    funding = None
    if formula.funding_columns:
        funding = np.sum(
            [Measure(column=c).values(authorities, purpose="funding") for c in
             formula.funding_columns],
            axis=0,
        )
    return CostResult(formula, authorities, costs, by_duty, pence, funding)


REVIEWED = dt.date(2026, 12, 1)

S251_OUTTURN_2024_25 = Source(
    title="Section 251 outturn 2024-25 (LA and school expenditure), via the Local Authority "
    "Interactive Tool; caseloads from Children looked after in England and Characteristics "
    "of children in need, 2025",
    publisher="Department for Education",
    year=2025,
    url="https://explore-education-statistics.service.gov.uk/",
)

COST_DUTIES: tuple[tuple[str, str, str, str], ...] = (
    ("family_support", "s251_family_support_2024_25", "children_0_17",
     "Section 17 family support for every child (England spend per child aged 0-17)"),
    ("safeguarding", "s251_safeguarding_2024_25", "cin_count_2025",
     "assessment and safeguarding per child in need at 31 March 2025"),
    ("looked_after", "s251_lac_2024_25", "cla_count_2025",
     "care per child looked after at 31 March 2025"),
)
"""(duty, spend column, caseload column, label) for the absolute preset."""


def england_unit_cost(authorities: Authorities, spend: str, caseload: str, label: str) -> Parameter:
    """England-average unit cost: total spend / total caseload over councils with both.

    The councils left out (either value missing) are named in the parameter's note.
    """
    s = authorities.column(spend)
    c = authorities.column(caseload)
    both = ~np.isnan(s) & ~np.isnan(c)
    left_out = ", ".join(authorities.names[~both].tolist()) or "none"
    value = float(s[both].sum() / c[both].sum())
    return Parameter(
        value=value,
        unit=Unit.GBP_PER_CHILD_PER_YEAR,
        label=f"England unit cost: {label}",
        source=S251_OUTTURN_2024_25,
        note=(
            f"Derived by fundmodel: sum of {spend} / sum of {caseload} over {int(both.sum())} "
            f"councils with both values (left out: {left_out}). An average of current "
            "spending, not a costing of what the duty should cost."
        ),
        reviewed=REVIEWED,
    )


def spend_per_case_vs_england(authorities: Authorities | None = None) -> DutyCostFormula:
    """Each council's caseloads priced at the England average of 2024-25 spend per case:
    spend per case against the England average. **Not a costing** of the duties.

    Because the unit costs are averages of what councils spend now, the national gap over
    councils with complete data is zero by construction: a council's "gap" only says whether
    it spends less (positive) or more (negative) per case than the England average. For what
    the duties cost, priced from standards, use
    :func:`fundmodel.analysis.cost_of_duties.cost_of_duties`.

    >>> from fundmodel import load_authorities
    >>> f = spend_per_case_vs_england(load_authorities())
    >>> [d.name for d in f.duties]
    ['family_support', 'safeguarding', 'looked_after']
    >>> f.duties[2].unit_cost.value > 50_000  # £ per child looked after per year
    True
    """
    la = authorities if authorities is not None else load_authorities()
    duties = tuple(
        Duty(name=name, column=caseload, unit_cost=england_unit_cost(la, spend, caseload, label))
        for name, spend, caseload, label in COST_DUTIES
    )
    return DutyCostFormula(
        name="Spend per case against the England average (2024-25 s251)",
        duties=duties,
        funding_columns=tuple(spend for _, spend, _, _ in COST_DUTIES),
        description="Caseloads priced at England-average spend per case (family support, "
                    "safeguarding, care): a benchmark of spend, not a costing.",
        benchmark=True,
    )


children_act_costs = spend_per_case_vs_england
"""Former name of :func:`spend_per_case_vs_england`, kept for backward compatibility (it was
never a costing: its unit costs are averages of the spend compared)."""
