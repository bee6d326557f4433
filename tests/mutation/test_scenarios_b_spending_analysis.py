"""Kill tests for the spending analysis on a hand-built three-council analysis.

The shipped ``statutory`` taxonomy (focus ``non_statutory``) over RO3, 2022-23..2024-25:

=====  =========  ============  ==============  =========
code   name       statutory     non_statutory   children
=====  =========  ============  ==============  =========
...00  Alpha, NE  80, 90, 100   20, 10, 25      10, 10, 10
...01  Beta, NE   50, 60, 60    50, 60, 20      20, 20, 40
...02  Gamma, L   -, 70, 90     -, 30, 10       5, 5, 5
=====  =========  ============  ==============  =========

Gamma did not exist in 2022-23. Deflator factors 1.1, 1.05, 1. In the aggregates statutory
spend sits on ``ro3_lac_net`` and non-statutory on ``ro3_family_support_net``.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from fundmodel.errors import FormulaError
from fundmodel.scenarios.spending.analysis import SpendingAnalysis
from fundmodel.scenarios.spending.taxonomy import load_taxonomy

NAN = math.nan
PERIODS = ("2022-23", "2023-24", "2024-25")
CODES = np.array(["E06900000", "E06900001", "E06900002"])
STAT = np.array([[80.0, 90, 100], [50, 60, 60], [NAN, 70, 90]])
NON = np.array([[20.0, 10, 25], [50, 60, 20], [NAN, 30, 10]])
KIDS = np.array([[10.0, 10, 10], [20, 20, 40], [5, 5, 5]])
ABSENT = "authority did not exist (reorganisation)"
REGIONS = np.array(["North East", "North East", "London"])


def hand_analysis(**over: object) -> SpendingAnalysis:
    tax = load_taxonomy("statutory")
    lines, _ = tax.matrix("ro3")
    agg = np.zeros((len(lines), 3, 3))
    agg[0] = STAT
    agg[4] = NON
    agg[:, 2, 0] = NAN
    gap = np.full((3, 3), "", dtype=object)
    gap[2, 0] = ABSENT
    kw: dict[str, object] = dict(
        taxonomy=tax, dataset="ro3", periods=PERIODS, codes=CODES,
        names=np.array(["Alpha", "Beta", "Gamma"]), regions=REGIONS, lines=lines,
        line_values=agg.copy(), category_values=np.stack([STAT, NON]), gap=gap,
        children=KIDS, deflator=None, factors=np.array([1.1, 1.05, 1.0]),
        reconciliation=pd.DataFrame(columns=["code", "period", "lines_sum", "published_total",
                                             "difference"]),
        agg_codes=tuple(CODES), agg_regions=REGIONS.copy(), agg_values=agg,
        agg_children=KIDS, complete_area=False, notes=("a note",))
    kw.update(over)
    a = SpendingAnalysis(**kw)  # type: ignore[arg-type]
    # demand counts at 31 March (the embedded cube is not read): cla drives the elasticity
    a.__dict__["_demand"] = {
        "referrals": np.full((3, 3), 1.0), "cin": np.full((3, 3), 2.0),
        "cpp": np.full((3, 3), 3.0),
        "cla": np.array([[100.0, 100, 110], [50, 55, 40], [10, 10, 10]]),
        "cla_published": np.full((3, 3), 4.0)}
    return a


def _close(values: list[float], want: list[float]) -> None:
    assert len(values) == len(want), (values, want)
    for v, w in zip(values, want, strict=True):
        assert (math.isnan(v) and math.isnan(w)) or v == pytest.approx(w), (values, want)


def test_to_frame_by_hand() -> None:
    f = hand_analysis().to_frame()
    assert list(f.columns) == [
        "code", "name", "region", "period", "total", "statutory", "non_statutory",
        "share_statutory", "share_non_statutory", "total_real", "total_per_child",
        "non_statutory_per_child", "total_growth_pct", "gap"]
    assert f["code"].tolist() == [c for c in CODES for _ in range(3)]
    assert f["name"].tolist() == ["Alpha"] * 3 + ["Beta"] * 3 + ["Gamma"] * 3
    assert f["region"].tolist() == ["North East"] * 6 + ["London"] * 3
    assert f["period"].tolist() == list(PERIODS) * 3
    _close(f["total"].tolist(), [100, 100, 125, 100, 120, 80, NAN, 100, 100])
    _close(f["statutory"].tolist(), [80, 90, 100, 50, 60, 60, NAN, 70, 90])
    _close(f["non_statutory"].tolist(), [20, 10, 25, 50, 60, 20, NAN, 30, 10])
    _close(f["share_statutory"].tolist(), [.8, .9, .8, .5, .5, .75, NAN, .7, .9])
    _close(f["share_non_statutory"].tolist(), [.2, .1, .2, .5, .5, .25, NAN, .3, .1])
    _close(f["total_real"].tolist(), [110, 105, 125, 110, 126, 80, NAN, 105, 100])
    _close(f["total_per_child"].tolist(), [10, 10, 12.5, 5, 6, 2, NAN, 20, 20])
    _close(f["non_statutory_per_child"].tolist(), [2, 1, 2.5, 2.5, 3, .5, NAN, 6, 2])
    _close(f["total_growth_pct"].tolist(), [NAN, 0, 25, NAN, 20, -100 / 3, NAN, NAN, 0])
    assert f["gap"].tolist() == [""] * 6 + [ABSENT, "", ""]
    no_deflator = hand_analysis(factors=None).to_frame()
    assert "total_real" not in no_deflator.columns


def test_focus_share_table() -> None:
    fs = hand_analysis().focus_share()
    assert fs.index.name == "code" and fs.columns.name == "period"
    assert fs.index.tolist() == CODES.tolist() and fs.columns.tolist() == list(PERIODS)
    _close(fs.loc["E06900001"].tolist(), [.5, .5, .25])


def test_share_change_by_hand() -> None:
    a = hand_analysis()
    c = a.share_change()
    assert list(c.columns) == ["code", "name", "region", "share_start", "share_end",
                               "change_pp", "rank", "direction", "gap"]
    assert c.attrs == {"start": "2022-23", "end": "2024-25", "focus": "non_statutory"}
    assert c["code"].tolist() == ["E06900001", "E06900000", "E06900002"]
    assert c["name"].tolist() == ["Beta", "Alpha", "Gamma"]
    _close(c["share_start"].tolist(), [50, 20, NAN])
    _close(c["share_end"].tolist(), [25, 20, 10])
    _close(c["change_pp"].tolist(), [-25, 0, NAN])
    _close(c["rank"].tolist(), [1, 2, NAN])
    assert c["direction"].tolist() == ["fell", "unchanged", "gap"]
    assert c["gap"].tolist() == ["", "", ABSENT]
    later = a.share_change("2023-24", "2024-25")
    assert later["code"].tolist() == ["E06900001", "E06900002", "E06900000"]
    _close(later["change_pp"].tolist(), [-25, -20, 10])
    _close(later["rank"].tolist(), [1, 2, 3])
    assert later["direction"].tolist() == ["fell", "fell", "rose"]
    # the end year missing: the reason is the end year's
    gap = a.gap.copy()
    gap[2, 0] = ""
    gap[2, 2] = "end missing"
    non = NON.copy()
    non[2] = [30, 30, NAN]
    stat = STAT.copy()
    stat[2] = [70, 70, NAN]
    b = hand_analysis(gap=gap, category_values=np.stack([stat, non]))
    assert b.share_change().set_index("code").loc["E06900002", "gap"] == "end missing"


def test_share_change_ties_go_to_the_lower_code() -> None:
    non = NON.copy()
    non[0] = [50, 60, 20]
    stat = STAT.copy()
    stat[0] = [50, 60, 60]  # Alpha now exactly like Beta
    c = hand_analysis(category_values=np.stack([stat, non])).share_change()
    assert c["code"].tolist()[:2] == ["E06900000", "E06900001"]
    _close(c["rank"].tolist(), [1, 2, NAN])


def test_unknown_period_is_an_error() -> None:
    with pytest.raises(FormulaError, match=r"no period '2030-31' in the ro3 series "
                       r"\(2022-23\.\.2024-25\)"):
        hand_analysis().share_change("2030-31")


def test_growth_by_hand() -> None:
    a = hand_analysis()
    g = a.growth()
    assert list(g.columns) == ["code", "name", "region", "statutory_growth_pct",
                               "non_statutory_growth_pct", "total_growth_pct",
                               "total_annual_growth_pct"]
    assert g.attrs == {"start": "2022-23", "end": "2024-25", "real": False}
    assert g["code"].tolist() == CODES.tolist()
    _close(g["statutory_growth_pct"].tolist(), [25, 20, NAN])
    _close(g["non_statutory_growth_pct"].tolist(), [25, -60, NAN])
    _close(g["total_growth_pct"].tolist(), [25, -20, NAN])
    _close(g["total_annual_growth_pct"].tolist(),
           [100 * (math.sqrt(1.25) - 1), 100 * (math.sqrt(0.8) - 1), NAN])
    real = a.growth(real=True)
    # Alpha 100 x 1.1 = 110 -> 125; Beta 110 -> 80
    _close(real["total_growth_pct"].tolist(), [100 * (125 / 110 - 1), 100 * (80 / 110 - 1), NAN])
    assert real.attrs["real"] is True
    one = a.growth("2023-24", "2024-25")
    _close(one["total_growth_pct"].tolist(), [25, 100 * (80 / 120 - 1), 0])
    _close(one["total_annual_growth_pct"].tolist(), [25, 100 * (80 / 120 - 1), 0])
    same = a.growth("2024-25", "2024-25")  # a zero-year window: no division by zero years
    _close(same["total_annual_growth_pct"].tolist(), [0, 0, 0])
    with pytest.raises(FormulaError, match="real-terms growth needs a deflator"):
        hand_analysis(factors=None).growth(real=True)


def test_aggregates_by_hand() -> None:
    g = hand_analysis().aggregates()
    lines = list(hand_analysis().lines)
    assert list(g.columns) == ["area", "period", "councils_complete", *lines, "statutory",
                               "non_statutory", "total", "focus_share", "total_per_child",
                               "total_real"]
    assert g.attrs == {"focus": "non_statutory"}
    assert g["area"].tolist() == ["London"] * 3 + ["North East"] * 3 + ["All councils"] * 3
    assert g["period"].tolist() == list(PERIODS) * 3
    assert g["councils_complete"].tolist() == [0, 1, 1, 2, 2, 2, 2, 3, 3]
    _close(g["ro3_lac_net"].tolist(), [0, 70, 90, 130, 150, 160, 130, 220, 250])
    _close(g["ro3_family_support_net"].tolist(), [0, 30, 10, 70, 70, 45, 70, 100, 55])
    _close(g["ro3_sure_start_net"].tolist(), [0.0] * 9)
    _close(g["statutory"].tolist(), [0, 70, 90, 130, 150, 160, 130, 220, 250])
    _close(g["non_statutory"].tolist(), [0, 30, 10, 70, 70, 45, 70, 100, 55])
    _close(g["total"].tolist(), [0, 100, 100, 200, 220, 205, 200, 320, 305])
    _close(g["focus_share"].tolist(),
           [NAN, .3, .1, .35, 70 / 220, 45 / 205, .35, 100 / 320, 55 / 305])
    # per child over the councils with every line: kids 0, 5, 5, 30, 30, 50, 30, 35, 55
    _close(g["total_per_child"].tolist(),
           [NAN, 20, 20, 200 / 30, 220 / 30, 205 / 50, 200 / 30, 320 / 35, 305 / 55])
    _close(g["total_real"].tolist(), [0, 105, 100, 220, 231, 205, 220, 336, 305])
    england = hand_analysis(complete_area=True).aggregates()
    assert england["area"].tolist()[-3:] == ["England"] * 3
    assert "total_real" not in hand_analysis(factors=None).aggregates().columns


def test_a_line_missing_everywhere_is_a_gap_in_the_aggregates() -> None:
    a = hand_analysis()
    agg = a.agg_values.copy()
    agg[7, :, 0] = NAN  # ro3_other_children_family_net not collected in 2022-23
    b = dataclasses.replace(a, agg_values=agg)
    g = b.aggregates()
    first = g[g["period"] == "2022-23"]
    assert first["ro3_other_children_family_net"].isna().all()
    assert first["non_statutory"].isna().all() and first["total"].isna().all()
    _close(first["statutory"].tolist(), [0, 130, 130])  # statutory lines all there
    assert first["councils_complete"].tolist() == [0, 0, 0]
    assert b.first_complete_period() == "2023-24"
    assert a.first_complete_period() == "2022-23"
    assert b.share_change().attrs["start"] == "2023-24"
    none = dataclasses.replace(a, agg_values=np.full_like(agg, NAN))
    assert none.first_complete_period() == "2022-23"


def test_summary_and_html_by_hand() -> None:
    a = hand_analysis()
    lines = a.summary().splitlines()
    assert lines == [
        "Statutory vs non-statutory (Case for Change) (ro3, 2022-23..2024-25): non_statutory "
        "share 35.0% -> 18.0% (All councils)",
        "  total £200.00 -> £305.00 cash",
        "  1 of 2 councils with both years saw the non_statutory share fall; 1 councils lack "
        "one of the years",
        "  1 council-years are gaps (shown as missing, never interpolated)",
        "  note: a note"]
    later = a.summary("2023-24").splitlines()
    assert later[0].endswith("(ro3, 2023-24..2024-25): non_statutory share 31.2% -> 18.0% "
                             "(All councils)")
    assert later[2] == ("  2 of 3 councils with both years saw the non_statutory share fall; "
                        "0 councils lack one of the years")
    same = a.summary("2023-24", "2023-24").splitlines()
    assert same[2] == ("  0 of 3 councils with both years saw the non_statutory share fall; "
                       "0 councils lack one of the years")
    page = a._repr_html_()
    assert page.startswith("<div><strong>Statutory vs non-statutory (Case for Change): "
                           "spending analysis</strong><p>Statutory vs non-statutory")
    assert "<li>total £200.00 -&gt; £305.00 cash</li>" in page
    assert "<li>note: a note</li>" in page
    assert page.endswith("use .to_frame()</small></div>")
    assert repr(a) == "SpendingAnalysis('statutory', ro3, 2022-23..2024-25, councils=3)"
    assert a.categories == ("statutory", "non_statutory") and a.focus == "non_statutory"


def test_sources() -> None:
    a = hand_analysis()
    cited = a.sources()
    tax = load_taxonomy("statutory")
    for s in tax.sources.values():
        assert s.cite() in cited
    assert not any(c.startswith("deflator:") for c in cited)


def test_elasticities_by_hand() -> None:
    a = hand_analysis()
    e = a.elasticities()
    assert list(e.columns) == ["code", "name", "region", "spend_start", "spend_end",
                               "demand_start", "demand_end", "spend_growth_pct",
                               "demand_growth_pct", "elasticity", "stable"]
    assert e.attrs == {"demand": "cla", "category": "total", "start": "2022-23",
                       "end": "2024-25", "real": False}
    _close(e["spend_start"].tolist(), [100, 100, NAN])
    _close(e["spend_end"].tolist(), [125, 80, 100])
    _close(e["demand_start"].tolist(), [100, 50, 10])
    _close(e["demand_end"].tolist(), [110, 40, 10])
    _close(e["spend_growth_pct"].tolist(), [25, -20, NAN])
    _close(e["demand_growth_pct"].tolist(), [10, -20, 0])
    _close(e["elasticity"].tolist(), [math.log(1.25) / math.log(1.1), 1.0, NAN])
    assert e["stable"].tolist() == [True, True, False]
    stat = a.elasticities(category="statutory")
    assert stat.attrs["category"] == "statutory"
    _close(stat["spend_growth_pct"].tolist(), [25, 20, NAN])
    _close(stat["elasticity"].tolist(),
           [math.log(1.25) / math.log(1.1), math.log(1.2) / math.log(0.8), NAN])
    real = a.elasticities(real=True)
    _close(real["spend_start"].tolist(), [110, 110, NAN])
    _close(real["spend_growth_pct"].tolist(), [100 * (125 / 110 - 1), 100 * (80 / 110 - 1),
                                               NAN])
    late = a.elasticities(start="2023-24")
    # Beta's demand 55 -> 40 (-27%), Alpha's 100 -> 110, Gamma's flat
    _close(late["demand_growth_pct"].tolist(), [10, 100 * (40 / 55 - 1), 0])
    assert late["stable"].tolist() == [True, True, False]
    # under the 5% change threshold the ratio is not stable
    d = dict(a.__dict__["_demand"])
    d["cla"] = np.array([[100.0, 100, 104], [50, 55, 40], [10, 10, 10]])
    a.__dict__["_demand"] = d
    small = a.elasticities()
    assert small["stable"].tolist() == [False, True, False]
    assert not math.isnan(small["elasticity"].iloc[0])


def test_elasticity_errors() -> None:
    a = hand_analysis()
    with pytest.raises(FormulaError, match=r"unknown demand measure 'x'; use one of referrals, "
                       r"cin, cpp, cla"):
        a.elasticities("x")
    with pytest.raises(FormulaError, match=r"unknown category 'other' \(statutory, "
                       r"non_statutory\)"):
        a.elasticities(category="other")
    with pytest.raises(FormulaError, match="real-terms elasticities need a deflator"):
        hand_analysis(factors=None).elasticities(real=True)


def test_demand_frame_by_hand() -> None:
    f = hand_analysis().demand_frame()
    assert list(f.columns) == [
        "code", "name", "region", "period", "as_at", "children_0_17", "referrals",
        "referrals_per_10k", "cin", "cin_per_10k", "cpp", "cpp_per_10k", "cla", "cla_per_10k",
        "cla_per_10k_published"]
    assert f["code"].tolist() == [c for c in CODES for _ in range(3)]
    assert f["period"].tolist() == list(PERIODS) * 3
    assert f["as_at"].tolist() == ["2023", "2024", "2025"] * 3
    _close(f["children_0_17"].tolist(), KIDS.ravel().tolist())
    assert f["referrals"].tolist() == [1.0] * 9
    assert f["cin"].tolist() == [2.0] * 9 and f["cpp"].tolist() == [3.0] * 9
    _close(f["cin_per_10k"].tolist(), (2e4 / KIDS).ravel().tolist())
    _close(f["cpp_per_10k"].tolist(), (3e4 / KIDS).ravel().tolist())
    _close(f["referrals_per_10k"].tolist(), (1e4 / KIDS).ravel().tolist())
    _close(f["cla_per_10k"].tolist(), [1e5, 1e5, 1.1e5, 2.5e4, 2.75e4, 1e4, 2e4, 2e4, 2e4])
    assert f["cla_per_10k_published"].tolist() == [4.0] * 9


def test_growth_from_nothing_is_infinite_without_warnings() -> None:
    import warnings

    stat, non = STAT.copy(), NON.copy()
    stat[0, 0], non[0, 0] = 0.0, 0.0  # Alpha spent nothing in 2022-23
    a = hand_analysis(category_values=np.stack([stat, non]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = a.growth()
        e = a.elasticities()
    assert g["total_growth_pct"].iloc[0] == math.inf
    assert math.isnan(e["elasticity"].iloc[0])  # no log growth from nothing
