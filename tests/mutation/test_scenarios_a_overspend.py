"""Overspends (fundmodel.scenarios.overspend): measures, the result's tables, summary and HTML
worked by hand on a three-council budget file, the embedded and RA-budget inputs against the
publisher's RO3 outturn, the presets, and the funding gap of made-up councils.

The budget file (pounds): council 0 budgets 100 each year, outturn 110, 120, 121; council 1
budgets 200, outturn 190, 210, 220; council 2 budgets 50, outturn 60, (missing), 40.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fundmodel.analysis.absolute import Duty, DutyCostFormula
from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.errors import DataError, FormulaError, ScenarioError
from fundmodel.parameters import shipped
from fundmodel.scenarios.overspend import (
    LGA_AVERAGE_OVERSPEND,
    OverspendResult,
    OverspendScenario,
    annual_growth,
    councils_overspending,
    funding_gap,
    gross_overspend,
    lga_assumed_overspend,
    national_overspend,
    overspend,
    overspend_by_line,
    overspend_pct,
    persistence,
    published_comparison,
    read_budget_csv,
    real_overspend,
    share_overspending,
)
from fundmodel.testing import synthetic_authorities

FILE = ("code,period,budget,outturn\n"
        "E06900000,2022-23,100,110\nE06900000,2023-24,100,120\nE06900000,2024-25,100,121\n"
        "E06900001,2022-23,200,190\nE06900001,2023-24,200,210\nE06900001,2024-25,200,220\n"
        "E06900002,2022-23,50,60\nE06900002,2024-25,50,40\n")
PERIODS = ["2022-23", "2023-24", "2024-25"]
EXCLUDED_NOTE = ("1 council-year(s) excluded (missing outturn or budget; opt-in rule missing: "
                 "exclude): E06900002 2023-24")


def _la() -> Authorities:
    return synthetic_authorities([[1.0], [2.0], [3.0], [4.0]])


def _csv_result(tmp_path: Path, **changes: object) -> OverspendResult:
    path = tmp_path / "b.csv"
    path.write_text(FILE)
    fields: dict[str, object] = {
        "header": {"title": "Three councils", "assumes": "file"},
        "data": {"source": "csv", "path": str(path)}, "missing": "exclude",
        "funding_growth": 0.03,
        "projection": {"years": 2, "outturn_growth": 0.1, "budget_growth": 0.05}, **changes}
    return OverspendScenario.model_validate(fields).run(_la())


def test_measures_by_hand() -> None:
    b = np.array([[100.0, 100.0], [200.0, np.nan], [50.0, 50.0]])
    o = np.array([[110.0, 90.0], [190.0, 5.0], [60.0, 50.0]])
    assert overspend(np.array([100.0, 50]), np.array([90.0, 75])).tolist() == [-10.0, 25.0]
    np.testing.assert_array_equal(overspend_pct(np.array([200.0, 0.0, -5.0, 80.0]),
                                                np.array([250.0, 5.0, 1.0, 60.0])),
                                  [25.0, np.nan, np.nan, -25.0])
    assert councils_overspending(b, o).tolist() == [2, 0]
    np.testing.assert_allclose(share_overspending(b, o), [2 / 3, 0.0])
    np.testing.assert_array_equal(share_overspending(np.array([[np.nan]]), np.array([[1.0]])),
                                  [np.nan])
    np.testing.assert_allclose(national_overspend(b, o), [10.0, -10.0])
    np.testing.assert_allclose(gross_overspend(b, o), [20.0, 0.0])
    # one-dimensional input is one period
    assert councils_overspending(np.array([1.0, 2.0]), np.array([2.0, 2.0])).tolist() == [1]
    assert national_overspend(np.array([1.0, 2.0]), np.array([2.0, 5.0])).tolist() == [4.0]
    current, longest = persistence(np.array([[True, False, True, True], [False, False, False,
                                                                           False],
                                             [True, True, True, False]]))
    assert current.tolist() == [2, 0, 0] and longest.tolist() == [2, 0, 3]


def test_annual_growth_by_hand() -> None:
    np.testing.assert_allclose(annual_growth(np.array([100.0, 0.5, 0.0, -1.0, np.nan]),
                                             np.array([121.0, 2.0, 5.0, 1.0, 1.0]), 2),
                               [0.1, 1.0, np.nan, np.nan, np.nan])
    assert annual_growth(np.array([100.0]), np.array([150.0]), 1).tolist() == [0.5]
    assert np.isnan(annual_growth(np.array([1.0, 2.0]), np.array([2.0, 3.0]), 0)).all()
    assert annual_growth(np.array([1.0, 2.0]), np.array([2.0, 3.0]), 0).shape == (2,)


def test_to_frame_by_hand(tmp_path: Path) -> None:
    frame = _csv_result(tmp_path).to_frame()
    assert list(frame.columns) == ["code", "name", "region", "period", "budget", "outturn",
                                   "overspend", "overspend_pct", "overspent", "included",
                                   "budget_source", "budget_is_assumed"]
    assert frame["code"].tolist() == ["E06900000"] * 3 + ["E06900001"] * 3 + ["E06900002"] * 3
    assert frame["name"].tolist() == ["Council 0"] * 3 + ["Council 1"] * 3 + ["Council 2"] * 3
    assert frame["region"].tolist()[::3] == ["North East", "North West",
                                             "Yorkshire and The Humber"]
    assert frame["period"].tolist() == PERIODS * 3
    np.testing.assert_array_equal(frame["budget"], [100, 100, 100, 200, 200, 200, 50, np.nan,
                                                    50])
    np.testing.assert_array_equal(frame["outturn"], [110, 120, 121, 190, 210, 220, 60, np.nan,
                                                     40])
    np.testing.assert_array_equal(frame["overspend"], [10, 20, 21, -10, 10, 20, 10, np.nan,
                                                       -10])
    np.testing.assert_array_equal(frame["overspend_pct"], [10, 20, 21, -5, 5, 10, 20, np.nan,
                                                           -20])
    assert frame["overspent"].tolist() == [True, True, True, False, True, True, True, False,
                                           False]
    assert frame["included"].tolist() == [True] * 7 + [False, True]
    assert frame["budget_source"].tolist() == ["data"] * 9
    assert frame["budget_is_assumed"].tolist() == [False] * 9


def test_national_persistence_growth_projection_by_hand(tmp_path: Path) -> None:
    res = _csv_result(tmp_path)
    nat = res.national_frame()
    assert list(nat.columns) == ["period", "councils", "overspending", "share_overspending",
                                 "budget", "outturn", "overspend", "gross_overspend",
                                 "overspend_pct", "budget_source", "budget_is_assumed"]
    assert nat["period"].tolist() == PERIODS
    assert nat["councils"].tolist() == [3, 2, 3]
    assert nat["overspending"].tolist() == [2, 2, 2]
    np.testing.assert_allclose(nat["share_overspending"], [2 / 3, 1.0, 2 / 3])
    assert nat["budget"].tolist() == [350.0, 300.0, 350.0]
    assert nat["outturn"].tolist() == [360.0, 330.0, 381.0]
    assert nat["overspend"].tolist() == [10.0, 30.0, 31.0]
    assert nat["gross_overspend"].tolist() == [20.0, 30.0, 41.0]
    np.testing.assert_allclose(nat["overspend_pct"], [100 / 35, 10.0, 310 / 35])
    assert nat["budget_source"].tolist() == ["data"] * 3
    assert nat["budget_is_assumed"].tolist() == [False] * 3
    pers = res.persistence_frame()
    assert list(pers.columns) == ["code", "name", "region", "years_with_data",
                                  "years_overspent", "current_run", "longest_run", "n_periods",
                                  "budget_is_assumed"]
    assert pers["code"].tolist() == ["E06900000", "E06900001", "E06900002"]
    assert pers["name"].tolist() == ["Council 0", "Council 1", "Council 2"]
    assert pers["years_with_data"].tolist() == [3, 3, 2]
    assert pers["years_overspent"].tolist() == [3, 2, 1]
    assert pers["current_run"].tolist() == [3, 2, 0]
    assert pers["longest_run"].tolist() == [3, 2, 1]
    assert pers["n_periods"].tolist() == [3] * 3
    assert pers["budget_is_assumed"].tolist() == [False] * 3
    growth = res.growth_frame()
    assert list(growth.columns) == ["code", "name", "outturn_first", "outturn_last",
                                    "outturn_growth", "funding_growth", "growth_gap_pp"]
    assert growth["code"].tolist() == ["E06900000", "E06900001", "E06900002", "E92000001"]
    assert growth["name"].tolist() == ["Council 0", "Council 1", "Council 2",
                                       "England (councils with both years)"]
    assert growth["outturn_first"].tolist() == [110.0, 190.0, 60.0, 360.0]
    assert growth["outturn_last"].tolist() == [121.0, 220.0, 40.0, 381.0]
    rates = [1.1**0.5 - 1, (22 / 19) ** 0.5 - 1, (2 / 3) ** 0.5 - 1, (381 / 360) ** 0.5 - 1]
    np.testing.assert_allclose(growth["outturn_growth"], rates)
    assert growth["funding_growth"].tolist() == [0.03] * 4
    np.testing.assert_allclose(growth["growth_gap_pp"], [100 * (r - 0.03) for r in rates])
    proj = res.projection_frame()
    assert list(proj.columns) == ["period", "budget", "outturn", "overspend", "overspend_pct",
                                  "budget_is_assumed"]
    assert proj["period"].tolist() == ["2025-26", "2026-27"]
    np.testing.assert_allclose(proj["budget"], [350 * 1.05, 350 * 1.05**2])
    np.testing.assert_allclose(proj["outturn"], [381 * 1.1, 381 * 1.21])
    np.testing.assert_allclose(proj["overspend"], [381 * 1.1 - 367.5, 381 * 1.21 - 385.875])
    np.testing.assert_allclose(proj["overspend_pct"], [100 * (419.1 / 367.5 - 1),
                                                       100 * (461.01 / 385.875 - 1)])
    assert proj["budget_is_assumed"].tolist() == [False, False]


def test_summary_html_and_amounts_by_hand(tmp_path: Path) -> None:
    res = _csv_result(tmp_path)
    assert res.summary().splitlines() == [
        "Three councils: 3 councils, 2022-23..2024-25 (budget_source=data)",
        "  2022-23 [budget_source=data]: 2/3 overspent (67%); net overspend £10.00 on budgets "
        "of £350.00 (2.9% of budget)",
        "  2023-24 [budget_source=data]: 2/2 overspent (100%); net overspend £30.00 on budgets "
        "of £300.00 (10.0% of budget)",
        "  2024-25 [budget_source=data]: 2/3 overspent (67%); net overspend £31.00 on budgets "
        "of £350.00 (8.9% of budget)",
        "  persistence: 1 councils overspent in every one of 3 years",
        "  England outturn growth 2.9% a year vs funding growth 3.0% a year",
        f"  note: {EXCLUDED_NOTE}",
    ]
    page = res._repr_html_()
    assert page.startswith(f"<div><strong>Three councils</strong>; fundmodel {res.version}"
                           "<table><thead><tr><th>period</th><th>overspent</th><th>net "
                           "overspend</th></tr></thead><tbody>")
    right = "<td style='text-align:right'>"
    for period, count, gbp in (("2022-23", "2/3", "£10.00"), ("2023-24", "2/2", "£30.00"),
                               ("2024-25", "2/3", "£31.00")):
        assert f"<tr><td>{period}</td><td>{count}</td>{right}{gbp}</td></tr>" in page
    assert page.endswith(f"</tbody></table><ul><li>{EXCLUDED_NOTE}</li></ul></div>")
    assert "budgets assumed" not in page
    assert repr(res) == ("OverspendResult('Three councils', councils=3, periods=3, "
                         "budget_is_assumed=False)")
    last = res.council_amounts()
    assert last.index.tolist() == ["E06900000", "E06900001", "E06900002"]
    assert last.tolist() == [21.0, 20.0, -10.0] and last.name == "Three councils"
    middle = res.council_amounts("2023-24")
    assert middle.tolist()[:2] == [20.0, 10.0] and np.isnan(middle.iloc[2])
    assert [p.label for p in res.sources()] == ["funding growth", "outturn growth",
                                                "budget growth"]
    assert [p.value for p in res.sources()] == [0.03, 0.1, 0.05]
    assert res.excluded == (("E06900002", "2023-24"),)
    assert res.overspent().tolist() == [[True, True, True], [False, True, True],
                                        [True, False, False]]


def test_one_period_and_no_growth(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("code,period,budget,outturn\nE06900000,2023-24,100,90\n")
    sc = OverspendScenario.model_validate({
        "header": {"title": "One", "assumes": "f"}, "data": {"source": "csv", "path": str(path)},
        "funding_growth": 0.02})
    res = sc.run(_la())
    assert res.summary().splitlines()[-2:] == [
        "  persistence: 0 councils overspent in every one of 1 years",
        "  England outturn growth: not measurable from one period (funding growth 2.0% a year)"]
    plain = _csv_result(tmp_path, funding_growth=None, projection=None)
    assert "funding_growth" not in plain.growth_frame()
    assert "growth" not in plain.summary()
    with pytest.raises(ScenarioError, match=re.escape(
            "the scenario has no projection (set projection: years, outturn_growth, "
            "budget_growth)")):
        plain.projection_frame()
    with pytest.raises(DataError, match=re.escape(
            "budget or outturn missing for 1 council-year(s): E06900002 2023-24. Supply them, "
            "or opt in to 'missing: exclude' (left out of counts and sums; a missing year "
            "breaks a persistence run).")):
        _csv_result(tmp_path, missing="error")


@pytest.mark.parametrize(("body", "message"), [
    ("E06900001,2023-24,100\n", "b.csv, row 2: 3 fields, header has 4"),
    ("E06000001,2023-24,100,100\n", "b.csv, row 2, column code: value 'E06000001' is not one "
     "of the 4 authorities in synthetic authorities"),
    ("E06900001,2023,100,100\n", "b.csv, row 2, column period: value '2023' is not a "
     "financial year label like '2023-24'"),
    ("E06900001,2023-24,0,100\n", "b.csv, row 2, column budget: value '0' must be positive "
     "(pounds)"),
    ("E06900001,2023-24,10,-1\n", "b.csv, row 2, column outturn: value '-1' must be "
     "non-negative (pounds)"),
    ("E06900001,2023-24,1x,1\n", "b.csv, row 2, column budget: value '1x' is not a number"),
    ("E06900001,2023-24,1,inf\n", "b.csv, row 2, column outturn: value 'inf' must be a plain "
     "finite number (ASCII digits, optional sign, point and exponent)"),
    ("E06900001,2023-24,1,1\nE06900001,2023-24,2,2\n", "b.csv, row 3: E06900001 2023-24 "
     "duplicates row 2"),
    ("E06900001,2021-22,1,1\nE06900001,2023-24,2,2\n", "2022-23"),
    ("", "b.csv: no data rows"),
])
def test_read_budget_csv_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "b.csv"
    path.write_text("code,period,budget,outturn\n" + body)
    with pytest.raises(DataError, match=re.escape(message)):
        read_budget_csv(path, _la())


def test_read_budget_csv_former_code_hint(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("code,period,budget,outturn\nE10000023,2023-24,1,1\n")
    with pytest.raises(DataError, match=r"E10000023.*was replaced in \d{4} by E06000065: map it "
                                        r"to the current code\(s\) first\)"):
        read_budget_csv(path, load_authorities())


def test_read_budget_csv_values(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("code,period,budget,outturn\nE06900003,2024-25,5,6.5\n"
                    "E06900001,2023-24,1e2,0\nE06900003,2023-24,7,8\n")
    sub, periods, budget, outturn = read_budget_csv(path, _la())
    assert sub.codes.tolist() == ["E06900001", "E06900003"] and periods == ("2023-24",
                                                                            "2024-25")
    np.testing.assert_array_equal(budget, [[100.0, np.nan], [7.0, 5.0]])
    np.testing.assert_array_equal(outturn, [[0.0, np.nan], [8.0, 6.5]])


# MHCLG RO3 net current expenditure, total children's social care (ro3_csc_net), pounds
RO3_CSC_2023 = {"E06000001": 40_682_000.0, "E06000002": 66_514_000.0,
                "E08000006": 76_539_000.0}
RO3_CSC_2024 = {"E06000001": 49_198_000.0, "E06000002": 76_756_440.0,
                "E08000006": 74_336_000.0}
REAL = ["E06000001", "E06000002", "E08000006"]
BUDGETS = ("code,period,line,budget\nE06000001,2023-24,330,30000000\n"
           "E06000002,2023-24,csc,50000000\nE06000001,2023-24,lac,20000000\n")


def _revenue(tmp_path: Path, **data: object) -> OverspendResult:
    path = tmp_path / "budgets.csv"
    path.write_text(BUDGETS)
    fields = {"source": "budgets", "line": "330", "periods": ["2023-24", "2024-25"],
              "path": str(path), "assumed_overspend_pct": LGA_AVERAGE_OVERSPEND, **data}
    sc = OverspendScenario.model_validate({"header": {"title": "Rev", "assumes": "file"},
                                           "data": fields, "missing": "exclude"})
    return sc.run(load_authorities().select(REAL))


def test_revenue_budgets_data_and_assumed(tmp_path: Path) -> None:
    res = _revenue(tmp_path)
    frame = res.to_frame()
    assert frame["period"].tolist() == ["2023-24", "2024-25"] * 3
    out = [RO3_CSC_2023["E06000001"], RO3_CSC_2024["E06000001"], RO3_CSC_2023["E06000002"],
           RO3_CSC_2024["E06000002"], RO3_CSC_2023["E08000006"], RO3_CSC_2024["E08000006"]]
    np.testing.assert_array_equal(frame["outturn"], out)
    np.testing.assert_allclose(frame["budget"], [30e6, out[1] / 1.142, 50e6, out[3] / 1.142,
                                                 np.nan, out[5] / 1.142])
    assert frame["budget_source"].tolist() == ["data", "assumed"] * 3
    assert frame["budget_is_assumed"].tolist() == [False, True] * 3
    assert frame["included"].tolist() == [True, True, True, True, False, True]
    assert res.budget_is_assumed and res.budget_source == ("data", "assumed")
    assert res.budget.dtype == np.float64 and res.outturn.dtype == np.float64
    assert frame["outturn"].dtype == np.float64
    lines = res.summary().splitlines()
    assert lines[0] == ("Rev: 3 councils, 2023-24..2024-25 (budgets: data in some years, "
                        "ASSUMED in others)")
    assert lines[1] == ("  2023-24 [budget_source=data]: 2/2 overspent (100%); net overspend "
                        "£27.2m on budgets of £80.0m (34.0% of budget)")
    assert lines[2].startswith("  2024-25 [budgets ASSUMED]: 3/3 overspent (100%)")
    assert lines[2].endswith("(14.2% of budget)")
    path = tmp_path / "budgets.csv"
    assert res.notes[0] == (
        f"budget_source=data for 2023-24: budget file {path}, line 330 (TOTAL CHILDREN'S "
        "SOCIAL CARE, net current expenditure budget) against RO3 ro3_csc_net outturn (net "
        "current expenditure)")
    assert res.notes[1] == (
        "2024-25: BUDGETS ASSUMED (budget_source=assumed), budget = outturn / 1.142 ("
        f"{LGA_AVERAGE_OVERSPEND.label}; {LGA_AVERAGE_OVERSPEND.source.cite()}): its "
        "overspends restate the assumption")
    assert res.notes[2] == ("1 council-year(s) excluded (missing outturn or budget; opt-in "
                            "rule missing: exclude): E08000006 2023-24")
    assert res.sources() == [LGA_AVERAGE_OVERSPEND]
    with pytest.raises(DataError, match=re.escape(
            f"no csc budgets for 2024-25 in budget file {path} (budgets exist for 2023-24). "
            "Choose periods with budgets, or state an assumption: assumed_overspend_pct (e.g. "
            "the LGA's 14.2%), which is then named as such")):
        _revenue(tmp_path, assumed_overspend_pct=None)


def test_revenue_embedded_flags() -> None:
    sc = OverspendScenario.model_validate({
        "header": {"title": "Lac", "assumes": "RA"}, "missing": "exclude",
        "data": {"source": "budgets", "line": "lac", "periods": ["2023-24"]}})
    res = sc.run(load_authorities().select(["E06000001", "E08000006"]))
    assert res.notes[0] == (
        "budget_source=data for 2023-24: MHCLG Revenue Account budgets, line 313 (Children's "
        "social care: Children looked after, net current expenditure budget) against RO3 "
        "ro3_lac_net outturn (net current expenditure)")
    assert res.notes[1].startswith("uses a flagged value: Salford (E08000006) s251_lac 2023-24")
    assert res.to_frame()["outturn"].tolist() == [25_050_000.0, 23_582_000.0]


def test_overspend_by_line_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "budgets.csv"
    path.write_text(BUDGETS)
    lines = overspend_by_line("2023-24", str(path), load_authorities().select(REAL))
    assert list(lines.columns) == [
        "code", "name", "period", "line", "ra_line", "budget", "outturn", "budget_source",
        "origin", "complete", "reason", "overspend", "overspend_pct", "councils",
        "overspending", "flags"]
    eng = lines[lines["code"] == "E92000001"].set_index("line")
    assert eng.index.tolist() == ["lac", "csc"]
    assert eng["name"].tolist() == ["England (councils with both)"] * 2
    assert eng["period"].tolist() == ["2023-24"] * 2
    assert eng["ra_line"].tolist() == ["313", "330"]
    assert eng.loc["csc", "budget"] == 80e6
    assert eng.loc["csc", "outturn"] == RO3_CSC_2023["E06000001"] + RO3_CSC_2023["E06000002"]
    assert eng.loc["csc", "overspend"] == 107_196_000 - 80_000_000
    assert eng.loc["csc", "overspend_pct"] == pytest.approx(100 * 27_196_000 / 80e6)
    assert eng["councils"].tolist() == [1, 2] and eng["overspending"].tolist() == [1, 2]
    assert eng["reason"].tolist() == ["excluded: Middlesbrough, Salford", "excluded: Salford"]
    assert eng["budget_source"].tolist() == ["data"] * 2
    assert eng["complete"].tolist() == [True, True] and eng["flags"].tolist() == ["", ""]
    assert eng["origin"].tolist() == ["user file budgets.csv"] * 2
    rows = lines.set_index(["code", "line"])
    hart = rows.loc[("E06000001", "lac")]
    assert hart["name"] == "Hartlepool" and hart["overspend"] == 5_050_000.0
    assert hart["overspend_pct"] == pytest.approx(25.25)
    assert hart["councils"] == 1 and hart["overspending"] == 1
    salford = rows.loc[("E08000006", "lac")]
    assert salford["councils"] == 0 and salford["overspending"] == 0
    assert salford["flags"].startswith("Salford (E08000006) s251_lac 2023-24")
    assert rows.loc[("E08000006", "csc"), "flags"] == ""
    assert rows.loc[("E06000001", "safeguarding"), "reason"] == (
        "no budget (not in the budget data)")


def test_embedded_and_published_comparison() -> None:
    lines = overspend_by_line("2023-24")
    csc = lines[(lines["line"] == "csc") & (lines["code"] == "E92000001")].iloc[0]
    assert csc["origin"] != "" and int(csc["councils"]) == 138
    comparison = published_comparison()
    assert list(comparison.columns) == ["record", "label", "value", "unit", "overspend_gbp",
                                        "difference_pp", "source", "why_different"]
    assert comparison["record"].tolist() == [
        "measured", "lga_average_overspend", "ccn_2017_18_overspend_pct",
        "ccn_2017_18_overspend", "nao_2017_18_overspend", "ccn_2021_22_overspend"]
    measured = comparison.iloc[0]
    assert measured["value"] == pytest.approx(100 * csc["overspend"] / csc["budget"])
    assert measured["overspend_gbp"] == csc["overspend"]
    assert measured["label"] == "fundmodel, 2023-24: RA line 330 vs RO3 outturn"
    assert measured["unit"] == "PERCENT" and measured["difference_pp"] == 0.0
    assert measured["source"] == "fundmodel/data budgets.csv, series.csv"
    assert measured["why_different"].startswith(
        "RA net current expenditure budget (set before the year) against RO3 net current "
        "expenditure outturn, total children's social care; 131 of 138 councils with both "
        "figures overspent; 15 excluded, named: ")
    rec = shipped("overspend")
    lga = comparison.iloc[1]
    assert lga["value"] == rec["lga_average_overspend"].value == 14.2
    assert lga["difference_pp"] == pytest.approx(measured["value"] - 14.2)
    assert np.isnan(lga["overspend_gbp"]) and lga["label"] == rec["lga_average_overspend"].label
    nao = comparison.set_index("record").loc["nao_2017_18_overspend"]
    assert nao["overspend_gbp"] == rec["nao_2017_18_overspend"].in_pounds()
    assert np.isnan(nao["difference_pp"]) and nao["unit"] == rec["nao_2017_18_overspend"].unit.name
    assert nao["source"] == rec["nao_2017_18_overspend"].source.cite()


def test_presets() -> None:
    sc = real_overspend("2023-24", "313")
    assert sc.title == "Real overspends 2023-24: RA budget vs RO3 outturn, line 313"
    assert sc.assumes == ("none for the budgets (budget_source=data); councils lacking a "
                          "budget or an outturn are excluded and named")
    assert sc.data.source == "budgets" and sc.data.line == "lac"
    assert sc.data.periods == ("2023-24",) and sc.missing == "exclude"
    assert real_overspend("2022-23").data.periods == ("2022-23",)
    assert real_overspend(path="x.csv").data.path == "x.csv"
    lga = lga_assumed_overspend("s251_lac", ("2023-24",), funding_growth=0.02)  # type: ignore[arg-type]
    assert lga.title == "Overspends: s251_lac outturn, budgets ASSUMED at 14.2% overspend"
    assert lga.assumes == (
        "budget = outturn / (1 + 14.2%) for every council and year ("
        f"{LGA_AVERAGE_OVERSPEND.label}, applied uniformly: an assumption, not budget data); "
        "council-years without outturn excluded")
    assert lga.header.source == LGA_AVERAGE_OVERSPEND.source
    assert lga.data.measure == "s251_lac" and lga.data.periods == ("2023-24",)
    assert lga.funding_growth is not None and lga.funding_growth.value == 0.02
    assert lga.projection is None and lga.missing == "exclude"


def test_embedded_assumed_budgets() -> None:
    la = load_authorities().select(REAL)
    res = lga_assumed_overspend(periods=("2022-23", "2023-24")).run(la)
    frame = res.to_frame()
    np.testing.assert_allclose(frame["budget"], frame["outturn"] / 1.142)
    assert frame["budget_source"].tolist() == ["assumed"] * 6
    assert frame["budget_is_assumed"].all() and res.budget_is_assumed
    np.testing.assert_allclose(frame["overspend_pct"], 14.2)
    assert res.summary().splitlines()[0].endswith("2022-23..2023-24 (BUDGETS ASSUMED)")
    assert res.notes == (
        "BUDGETS ARE ASSUMED, not data: budget = outturn / 1.142 ("
        f"{LGA_AVERAGE_OVERSPEND.label}; {LGA_AVERAGE_OVERSPEND.source.cite()}). Every council "
        "therefore overspends by 14.2%: counts and persistence restate the assumption.",)
    assert " <em>(budgets assumed, not data)</em>; fundmodel" in res._repr_html_()
    with pytest.raises(ScenarioError, match=re.escape(
            "series 's251_cyps_total' has no period(s) ['1999-00']")):
        lga_assumed_overspend(periods=("1999-00",)).run(la)
    with pytest.raises(DataError, match=re.escape(
            "series 's251_cyps_total' has no rows for code(s) ['E06900000', 'E06900001', "
            "'E06900002', 'E06900003']: the embedded series covers only the embedded "
            "authorities")):
        lga_assumed_overspend().run(_la())


# ---- funding gap -----------------------------------------------------------------------

GAP_FORMULA = DutyCostFormula(
    name="two duties", funding_columns=("baseline",), area_cost_adjustment="x2",
    duties=[Duty(name="all", column="children_0_17", unit_cost=50),
            Duty(name="cases", column="x1", times="x0", unit_cost=3)])


@dataclass
class _Investment:
    """Stands in for an InvestmentResult: council_amounts, years, amount_pence, authorities."""

    authorities: Authorities
    years: tuple[str, ...]
    amount_pence: np.ndarray

    def council_amounts(self) -> pd.Series:
        return pd.Series(self.amount_pence.sum(axis=0) / 100.0, index=self.authorities.codes)


def test_funding_gap_by_hand() -> None:
    # cost = (children x 50 + x1 x children x 3) x ACA: 560, 1590 x 1.2, 1060 x 0.9
    la = synthetic_authorities([[10.0, 2.0, 1.0], [30.0, 1.0, 1.2], [20.0, 1.0, 0.9]],
                               baseline=[900.0, 2000.0, 0.0])
    gap = funding_gap(la, costs=GAP_FORMULA)
    assert list(gap.columns) == ["code", "name", "region", "duties_cost", "spend", "gap",
                                 "gap_pct", "investment", "gap_after_investment", "note"]
    assert gap["code"].tolist() == ["E06900000", "E06900001", "E06900002", "E92000001"]
    assert gap["name"].tolist() == ["Council 0", "Council 1", "Council 2", "England"]
    assert gap["region"].tolist() == ["North East", "North West", "Yorkshire and The Humber",
                                      "England"]
    assert gap["duties_cost"].tolist() == [560.0, 1908.0, 954.0, 3422.0]
    assert gap["spend"].tolist() == [900.0, 2000.0, 0.0, 2900.0]
    assert gap["gap"].tolist() == [-340.0, -92.0, 954.0, 522.0]
    np.testing.assert_allclose(gap["gap_pct"], [-3400 / 90, -4.6, np.nan, 100 * 522 / 2900])
    assert gap["investment"].tolist() == [0.0] * 4
    assert gap["gap_after_investment"].tolist() == [-340.0, -92.0, 954.0, 522.0]
    assert gap["note"].tolist() == ["", "", "", "national line over 3 councils"]
    assert gap.index.tolist() == [0, 1, 2, 3]
    per_year = np.array([[1000, 2000, 3000], [3000, 4000, 5000]])  # pence, two years
    inv = _Investment(la, ("2026-27", "2027-28"), per_year)
    mean = funding_gap(la, costs=GAP_FORMULA, investment=inv)  # type: ignore[arg-type]
    assert mean["investment"].tolist() == [20.0, 30.0, 40.0, 90.0]
    assert mean["gap_after_investment"].tolist() == [-360.0, -122.0, 914.0, 432.0]
    second = funding_gap(la, costs=GAP_FORMULA, investment=inv,  # type: ignore[arg-type]
                         investment_year="2027-28")
    assert second["investment"].tolist() == [30.0, 40.0, 50.0, 120.0]
    with pytest.raises(ScenarioError, match=re.escape(
            "investment year '2030-31' is not one of ['2026-27', '2027-28']")):
        funding_gap(la, costs=GAP_FORMULA, investment=inv,  # type: ignore[arg-type]
                    investment_year="2030-31")
    other = _Investment(la.take([0, 1]), ("2026-27",), np.array([[1, 2]]))
    with pytest.raises(DataError, match=re.escape(
            "the investment result has no amount for code(s) ['E06900002']")):
        funding_gap(la, costs=GAP_FORMULA, investment=other)  # type: ignore[arg-type]


def test_funding_gap_missing_values() -> None:
    la = synthetic_authorities([[10.0, 2.0, 1.0], [30.0, np.nan, 1.2], [20.0, 1.0, np.nan]],
                               baseline=[900.0, 2000.0, 1500.0])
    with pytest.raises(FormulaError, match=re.escape(
            "funding gap needs ['baseline', 'children_0_17', 'x0', 'x1', 'x2']; missing for 2 "
            "council(s): E06900001 Council 1 (x1 missing); E06900002 Council 2 (x2 missing). "
            "Supply values or opt in to missing='exclude'.")):
        funding_gap(la, costs=GAP_FORMULA)
    gap = funding_gap(la, costs=GAP_FORMULA, missing="exclude")
    assert gap["name"].tolist()[-1] == "England (1 councils with complete data)"
    assert gap["note"].tolist() == ["", "excluded: x1 missing", "excluded: x2 missing",
                                    "national line over 1 councils"]
    np.testing.assert_array_equal(gap["duties_cost"], [560.0, np.nan, np.nan, 560.0])
    np.testing.assert_array_equal(gap["spend"], [900.0, np.nan, np.nan, 900.0])
    np.testing.assert_array_equal(gap["gap"], [-340.0, np.nan, np.nan, -340.0])
    assert gap["spend"].dtype == np.float64 and gap["duties_cost"].dtype == np.float64
    no_spend = DutyCostFormula(name="nf", duties=[Duty(name="all", column="children_0_17",
                                                       unit_cost=50)])
    with pytest.raises(FormulaError, match=re.escape(
            "cost formula 'nf' names no funding_columns (spend)")):
        funding_gap(la, costs=no_spend)


def test_funding_gap_default_costs_balance_nationally() -> None:
    # the default unit costs are averages over the councils given: no national gap
    three = ["E06000001", "E06000003", "E08000006"]
    gap = funding_gap(load_authorities().select(three))
    eng = gap.iloc[-1]
    assert gap["code"].tolist() == [*three, "E92000001"] and eng["name"] == "England"
    assert eng["gap"] == pytest.approx(0.0, abs=1.0) and eng["spend"] > 0
    assert gap["gap"].iloc[:3].abs().sum() > 0
    everyone = funding_gap(missing="exclude")
    assert len(everyone) == 154
    assert everyone["name"].iloc[-1] == "England (149 councils with complete data)"


def test_overspend_by_line_counts_are_integers(tmp_path: Path) -> None:
    path = tmp_path / "budgets.csv"
    path.write_text(BUDGETS)
    lines = overspend_by_line("2023-24", str(path), load_authorities().select(REAL))
    assert lines["councils"].dtype.kind == "i" and lines["overspending"].dtype.kind == "i"
    assert lines["complete"].dtype == bool


def test_revenue_line_without_any_budget(tmp_path: Path) -> None:
    path = tmp_path / "budgets.csv"
    with pytest.raises(DataError, match=re.escape(
            f"no safeguarding budgets for 2023-24 in budget file {path} (budgets exist for no "
            "period). Choose periods")):
        _revenue(tmp_path, line="325", periods=["2023-24"], assumed_overspend_pct=None)


def test_revenue_budget_file_with_another_council(tmp_path: Path) -> None:
    path = tmp_path / "budgets.csv"
    path.write_text(BUDGETS + "E06000003,2023-24,csc,1000\n")
    fields = {"source": "budgets", "line": "csc", "periods": ["2023-24"], "path": str(path)}
    sc = OverspendScenario.model_validate({"header": {"title": "Rev", "assumes": "file"},
                                           "data": fields, "missing": "exclude"})
    with pytest.raises(DataError, match="E06000003"):
        sc.run(load_authorities().select(REAL))
