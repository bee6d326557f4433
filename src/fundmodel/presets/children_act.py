"""Children Act (Section 17) funding formula, after Children England's proposal.

Children England proposed 3-5 year, non-ring-fenced grants for councils' Section 17
duties, distributed on three factors: current and projected child population; disabled
children and young carers; and deprivation. **No weights were published.** The weights
here are fundmodel's assumption (the three factors equally, the population factor split
evenly between current and projected) and are labelled as such everywhere.

Two factors only have proxies in the embedded data:

* projected population: a trend extension of ONS mid-2019 to mid-2024 estimates to 2029
  (no ONS sub-national projection is embedded);
* disabled children and young carers: the rate of education, health and care (EHC)
  plans applied to the child population (no young carers figure by council is embedded).

Change the weights with :meth:`~fundmodel.engine.formula.NeedsFormula.with_weights`:

>>> f = children_act_formula().with_weights(
...     {"population": 0.4, "projected_population": 0.1, "disability": 0.2,
...      "deprivation": 0.3})
>>> round(float(f.weight_vector().sum()), 12)
1.0
"""

from __future__ import annotations

import datetime as dt

from fundmodel.analysis.absolute import (
    COST_DUTIES as COST_DUTIES,
)
from fundmodel.analysis.absolute import (
    S251_OUTTURN_2024_25 as S251_OUTTURN_2024_25,
)
from fundmodel.analysis.absolute import (
    children_act_costs as children_act_costs,
)
from fundmodel.analysis.absolute import (
    england_unit_cost as england_unit_cost,
)
from fundmodel.analysis.absolute import (
    spend_per_case_vs_england as spend_per_case_vs_england,
)
from fundmodel.engine.formula import NeedsFormula
from fundmodel.engine.named_formulas import named_formula
from fundmodel.parameters import shipped
from fundmodel.parameters.records import Parameter

REVIEWED = dt.date(2026, 12, 1)

_RECORDS = shipped("children_act")
"""This module's parameter records: ``fundmodel/parameters/children_act.yaml``."""
CHILDREN_ACT_WEIGHTS: dict[str, Parameter] = {
    name: _RECORDS[f"weight_{name}"]
    for name in ("population", "projected_population", "disability", "deprivation")
}
"""The preset's weights: assumptions (Children England published the factors, not weights)."""






PREVENTION_GRANT_2025_26 = _RECORDS["prevention_grant_2025_26"]
"""The 2025-26 Children's Social Care Prevention Grant, £270m (MHCLG): the brief's pot."""


def children_act_formula() -> NeedsFormula:
    """The Children Act funding formula (relative mode, shares of a pot), weights assumed.

    >>> f = children_act_formula()
    >>> [round(i.weight.value, 4) for i in f.indicators]
    [0.1667, 0.1667, 0.3333, 0.3333]
    >>> f.indicators[2].proxy
    'disabled children and young carers (EHC plan rate x children aged 0-17)'
    """
    return named_formula("children_act", {"children_act": _RECORDS})
