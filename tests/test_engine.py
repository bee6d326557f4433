"""The needs-formula engine against hand-worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from fundmodel import (
    Damping,
    FormulaError,
    Indicator,
    InfeasibleDampingError,
    NeedsFormula,
    allocate,
)
from fundmodel.testing import formula_for, synthetic_authorities

# Three councils; x0 like a population, x1 like a deprivation count.
X = [[100.0, 50.0], [200.0, 30.0], [700.0, 20.0]]


def test_shares_basis_by_hand() -> None:
    # shares of x0: .1 .2 .7; of x1: .5 .3 .2; half weight each -> .3 .25 .45
    res = allocate(formula_for([0.5, 0.5]), synthetic_authorities(X), 1000.0)
    np.testing.assert_allclose(res.shares[0], [0.30, 0.25, 0.45])
    assert res.amount_pence[0].tolist() == [30000, 25000, 45000]


def test_per_unit_basis_by_hand_reports_scaling_factor() -> None:
    # £2 per unit of x0 and £10 per unit of x1: 700, 700, 1600 (total 3000); pot 1500 -> x0.5
    formula = NeedsFormula(
        name="per unit",
        basis="per_unit",
        indicators=[Indicator(name="a", column="x0", weight=2), Indicator(name="b", column="x1",
                                                                           weight=10)],
    )
    res = allocate(formula, synthetic_authorities(X), 1500.0)
    assert res.amount_pence[0].tolist() == [35000, 35000, 80000]
    assert res.scaling_factor is not None
    assert res.scaling_factor[0] == pytest.approx(0.5)


def test_penny_rounding_ties_break_by_code() -> None:
    la = synthetic_authorities([[1.0], [1.0], [1.0]])
    res = allocate(formula_for([1.0]), la, 100.0)
    assert res.amount_pence[0].tolist() == [3334, 3333, 3333]
    reversed_la = la.take([2, 1, 0])
    again = allocate(formula_for([1.0]), reversed_la, 100.0)
    assert again.amount_pence[0].tolist() == [3333, 3333, 3334]  # the same council gets it


def test_floor_paid_by_scaling_gains_by_hand() -> None:
    # formula gives 300/250/450 against baseline 400/300/300; floor -5% -> 380, 285;
    # the gainer pays 80+35: 300 + lam*150 = 335, lam = 35/150
    la = synthetic_authorities(X, baseline=[400, 300, 300])
    res = allocate(formula_for([0.5, 0.5], Damping(baseline="baseline", floor=-0.05)), la, 1000.0)
    assert res.amount_pence[0].tolist() == [38000, 28500, 33500]
    assert res.gain_scale is not None
    assert res.gain_scale[0] == pytest.approx(35 / 150)


def test_floor_and_ceiling_by_hand() -> None:
    # baseline 200/200/600, formula 300/250/450, floor -10% ceiling +20%:
    # loser protected at 540; gainers min(240, 200+100 lam) + min(240, 200+50 lam) = 460
    # -> lam = 0.4: 240 and 220
    la = synthetic_authorities(X, baseline=[200, 200, 600])
    damping = Damping(baseline="baseline", floor=-0.10, ceiling=0.20)
    res = allocate(formula_for([0.5, 0.5], damping), la, 1000.0)
    assert res.amount_pence[0].tolist() == [24000, 22000, 54000]
    assert res.gain_scale is not None
    assert res.gain_scale[0] == pytest.approx(0.4)


def test_infeasible_floor_says_by_how_much() -> None:
    # floor 0% on 510/500: protection 510-300 + 500-250 = 460 > gains 450: £10 short
    la = synthetic_authorities(X, baseline=[510, 500, 0])
    damping = Damping(baseline="baseline", floor=0.0)
    with pytest.raises(InfeasibleDampingError, match=r"£10\.00 short"):
        allocate(formula_for([0.5, 0.5], damping), la, 1000.0)


def test_infeasible_ceiling_says_how_much_is_left() -> None:
    # ceiling +10% on 200/200: gainers can take at most 440 of the 550 they must hold
    la = synthetic_authorities(X, baseline=[200, 200, 600])
    with pytest.raises(InfeasibleDampingError, match="cannot be allocated"):
        allocate(formula_for([0.5, 0.5], Damping(baseline="baseline", ceiling=0.10)), la, 1000.0)


def test_batch_of_variants_matches_one_by_one() -> None:
    la = synthetic_authorities(X)
    w = np.array([[0.5, 0.5], [1.0, 0.0], [0.2, 0.8]])
    batch = allocate(formula_for([0.5, 0.5]), la, 1000.0, weights=w)
    for v in range(3):
        single = allocate(formula_for(w[v].tolist()), la, 1000.0)
        assert np.array_equal(batch.amount_pence[v], single.amount_pence[0])


def test_missing_indicator_names_the_council() -> None:
    la = synthetic_authorities([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(FormulaError, match=r"E06900000 Council 0 \(empty in file\)"):
        allocate(formula_for([0.5, 0.5]), la, 10.0)


@pytest.mark.parametrize(
    ("weights", "message"),
    [([0.6, 0.6], "must sum to 1"), ([0.0, 0.0], "all weights are zero"),
     ([1.5, -0.5], "negative")],
)
def test_bad_weight_batches(weights: list[float], message: str) -> None:
    la = synthetic_authorities(X)
    with pytest.raises(FormulaError, match=message):
        allocate(formula_for([0.5, 0.5]), la, 10.0, weights=np.array([weights]))


def test_floor_above_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="less than or equal to 0"):
        Damping(baseline="baseline", floor=0.01)


def test_negative_weight_in_model_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        formula_for([1.5, -0.5])


def test_indicator_zero_everywhere_is_refused() -> None:
    la = synthetic_authorities([[1.0, 0.0], [2.0, 0.0]])
    with pytest.raises(FormulaError, match="zero for every authority"):
        allocate(formula_for([0.5, 0.5]), la, 10.0)
