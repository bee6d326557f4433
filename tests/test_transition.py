"""Multi-year transitions: hand-worked years, floor groups, real terms, ceilings, errors,
alignment by code, convergence, and hypothesis invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundmodel.engine.transition import TransitionPlan, run_transition, transition_batch
from fundmodel.errors import DataError, InfeasibleDampingError, InvalidInputError
from fundmodel.scenarios.transition import transition
from fundmodel.testing import check_transition_invariants, formula_for, synthetic_authorities

YEARS = ["2026-27", "2027-28", "2028-29"]


def _series(la_codes: np.ndarray, values: list[float], name: str = "s") -> pd.Series:
    return pd.Series(values, index=la_codes, name=name)


def _run(baseline: list[float], target: list[float], **plan: object):  # type: ignore[no-untyped-def]
    la = synthetic_authorities([[1.0]] * len(baseline))
    p = TransitionPlan.model_validate(plan)
    return transition(_series(la.codes, target, "target"), _series(la.codes, baseline),
                      p, la)


def test_two_years_by_hand() -> None:
    # year 1: aim = 0.5*50 + 0.5*80 = 65 | 35; floor 45 -> council 1 held at 45, 0 gets 55
    # year 2: aim 80 | 20 against 55 | 45; floor 40.5 -> 59.5 | 40.5
    r = _run([50.0, 50.0], [80.0, 20.0], years=YEARS[:2], pots=[100, 100],
             phasing=[0.5, 1], floor=-0.1)
    assert (r.amount_pence / 100).tolist() == [[55.0, 45.0], [59.5, 40.5]]
    assert r.arrays.floor_bound[0].tolist() == [[False, True], [False, True]]
    frame = r.to_frame()
    assert frame["change"].tolist() == [5.0, -5.0, 4.5, -4.5]
    assert frame["target"].tolist() == [80.0, 20.0, 80.0, 20.0]


def test_floor_groups_by_hand() -> None:
    # aim 180 | 60 | 60; Council 1 floor 90 (top-up 30), Council 2 in a 100% group (40);
    # the gainer's 80 of gain pays 70: lam = 1/8, it gets 110
    la = synthetic_authorities([[1.0]] * 3)
    plan = TransitionPlan(years=YEARS[:1], pots=[300], phasing=[1], floor=-0.1,
                          floor_groups=[{"name": "protected", "councils": ["Council 2"],
                                         "floor": 0.0}])
    r = transition(_series(la.codes, [0.6, 0.2, 0.2]), _series(la.codes, [100.0] * 3),
                   plan, la)
    assert (r.amount_pence[0] / 100).tolist() == [110.0, 90.0, 100.0]
    assert r.arrays.gain_scale[0, 0] == pytest.approx(0.125)


def test_real_terms_floor_uses_the_deflator() -> None:
    deflator = {"name": "test", "base_year": "2025-26",
                "points": [{"year": "2025-26", "index": 100}, {"year": "2026-27", "index": 110}]}
    real = _run([100.0, 100.0], [1.0, 0.0], years=YEARS[:1], pots=[220], phasing=[1],
                floor=0.0, terms="real", deflator=deflator)
    assert (real.amount_pence[0] / 100).tolist() == [110.0, 110.0]  # both kept at 110 real
    cash = _run([100.0, 100.0], [1.0, 0.0], years=YEARS[:1], pots=[220], phasing=[1],
                floor=0.0)
    assert (cash.amount_pence[0] / 100).tolist() == [120.0, 100.0]  # lam = 1 - 100/120


def test_ceiling_by_hand() -> None:
    # aim 130 | 105 | 65 from 100 each; ceiling +20%: council 0 capped at 120, council 1
    # takes what is left: 300 - 65 - 120 = 115
    r = _run([100.0] * 3, [130.0, 105.0, 65.0], years=YEARS[:1], pots=[300], phasing=[1],
             ceiling=0.2)
    assert (r.amount_pence[0] / 100).tolist() == [120.0, 115.0, 65.0]
    assert r.arrays.ceiling_bound[0, 0].tolist() == [True, False, False]


def test_infeasible_floor_names_the_year_and_shortfall() -> None:
    with pytest.raises(InfeasibleDampingError, match=r"year 2027-28.*£40.00 short"):
        _run([50.0, 50.0], [0.5, 0.5], years=YEARS[:2], pots=[100, 50], phasing=[1, 1],
             floor=-0.1)


def test_years_to_converge_by_hand() -> None:
    # council 0 falls 10% a year from 100 towards 50: within 0.5% once 100 * 0.9^n <= 50.25,
    # n = 7 (year 7 is held at 50 exactly); council 1 rises in step
    r = _run([100.0, 100.0], [50.0, 150.0], years=YEARS[:1], pots=[200], phasing=[1],
             floor=-0.1)
    assert r.years_to_converge.tolist() == [7.0, 7.0]
    assert "only 0 of 2 councils are within 0.5% of target; Council 0 would need 7 years" \
        in r.summary()


def test_baseline_series_is_aligned_by_code_and_checked() -> None:
    la = synthetic_authorities([[1.0]] * 3)
    plan = TransitionPlan(years=YEARS[:1], pots=[300], phasing=[0.5])
    target = _series(la.codes, [1.0, 1.0, 1.0])
    shuffled = pd.Series([10.0, 30.0, 20.0], index=la.codes[[0, 2, 1]])
    r = transition(target, shuffled, plan, la)
    # aim = 0.5 * baseline share * 300 + 0.5 * 100 = 75, 100, 125
    assert (r.amount_pence[0] / 100).tolist() == [75.0, 100.0, 125.0]
    with pytest.raises(DataError, match="missing"):
        transition(target, shuffled.iloc[:2], plan, la)
    with pytest.raises(DataError, match=r"extra.*E99"):
        transition(target, pd.concat([shuffled, pd.Series([1.0], index=["E99000001"])]),
                   plan, la)


def test_plan_checks() -> None:
    with pytest.raises(InvalidInputError, match="phasing has 2 values for 3 years"):
        TransitionPlan(years=YEARS, pots=[1, 1, 1], phasing=[0.5, 1])
    with pytest.raises(InvalidInputError, match="needs a deflator"):
        TransitionPlan(years=YEARS[:1], pots=[1], phasing=[1], terms="real")
    assert TransitionPlan(years=YEARS, pots=[1] * 3, phasing=["1/3", "2/3", 1]).phasing[0] \
        == pytest.approx(1 / 3)
    la = synthetic_authorities([[1.0]] * 2)
    plan = TransitionPlan(years=YEARS[:1], pots=[2], phasing=[1], floor=-0.1,
                          floor_groups=[{"name": "g", "councils": ["Nowhere"], "floor": 0}])
    with pytest.raises(DataError, match="'Nowhere'"):
        plan.bounds(la)


cases = st.tuples(
    st.lists(st.tuples(st.integers(1, 10_000), st.integers(0, 10_000)), min_size=2,
             max_size=25),
    st.integers(1, 10**9), st.sampled_from([None, -0.02, -0.05, -0.2]),
    st.sampled_from([(1.0,), (1 / 3, 2 / 3, 1.0), (0.5, 0.5, 1.0)]),
)


@given(cases)
def test_invariants_hold(case: tuple[list[tuple[int, int]], int, float | None,
                                     tuple[float, ...]]) -> None:
    rows, pot_pence, floor, phasing = case
    base = np.array([b for b, _ in rows], dtype=float)
    target = np.array([t for _, t in rows], dtype=float) + 1.0
    la = synthetic_authorities([[1.0]] * len(rows))
    years = YEARS[: len(phasing)]
    plan = TransitionPlan(years=years, pots=[pot_pence / 100] * len(years),
                          phasing=list(phasing), floor=floor)
    baseline = base / base.sum() * pot_pence / 100
    try:
        r = transition(_series(la.codes, list(target)), _series(la.codes, list(baseline)),
                       plan, la)
    except InfeasibleDampingError:
        return  # a floor the pot cannot pay is refused, which is the specified behaviour
    check_transition_invariants(r)
    if floor is None:
        # with no floors the last year (phasing 1) is the target, to the penny
        assert np.array_equal(r.amount_pence[-1], r.target_pence[-1])


def test_batch_matches_single_runs() -> None:
    la = synthetic_authorities([[1.0, 5.0], [2.0, 1.0], [3.0, 3.0], [4.0, 0.5]])
    plan = TransitionPlan(years=YEARS, pots=[1000] * 3, phasing=["1/3", "2/3", 1],
                          floor=-0.05)
    baseline = np.array([250.0] * 4)
    weights = np.array([[1.0, 0.0], [0.3, 0.7], [0.0, 1.0]])
    batch = transition_batch(formula_for([0.5, 0.5]), la, weights, baseline, plan)
    assert batch.shape == (3, 3, 4)
    for v, w in enumerate(weights):
        # a plain second route: shares by hand, then the single-variant engine
        x = np.array([[1, 2, 3, 4], [5, 1, 3, 0.5]], dtype=float)
        shares = (w[:, None] * x / x.sum(axis=1, keepdims=True)).sum(axis=0)
        single = run_transition(shares[None, :], baseline, plan, la.code_rank())
        assert np.abs(batch[v] - single.amount_pence[0]).max() <= 1
        assert (batch[v].sum(axis=1) == 100_000).all()
