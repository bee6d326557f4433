"""Absolute mode: what the duties cost bottom-up, and the gap to what councils have.

cost_i = aca_i * sum_d unit_cost_d * caseload_id;  gap_i = cost_i - funding_i

Unlike the relative mode there is no fixed pot: the total is whatever the duties cost.
Costs are rounded to whole pence per council (half to even).

>>> from fundmodel.absolute import Duty, DutyCostFormula, cost_duties
>>> from fundmodel import load_authorities
>>> f = DutyCostFormula(name="£100 per child",
...                     duties=[Duty(name="universal", column="children_0_17", unit_cost=100)])
>>> res = cost_duties(f, load_authorities())
>>> res.total_cost()
1218301600.0
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field

from fundmodel import __version__
from fundmodel._types import FloatArray, IntArray
from fundmodel.authorities import Authorities
from fundmodel.errors import FormulaError
from fundmodel.measures import Measure
from fundmodel.model import FrozenModel
from fundmodel.money import format_gbp
from fundmodel.sources import UnitCost


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
    pence = np.rint(by_duty.sum(axis=1) * 100.0).astype(np.int64)
    funding = None
    if formula.funding_columns:
        funding = np.sum(
            [Measure(column=c).values(authorities, purpose="funding") for c in
             formula.funding_columns],
            axis=0,
        )
    return CostResult(formula, authorities, costs, by_duty, pence, funding)
