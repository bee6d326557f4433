"""fundmodel: cost and compare children's social care funding across England's councils.

>>> import fundmodel
>>> la = fundmodel.load_authorities()
>>> res = fundmodel.allocate(fundmodel.presets.children_act_formula(), la, total=1e9)
>>> int(res.amount_pence.sum())
100000000000
"""

from __future__ import annotations

from fundmodel import _deprecated, presets
from fundmodel._version import __version__
from fundmodel.analysis.absolute import CostResult, Duty, DutyCostFormula, cost_duties
from fundmodel.analysis.compare import Comparison, compare
from fundmodel.analysis.uncertainty import SensitivitySpec, run_sensitivity
from fundmodel.data.authorities import Authorities, authorities_from_frame, load_authorities
from fundmodel.engine.allocate import allocate
from fundmodel.engine.formula import Damping, Indicator, NeedsFormula
from fundmodel.engine.measures import Measure
from fundmodel.engine.result import Allocation
from fundmodel.errors import (
    CompareError,
    DataError,
    FormulaError,
    FundmodelError,
    InfeasibleDampingError,
    ScenarioError,
)
from fundmodel.parameters.records import Parameter, Source, Unit
from fundmodel.scenarios import load_scenario

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

_deprecated.install()
