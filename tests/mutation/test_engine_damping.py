"""Floors and ceilings (fundmodel.engine.damping) against hand-worked cases and a plain
bisection written here (the engine solves the piecewise-linear equation exactly instead)."""

from __future__ import annotations

import numpy as np
import pytest

from fundmodel.engine.damping import (
    _pct,
    apply_damping,
    damp_with_ceiling,
    damp_without_ceiling,
)
from fundmodel.engine.scratch import Scratch
from fundmodel.errors import InfeasibleDampingError

pytestmark = pytest.mark.filterwarnings("error")  # no stray RuntimeWarnings for users


def plain_damping(raw: list[float], base: list[float], floor: float | list[float] | None,
                  ceiling: float | list[float] | None) -> tuple[list[float], float]:
    """Losers get max(floor amount, raw); gainers min(cap, base + lam * gain), lam found by
    bisection so that the amounts add up to the raw total."""
    n = len(raw)
    floors = [floor] * n if not isinstance(floor, list) else floor
    ceilings = [ceiling] * n if not isinstance(ceiling, list) else ceiling
    total = sum(raw)

    def amounts(lam: float) -> list[float]:
        out = []
        for r, b, f, c in zip(raw, base, floors, ceilings, strict=True):
            if r <= b:
                out.append(r if f is None else max(b * (1 + f), r))
            else:
                a = b + lam * (r - b)
                out.append(a if c is None else min(b * (1 + c), a))
        return out

    if not any(r > b for r, b in zip(raw, base, strict=True)):
        return amounts(0.0), 0.0
    low, high = 0.0, 1.0
    while sum(amounts(high)) < total and high < 1e9:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if sum(amounts(mid)) < total:
            low = mid
        else:
            high = mid
    return amounts(high), high


def test_floor_only_by_hand() -> None:
    # 60 -> 90 costs 30; the one gainer (+40) keeps 10: lam = 1/4; 100 (no gain) stays put
    amounts, lam = apply_damping(np.array([[60.0, 140.0, 100.0]]), np.full(3, 100.0),
                                 floor=-0.10, ceiling=None)
    np.testing.assert_allclose(amounts, [[90.0, 110.0, 100.0]])
    np.testing.assert_allclose(lam, [0.25])


def test_floor_and_ceiling_by_hand() -> None:
    # losers 95 (above the floor) and 50 -> 90; gainers must add to 215: uncapped lam 15/55
    # puts 150 at 113.6, past its cap 110; re-solved, 110 + 100 + 5 lam = 215: lam = 1
    raw = np.array([[95.0, 150.0, 105.0, 50.0]])
    amounts, lam = apply_damping(raw, np.full(4, 100.0), floor=-0.10, ceiling=0.10)
    np.testing.assert_allclose(amounts, [[95.0, 110.0, 105.0, 90.0]])
    np.testing.assert_allclose(lam, [1.0])


def test_freed_money_is_shared_out_lam_above_one() -> None:
    # as above with 102 and 53: 110 + 100 + 2 lam = 215, lam = 2.5, so 102 -> 105
    raw = np.array([[95.0, 150.0, 102.0, 53.0]])
    amounts, lam = apply_damping(raw, np.full(4, 100.0), floor=-0.10, ceiling=0.10)
    np.testing.assert_allclose(amounts, [[95.0, 110.0, 105.0, 90.0]])
    np.testing.assert_allclose(lam, [2.5])


def test_ceiling_without_floor_by_hand() -> None:
    # no floor: the loser keeps 70; 140 is capped at 120 and the 20 freed goes to the other
    # gainer (baseline 200, +10): 120 + 200 + 10 lam = 350, lam = 3, so 210 -> 230
    raw = np.array([[70.0, 140.0, 210.0]])
    amounts, lam = apply_damping(raw, np.array([100.0, 100.0, 200.0]), floor=None,
                                 ceiling=0.2)
    np.testing.assert_allclose(amounts, [[70.0, 120.0, 230.0]])
    np.testing.assert_allclose(lam, [3.0])


def test_no_gainers_leave_lam_zero_and_amounts_unchanged() -> None:
    for ceiling in (None, 0.1):
        amounts, lam = apply_damping(np.array([[100.0, 100.0]]), np.full(2, 100.0),
                                     floor=-0.1, ceiling=ceiling)
        np.testing.assert_allclose(amounts, [[100.0, 100.0]])
        assert lam.tolist() == [0.0]


