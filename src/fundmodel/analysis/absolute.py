"""Absolute mode: what the duties cost bottom-up, and the gap to what councils have.

cost_i = aca_i * sum_d unit_cost_d * caseload_id;  gap_i = cost_i - funding_i

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
            with np.errstate(divide="ignore", invalid="ignore"):
                frame["gap_pct"] = np.where(
                    self.funding > 0, 100.0 * (frame["gap"] / self.funding), np.nan
                )
        if "children_0_17" in la.numeric_columns:
            frame["cost_per_child"] = frame["cost"] / la.column("children_0_17")
        return frame

    def summary(self, variant: int = 0) -> str:
        """Plain-text headline: total cost, funding and gap."""
        lines = [f"{self.formula.name}: duties cost {format_gbp(self.total_cost(variant))}"]
        gap = self.gap(variant)
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


def children_act_costs(authorities: Authorities | None = None) -> DutyCostFormula:
    """Children Act duties priced bottom-up at England-average 2024-25 unit costs (absolute mode).

    Because the unit costs are averages of what councils spend now, the national gap over
    councils with complete data is zero by construction: the per-council gaps show where
    need-based costs exceed or fall short of current spend. Replace the unit costs (e.g.
    with a costed model of the duties) to measure an absolute national shortfall.

    >>> from fundmodel import load_authorities
    >>> f = children_act_costs(load_authorities())
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
        name="Children Act duties at England-average unit costs (2024-25)",
        duties=duties,
        funding_columns=tuple(spend for _, spend, _, _ in COST_DUTIES),
        description="Bottom-up cost of family support, safeguarding and care per council.",
    )
