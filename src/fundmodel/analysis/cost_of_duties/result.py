"""The result of costing the duties from standards: per-council tables, the national gap
with its interval, one-at-a-time drivers, and what is written to ``costs.csv``/``gap.csv``.

gap = cost - spend; gap % = 100 x gap / cost (every table, chart and CSV).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fundmodel._types import BoolArray, FloatArray
from fundmodel._version import __version__
from fundmodel.analysis.cost_of_duties.inputs import SPEND_LINES, DutyInputs
from fundmodel.analysis.cost_of_duties.standards import DutyStandards
from fundmodel.analysis.cost_of_duties.summary import asks_frame, summary_text
from fundmodel.analysis.cost_of_duties.unit_costs import CASELOAD_UNITS, DUTIES

COSTS_COLUMNS = ("code", "name", "duty", "caseload", "unit_cost", "cost")
GAP_COLUMNS = ("code", "name", "cost", "spend", "gap", "gap_pct", "gap_low", "gap_high")


@dataclass(frozen=True, eq=False)
class DutiesResult:
    """Costs at the standards (central), spend, gaps and the interval over the ranges."""

    standards: DutyStandards
    inputs: DutyInputs
    basis: str
    caseloads: dict[str, FloatArray]
    unit_costs: dict[str, FloatArray]
    spend_by_duty: dict[str, FloatArray]
    keep: BoolArray
    national_draws: FloatArray
    council_gap_low: FloatArray
    council_gap_high: FloatArray
    driver_names: tuple[str, ...]
    driver_gaps: FloatArray
    seed: int
    n_draws: int
    version: str = __version__

    label = "Children Act duties costed from standards (2024-25 prices)"

    # ------------------------------------------------------------------ arrays
    def cost_by_duty(self) -> dict[str, FloatArray]:
        """Each duty's cost per council, pounds (caseload x unit cost)."""
        return {k: self.caseloads[k] * self.unit_costs[k] for k in DUTIES}

    def cost(self) -> FloatArray:
        """Total cost of the duties per council, pounds."""
        total: FloatArray = np.sum(list(self.cost_by_duty().values()), axis=0)
        return total

    def spend(self) -> FloatArray:
        """Current spend on the matched lines per council (the chosen basis), pounds."""
        return self.inputs.spend_total(self.basis)

    def gap(self) -> FloatArray:
        """cost - spend per council, pounds."""
        out: FloatArray = self.cost() - self.spend()
        return out

    def excluded(self) -> list[str]:
        """Councils left out of the totals (a caseload or spend figure missing)."""
        names: list[str] = self.inputs.authorities.names[~self.keep].tolist()
        return names

    # ------------------------------------------------------------------ tables
    def to_frame(self) -> pd.DataFrame:
        """One row per council: cost and spend by duty, gap (£, % of cost, per child, share
        of the gap in each duty), the interval, current caseload beside the standard, the
        agency rate and placement mix used, and any data-quality flag."""
        la, d = self.inputs.authorities, self.inputs
        cost, spend = self.cost(), self.spend()
        frame = pd.DataFrame({"code": la.codes, "name": la.names, "region": la.regions})
        for k, v in self.cost_by_duty().items():
            frame[f"cost_{k}"] = v
        for k, v in self.spend_by_duty.items():
            frame[f"spend_{k}"] = v
        frame["cost"], frame["spend"] = cost, spend
        frame["gap"] = cost - spend
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["gap_pct"] = np.where(cost > 0, 100 * (cost - spend) / cost, np.nan)
            frame["gap_per_child"] = frame["gap"] / la.column("children_0_17")
            for k in DUTIES:
                duty_gap = frame[f"cost_{k}"] - frame[f"spend_{k}"]
                frame[f"gap_{k}"] = duty_gap
                frame[f"gap_share_{k}"] = np.where(frame["gap"] != 0,
                                                   duty_gap / frame["gap"], np.nan)
        frame["gap_low"], frame["gap_high"] = self.council_gap_low, self.council_gap_high
        frame["spend_basis"] = self.basis
        for other in SPEND_LINES:
            frame[f"spend_{other}_total"] = d.spend_total(other)
        if "ro3_csc_net_2024_25" in la.numeric_columns:
            frame["ro3_csc_total"] = la.column("ro3_csc_net_2024_25")
        frame["current_caseload"] = d.current_caseload
        frame["standard_caseload"] = self.standards["cases_per_social_worker"].value
        frame["agency_rate"] = d.agency_rate
        frame["agency_rate_source"] = d.agency_source
        frame["placement_mix"] = d.mix_source
        frame["included"] = self.keep
        frame["flags"] = [d.flags.get(c, "") for c in la.codes]
        return frame

    def costs_frame(self) -> pd.DataFrame:
        """Long table for ``costs.csv``: code, name, duty, caseload, unit_cost, cost."""
        la = self.inputs.authorities
        parts = [pd.DataFrame({"code": la.codes, "name": la.names, "duty": k,
                               "caseload": self.caseloads[k], "unit_cost": self.unit_costs[k],
                               "cost": self.caseloads[k] * self.unit_costs[k],
                               "caseload_unit": CASELOAD_UNITS[k]}) for k in DUTIES]
        return pd.concat(parts, ignore_index=True)

    def gap_frame(self) -> pd.DataFrame:
        """Table for ``gap.csv``: code, name, cost, spend, gap, gap_pct, interval, per child."""
        frame = self.to_frame()
        return frame[[*GAP_COLUMNS, "gap_per_child", "spend_basis", "included", "flags"]]

    # ------------------------------------------------------------------ national
    def national(self) -> dict[str, Any]:
        """England totals over the included councils, with the 5th-95th percentile gap."""
        k = self.keep
        cost, spend = float(self.cost()[k].sum()), float(self.spend()[k].sum())
        lo, hi = np.percentile(self.national_draws, [5, 95])
        by_duty = {d: float(v[k].sum()) for d, v in self.cost_by_duty().items()}
        return {"cost": cost, "spend": spend, "gap": cost - spend,
                "gap_pct": 100 * (cost - spend) / cost if cost else float("nan"),
                "gap_low": float(lo), "gap_high": float(hi),
                "councils": int(k.sum()), "excluded": self.excluded(),
                "cost_by_duty": by_duty,
                "spend_by_duty": {d: float(v[k].sum()) for d, v in self.spend_by_duty.items()}}

    def drivers(self) -> pd.DataFrame:
        """One-at-a-time drivers: the national gap with each input at its low and high end
        (others central), largest swing first."""
        rows = []
        for name, (at_low, at_high) in zip(self.driver_names, self.driver_gaps, strict=True):
            p = self.standards[name]
            rows.append({"input": name, "label": p.label, "low": p.low, "central": p.value,
                         "high": p.high, "gap_at_low": at_low, "gap_at_high": at_high,
                         "swing": abs(at_high - at_low), "assumption": p.assumption})
        return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)

    def asks(self) -> pd.DataFrame:
        """The national gap beside the published asks (``investment.yaml``)."""
        return asks_frame(self)

    def council_amounts(self) -> pd.Series:
        """Cost per council in pounds, indexed by ONS code (for :func:`fundmodel.compare`)."""
        return pd.Series(self.cost(), index=self.inputs.authorities.codes, name=self.label)

    def summary(self) -> str:
        """Plain-text headline: national cost, spend, gap with interval, largest gaps per
        child, flags, drivers and how it compares with the published asks."""
        return summary_text(self)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(self.summary()) + "</pre>"

    # ------------------------------------------------------------------ outputs
    def output_tables(self) -> dict[str, pd.DataFrame]:
        """Extra files for ``fundmodel run --out``: ``costs.csv`` and ``gap.csv``."""
        return {"costs.csv": self.costs_frame(), "gap.csv": self.gap_frame(),
                "drivers.csv": self.drivers()}

    def manifest_extra(self) -> dict[str, Any]:
        """Every standard with its value, range and source, for ``manifest.yaml``."""
        params = {}
        for name, p in self.standards.items():
            params[name] = {"value": p.value, "unit": p.unit.value, "low": p.low,
                            "high": p.high, "assumption": p.assumption,
                            "source": p.cite(), "url": p.source.url, "label": p.label}
        return {"parameters": params, "spend_basis": self.basis, "seed": self.seed,
                "n_draws": self.n_draws, "definitions": {
                    "gap": "cost - spend", "gap_pct": "100 x gap / cost"}}
