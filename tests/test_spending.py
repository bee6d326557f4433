"""Spending balance (kind: spending): taxonomies, hand-worked measures, the England totals
DfE publishes, gaps, targets, demand, the scenario, charts and properties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fundmodel import FormulaError, ScenarioError, load_authorities
from fundmodel.data.series import series_table
from fundmodel.presets import family_help_ask, illustrative_deflator
from fundmodel.report.spending_charts import (
    change_map_data,
    plot_change_map,
    plot_share_over_time,
    plot_slope,
    share_over_time_data,
    slope_data,
    spending_sources,
)
from fundmodel.scenarios import load_scenario_text
from fundmodel.scenarios.spending import (
    NAO_PREVENTIVE_SHARE_2010_11,
    PROMISE_PREVENTIVE_SHARE,
    SERVICE_LINES,
    SPENDING_PARAMETERS,
    SpendingScenario,
    add_to_target,
    analyse_spending,
    arc_elasticity,
    category_spend,
    dataset_lines,
    load_taxonomy,
    move_to_target,
    prevention_scenario,
    shares,
    shipped_taxonomies,
    statistical_neighbours,
    taxonomy_from_data,
)

ROOT = Path(__file__).resolve().parents[1]
LAIT = ROOT.parent / "shared" / "data" / "raw" / "dfe-lait" / "bds_long_0.parquet"
LAIT_LINES = {
    "TotalLACFinance": "s251_lac", "SafeguardingFinance": "s251_safeguarding",
    "FamilySupportFinance": "s251_family_support",
    "OtherChildren&FamilyFinance": "s251_other_children_family",
    "SureStartFinance": "s251_sure_start", "YoungPeopleFinance": "s251_young_people",
    "YouthJusticeFinance": "s251_youth_justice",
}
WANDSWORTH, MIDDLESBROUGH, BCP, LUTON, SLOUGH = (
    "E09000032", "E06000002", "E06000058", "E06000032", "E06000039")


@pytest.fixture(scope="module")
def prevention() -> Any:
    return analyse_spending("prevention")


@pytest.fixture(scope="module")
def lait() -> pd.DataFrame:
    pq = pytest.importorskip("pyarrow.parquet")
    if not LAIT.exists():
        pytest.skip("raw LAIT file not available")
    table = pq.read_table(LAIT).to_pandas()
    rows = table[table["Short Desc"].isin(list(LAIT_LINES)) & (table["LA Number"] >= 970)].copy()
    rows["measure"] = rows["Short Desc"].map(LAIT_LINES)
    rows["period"] = rows["Years"].str.replace(" (OT)", "", regex=False)
    rows["value"] = pd.to_numeric(rows["Values"], errors="coerce")
    rows["area"] = rows["LA and Regions"].replace(
        {"Yorkshire and the Humber": "Yorkshire and The Humber"})
    return rows


# --------------------------------------------------------------------------- taxonomies


@pytest.mark.parametrize("name", ["prevention", "statutory", "safeguarding"])
def test_shipped_taxonomies_cover_every_spend_line_once_with_a_cited_reason(name: str) -> None:
    tax = load_taxonomy(name)
    for dataset in ("s251", "ro3"):
        mapped = tax.mapping(dataset)
        assert sorted(mapped) == sorted(dataset_lines(dataset))
    reasons = tax.reasons()
    mapped_rows = reasons[reasons["category"] != "(excluded)"]
    assert mapped_rows["reason"].str.len().min() > 10
    assert mapped_rows["source"].str.len().min() > 10
    excluded = reasons[reasons["category"] == "(excluded)"]
    assert "s251_adoption" in excluded["line"].tolist()
    assert "unit cost" in excluded.set_index("line").loc["s251_adoption", "reason"]


def test_three_taxonomies_ship_and_they_differ() -> None:
    assert shipped_taxonomies() == ["prevention", "safeguarding", "statutory"]
    maps = {n: load_taxonomy(n).mapping("s251") for n in shipped_taxonomies()}
    assert maps["prevention"]["s251_other_children_family"] == "other"
    assert maps["statutory"]["s251_other_children_family"] == "non_statutory"
    assert maps["safeguarding"]["s251_youth_justice"] == "non_safeguarding"
    assert maps["statutory"]["s251_youth_justice"] == "statutory"
    # the Case for Change mapping is fundmodel's reading: every line says so
    assert all(m.assumption for m in load_taxonomy("statutory").lines)


def _raw(name: str = "prevention") -> dict[str, Any]:
    return load_taxonomy(name).model_dump(mode="json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["lines"].append({"line": "s251_adoption", "category": "other",
                                      "reason": "x", "source": "nao"}),
         "line 's251_adoption' appears twice"),
        (lambda d: d.update(excluded=[]) or d["lines"].append(
            {"line": "s251_adoption", "category": "other", "reason": "x", "source": "nao"}),
         "unit cost line"),
        (lambda d: d.update(excluded=[]) or d["lines"].append(
            {"line": "s251_cyps_total", "category": "other", "reason": "x", "source": "nao"}),
         "cannot be mapped: it is a total line"),
        (lambda d: d.update(lines=[m for m in d["lines"] if m["line"] != "s251_lac"]),
         "s251 lines neither mapped nor excluded: s251_lac"),
        (lambda d: d["lines"][0].update(category="crisis"), "unknown category 'crisis'"),
        (lambda d: d["lines"][0].update(source="nobody"), "cites source 'nobody'"),
        (lambda d: d.update(focus="nothing"), "focus 'nothing' is not a category"),
        (lambda d: d["lines"][0].update(line="s251_magic"), "unknown service line 's251_magic'"),
        (lambda d: d.update(extra_key=1), "extra_key"),
    ],
)
def test_invalid_taxonomies_are_refused_with_the_reason(change: Any, message: str) -> None:
    data = _raw()
    change(data)
    with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)")):
        taxonomy_from_data(data, "test.yaml")


def test_a_user_taxonomy_from_yaml(tmp_path: Path) -> None:
    tax = load_taxonomy(ROOT / "examples" / "taxonomy_custom.yaml")
    assert tax.category_ids() == ("family_help", "protection", "care", "other")
    assert tax.datasets() == ["s251"]
    analysis = analyse_spending(tax)
    assert analysis.categories == tax.category_ids()
    with pytest.raises(FormulaError, match="maps no ro3 lines"):
        analyse_spending(tax, dataset="ro3")
    bad = tmp_path / "t.yaml"
    bad.write_text("name: x\nname: y\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="duplicate key 'name'"):
        load_taxonomy(bad)


# --------------------------------------------------------------------------- hand-worked


def test_hand_worked_shares_and_targets() -> None:
    # one council, two years: lines (preventive 20, late 80) then (preventive 10, late 90)
    values = np.array([[[20.0, 10.0]], [[80.0, 90.0]]])
    matrix = np.eye(2)
    cats = category_spend(values, matrix)
    assert shares(cats)[0, 0].tolist() == [0.2, 0.1]
    # 25% target in year 2: move 15 (25 of 100), or add 20 (30 of 120 = 25%)
    assert move_to_target(cats[0, :, 1], cats.sum(axis=0)[:, 1], 0.25).tolist() == [15.0]
    assert add_to_target(cats[0, :, 1], cats.sum(axis=0)[:, 1], 0.25).tolist() == [20.0]
    assert add_to_target(np.array([30.0]), np.array([100.0]), 0.25).tolist() == [0.0]
    with pytest.raises(FormulaError, match="below 1"):
        add_to_target(np.array([1.0]), np.array([2.0]), 1.0)
    # spend up 21%, demand up 10%: ln(1.21)/ln(1.1) = 2 exactly
    assert arc_elasticity(np.array([100.0]), np.array([121.0]), np.array([50.0]),
                          np.array([55.0]))[0] == pytest.approx(2.0, rel=1e-12)
    assert np.isnan(arc_elasticity(np.array([1.0]), np.array([2.0]), np.array([5.0]),
                                   np.array([5.0]))[0])


def test_a_missing_line_makes_the_council_year_a_gap_never_zero() -> None:
    values = np.array([[[5.0, 5.0]], [[np.nan, 5.0]]])
    cats = category_spend(values, np.array([[1.0, 1.0]]))
    assert np.isnan(cats[0, 0, 0]) and cats[0, 0, 1] == 10.0


# --------------------------------------------------------------------------- real data


def test_council_figures_are_the_series_values(prevention: Any) -> None:
    la = load_authorities()
    for k, line in enumerate(prevention.lines):
        table = series_table(line).reindex(columns=list(prevention.periods))
        np.testing.assert_array_equal(prevention.line_values[k], table.to_numpy())
    assert prevention.codes.tolist() == la.codes.tolist()


def test_england_preventive_share_from_the_published_england_rows(
        prevention: Any, lait: pd.DataFrame) -> None:
    eng = lait[lait["area"] == "England"].pivot_table(index="period", columns="measure",
                                                      values="value")
    share = (eng["s251_family_support"] + eng["s251_sure_start"] + eng["s251_young_people"]) / (
        eng.sum(axis=1))
    ours = prevention.aggregates().query("area == 'England'").set_index("period")["focus_share"]
    for period in prevention.periods:
        if period == "2017-18":
            continue  # LAIT's England LAC row holds £60m no council row holds (next test)
        assert ours[period] == pytest.approx(share[period], abs=1e-8)
    assert round(100 * ours["2016-17"], 1) == 25.2
    assert round(100 * ours["2024-25"], 1) == 18.4


def test_national_and_regional_sums_reproduce_the_published_rows(
        prevention: Any, lait: pd.DataFrame) -> None:
    agg = prevention.aggregates()
    ours = agg.melt(id_vars=["area", "period"], value_vars=list(prevention.lines),
                    var_name="measure", value_name="ours")
    joined = lait.merge(ours, on=["area", "period", "measure"], how="inner")
    assert len(joined) == 7 * 9 * 10  # England + 9 regions, 7 lines, 9 years
    diff = joined["value"] - joined["ours"]
    # published figures are rounded to the pound: a few pounds over ~150 councils
    odd = joined[diff.abs() > 10]
    # the one exception: LAIT's North East (and so England) looked-after row for 2017-18
    # is exactly £60,000,000 above the sum of the twelve North East councils' own rows
    assert sorted(zip(odd["area"], odd["period"], odd["measure"], strict=True)) == [
        ("England", "2017-18", "s251_lac"), ("North East", "2017-18", "s251_lac")]
    assert (diff[diff.abs() > 10] == 60_000_000).all()
    # 2024-25: Wandsworth and Middlesbrough are withdrawn, as in DfE's England figure
    row = agg.query("area == 'England' and period == '2024-25'").iloc[0]
    assert row["councils_complete"] == 151


def test_gaps_are_shown_with_their_reason_and_never_filled(prevention: Any) -> None:
    frame = prevention.to_frame().set_index(["code", "period"])
    assert np.isnan(frame.loc[(BCP, "2016-17"), "total"])
    assert "did not exist" in frame.loc[(BCP, "2016-17"), "gap"]
    assert np.isnan(frame.loc[(WANDSWORTH, "2024-25"), "share_preventive"])
    assert "withdrawn_by_publisher" in frame.loc[(WANDSWORTH, "2024-25"), "gap"]
    assert frame.loc[(LUTON, "2022-23"), "gap"] == "s251_youth_justice: not_available"
    assert frame.loc[(WANDSWORTH, "2023-24"), "gap"] == ""
    # gaps: BCP and Dorset before 2019-20 (3 years each), North and West Northamptonshire
    # before 2021-22 (5 each), Cumberland and Westmorland and Furness before 2023-24 (7 each)
    # and in 2023-24 (not available), Wandsworth and Middlesbrough 2024-25, Luton 2022-23
    assert int((prevention.gap != "").sum()) == 2 * 3 + 2 * 5 + 2 * 7 + 2 + 2 + 1


def test_the_slough_2017_18_published_total_differs_from_its_lines(prevention: Any) -> None:
    recon = prevention.reconciliation
    assert recon[["code", "period"]].values.tolist() == [[SLOUGH, "2017-18"]]
    assert float(recon["difference"].iloc[0]) == -855_316.0
    assert any(SLOUGH in n for n in prevention.notes)


def test_per_child_real_terms_and_growth_by_hand() -> None:
    deflator = illustrative_deflator("2016-17", 9, base_year="2024-25")
    analysis = analyse_spending("prevention", deflator=deflator)
    frame = analysis.to_frame().set_index(["code", "period"])
    hartlepool = "E06000001"
    total = sum(series_table(line).loc[hartlepool, "2016-17"] for line in analysis.lines)
    children = series_table("children_0_17").loc[hartlepool, "2016"]
    row = frame.loc[(hartlepool, "2016-17")]
    assert row["total"] == pytest.approx(total)
    assert row["total_per_child"] == pytest.approx(total / children)
    assert row["total_real"] == pytest.approx(total * 1.02**8)
    assert frame.loc[(hartlepool, "2024-25"), "total_real"] == pytest.approx(
        frame.loc[(hartlepool, "2024-25"), "total"])
    growth = analysis.growth(real=True).set_index("code").loc[hartlepool]
    end = frame.loc[(hartlepool, "2024-25"), "total"]
    assert growth["total_growth_pct"] == pytest.approx(100 * (end / (total * 1.02**8) - 1))
    # cash only is now an explicit choice (the default deflator is the GDP deflator)
    with pytest.raises(FormulaError, match="deflator"):
        analyse_spending("prevention", deflator=None).growth(real=True)


def test_councils_ranked_by_change(prevention: Any) -> None:
    change = prevention.share_change()
    ranked = change[change["rank"].notna()]
    assert len(ranked) == 145 and ranked["rank"].tolist() == list(range(1, 146))
    assert (ranked["change_pp"].diff().dropna() >= 0).all()
    assert int((change["direction"] == "fell").sum()) == 127
    assert set(change.loc[change["rank"].isna(), "code"]) >= {BCP, WANDSWORTH, MIDDLESBROUGH}


def test_target_check_costs_and_the_family_help_comparison(prevention: Any) -> None:
    check = prevention.target_check(NAO_PREVENTIVE_SHARE_2010_11)
    frame = check.to_frame()
    ok = frame["add_needed"].notna()
    assert ok.sum() == 151
    add = frame["add_needed"]
    new_share = (frame["focus_spend"] + add) / (frame["total"] + add)
    assert np.allclose(new_share[ok], 0.41, atol=1e-9)
    assert check.add_total == pytest.approx(frame["add_needed"].sum(), abs=0.01)
    assert check.add_total > check.move_total > 0
    label, headline, per_year = check.ask_per_year()[0]
    assert headline == 2e9 and per_year == 4e8
    assert family_help_ask().run().label == label
    # the 5% floor: only councils below it need money, and the add is small
    floor = prevention.target_check(PROMISE_PREVENTIVE_SHARE)
    assert int(floor.below.sum()) == 1
    assert floor.add_total < 1e6
    with pytest.raises(FormulaError, match="below 1"):
        prevention.target_check(100.0)


def test_demand_rates_match_the_published_rate_and_elasticities(prevention: Any) -> None:
    demand = prevention.demand_frame()
    later = demand[demand["as_at"].astype(int) >= 2019].dropna(
        subset=["cla_per_10k", "cla_per_10k_published"])
    assert (later["cla_per_10k"].round() == later["cla_per_10k_published"]).all()
    el = prevention.elasticities("cla").set_index("code")
    h = el.loc["E06000001"]
    expected = np.log(h["spend_end"] / h["spend_start"]) / np.log(
        h["demand_end"] / h["demand_start"])
    assert h["elasticity"] == pytest.approx(expected)
    assert h["demand_start"] == series_table("cla_count_lait").loc["E06000001", "2017"]
    small = el["demand_growth_pct"].abs() < 5
    assert not el.loc[small, "stable"].any()
    with pytest.raises(FormulaError, match="unknown demand"):
        prevention.elasticities("nothing")


def test_aggregates_of_a_subset_leave_out_predecessors_of_councils_not_analysed() -> None:
    la = load_authorities()
    codes = [c for c, r in zip(la.codes, la.regions, strict=True) if r == "South West"]
    codes.remove("E06000059")  # new Dorset: old Dorset county no longer fully covered
    part = analyse_spending("prevention", authorities=la.select(codes))
    assert "E10000009" not in part.agg_codes and "E06000028" in part.agg_codes
    assert part.aggregates()["area"].iloc[-1] == "All councils"


# --------------------------------------------------------------------------- scenario


def test_spending_scenario_from_yaml_runs_and_round_trips() -> None:
    text = ("kind: spending\nheader: {title: t, assumes: a}\ntaxonomy: statutory\n"
            "targets: [10, 30]\nstart: '2018-19'\ndemand: cpp\n")
    scenario = load_scenario_text(text)
    assert isinstance(scenario, SpendingScenario)
    assert [t.assumption for t in scenario.targets] == [True, True]
    assert load_scenario_text(scenario.to_yaml()) == scenario
    result = scenario.run()
    frame = result.to_frame()
    assert len(frame) == 153 and {"add_to_10pct", "add_to_30pct", "elasticity"} <= set(frame)
    amounts = result.council_amounts()
    assert set(amounts.index) == set(load_authorities().codes)
    assert "<script" not in result._repr_html_()
    assert "non_statutory share" in result.summary()
    with pytest.raises(ScenarioError, match="targets"):
        load_scenario_text(text.replace("[10, 30]", "[120]"))
    with pytest.raises(ScenarioError, match="start"):
        load_scenario_text(text.replace("'2018-19'", "'2018-20'"))


def test_preset_and_parameters_have_sources() -> None:
    result = prevention_scenario().run()
    assert [c.target.value for c in result.targets] == [5.0, 41.0]
    for p in SPENDING_PARAMETERS:
        assert p.source.publisher and p.label
        assert not p.assumption or p.note


# --------------------------------------------------------------------------- charts


def test_chart_data_is_what_is_drawn(prevention: Any) -> None:
    data = share_over_time_data(prevention, BCP)
    council = data[data["role"] == "council"]
    assert council["share_pct"].isna().tolist()[:3] == [True, True, True]  # a gap, not a line
    neighbours = statistical_neighbours(BCP)
    assert (data["role"] == "neighbour").sum() == 9 * len(neighbours)
    eng = data[data["role"] == "england"].set_index("period")["share_pct"]
    assert round(eng["2024-25"], 1) == 18.4
    slope = slope_data(prevention)
    assert len(slope) == 146 and len(slope.attrs["left_out"]) == 8
    hexes = change_map_data(prevention)
    assert len(hexes) == 153 and int(hexes["value"].isna().sum()) == 8
    sources = spending_sources(prevention)
    assert any("Section 251" in s for s in sources)
    for fig in (plot_share_over_time(data, sources=sources),
                plot_slope(slope, sources=sources),
                plot_change_map(hexes, sources=sources)):
        assert fig.axes[0].get_title() == "" and fig.texts
        import matplotlib.pyplot as plt

        plt.close(fig)


# --------------------------------------------------------------------------- properties

lines_x_councils = hnp.arrays(
    np.float64, st.tuples(st.integers(2, 5), st.integers(1, 6), st.integers(1, 3)),
    elements=st.floats(0.01, 1e9, allow_nan=False))


@given(lines_x_councils, st.floats(0.01, 1e3))
def test_shares_sum_to_one_and_ignore_scale(values: np.ndarray, scale: float) -> None:
    n_lines = values.shape[0]
    matrix = np.zeros((2, n_lines))
    matrix[0, 0] = 1.0
    matrix[1, 1:] = 1.0
    s = shares(category_spend(values, matrix))
    assert np.allclose(s.sum(axis=0), 1.0)
    assert np.allclose(shares(category_spend(values * scale, matrix)), s)


@given(st.floats(0.0, 1e9), st.floats(1.0, 1e9), st.floats(0.0, 0.95))
def test_adding_the_computed_amount_reaches_the_target(focus: float, rest: float,
                                                       target: float) -> None:
    f, t = np.array([focus]), np.array([focus + rest])
    add = add_to_target(f, t, target)[0]
    move = move_to_target(f, t, target)[0]
    assert 0.0 <= move <= add + 1e-9
    reached = (focus + add) / (focus + rest + add)
    assert reached >= target - 1e-9
    if add > 0:
        assert reached == pytest.approx(target, abs=1e-9)


def test_every_known_line_has_a_dataset_and_role() -> None:
    for name, line in SERVICE_LINES.items():
        assert name.startswith(line.dataset)
        assert line.role in ("spend", "total", "component", "unit_cost")
