"""Integrity of the shipped data files in src/fundmodel/data.

Needs only pandas, PyYAML and the shipped files; comparisons against England
rows and checksums also read the raw files in ../shared/data/raw (or
$FUNDMODEL_RAW) and are skipped when those are absent.
"""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[2]
DATA = PROJECT / "src" / "fundmodel" / "data"
RAW = Path(os.environ.get("FUNDMODEL_RAW") or PROJECT.parent / "shared" / "data" / "raw")

REGIONS = {
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
}
PREFIX_TYPE = {
    "E06": "unitary", "E08": "metropolitan_district", "E09": "london_borough", "E10": "county",
}
PREDECESSOR_CODES = {
    "E10000006", "E10000021", "E10000009", "E06000028", "E06000029", "E10000002",
    "E10000023", "E10000027",
}
IDENTITY = ["code", "name", "la_number", "region", "council_type"]
VALUE_FLAGS = {"suppressed", "not_available", "not_applicable", "low_reliability",
               "not_submitted", "withdrawn_by_publisher"}
GEO_FLAGS = {"predecessor", "recoded_same_area"}
#: DfE's children's social care statistics suppress counts of 1 to 5 ('c') and
#: round national totals to the nearest 10.
SUPPRESSED_MAX = 5
ROUNDING = 5

needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"raw data not found at {RAW}")


@pytest.fixture(scope="module")
def authorities() -> pd.DataFrame:
    return pd.read_csv(DATA / "authorities.csv", dtype={"code": str, "name": str})


