"""Allocation scenario: a needs formula (or a named preset) distributing a control total.

Optional settlement mechanics: ``transforms`` (indicator name -> ratio, cap or threshold
top-up, applied to the formula's indicators), ``resources`` (needs minus resources) and
``rules`` (fixed amounts, exclusions, equal split or formula remainder, minimum).

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

from pydantic import Field, model_validator

from fundmodel.engine.grant_rules import GrantRules
from fundmodel.engine.named_formulas import FormulaOrPreset
from fundmodel.engine.resources import RefMoney, Resources
from fundmodel.engine.transforms import IndicatorTransform
from fundmodel.engine.years import year_start
from fundmodel.scenarios.base import Scenario

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities
    from fundmodel.engine.formula import NeedsFormula
    from fundmodel.engine.result import Allocation

class AllocationScenario(Scenario):
    """Distribute ``total`` (pounds, or a Parameter) by ``formula`` (a model or preset name)."""

    kind: Literal["allocation"] = "allocation"
    formula: FormulaOrPreset
    total: RefMoney
    year: str | None = Field(default=None, description="financial year, e.g. 2025-26")
    transforms: dict[str, IndicatorTransform] | None = None
    resources: Resources | None = None
    rules: GrantRules | None = None

    @model_validator(mode="after")
    def _check(self) -> AllocationScenario:
        if self.year is not None:
            year_start(self.year)
        self.full_formula()
        return self

    def full_formula(self) -> NeedsFormula:
        """The formula with this scenario's transforms and resources applied."""
        from fundmodel.errors import ScenarioError

        formula = self.formula
        if self.transforms:
            names = [i.name for i in formula.indicators]
            unknown = sorted(set(self.transforms) - set(names))
            if unknown:
                raise ScenarioError(f"transforms name unknown indicator(s) {unknown}; the "
                                    f"formula has {names}")
            formula = formula.updated(indicators=[
                {**i.model_dump(), "transform": self.transforms[i.name]}
                if i.name in self.transforms else i for i in formula.indicators])
        if self.resources is not None:
            formula = formula.updated(resources=self.resources)
        return formula

    def run(self, authorities: Authorities | None = None) -> Allocation:
        """Allocate the total across ``authorities`` (embedded data by default)."""
        import dataclasses

        from fundmodel.data.authorities import load_authorities
        from fundmodel.engine.allocate import allocate
        from fundmodel.engine.grant_rules import apply_grant_rules

        result = allocate(self.full_formula(), authorities or load_authorities(), self.total)
        if self.rules is not None:
            result = apply_grant_rules(result, self.rules)
        if self.year is not None:
            result = dataclasses.replace(result, year=self.year)
        return result
