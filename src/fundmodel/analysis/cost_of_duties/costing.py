"""Price every duty for every council from the standards, and set it against spend.

One definition everywhere: **gap = cost - spend** (positive: the duties cost more than the
council spends on those lines) and **gap % = 100 x gap / cost**.

>>> from fundmodel.analysis.cost_of_duties import cost_of_duties
>>> r = cost_of_duties(n_draws=200, seed=1)
>>> r.national()["cost"] > 0 and r.national()["gap"] != 0
True
"""

from __future__ import annotations

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.analysis.cost_of_duties.inputs import SPEND_LINES, build_inputs
from fundmodel.analysis.cost_of_duties.interval import (
    as_values,
    draw_matrix,
    one_at_a_time,
    percentiles,
)
from fundmodel.analysis.cost_of_duties.result import DutiesResult
from fundmodel.analysis.cost_of_duties.standards import DutyStandards, default_standards
from fundmodel.analysis.cost_of_duties.unit_costs import DUTIES, caseloads, unit_costs
from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.errors import FormulaError


def gap(cost: FloatArray, spend: FloatArray) -> FloatArray:
    """The gap: cost minus spend (pounds). Positive: the duties cost more than is spent.

    >>> gap(np.array([10.0]), np.array([8.0])).tolist()
    [2.0]
    """
    out: FloatArray = cost - spend
    return out


def gap_pct(cost: FloatArray, spend: FloatArray) -> FloatArray:
    """The gap as a percentage of cost (NaN where cost is zero).

    >>> gap_pct(np.array([10.0]), np.array([8.0])).tolist()
    [20.0]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(cost > 0, 100.0 * (cost - spend) / cost, np.nan)
    return out


def cost_of_duties(authorities: Authorities | None = None,
                   standards: DutyStandards | None = None, *, basis: str = "ro3",
                   n_draws: int = 2000, seed: int = 2026) -> DutiesResult:
    """Cost the duties at the standards for every council, the gap to spend on ``basis``
    ("ro3": 2024-25 net outturn on the matching lines; "s251": 2024-25 gross), and the
    5th-95th percentile interval over ``n_draws`` seeded draws of the standards' ranges.
    Councils without a caseload or spend figure are left out of the totals and named."""
    if basis not in SPEND_LINES:
        raise FormulaError(f"cost of duties: basis must be one of {sorted(SPEND_LINES)}, "
                           f"got {basis!r}")
    if n_draws < 10:
        raise FormulaError(f"cost of duties: n_draws must be at least 10, got {n_draws}")
    la = authorities if authorities is not None else load_authorities()
    std = standards if standards is not None else default_standards()
    d = build_inputs(la)
    central = as_values(std.central()[None, :])
    loads = {k: v[0] for k, v in caseloads(central, d).items()}
    units = {k: v[0] for k, v in unit_costs(central, d).items()}
    spend = d.spend[basis]
    total_spend = d.spend_total(basis)
    keep = ~np.isnan(total_spend) & ~np.isnan(d.cin) & ~np.isnan(d.cla)

    draws = as_values(draw_matrix(std, n_draws, seed))
    draw_cost = _total(caseloads(draws, d), unit_costs(draws, d))
    draw_gap = gap(draw_cost, total_spend[None, :])
    national = np.nansum(np.where(keep[None, :], draw_gap, 0.0), axis=1)
    council_low, council_high = percentiles(draw_gap)

    names, oat = one_at_a_time(std)
    oat_v = as_values(oat)
    oat_gap = np.sum(np.where(keep[None, :], gap(_total(caseloads(oat_v, d),
                                                        unit_costs(oat_v, d)),
                                                 total_spend[None, :]), 0.0), axis=1)
    return DutiesResult(
        standards=std, inputs=d, basis=basis, caseloads=loads, unit_costs=units,
        spend_by_duty=spend, keep=keep, national_draws=national, council_gap_low=council_low,
        council_gap_high=council_high, driver_names=tuple(names),
        driver_gaps=oat_gap.reshape(-1, 2), seed=seed, n_draws=n_draws)


def _total(loads: dict[str, FloatArray], units: dict[str, FloatArray]) -> FloatArray:
    out: FloatArray = np.sum([loads[k] * units[k] for k in DUTIES], axis=0)
    return out
