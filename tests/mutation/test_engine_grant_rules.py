"""Grant rules (fundmodel.engine.grant_rules) on four councils worked by hand, and the
minimum against a plain fix-the-smallest loop written here."""

from __future__ import annotations

import numpy as np
import pytest

from fundmodel.engine.allocate import allocate
from fundmodel.engine.formula import Damping
from fundmodel.engine.grant_rules import (
    GrantRules,
    _equal_split,
    _with_minimum,
    apply_grant_rules,
    council_positions,
)
from fundmodel.errors import DataError, FormulaError, InvalidInputError
from fundmodel.testing import formula_for, synthetic_authorities

LA = synthetic_authorities([[1.0], [2.0], [3.0], [4.0]])
W = np.array([[0.1, 0.2, 0.3, 0.4]])


def plain_minimum(w: list[float], rest: float, minimum: float
                  ) -> tuple[list[float], set[int]]:
    """Councils below the minimum are raised to it one round at a time; the others share
    what is left in proportion."""
    at_min: set[int] = set()
    while True:
        free = [i for i in range(len(w)) if i not in at_min]
        left = rest - minimum * len(at_min)
        scale = left / sum(w[i] for i in free)
        below = {i for i in free if w[i] * scale < minimum}
        if not below:
            return [minimum if i in at_min else w[i] * scale for i in range(len(w))], at_min
        at_min |= below


def test_council_positions_by_code_or_name_any_case() -> None:
    assert council_positions(LA, ["E06900002", "council 0", "COUNCIL 3"], "x").tolist() == [
        2, 0, 3]
    assert council_positions(LA, [], "x").tolist() == []


def test_unknown_and_repeated_councils_are_named() -> None:
    with pytest.raises(DataError) as caught:
        council_positions(LA, ["Nowhere", "E06900001", "E9"], "grant rules, exclude")
    assert str(caught.value) == (
        "grant rules, exclude: no council 'Nowhere', 'E9' in synthetic authorities (4 councils);"
        " name councils by ONS code or as the data names them")
    with pytest.raises(DataError) as caught:
        council_positions(LA, ["E06900000", "E06900001", "council 0"], "grant rules, fixed")
    assert str(caught.value) == ("grant rules, fixed: 'council 0' and 'E06900000' are the same "
                                 "council (E06900000); list it once")


def test_fixed_and_excluded_at_once_is_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"councils \['Council 0'\] are both fixed and "
                                                "excluded"):
        GrantRules(fixed={"Council 0": 1.0, "Council 1": 2.0}, exclude=["Council 0"])


def test_equal_split_with_fixed_and_excluded() -> None:
    rules = GrantRules(fixed={"Council 0": 1.0}, exclude=["Council 3"], remainder="equal")
    pence, status = rules.apply(W, 1001, LA)
    assert pence.tolist() == [[100, 451, 450, 0]]
    assert status.tolist() == ["fixed", "equal share", "equal share", "excluded"]
    assert pence.dtype == np.int64


def test_equal_split_pennies_go_to_the_lowest_codes() -> None:
    assert _equal_split(10, np.array([2, 0, 1])).tolist() == [3, 4, 3]
    assert _equal_split(11, np.array([2, 0, 1])).tolist() == [3, 4, 4]
    assert _equal_split(9, np.array([2, 0, 1])).tolist() == [3, 3, 3]


def test_formula_remainder_in_proportion() -> None:
    pence, status = GrantRules(exclude=["Council 0"]).apply(W, 1000, LA)
    # 0.2 : 0.3 : 0.4 of 1000 pence = 222.22, 333.33, 444.44: floors add to 999, and the
    # spare penny goes to the largest fraction, .44
    assert pence.tolist() == [[0, 222, 333, 445]]
    assert status.tolist() == ["excluded", "formula", "formula", "formula"]


def test_minimum_raises_small_amounts_and_scales_the_rest() -> None:
    # w 1, 2, 3, 4 (x0.1) of £10 with a £2 minimum: 1 -> 2, then 8 over 2, 3, 4 -> 1.78 < 2
    # -> 2; 6 over 3, 4 -> 2.57, 3.43
    rules = GrantRules(minimum=2.0)
    pence, status = rules.apply(W, 1000, LA)
    assert pence.tolist() == [[200, 200, 257, 343]]
    assert status.tolist() == ["minimum", "minimum", "formula", "formula"]
    pence, status = GrantRules(minimum=0.5).apply(W, 1000, LA)
    assert pence.tolist() == [[100, 200, 300, 400]]
    assert status.tolist() == ["formula"] * 4


