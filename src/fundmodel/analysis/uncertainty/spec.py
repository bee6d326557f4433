"""What a sensitivity run varies and how (:class:`SensitivitySpec`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import ConfigDict, Field, model_validator

from fundmodel.core.model import FrozenModel
from fundmodel.engine.formula import check_weights
from fundmodel.engine.money import total_in_pence
from fundmodel.engine.named_formulas import FormulaOrPreset
from fundmodel.parameters.records import Money

if TYPE_CHECKING:
    pass
from fundmodel.analysis.uncertainty.distributions import DirichletWeights, Distribution, Fixed

# ------------------------------------------------------------------ the spec
DEFAULT_KEEP = 100_000
"""Variants whose full amounts are kept (amount percentiles use these; see SensitivitySpec)."""


class SensitivitySpec(FrozenModel):
    """What is uncertain, how, and how many variants to run.

    ``baseline_path`` says what each year's damping baseline is: ``fixed`` (the baseline
    column as given, every year) or ``with_pot`` (the column scaled by the pot's growth
    since the first year). ``compare_to`` names a column (pounds) to count gains against;
    by default the damping baseline, if the formula has one.

    ``chunk_size`` (rows, i.e. variant-year pairs, per chunk; whole variants, at least one)
    bounds memory and does not change results. The default keeps each chunk's arrays
    small enough to stay in a core's cache, which is faster than bigger chunks.
    Rank percentiles, probabilities and means use every variant; amount percentiles use
    the first ``keep_variants`` (all of them unless you run more than that), because
    exact percentiles need every amount held in memory.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    formula: FormulaOrPreset
    total: Money
    years: tuple[str, ...] = Field(default=("year 1",), min_length=1)
    weights: DirichletWeights | None = None
    unit_costs: dict[str, Distribution] = Field(default_factory=dict)
    growth: Distribution | None = None
    growth_by_year: bool = False
    baseline_path: Literal["fixed", "with_pot"] = "fixed"
    compare_to: str | None = None
    interval: tuple[int, int] = (5, 95)
    n_variants: int = Field(default=1000, ge=1, le=100_000_000)
    seed: int = Field(default=0, ge=0)
    chunk_size: int = Field(default=640, ge=1)
    keep_variants: int = Field(default=DEFAULT_KEEP, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> SensitivitySpec:
        names = [i.name for i in self.formula.indicators]
        if self.weights is not None:
            if self.formula.basis != "shares":
                raise ValueError(
                    "weights (Dirichlet) apply to a shares-basis formula; for a per_unit "
                    "formula give unit_costs per indicator"
                )
            if self.weights.centre is not None:
                centre = self.weights.centre
                if set(centre) != set(names):
                    raise ValueError(
                        f"weights.centre must name every indicator {names}, got {sorted(centre)}"
                    )
                check_weights(np.array([[centre[n] for n in names]]), "shares", names)
        if self.unit_costs:
            if self.formula.basis != "per_unit":
                raise ValueError(
                    "unit_costs apply to a per_unit formula (weights in pounds per unit); for "
                    "a shares formula use weights (Dirichlet)"
                )
            unknown = sorted(set(self.unit_costs) - set(names))
            if unknown:
                raise ValueError(f"unit_costs name unknown indicator(s) {unknown}; known {names}")
        if len(set(self.years)) != len(self.years):
            raise ValueError(f"years must be distinct, got {list(self.years)}")
        low, high = self.interval
        if not 0 < low < 50 < high < 100:
            raise ValueError(f"interval must be (low, high) percents with 0<low<50<high<100, "
                             f"got {self.interval}")
        total_in_pence(self.total.in_pounds())
        return self

    def inputs(self) -> list[str]:
        """Names of the uncertain inputs, in a fixed order (each has its own stream)."""
        names = ["weights"] if self.weights is not None else []
        names += [f"unit cost: {k}" for k in sorted(self.unit_costs)
                  if not isinstance(self.unit_costs[k], Fixed)]
        if self.growth is not None and not isinstance(self.growth, Fixed) and len(self.years) > 1:
            names.append("growth")
        return names

    def only(self, name: str) -> SensitivitySpec:
        """A copy in which only input ``name`` varies (the others at their centre).

        >>> from fundmodel.analysis.uncertainty import Normal
        >>> from fundmodel.testing import formula_for
        >>> s = SensitivitySpec(formula=formula_for([1.0]), total=10, years=("a", "b"),
        ...                     growth=Normal(mean=0.0, sd=0.1))
        >>> s.only("growth").inputs()
        ['growth']
        """
        if name not in self.inputs():
            raise ValueError(f"unknown input {name!r}; this spec varies {self.inputs()}")
        formula = self.formula
        if name != "weights" and self.weights is not None and self.weights.centre is not None:
            formula = formula.with_weights(self.weights.centre)
        update: dict[str, Any] = {
            "formula": formula,
            "weights": self.weights if name == "weights" else None,
            "unit_costs": {k: v if name == f"unit cost: {k}" else Fixed(value=v.centre())
                           for k, v in self.unit_costs.items()},
            "growth": self.growth if name == "growth" or self.growth is None
            else Fixed(value=self.growth.centre()),
        }
        return self.model_copy(update=update)
