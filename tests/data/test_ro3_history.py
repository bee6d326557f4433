"""The RO3 outturn history (ro3_history.csv) against figures read by hand from the raw files.

Every expected value below was read from the RO3 workbooks in
../shared/data/raw/ro3-history/ with a plain cell dump (xlrd for .xls, pandas with
openpyxl/odf for .xlsx/.ods), not with data/ro3_history.py: the ENGLAND and class rows
and named councils' cells of the 'Net Current Expenditure (C7 = C3 - C6)' column of the
'TOTAL CHILDREN SOCIAL CARE' block (2011-12 on) or the sum of the three children's lines
(2008-09 to 2010-11, which print no children's total). GBP thousand as printed.
"""

from __future__ import annotations

import pandas as pd
import pytest

from fundmodel.data.history import history_gaps, load_history, load_ro3_history
from fundmodel.data.series import load_series

PERIODS = [f"{y}-{str(y + 1)[2:]}" for y in range(2008, 2021)]

#: (ENGLAND, London boroughs, metropolitan districts, unitaries, shire counties) rows,
#: total children's social care net current expenditure, GBP thousand, as printed.
PRINTED_ROWS = {
    "2008-09": (5806973, 1257813, 1547446, 1004936, 1995612),
    "2009-10": (6396069, 1371208, 1687332, 1396542, 1939742),
    "2010-11": (6653879, 1365868, 1757283, 1468291, 2062214),
    "2011-12": (6422715, 1300187, 1623686, 1483883, 2014389),
    "2012-13": (6612299, 1314913, 1644855, 1574257, 2075756),
    "2013-14": (6914607, 1400959, 1711048, 1652095, 2150075),
    "2014-15": (8091346, 1555308, 2007792, 1921961, 2604687),
    "2015-16": (8302532.138, 1617882.763, 1991468.159, 1971268.962, 2721181.254),
    "2016-17": (8476039.261, 1639005.305, 2062710.321, 1985191.322, 2787822.312),
    "2017-18": (8833736.304, 1684758.956, 2174078.518, 2083629.713, 2889676.263),
    "2018-19": (9375428.183, 1807370.346, 2286436.094, 2180643.770, 3099384.155),
    "2019-20": (9920120, 1878843, 2395878, 2465633, 3178261),
    "2020-21": (10512651, 1932258, 2546445, 2703618, 3311947),
}
#: Shire districts + other authorities rows (GBP thousand): the rest of the ENGLAND row.
OTHER_ROWS = {"2008-09": 1166, "2009-10": 1245, "2010-11": 223, "2011-12": -50 + 620,
              "2012-13": 517 + 2001, "2013-14": 430, "2014-15": 1598, "2015-16": 731,
              "2016-17": 1057 + 253, "2017-18": 1592.853, "2018-19": 1593.818,
              "2019-20": 1505, "2020-21": 1862 + 16521}
#: Unitary returns not received (value '...'), imputed by MHCLG into the UA and ENGLAND rows.
NOT_SUBMITTED = {"2016-17": {"E06000053"}, "2020-21": {"E06000038", "E06000039", "E06000035"}}


@pytest.fixture(scope="module")
def ro3() -> pd.DataFrame:
    return load_ro3_history()


def councils(ro3: pd.DataFrame, measure: str, period: str) -> pd.DataFrame:
    return ro3[(ro3["measure"] == measure) & (ro3["period"] == period)
               & ~ro3["flag"].str.contains("recoded_same_area")]


def cell(ro3: pd.DataFrame, code: str, period: str, measure: str) -> float:
    row = ro3[(ro3["code"] == code) & (ro3["period"] == period) & (ro3["measure"] == measure)]
    assert len(row) == 1, (code, period, measure)
    return float(row["value"].iloc[0])


