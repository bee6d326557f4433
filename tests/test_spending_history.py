"""Spending balance since 2008-09 (dataset s251_history), pinned from the raw embedded rows.

England shares are summed in the test from ``history.csv`` (to 2015-16) and ``series.csv``
(from 2016-17) with plain pandas; real terms from ``deflator.csv`` directly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fundmodel.data
from fundmodel.parameters import shipped
from fundmodel.presets import illustrative_deflator
from fundmodel.scenarios.spending import (
    JOIN_YEAR,
    SpendingScenario,
    analyse_spending,
    comparable_area_series,
    england_series,
    nao_comparison,
)

DATA = Path(fundmodel.data.__file__).parent
GROUPS = {"looked_after": "s251_lac", "safeguarding": "s251_safeguarding",
          "family_support": "s251_family_support", "sure_start": "s251_sure_start",
          "young_people": "s251_young_people", "youth_justice": "s251_youth_justice",
          "other": "s251_other_children_family"}
PREVENTIVE = ("s251_family_support", "s251_sure_start", "s251_young_people")


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype={"code": str, "flag": str}, keep_default_na=False,
                       na_values={"value": [""]})


def raw_lines() -> pd.DataFrame:
    """Every council-year line value, measures renamed to the LAIT lines, in plain pandas."""
    hist = raw("history.csv")
    hist = hist[hist["measure"].isin([f"s251_hist_{g}_gross" for g in GROUPS])
                & (hist["period"] < "2016-17")]
    hist = hist.assign(measure=hist["measure"].str.removeprefix("s251_hist_")
                       .str.removesuffix("_gross").map(GROUPS))
    lait = raw("series.csv")
    lait = lait[lait["measure"].isin(list(GROUPS.values())) & (lait["period"] >= "2016-17")]
    return pd.concat([hist, lait], ignore_index=True)


def england_shares() -> pd.Series:
    rows = raw_lines()
    rows = rows[~rows["flag"].str.contains("recoded_same_area")]
    by = rows.groupby(["period", "measure"])["value"].sum().unstack()
    return by[list(PREVENTIVE)].sum(axis=1) / by.sum(axis=1)


@pytest.fixture(scope="module")
def history():  # type: ignore[no-untyped-def]
    return analyse_spending("prevention", dataset="s251_history")


def test_england_preventive_share_every_year_from_the_raw_rows(history) -> None:  # type: ignore[no-untyped-def]
    expected = england_shares()
    series = england_series(history).set_index("period")
    assert list(series.index) == [f"{y}-{(y + 1) % 100:02d}" for y in range(2008, 2025)]
    for period in expected.index[2:]:  # 2010-11 on: all seven lines exist
        assert series.loc[period, "focus_share"] == pytest.approx(expected[period], abs=1e-12)
    assert round(100 * series.loc["2010-11", "focus_share"], 1) == 37.3
    assert round(100 * series.loc["2017-18", "focus_share"], 1) == 23.2
    assert round(100 * series.loc["2024-25", "focus_share"], 1) == 18.4


def test_years_without_sure_start_lines_have_no_full_share(history) -> None:  # type: ignore[no-untyped-def]
    series = england_series(history).set_index("period")
    rows = raw_lines()
    rows = rows[(rows["period"] == "2008-09") & ~rows["flag"].str.contains("recoded")]
    by = rows.groupby("measure")["value"].sum()
    assert "s251_sure_start" not in by.index
    for period in ("2008-09", "2009-10"):
        assert np.isnan(series.loc[period, "focus_share"])
        assert series.loc[period, "basis"] == "partial: lines missing"
        assert "s251_sure_start" in series.loc[period, "lines_missing"]
    assert series.loc["2008-09", "share_on_lines_present"] == pytest.approx(
        by["s251_family_support"] / by.sum())
    assert np.isnan(series.loc["2010-11", "share_on_lines_present"])


def test_real_terms_use_the_gdp_deflator_by_default(history) -> None:  # type: ignore[no-untyped-def]
    deflator = pd.read_csv(DATA / "deflator.csv", dtype={"fiscal_year": str}).set_index(
        "fiscal_year")["gdp_deflator"]
    series = england_series(history).set_index("period")
    for period in ("2010-11", "2017-18", "2024-25"):
        assert series.loc[period, "total_real"] == pytest.approx(
            series.loc[period, "total"] * 100.0 / deflator[period])
    assert "GDP deflator" in series.attrs["deflator"]
    illustrative = illustrative_deflator("2008-09", 17, base_year="2024-25")
    labelled = analyse_spending("prevention", dataset="s251_history", deflator=illustrative)
    assert "illustrative" in labelled.deflator.name and "assumption" in labelled.deflator.name


def test_join_changes_no_figure_in_the_overlap() -> None:
    hist = raw("history.csv").set_index(["code", "period", "measure"])["value"]
    lait = raw("series.csv").set_index(["code", "period", "measure"])["value"]
    for code in ("E06000001", "E08000025", "E10000016"):
        for group, line in GROUPS.items():
            assert hist[(code, "2017-18", f"s251_hist_{group}_gross")] == pytest.approx(
                lait[(code, "2017-18", line)], abs=0.5)
    assert JOIN_YEAR == "2016-17"


def test_one_council_by_hand_and_predecessors_in_england(history) -> None:  # type: ignore[no-untyped-def]
    rows = raw("history.csv")
    hart = rows[(rows["code"] == "E06000001") & (rows["period"] == "2010-11")
                & rows["measure"].isin([f"s251_hist_{g}_gross" for g in GROUPS])]
    prev = hart[hart["measure"].isin(["s251_hist_family_support_gross",
                                      "s251_hist_sure_start_gross",
                                      "s251_hist_young_people_gross"])]["value"].sum()
    assert history.focus_share().loc["E06000001", "2010-11"] == pytest.approx(
        prev / hart["value"].sum())
    assert "E10000001" in history.agg_codes and "E10000004" in history.agg_codes
    assert np.isnan(history.focus_share().loc["E06000055", "2008-09"])  # Bedford: not yet


def test_comparable_areas_join_across_reorganisations_without_spreading(history) -> None:  # type: ignore[no-untyped-def]
    areas = comparable_area_series(history).set_index(["area_id", "period"])
    rows = raw("history.csv")
    beds = rows[rows["code"].isin(["E06000055", "E06000056"]) & (rows["period"] == "2012-13")
                & rows["measure"].isin([f"s251_hist_{g}_gross" for g in GROUPS])]
    prev = beds[beds["measure"].str.contains("family_support|sure_start|young_people")]
    assert areas.loc[("CA_BEDFORDSHIRE", "2012-13"), "focus_share"] == pytest.approx(
        prev["value"].sum() / beds["value"].sum())
    assert np.isnan(areas.loc[("CA_BEDFORDSHIRE", "2008-09"), "focus_share"])
    assert "NC_BCP" not in areas.index.get_level_values(0)


def test_nao_comparison_states_differences_instead_of_forcing_agreement(history) -> None:  # type: ignore[no-untyped-def]
    expected = england_shares()
    nao = nao_comparison(history).set_index("period")
    assert nao["published_pct"].tolist() == [41.0, 25.0]
    assert nao.loc["2010-11", "computed_pct"] == pytest.approx(100 * expected["2010-11"])
    assert nao.loc["2017-18", "difference_pp"] == pytest.approx(100 * expected["2017-18"] - 25)
    assert "not publish" in nao.loc["2010-11", "differences"]
    note = shipped("spending")["nao_preventive_share_2017_18"].note
    assert "23.0%" not in note and "%" not in note.split("fall")[-1]


def test_flagged_values_are_named_and_the_ro3_rule_is_opt_in_and_recorded() -> None:
    plain = analyse_spending("prevention")
    assert plain.flags is not None and plain.substitutions is None
    liverpool = plain.flags[(plain.flags["code"] == "E08000012")
                            & (plain.flags["period"] == "2024-25")]
    assert set(liverpool["check"]) == {"year_on_year", "source_agreement:ro3_lac_net"}
    assert "flagged value" in plain.summary()
    swapped = analyse_spending("prevention", substitute_ro3=True)
    table = swapped.substitutions.set_index(["code", "period"])
    series = raw("series.csv").set_index(["code", "period", "measure"])["value"]
    assert table.loc[("E08000012", "2024-25"), "ro3"] == series[("E08000012", "2024-25",
                                                                 "ro3_lac_net")]
    frame = swapped.to_frame().set_index(["code", "period"])
    base = plain.to_frame().set_index(["code", "period"])
    delta = series[("E08000012", "2024-25", "ro3_lac_net")] - series[
        ("E08000012", "2024-25", "s251_lac")]
    assert frame.loc[("E08000012", "2024-25"), "total"] == pytest.approx(
        base.loc[("E08000012", "2024-25"), "total"] + delta)
    eng = swapped.aggregates().query("area == 'England'").set_index("period")["total"]
    eng0 = plain.aggregates().query("area == 'England'").set_index("period")["total"]
    moved = table.reset_index()
    moved = moved[moved["period"] == "2024-25"]
    assert eng["2024-25"] - eng0["2024-25"] == pytest.approx((moved["ro3"] - moved["s251"]).sum())
    assert "substitute_ro3 rule applied" in swapped.summary()


def test_scenario_runs_from_2008_09_with_the_shares_from_2010_11() -> None:
    res = SpendingScenario(header={"title": "since 2008", "assumes": "taxonomy"},
                           dataset="s251_history").run()
    assert res.change.attrs["start"] == "2010-11"
    assert "37.3% -> 18.4%" in res.summary()
