"""Any set of areas (issue 16 item 4): ``geography="custom"`` checks codes for format and
uniqueness only, says so on the object, and England-only needs say so in their errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundmodel import DataError, allocate, load_authorities
from fundmodel.data.authorities import ENGLAND_CHECKS_SKIPPED, authorities_from_frame
from fundmodel.engine.formula import Indicator, NeedsFormula
from fundmodel.presets import children_act_formula

WARDS = "code,name,children_0_17\nW05000001,Ward one,100\nW05000002,Ward two,300\n"


def wards(tmp_path: Path, text: str = WARDS) -> Path:
    path = tmp_path / "wards.csv"
    path.write_text(text)
    return path


def test_custom_geography_loads_any_codes_and_records_what_was_skipped(tmp_path: Path) -> None:
    la = load_authorities(wards(tmp_path), geography="custom")
    assert la.geography == "custom" and la.checks_skipped == ENGLAND_CHECKS_SKIPPED
    assert la.codes.tolist() == ["W05000001", "W05000002"]
    assert la.regions.tolist() == ["", ""] and "geography='custom'" in repr(la)
    assert la.take([1]).geography == "custom"
    formula = NeedsFormula(name="per child", indicators=(
        Indicator(name="children", column="children_0_17", weight=1.0),))
    # by hand: 100 and 300 children share £1,000 as £250 and £750
    assert allocate(formula, la, 1000.0).amounts().tolist() == [250.0, 750.0]


def test_england_is_the_default_and_names_the_switch(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing required column"):
        load_authorities(wards(tmp_path))
    england = load_authorities()
    assert england.geography == "england" and england.checks_skipped == ()
    frame = pd.DataFrame({"code": ["W05000001"], "name": ["x"], "region": ["Wales"],
                          "council_type": ["unitary"], "v": [1.0]})
    with pytest.raises(DataError, match="geography='custom'"):
        authorities_from_frame(frame, require_all=False)


@pytest.mark.parametrize(("body", "message"), [
    ("W 1,a,1\n", r"value 'W 1' is not a code"), ("W1,a,1\nW1,b,2\n", "W1 duplicates row 2"),
    ("-W1,a,1\n", "is not a code"), ("W1,,1\n", "empty name"),
    ("W1,a\x00,1\n", "contains a NUL"), ("W1,a,22_0\n", "not a plain decimal"),
    ("W" * 40 + ",a,1\n", "is not a code"),
])
def test_custom_codes_are_checked_for_format_and_uniqueness(tmp_path: Path, body: str,
                                                            message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_authorities(wards(tmp_path, "code,name,children_0_17\n" + body), geography="custom")


def test_presets_needing_england_columns_say_so(tmp_path: Path) -> None:
    la = load_authorities(wards(tmp_path), geography="custom")
    with pytest.raises(DataError, match="custom geography, which has only the columns of its "
                                        "own file"):
        allocate(children_act_formula(), la, 1000.0)


def test_unknown_geography_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="geography must be 'england' or 'custom'"):
        load_authorities(wards(tmp_path), geography="wales")  # type: ignore[arg-type]


def test_england_only_scenarios_say_so_on_custom_areas(tmp_path: Path) -> None:
    from fundmodel.scenarios import load_scenario_text

    la = load_authorities(wards(tmp_path), geography="custom")
    s = load_scenario_text("kind: spending\nheader: {title: t, assumes: a}\n")
    with pytest.raises(DataError, match="no s251 series for authorities"):
        s.run(la)