def test_infeasible_floor_names_the_shortfall() -> None:
    with pytest.raises(InfeasibleDampingError) as caught:
        apply_damping(np.array([[50.0, 110.0]]), np.full(2, 100.0), floor=-0.1, ceiling=None)
    assert str(caught.value) == (
        "floor of -10.0% is infeasible (variant 0): protecting councils costs £40.00 but "
        "gains above baseline total only £10.00; the pot is £30.00 short")


def test_infeasible_floor_names_the_worst_variant_and_a_floor_range() -> None:
    raw = np.array([[90.0, 110.0], [50.0, 150.0], [50.0, 110.0]])
    for ceiling in (None, 0.5):
        with pytest.raises(InfeasibleDampingError) as caught:
            apply_damping(raw, np.full(2, 100.0), floor=np.array([-0.1, -0.05]),
                          ceiling=ceiling)
        assert str(caught.value) == (
            "floor of -10.0% to -5.0% is infeasible (variant 2): protecting councils costs "
            "£40.00 but gains above baseline total only £10.00; the pot is £30.00 short")


def test_a_shortfall_within_float_tolerance_is_accepted() -> None:
    # protection 10 against gains 10 - 1e-7: within 1e-9 of the 190 pot, so not refused
    raw = np.array([[80.0, 110.0 - 1e-7]])
    for ceiling in (None, 0.5):
        amounts, lam = apply_damping(raw, np.full(2, 100.0), floor=-0.1, ceiling=ceiling)
        assert lam.tolist() == [0.0]
        np.testing.assert_allclose(amounts, [[90.0, 100.0]])
    with pytest.raises(InfeasibleDampingError):
        apply_damping(np.array([[80.0, 110.0 - 1e-6]]), np.full(2, 100.0), floor=-0.1,
                      ceiling=None)
    # a known pot of £10,000 widens the tolerance to 1e-5
    amounts, lam = damp_without_ceiling(np.array([[80.0, 110.0 - 1e-6]]), np.full(2, 100.0),
                                        -0.1, Scratch(), fresh=True, totals=np.array([1e4]))
    assert lam.tolist() == [0.0]
    with pytest.raises(InfeasibleDampingError):
        damp_without_ceiling(np.array([[80.0, 110.0 - 1e-6]]), np.full(2, 100.0), -0.1,
                             Scratch(), fresh=True, totals=np.array([1.0]))


def test_tiny_pots_use_a_tolerance_of_one_billionth_of_a_pound() -> None:
    # pot 0.5 (< 1): tolerance 1e-9, so a 5e-10 shortfall passes and 5e-9 does not
    base = np.full(2, 0.25)
    raw = np.array([[0.15, 0.30 - 5e-10]])  # floor -0.2: 0.2 costs 0.05, gains 0.05 - 5e-10
    _, lam = apply_damping(raw, base, floor=-0.2, ceiling=None)
    assert lam.tolist() == [0.0]
    with pytest.raises(InfeasibleDampingError):
        apply_damping(np.array([[0.15, 0.30 - 5e-9]]), base, floor=-0.2, ceiling=None)


def test_infeasible_ceiling_names_the_money_left() -> None:
    with pytest.raises(InfeasibleDampingError) as caught:
        apply_damping(np.array([[100.0, 200.0]]), np.full(2, 100.0), floor=None, ceiling=0.1)
    assert str(caught.value) == (
        "ceiling of +10.0% is infeasible (variant 0): with every gainer at its ceiling, "
        "£90.00 of the pot cannot be allocated")


def test_infeasible_ceiling_names_the_variant_not_the_binding_row() -> None:
    raw = np.array([[100.0, 105.0], [100.0, 200.0]])
    with pytest.raises(InfeasibleDampingError) as caught:
        apply_damping(raw, np.full(2, 100.0), floor=None, ceiling=np.array([0.1, 0.2]))
    assert str(caught.value) == (
        "ceiling of +10.0% to +20.0% is infeasible (variant 1): with every gainer at its "
        "ceiling, £80.00 of the pot cannot be allocated")


