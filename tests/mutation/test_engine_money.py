"""Penny rounding (fundmodel.engine.money), pinned closely enough to kill mutants.

Expected values are worked by hand, or come from a plain sort-based second implementation of
largest-remainder rounding written here (a Python loop, not the engine's threshold method).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from fundmodel.engine.money import (
    MAX_PENCE,
    _top_remainders,
    largest_remainder,
    pence_in_range,
    to_pence_exact,
    total_in_pence,
)
from fundmodel.engine.scratch import Scratch
from fundmodel.errors import FormulaError

pytestmark = pytest.mark.filterwarnings("error")  # no stray RuntimeWarnings for users


def plain_largest_remainder(row: list[float], total: int, tiebreak: list[int]) -> list[int]:
    """Floor each amount, then one penny each to the largest fractions, ties to the lower
    tiebreak and then the earlier position."""
    floors = [math.floor(x) for x in row]
    owed = total - sum(floors)
    order = sorted(range(len(row)), key=lambda i: (-(row[i] - floors[i]), tiebreak[i], i))
    for i in order[:owed]:
        floors[i] += 1
    return floors


# pence_in_range -------------------------------------------------------------------------

def test_pence_in_range_rounds_to_the_nearest_penny_as_int64() -> None:
    out = pence_in_range(np.array([1.0, 250.4, 250.6, -3.6, 0.0]), "spend")
    assert out.dtype == np.int64
    assert out.tolist() == [1, 250, 251, -4, 0]


def test_pence_in_range_keeps_a_2d_shape() -> None:
    out = pence_in_range(np.array([[1.2, 2.0], [3.0, 4.7]]), "spend")
    assert out.tolist() == [[1, 2], [3, 5]]


def test_pence_just_below_the_limit_pass_and_at_the_limit_fail() -> None:
    assert pence_in_range(np.array([2.0**53 - 1]), "x").tolist() == [2**53 - 1]
    assert pence_in_range(np.array([-(2.0**53) + 1]), "x").tolist() == [-(2**53) + 1]
    for bad in (2.0**53, -(2.0**53)):
        with pytest.raises(FormulaError):
            pence_in_range(np.array([bad]), "x")
    assert MAX_PENCE == 2**53


def test_pence_out_of_range_names_the_first_bad_council_and_its_value() -> None:
    with pytest.raises(FormulaError) as caught:
        pence_in_range(np.array([5.0, 1e17, 1e18]), "spend", ["A", "E06000001 Hartlepool", "C"])
    assert str(caught.value) == (
        "spend for E06000001 Hartlepool is £1,000,000,000,000,000.00, outside the range "
        "fundmodel holds to the penny (below £90,071,992,547,410 in size); check the inputs "
        "(units, price index)")


def test_pence_out_of_range_without_names_and_in_2d() -> None:
    with pytest.raises(FormulaError) as caught:
        pence_in_range(np.array([[1.0, 2.0], [np.nan, 4.0]]), "grant",
                       np.array([["a", "b"], ["c", "d"]]))
    assert str(caught.value).startswith("grant for c is nan, outside the range")
    with pytest.raises(FormulaError) as caught:
        pence_in_range(np.array([-np.inf]), "grant")
    assert str(caught.value).startswith("grant is -inf, outside the range")


# total_in_pence -------------------------------------------------------------------------

def test_whole_pound_and_pence_totals() -> None:
    assert total_in_pence(5) == 500
    assert type(total_in_pence(5)) is int
    assert total_in_pence(0) == 0
    assert total_in_pence(0.0) == 0
    assert total_in_pence(12.34) == 1234
    assert type(total_in_pence(12.34)) is int
    assert total_in_pence(0.1 + 0.2) == 30  # 0.30000000000000004: float noise, not a penny


@pytest.mark.parametrize(
    ("total", "message"),
    [
        (True, "control total must be a number, got True"),
        ("100", "control total must be a number, got '100'"),
        (None, "control total must be a number, got None"),
        (float("nan"), "control total must be finite, got nan"),
        (float("-inf"), "control total must be finite, got -inf"),
        (-1.0, "control total must not be negative, got £-1.0"),
        (-2500, "control total must not be negative, got £-2,500"),
        (12.345, "control total £12.345 is not a whole number of pence"),
        (10**14, "control total £100,000,000,000,000 is too large to hold to the penny"),
    ],
)
def test_bad_totals_are_refused_with_the_value(total: object, message: str) -> None:
    with pytest.raises(FormulaError) as caught:
        total_in_pence(total)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_the_largest_total_is_refused_exactly_at_the_float_integer_limit() -> None:
    limit = 2**53 / 100  # a float whose pence are exactly 2**53 (found, not assumed)
    while limit * 100 < 2**53:
        limit = math.nextafter(limit, math.inf)
    while limit * 100 > 2**53:
        limit = math.nextafter(limit, 0.0)
    assert limit * 100 == 2**53
    with pytest.raises(FormulaError, match="too large"):
        total_in_pence(limit)
    below = 90_071_992_547_409  # whole pounds: 9,007,199,254,740,900 pence < 2**53
    assert total_in_pence(below) == below * 100


def test_float_noise_tolerance_is_a_few_units_in_the_last_place() -> None:
    # step through the floats next to £1,234,567.89: accepted exactly when the pence are
    # within 4 units in the last place of a whole number (worked out here one by one)
    t = 1_234_567.89
    for _ in range(12):
        t = math.nextafter(t, 0.0)
    seen = {True: 0, False: 0}
    for _ in range(25):
        scaled = t * 100.0
        off = abs(round(scaled) - scaled) / math.ulp(scaled)
        ok = off <= 4
        seen[ok] += 1
        if ok:
            assert total_in_pence(t) == 123_456_789
        else:
            with pytest.raises(FormulaError, match="not a whole number of pence"):
                total_in_pence(t)
        t = math.nextafter(t, math.inf)
    assert seen[True] >= 3 and seen[False] >= 3


def test_sub_penny_totals_are_refused_at_any_size() -> None:
    for total in (0.005, 0.999, 1.001, 5.001, 5_000_000.001):
        with pytest.raises(FormulaError, match="not a whole number of pence"):
            total_in_pence(total)


# largest_remainder ----------------------------------------------------------------------

def test_nothing_owed_keeps_the_floors() -> None:
    out = largest_remainder(np.array([[1.0, 2.0, 3.0]]), np.array([6]), np.arange(3))
    assert out.tolist() == [[1, 2, 3]]
    assert out.dtype == np.int64


def test_one_penny_owed_to_every_amount() -> None:
    out = largest_remainder(np.array([[0.5, 0.25]]), np.array([2]), np.arange(2))
    assert out.tolist() == [[1, 1]]


@pytest.mark.parametrize("total", [2, 6])
def test_totals_out_of_reach_are_an_internal_error(total: int) -> None:
    # floors 1 + 2 = 3; with two amounts the total must be 3, 4 or 5
    with pytest.raises(FormulaError) as caught:
        largest_remainder(np.array([[1.5, 2.0]]), np.array([total]), np.arange(2))
    assert str(caught.value) == ("internal rounding error: amounts do not add up to the "
                                 "total within one penny each")


@pytest.mark.parametrize(("total", "expected"), [(3, [1, 2]), (4, [2, 2]), (5, [2, 3])])
def test_totals_at_the_edges_of_reach(total: int, expected: list[int]) -> None:
    out = largest_remainder(np.array([[1.5, 2.0]]), np.array([total]), np.arange(2))
    assert out.tolist() == [expected]


def test_out_and_scratch_are_used_and_shapes_kept() -> None:
    pence = np.array([[[0.5, 0.5, 2.0], [1.2, 1.3, 0.5]], [[0.0, 0.0, 1.0], [0.9, 0.05, 0.05]]])
    totals = np.array([[3, 3], [1, 1]])
    out = np.full(pence.shape, -7, dtype=np.int64)
    got = largest_remainder(pence, totals, np.array([2, 0, 1]), scratch=Scratch(), out=out)
    assert got is out
    assert got.tolist() == [[[0, 1, 2], [1, 1, 1]], [[0, 0, 1], [1, 0, 0]]]


def test_empty_rows_and_empty_councils() -> None:
    empty = largest_remainder(np.zeros((0, 3)), np.zeros(0, np.int64), np.arange(3))
    assert empty.shape == (0, 3)
    none = _top_remainders(np.zeros((0, 3)), np.zeros(0, np.int64), np.arange(3))
    assert none.shape == (0, 3) and none.dtype == np.bool_
    none = _top_remainders(np.zeros((2, 0)), np.zeros(2, np.int64), np.arange(0))
    assert none.shape == (2, 0) and none.dtype == np.bool_


def test_ties_between_many_equal_fractions_follow_the_tiebreak() -> None:
    # four halves, two pennies owed: to tiebreak ranks 0 and 1 (positions 3 and 1)
    out = largest_remainder(np.array([[0.5, 0.5, 0.5, 0.5]]), np.array([2]),
                            np.array([3, 1, 2, 0]))
    assert out.tolist() == [[0, 1, 0, 1]]
    # one larger fraction takes its penny first; the one left goes to the best-ranked tie
    out = largest_remainder(np.array([[0.5, 0.9, 0.5, 0.5]]), np.array([2]),
                            np.array([2, 3, 0, 1]))
    assert out.tolist() == [[0, 1, 1, 0]]


def test_equal_tiebreak_ranks_fall_back_to_position() -> None:
    out = largest_remainder(np.array([[0.5, 0.5, 0.5]]), np.array([1]), np.array([0, 0, 0]))
    assert out.tolist() == [[1, 0, 0]]
    out = largest_remainder(np.array([[0.5, 0.5, 0.5]]), np.array([2]), np.array([1, 0, 0]))
    assert out.tolist() == [[0, 1, 1]]


def test_matches_a_plain_sort_on_many_tied_rows() -> None:
    rng = np.random.default_rng(20261201)
    for _ in range(300):
        rows, n = int(rng.integers(1, 4)), int(rng.integers(1, 7))
        fractions = rng.choice([0.0, 0.25, 0.5, 0.75], size=(rows, n))
        pence = rng.integers(0, 5, size=(rows, n)) + fractions
        floors = np.floor(pence).sum(axis=1).astype(np.int64)
        totals = floors + rng.integers(0, n + 1, size=rows)
        tiebreak = rng.permutation(n) if rng.random() < 0.7 else rng.integers(0, 3, size=n)
        got = largest_remainder(pence, totals, tiebreak)
        expected = [plain_largest_remainder(pence[r].tolist(), int(totals[r]),
                                            tiebreak.tolist()) for r in range(rows)]
        assert got.tolist() == expected, (pence.tolist(), totals.tolist(), tiebreak.tolist())


def test_to_pence_exact_breaks_ties_by_position_and_hits_the_total() -> None:
    assert to_pence_exact([0.005, 0.005, 0.01], 0.02).tolist() == [1, 0, 1]  # type: ignore[arg-type]
    assert to_pence_exact(np.array([2.5, 2.5]), 5.0).tolist() == [250, 250]
    assert to_pence_exact(np.array([1.0, 1.0, 1.0]), 3).tolist() == [100, 100, 100]
    with pytest.raises(FormulaError, match="not a whole number of pence"):
        to_pence_exact(np.array([1.0]), 1.001)


def test_float_noise_tolerance_below_a_penny_uses_one_penny_as_the_unit() -> None:
    # totals under 2p: the tolerance is 4 units in the last place of 1 (not of 2)
    t = 0.01
    found = None
    for _ in range(40):
        t = math.nextafter(t, 1.0)
        off = (t * 100.0 - 1.0) / math.ulp(1.0)
        if 4 < off <= 8:
            found = t
            break
    assert found is not None
    with pytest.raises(FormulaError, match="not a whole number of pence"):
        total_in_pence(found)
