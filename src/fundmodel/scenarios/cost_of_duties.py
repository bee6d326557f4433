"""Cost-of-duties scenario: the Children Act duties priced from standards (absolute mode).

``standards`` overrides any record of ``parameters/cost_of_duties.yaml`` by name (a bare
number is recorded as user-supplied, an assumption); the rest keep their sourced values.
``basis`` picks the spend compared (``ro3`` net on the matching lines, or ``s251`` gross).

>>> from fundmodel.scenarios.base import load_scenario_text
>>> s = load_scenario_text('''
... kind: cost_of_duties
... header: {title: Duties at 12 cases per worker, assumes: shipped standards otherwise}
... standards: {cases_per_social_worker: 12}
... n_draws: 100
... ''')
>>> r = s.run()
>>> r.standards["cases_per_social_worker"].value
12.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from fundmodel.scenarios.base import Scenario

if TYPE_CHECKING:
    from fundmodel.analysis.cost_of_duties import DutiesResult
    from fundmodel.data.authorities import Authorities


class CostOfDutiesScenario(Scenario):
    """Price each duty as caseload x a unit cost built from the standards; compare with spend."""

    kind: Literal["cost_of_duties"] = "cost_of_duties"
    standards: dict[str, float] = Field(
        default_factory=dict, description="standard name -> value (overrides the shipped record)")
    basis: Literal["ro3", "s251"] = "ro3"
    n_draws: int = Field(default=2000, ge=10, le=100_000)
    seed: int = Field(default=2026, ge=0)

    @field_validator("standards")
    @classmethod
    def _known(cls, value: dict[str, float]) -> dict[str, float]:
        from fundmodel.analysis.cost_of_duties import STANDARD_NAMES

        unknown = sorted(set(value) - set(STANDARD_NAMES))
        if unknown:
            raise ValueError(f"unknown standards {unknown}; known: {list(STANDARD_NAMES)}")
        return value

    def run(self, authorities: Authorities | None = None) -> DutiesResult:
        """Cost the duties on ``authorities`` (the embedded data by default)."""
        from fundmodel.analysis.cost_of_duties import cost_of_duties, default_standards

        standards = default_standards().updated(self.standards)
        return cost_of_duties(authorities, standards, basis=self.basis,
                              n_draws=self.n_draws, seed=self.seed)