def test_pct_formats_one_value_or_a_range() -> None:
    assert _pct(-0.05) == "-5.0%"
    assert _pct(0.1) == "+10.0%"
    assert _pct(np.array([0.02, 0.02])) == "+2.0%"
    assert _pct(np.array([-0.1, -0.025, -0.05])) == "-10.0% to -2.5%"


def test_fresh_results_are_not_overwritten_by_the_next_call() -> None:
    scratch = Scratch()
    base = np.full(3, 100.0)
    first, _ = damp_with_ceiling(np.array([[80.0, 130.0, 90.0]]), base, -0.1, 0.5, scratch,
                                 fresh=True)
    damp_with_ceiling(np.array([[10.0, 10.0, 280.0]]), base, None, 5.0, scratch, fresh=True)
    np.testing.assert_allclose(first, [[90.0, 120.0, 90.0]])
    first, _ = damp_without_ceiling(np.array([[80.0, 130.0, 90.0]]), base, -0.1, scratch,
                                    fresh=True)
    damp_without_ceiling(np.array([[10.0, 10.0, 280.0]]), base, None, scratch, fresh=True)
    np.testing.assert_allclose(first, [[90.0, 120.0, 90.0]])


def test_scratch_results_are_reused_when_not_fresh() -> None:
    scratch = Scratch()
    base = np.full(3, 100.0)
    first, _ = damp_with_ceiling(np.array([[80.0, 130.0, 90.0]]), base, -0.1, 0.5, scratch)
    second, _ = damp_with_ceiling(np.array([[10.0, 10.0, 280.0]]), base, None, 5.0, scratch)
    assert np.shares_memory(first, second)
    first, _ = damp_without_ceiling(np.array([[80.0, 130.0, 90.0]]), base, -0.1, scratch)
    second, _ = damp_without_ceiling(np.array([[10.0, 10.0, 280.0]]), base, None, scratch)
    assert np.shares_memory(first, second)


def test_a_one_dimensional_raw_is_one_variant() -> None:
    amounts, lam = apply_damping(np.array([60.0, 140.0, 100.0]), np.full(3, 100.0), -0.1, 0.5)
    np.testing.assert_allclose(amounts, [[90.0, 110.0, 100.0]])
    np.testing.assert_allclose(lam, [0.25])


@pytest.mark.parametrize("scratch_rows", [1, 3])
def test_matches_plain_bisection_on_random_rows(scratch_rows: int) -> None:
    rng = np.random.default_rng(7 + scratch_rows)
    for _ in range(60):
        n = int(rng.integers(2, 7))
        base = rng.uniform(50, 150, n)
        raw = base * rng.uniform(0.6, 1.6, (scratch_rows, n))
        raw *= base.sum() / raw.sum(axis=1, keepdims=True)  # the pot is the baseline total
        floor = None if rng.random() < 0.2 else float(rng.uniform(-0.2, 0.0))
        if rng.random() < 0.3:
            floor = list(rng.uniform(-0.2, 0.0, n))  # type: ignore[assignment]
        ceiling = None if rng.random() < 0.3 else float(rng.uniform(0.02, 0.4))
        try:
            amounts, _ = apply_damping(
                raw, base, None if floor is None else np.asarray(floor), ceiling)
        except InfeasibleDampingError:
            continue
        for row in range(scratch_rows):
            expected, _ = plain_damping(raw[row].tolist(), base.tolist(), floor, ceiling)
            np.testing.assert_allclose(amounts[row], expected, rtol=1e-7, atol=1e-7)


def test_two_dimensional_baselines_and_partly_binding_rows() -> None:
    # row 0: no ceiling binds; row 1: the ceiling binds (each row its own baseline)
    raw = np.array([[95.0, 104.0, 101.0, 100.0], [95.0, 150.0, 105.0, 50.0]])
    base = np.array([[100.0, 100.0, 100.0, 100.0], [100.0, 100.0, 100.0, 100.0]])
    amounts, lam = damp_with_ceiling(raw, base, -0.1, 0.1, Scratch(), fresh=True)
    np.testing.assert_allclose(amounts, [[95.0, 104.0, 101.0, 100.0], [95.0, 110.0, 105.0, 90.0]])
    np.testing.assert_allclose(lam, [1.0, 1.0])
    base2 = np.array([[100.0] * 4, [90.0, 100.0, 100.0, 110.0]])
    amounts, _ = damp_with_ceiling(raw, base2, -0.1, 0.1, Scratch(), fresh=True)
    for row in range(2):
        expected, _ = plain_damping(raw[row].tolist(), base2[row].tolist(), -0.1, 0.1)
        np.testing.assert_allclose(amounts[row], expected, rtol=1e-9)