@pytest.mark.parametrize("period", PERIODS)
def test_council_sums_match_the_printed_class_and_england_rows(ro3: pd.DataFrame,
                                                               period: str) -> None:
    england, *classes = PRINTED_ROWS[period]
    rows = councils(ro3, "ro3_hist_csc_net", period)
    ours = rows["value"].sum() / 1000.0
    imputed = england - OTHER_ROWS[period] - sum(classes)
    assert abs(imputed) < 0.01  # the file's own rows add up
    if period in NOT_SUBMITTED:
        missing = set(rows.loc[rows["value"].isna(), "code"])
        assert missing == NOT_SUBMITTED[period]
        # The shortfall is MHCLG's imputation for those councils: positive, and not larger
        # than a mid-sized unitary's spend.
        shortfall = sum(classes) - ours
        assert 0 < shortfall < 150_000 * len(missing)
    else:
        assert abs(ours - sum(classes)) < 0.01, (period, ours, sum(classes))
        assert abs(ours + OTHER_ROWS[period] - england) < 0.01


#: Hand-read cells, GBP thousand: (code, period, measure) -> value as printed.
HAND_READ = {
    # Birmingham (E4601 / E08000025)
    ("E08000025", "2008-09", "ro3_hist_csc_net"): 166983,
    ("E08000025", "2011-12", "ro3_hist_looked_after_net"): 80522,
    ("E08000025", "2016-17", "ro3_hist_looked_after_net"): 94976,
    ("E08000025", "2020-21", "ro3_hist_csc_net"): 224854,
    ("E08000025", "2020-21", "ro3_hist_looked_after_net"): 118145,
    # Kent CC (E2221 / E10000016)
    ("E10000016", "2012-13", "ro3_hist_csc_net"): 166062,
    ("E10000016", "2020-21", "ro3_hist_looked_after_net"): 123901,
    # Lambeth (E5017 / E09000022): fractions of a thousand in 2015-16; 2019-20 the printed
    # total (86,400) where the lines sum to 86,402
    ("E09000022", "2011-12", "ro3_hist_looked_after_net"): 39375,
    ("E09000022", "2015-16", "ro3_hist_csc_net"): 91701.5,
    ("E09000022", "2019-20", "ro3_hist_csc_net"): 86400,
    # Cornwall county council 2008-09 (E0820), filed under the 2009 unitary's code
    ("E06000052", "2008-09", "ro3_hist_csc_net"): 48633,
    # Bedfordshire county 2008-09 (E0221), predecessor
    ("E10000001", "2008-09", "ro3_hist_csc_net"): 42518,
    # Reading (E0303): 2019-20 printed; 2020-21 '...' (not submitted)
    ("E06000038", "2019-20", "ro3_hist_csc_net"): 46989,
}


@pytest.mark.parametrize("key", sorted(HAND_READ))
def test_hand_read_cells_in_pounds(ro3: pd.DataFrame, key: tuple[str, str, str]) -> None:
    assert cell(ro3, *key) == pytest.approx(HAND_READ[key] * 1000.0, abs=0.01)


def test_not_submitted_rows_are_empty_and_flagged(ro3: pd.DataFrame) -> None:
    rows = ro3[(ro3["code"] == "E06000038") & (ro3["period"] == "2020-21")]
    assert len(rows) > 0
    assert rows["value"].isna().all()
    assert (rows["flag"] == "not_submitted").all()
    flagged = ro3[ro3["flag"].str.contains("not_submitted")]
    assert flagged["value"].isna().all()
    assert ro3.loc[~ro3["flag"].str.contains("not_submitted"), "value"].notna().all()


def test_coverage_per_year(ro3: pd.DataFrame) -> None:
    counts = (councils(ro3, "ro3_hist_csc_net", "2008-09").pipe(len),
              *(councils(ro3, "ro3_hist_csc_net", p)["code"].nunique() for p in PERIODS[1:]))
    # 150 in 2008-09 (Bedfordshire, Cheshire before the split); 152 to 2018-19; 151 after
    # the 2019 Dorset reorganisation (three authorities became two).
    assert list(counts) == [150] + [152] * 10 + [151, 151]


def test_lines_exist_only_where_the_layout_has_them(ro3: pd.DataFrame) -> None:
    periods = {m: set(g["period"]) for m, g in ro3.groupby("measure")}
    assert periods["ro3_hist_csc_net"] == set(PERIODS)
    assert periods["ro3_hist_asylum_net"] == set(PERIODS)
    assert periods["ro3_hist_looked_after_net"] == set(PERIODS[3:])
    assert periods["ro3_hist_strategy_net"] == set(PERIODS[:3])
    assert periods["ro3_hist_sure_start_net"] == set(PERIODS[6:])
    assert not any(m.startswith("ro3_hist_lac_") for m in periods)


