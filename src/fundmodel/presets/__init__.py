"""Named, sourced presets: formulas and pots that analysts start from and then change.

>>> from fundmodel.presets import children_act_formula, all_parameters
>>> [i.name for i in children_act_formula().indicators]
['population', 'projected_population', 'disability', 'deprivation']
>>> all(p.source.publisher for p in all_parameters())
True
"""

from __future__ import annotations

from fundmodel.presets.children_act import (
    CHILDREN_ACT_WEIGHTS,
    PREVENTION_GRANT_2025_26,
    children_act_costs,
    children_act_formula,
)
from fundmodel.sources import Parameter


def all_parameters() -> list[Parameter]:
    """Every parameter record shipped with fundmodel (walked by the convention tests)."""
    return [*CHILDREN_ACT_WEIGHTS.values(), PREVENTION_GRANT_2025_26]


__all__ = [
    "CHILDREN_ACT_WEIGHTS",
    "PREVENTION_GRANT_2025_26",
    "all_parameters",
    "children_act_costs",
    "children_act_formula",
]
