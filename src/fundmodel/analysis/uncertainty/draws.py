"""Drawing the inputs of every variant from its own seeded stream."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import FloatArray, IntArray
from fundmodel.engine.formula import check_weights
from fundmodel.engine.money import MAX_PENCE, total_in_pence
from fundmodel.errors import FormulaError

if TYPE_CHECKING:
    pass
from fundmodel.analysis.uncertainty.spec import SensitivitySpec


# ------------------------------------------------------------------ drawing
@dataclass(frozen=True)
class Draws:
    """Every variant's inputs: weights (variants x indicators) and pots in pence
    (variants x years), plus the growth factor of each year since the first."""

    weights: FloatArray
    pot_pence: IntArray
    growth_factor: FloatArray


def _rng(spec: SensitivitySpec, name: str, own_seed: int | None) -> np.random.Generator:
    if own_seed is not None:
        return np.random.default_rng(own_seed)
    key = zlib.crc32(name.encode())  # stable across runs and platforms, unlike hash()
    return np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=(key,)))


def draw_inputs(spec: SensitivitySpec, n: int | None = None) -> Draws:
    """Draw the first ``n`` (default all) variants' inputs; raises FormulaError naming
    the variant and value of any draw that cannot be used (negative cost, pot below zero).

    >>> from fundmodel.analysis.uncertainty import SensitivitySpec, Uniform
    >>> from fundmodel.testing import formula_for
    >>> s = SensitivitySpec(formula=formula_for([1.0]), total=100, years=("a", "b", "c"),
    ...                     growth=Uniform(low=0.1, high=0.1), n_variants=2)
    >>> draw_inputs(s).pot_pence.tolist()
    [[10000, 11000, 12100], [10000, 11000, 12100]]
    """
    n = spec.n_variants if n is None else n
    formula = spec.formula
    names = [i.name for i in formula.indicators]
    w = np.tile(formula.weight_vector(), (n, 1))
    if spec.weights is not None:
        centre = (
            formula.weight_vector() if spec.weights.centre is None
            else np.array([spec.weights.centre[k] for k in names])
        )
        w = spec.weights.draw(_rng(spec, "weights", spec.weights.seed), n, centre)
    for name in sorted(spec.unit_costs):
        dist = spec.unit_costs[name]
        costs = dist.draw(_rng(spec, f"unit cost: {name}", dist.seed), n)
        bad = np.flatnonzero(~(costs >= 0))
        if bad.size:
            raise FormulaError(
                f"unit cost for {name!r} drew {costs[bad[0]]:.6g} in variant {int(bad[0])}; "
                f"costs must not be negative: use a LogNormal or a range above zero instead "
                f"of {dist.describe()}"
            )
        w[:, names.index(name)] = costs
    check_weights(w, formula.basis, names)

    years = len(spec.years)
    factor = np.ones((n, years))
    if spec.growth is not None and years > 1:
        shape = (n, years - 1) if spec.growth_by_year else (n, 1)
        g = spec.growth.draw(_rng(spec, "growth", spec.growth.seed), shape)
        where_bad = np.argwhere(~(g > -1.0))
        if where_bad.size:
            v, y = where_bad[0]
            raise FormulaError(
                f"growth rate drew {g[v, y]:.6g} in variant {int(v)} (year {y + 2}); a rate "
                f"at or below -1 leaves no pot. Narrow {spec.growth.describe()}"
            )
        factor[:, 1:] = np.cumprod(np.broadcast_to(1.0 + g, (n, years - 1)), axis=1)
    pence0 = total_in_pence(spec.total.in_pounds())
    pots = np.rint(pence0 * factor)
    if np.any(pots >= MAX_PENCE):
        v = int(np.argmax(pots.max(axis=1)))
        raise FormulaError(f"variant {v}'s pot grows beyond what float64 holds to the penny")
    return Draws(weights=w, pot_pence=pots.astype(np.int64), growth_factor=factor)


def central_inputs(spec: SensitivitySpec) -> Draws:
    """The central variant: every distribution at its centre (weights at the Dirichlet
    centre, unit costs and growth at their mean, median, midpoint or mode)."""
    formula = spec.formula
    names = [i.name for i in formula.indicators]
    w = formula.weight_vector()
    if spec.weights is not None and spec.weights.centre is not None:
        w = np.array([spec.weights.centre[k] for k in names])
    for name, dist in spec.unit_costs.items():
        w[names.index(name)] = dist.centre()
    years = len(spec.years)
    factor = np.ones((1, years))
    if spec.growth is not None and years > 1:
        factor[0, 1:] = np.cumprod(np.full(years - 1, 1.0 + spec.growth.centre()))
    pots = np.rint(total_in_pence(spec.total.in_pounds()) * factor).astype(np.int64)
    return Draws(weights=w[None, :], pot_pence=pots, growth_factor=factor)