def test_2008_to_2010_total_is_the_three_childrens_lines(ro3: pd.DataFrame) -> None:
    for period in PERIODS[:3]:
        wide = councils(ro3, "ro3_hist_csc_net", period).set_index("code")["value"]
        parts = sum(councils(ro3, f"ro3_hist_{g}_net", period).set_index("code")["value"]
                    for g in ("strategy", "asylum", "cfs_other"))
        assert (wide - parts).abs().max() < 0.01


def test_2021_22_is_a_recorded_gap(ro3: pd.DataFrame) -> None:
    assert "2021-22" not in set(ro3["period"])
    gaps = history_gaps()
    gap = gaps[(gaps["period"] == "2021-22") & gaps["measure"].str.startswith("ro3_hist_")]
    assert {"ro3_hist_csc_net", "ro3_hist_looked_after_net"} <= set(gap["measure"])
    assert set(gap["reason"]) == {"no_source_file"}
    lac = gaps[gaps["measure"] == "ro3_hist_lac_residential_net"]
    assert set(lac["period"]) == {*PERIODS, "2021-22"}


def test_predecessor_flags(ro3: pd.DataFrame) -> None:
    def flags(code: str) -> dict[str, set[str]]:
        rows = ro3[ro3["code"] == code]
        return {p: set(g["flag"]) for p, g in rows.groupby("period")}

    assert flags("E10000001") == {"2008-09": {"predecessor"}}  # Bedfordshire county
    assert flags("E10000004") == {"2008-09": {"predecessor"}}  # Cheshire county
    assert "2008-09" not in flags("E06000055")  # Bedford did not exist yet
    assert flags("E06000028")["2018-19"] == {"predecessor"}  # Bournemouth
    assert "2019-20" not in flags("E06000028")
    assert min(flags("E06000058")) == "2019-20"  # BCP from its first year
    assert flags("E10000021")["2020-21"] == {"predecessor"}  # Northamptonshire
    # Buckinghamshire county to 2019-20 (predecessor), repeated under the unitary's code
    # (recoded_same_area); the 2020-21 file prints the unitary itself.
    assert flags("E10000002")["2019-20"] == {"predecessor"}
    assert flags("E06000060")["2019-20"] == {"recoded_same_area"}
    assert flags("E06000060")["2020-21"] == {""}


def test_same_flags_as_the_s251_history_for_shared_years(ro3: pd.DataFrame) -> None:
    s251 = load_history()
    a = s251[s251["measure"] == "s251_hist_total_net"][["code", "period", "flag"]]
    b = ro3[ro3["measure"] == "ro3_hist_csc_net"][["code", "period", "flag"]]
    both = a.merge(b, on=["code", "period"], how="outer", suffixes=("_s251", "_ro3"),
                   indicator=True)
    both = both[both["period"] <= "2018-19"]
    assert (both["_merge"] == "both").all(), both[both["_merge"] != "both"].head()
    geo_only = both["flag_ro3"].str.split(";").map(
        lambda flags: ";".join(f for f in flags if f not in ("not_submitted", "revised_return")))
    assert (both["flag_s251"] == geo_only).all()


def test_2019_20_and_2020_21_against_the_embedded_s251(ro3: pd.DataFrame) -> None:
    # No RO3 figure of these years is embedded elsewhere (series.csv's RO3 starts in
    # 2022-23); the nearest is LAIT's s251 looked-after outturn, GROSS. RO3 is net of
    # income, so England's RO3 figure lies a little below s251 gross, never above it,
    # and the same councils are present (a unit slip would break this by x1000).
    series = load_series()
    for period in ("2019-20", "2020-21"):
        r = councils(ro3, "ro3_hist_looked_after_net", period).dropna(subset=["value"])
        s = series[(series["measure"] == "s251_lac") & (series["period"] == period)
                   & ~series["flag"].str.contains("recoded_same_area")]
        both = r.merge(s, on="code", suffixes=("_ro3", "_s251"))
        assert len(both) >= len(r) - 1
        ratio = both["value_ro3"].sum() / both["value_s251"].astype(float).sum()
        assert 0.85 < ratio < 1.0, (period, ratio)
    assert not set(series.loc[series["measure"].str.startswith("ro3_"), "period"]) & set(
        PERIODS)
