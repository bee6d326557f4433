"""Indicator transforms (fundmodel.engine.transforms) and transformed indicators, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from fundmodel.engine.formula import Indicator
from fundmodel.engine.transforms import IndicatorTransform, TopUp, rnf_indicators
from fundmodel.errors import FormulaError, InvalidInputError
from fundmodel.testing import synthetic_authorities

# x0 counts, x1 denominators, x2 weights (children)
LA = synthetic_authorities([[10.0, 2.0, 1.0], [30.0, 5.0, 3.0], [20.0, 1.0, 0.0]])


def test_a_transform_needs_something_to_do_and_a_finite_threshold() -> None:
    with pytest.raises(InvalidInputError, match="a transform needs per, cap or threshold"):
        IndicatorTransform()
    with pytest.raises(InvalidInputError, match="threshold must be finite, got inf"):
        IndicatorTransform(threshold=float("inf"))
    assert IndicatorTransform(cap=1.0).threshold is None


def test_describe() -> None:
    assert IndicatorTransform(per="x1").describe("x0") == "x0 per x1"
    assert IndicatorTransform(cap=2.5).describe("x0") == "min(x0, 2.5)"
    assert IndicatorTransform(per="x1", cap=4.0, threshold=1.5).describe("x0") == (
        "max(0, min(x0 per x1, 4) - 1.5)")
    avg = IndicatorTransform(threshold="england_average")
    assert avg.describe("x0") == "max(0, x0 - (England average, simple))"
    assert avg.describe("x0", 12.3456789, "x2") == (
        "max(0, x0 - 12.3457 (England average, weighted by x2))")
    per = IndicatorTransform(per="x1", threshold="england_average")
    assert per.describe("x0") == "max(0, x0 per x1 - (England average, weighted by x1))"
    simple = IndicatorTransform(per="x1", threshold="england_average", average="simple")
    assert simple.describe("x0", 2.0, "x2") == (
        "max(0, x0 per x1 - 2 (England average, simple))")


def test_ratio_and_cap_before_the_threshold() -> None:
    x = LA.column("x0")
    assert IndicatorTransform(per="x1").before_threshold(x, LA, "i").tolist() == [5.0, 6.0, 20.0]
    assert IndicatorTransform(cap=15.0).before_threshold(x, LA, "i").tolist() == [
        10.0, 15.0, 15.0]
    assert IndicatorTransform(per="x1", cap=5.5).before_threshold(x, LA, "i").tolist() == [
        5.0, 5.5, 5.5]


def test_a_ratio_needs_positive_denominators() -> None:
    with pytest.raises(FormulaError) as caught:
        IndicatorTransform(per="x2").before_threshold(LA.column("x0"), LA, "indicator 'a'")
    assert str(caught.value) == ("indicator 'a': ratio per 'x2' needs a positive denominator; "
                                 "E06900002 Council 2 has 0.0")


def test_threshold_values() -> None:
    x = np.array([10.0, 30.0, 20.0])
    assert IndicatorTransform(threshold=12.0).threshold_value(x, None) == 12.0
    avg = IndicatorTransform(threshold="england_average")
    assert avg.threshold_value(x, None) == 20.0
    assert avg.threshold_value(x, np.array([1.0, 3.0, 0.0])) == 25.0  # (10 + 90) / 4
    simple = IndicatorTransform(threshold="england_average", average="simple")
    assert simple.threshold_value(x, np.array([1.0, 3.0, 0.0])) == 20.0
    with pytest.raises(FormulaError) as caught:
        avg.threshold_value(x, np.zeros(3))
    assert str(caught.value) == "England average: the weights are zero for every council"
    with pytest.raises(FormulaError) as caught:
        IndicatorTransform(cap=1.0).threshold_value(x, None)
    assert str(caught.value) == "this transform has no threshold"


def test_apply_tops_up_above_the_threshold() -> None:
    x = LA.column("x0")
    assert IndicatorTransform(threshold=15.0).apply(x, LA, weights=None, label="i").tolist() == [
        0.0, 15.0, 5.0]
    assert IndicatorTransform(cap=25.0).apply(x, LA, weights=None, label="i").tolist() == [
        10.0, 25.0, 20.0]
    # ratio 5, 6, 20 weighted by the denominators 2, 5, 1: (10 + 30 + 20) / 8 = 7.5
    per = IndicatorTransform(per="x1", threshold="england_average")
    assert per.apply(x, LA, weights=None, label="i").tolist() == [0.0, 0.0, 12.5]
    # given weights win over the denominator: (5 + 18 + 0) / 4 = 5.75
    assert per.apply(x, LA, weights=np.array([1.0, 3.0, 0.0]), label="i").tolist() == [
        0.0, 0.25, 14.25]


def test_a_threshold_above_every_value_is_refused() -> None:
    x = LA.column("x0")
    for t in (30.0, 31.0):
        with pytest.raises(FormulaError) as caught:
            IndicatorTransform(threshold=t).apply(x, LA, weights=None, label="indicator 'a'")
        assert str(caught.value) == (
            f"indicator 'a': threshold {t:g} is at or above every council's value (the "
            "highest is Council 1 E06900001 at 30), so every top-up would be zero")
    assert IndicatorTransform(threshold=29.5).apply(x, LA, weights=None,
                                                    label="i").tolist() == [0.0, 0.5, 0.0]


def test_rnf_indicators() -> None:
    rows = rnf_indicators("x0", 100.0, [
        TopUp(name="dep", column="x1", times="x2", scale=0.5, amount=20.0),
        TopUp(name="sparsity", column="x2", threshold=1.0, amount=5.0)])
    assert rows == [
        {"name": "basic", "column": "x0", "weight": 100.0},
        {"name": "dep", "column": "x1", "times": "x2", "scale": 0.5, "weight": 20.0,
         "transform": {"threshold": "england_average"}},
        {"name": "sparsity", "column": "x2", "times": None, "scale": 1.0, "weight": 5.0,
         "transform": {"threshold": 1.0}},
    ]


# transformed indicators (fundmodel.engine.formula.Indicator) -----------------------------

def test_transformed_indicator_values_describe_and_threshold() -> None:
    plain = Indicator(name="a", column="x0", weight=1.0, times="x1", scale=2.0)
    assert plain.describe() == "x0 x x1 x 2"
    np.testing.assert_allclose(plain.values(LA), [40.0, 300.0, 40.0])
    assert plain.threshold_used(LA) is None
    top = Indicator(name="a", column="x0", weight=1.0, times="x1", scale=0.5,
                    transform=IndicatorTransform(threshold="england_average"))
    # England average of x0 weighted by times x1: (20 + 150 + 20) / 8 = 23.75
    assert top.threshold_used(LA) == 23.75
    np.testing.assert_allclose(top.values(LA), [0.0, 6.25 * 5 * 0.5, 0.0])
    # the England average is weighted by ``times``, and the description says so
    assert top.describe() == "max(0, x0 - (England average, weighted by x1)) x x1 x 0.5"
    ratio = Indicator(name="r", column="x0", weight=1.0,
                      transform=IndicatorTransform(per="x1", threshold="england_average"))
    assert ratio.threshold_used(LA) == 7.5  # weighted by the denominator
    np.testing.assert_allclose(ratio.values(LA), [0.0, 0.0, 12.5])
    assert ratio.describe() == "max(0, x0 per x1 - (England average, weighted by x1))"
    capped = Indicator(name="c", column="x0", weight=1.0, transform=IndicatorTransform(cap=12.0))
    assert capped.threshold_used(LA) is None
    np.testing.assert_allclose(capped.values(LA), [10.0, 12.0, 12.0])
    assert capped.describe() == "min(x0, 12)"
    simple = Indicator(name="s", column="x0", weight=1.0,
                       transform=IndicatorTransform(threshold="england_average"))
    assert simple.threshold_used(LA) == 20.0


def test_an_england_average_weighted_by_fractions() -> None:
    # weights summing to less than one (shares of a population) still weight the average
    avg = IndicatorTransform(threshold="england_average")
    x = np.array([10.0, 30.0, 20.0])
    assert avg.threshold_value(x, np.array([0.25, 0.25, 0.0])) == 20.0  # (2.5 + 7.5) / 0.5
