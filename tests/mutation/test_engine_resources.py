"""Needs minus resources (fundmodel.engine.resources): by hand and against a plain bisection
on X written here (the engine solves it by one sort)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fundmodel.data.authorities import authorities_from_frame
from fundmodel.engine.resources import Resources, equalise, parameter_ref
from fundmodel.errors import DataError, FormulaError, InvalidInputError
from fundmodel.parameters.records import Unit, as_parameter
from fundmodel.testing import synthetic_authorities


def plain_x(shares: list[float], resources: list[float], pot: float) -> float:
    """X with sum(max(0, s X - R)) = pot, by bisection."""
    def total(x: float) -> float:
        return sum(max(0.0, s * x - r) for s, r in zip(shares, resources, strict=True))
    low, high = 0.0, 1.0
    while total(high) < pot:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        low, high = (mid, high) if total(mid) < pot else (low, mid)
    return high


def test_equalise_by_hand() -> None:
    # no one cut: X = 100 + 50 = 150; amounts .5 X - 10 = 65, .3 X - 0 = 45, .2 X - 40 = -10?
    # so the third is cut: X (.5 + .3) - 10 = 100, X = 137.5: 58.75, 41.25, 0
    amounts, x, cut = equalise(np.array([[0.5, 0.3, 0.2]]), np.array([10.0, 0.0, 40.0]),
                               np.array([100.0]))
    np.testing.assert_allclose(amounts, [[58.75, 41.25, 0.0]])
    np.testing.assert_allclose(x, [137.5])
    assert cut.tolist() == [[False, False, True]]


def test_equalise_when_no_council_is_cut() -> None:
    amounts, x, cut = equalise(np.array([[0.5, 0.5]]), np.array([10.0, 20.0]),
                               np.array([100.0]))
    np.testing.assert_allclose(x, [130.0])
    np.testing.assert_allclose(amounts, [[55.0, 45.0]])
    assert cut.tolist() == [[False, False]]


def test_zero_shares_and_zero_resources() -> None:
    # a council with no need share gets nothing and is not "cut"; one with resources but
    # no share is beyond every breakpoint
    amounts, x, cut = equalise(np.array([[0.0, 0.0, 1.0]]), np.array([0.0, 5.0, 10.0]),
                               np.array([90.0]))
    np.testing.assert_allclose(x, [100.0])
    np.testing.assert_allclose(amounts, [[0.0, 0.0, 90.0]])
    assert cut.tolist() == [[False, False, False]]


def test_variants_and_per_variant_resources() -> None:
    shares = np.array([[0.5, 0.3, 0.2], [0.25, 0.25, 0.5]])
    resources = np.array([[10.0, 0.0, 40.0], [0.0, 30.0, 0.0]])
    amounts, x, _ = equalise(shares, resources, np.array([100.0, 50.0]))
    np.testing.assert_allclose(x, [137.5, plain_x([0.25, 0.25, 0.5], [0.0, 30.0, 0.0], 50.0)])
    np.testing.assert_allclose(amounts.sum(axis=1), [100.0, 50.0])


def test_equalise_matches_bisection_on_random_rows() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        n = int(rng.integers(1, 7))
        s = rng.dirichlet(np.ones(n))
        if n > 2 and rng.random() < 0.3:
            s[0] = 0.0
            s /= s.sum()
        r = rng.uniform(0, 60, n) * (rng.random(n) < 0.8)
        pot = float(rng.uniform(1, 200))
        amounts, x, cut = equalise(s[None, :], r, np.array([pot]))
        expected = plain_x(s.tolist(), r.tolist(), pot)
        np.testing.assert_allclose(x, [expected], rtol=1e-9)
        np.testing.assert_allclose(amounts[0], np.maximum(s * expected - r, 0.0), atol=1e-8)
        assert cut[0].tolist() == ((s > 0) & (s * expected - r <= 1e-9)).tolist()


@pytest.mark.parametrize("bad", [np.array([-1.0, 0.0]), np.array([np.nan, 0.0]),
                                 np.array([np.inf, 0.0])])
def test_resources_must_be_finite_and_non_negative(bad: np.ndarray) -> None:
    with pytest.raises(FormulaError) as caught:
        equalise(np.array([[0.5, 0.5]]), bad, np.array([1.0]))
    assert str(caught.value) == "resources must be finite and non-negative"


def _la(tax_base: list[float], band_d: list[float] | None = None) -> object:
    frame = synthetic_authorities([[1.0]] * len(tax_base)).to_frame()
    frame["tax_base"] = tax_base
    if band_d is not None:
        frame["band_d"] = band_d
    return authorities_from_frame(pd.DataFrame(frame), "test councils", geography="custom")


def test_resources_amounts_from_parameters_and_columns() -> None:
    la = _la([10.0, 20.0], [2.0, 3.0])
    plain = Resources(tax_base="tax_base", notional_band_d=100.0, resource_share=0.5)
    np.testing.assert_allclose(plain.amounts(la), [500.0, 1000.0])  # type: ignore[arg-type]
    by_column = Resources(tax_base="tax_base", notional_band_d="band_d", resource_share=1.0)
    np.testing.assert_allclose(by_column.amounts(la), [20.0, 60.0])  # type: ignore[arg-type]
    assert by_column.columns() == ["tax_base", "band_d"]
    assert [p.value for p in plain.parameters()] == [100.0, 0.5]
    assert by_column.parameters()[0].value == 1.0 and len(by_column.parameters()) == 1
    assert plain.describe() == "tax_base x notional Band D 100 x resource share 0.5"
    assert by_column.describe() == "tax_base x notional Band D band_d x resource share 1"


def test_missing_resource_columns_are_named() -> None:
    la = _la([10.0, 20.0])
    with pytest.raises(DataError) as caught:
        Resources(tax_base="ctb", notional_band_d=1.0, resource_share=1.0).amounts(la)  # type: ignore[arg-type]
    assert str(caught.value).startswith(
        "the resources adjustment needs the council tax base (Band D equivalents) column "
        "'ctb', which is not in test councils. The 2023-24 council tax base")
    with pytest.raises(DataError, match="needs the notional Band D column 'band'"):
        Resources(tax_base="tax_base", notional_band_d="band",
                  resource_share=1.0).amounts(la)  # type: ignore[arg-type]
    gaps = _la([10.0, np.nan])
    with pytest.raises(DataError) as caught:
        Resources(tax_base="tax_base", notional_band_d=1.0, resource_share=1.0).amounts(gaps)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "the resources adjustment needs council tax base (Band D equivalents) 'tax_base' for "
        "every council; E06900001 Council 1 has nan (1 council(s) affected)")


def test_resource_parameters_must_have_the_right_unit() -> None:
    la = _la([10.0, 20.0])
    wrong = Resources(tax_base="tax_base", notional_band_d=as_parameter(5.0, "b", Unit.RATIO),
                      resource_share=1.0)
    with pytest.raises(FormulaError) as caught:
        wrong.amounts(la)  # type: ignore[arg-type]
    assert str(caught.value) == "notional Band D must be a non-negative GBP value, got 5 RATIO"


def test_references_to_shipped_records() -> None:
    assert parameter_ref("settlement#england_average_band_d_2023_24").value == 2065.0
    assert parameter_ref(5.0) == 5.0
    assert parameter_ref("no hash") == "no hash"
    with pytest.raises(ValueError, match="nope"):
        parameter_ref("settlement#nope")
    r = Resources(tax_base="tax_base", notional_band_d="settlement#england_average_band_d_2023_24",
                  resource_share=0.5)
    assert isinstance(r.notional_band_d, object) and r.notional_band_d.value == 2065.0  # type: ignore[union-attr]
    with pytest.raises(InvalidInputError, match=r"notional Band D: .*nope"):
        Resources(tax_base="tax_base", notional_band_d="settlement#nope", resource_share=0.5)


def test_equalise_with_zero_shares_raises_no_warning() -> None:
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        amounts, x, _ = equalise(np.array([[0.0, 0.0, 1.0]]), np.array([0.0, 5.0, 10.0]),
                                 np.array([90.0]))
    assert x.tolist() == [100.0] and amounts.tolist() == [[0.0, 0.0, 90.0]]


def test_equalise_two_variants_where_no_one_is_cut() -> None:
    # variant 0: X = 100 + 10 + 20 = 130 (55 | 45); variant 1: X = 50 + 30 = 80 (10 | 40)
    amounts, x, cut = equalise(np.array([[0.5, 0.5], [0.5, 0.5]]),
                               np.array([[10.0, 20.0], [30.0, 0.0]]), np.array([100.0, 50.0]))
    assert x.tolist() == [130.0, 80.0]
    assert amounts.tolist() == [[55.0, 45.0], [10.0, 40.0]]
    assert cut.tolist() == [[False, False], [False, False]]


def test_a_zero_resource_share_counts_no_resources() -> None:
    zero = Resources(tax_base="tax_base", notional_band_d=100.0, resource_share=0.0)
    assert zero.amounts(_la([10.0, 20.0])).tolist() == [0.0, 0.0]  # type: ignore[arg-type]


def test_a_resource_share_in_the_wrong_unit_is_named() -> None:
    wrong = Resources(tax_base="tax_base", notional_band_d=1.0,
                      resource_share=as_parameter(5.0, "s", Unit.GBP))
    with pytest.raises(FormulaError) as caught:
        wrong.amounts(_la([10.0, 20.0]))  # type: ignore[arg-type]
    assert str(caught.value) == "resource share must be a non-negative RATIO value, got 5 GBP"


def test_a_missing_column_message_says_how_to_get_it() -> None:
    with pytest.raises(DataError) as caught:
        Resources(tax_base="ctb", notional_band_d=1.0, resource_share=1.0).amounts(
            _la([10.0, 20.0]))  # type: ignore[arg-type]
    assert str(caught.value).endswith(
        "The 2023-24 council tax base (council_tax_base_2023_24) comes from the council tax "
        "base data build; load data that has it (load_authorities(path)) or name another "
        "column.")


def test_a_reference_with_two_hashes_names_the_record() -> None:
    bad = "settlement#england_average_band_d_2023_24#x"
    with pytest.raises(ValueError, match="has no record 'england_average_band_d_2023_24#x'"):
        parameter_ref(bad)
    with pytest.raises(InvalidInputError,
                       match=r"notional Band D: settlement\.yaml has no record "
                             r"'england_average_band_d_2023_24#x'"):
        Resources(tax_base="tax_base", notional_band_d=bad, resource_share=0.5)
