"""Second-batch embedded data: budgets, council tax, workforce, Ofsted, deflator,
placements and data-quality flags.

Expected values were read by hand from the raw files (cell references in the
comments) or from the publisher's England rows; nothing here re-runs the build's
own arithmetic. Tests marked ``needs_raw`` re-read a raw file with the csv module.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from fundmodel.data import tables
from fundmodel.errors import DataError

PROJECT = Path(__file__).resolve().parents[2]
DATA = PROJECT / "src" / "fundmodel" / "data"
RAW = Path(os.environ.get("FUNDMODEL_RAW") or PROJECT.parent / "shared" / "data" / "raw")
needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"raw data not found at {RAW}")

KENT, BIRMINGHAM, LIVERPOOL = "E10000016", "E08000025", "E08000012"


@pytest.fixture(scope="module")
def authorities() -> pd.DataFrame:
    return pd.read_csv(DATA / "authorities.csv", dtype={"code": str}).set_index("code")


@pytest.fixture(scope="module")
def budgets() -> pd.DataFrame:
    return tables.load_budgets().set_index(["measure", "code", "period"])


def test_long_files_have_series_layout() -> None:
    for name in tables.LONG_FILES:
        frame = tables.load_long(name)
        assert list(frame.columns) == list(tables.LONG_COLUMNS), name
        key = frame[["measure", "code", "period"]].apply(tuple, axis=1).tolist()
        assert key == sorted(key), f"{name} not sorted"


# ----------------------------------------------------------------------------- RA budgets


def test_ra_kent_by_hand(budgets: pd.DataFrame) -> None:
    value = budgets["value"]
    # RA_2023-24_data_Part_1.csv, Kent row, line 330: "299,643" (GBP thousand).
    assert value[("ra_budget_csc_net", KENT, "2023-24")] == 299_643_000
    # Same row, line 313 children looked after "153,621"; line 325 safeguarding "82,881".
    assert value[("ra_budget_lac_net", KENT, "2023-24")] == 153_621_000
    assert value[("ra_budget_safeguarding_net", KENT, "2023-24")] == 82_881_000
    # RA_2021-22_data_by_LA.csv Kent line 330 "252,820"; Council_Budgets.xlsx Kent 398145.
    assert value[("ra_budget_csc_net", KENT, "2021-22")] == 252_820_000
    assert value[("ra_budget_csc_net", KENT, "2025-26")] == 398_145_000


def test_ra_2023_24_total_and_gaps(budgets: pd.DataFrame) -> None:
    frame = budgets.reset_index()
    rows = frame[(frame["measure"] == "ra_budget_csc_net") & (frame["period"] == "2023-24")]
    assert len(rows) == 153
    # DATA_MAP: the councils' line 330 sum to GBP 12,350.1m (148 with figures).
    assert rows["value"].sum() == 12_350_102_000
    gaps = rows[rows["value"].isna()]
    assert set(gaps["name"]) == {"Cumberland", "Hillingdon", "North Yorkshire", "Slough",
                                 "Westmorland and Furness"}
    assert (gaps["flag"] == "not_submitted").all()


def test_ra_2021_22_predecessors(budgets: pd.DataFrame) -> None:
    frame = budgets.reset_index()
    rows = frame[(frame["measure"] == "ra_budget_csc_net") & (frame["period"] == "2021-22")]
    # 152 authorities on 2021 geography plus North Yorkshire and Somerset repeated.
    assert len(rows) == 154
    cumbria = rows[rows["code"] == "E10000006"]
    assert cumbria["flag"].tolist() == ["predecessor"]
    assert not (rows["code"].isin(["E06000063", "E06000064"])).any()  # never split


@needs_raw
def test_ra_2023_24_total_from_raw_csv() -> None:
    with (RAW / "ra-budget/RA_2023-24_data_Part_1.csv").open(encoding="latin-1") as handle:
        rows = list(csv.reader(handle))
    column = rows[8].index("330")
    total = 0
    for row in rows[10:]:
        if row[1][:3] in ("E06", "E08", "E09", "E10") and row[column] != "...":
            total += int(row[column].replace(",", ""))
    assert total == 12_350_102


def test_line_map() -> None:
    lines = tables.load_line_map()
    same = lines[lines["relation"] == "same_line"]
    assert same["ra_line"].tolist() == ["310", "313", "315", "322", "323", "325", "326", "327",
                                        "330"]
    # Label as printed (Mac Roman decoding gives the typographic apostrophe).
    assert same.loc[same["ra_line"] == "325", "ra_label"].iloc[0] == (
        "Children's social care: Safeguarding children and young people\u2019s services")
    detail = lines[lines["relation"] != "same_line"]
    assert set(detail["ro3_measure"]) == {"ro3_lac_residential_net", "ro3_lac_fostering_net",
                                          "ro3_lac_uasc_net", "ro3_lac_other_net"}
    assert (detail["ra_line"] == "313").all()
    series = pd.read_csv(DATA / "series.csv", dtype=str, keep_default_na=False)
    ro3_2324 = set(series.loc[series["period"] == "2023-24", "measure"])
    assert set(lines["ro3_measure"]) <= ro3_2324


# ----------------------------------------------------------------------------- council tax


def test_council_tax_by_hand(authorities: pd.DataFrame) -> None:
    # CTR_Table_9_2023-24.ods Data_Billing, Birmingham: line 7 current 263,262;
    # line 9 current 1,630.16; line 3 current 429,159,141.
    assert authorities.loc[BIRMINGHAM, "council_tax_base_2023_24"] == 263_262
    assert authorities.loc[BIRMINGHAM, "band_d_2023_24"] == 1630.16
    assert authorities.loc[BIRMINGHAM, "council_tax_requirement_2023_24"] == 429_159_141
    # Data_Precepting, Kent: line 2 current 571,478.4; line 3 1,534.23; line 1 876,779,290.
    assert authorities.loc[KENT, "council_tax_base_2023_24"] == 571_478.4
    assert authorities.loc[KENT, "band_d_2023_24"] == 1534.23
    assert authorities.loc[KENT, "council_tax_requirement_2023_24"] == 876_779_290


def test_council_tax_total_against_england(authorities: pd.DataFrame) -> None:
    for column in ("council_tax_base_2023_24", "band_d_2023_24",
                   "council_tax_requirement_2023_24"):
        assert authorities[column].notna().sum() == 153, column
    total = authorities["council_tax_base_2023_24"].sum()
    # England row (Data_Billing 'TE', line 7 current) 18,749,055; councils 18,749,054.
    assert round(total) == 18_749_054
    assert 18_749_055 - total == pytest.approx(0.82, abs=0.005)


# ----------------------------------------------------------------------------- workforce


def test_workforce_by_hand(authorities: pd.DataFrame) -> None:
    w = tables.load_workforce().set_index(["measure", "code", "period"])["value"]
    # csww_indicators_2017_to_2025.csv, Kent 2025: in post 765.3, caseload 17,
    # agency rate 13.2, vacancy rate 14.4, turnover 15.4, cases 8359.
    assert w[("csww_inpost_fte", KENT, "2025")] == 765.3
    assert w[("csww_turnover_rate_fte", KENT, "2025")] == 15.4
    assert w[("csww_cases", KENT, "2025")] == 8359
    assert authorities.loc[KENT, "csww_caseload_fte_2025"] == 17
    assert authorities.loc[KENT, "csww_agency_rate_fte_2025"] == 13.2
    assert authorities.loc[KENT, "csww_vacancy_rate_fte_2025"] == 14.4
    # Kent 2017: caseload 18.9.
    assert w[("csww_caseload_fte", KENT, "2017")] == 18.9


def test_workforce_joint_rows_flagged_not_split(authorities: pd.DataFrame) -> None:
    w = tables.load_workforce()
    w = w[(w["measure"] == "csww_inpost_fte") & (w["period"] == "2025")].set_index("code")
    # Joint row 'E06000061 / E06000062' 2025: in post 421.5, shown for both councils.
    for code in ("E06000061", "E06000062"):
        assert w.loc[code, "value"] == 421.5
        assert "joint_return" in w.loc[code, "flag"]
    for code in ("E09000021", "E09000027"):
        assert w.loc[code, "value"] == 137.4
        assert "joint_return" in w.loc[code, "flag"]
    assert authorities.loc["E06000061", "csww_caseload_fte_2025"] == 14.8
    missing = pd.read_csv(DATA / "missing.csv", dtype=str, keep_default_na=False)
    joint = missing[missing["reason"] == "joint_return"]
    assert set(joint["code"]) == {"E06000061", "E06000062", "E09000021", "E09000027"}
    # Before the 2021 split, Northamptonshire has its own (predecessor) row.
    all_rows = tables.load_workforce()
    northants = all_rows[(all_rows["code"] == "E10000021")
                         & (all_rows["measure"] == "csww_caseload_fte")]
    assert sorted(northants["period"]) == ["2017", "2018", "2019", "2020"]


def test_workforce_coverage_2025(authorities: pd.DataFrame) -> None:
    # Kensington and Chelsea and Westminster 'x'; Sunderland agency rate 'low'.
    assert authorities["csww_caseload_fte_2025"].notna().sum() == 151
    assert authorities["csww_agency_rate_fte_2025"].notna().sum() == 150
    missing = pd.read_csv(DATA / "missing.csv", dtype=str, keep_default_na=False)
    row = missing[(missing["code"] == "E08000024")
                  & (missing["column"] == "csww_agency_rate_fte_2025")]
    assert row["reason"].tolist() == ["rounds_to_zero"]


# ----------------------------------------------------------------------------- Ofsted


def test_ofsted(authorities: pd.DataFrame) -> None:
    ofsted = tables.load_ofsted().set_index("code")
    assert len(ofsted) == 153
    # Inspections_as_at_31_March: Barking and Dagenham 2023-07-10, Requires improvement;
    # York 2025-02-24 Outstanding.
    assert ofsted.loc["E09000002", "inspection_date"] == "2023-07-10"
    assert ofsted.loc["E09000002", "overall_effectiveness"] == "Requires improvement to be good"
    assert authorities.loc["E09000002", "ofsted_ilacs_grade"] == 3
    assert authorities.loc["E06000014", "ofsted_ilacs_grade"] == 1
    assert authorities.loc["E06000014", "ofsted_ilacs_inspection_date"] == 20250224
    assert authorities["ofsted_ilacs_grade"].notna().sum() == 153


# ----------------------------------------------------------------------------- deflator


def test_deflator() -> None:
    d = tables.load_deflator().set_index("fiscal_year")
    assert d.loc["2008-09", "gdp_deflator"] == 66.8397
    assert d.loc["2015-16", "gdp_deflator"] == 74.5804
    assert d.loc["2022-23", "gdp_deflator"] == 91.2996
    assert d.loc["2024-25", "gdp_deflator"] == 100.0
    forecast = d.index[d["is_forecast"]].tolist()
    assert forecast == ["2025-26", "2026-27", "2027-28", "2028-29", "2029-30", "2030-31"]
    with (DATA / "sources.yaml").open(encoding="utf-8") as handle:
        record = yaml.safe_load(handle)["deflator"]
    assert "transcription" in record and record["forecast_years"] == forecast


# ----------------------------------------------------------------------------- placements


def test_placements_by_hand() -> None:
    p = tables.load_placements().set_index(["measure", "code", "period"])["value"]
    # CLA2018.csv Kent: CLA_Fost 1249, CLA_Fost_pc 76; CLA2019.csv Kent 1168, 73.
    assert p[("cla_placement_foster_count", KENT, "2018")] == 1249
    assert p[("cla_placement_foster_pct", KENT, "2018")] == 76
    assert p[("cla_placement_foster_count", KENT, "2019")] == 1168
    assert p[("cla_placement_foster_pct", KENT, "2019")] == 73
    # England rows (rounded to 10): foster 55,200 (2018), 56,160 (2019).
    assert p[("cla_placement_foster_count", "E92000001", "2018")] == 55_200
    assert p[("cla_placement_foster_count", "E92000001", "2019")] == 56_160
    # 2019 geography: Bournemouth keeps its own code, flagged.
    frame = tables.load_placements()
    bournemouth = frame[(frame["code"] == "E06000028")]
    assert (bournemouth["flag"].str.startswith("predecessor")).all()


# ----------------------------------------------------------------------------- flags


def test_liverpool_flagged() -> None:
    flags = tables.load_flags()
    rows = flags[(flags["code"] == LIVERPOOL) & (flags["measure"] == "s251_lac")
                 & (flags["period"] == "2024-25")]
    assert set(rows["check"]) == {"year_on_year", "source_agreement:ro3_lac_net"}
    text = " ".join(rows["values"])
    # 50.6m against 101.1m the year before and 109.8m in RO3 2024-25.
    for figure in ("GBP 50.6m", "GBP 101.1m", "GBP 109.8m"):
        assert figure in text


def test_flags_do_not_change_values() -> None:
    series = pd.read_csv(DATA / "series.csv", dtype=str, keep_default_na=False)
    row = series[(series["code"] == LIVERPOOL) & (series["measure"] == "s251_lac")
                 & (series["period"] == "2024-25")]
    assert row["value"].tolist() == ["50586722"]
    report = (DATA / "data_report.md").read_text(encoding="utf-8")
    assert "## Second batch" in report and "Data-quality flags" in report


def test_sources_records_for_new_columns_and_measures() -> None:
    with (DATA / "sources.yaml").open(encoding="utf-8") as handle:
        sources = yaml.safe_load(handle)
    columns = sources["columns"]
    files = {f["path"]: f for f in sources["files"]}
    for name in tables.LONG_FILES:
        for measure in tables.load_long(name)["measure"].unique():
            assert columns[measure]["used_in"] == [name]
            assert columns[measure]["raw_file"] in files
    assert "0xA3" in files["ra-budget/RA_2023-24_data_Part_1.csv"]["encoding"]
    assert "RE-SAVED" in files["ra-budget/Council_Budgets.xlsx"]["note"]
    for path in ("ra-budget/RA_2023-24_data_Part_1.csv", "council-tax/CTR_Table_9_2023-24.ods"):
        assert len(files[path]["sha256"]) == 64
        assert len(files[path]["republished_by"]["commit"]) == 40


def test_loader_rejects_unknown_table() -> None:
    with pytest.raises(DataError):
        tables.load_long("series.csv")
