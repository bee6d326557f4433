"""Penny rounding and money formatting, with hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

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
