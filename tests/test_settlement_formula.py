"""Indicator transforms and the resources adjustment: expected values worked by hand or by a
plain second implementation (bisection) inside the test."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel import allocate
from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.engine.formula import NeedsFormula
from fundmodel.engine.resources import equalise
from fundmodel.errors import DataError, FormulaError
from fundmodel.testing import synthetic_authorities


def _la(values: list[list[float]], **columns: list[float]) -> Authorities:
    frame = synthetic_authorities(values).to_frame()
    for name, col in columns.items():
        frame[name] = col
    return authorities_from_frame(frame, "test authorities")


def _formula(*indicators: dict[str, object], basis: str = "shares",
             resources: dict[str, object] | None = None) -> NeedsFormula:
    return NeedsFormula.model_validate({"name": "t", "basis": basis,
                                        "indicators": list(indicators), "resources": resources})


# ---------------------------------------------------------------- transforms

def test_numeric_threshold_top_up() -> None:
    la = _la([[10.0], [20.0], [30.0]])
    f = _formula({"name": "top", "column": "x0", "weight": 1.0, "transform": {"threshold": 15}})
    res = allocate(f, la, 100.0)
    # max(0, x - 15) = 0, 5, 15 -> shares 0, 1/4, 3/4
    assert res.amounts().tolist() == [0.0, 25.0, 75.0]
    assert res.to_frame()["indicator_top"].tolist() == [0.0, 5.0, 15.0]
    assert any("max(0, x0 - 15)" in s for s in res.sources())


def test_england_average_is_weighted_by_times_or_simple() -> None:
    # rates 10, 20, 40 per child on 100, 100, 200 children: England rate 11000/400 = 27.5
    la = _la([[100.0, 10.0], [100.0, 20.0], [200.0, 40.0]])
    weighted = {"name": "dep", "column": "x1", "times": "x0", "weight": 1.0,
                "transform": {"threshold": "england_average"}}
    res = allocate(_formula(weighted), la, 1000.0)
    assert res.thresholds["dep"] == pytest.approx(27.5)
    assert res.to_frame()["indicator_dep"].tolist() == pytest.approx([0.0, 0.0, 12.5 * 200])
    simple = {**weighted, "transform": {"threshold": "england_average", "average": "simple"}}
    res = allocate(_formula(simple), la, 1000.0)
    assert res.thresholds["dep"] == pytest.approx(70 / 3)
    assert "England average, weighted by x0" in " ".join(
        allocate(_formula(weighted), la, 1.0).sources())


def test_cap_and_ratio() -> None:
    la = _la([[10.0, 2.0], [60.0, 3.0], [30.0, 5.0]])
    capped = allocate(_formula({"name": "c", "column": "x0", "weight": 1.0,
                                "transform": {"cap": 40}}), la, 80.0)
    assert capped.amounts().tolist() == [10.0, 40.0, 30.0]  # 60 counted as 40
    ratio = allocate(_formula({"name": "r", "column": "x0", "weight": 1.0,
                               "transform": {"per": "x1"}}), la, 31.0)
    assert ratio.amounts().tolist() == [5.0, 20.0, 6.0]  # 10/2, 60/3, 30/5 of 31
    assert ratio.to_frame()["indicator_r"].tolist() == pytest.approx([5.0, 20.0, 6.0])


def test_ratio_with_zero_denominator_names_the_council() -> None:
    la = _la([[10.0, 2.0], [60.0, 0.0]])
    with pytest.raises(FormulaError, match=r"Council 1.*0.0"):
        allocate(_formula({"name": "r", "column": "x0", "weight": 1.0,
                           "transform": {"per": "x1"}}), la, 1.0)


def test_threshold_above_every_value_is_refused_with_the_value() -> None:
    la = _la([[10.0], [20.0]])
    with pytest.raises(FormulaError, match=r"threshold 25 is at or above.*Council 1.*20"):
        allocate(_formula({"name": "t", "column": "x0", "weight": 1.0,
                           "transform": {"threshold": 25}}), la, 1.0)


def test_rnf_basic_amount_plus_top_up_by_hand() -> None:
    # 100 children each; poverty 10%, 20%, 30%: England average 20% (equal weights);
    # basic £1 per child = 100 each; top-up £2 per child per point above: 0, 0, 2*10*100
    la = _la([[100.0, 10.0], [100.0, 20.0], [100.0, 30.0]])
    f = _formula({"name": "basic", "column": "x0", "weight": 1.0},
                 {"name": "dep", "column": "x1", "times": "x0", "weight": 2.0,
                  "transform": {"threshold": "england_average"}}, basis="per_unit")
    res = allocate(f, la, 2200.0)  # need 100, 100, 2100 -> total 2300, scaled to 2200
    np.testing.assert_allclose(res.need[0], [100.0, 100.0, 2100.0])
    assert res.amounts().sum() == pytest.approx(2200.0)
    assert res.scaling_factor is not None and res.scaling_factor[0] == pytest.approx(2200 / 2300)


# ---------------------------------------------------------------- resources

def _bisect(s: np.ndarray, r: np.ndarray, pot: float) -> float:
    lo, hi = 0.0, pot + r.sum() + 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if np.maximum(s * mid - r, 0).sum() < pot:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def test_equalise_by_hand() -> None:
    s = np.array([[0.5, 0.3, 0.2]])
    amounts, x, cut = equalise(s, np.array([10.0, 0.0, 40.0]), np.array([100.0]))
    # council 3 (breakpoint 200) is cut; X = (100 + 10) / 0.8
    assert x[0] == pytest.approx(137.5)
    np.testing.assert_allclose(amounts[0], [58.75, 41.25, 0.0])
    assert cut[0].tolist() == [False, False, True]
    amounts, x, cut = equalise(s, np.array([10.0, 5.0, 5.0]), np.array([100.0]))
    assert x[0] == pytest.approx(120.0) and not cut.any()  # X = pot + sum R


@given(st.lists(st.tuples(st.floats(0.0, 1000.0), st.floats(0.0, 1e5)), min_size=2,
                max_size=30), st.floats(0.0, 1e6))
def test_equalise_matches_bisection(rows: list[tuple[float, float]], pot: float) -> None:
    need = np.array([a for a, _ in rows]) + 1e-3
    s = need / need.sum()
    r = np.array([b for _, b in rows])
    amounts, _, _ = equalise(s[None, :], r, np.array([pot]))
    assert amounts.sum() == pytest.approx(pot, rel=1e-9, abs=1e-6)
    expected = np.maximum(s * _bisect(s, r, pot) - r, 0)
    np.testing.assert_allclose(amounts[0], expected, rtol=1e-7, atol=1e-6 * max(pot, 1.0))


def _resources_formula(share: float = 1.0) -> NeedsFormula:
    return _formula({"name": "kids", "column": "x0", "weight": 1.0},
                    resources={"tax_base": "tax_base", "notional_band_d": 10.0,
                               "resource_share": share})


def test_allocate_with_resources_reports_x_and_who_is_cut() -> None:
    la = _la([[50.0], [30.0], [20.0]], tax_base=[1.0, 0.0, 4.0])
    res = allocate(_resources_formula(), la, 100.0)  # R = 10, 0, 40 as in the hand example
    assert res.amount_pence[0].tolist() == [5875, 4125, 0]
    assert res.equalisation_x is not None and res.equalisation_x[0] == pytest.approx(137.5)
    frame = res.to_frame()
    assert frame["cut_to_zero"].tolist() == [False, False, True]
    assert "cut to zero (1): Council 2" in res.summary()
    assert any("resources adjustment: tax_base x notional Band D 10" in s
               for s in res.sources())


def test_missing_tax_base_column_says_so_plainly() -> None:
    la = synthetic_authorities([[1.0], [2.0]])
    f = _formula({"name": "kids", "column": "x0", "weight": 1.0},
                 resources={"tax_base": "council_tax_base_2023_24",
                            "notional_band_d": "settlement#england_average_band_d_2023_24",
                            "resource_share": "settlement#resource_share_children_illustrative"})
    with pytest.raises(DataError, match=r"council_tax_base_2023_24.*not in"):
        allocate(f, la, 1.0)


@given(st.lists(st.floats(1.0, 1e4), min_size=2, max_size=20), st.integers(0, 10**9))
def test_zero_resources_give_the_plain_formula(kids: list[float], pot_pence: int) -> None:
    la = _la([[k] for k in kids], tax_base=[0.0] * len(kids))
    plain = allocate(_formula({"name": "kids", "column": "x0", "weight": 1.0}), la,
                     pot_pence / 100)
    equalised = allocate(_resources_formula(), la, pot_pence / 100)
    assert np.array_equal(plain.amount_pence, equalised.amount_pence)


@given(st.lists(st.tuples(st.floats(1.0, 1e4), st.floats(0.0, 1e3)), min_size=2, max_size=20),
       st.integers(0, 19), st.floats(0.0, 1e3), st.integers(10**4, 10**9))
def test_raising_a_tax_base_never_raises_that_allocation(
        rows: list[tuple[float, float]], who: int, more: float, pot_pence: int) -> None:
    who = who % len(rows)
    base = [b for _, b in rows]
    la = _la([[k] for k, _ in rows], tax_base=base)
    bumped = base.copy()
    bumped[who] += more
    la2 = _la([[k] for k, _ in rows], tax_base=bumped)
    first = allocate(_resources_formula(), la, pot_pence / 100)
    second = allocate(_resources_formula(), la2, pot_pence / 100)
    slack = 1e-9 * pot_pence / 100
    assert second.formula_amount[0, who] <= first.formula_amount[0, who] + slack
    # penny rounding can move a council by at most one penny
    assert second.amount_pence[0, who] <= first.amount_pence[0, who] + 1


@settings(max_examples=60)
@given(st.lists(st.tuples(st.floats(1.0, 1e4), st.floats(0.0, 1e3)), min_size=2, max_size=15),
       st.integers(0, 14), st.floats(0.0, 1e3))
def test_testing_helpers_for_resources(rows: list[tuple[float, float]], who: int,
                                       more: float) -> None:
    from fundmodel.testing import check_tax_base_monotone, check_zero_resources_is_plain

    la = _la([[k] for k, _ in rows], tax_base=[b for _, b in rows])
    check_zero_resources_is_plain(_resources_formula(), la, 12345.67)
    check_tax_base_monotone(_resources_formula(), la, 12345.67, who % len(rows), more)
