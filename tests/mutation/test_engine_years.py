"""Financial year labels and deflators (fundmodel.engine.years), by hand."""

from __future__ import annotations

import pytest

from fundmodel.engine.years import Deflator, check_consecutive, year_label, year_start
from fundmodel.errors import InvalidInputError, ScenarioError


@pytest.mark.parametrize(("label", "start"), [("2025-26", 2025), ("1999-00", 1999),
                                              ("0000-01", 0)])
def test_year_start(label: str, start: int) -> None:
    assert year_start(label) == start


@pytest.mark.parametrize("label", ["2025-27", "2025-25", "2025/26", "25-26", "2025-26 ",
                                   "2025-2026", "２０２５-26", "1999-01"])
def test_bad_year_labels(label: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        year_start(label)
    assert str(caught.value) == (f"year {label!r} is not a financial year label like "
                                 "'2025-26'")


def test_a_non_string_year_is_refused() -> None:
    with pytest.raises(ScenarioError, match="year 2025 is not a financial year label"):
        year_start(2025)  # type: ignore[arg-type]


def test_year_label() -> None:
    assert year_label(2025) == "2025-26"
    assert year_label(1999) == "1999-00"
    assert year_label(2008) == "2008-09"


def test_consecutive_years() -> None:
    check_consecutive(["2024-25", "2025-26", "2026-27"], "x")
    check_consecutive(["2024-25"], "x")
    check_consecutive([], "x")
    cases = [
        (["2024-25", "2024-25"], "profile: year 2024-25 appears twice"),
        (["2024-25", "2025-26", "2023-24"],
         "profile: year 2023-24 comes after 2025-26; list years in order"),
        (["2024-25", "2026-27"], "profile: year 2025-26 is missing between 2024-25 and 2026-27"),
        (["2024-25", "2027-28"],
         "profile: years 2025-26, 2026-27 are missing between 2024-25 and 2027-28"),
        (["2023-24", "2024-25", "2026-27"],
         "profile: year 2025-26 is missing between 2024-25 and 2026-27"),
    ]
    for labels, message in cases:
        with pytest.raises(ScenarioError) as caught:
            check_consecutive(labels, "profile")
        assert str(caught.value) == message


def _deflator(base: str = "2025-26") -> Deflator:
    return Deflator(name="test", base_year=base, points=[
        {"year": "2024-25", "index": 80}, {"year": "2025-26", "index": 100},
        {"year": "2026-27", "index": 125}])


def test_deflator_factor() -> None:
    d = _deflator()
    assert d.factor("2026-27") == 0.8
    assert d.factor("2024-25") == 1.25
    assert d.factor("2025-26") == 1.0
    assert _deflator("2026-27").factor("2024-25") == 125 / 80


def test_deflator_without_the_year_names_its_range() -> None:
    with pytest.raises(ScenarioError) as caught:
        _deflator().factor("2030-31")
    assert str(caught.value) == ("deflator 'test' has no value for 2030-31 (it covers "
                                 "2024-25..2026-27)")


def test_deflator_base_year_must_be_among_its_years() -> None:
    with pytest.raises(InvalidInputError) as caught:
        _deflator("2020-21")
    assert ("deflator 'test': base year 2020-21 is not among its years 2024-25..2026-27"
            in str(caught.value))
    with pytest.raises(InvalidInputError, match="deflator 'gaps': year 2025-26 is"):
        Deflator(name="gaps", base_year="2024-25", points=[
            {"year": "2024-25", "index": 80}, {"year": "2026-27", "index": 100}])
    with pytest.raises(InvalidInputError, match="not a financial year label"):
        Deflator(name="bad", base_year="2024-25", points=[{"year": "2024-2025", "index": 80}])
