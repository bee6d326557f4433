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
DEFAULT_KEEP = 1_000
"""Variants whose full amounts are kept when a run is too big to keep them all (the pilot
of the streaming percentiles, and what :meth:`SensitivityResult.drivers` reruns)."""

EXACT_BYTES = 64 * 2**20
"""By default a run keeps every variant's amounts (exact percentiles) while they fit in
this many bytes: about 10,900 variants x 153 councils x 5 years."""


class SensitivitySpec(FrozenModel):
    """What is uncertain, how, and how many variants to run.

    ``baseline_path`` says what each year's damping baseline is: ``fixed`` (the baseline
    column as given, every year) or ``with_pot`` (the column scaled by the pot's growth
    since the first year). ``compare_to`` names a column (pounds) to count gains against;
    by default the damping baseline, if the formula has one.

    ``chunk_size`` (rows, i.e. variant-year pairs, per chunk; whole variants, at least one)
    bounds memory and does not change results. The default keeps each chunk's arrays
    small enough to stay in a core's cache, which is faster than bigger chunks; chunks
    are never more than 100,000 cells (rows x areas), whatever the number of areas.

    ``keep_variants`` is how many variants' full amounts are kept (the reservoir; the
    first ones, a random sample since variants are independent). By default (``None``)
    every variant is kept while their amounts fit in 64 MiB (:data:`EXACT_BYTES`), and
    otherwise the first :data:`DEFAULT_KEEP` (fewer if even those do not fit). When every
    variant is kept, percentiles are exact. When not, probabilities, means and sds are
    still exact over every variant, and so are rank percentiles for up to 256 areas;
    amount percentiles (and rank percentiles for more areas) come from a streaming
    histogram whose window the kept variants set, and the result reports each one's
    error bound (``amount_error``, ``rank_error`` in :meth:`SensitivityResult.intervals`).
    Memory then does not depend on the number of variants.
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
    keep_variants: int | None = Field(default=None, ge=1)

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

    def kept_variants(self, areas: int) -> int:
        """Variants whose amounts a run over ``areas`` areas keeps (see ``keep_variants``).

        >>> from fundmodel.testing import formula_for
        >>> s = SensitivitySpec(formula=formula_for([1.0]), total=1, years=("a",) * 1,
        ...                     n_variants=1_000_000)
        >>> s.kept_variants(153), s.model_copy(update={"n_variants": 5000}).kept_variants(153)
        (1000, 5000)
        """
        if self.keep_variants is not None:
            return min(self.keep_variants, self.n_variants)
        per_variant = 8 * len(self.years) * max(areas, 1)
        if self.n_variants * per_variant <= EXACT_BYTES:
            return self.n_variants
        return max(1, min(DEFAULT_KEEP, EXACT_BYTES // per_variant, self.n_variants))

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