def test_minimum_exactly_affordable_and_too_dear() -> None:
    pence, _ = GrantRules(minimum=2.5).apply(W, 1000, LA)
    assert pence.tolist() == [[250, 250, 250, 250]]
    pence, _ = GrantRules(minimum=2.0, fixed={"Council 0": 4.0}).apply(W, 1000, LA)
    assert pence.tolist() == [[400, 200, 200, 200]]
    with pytest.raises(FormulaError) as caught:
        GrantRules(minimum=2.01, fixed={"Council 0": 4.0}).apply(W, 1000, LA)
    assert str(caught.value) == (
        "grant rules: a minimum of £2.01 for each of 3 eligible councils costs £6.03, more "
        "than the £6.00 left after fixed amounts")


def test_fixed_amounts_above_the_pot_are_refused() -> None:
    with pytest.raises(FormulaError) as caught:
        GrantRules(fixed={"Council 0": 4.0, "Council 1": 1.0}).apply(W, 300, LA)
    assert str(caught.value) == ("grant rules: the fixed amounts total £5.00, more than the "
                                 "pot of £3.00")
    pence, _ = GrantRules(fixed={"Council 0": 2.0, "Council 1": 1.0}).apply(W, 300, LA)
    assert pence.tolist() == [[200, 100, 0, 0]]


def test_no_eligible_council_left() -> None:
    everyone = {"exclude": ["Council 0", "Council 1"], "fixed": {"Council 2": 1.0,
                                                                 "Council 3": 1.0}}
    pence, status = GrantRules(**everyone).apply(W, 200, LA)  # type: ignore[arg-type]
    assert pence.tolist() == [[0, 0, 100, 100]]
    assert status.tolist() == ["excluded", "excluded", "fixed", "fixed"]
    with pytest.raises(FormulaError) as caught:
        GrantRules(**everyone).apply(W, 450, LA)  # type: ignore[arg-type]
    assert str(caught.value) == ("grant rules leave £2.50 with no eligible council to "
                                 "receive it")


def test_a_formula_giving_the_eligible_nothing_is_refused() -> None:
    with pytest.raises(FormulaError) as caught:
        GrantRules(exclude=["Council 3"]).apply(np.array([[0.0, 0.0, 0.0, 1.0]]), 100, LA)
    assert str(caught.value) == "grant rules: the formula gives every eligible council zero"


def test_variants_each_get_the_rules() -> None:
    w = np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
    pence, status = GrantRules(minimum=2.0).apply(w, 1000, LA)
    assert pence.tolist() == [[200, 200, 257, 343], [343, 257, 200, 200]]
    assert status.tolist() == ["minimum"] * 4  # each at the minimum in some variant


def test_with_minimum_matches_a_plain_loop() -> None:
    rng = np.random.default_rng(11)
    for _ in range(200):
        m = int(rng.integers(1, 8))
        w = rng.uniform(0, 10, m) * (rng.random(m) < 0.85)
        if w.sum() == 0:
            continue
        minimum = float(rng.uniform(0.1, 3.0))
        rest = minimum * m * float(rng.uniform(1.0, 4.0))
        amounts, at_min = _with_minimum(w[None, :], rest, minimum)
        expected, raised = plain_minimum(w.tolist(), rest, minimum)
        np.testing.assert_allclose(amounts[0], expected, rtol=1e-9, atol=1e-9)
        assert at_min[0].tolist() == [i in raised for i in range(m)]
    amounts, at_min = _with_minimum(np.array([[1.0, 3.0]]), 8.0, 0.0)
    assert amounts.tolist() == [[2.0, 6.0]] and at_min.tolist() == [[False, False]]


def test_apply_grant_rules_cites_the_amounts() -> None:
    la = synthetic_authorities([[1.0], [2.0], [3.0], [4.0]])
    allocation = allocate(formula_for([1.0]), la, 10.0)
    rules = GrantRules(fixed={"Council 0": 1.0}, minimum=2.0)
    ruled = apply_grant_rules(allocation, rules)
    # £9 left over formula amounts 2, 3, 4: exactly 2, 3, 4, none below the £2 minimum
    assert ruled.amount_pence.tolist() == [[100, 200, 300, 400]]
    assert ruled.rule_status is not None
    assert ruled.rule_status.tolist() == ["fixed", "formula", "formula", "formula"]
    assert allocation.rule_status is None
    assert ruled.rule_sources == (
        "grant rules: fixed: user (2026), value supplied by the user (formula or scenario "
        "file) (assumption)",
        "grant rules: minimum: user (2026), value supplied by the user (formula or scenario "
        "file) (assumption)")
    assert [p.label for p in rules.parameters()] == ["fixed", "minimum"]
    assert GrantRules().parameters() == []
    damped = allocate(formula_for([1.0], Damping(floor=-0.1)), la, 10.0,
                      baseline=np.array([2.5, 2.5, 2.5, 2.5]))
    with pytest.raises(FormulaError) as caught:
        apply_grant_rules(damped, rules)
    assert str(caught.value) == ("grant rules and damping together are not supported: apply "
                                 "the rules, then run a transition (kind: transition) for floors")


