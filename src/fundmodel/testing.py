"""Hypothesis strategies and invariant checks for property-testing needs formulas.

Import these in your own CI to test a formula you wrote (needs ``hypothesis``)::

    from hypothesis import given
    from fundmodel.testing import allocation_cases, check_allocation_invariants

    @given(allocation_cases())
    def test_my_formula(case):
        check_allocation_invariants(case.allocate())

Each ``check_*`` function raises :class:`AssertionError` with a message naming the
authority and the values that broke the rule.

>>> from fundmodel.testing import synthetic_authorities
>>> synthetic_authorities([[1.0, 2.0], [3.0, 4.0]]).n
2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from fundmodel._types import FloatArray
from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.data.codes import REGIONS
from fundmodel.engine.allocate import allocate
from fundmodel.engine.formula import Damping, Indicator, NeedsFormula
from fundmodel.engine.result import Allocation
from fundmodel.scenarios.rcc import RCCResult


def synthetic_authorities(
    indicators: Sequence[Sequence[float]] | FloatArray,
    baseline: Sequence[float] | FloatArray | None = None,
) -> Authorities:
    """Authorities with made-up unitary codes; ``indicators[i][k]`` is council i's value k.

    Columns are named ``x0``, ``x1``, ...; ``children_0_17`` copies ``x0``; ``baseline``
    (pounds) goes in a column of that name.
    """
    values = np.asarray(indicators, dtype=np.float64)
    n = values.shape[0]
    frame = pd.DataFrame(
        {
            "code": [f"E06{900000 + i:06d}" for i in range(n)],
            "name": [f"Council {i}" for i in range(n)],
            "region": [REGIONS[i % len(REGIONS)] for i in range(n)],
            "council_type": "unitary",
        }
    )
    for k in range(values.shape[1]):
        frame[f"x{k}"] = values[:, k]
    frame["children_0_17"] = values[:, 0]
    if baseline is not None:
        frame["baseline"] = np.asarray(baseline, dtype=np.float64)
    return authorities_from_frame(frame, "synthetic authorities", geography="custom")


def formula_for(weights: Sequence[float], damping: Damping | None = None) -> NeedsFormula:
    """A shares-basis formula over columns ``x0..xK`` with the given weights (summing to 1)."""
    return NeedsFormula(
        name="synthetic formula",
        indicators=tuple(
            Indicator(name=f"x{k}", column=f"x{k}", weight=float(w)) for k, w in enumerate(weights)
        ),
        damping=damping,
    )


@dataclass(frozen=True)
class AllocationCase:
    """A random but valid allocation problem drawn by :func:`allocation_cases`."""

    indicators: FloatArray
    weights: FloatArray
    total: float
    baseline: FloatArray | None = None
    floor: float | None = None
    ceiling: float | None = None

    def authorities(self) -> Authorities:
        """The synthetic authorities of this case."""
        return synthetic_authorities(self.indicators, self.baseline)

    def formula(self) -> NeedsFormula:
        """The formula of this case (with damping when a baseline is set)."""
        damping = None
        if self.baseline is not None:
            damping = Damping(baseline="baseline", floor=self.floor, ceiling=self.ceiling)
        return formula_for(self.weights.tolist(), damping)

    def allocate(self) -> Allocation:
        """Run the engine on this case."""
        return allocate(self.formula(), self.authorities(), self.total)


def _weights(k: int) -> st.SearchStrategy[FloatArray]:
    raw = st.lists(st.integers(0, 1000), min_size=k, max_size=k).filter(lambda w: sum(w) > 0)
    return raw.map(lambda w: np.asarray(w, dtype=np.float64) / float(sum(w))).filter(
        lambda w: abs(float(w.sum()) - 1.0) <= 1e-12
    )


@st.composite
def allocation_cases(
    draw: st.DrawFn,
    min_authorities: int = 2,
    max_authorities: int = 40,
    max_indicators: int = 4,
    damping: bool = False,
) -> AllocationCase:
    """Random valid problems: indicators >= 0 with a positive total per indicator, weights
    summing to 1, a control total in whole pence; with ``damping`` a baseline that sums to
    the total and a floor the pot can fund (checked before returning)."""
    n = draw(st.integers(min_authorities, max_authorities))
    k = draw(st.integers(1, max_indicators))
    cell = st.one_of(st.just(0.0), st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False))
    values = np.asarray(
        draw(st.lists(st.lists(cell, min_size=k, max_size=k), min_size=n, max_size=n)),
        dtype=np.float64,
    )
    values[draw(st.integers(0, n - 1)), :] += 1.0  # every indicator has a positive total
    weights = draw(_weights(k))
    total = draw(st.integers(0, 10**13)) / 100.0
    if not damping:
        return AllocationCase(values, weights, total)
    base_w = np.asarray(draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n)), float)
    baseline = base_w / base_w.sum() * total
    floor = draw(st.one_of(st.none(), st.floats(-0.5, 0.0)))
    ceiling = draw(st.one_of(st.none(), st.floats(0.0, 1.0)))
    if floor is None and ceiling is None:
        floor = -0.05
    return AllocationCase(values, weights, total, baseline, floor, ceiling)


def check_allocation_invariants(result: Allocation) -> None:
    """Amounts are whole pence, non-negative, and every variant sums exactly to the total."""
    pence = result.amount_pence
    assert pence.dtype == np.int64, f"amounts must be whole pence, got {pence.dtype}"
    if np.any(pence < 0):
        v, i = np.argwhere(pence < 0)[0]
        raise AssertionError(f"{result.authorities.codes[i]} gets {pence[v, i]}p in variant {v}")
    sums = pence.sum(axis=1)
    bad = np.flatnonzero(sums != result.total_pence)
    assert bad.size == 0, f"variant {bad[:1]} sums to {sums[bad[:1]]}p, not {result.total_pence}p"


def check_damping_invariants(result: Allocation) -> None:
    """No council below its floor or above its ceiling (to the penny); total unchanged."""
    check_allocation_invariants(result)
    damping = result.formula.damping
    assert damping is not None and result.baseline is not None, "result has no damping"
    base = result.baseline * 100.0
    slack = 1e-6 * max(1.0, float(base.sum()))
    if damping.floor is not None:
        low = np.floor(base * (1.0 + damping.floor) - slack)
        below = result.amount_pence < low
        if np.any(below):
            v, i = np.argwhere(below)[0]
            raise AssertionError(
                f"{result.authorities.codes[i]} below floor: {result.amount_pence[v, i]}p < "
                f"{low[i]}p"
            )
    if damping.ceiling is not None:
        high = np.ceil(base * (1.0 + damping.ceiling) + slack)
        above = result.amount_pence > high
        if np.any(above):
            v, i = np.argwhere(above)[0]
            raise AssertionError(
                f"{result.authorities.codes[i]} above ceiling: {result.amount_pence[v, i]}p > "
                f"{high[i]}p"
            )


def check_pool_conservation(result: RCCResult) -> None:
    """RCC pooling conserves money to the penny: what members put in equals what the pools
    hold plus what they pay out (delegates to the result's own exact check)."""
    result.check_conservation()


def check_permutation(case: AllocationCase, permutation: Sequence[int]) -> None:
    """Reordering the councils reorders the results and changes nothing else."""
    perm = np.asarray(permutation)
    la = case.authorities()
    first = allocate(case.formula(), la, case.total)
    second = allocate(case.formula(), la.take(perm), case.total)
    assert np.array_equal(first.amount_pence[:, perm], second.amount_pence), (
        "permuting councils changed the amounts"
    )


def check_scale_invariance(case: AllocationCase, factor: float) -> None:
    """Scaling every indicator by ``factor`` > 0 leaves shares (and amounts) unchanged."""
    first = case.allocate()
    scaled = AllocationCase(case.indicators * factor, case.weights, case.total)
    second = scaled.allocate()
    np.testing.assert_allclose(second.shares, first.shares, rtol=1e-9, atol=1e-15)


def check_monotone(case: AllocationCase, council: int, indicator: int, increase: float) -> None:
    """Raising one council's indicator (others fixed) never lowers its share."""
    first = case.allocate()
    bumped = case.indicators.copy()
    bumped[council, indicator] += increase
    second = AllocationCase(bumped, case.weights, case.total).allocate()
    before, after = first.shares[0, council], second.shares[0, council]
    assert after >= before * (1 - 1e-12) - 1e-15, (
        f"council {council}: share fell from {before} to {after} when indicator "
        f"{indicator} rose by {increase}"
    )
