"""The allocation engine, formulas and measures on two or three councils worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fundmodel.engine.allocate import _allocate_rows, allocate, indicator_matrix, per_child
from fundmodel.engine.formula import Damping, Indicator, NeedsFormula, check_weights
from fundmodel.engine.measures import Measure, checked_column
from fundmodel.engine.resources import Resources
from fundmodel.engine.scratch import Scratch
from fundmodel.engine.transforms import IndicatorTransform
from fundmodel.errors import FormulaError
from fundmodel.parameters.records import Unit, as_parameter
from fundmodel.testing import synthetic_authorities

pytestmark = pytest.mark.filterwarnings("error")  # no stray RuntimeWarnings for users

# x0 like a population, x1 like a deprivation count, x2 an area cost multiplier
X = [[100.0, 50.0, 1.0], [200.0, 30.0, 2.0], [700.0, 20.0, 1.0]]


def two(weights: tuple[float, float] = (0.5, 0.5), **kw: object) -> NeedsFormula:
    return NeedsFormula(name="two", indicators=(
        Indicator(name="x0", column="x0", weight=weights[0]),
        Indicator(name="x1", column="x1", weight=weights[1])), **kw)  # type: ignore[arg-type]


def test_plain_shares_fill_every_result_field() -> None:
    # shares .1 .2 .7 and .5 .3 .2, half each: .3 .25 .45 of £1,000
    res = allocate(two(), synthetic_authorities(X), 1000.0)
    assert res.total_pence == 100_000
    np.testing.assert_allclose(res.weights, [[0.5, 0.5]])
    np.testing.assert_allclose(res.need, [[0.3, 0.25, 0.45]])
    np.testing.assert_allclose(res.shares, [[0.3, 0.25, 0.45]])
    np.testing.assert_allclose(res.formula_amount, [[300.0, 250.0, 450.0]])
    assert res.amount_pence.tolist() == [[30000, 25000, 45000]]
    assert res.baseline is None and res.gain_scale is None and res.scaling_factor is None
    assert res.resources is None and res.equalisation_x is None
    assert res.thresholds == {} and res.transformed == {}


def test_area_cost_adjustment_multiplies_need() -> None:
    # need .3 .25 .45 times 1 2 1 = .3 .5 .45 (total 1.25): shares .24 .4 .36
    res = allocate(two(area_cost_adjustment="x2"), synthetic_authorities(X), 1000.0)
    np.testing.assert_allclose(res.shares, [[0.24, 0.40, 0.36]])
    np.testing.assert_allclose(res.need, [[0.3, 0.5, 0.45]])
    assert res.amount_pence.tolist() == [[24000, 40000, 36000]]


@pytest.mark.parametrize(("aca", "shown"), [(0.0, "0.0"), (np.nan, "nan")])
def test_area_cost_adjustment_must_be_positive(aca: float, shown: str) -> None:
    la = synthetic_authorities([[1.0, 1.0, 1.0], [2.0, 1.0, aca]])
    with pytest.raises(FormulaError) as caught:
        allocate(two(area_cost_adjustment="x2"), la, 10.0)
    assert str(caught.value) == (
        f"area cost adjustment 'x2' must be positive; E06900001 Council 1 has {shown}")


def test_a_parameter_pot_and_one_dimensional_weights() -> None:
    pot = as_parameter(1.0, "pot", Unit.GBP_THOUSANDS)
    res = allocate(two(), synthetic_authorities(X), pot, weights=np.array([1.0, 0.0]))
    assert res.total_pence == 100_000
    assert res.amount_pence.tolist() == [[10000, 20000, 70000]]
    np.testing.assert_allclose(res.weights, [[1.0, 0.0]])


def test_per_unit_scaling_factor_is_pot_over_need() -> None:
    # £2 a unit of x0, £10 of x1: 700, 700, 1600 = 3000; pot 1500: factor 0.5
    res = allocate(two((2.0, 10.0), basis="per_unit"), synthetic_authorities(X), 1500.0,
                   weights=np.array([[2.0, 10.0], [1.0, 0.0]]))
    assert res.scaling_factor is not None
    np.testing.assert_allclose(res.scaling_factor, [0.5, 1.5])
    np.testing.assert_allclose(res.need, [[700.0, 700.0, 1600.0], [100.0, 200.0, 700.0]])
    assert res.amount_pence.tolist() == [[35000, 35000, 80000], [15000, 30000, 105000]]


def test_per_unit_with_no_need_anywhere_is_refused() -> None:
    la = synthetic_authorities([[0.0, 0.0], [0.0, 0.0]])
    with pytest.raises(FormulaError) as caught:
        allocate(two((1.0, 1.0), basis="per_unit"), la, 10.0)
    assert str(caught.value) == "total need is zero: every authority has zero on every indicator"


def test_an_indicator_with_no_shares_is_named() -> None:
    la = synthetic_authorities([[1.0, 0.0], [2.0, 0.0]])
    with pytest.raises(FormulaError) as caught:
        indicator_matrix(two(), la)
    assert str(caught.value) == ("indicator 'x1' is zero for every authority, so it has no "
                                 "shares to distribute")
    np.testing.assert_allclose(indicator_matrix(two(basis="per_unit", weights=(1.0, 1.0)), la),
                               [[1.0, 2.0], [0.0, 0.0]])


def test_baseline_override_by_code_and_by_row() -> None:
    la = synthetic_authorities(X, baseline=[0.0, 0.0, 0.0])
    damping = Damping(baseline="baseline", floor=-0.05)
    by_code = pd.Series({"E06900002": 300.0, "E06900000": 400.0, "E06900001": 300.0})
    for override in (by_code, np.array([400.0, 300.0, 300.0])):
        res = allocate(two(damping=damping), la, 1000.0, baseline=override)
        assert res.amount_pence.tolist() == [[38000, 28500, 33500]]
        assert res.baseline is not None
        np.testing.assert_allclose(res.baseline, [400.0, 300.0, 300.0])
        assert res.gain_scale is not None
        np.testing.assert_allclose(res.gain_scale, [35 / 150])


def test_a_baseline_without_damping_is_kept_and_checked() -> None:
    la = synthetic_authorities(X)
    res = allocate(two(), la, 1000.0, baseline=np.array([1.0, 2.0, 3.0]))
    assert res.baseline is not None
    np.testing.assert_allclose(res.baseline, [1.0, 2.0, 3.0])
    assert res.gain_scale is None
    with pytest.raises(FormulaError) as caught:
        allocate(two(), la, 1000.0, baseline=np.array([1.0, -5.0, np.nan]))
    assert str(caught.value) == ("baseline for E06900001 Council 1 is -5.0; it must be a "
                                 "finite, non-negative amount in pounds")
    with pytest.raises(FormulaError, match=r"baseline for E06900002 Council 2 is inf"):
        allocate(two(damping=Damping(floor=-0.1)), la, 1000.0,
                 baseline=np.array([1.0, 5.0, np.inf]))


def test_damping_with_no_baseline_anywhere_is_refused() -> None:
    with pytest.raises(FormulaError) as caught:
        allocate(two(damping=Damping(floor=-0.1)), synthetic_authorities(X), 1000.0)
    assert str(caught.value) == (
        "the formula's damping names no baseline column: pass baseline=... (pounds per "
        "authority) to allocate, or set damping.baseline to a column")


def test_damping_baseline_column_is_read_with_its_purpose() -> None:
    la = synthetic_authorities([[1.0, 1.0], [1.0, 1.0]], baseline=[5.0, np.nan])
    with pytest.raises(FormulaError, match="damping baseline needs column 'baseline'"):
        allocate(two(damping=Damping(baseline="baseline", floor=-0.1)), la, 10.0)


def test_a_ceiling_that_is_just_reached_changes_nothing() -> None:
    # ceiling only: 300/250/450 against 250/250/500; the one gainer (+50) is exactly at its
    # +20% cap of 300, the losers keep their formula amounts
    la = synthetic_authorities(X, baseline=[250.0, 250.0, 500.0])
    res = allocate(two(damping=Damping(baseline="baseline", ceiling=0.2)), la, 1000.0)
    assert res.amount_pence.tolist() == [[30000, 25000, 45000]]
    assert res.gain_scale is not None
    np.testing.assert_allclose(res.gain_scale, [1.0])


def test_resources_need_the_equalised_amounts_on_the_batch_path() -> None:
    formula = two(resources=Resources(tax_base="x2", notional_band_d=1.0, resource_share=0.5))
    with pytest.raises(FormulaError) as caught:
        _allocate_rows(formula, np.array([[0.5, 0.5]]), np.array([100]), None, np.arange(2))
    assert str(caught.value) == (
        "this formula has a resources adjustment: pass the equalised amounts "
        "(fundmodel.engine.resources.equalise) to the batch path")


def test_batch_path_with_scratch_and_out_matches_by_hand() -> None:
    shares = np.array([[0.3, 0.25, 0.45], [0.1, 0.2, 0.7]])
    out = np.zeros((2, 3), dtype=np.int64)
    raw, pence, lam = _allocate_rows(two(), shares, np.array([100_000, 1_001]), None,
                                     np.array([2, 1, 0]), Scratch(), out)
    np.testing.assert_allclose(raw, [[300.0, 250.0, 450.0], [1.001, 2.002, 7.007]])
    assert pence is out
    assert pence.tolist() == [[30000, 25000, 45000], [100, 200, 701]]
    assert lam is None


def test_per_child_is_pounds_per_child_or_nan() -> None:
    got = per_child(np.array([1000, 500, 0]), np.array([10.0, 0.0, 4.0]))
    assert got[0] == 1.0 and np.isnan(got[1]) and got[2] == 0.0


# formula --------------------------------------------------------------------------------

def test_damping_needs_a_floor_or_a_ceiling() -> None:
    with pytest.raises(ValueError, match="damping needs a floor, a ceiling or both"):
        Damping(baseline="b")
    assert Damping(floor=0.0, ceiling=0.0).floor == 0.0


def test_duplicate_indicator_names_are_refused() -> None:
    with pytest.raises(ValueError, match=r"duplicate indicator names \['a'\]"):
        NeedsFormula(name="d", indicators=(Indicator(name="a", column="x0", weight=0.5),
                                           Indicator(name="a", column="x1", weight=0.5)))


def test_with_weights_replaces_by_name_and_refuses_unknown_names() -> None:
    f = two()
    g = f.with_weights({"x1": 0.75, "x0": 0.25})
    assert g.weight_vector().tolist() == [0.25, 0.75]
    assert f.weight_vector().tolist() == [0.5, 0.5]
    assert g.indicators[1].weight.source.publisher == "user"
    with pytest.raises(FormulaError) as caught:
        f.with_weights({"zz": 1.0, "aa": 0.0})
    assert str(caught.value) == "unknown indicator(s) ['aa', 'zz']; the formula has ['x0', 'x1']"


@pytest.mark.parametrize(
    ("weights", "basis", "message"),
    [
        (np.array([0.5, 0.5]), "shares",
         "weights must have shape (variants, 2) for indicators ['a', 'b'], got (2,)"),
        (np.array([[1.0, 0.0, 0.0]]), "shares",
         "weights must have shape (variants, 2) for indicators ['a', 'b'], got (1, 3)"),
        (np.array([[0.5, 0.5], [0.5, np.nan]]), "shares",
         "weight for 'b' (variant 1) is not finite"),
        (np.array([[0.5, 0.5], [np.inf, 0.5]]), "per_unit",
         "weight for 'a' (variant 1) is not finite"),
        (np.array([[1.5, -0.5]]), "shares", "weight for 'b' (variant 0) is negative: -0.5"),
        (np.array([[1.0, 0.0], [0.0, 0.0]]), "per_unit", "all weights are zero (variant 1)"),
        (np.array([[0.5, 0.5], [0.6, 0.6], [0.5, 0.55]]), "shares",
         "with basis 'shares' the weights are fractions of the pot and must sum to 1; "
         "variant 1 sums to 1.2 (fundmodel does not rescale them for you)"),
        (np.array([[0.5, 0.5 + 2e-9]]), "shares", "variant 0 sums to 1.000000002"),
    ],
)
def test_check_weights_names_the_problem(weights: np.ndarray, basis: str, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        check_weights(weights, basis, ["a", "b"])
    assert message in str(caught.value)
    if not message.startswith("variant"):
        assert str(caught.value) == message


def test_check_weights_accepts_float_noise_and_per_unit_sums() -> None:
    check_weights(np.array([[0.5, 0.5 + 5e-10]]), "shares", ["a", "b"])
    check_weights(np.array([[0.5, 0.5 - 5e-10]]), "shares", ["a", "b"])
    check_weights(np.array([[2.0, 10.0]]), "per_unit", ["a", "b"])
    check_weights(np.array([[0.0, 1.0]]), "shares", ["a", "b"])


# measures -------------------------------------------------------------------------------

def test_measure_describe_and_values() -> None:
    la = synthetic_authorities([[2.0, 10.0], [3.0, 20.0]])
    m = Measure(column="x1", times="x0", scale=0.5)
    assert m.describe() == "x1 x x0 x 0.5"
    assert Measure(column="x1").describe() == "x1"
    assert Measure(column="x1", scale=2.0).describe() == "x1 x 2"
    np.testing.assert_allclose(m.values(la), [10.0, 30.0])
    np.testing.assert_allclose(Measure(column="x1", scale=3.0).values(la), [30.0, 60.0])
    np.testing.assert_allclose(Measure(column="x1").values(la), [10.0, 20.0])


def test_missing_values_name_every_council_up_to_eight() -> None:
    one = synthetic_authorities([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(FormulaError) as caught:
        checked_column(one, "x1", "indicator 'x1'")
    assert str(caught.value) == (
        "indicator 'x1' needs column 'x1', which is missing for 1 authority: E06900000 "
        "Council 0 (empty in file). Supply values (load_authorities(path)) or choose another "
        "indicator.")
    many = synthetic_authorities([[1.0, np.nan]] * 10 + [[1.0, 2.0]])
    with pytest.raises(FormulaError) as caught:
        checked_column(many, "x1", "formula")
    text = str(caught.value)
    assert "missing for 10 authorities: E06900000 Council 0 (empty in file); E06900001" in text
    assert "E06900007 Council 7 (empty in file) and 2 more. Supply values" in text
    assert "E06900008" not in text
    eight = synthetic_authorities([[1.0, np.nan]] * 8)
    with pytest.raises(FormulaError) as caught:
        checked_column(eight, "x1", "formula")
    assert "Council 7 (empty in file). Supply" in str(caught.value)


# round two: survivors of the first mutation run ------------------------------------------

def test_resources_are_netted_off_by_hand() -> None:
    # shares .1 .2 .3 .4 of X less resources 0 0 0 100: the fourth is cut (100 > .4 X) and
    # .6 X = 10 gives X = 16.67: 1.667, 3.333, 5.000 -> 167, 333, 500 pence (the spare
    # penny to the largest fraction, .67)
    frame = synthetic_authorities([[1.0], [2.0], [3.0], [4.0]]).to_frame()
    frame["tax_base"] = [0.0, 0.0, 0.0, 50.0]
    from fundmodel.data.authorities import authorities_from_frame
    la = authorities_from_frame(frame, "test", geography="custom")
    f = NeedsFormula(name="r", indicators=(Indicator(name="x0", column="x0", weight=1.0),),
                     resources=Resources(tax_base="tax_base", notional_band_d=4.0,
                                         resource_share=0.5))
    res = allocate(f, la, 10.0)
    assert res.amount_pence.tolist() == [[167, 333, 500, 0]]
    assert res.resources is not None and res.resources.tolist() == [0.0, 0.0, 0.0, 100.0]
    assert res.equalisation_x is not None
    np.testing.assert_allclose(res.equalisation_x, [10 / 0.6])
    np.testing.assert_allclose(res.formula_amount, [[1 / 0.6, 2 / 0.6, 3 / 0.6, 0.0]])


def test_baseline_labels_are_checked_by_code() -> None:
    la = synthetic_authorities(X, baseline=[1.0, 1.0, 1.0])
    partial = pd.Series({"E06900000": 1.0, "E06900001": 1.0})
    for formula in (two(), two(damping=Damping(floor=-0.1))):
        with pytest.raises(Exception, match=r"^baseline: labelled by code, but 1 authority "
                                            r"missing \(E06900002\)"):
            allocate(formula, la, 1000.0, baseline=partial)


def test_small_baselines_and_fractional_indicators_are_fine() -> None:
    la = synthetic_authorities([[0.2, 0.1], [0.3, 0.1]])
    res = allocate(two(), la, 10.0, baseline=np.array([0.0, 0.5]))
    # shares .4 .6 and .5 .5: .45 .55 of £10
    assert res.amount_pence.tolist() == [[450, 550]]
    assert res.baseline is not None and res.baseline.tolist() == [0.0, 0.5]


def test_per_child_below_one_child() -> None:
    assert per_child(np.array([100]), np.array([0.5])).tolist() == [2.0]


def test_a_floor_short_by_a_tenth_of_a_penny_is_still_refused() -> None:
    # formula 300/250/450; baseline 300.5/250/449.5 + 1e-4: protection 0.5, gains 0.5 - 1e-4
    la = synthetic_authorities(X)
    with pytest.raises(FormulaError, match="infeasible"):
        allocate(two(damping=Damping(floor=0.0)), la, 1000.0,
                 baseline=np.array([300.5, 250.0, 449.5 + 1e-4]))


def test_purposes_name_the_indicator_in_messages() -> None:
    la = synthetic_authorities([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(FormulaError, match=r"^indicator 'x1' needs column 'x1'"):
        allocate(two(), la, 10.0)
    with pytest.raises(FormulaError, match=r"^caseload needs column 'x1'"):
        Measure(column="x0", times="x1").values(la, purpose="caseload")
    times = Indicator(name="a", column="x0", times="x1", weight=1.0,
                      transform=IndicatorTransform(cap=5.0))
    with pytest.raises(FormulaError, match=r"^indicator 'a' needs column 'x1'"):
        times.values(la, purpose="indicator 'a'")
    with pytest.raises(FormulaError, match=r"^formula needs column 'x1'"):
        Indicator(name="a", column="x1", weight=1.0).values(la)
    zero = synthetic_authorities([[1.0, 0.0], [2.0, 3.0]])
    ratio = Indicator(name="a", column="x0", weight=1.0, transform=IndicatorTransform(per="x1"))
    with pytest.raises(FormulaError, match=r"^indicator 'a': ratio per 'x1'"):
        ratio.values(zero, purpose="indicator 'a'")
    with pytest.raises(FormulaError, match=r"^indicator 'x1' needs column 'x1'"):
        indicator_matrix(two(), la)


def test_nine_missing_councils_say_one_more() -> None:
    nine = synthetic_authorities([[1.0, np.nan]] * 9)
    with pytest.raises(FormulaError) as caught:
        checked_column(nine, "x1", "formula")
    assert "Council 7 (empty in file) and 1 more. Supply" in str(caught.value)


def test_with_weights_changes_only_the_named_indicators() -> None:
    f = NeedsFormula(name="three", indicators=(
        Indicator(name="a", column="x0", weight=0.5), Indicator(name="b", column="x1",
                                                                 weight=0.25),
        Indicator(name="c", column="x1", weight=0.25)))
    g = f.with_weights({"a": 0.25, "b": 0.5})
    assert g.weight_vector().tolist() == [0.25, 0.5, 0.25]
    assert g.indicators[2] == f.indicators[2]


def test_check_weights_names_the_first_negative_and_the_worst_variant() -> None:
    with pytest.raises(FormulaError, match=r"weight for 'b' \(variant 0\) is negative: -0.5"):
        check_weights(np.array([[0.0, -0.5]]), "per_unit", ["a", "b"])
    with pytest.raises(FormulaError, match=r"variant 1 sums to 0\.5 "):
        check_weights(np.array([[0.6, 0.6], [0.25, 0.25]]), "shares", ["a", "b"])