def test_unknown_councils_are_named_with_the_rule_they_came_from() -> None:
    with pytest.raises(DataError) as caught:
        GrantRules(exclude=["Nowhere"]).apply(W, 1000, LA)
    assert str(caught.value).startswith("grant rules, exclude: no council 'Nowhere' in ")
    with pytest.raises(DataError) as caught:
        GrantRules(fixed={"Nowhere": 1.0}).apply(W, 1000, LA)
    assert str(caught.value).startswith("grant rules, fixed: no council 'Nowhere' in ")


def test_error_amounts_read_at_their_own_scale() -> None:
    # hundreds of thousands of pounds read as £k, not as £0.x m
    with pytest.raises(FormulaError) as caught:
        GrantRules(fixed={"Council 0": 500_000.0, "Council 1": 300_000.0}).apply(
            W, 60_000_000, LA)
    assert str(caught.value) == ("grant rules: the fixed amounts total £800.0k, more than the "
                                 "pot of £600.0k")
    everyone = {"exclude": ["Council 0", "Council 1"], "fixed": {"Council 2": 1.0,
                                                                 "Council 3": 1.0}}
    with pytest.raises(FormulaError) as caught:
        GrantRules(**everyone).apply(W, 25_000_200, LA)  # type: ignore[arg-type]
    assert str(caught.value) == ("grant rules leave £250.0k with no eligible council to "
                                 "receive it")
    with pytest.raises(FormulaError) as caught:
        GrantRules(minimum=200_000.0, fixed={"Council 0": 100_000.0}).apply(
            W, 60_000_000, LA)
    assert str(caught.value) == (
        "grant rules: a minimum of £200.0k for each of 3 eligible councils costs £600.0k, "
        "more than the £500.0k left after fixed amounts")


def test_a_variant_giving_the_eligible_nothing_is_refused() -> None:
    w = np.array([[0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 0.0, 1.0]])
    with pytest.raises(FormulaError, match="the formula gives every eligible council zero"):
        GrantRules(exclude=["Council 3"]).apply(w, 100, LA)


def test_variants_without_a_minimum_each_share_the_whole_rest() -> None:
    w = np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
    pence, status = GrantRules(fixed={"Council 0": 1.0}).apply(w, 1000, LA)
    # £9 over 0.2 : 0.3 : 0.4 = 2, 3, 4; over 0.3 : 0.2 : 0.1 = 4.50, 3, 1.50
    assert pence.tolist() == [[100, 200, 300, 400], [100, 450, 300, 150]]
    assert status.tolist() == ["fixed", "formula", "formula", "formula"]
    amounts, _ = _with_minimum(np.array([[1.0, 3.0], [1.0, 1.0]]), 8.0, 0.0)
    assert amounts.tolist() == [[2.0, 6.0], [4.0, 4.0]]


def test_formula_pennies_tie_to_the_lower_ons_code_whatever_the_row_order() -> None:
    from fundmodel.data.authorities import authorities_from_frame
    frame = synthetic_authorities([[1.0], [1.0], [1.0]]).to_frame()
    frame["code"] = ["E06900009", "E06900005", "E06900007"]
    la = authorities_from_frame(frame, "test", geography="custom")
    # 100p in three equal shares: 33 each and the spare penny to E06900005 (row 1)
    pence, _ = GrantRules().apply(np.array([[1.0, 1.0, 1.0]]), 100, la)
    assert pence.tolist() == [[33, 34, 33]]
    pence, _ = GrantRules(remainder="equal").apply(np.array([[1.0, 1.0, 1.0]]), 101, la)
    assert pence.tolist() == [[33, 34, 34]]


def test_single_precision_formula_amounts_are_shared_to_the_penny() -> None:
    la = synthetic_authorities([[1.0], [2.0], [3.0]])
    w = np.array([[1.0, 2.0, 4.0]], dtype=np.float32)
    pence, _ = GrantRules().apply(w, 7 * 10**11, la)  # £7bn in sevenths
    assert pence.tolist() == [[10**11, 2 * 10**11, 4 * 10**11]]


def test_a_minimum_with_a_council_the_formula_gives_nothing_raises_no_warning() -> None:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pence, status = GrantRules(minimum=1.0).apply(np.array([[0.0, 0.2, 0.3, 0.5]]), 1000,
                                                      LA)
    # council 0 is raised to £1; £9 over 0.2 : 0.3 : 0.5 = 1.80, 2.70, 4.50
    assert pence.tolist() == [[100, 180, 270, 450]]
    assert status.tolist() == ["minimum", "formula", "formula", "formula"]
