"""Grant rules: fixed, excluded, equal split with the tie rule, minimum, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundmodel import allocate
from fundmodel.engine.formula import Damping
from fundmodel.engine.grant_rules import GrantRules, apply_grant_rules
from fundmodel.errors import DataError, FormulaError, InvalidInputError
from fundmodel.testing import check_equal_split, formula_for, synthetic_authorities


def test_fixed_excluded_and_equal_split_by_hand() -> None:
    la = synthetic_authorities([[1.0]] * 5)
    rules = GrantRules(fixed={"Council 4": 2.0}, exclude=["E06900000"], remainder="equal")
    pence, status = rules.apply(np.ones((1, 5)), 1003, la)
    # 1003 - 200 = 803 over Councils 1-3: 267 each, 2 pennies left to the two lowest codes
    assert pence.tolist() == [[0, 268, 268, 267, 200]]
    assert status.tolist() == ["excluded", "equal share", "equal share", "equal share",
                               "fixed"]


def test_formula_remainder_with_a_minimum_by_hand() -> None:
    la = synthetic_authorities([[1.0]] * 3)
    rules = GrantRules(minimum=0.20)
    pence, status = rules.apply(np.array([[1.0, 1.0, 8.0]]), 100, la)
    # 10p, 10p, 80p by formula; the two small ones raised to 20p, the third pays: 60p
    assert pence.tolist() == [[20, 20, 60]]
    assert status.tolist() == ["minimum", "minimum", "formula"]


def test_unknown_or_repeated_council_is_named() -> None:
    la = synthetic_authorities([[1.0]] * 3)
    with pytest.raises(DataError, match="'Atlantis'"):
        GrantRules(exclude=["Atlantis"]).apply(np.ones((1, 3)), 100, la)
    with pytest.raises(DataError, match="same council"):
        GrantRules(exclude=["Council 1", "E06900001"]).apply(np.ones((1, 3)), 100, la)
    with pytest.raises(InvalidInputError, match="both fixed and excluded"):
        GrantRules(fixed={"Council 1": 1.0}, exclude=["Council 1"])


def test_impossible_rules_are_refused() -> None:
    la = synthetic_authorities([[1.0]] * 3)
    with pytest.raises(FormulaError, match=r"fixed amounts total £5\.00, more than the pot"):
        GrantRules(fixed={"Council 0": 5.0}).apply(np.ones((1, 3)), 100, la)
    with pytest.raises(FormulaError, match=r"minimum of £0\.50 for each of 3"):
        GrantRules(minimum=0.5).apply(np.ones((1, 3)), 100, la)


def test_rules_on_an_allocation_and_damping_refused() -> None:
    la = synthetic_authorities([[1.0], [3.0]], baseline=[1.0, 1.0])
    res = apply_grant_rules(allocate(formula_for([1.0]), la, 10.0), GrantRules(
        fixed={"Council 0": 1.0}))
    assert res.amount_pence.tolist() == [[100, 900]]
    assert res.to_frame()["rule"].tolist() == ["fixed", "formula"]
    damped = formula_for([1.0], Damping(baseline="baseline", floor=-0.5))
    with pytest.raises(FormulaError, match="damping"):
        apply_grant_rules(allocate(damped, la, 2.0), GrantRules())


@given(st.integers(2, 60), st.integers(0, 10**10), st.data())
def test_equal_split_is_identical_to_the_penny(n: int, pot: int, data: st.DataObject) -> None:
    la = synthetic_authorities([[1.0]] * n)
    excluded = data.draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n - 1))
    rules = GrantRules(exclude=[f"Council {i}" for i in excluded], remainder="equal")
    pence, _ = rules.apply(np.ones((1, n)), pot, la)
    assert int(pence.sum()) == pot
    eligible = [i for i in range(n) if i not in excluded]
    assert (pence[0, excluded] == 0).all()
    check_equal_split(pence, eligible, la.code_rank())
    share, left = divmod(pot, len(eligible))
    assert sorted(pence[0, eligible].tolist()) == [share] * (len(eligible) - left) + \
        [share + 1] * left
