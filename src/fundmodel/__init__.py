"""fundmodel: cost and compare children's social care funding across England's councils.

>>> import fundmodel
>>> la = fundmodel.load_authorities()
>>> res = fundmodel.allocate(fundmodel.presets.children_act_formula(), la, total=1e9)
>>> int(res.amount_pence.sum())
100000000000
"""

from __future__ import annotations

__version__ = "0.1.0"

from fundmodel import presets
from fundmodel.absolute import CostResult, Duty, DutyCostFormula, cost_duties
from fundmodel.authorities import Authorities, authorities_from_frame, load_authorities
from fundmodel.compare import Comparison, compare
from fundmodel.engine import allocate
from fundmodel.errors import (
    CompareError,
    DataError,
    FormulaError,
    FundmodelError,
    InfeasibleDampingError,
    ScenarioError,
)
from fundmodel.formula import Damping, Indicator, NeedsFormula
from fundmodel.measures import Measure
from fundmodel.result import Allocation
from fundmodel.scenarios import load_scenario
from fundmodel.sources import Parameter, Source, Unit
from fundmodel.uncertainty import SensitivitySpec, run_sensitivity

__all__ = [
    "Allocation",
    "Authorities",
    "CompareError",
    "Comparison",
    "CostResult",
    "Damping",
    "DataError",
    "Duty",
    "DutyCostFormula",
    "FormulaError",
    "FundmodelError",
    "Indicator",
    "InfeasibleDampingError",
    "Measure",
    "NeedsFormula",
    "Parameter",
    "ScenarioError",
    "SensitivitySpec",
    "Source",
    "Unit",
    "__version__",
    "allocate",
    "authorities_from_frame",
    "compare",
    "cost_duties",
    "load_authorities",
    "load_scenario",
    "presets",
    "run_sensitivity",
]
