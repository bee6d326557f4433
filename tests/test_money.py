"""Penny rounding and money formatting, with hand-worked cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundmodel.engine.money import format_gbp, largest_remainder, to_pence_exact, total_in_pence
from fundmodel.errors import FormulaError


def test_thirds_of_a_pound_give_the_spare_penny_to_the_first_tie() -> None:
    assert to_pence_exact(np.array([1 / 3] * 3), 1.0).tolist() == [34, 33, 33]


def test_largest_fraction_gets_the_penny() -> None:
    # 10.2 + 20.7 + 69.1 = 100: floors 10+20+69 = 99, one penny owed, 0.7 is largest
    out = largest_remainder(np.array([[10.2, 20.7, 69.1]]), np.array([100]), np.arange(3))
    assert out.tolist() == [[10, 21, 69]]


def test_ties_go_to_the_lower_tiebreak_rank_not_position() -> None:
    out = largest_remainder(np.array([[0.5, 0.5]]), np.array([1]), np.array([1, 0]))
    assert out.tolist() == [[0, 1]]


def test_rows_are_rounded_independently() -> None:
    out = largest_remainder(
        np.array([[0.5, 0.5], [1.25, 0.75]]), np.array([1, 2]), np.array([0, 1])
    )
    assert out.tolist() == [[1, 0], [1, 1]]


def _plain_largest_remainder(row: list[float], total: int, rank: list[int]) -> list[int]:
    """A second implementation: floors, then one penny each down the list sorted by
    (remainder descending, tiebreak rank, position)."""
    floors = [math.floor(x) for x in row]
    owed = total - sum(floors)
    order = sorted(range(len(row)), key=lambda i: (-(row[i] - floors[i]), rank[i], i))
    for i in order[:owed]:
        floors[i] += 1
    return floors


@given(st.data())
@settings(max_examples=200, deadline=None)
def test_remainders_closer_than_the_coarse_grid_are_still_ordered_exactly(
    data: st.DataObject,
) -> None:
    # remainders a few 2**-40 apart share their coarse (2**-23) value; exact ties too
    n = data.draw(st.integers(1, 12))
    rows = data.draw(st.integers(1, 4))
    steps = st.integers(0, 3)
    values = [[data.draw(st.integers(0, 50)) + 0.5 + data.draw(steps) * 2.0**-23
               + data.draw(steps) * 2.0**-40 for _ in range(n)] for _ in range(rows)]
    rank = data.draw(st.permutations(list(range(n))))
    owed = [data.draw(st.integers(0, n)) for _ in range(rows)]
    totals = [sum(math.floor(x) for x in row) + k for row, k in zip(values, owed, strict=True)]
    out = largest_remainder(np.array(values), np.array(totals), np.array(rank))
    expected = [_plain_largest_remainder(row, t, list(rank))
                for row, t in zip(values, totals, strict=True)]
    assert out.tolist() == expected


@pytest.mark.parametrize(
    ("total", "message"),
    [
        (-1.0, "must not be negative"),
        (float("nan"), "must be finite"),
        (float("inf"), "must be finite"),
        (0.001, "not a whole number of pence"),
        ("100", "must be a number"),
        (1e17, "too large"),
    ],
)
def test_bad_control_totals_are_refused(total: object, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        total_in_pence(total)  # type: ignore[arg-type]


def test_total_in_pence_is_exact_for_billions() -> None:
    assert total_in_pence(2_523_000_000.01) == 252_300_000_001


def test_format() -> None:
    assert format_gbp(872_000_000) == "£872.0m"
    assert format_gbp(2.6e9, "bn") == "£2.6bn"
