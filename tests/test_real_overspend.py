"""Real overspends: RA budgets against RO3 outturn, pinned from the raw embedded rows.

Expected values are read straight from ``budgets.csv`` and ``series.csv`` with plain pandas
(no fundmodel loader), by hand for three named councils and summed for England in the test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import fundmodel.data
from fundmodel import DataError
from fundmodel.data.budgets import read_budgets_csv
from fundmodel.parameters import shipped
from fundmodel.scenarios.base import ScenarioHeader
from fundmodel.scenarios.overspend import (
    ENGLAND_CODE,
    LGA_AVERAGE_OVERSPEND,
    OverspendScenario,
    RevenueBudgets,
    overspend_by_line,
    published_comparison,
    real_overspend,
)
from fundmodel.scenarios.rcc import RCCScenario

DATA = Path(fundmodel.data.__file__).parent
HEADER = ScenarioHeader(title="test", assumes="test")
KENT, HARTLEPOOL, MANCHESTER = "E10000016", "E06000001", "E08000003"


def raw(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype={"code": str, "flag": str}, keep_default_na=False,
                       na_values={"value": [""]})


def raw_pairs(ra: str, ro3: str, period: str = "2023-24") -> pd.DataFrame:
    b = raw("budgets.csv")
    s = raw("series.csv")
    b = b[(b["measure"] == ra) & (b["period"] == period) & (b["flag"] != "predecessor")]
    s = s[(s["measure"] == ro3) & (s["period"] == period) & (s["flag"] != "predecessor")]
    return pd.merge(b[["code", "value"]], s[["code", "value"]], on="code", how="outer",
                    suffixes=("_budget", "_outturn")).set_index("code")


@pytest.fixture(scope="module")
def real():  # type: ignore[no-untyped-def]
    return real_overspend().run()


def test_three_councils_by_hand_from_the_raw_rows(real) -> None:  # type: ignore[no-untyped-def]
    pairs = raw_pairs("ra_budget_csc_net", "ro3_csc_net")
    got = real.council_amounts("2023-24")
    frame = real.to_frame().set_index("code")
    for code in (KENT, HARTLEPOOL, MANCHESTER):
        budget, outturn = pairs.loc[code, "value_budget"], pairs.loc[code, "value_outturn"]
        assert got[code] == pytest.approx(outturn - budget, abs=0.5)
        assert frame.loc[code, "overspend_pct"] == pytest.approx(100 * (outturn / budget - 1))
        assert frame.loc[code, "budget_source"] == "data"
    # Kent's line 330 as printed in the RA CSV: GBP 299,643 thousand
    assert frame.loc[KENT, "budget"] == 299_643_000.0


def test_england_sums_and_counts_from_plain_pandas(real) -> None:  # type: ignore[no-untyped-def]
    pairs = raw_pairs("ra_budget_csc_net", "ro3_csc_net").dropna()
    nat = real.national_frame().iloc[0]
    assert nat["councils"] == len(pairs) == 138
    assert nat["overspending"] == int((pairs["value_outturn"] > pairs["value_budget"]).sum())
    over = pairs["value_outturn"].sum() - pairs["value_budget"].sum()
    assert nat["overspend"] == pytest.approx(over, abs=1.0)
    assert nat["overspend_pct"] == pytest.approx(100 * over / pairs["value_budget"].sum())
    assert nat["budget_source"] == "data" and not nat["budget_is_assumed"]
    assert "budget_source=data" in real.summary() and "ASSUMED" not in real.summary()


def test_excluded_councils_are_named_with_the_missing_figure() -> None:
    pairs = raw_pairs("ra_budget_csc_net", "ro3_csc_net")
    expected = set(pairs.index[pairs.isna().any(axis=1)])
    lines = overspend_by_line("2023-24")
    csc = lines[(lines["line"] == "csc") & (lines["code"] != ENGLAND_CODE)]
    assert set(csc.loc[~csc["complete"], "code"]) == expected and len(expected) == 15
    slough = csc.set_index("code").loc["E06000039"]
    assert slough["reason"] == "no budget (not_submitted)"
    birmingham = csc.set_index("code").loc["E08000025"]
    assert birmingham["reason"] == "no RO3 outturn (not_submitted)"


def test_every_line_by_plain_pandas_for_england() -> None:
    lines = overspend_by_line("2023-24")
    eng = lines[lines["code"] == ENGLAND_CODE].set_index("line")
    for key, ra, ro3 in (("lac", "ra_budget_lac_net", "ro3_lac_net"),
                         ("safeguarding", "ra_budget_safeguarding_net", "ro3_safeguarding_net"),
                         ("sure_start", "ra_budget_sure_start_net", "ro3_sure_start_net")):
        pairs = raw_pairs(ra, ro3).dropna()
        assert eng.loc[key, "budget"] == pytest.approx(pairs["value_budget"].sum())
        assert eng.loc[key, "outturn"] == pytest.approx(pairs["value_outturn"].sum())
        assert eng.loc[key, "overspending"] == int(
            (pairs["value_outturn"] > pairs["value_budget"]).sum())


def test_published_comparison_states_the_difference() -> None:
    pairs = raw_pairs("ra_budget_csc_net", "ro3_csc_net").dropna()
    measured = 100 * (pairs["value_outturn"].sum() / pairs["value_budget"].sum() - 1)
    c = published_comparison().set_index("record")
    assert c.loc["measured", "value"] == pytest.approx(measured)
    assert c.loc["lga_average_overspend", "difference_pp"] == pytest.approx(measured - 14.2)
    assert "three-year average" in c.loc["lga_average_overspend", "why_different"]
    assert "Slough" in c.loc["measured", "why_different"]
    for key in ("ccn_2017_18_overspend", "ccn_2021_22_overspend", "nao_2017_18_overspend"):
        assert shipped("overspend")[key].source.publisher
    assert c.loc["ccn_2017_18_overspend", "overspend_gbp"] == 816e6


def test_years_without_budgets_keep_the_assumption_named_as_such() -> None:
    scenario = OverspendScenario(
        header=HEADER, missing="exclude",
        data=RevenueBudgets(periods=("2022-23", "2023-24", "2024-25"),
                            assumed_overspend_pct=LGA_AVERAGE_OVERSPEND))
    res = scenario.run()
    nat = res.national_frame().set_index("period")
    assert nat["budget_source"].to_dict() == {"2022-23": "assumed", "2023-24": "data",
                                              "2024-25": "assumed"}
    assert nat.loc["2022-23", "overspend_pct"] == pytest.approx(14.2)
    text = res.summary()
    assert "2022-23 [budgets ASSUMED]" in text and "2023-24 [budget_source=data]" in text
    frame = res.to_frame()
    assert set(frame.loc[frame["period"] == "2024-25", "budget_source"]) == {"assumed"}
    with pytest.raises(DataError, match=r"no csc budgets for 2022-23.*assumed_overspend_pct"):
        OverspendScenario(header=HEADER, data=RevenueBudgets(periods=("2022-23",))).run()


def test_the_default_input_is_the_data_and_missing_councils_are_an_error_unless_excluded(
) -> None:
    scenario = OverspendScenario(header=HEADER)
    assert isinstance(scenario.data, RevenueBudgets) and scenario.data.periods == ("2023-24",)
    with pytest.raises(DataError, match="15 council-year"):
        scenario.run()


def test_a_flagged_value_used_is_named() -> None:
    text = real_overspend().run().summary()
    assert "uses a flagged value: Southwark (E09000028) ro3_csc_net 2023-24" in text


def test_one_budget_file_works_in_both_scenarios(tmp_path: Path) -> None:
    file = tmp_path / "budgets.csv"
    file.write_text("code,period,line,budget\n"
                    f"{HARTLEPOOL},2023-24,330,50000000\n{HARTLEPOOL},2023-24,lac,20000000\n"
                    "E06000002,2023-24,csc,60000000\nE06000002,2023-24,313,30000000\n")
    ro3 = raw("series.csv")
    ro3 = ro3[ro3["period"] == "2023-24"].set_index(["code", "measure"])["value"]
    res = OverspendScenario(header=HEADER, missing="exclude",
                            data=RevenueBudgets(path=str(file))).run()
    got = res.council_amounts()
    assert got[HARTLEPOOL] == pytest.approx(ro3[(HARTLEPOOL, "ro3_csc_net")] - 50e6)
    assert got["E06000002"] == pytest.approx(ro3[("E06000002", "ro3_csc_net")] - 60e6)
    assert int(res.national_frame()["councils"].iloc[0]) == 2
    pool = RCCScenario.model_validate({
        "header": {"title": "t", "assumes": "a"}, "budgets": str(file),
        "membership": {"rccs": {"Tees": [HARTLEPOOL, "E06000002"]},
                       "others": "standalone"}}).run()
    row = pool.rcc_frame().iloc[0]
    assert row["pooled_budget"] == 50e6
    assert row["member_spend"] == pytest.approx(ro3[(HARTLEPOOL, "ro3_lac_net")]
                                                + ro3[("E06000002", "ro3_lac_net")])
    assert len(pool.excluded) == 151  # every council without a budget in the file, named


@pytest.mark.parametrize(("content", "message"), [
    ("code,period,budget\n", "header: expected exactly code,period,line,budget"),
    ("code,period,line,budget\nE06000001,2023-24,lac,1,000\n", "thousands separators"),
    ("code,period,line,budget\nE06000001,2023-24,lac,1e6\n", "column budget: value '1e6'"),
    ("code,period,line,budget\nE06000001,2023-25,lac,1\n", "column period"),
    ("code,period,line,budget\nE06000001,2023-24,placements,1\n", "unknown budget line"),
    ("code,period,line,budget\nE12000001,2023-24,lac,1\n", "column code: value 'E12000001'"),
    ("code,period,line,budget\nE06000001,2023-24,lac,1\nE06000001,2023-24,313,2\n",
     "row 3: E06000001 2023-24 lac duplicates row 2"),
])
def test_budget_file_errors_name_row_column_value(tmp_path: Path, content: str,
                                                  message: str) -> None:
    file = tmp_path / "b.csv"
    file.write_text(content)
    with pytest.raises(DataError, match=message):
        read_budgets_csv(file)


def test_negative_net_budgets_are_kept_and_give_no_percentage() -> None:
    lines = overspend_by_line("2023-24").set_index(["code", "line"])
    row = lines.loc[("E06000002", "other_children_family")]  # Middlesbrough, RA -GBP 2,477k
    assert row["budget"] == -2_477_000.0 and np.isnan(row["overspend_pct"])
