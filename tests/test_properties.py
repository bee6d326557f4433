"""Invariants of the engine, property-tested with hypothesis (strategies from fundmodel.testing)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from fundmodel.errors import InfeasibleDampingError
from fundmodel.testing import (
    AllocationCase,
    allocation_cases,
    check_allocation_invariants,
    check_damping_invariants,
    check_monotone,
    check_permutation,
    check_scale_invariance,
)


@given(allocation_cases())
def test_amounts_are_whole_non_negative_pence_summing_to_the_total(case: AllocationCase) -> None:
    check_allocation_invariants(case.allocate())


@given(allocation_cases(), st.randoms(use_true_random=False))
def test_permuting_councils_permutes_results(case: AllocationCase, rnd: object) -> None:
    perm = list(range(case.indicators.shape[0]))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    check_permutation(case, perm)


@given(allocation_cases(), st.floats(1e-3, 1e3))
def test_scaling_indicators_leaves_shares_unchanged(case: AllocationCase, factor: float) -> None:
    check_scale_invariance(case, factor)


@given(allocation_cases(), st.data())
def test_raising_a_councils_need_never_lowers_its_share(
    case: AllocationCase, data: st.DataObject
) -> None:
    n, k = case.indicators.shape
    council = data.draw(st.integers(0, n - 1))
    indicator = data.draw(st.integers(0, k - 1))
    increase = data.draw(st.floats(0.0, 1e6))
    check_monotone(case, council, indicator, increase)


@given(allocation_cases(damping=True))
def test_damping_respects_floors_ceilings_and_total(case: AllocationCase) -> None:
    try:
        result = case.allocate()
    except InfeasibleDampingError:
        _assert_really_infeasible(case)
        return
    check_damping_invariants(result)


def _assert_really_infeasible(case: AllocationCase) -> None:
    """An infeasibility error must be true: either the floors cost more than all gains,
    or the ceilings cannot hold the pot."""
    la = case.authorities()
    result = AllocationCase(case.indicators, case.weights, case.total).allocate()
    raw = result.formula_amount[0]
    base = case.baseline
    assert base is not None
    gain = np.clip(raw - base, 0, None)
    if case.floor is not None:
        protection = np.clip(base * (1 + case.floor) - raw, 0, None)
        protection[raw > base] = 0
        if protection.sum() > gain.sum():
            return
    assert case.ceiling is not None, f"floor reported infeasible but it is not ({la.n} councils)"
    floor = base * (1 + case.floor) if case.floor is not None else raw
    losers = np.where(raw > base, 0.0, np.maximum(raw, floor))
    capped = np.where(raw > base, base * (1 + case.ceiling), 0.0)
    assert losers.sum() + capped.sum() < case.total, "ceiling reported infeasible but it is not"
