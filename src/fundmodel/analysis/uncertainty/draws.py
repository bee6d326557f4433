"""Drawing the inputs of every variant from its own seeded stream, chunk by chunk."""

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


class DrawStream:
    """Every input's own seeded generator, read variant after variant in chunks.

    Each generator yields the same numbers however they are split, so the inputs of
    variant ``v`` do not depend on the chunk sizes asked for: ``next(3)`` then ``next(5)``
    gives exactly the eight variants that ``next(8)`` (or :func:`draw_inputs`) gives.
    Nothing but the generators is held, so memory does not grow with the variants drawn.

    >>> from fundmodel.analysis.uncertainty import SensitivitySpec, Normal
    >>> from fundmodel.testing import formula_for
    >>> s = SensitivitySpec(formula=formula_for([1.0]), total=100, years=("a", "b"),
    ...                     growth=Normal(mean=0.0, sd=0.1), n_variants=8)
    >>> stream = DrawStream(s)
    >>> parts = [stream.next(3).pot_pence, stream.next(5).pot_pence]
    >>> bool((np.concatenate(parts) == draw_inputs(s).pot_pence).all())
    True
    """

    def __init__(self, spec: SensitivitySpec) -> None:
        self.spec = spec
        self.drawn = 0  # variants handed out so far
        self._weights = None if spec.weights is None else _rng(spec, "weights", spec.weights.seed)
        self._costs = {name: _rng(spec, f"unit cost: {name}", spec.unit_costs[name].seed)
                       for name in sorted(spec.unit_costs)}
        self._growth = None if spec.growth is None else _rng(spec, "growth", spec.growth.seed)
        formula = spec.formula
        self._names = [i.name for i in formula.indicators]
        self._centre = formula.weight_vector()
        if spec.weights is not None and spec.weights.centre is not None:
            self._centre = np.array([spec.weights.centre[k] for k in self._names])
        self._pence0 = total_in_pence(spec.total.in_pounds())

    def next(self, n: int) -> Draws:
        """The inputs of the next ``n`` variants; raises FormulaError naming the variant
        (counted from the first of the run) and value of any draw that cannot be used."""
        spec, first = self.spec, self.drawn
        formula = spec.formula
        names = self._names
        w = np.tile(formula.weight_vector(), (n, 1))
        if spec.weights is not None and self._weights is not None:
            w = spec.weights.draw(self._weights, n, self._centre)
        for name, rng in self._costs.items():
            dist = spec.unit_costs[name]
            costs = dist.draw(rng, n)
            bad = np.flatnonzero(~(costs >= 0))
            if bad.size:
                raise FormulaError(
                    f"unit cost for {name!r} drew {costs[bad[0]]:.6g} in variant "
                    f"{first + int(bad[0])}; costs must not be negative: use a LogNormal or a "
                    f"range above zero instead of {dist.describe()}"
                )
            w[:, names.index(name)] = costs
        check_weights(w, formula.basis, names)

        years = len(spec.years)
        factor = np.ones((n, years))
        if spec.growth is not None and self._growth is not None and years > 1:
            shape = (n, years - 1) if spec.growth_by_year else (n, 1)
            g = spec.growth.draw(self._growth, shape)
            where_bad = np.argwhere(~(g > -1.0))
            if where_bad.size:
                v, y = where_bad[0]
                raise FormulaError(
                    f"growth rate drew {g[v, y]:.6g} in variant {first + int(v)} (year {y + 2}); "
                    f"a rate at or below -1 leaves no pot. Narrow {spec.growth.describe()}"
                )
            factor[:, 1:] = np.cumprod(np.broadcast_to(1.0 + g, (n, years - 1)), axis=1)
        pots = np.rint(self._pence0 * factor)
        if np.any(pots >= MAX_PENCE):
            v = first + int(np.argmax(pots.max(axis=1)))
            raise FormulaError(f"variant {v}'s pot grows beyond what float64 holds to the penny")
        self.drawn += n
        return Draws(weights=w, pot_pence=pots.astype(np.int64), growth_factor=factor)


def draw_inputs(spec: SensitivitySpec, n: int | None = None) -> Draws:
    """Draw the first ``n`` (default all) variants' inputs at once (see :class:`DrawStream`,
    which :func:`run_sensitivity` reads chunk by chunk, for the same draws in bounded
    memory); raises FormulaError naming the variant and value of any draw that cannot be
    used (negative cost, pot below zero).

    >>> from fundmodel.analysis.uncertainty import SensitivitySpec, Uniform
    >>> from fundmodel.testing import formula_for
    >>> s = SensitivitySpec(formula=formula_for([1.0]), total=100, years=("a", "b", "c"),
    ...                     growth=Uniform(low=0.1, high=0.1), n_variants=2)
    >>> draw_inputs(s).pot_pence.tolist()
    [[10000, 11000, 12100], [10000, 11000, 12100]]
    """
    return DrawStream(spec).next(spec.n_variants if n is None else n)


def take(draws: Draws, part: slice) -> Draws:
    """The variants ``part`` of ``draws``."""
    return Draws(draws.weights[part], draws.pot_pence[part], draws.growth_factor[part])


def concat(parts: list[Draws]) -> Draws:
    """Draws of consecutive chunks joined into one."""
    return Draws(np.concatenate([p.weights for p in parts]),
                 np.concatenate([p.pot_pence for p in parts]),
                 np.concatenate([p.growth_factor for p in parts]))


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
