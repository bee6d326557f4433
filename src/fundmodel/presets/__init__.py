"""Named, sourced presets: formulas and pots that analysts start from and then change.

>>> from fundmodel.presets import children_act_formula, all_parameters
>>> [i.name for i in children_act_formula().indicators]
['population', 'projected_population', 'disability', 'deprivation']
>>> all(p.source.publisher for p in all_parameters())
True
"""

from __future__ import annotations

from fundmodel.parameters import all_parameters
from fundmodel.presets.children_act import (
    CHILDREN_ACT_WEIGHTS,
    PREVENTION_GRANT_2025_26,
    children_act_costs,
    children_act_formula,
    spend_per_case_vs_england,
)
from fundmodel.presets.investment import (
    INVESTMENT_PARAMETERS,
    care_review_ask,
    children_england_double_ask,
    family_help_ask,
    illustrative_deflator,
    select_committee_ask,
)

__all__ = [
    "CHILDREN_ACT_WEIGHTS",
    "INVESTMENT_PARAMETERS",
    "PREVENTION_GRANT_2025_26",
    "all_parameters",
    "care_review_ask",
    "children_act_costs",
    "children_act_formula",
    "children_england_double_ask",
    "family_help_ask",
    "illustrative_deflator",
    "select_committee_ask",
    "spend_per_case_vs_england",
]