@pytest.fixture(scope="module")
def missing() -> pd.DataFrame:
    return pd.read_csv(DATA / "missing.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def series() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "series.csv", dtype=str, keep_default_na=False)
    frame["number"] = pd.to_numeric(frame["value"].replace("", None))
    return frame


@pytest.fixture(scope="module")
def sources() -> dict:
    with (DATA / "sources.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def raw_england(path: str, column: str, year: str) -> float:
    frame = pd.read_csv(RAW / path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame[(frame["geographic_level"] == "National") & (frame["time_period"] == year)]
    if "population_type" in frame.columns:
        frame = frame[frame["population_type"] == "Children looked after on 31 March each year"]
    assert len(frame) == 1
    return float(frame[column].iloc[0])


def raw_marker_count(path: str, column: str, year: str, marker: str) -> int:
    frame = pd.read_csv(RAW / path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = frame[(frame["geographic_level"] == "Local authority") & (frame["time_period"] == year)]
    if "population_type" in frame.columns:
        frame = frame[frame["population_type"] == "Children looked after on 31 March each year"]
    return int((frame[column] == marker).sum())


# ----------------------------------------------------------------------------- files


def test_files_are_plain_utf8_lf_and_small() -> None:
    for name in ("authorities.csv", "series.csv", "missing.csv", "hex_layout.csv",
                 "hex_polygons.csv", "neighbours.csv", "budgets.csv", "council_tax.csv",
                 "workforce.csv", "placements.csv", "deflator.csv", "ofsted.csv",
                 "ra_ro3_lines.csv", "flags.csv", "sources.yaml", "data_report.md"):
        raw = (DATA / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in raw, name
        raw.decode("utf-8")
    assert (DATA / "authorities.csv").stat().st_size < 100_000
    assert (DATA / "series.csv").stat().st_size < 3_000_000


# ----------------------------------------------------------------------------- authorities


def test_authorities_identity(authorities: pd.DataFrame) -> None:
    assert len(authorities) == 153
    assert list(authorities.columns[:5]) == IDENTITY
    assert authorities["code"].is_unique
    assert authorities["code"].tolist() == sorted(authorities["code"])
    assert authorities["la_number"].is_unique
    assert authorities["la_number"].between(200, 999).all()
    assert set(authorities["region"]) == REGIONS
    assert set(authorities["council_type"]) == set(PREFIX_TYPE.values())
    assert (authorities["code"].str[:3].map(PREFIX_TYPE) == authorities["council_type"]).all()
    assert authorities["code"].str.fullmatch(r"E(06|08|09|10)\d{6}").all()
    assert authorities[IDENTITY].notna().all().all()
    counts = authorities["council_type"].value_counts().to_dict()
    assert counts == {"unitary": 63, "metropolitan_district": 36, "london_borough": 33,
                      "county": 21}
    assert (authorities["region"] == "London").sum() == 33


def test_every_empty_cell_has_a_missing_row(
    authorities: pd.DataFrame, missing: pd.DataFrame, sources: dict
) -> None:
    reasons = sources["missing_reasons"]
    assert set(missing["reason"]) <= set(reasons)
    assert list(missing.columns) == ["code", "name", "column", "reason", "detail"]
    empty_rows = missing[missing["reason"].map(lambda r: reasons[r]["empty_cell"])]
    listed = set(zip(empty_rows["code"], empty_rows["column"], strict=True))
    assert len(listed) == len(empty_rows)
    actual = {
        (code, column)
        for column in authorities.columns
        for code, value in zip(authorities["code"], authorities[column], strict=True)
        if pd.isna(value)
    }
    assert listed == actual
    flagged = missing[~missing.index.isin(empty_rows.index)]
    for code, column in zip(flagged["code"], flagged["column"], strict=True):
        value = authorities.loc[authorities["code"] == code, column].iloc[0]
        assert pd.notna(value), (code, column)
    assert (missing["detail"] != "").all()
    names = dict(zip(authorities["code"], authorities["name"], strict=True))
    assert (missing["code"].map(names) == missing["name"]).all()


def test_expected_gaps(missing: pd.DataFrame) -> None:
    def gaps(column: str) -> dict[str, str]:
        rows = missing[missing["column"] == column]
        return dict(zip(rows["name"], rows["reason"], strict=True))

    assert gaps("idaci_score_2019") == {
        "Cumberland": "no_figure_new_authority",
        "Westmorland and Furness": "no_figure_new_authority",
        "North Northamptonshire": "no_figure_new_authority",
        "West Northamptonshire": "no_figure_new_authority",
        "Buckinghamshire": "recoded_same_area",
        "North Yorkshire": "recoded_same_area",
        "Somerset": "recoded_same_area",
    }
    assert gaps("ro3_csc_net_2024_25") == {
        "Birmingham": "not_submitted", "Cumberland": "not_submitted", "Slough": "not_submitted",
    }
    assert gaps("s251_lac_2024_25") == {
        "Wandsworth": "withdrawn_by_publisher", "Middlesbrough": "withdrawn_by_publisher",
    }
    assert gaps("cla_count_2025") == {
        "City of London": "suppressed", "Isles of Scilly": "not_applicable",
    }
    short = {k for k, v in gaps("children_0_17_2029_trend").items()
             if v == "derived_short_history"}
    assert short == {"Cumberland", "Westmorland and Furness", "North Northamptonshire",
                     "West Northamptonshire"}


def test_spot_values_checked_by_hand(authorities: pd.DataFrame) -> None:
    row = authorities.set_index("name")
    # IoD2019 File 11, IDACI sheet: Middlesbrough is the highest average score.
    assert row.loc["Middlesbrough", "idaci_score_2019"] == 0.327
    assert authorities["idaci_score_2019"].max() == 0.327
    # CLA file, 2025, Hartlepool: 332 looked after, 157 per 10,000; Kent 1,896, 53.
    assert row.loc["Hartlepool", "cla_count_2025"] == 332
    assert row.loc["Hartlepool", "cla_rate_per_10k_2025"] == 157
    assert row.loc["Kent", "cla_count_2025"] == 1896
    assert row.loc["Kent", "cla_rate_per_10k_2025"] == 53
    # b1 / d5, 2025, Kent: 11,247 children in need, 1,150 on a plan; mid-2024: 355,390.
    assert row.loc["Kent", "cin_count_2025"] == 11247
    assert row.loc["Kent", "cpp_count_2025"] == 1150
    assert row.loc["Kent", "children_0_17"] == 355390
    # RO3 2024-25 Hartlepool total children's social care, GBP 49,198 thousand.
    assert row.loc["Hartlepool", "ro3_csc_net_2024_25"] == 49_198_000
    # Same-area recode: North Yorkshire's IDACI is the 2019 county figure 0.099.
    assert row.loc["North Yorkshire", "idaci_score_2019"] == 0.099


def test_population_trend_proxy(authorities: pd.DataFrame, series: pd.DataFrame) -> None:
    pop = series[series["measure"] == "children_0_17"].set_index(["code", "period"])["number"]
    for code in ("E06000001", "E10000016", "E06000065"):
        start, last = pop[(code, "2019")], pop[(code, "2024")]
        expected = round(last * (last / start) ** (5 / 5), 1)
        got = authorities.loc[authorities["code"] == code, "children_0_17_2029_trend"].iloc[0]
        assert got == pytest.approx(expected, abs=0.06)
    # Cumberland: one year of growth, mid-2023 to mid-2024.
    start, last = pop[("E06000063", "2023")], pop[("E06000063", "2024")]
    got = authorities.loc[authorities["code"] == "E06000063", "children_0_17_2029_trend"].iloc[0]
    assert got == pytest.approx(last * (last / start) ** 5, abs=0.06)


# ----------------------------------------------------------------------------- totals


def test_population_total_equals_england(authorities: pd.DataFrame) -> None:
    assert authorities["children_0_17"].sum() == 12_183_016


@needs_raw
def test_population_total_equals_raw_england_row(authorities: pd.DataFrame) -> None:
    england = raw_england("dfe-csc/ons_mid-year_population_estimates_2012_to_2024.csv",
                          "population_estimate", "2024")
    assert authorities["children_0_17"].sum() == england


@needs_raw
@pytest.mark.parametrize(
    ("column", "path", "source_column", "published"),
    [
        ("cla_count_2025", "dfe-csc/cla_number_and_rate_per_10k_children.csv",
         "children_count", 81_770),
        ("cin_count_2025", "dfe-csc/b1_children_in_need_2013_to_2025.csv",
         "At31_episodes", 402_400),
        ("cpp_count_2025", "dfe-csc/d5_cpps_at31march_by_duration_2013_to_2025.csv",
         "CPP_At31", 49_420),
        ("referrals_2025",
         "dfe-csc/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
         "referral_count", 632_830),
    ],
)
def test_count_totals_against_england(
    authorities: pd.DataFrame, column: str, path: str, source_column: str, published: int
) -> None:
    """England - sum of councils = the suppressed councils' counts +/- national rounding."""
    england = raw_england(path, source_column, "2025")
    assert england == published
    gap = england - authorities[column].sum()
    n_suppressed = raw_marker_count(path, source_column, "2025", "c")
    assert n_suppressed * 1 - ROUNDING <= gap <= n_suppressed * SUPPRESSED_MAX + ROUNDING


def test_known_gaps_between_totals(authorities: pd.DataFrame) -> None:
    """The exact differences found when the data were built (see data_report.md)."""
    assert 81_770 - authorities["cla_count_2025"].sum() == 4  # City of London 'c', rounding
    assert 402_400 - authorities["cin_count_2025"].sum() == 2  # rounding only
    assert 49_420 - authorities["cpp_count_2025"].sum() == 9  # City, Scilly 'c', rounding
    assert 632_830 - authorities["referrals_2025"].sum() == 2  # rounding only


def test_s251_lac_total(authorities: pd.DataFrame) -> None:
    values = authorities["s251_lac_2024_25"].dropna()
    assert len(values) == 151
    assert round(values.sum() / 1e6) == 8_955
    assert abs(values.sum() - 8_955_421_269) <= 10  # LAIT England row, 2024-25 (OT)


def test_ro3_total_below_england(authorities: pd.DataFrame) -> None:
    # RO3 2024-25 ENGLAND row, GBP 15,556,137 thousand, includes MHCLG's estimates for
    # Birmingham, Cumberland and Slough, shire districts and the GLA.
    total = authorities["ro3_csc_net_2024_25"].sum()
    assert authorities["ro3_csc_net_2024_25"].notna().sum() == 150
    assert 0 < 15_556_137_155 - total < 0.05 * 15_556_137_155


# ----------------------------------------------------------------------------- series


def test_series_layout(series: pd.DataFrame, authorities: pd.DataFrame) -> None:
    assert list(series.columns[:6]) == ["code", "name", "period", "measure", "value", "flag"]
    key = series[["measure", "code", "period"]]
    assert not key.duplicated().any()
    assert key.apply(tuple, axis=1).tolist() == sorted(key.apply(tuple, axis=1))
    codes = set(authorities["code"])
    assert set(series["code"]) <= codes | PREDECESSOR_CODES
    for flag, value in zip(series["flag"], series["value"], strict=True):
        parts = set(flag.split(";")) - {""}
        assert parts <= VALUE_FLAGS | GEO_FLAGS, flag
        assert (value == "") == bool(parts & VALUE_FLAGS), (flag, value)
    predecessor_rows = series[series["code"].isin(PREDECESSOR_CODES)]
    assert predecessor_rows["flag"].str.startswith("predecessor").all()
    assert not series.loc[series["code"].isin(codes), "flag"].str.contains("predecessor").any()
    for measure in ("children_0_17", "cla_count", "cla_rate_per_10k", "cin_count", "cpp_count",
                    "referrals", "s251_lac", "s251_cyps_total", "ro3_csc_net"):
        assert measure in set(series["measure"])
    periods = set(series.loc[series["measure"] == "ro3_csc_net", "period"])
    assert periods == {"2022-23", "2023-24", "2024-25"}
    periods = set(series.loc[series["measure"] == "cin_count", "period"])
    assert periods == {str(y) for y in range(2013, 2026)}


def test_series_matches_authorities(series: pd.DataFrame, authorities: pd.DataFrame,
                                    sources: dict) -> None:
    indexed = series.set_index(["measure", "period", "code"])["number"]
    for column, entry in sources["columns"].items():
        measure = entry.get("series_measure")
        if not measure or column not in authorities.columns:
            continue
        if column.endswith("_2024_25"):
            period = "2024-25"
        elif column == "children_0_17":
            period = "2024"
        else:
            period = "2025"
        for code, value in zip(authorities["code"], authorities[column], strict=True):
            other = indexed[(measure, period, code)]
            assert (pd.isna(value) and pd.isna(other)) or value == pytest.approx(other), (
                column, code)


def test_predecessors_never_split(series: pd.DataFrame) -> None:
    """Cumbria's and Northamptonshire's figures stay under their own codes only."""
    lac = series[series["measure"] == "s251_lac"].set_index(["code", "period"])["number"]
    assert lac[("E10000006", "2022-23")] == 70_632_638
    assert ("E06000063", "2022-23") not in lac.index
    assert ("E06000061", "2020-21") not in lac.index
    assert lac[("E10000023", "2022-23")] == lac[("E06000065", "2022-23")]


# ----------------------------------------------------------------------------- layout tables


def test_hex_layout(authorities: pd.DataFrame, sources: dict) -> None:
    hexes = pd.read_csv(DATA / "hex_layout.csv", dtype={"code": str})
    assert list(hexes.columns) == ["code", "name", "x", "y", "group"]
    assert hexes["code"].tolist() == authorities["code"].tolist()
    assert hexes[["x", "y"]].map(math.isfinite).all().all()
    assert not hexes[["x", "y"]].duplicated().any()
    assert hexes["group"].str.len().gt(0).all()
    info = sources["hex_layout"]
    assert info["acknowledgement"] == "House of Commons Library"
    assert "Open Parliament Licence" in info["licence"]
    assert 0.1 < info["hex_circumradius"] < 0.3


def test_neighbours(authorities: pd.DataFrame) -> None:
    nb = pd.read_csv(DATA / "neighbours.csv", dtype={"code": str, "neighbour_code": str})
    assert list(nb.columns) == ["code", "rank", "neighbour_code", "closeness"]
    codes = set(authorities["code"])
    assert set(nb["code"]) == codes
    assert set(nb["neighbour_code"]) <= codes
    assert (nb.groupby("code")["rank"].apply(sorted) == pd.Series(
        [list(range(1, 11))] * 153, index=sorted(codes))).all()
    assert (nb["code"] != nb["neighbour_code"]).all()
    assert not nb.duplicated(["code", "neighbour_code"]).any()


# ----------------------------------------------------------------------------- sources


def test_sources_cover_every_column_and_measure(
    sources: dict, authorities: pd.DataFrame, series: pd.DataFrame
) -> None:
    assert sources["generated_by"] == "data/build.py"
    columns = sources["columns"]
    allowed_units = set(sources["units"]["allowed"])
    needed = list(authorities.columns) + sorted(set(series["measure"]))
    for name in needed:
        entry = columns[name]
        for key in ("label", "unit", "publisher", "publication", "period", "raw_file",
                    "filter", "source_column", "transformation", "proxy", "note"):
            assert key in entry, (name, key)
        assert entry["publisher"] and entry["raw_file"], name
        assert entry["unit"] in allowed_units, name
    assert columns["ehcp_pct"]["proxy"] is True
    assert columns["children_0_17_2029_trend"]["proxy"] is True
    listed = {f["path"] for f in sources["files"]}
    for name in needed:
        assert columns[name]["raw_file"] in listed, name
    reorganised = {r["code"]: r for r in sources["reorganisations"]}
    assert set(reorganised) == PREDECESSOR_CODES
    assert reorganised["E10000023"]["same_area"] is True
    assert reorganised["E10000006"]["successors"] == ["E06000063", "E06000064"]


@needs_raw
def test_sources_checksums_match_raw(sources: dict) -> None:
    sums = {}
    first_batch = set()
    for name in ("SHA256SUMS.txt", "SHA256SUMS_BATCH2.txt"):
        for line in (RAW / name).read_text().splitlines():
            digest, path = line.split()
            sums[path.removeprefix("raw/")] = digest
            if name == "SHA256SUMS.txt":
                first_batch.add(path.removeprefix("raw/"))
    for entry in sources["files"]:
        data = (RAW / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert entry["size_bytes"] == len(data)
        assert entry["sha256"][:16] == sums[entry["path"]], entry["path"]
    listed = {e["path"] for e in sources["files"]}
    assert first_batch <= listed <= set(sums)


def test_hex_outlines_cover_every_council_with_closed_rings() -> None:
    outlines = pd.read_csv(DATA / "hex_polygons.csv", dtype={"code": str})
    authorities = pd.read_csv(DATA / "authorities.csv", dtype={"code": str})
    assert set(outlines["code"]) == set(authorities["code"])
    for (code, _part, _ring), ring in outlines.groupby(["code", "part", "ring"]):
        assert len(ring) >= 4, code
        first, last = ring.iloc[0], ring.iloc[-1]
        assert (first["x"], first["y"]) == (last["x"], last["y"]), f"{code}: ring not closed"