# round two: survivors of the first mutation run ------------------------------------------

@pytest.mark.parametrize("scale", [1e-3, 1e6])
def test_the_hand_cases_hold_at_any_scale(scale: float) -> None:
    # damping is linear in money: the worked cases above, in pence-sized and £m-sized pots
    cases = [
        ([95.0, 150.0, 105.0, 50.0], [100.0] * 4, -0.10, 0.10, [95.0, 110.0, 105.0, 90.0], 1.0),
        ([95.0, 150.0, 102.0, 53.0], [100.0] * 4, -0.10, 0.10, [95.0, 110.0, 105.0, 90.0], 2.5),
        ([70.0, 140.0, 210.0], [100.0, 100.0, 200.0], None, 0.2, [70.0, 120.0, 230.0], 3.0),
        ([60.0, 140.0, 100.0], [100.0] * 3, -0.10, None, [90.0, 110.0, 100.0], 0.25),
    ]
    for raw, base, floor, ceiling, expected, lam in cases:
        amounts, got = apply_damping(np.array([raw]) * scale, np.array(base) * scale, floor,
                                     ceiling)
        np.testing.assert_allclose(amounts, [np.array(expected) * scale], rtol=1e-9)
        np.testing.assert_allclose(got, [lam], rtol=1e-9)


def test_a_tiny_pot_is_refused_a_shortfall_above_a_billionth_of_a_pound() -> None:
    base = np.full(2, 0.25)
    with pytest.raises(InfeasibleDampingError):
        apply_damping(np.array([[0.15, 0.30 - 1.5e-9]]), base, floor=-0.2, ceiling=None)
    with pytest.raises(InfeasibleDampingError):
        apply_damping(np.array([[0.15, 0.30 - 1.5e-9]]), base, floor=-0.2, ceiling=0.5)


def test_messages_scale_large_amounts() -> None:
    with pytest.raises(InfeasibleDampingError) as caught:
        apply_damping(np.array([[5e9, 11e9]]), np.full(2, 10e9), floor=-0.1, ceiling=None)
    assert str(caught.value) == (
        "floor of -10.0% is infeasible (variant 0): protecting councils costs £4.00bn but "
        "gains above baseline total only £1.00bn; the pot is £3.00bn short")


def test_every_row_binding_and_infeasible_names_the_first() -> None:
    raw = np.array([[100.0, 300.0], [100.0, 200.0]])
    with pytest.raises(InfeasibleDampingError) as caught:
        apply_damping(raw, np.full(2, 100.0), floor=None, ceiling=0.1)
    assert str(caught.value) == (
        "ceiling of +10.0% is infeasible (variant 0): with every gainer at its ceiling, "
        "£190.00 of the pot cannot be allocated")


def test_every_gainer_at_its_ceiling_within_float_tolerance() -> None:
    # rows A and B: the gainers can hold the pot only at their ceilings (to within a
    # billionth), so lam is the largest cap point among gainers; row C binds but is solved
    # by the linear step (lam 4): 101 -> 104 while 108 is capped at 105
    raw = np.array([[100.0, 105.0, 105.0 + 1e-7], [100.0, 105.0 + 1e-7, 100.0],
                    [101.0, 108.0, 91.0]])
    amounts, lam = apply_damping(raw, np.full(3, 100.0), floor=None, ceiling=0.05)
    np.testing.assert_allclose(amounts, [[100.0, 105.0, 105.0], [100.0, 105.0, 100.0],
                                         [104.0, 105.0, 91.0]], rtol=1e-12)
    np.testing.assert_allclose(lam, [1.0, 5.0 / (5.0 + 1e-7), 4.0], rtol=1e-12)


def test_ceiling_messages_scale_large_amounts() -> None:
    with pytest.raises(InfeasibleDampingError) as caught:
        apply_damping(np.array([[1e10, 2e10]]), np.full(2, 1e10), floor=None, ceiling=0.1)
    assert str(caught.value).endswith("every gainer at its ceiling, £9.00bn of the pot cannot "
                                      "be allocated")
