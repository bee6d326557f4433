"""Kill tests for the national series, the NAO comparison and comparable areas, on the
hand-built analysis of ``test_scenarios_b_spending_analysis`` (all councils: non-statutory
70, 100, 55 of totals 200, 320, 305) and a hand-built Cumbria (split on 1 April 2023).
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from fundmodel.scenarios.spending.lines import (
    NAO_PREVENTIVE_SHARE_2010_11,
    NAO_PREVENTIVE_SHARE_2017_18,
)
from fundmodel.scenarios.spending.nao import (
    NAO_DIFFERENCES,
    comparable_area_series,
    england_series,
    nao_comparison,
)

sys.path.insert(0, str(Path(__file__).parent))
from test_scenarios_b_spending_analysis import hand_analysis

NAN = math.nan


def _close(values: list[float], want: list[float]) -> None:
    assert len(values) == len(want), (values, want)
    for v, w in zip(values, want, strict=True):
        assert (math.isnan(v) and math.isnan(w)) or v == pytest.approx(w), (values, want)


def test_england_series_by_hand() -> None:
    s = england_series(hand_analysis())
    assert list(s.columns) == ["period", "lines_present", "lines_missing", "focus", "total",
                               "focus_share", "focus_real", "total_real",
                               "share_on_lines_present", "basis"]
    assert s.attrs == {"deflator": "none", "focus": "non_statutory", "dataset": "ro3"}
    assert s["period"].tolist() == ["2022-23", "2023-24", "2024-25"]
    assert s["lines_present"].tolist() == [8, 8, 8]
    assert s["lines_missing"].tolist() == ["", "", ""]
    _close(s["focus"].tolist(), [70, 100, 55])
    _close(s["total"].tolist(), [200, 320, 305])
    _close(s["focus_share"].tolist(), [.35, 100 / 320, 55 / 305])
    _close(s["focus_real"].tolist(), [77, 105, 55])
    _close(s["total_real"].tolist(), [220, 336, 305])
    _close(s["share_on_lines_present"].tolist(), [NAN] * 3)
    assert s["basis"].tolist() == ["all mapped lines"] * 3
    cash = england_series(hand_analysis(factors=None))
    _close(cash["focus_real"].tolist(), [NAN] * 3)


def test_england_series_with_a_line_missing() -> None:
    a = hand_analysis()
    agg = a.agg_values.copy()
    agg[7, :, 0] = NAN  # ro3_other_children_family_net (non-statutory) absent in 2022-23
    agg[1, :, 0] = NAN  # and ro3_safeguarding_net (statutory)
    s = england_series(dataclasses.replace(a, agg_values=agg))
    assert s["lines_present"].tolist() == [6, 8, 8]
    assert s["lines_missing"].tolist()[0] == ("ro3_safeguarding_net, "
                                              "ro3_other_children_family_net")
    assert math.isnan(s["focus_share"].iloc[0]) and math.isnan(s["total"].iloc[0])
    # over the lines there: 70 of 200
    _close(s["share_on_lines_present"].tolist(), [.35, NAN, NAN])
    assert s["basis"].tolist() == ["partial: lines missing", "all mapped lines",
                                   "all mapped lines"]


def test_nao_comparison_without_the_years() -> None:
    n = nao_comparison(hand_analysis())
    assert list(n.columns) == ["period", "published_pct", "computed_pct", "difference_pp",
                               "source", "differences"]
    assert n.attrs == {"dataset": "ro3", "taxonomy": "statutory"}
    assert n["period"].tolist() == ["2010-11", "2017-18"]
    assert n["published_pct"].tolist() == [NAO_PREVENTIVE_SHARE_2010_11.value,
                                           NAO_PREVENTIVE_SHARE_2017_18.value]
    assert n["computed_pct"].isna().all() and n["difference_pp"].isna().all()
    assert n["source"].tolist() == [NAO_PREVENTIVE_SHARE_2010_11.source.cite(),
                                    NAO_PREVENTIVE_SHARE_2017_18.source.cite()]
    assert n["differences"].tolist() == ["; ".join(NAO_DIFFERENCES)] * 2


def test_nao_comparison_with_a_2017_18_share() -> None:
    a = hand_analysis(periods=("2016-17", "2017-18", "2018-19"))
    n = nao_comparison(a).set_index("period")
    assert n.loc["2017-18", "computed_pct"] == pytest.approx(100 * 100 / 320)
    assert n.loc["2017-18", "difference_pp"] == pytest.approx(
        100 * 100 / 320 - NAO_PREVENTIVE_SHARE_2017_18.value)
    assert math.isnan(n.loc["2010-11", "computed_pct"])


def _cumbria():  # type: ignore[no-untyped-def]
    a = hand_analysis()
    lines = len(a.lines)
    agg = np.full((lines, 3, 3), NAN)  # Cumberland, Westmorland, Cumbria x 3 years
    agg[:, 2, 0] = 0.0
    agg[0, 2, 0], agg[4, 2, 0] = 300.0, 100.0  # the county in 2022-23
    agg[:, 0:2, 1:] = 0.0
    agg[0, 0, 1:], agg[4, 0, 1:] = [150.0, 160.0], [50.0, 40.0]
    agg[0, 1, 1:], agg[4, 1, 1:] = [120.0, 130.0], [30.0, 20.0]
    return dataclasses.replace(a, agg_codes=("E06000063", "E06000064", "E10000006"),
                               agg_values=agg)


def test_comparable_area_series_joins_cumbria() -> None:
    c = comparable_area_series(_cumbria())
    assert list(c.columns) == ["area_id", "area_name", "period", "members", "total", "focus",
                               "focus_share", "gap"]
    cum = c[c["area_id"] == "CA_CUMBRIA"]
    assert cum["area_name"].tolist() == ["Cumbria (county area)"] * 3
    assert cum["period"].tolist() == ["2022-23", "2023-24", "2024-25"]
    assert cum["members"].tolist() == ["E10000006", "E06000063, E06000064",
                                       "E06000063, E06000064"]
    assert cum["total"].tolist() == [400.0, 350.0, 350.0]
    assert cum["focus"].tolist() == [100.0, 80.0, 60.0]
    _close(cum["focus_share"].tolist(), [0.25, 80 / 350, 60 / 350])
    assert cum["gap"].tolist() == ["", "", ""]
    other = c[c["area_id"] == "CA_CHESHIRE"]
    assert other["members"].tolist() == ["", "", ""]
    assert other["focus_share"].isna().all()
    assert other["gap"].tolist() == ["members without every line: E06000049, E06000050"] * 3
    assert c["area_id"].tolist() == sorted(c["area_id"].tolist())  # areas in order


def test_comparable_area_gap_names_the_member_without_a_line() -> None:
    a = _cumbria()
    agg = a.agg_values.copy()
    agg[3, 1, 2] = NAN  # Westmorland and Furness lacks a line in 2024-25
    c = comparable_area_series(dataclasses.replace(a, agg_values=agg))
    cum = c[c["area_id"] == "CA_CUMBRIA"].set_index("period")
    assert cum.loc["2024-25", "gap"] == "members without every line: E06000064"
    assert math.isnan(cum.loc["2024-25", "focus_share"])
    assert math.isnan(cum.loc["2024-25", "total"])
    assert cum.loc["2023-24", "gap"] == ""
