"""Absolute mode from standards: what the Children Act duties cost when each is priced as a
caseload times a unit cost built from sourced parameters (``parameters/cost_of_duties.yaml``),
never from the spend it is compared with, and the gap to what councils spend.

gap = cost - spend; gap % = 100 x gap / cost.

>>> from fundmodel.analysis.cost_of_duties import cost_of_duties
>>> r = cost_of_duties(n_draws=100, seed=7)
>>> sorted(r.cost_by_duty())
['care_leavers', 'family_help', 'looked_after', 'social_work']
"""

from fundmodel.analysis.cost_of_duties.costing import cost_of_duties, gap, gap_pct
from fundmodel.analysis.cost_of_duties.inputs import SPEND_LINES, DutyInputs, build_inputs
from fundmodel.analysis.cost_of_duties.result import DutiesResult
from fundmodel.analysis.cost_of_duties.standards import (
    PRICE_YEARS,
    STANDARD_NAMES,
    DutyStandards,
    default_standards,
)
from fundmodel.analysis.cost_of_duties.unit_costs import DUTIES, DUTY_LABELS

__all__ = [
    "DUTIES",
    "DUTY_LABELS",
    "PRICE_YEARS",
    "SPEND_LINES",
    "STANDARD_NAMES",
    "DutiesResult",
    "DutyInputs",
    "DutyStandards",
    "build_inputs",
    "cost_of_duties",
    "default_standards",
    "gap",
    "gap_pct",
]
