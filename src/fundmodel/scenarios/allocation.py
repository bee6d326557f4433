"""Allocation scenario: a needs formula (or a named preset) distributing a control total.

>>> from fundmodel.scenarios.base import load_scenario_text
>>> s = load_scenario_text('''
... kind: allocation
... header: {title: Prevention grant by Children Act formula, assumes: preset weights}
... formula: children_act
... total: 270000000
... ''')
>>> int(s.run().amount_pence.sum())
27000000000
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from fundmodel.engine.named_formulas import FormulaOrPreset
from fundmodel.parameters.records import Money
from fundmodel.scenarios.base import Scenario

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.engine.result import Allocation

class AllocationScenario(Scenario):
    """Distribute ``total`` (pounds, or a Parameter) by ``formula`` (a model or preset name)."""

    kind: Literal["allocation"] = "allocation"
    formula: FormulaOrPreset
    total: Money

    def run(self, authorities: Authorities | None = None) -> Allocation:
        """Allocate the total across ``authorities`` (embedded data by default)."""
        from fundmodel.data.authorities import load_authorities
        from fundmodel.engine.allocate import allocate

        return allocate(self.formula, authorities or load_authorities(), self.total)
