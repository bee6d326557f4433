"""RO3 outturn history 2008-09 to 2020-21 (DCLG/MHCLG revenue outturn, social care).

Called from ``history.build_history``. Reads the 13 ``ro3-history/`` workbooks
(``.xls`` with xlrd, ``.xlsx`` with openpyxl, ``.ods`` with odf; the slow reads
go to the build's process pool), maps each year's children's social care lines
to measure groups with ``data/history_lines/ro3_YYYY-YY.csv``, checks every
printed total against its lines for every council and the ENGLAND / class rows
against the council sums, and returns the rows of ``ro3_history.csv`` (net
current expenditure, **GBP**: the files' GBP thousand x 1000).

Geography: the files carry DCLG E-codes (``E0101``); from 2014-15 they also
print ONS codes. Years before 2014-15 are mapped E-code -> ONS code with the
2014-15 file's own pairs; the seven 2008-09 county councils that no later file
lists are in ``OLD_ECODES`` (E-code, name as printed, ONS code), each checked
against the printed name. Any upper-tier row left unmapped is an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import history

LINES_DIR = Path(__file__).resolve().parent / "history_lines"

ECODE = re.compile(r"^E\d{4}$")
ONS = re.compile(r"^E\d{8}$")
#: period -> (raw file, path in repository E, full sha256 from PROVENANCE_BATCH2.md).
RO3_FILES: dict[str, tuple[str, str, str]] = {
    "2008-09": (
        "ro3-history/Revenue_Outturn__RO3__data_2008-09_by_LA_-_Revised_17-Nov-2011-2.xls",
        "data/data/ro-laref/2008-09/social-care/"
        "Revenue_Outturn__RO3__data_2008-09_by_LA_-_Revised_17-Nov-2011-2.xls",
        "b85f0c650e8cc31439de156330cac8c9e3ccaf6f9e571d2a08e44a9e93dad3df"),
    "2009-10": (
        "ro3-history/RO3_2009-10_RO3-2.xls",
        "data/data/ro-laref/2009-10/social-care/RO3-2.xls",
        "43675a8de6ed47a7908871d271f98156202acb9cad9e620f41b7743a0398c456"),
    "2010-11": (
        "ro3-history/Revenue_Outturn__RO3__data_2010-11_by_LA_-_27-Nov-2012-v2-2.xls",
        "data/data/ro-laref/2010-11/social-care/"
        "Revenue_Outturn__RO3__data_2010-11_by_LA_-_27-Nov-2012-v2-2.xls",
        "c0afae3559670ed088e0eb7a79fae79bb7d891b4cabc6a6f0a238a49bf619403"),
    "2011-12": (
        "ro3-history/Revenue_Outturn__RO3__data_2011-12_by_LA_-_Revised_28-Nov-2013-2.xls",
        "data/data/ro-laref/2011-12-categories-emerge/social-care/"
        "Revenue_Outturn__RO3__data_2011-12_by_LA_-_Revised_28-Nov-2013-2.xls",
        "c9128c624c10c27daa4d35790710791389cc792869c913b8f1aaa868bf4d95b4"),
    "2012-13": (
        "ro3-history/"
        "Revenue_Outturn__RO3__data_2012-13_by_LA__Revised__-_18-Feb-2014.xls",
        "data/data/ro-laref/2012-13/social-care/"
        "Revenue_Outturn__RO3__data_2012-13_by_LA__Revised__-_18-Feb-2014.xls",
        "bdd232d451e008e633e965f032837d255f6c92022629cd07216bf7437844ad31"),
    "2013-14": (
        "ro3-history/RO3_2013-14_Revision.xlsx",
        "data/data/ro-laref/2013-14/social-care/RO3_2013-14_Revision.xlsx",
        "4107a5387b68956bd425c618c8b9cd2061317c6485287175cb22d42c8cf87923"),
    "2014-15": (
        "ro3-history/RO3_2014-15_Revision.xlsx",
        "data/data/ro-laref/2014-15/social-care-ro3/RO3_2014-15_Revision.xlsx",
        "9e6784475429f5edf9cff118a5bbdab27e35975a029e0743c4ceb95e2eae7e49"),
    "2015-16": (
        "ro3-history/RO3_2015-16_data_by_LA_-_Revision.xlsx",
        "data/data/ro-laref/2015-16/social-care-ro3/RO3_2015-16_data_by_LA_-_Revision.xlsx",
        "8096b34a05b0ab94e3c0a4fa358f13379c2327c755b41f902f6be9803707a025"),
    "2016-17": (
        "ro3-history/RO3_2016-17_data_by_LA.xlsx",
        "data/data/ro-laref/2016-17/social-care-ro3/RO3_2016-17_data_by_LA.xlsx",
        "20b6783a4675255979e6c88e60fde9fed3e29b1b4f64f1ef0ebe4b7a010dafea"),
    "2017-18": (
        "ro3-history/RO3_2017-18_data_by_LA_-_revised.xlsx",
        "data/data/ro-laref/2017-18/social-care-ro3/RO3_2017-18_data_by_LA_-_revised.xlsx",
        "994263663e33e9befd3411fdffcc39d960858f184dda27c9858be76601fbc69b"),
    "2018-19": (
        "ro3-history/RO3_2018-19_data_by_LA.xlsx",
        "data/data/ro-laref/2018-19/social-care-ro3/RO3_2018-19_data_by_LA.xlsx",
        "2fad4b80060519b456bf49bd4718a30eb51e1e096505005240813d23e3a7bb2f"),
    "2019-20": (
        "ro3-history/RO3_2019-20_data_by_LA.ods",
        "data/data/ro-laref/2019-20/social-care-ro3/RO3_2019-20_data_by_LA.ods",
        "b0530c62dcd754d1820a5c772aa0ddda8da7c086ff7c9100385ece7d9009e06a"),
    "2020-21": (
        "ro3-history/RO3_2020-21_data_by_LA.ods",
        "data/data/ro-laref/2020-21/social-care-ro3/RO3_2020-21_data_by_LA.ods",
        "0e3581196e54940fe492f62f807efc26f7d016ff37a62f655f5c7d77c4045c98"),
}

CLASS_ROWS = {"LONDON BOROUGHS": "L", "METROPOLITAN DISTRICTS": "MD",
              "UNITARY AUTHORITIES": "UA", "SHIRE COUNTIES": "SC", "SHIRE DISTRICTS": "SD",
              "OTHER AUTHORITIES": "O"}


def _norm(value: object) -> str:
    """Collapse whitespace in a printed label (NaN -> '')."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return " ".join(str(value).replace("\u2019", "'").split())


def _sheet_blocks(sheet: pd.DataFrame, name: str) -> pd.DataFrame:
    """One data sheet: (row_kind, ecode, ons_code, name, ro_class, status, label, value)."""
    header = next(i for i in range(min(30, len(sheet)))
                  if any(_norm(sheet.iat[i, c]) == "E-code" for c in range(3)))
    head = [_norm(v) for v in sheet.iloc[header]]
    col = {key: head.index(key) for key in ("E-code", "Local authority", "Class")}
    ons_col = head.index("ONS Code") if "ONS Code" in head else None
    score = [sum("social care" in _norm(v).lower() or "total" in _norm(v).lower()
                 for v in sheet.iloc[i]) for i in range(header)]
    label_row = max(range(header), key=lambda i: score[i])
    status_cols = [c for c in range(col["Class"]) if c not in (
        col["E-code"], col["Local authority"], ons_col) and head[c] != "Region"]
    labels: list[str] = []
    current = ""
    for c in range(sheet.shape[1]):
        text = _norm(sheet.iat[label_row, c])
        if text and c > col["Class"]:
            current = text
        labels.append(current)
    net_cols = []
    for c in range(col["Class"] + 1, sheet.shape[1]):
        text = " ".join(_norm(sheet.iat[i, c]) for i in range(label_row + 1, header + 1)).strip()
        if re.match(r"(?i)^net\s*current", text):
            net_cols.append(c)
    records = []
    for i in range(header + 1, len(sheet)):
        ecode = _norm(sheet.iat[i, col["E-code"]])
        name = _norm(sheet.iat[i, col["Local authority"]])
        ro_class = _norm(sheet.iat[i, col["Class"]])
        if ECODE.match(ecode):
            kind = "authority"
        elif name == "ENGLAND":
            kind = "england"
        elif CLASS_ROWS.get(name) == ro_class and ro_class:
            kind = "class_total"
        else:
            continue
        ons = _norm(sheet.iat[i, ons_col]) if ons_col is not None else ""
        status = ";".join(t for t in (_norm(sheet.iat[i, c]) for c in status_cols) if t)
        for c in net_cols:
            records.append((kind, ecode, ons, name, ro_class, status, labels[c],
                            sheet.iat[i, c]))
    out = pd.DataFrame(records, columns=["row_kind", "ecode", "ons_code", "name", "ro_class",
                                         "status", "label", "raw"])
    return out


def read_ro3_history(path: Path) -> pd.DataFrame:
    """Read one RO3 'data by LA' workbook (any year's layout) into a long table.

    Columns: ``row_kind`` ('authority', 'england', 'class_total'), ``ecode`` (old
    DCLG E-code, '' on total rows), ``ons_code`` ('' where the year prints none),
    ``name``, ``ro_class``, ``status`` (any text printed between the name and the
    class, e.g. 'Grossed'), ``label`` (the service line as printed), ``raw`` (the
    net current expenditure cell as read, GBP thousand) and ``sheet``.
    """
    engine = "odf" if path.suffix == ".ods" else None
    with pd.ExcelFile(path, engine=engine) as book:
        names = [str(n) for n in book.sheet_names]
        data = [n for n in names if re.search(r"LA[ _]Data", n)]
        if not data:
            raise ValueError(f"{path.name}: no 'RO3 LA Data' sheet in {names}")
        frames = [_sheet_blocks(book.parse(n, header=None), n).assign(sheet=n) for n in data]
    return pd.concat(frames, ignore_index=True)


#: RO3 classes of councils with children's services duties (old files print 'L', newer 'L' too).
UPPER_TIER = ("UA", "MD", "L", "LB", "SC")
#: Service-line groups embedded (``ro3_hist_<group>_net``), in output order.
GROUPS = ("csc", "looked_after", "safeguarding", "family_support", "sure_start", "young_people",
          "youth_justice", "asylum", "other", "strategy", "cfs_other")
#: Groups used for checks only (never embedded).
CHECK_GROUPS = ("adult", "total_social_care", "memo")
#: Looked-after sub-lines no file of 2008-09 to 2020-21 prints (RO3 has them from 2022-23).
LAC_PARTS = ("lac_residential", "lac_fostering", "lac_other")
#: Cells that mean "return not received; imputed into the ENGLAND and class rows".
NOT_SUBMITTED = ("...", "\u2026")

#: 2008-09 county councils with no E-code in the 2014-15 file: (name as printed, ONS code, note).
OLD_ECODES: dict[str, tuple[str, str, str]] = {
    "E0221": ("Bedfordshire", "E10000001", "county council abolished 1 April 2009 (split into "
              "Bedford and Central Bedfordshire): predecessor code"),
    "E0621": ("Cheshire", "E10000004", "county council abolished 1 April 2009 (split into "
              "Cheshire East and Cheshire West and Chester): predecessor code"),
    "E0820": ("Cornwall", "E06000052", "county council; the 2009 unitary covers the same area and "
              "took over its children's services (the s251 history files it the same way)"),
    "E1321": ("Durham", "E06000047", "county council; same area as the 2009 unitary"),
    "E2920": ("Northumberland", "E06000057", "county council; same area as the 2009 unitary"),
    "E3221": ("Shropshire", "E06000051", "county council; same area as the 2009 unitary"),
    "E3921": ("Wiltshire", "E06000054", "county council; same area as the 2009 unitary"),
}
#: Printed totals that differ from the sum of their lines: (period, name, group) -> lines - total.
KNOWN_TOTAL_GAPS: dict[tuple[str, str, str], float] = {
    ("2019-20", "Lambeth", "csc"): 2.0,
}
#: Printed ONS codes corrected (period, E-code) -> (printed, corrected, reason).
ONS_CORRECTIONS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("2015-16", "E2721"): ("E10000022", "E10000023", "North Yorkshire (E-code E2721) is printed "
                           "with E10000022, which is no council's code; every other year prints "
                           "E10000023 for E2721"),
}


# --------------------------------------------------------------------------- line maps


def read_line_map(period: str) -> pd.DataFrame:
    """The mapping table of one year (``data/history_lines/ro3_YYYY-YY.csv``)."""
    frame = pd.read_csv(LINES_DIR / f"ro3_{period}.csv", dtype=str, keep_default_na=False)
    frame["is_total"] = frame["is_total"].astype(int)
    bad = set(frame["group"]) - set(GROUPS) - set(CHECK_GROUPS)
    if bad or (frame["year"] != period).any() or frame["label"].duplicated().any():
        raise ValueError(f"RO3 line map {period}: bad groups {bad}, year column or repeated label")
    return frame


def submit_reads(pool: ProcessPoolExecutor, raw: Path) -> dict[str, Future[pd.DataFrame]]:
    """Start reading the 13 workbooks (the two .ods first: 20-30 s each with odf)."""
    order = sorted(RO3_FILES, key=lambda p: (not RO3_FILES[p][0].endswith(".ods"), p))
    return {period: pool.submit(read_ro3_history, raw / RO3_FILES[period][0])
            for period in order}


# --------------------------------------------------------------------------- one year


def _number(raw: object, where: str) -> float:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if raw != raw:
            raise ValueError(f"RO3 {where}: empty cell")
        return float(raw)
    if _norm(raw) in NOT_SUBMITTED:
        return math.nan
    raise ValueError(f"RO3 {where}: unexpected cell {raw!r}")


def year_table(period: str, data: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """Rows (authority, England, class) x mapped labels, GBP thousand; NaN = not submitted."""
    missing = set(lines["label"]) - set(data["label"])
    if missing:
        raise ValueError(f"RO3 {period}: line-map labels not in the file: {sorted(missing)}")
    keep = data[data["label"].isin(set(lines["label"]))].copy()
    keep["value"] = [_number(v, f"{period} {e or n} {lab}") for v, e, n, lab in zip(
        keep["raw"], keep["ecode"], keep["name"], keep["label"], strict=True)]
    keys = ["row_kind", "ecode", "ons_code", "name", "ro_class", "status"]
    if keep.duplicated([*keys, "label"]).any():
        raise ValueError(f"RO3 {period}: a row and line appear twice")
    wide = keep.pivot(index=keys, columns="label", values="value").reset_index()
    return wide


def check_year(period: str, wide: pd.DataFrame, lines: pd.DataFrame) -> list[str]:
    """Every printed total equals its lines for every authority (within GBP 1 thousand).

    Differences listed in ``KNOWN_TOTAL_GAPS`` are allowed (and returned for the
    report); any other is an error.
    """
    notes: list[str] = []
    for total in lines.loc[lines["is_total"] == 1].itertuples(index=False):
        if total.group == "csc":
            parts = lines.loc[(lines["is_total"] == 0) & lines["group"].isin(GROUPS), "label"]
        else:  # total_social_care: every non-memo line
            parts = lines.loc[(lines["is_total"] == 0) & (lines["group"] != "memo"), "label"]
        rows = wide[wide[total.label].notna() & (wide["row_kind"] == "authority")]
        gap = rows[list(parts)].sum(axis=1) - rows[total.label]
        for name, diff in zip(rows.loc[gap.abs() > 1.0, "name"], gap[gap.abs() > 1.0],
                              strict=True):
            if KNOWN_TOTAL_GAPS.get((period, name, total.group)) != diff:
                raise ValueError(f"RO3 {period}: {total.label!r} differs from the sum of its "
                                 f"lines by {diff:,.0f} (GBP thousand) for {name}")
            notes.append(f"{period} {name}: the lines sum to {diff:+,.0f} thousand against the "
                         f"printed {total.label!r} (the measure keeps the printed total)")
    return notes


def ecode_lookup(data_2014: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """E-code -> (ONS code, name) from the 2014-15 file, which prints both."""
    rows = data_2014[(data_2014["row_kind"] == "authority")
                     & data_2014["ro_class"].isin(UPPER_TIER)].drop_duplicates("ecode")
    return {e: (o, n) for e, o, n in zip(rows["ecode"], rows["ons_code"], rows["name"],
                                         strict=True)}


def assign_codes(period: str, wide: pd.DataFrame, lookup: Mapping[str, tuple[str, str]],
                 known: set[str]) -> pd.Series:
    """ONS code of each upper-tier authority row (an error for any row left unmapped)."""
    codes = []
    for ecode, ons, name in zip(wide["ecode"], wide["ons_code"], wide["name"], strict=True):
        if ons:
            printed, fixed, _ = ONS_CORRECTIONS.get((period, ecode), (ons, ons, ""))
            if printed != ons:
                raise ValueError(f"RO3 {period} {ecode}: correction expects {printed}, got {ons}")
            code = fixed
            if ecode in lookup and period < "2019-20" and lookup[ecode][0] != code:
                raise ValueError(f"RO3 {period} {name} ({ecode}): prints {code}, 2014-15 "
                                 f"prints {lookup[ecode][0]}")
        elif ecode in lookup:
            code = lookup[ecode][0]
        elif ecode in OLD_ECODES:
            old_name, code, _ = OLD_ECODES[ecode]
            if old_name != name:
                raise ValueError(f"RO3 {period} {ecode}: printed name {name!r}, expected "
                                 f"{old_name!r}")
        else:
            raise ValueError(f"RO3 {period}: authority {name!r} ({ecode}) has no ONS code")
        if code not in known:
            raise ValueError(f"RO3 {period}: {name!r} ({ecode}) maps to {code}, not a council "
                             "with children's services duties")
        codes.append(code)
    series = pd.Series(codes, index=wide.index)
    if series.duplicated().any():
        raise ValueError(f"RO3 {period}: two rows map to {series[series.duplicated()].tolist()}")
    return series


def group_values(wide: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """GBP thousand per row and embedded group (csc computed where no total is printed)."""
    out = pd.DataFrame(index=wide.index)
    parts = lines[(lines["is_total"] == 0) & lines["group"].isin(GROUPS)]
    for group in GROUPS:
        labels = list(lines.loc[lines["group"] == group, "label"])
        if group == "csc" and not labels:  # 2008-09 to 2010-11: sum of the children's lines
            labels = list(parts["label"])
        if labels:
            out[group] = wide[labels].sum(axis=1, min_count=len(labels))
    return out


def year_records(period: str, wide: pd.DataFrame, lines: pd.DataFrame,
                 codes: pd.Series) -> list[tuple[str, str, str, float | None, str]]:
    """(code, period, measure, value GBP, flag) rows of one year's councils."""
    values = group_values(wide, lines)
    rows: list[tuple[str, str, str, float | None, str]] = []
    for idx, code in codes.items():
        status = wide.at[idx, "status"]
        for group in values.columns:
            value = values.at[idx, group]
            extra = []
            if math.isnan(value):
                extra.append("not_submitted")
            if status == "R":
                extra.append("revised_return")
            for target, flag in history.targets(str(code), period):
                flags = ";".join(f for f in (flag, *extra) if f)
                rows.append((target, period, f"ro3_hist_{group}_net",
                             None if math.isnan(value) else round(float(value) * 1000.0, 2),
                             flags))
    return rows


def totals_check(period: str, wide: pd.DataFrame, lines: pd.DataFrame,
                 upper: pd.Series) -> list[dict[str, Any]]:
    """ENGLAND and class rows against the sums of the authority rows (GBP thousand)."""
    values = group_values(wide, lines)
    kind = wide["row_kind"]
    out = []
    for group in values.columns:
        auth = values.loc[kind == "authority", group]
        england = values.loc[kind == "england", group]
        item: dict[str, Any] = {
            "period": period, "group": group,
            "england_row": float(england.iloc[0]) if len(england) == 1 else None,
            "all_rows_sum": float(auth.sum()),
            "councils_sum": float(values.loc[upper, group].sum()),
            "not_submitted": int(values.loc[upper, group].isna().sum()),
            "classes": {}}
        for ro_class in ("L", "MD", "UA", "SC", "SD", "O"):
            row = values.loc[(kind == "class_total") & (wide["ro_class"] == ro_class), group]
            members = values.loc[(kind == "authority") & (wide["ro_class"] == ro_class), group]
            if len(row) == 1:
                item["classes"][ro_class] = (float(row.iloc[0]), float(members.sum()),
                                             int(members.isna().sum()))
        out.append(item)
    return out


@dataclass(frozen=True)
class Ro3History:
    """Everything the RO3 part of the history build produces."""

    frame: pd.DataFrame
    lines: pd.DataFrame
    gaps: list[dict[str, str]]
    checks: list[dict[str, Any]]
    coverage: dict[str, int]
    notes: list[str]


def build_ro3(raw: Path, futures: Mapping[str, Future[pd.DataFrame]], known: set[str]
              ) -> Ro3History:
    """Read (via the futures), check and map every year."""
    data = {period: futures[period].result() for period in sorted(RO3_FILES)}
    lookup = ecode_lookup(data["2014-15"])
    lines = {period: read_line_map(period) for period in sorted(RO3_FILES)}
    records: list[tuple[str, str, str, float | None, str]] = []
    checks: list[dict[str, Any]] = []
    coverage: dict[str, int] = {}
    total_notes: list[str] = []
    for period, frame in data.items():
        wide = year_table(period, frame, lines[period])
        total_notes.extend(check_year(period, wide, lines[period]))
        upper = (wide["row_kind"] == "authority") & wide["ro_class"].isin(UPPER_TIER)
        codes = assign_codes(period, wide[upper], lookup, known)
        coverage[period] = len(codes)
        records.extend(year_records(period, wide, lines[period], codes))
        checks.extend(totals_check(period, wide, lines[period], upper))
    frame = pd.DataFrame(records, columns=["code", "period", "measure", "value", "flag"])
    frame = frame.sort_values(["measure", "code", "period"], kind="stable").reset_index(drop=True)
    if frame.duplicated(["code", "period", "measure"]).any():
        raise ValueError("duplicate RO3 history rows")
    all_lines = pd.concat([lines[p] for p in sorted(lines)], ignore_index=True)
    return Ro3History(frame, all_lines, ro3_gap_rows(lines), checks, coverage, total_notes)


def ro3_gap_rows(lines: Mapping[str, pd.DataFrame]) -> list[dict[str, str]]:
    """history_gaps.csv rows: groups a year's layout lacks, LAC sub-lines, 2021-22."""
    rows: list[dict[str, str]] = []
    why = {
        "looked_after": "the 2008-09 to 2010-11 layout prints three children's lines only "
        "(strategy, asylum seekers, other children's and families' services)",
        "sure_start": "Sure Start / early years is a children's social care line from 2014-15",
        "young_people": "services for young people is a children's social care line from "
        "2014-15",
        "strategy": "printed as its own line 2008-09 to 2010-11 only; within safeguarding from "
        "2011-12 (see the line map)",
        "cfs_other": "the catch-all line of the 2008-09 to 2010-11 layout only",
    }
    for period, frame in sorted(lines.items()):
        present = set(frame["group"]) | {"csc"}
        for group in GROUPS:
            if group not in present:
                reason = why.get(group, why["looked_after"])
                rows.append({"measure": f"ro3_hist_{group}_net", "period": period,
                             "reason": "line_not_in_layout", "detail": f"RO3 {period}: {reason}."})
        for part in LAC_PARTS:
            rows.append({"measure": f"ro3_hist_{part}_net", "period": period,
                         "reason": "line_not_in_layout",
                         "detail": f"RO3 {period} prints no looked-after breakdown (residential, "
                         "fostering, other appear from 2022-23: ro3_lac_*_net in series.csv)."})
    for group in (*GROUPS, *LAC_PARTS):
        rows.append({"measure": f"ro3_hist_{group}_net", "period": "2021-22",
                     "reason": "no_source_file",
                     "detail": "RO3 2021-22 is not in the republishing repository "
                     "(PROVENANCE_BATCH2.md); no row is written for any council."})
    return rows


# --------------------------------------------------------------------------- outputs

COLUMNS = ["code", "name", "period", "measure", "value", "flag"]
RO3_PUBLISHER = ("Department for Communities and Local Government (DCLG), later Ministry of "
                 "Housing, Communities and Local Government (MHCLG) / DLUHC")
RO3_URL = ("https://www.gov.uk/government/collections/"
           "local-authority-revenue-expenditure-and-financing")
LABELS = {
    "csc": "total children's social care",
    "looked_after": "children looked after",
    "safeguarding": "safeguarding children and young people's services (incl. service "
    "strategy and commissioning and social work lines, 2011-12 to 2013-14)",
    "family_support": "family support services",
    "sure_start": "Sure Start children's centres and early years",
    "young_people": "services for young people",
    "youth_justice": "youth justice",
    "asylum": "asylum seekers (children's)",
    "other": "other children's and families services",
    "strategy": "social care strategy - children (2008-09 to 2010-11 layout)",
    "cfs_other": "children's and families' services - other (2008-09 to 2010-11 layout: every "
    "children's service except strategy and asylum seekers)",
}


def write_outputs(ro3: Ro3History, paths: Mapping[str, Path], names: Mapping[str, str]) -> None:
    """Write ro3_history.csv and ro3_history_lines.csv."""
    history.write_rows(paths["ro3_history.csv"], COLUMNS, [
        [c, names[c], p, m, history._fmt(v), f]
        for c, p, m, v, f in ro3.frame.itertuples(index=False)])
    history.write_rows(paths["ro3_history_lines.csv"], list(ro3.lines.columns),
                       [list(r) for r in ro3.lines.astype(str).itertuples(index=False)])


def add_sources(sources: dict[str, Any], raw: Path, ro3: Ro3History) -> None:
    """Add the RO3 files, outputs and measures to the ``history`` section of sources.yaml."""
    for period, (path, repo_path, sha) in sorted(RO3_FILES.items()):
        actual = history.readers.sha256_of(raw / path)
        if actual != sha:
            raise ValueError(f"{path}: sha256 {actual} differs from PROVENANCE_BATCH2.md")
        sources["files"].append({
            "path": path, "period": period, "sha256": sha,
            "size_bytes": (raw / path).stat().st_size,
            "republished_by": {"repo": history.REPO_E, "path": repo_path,
                               "commit": history.REPO_E_COMMIT},
            "publisher": RO3_PUBLISHER,
            "publication": f"Revenue outturn (RO3, social care) data by LA, {period}",
            "licence": history.OGL, "url": RO3_URL, "unit_in_file": "GBP thousand",
            "line_map": f"data/history_lines/ro3_{period}.csv"})
    sources["outputs"]["ro3_history.csv"] = (
        "long, same columns as history.csv: RO3 net current expenditure per council 2008-09 "
        "to 2020-21, GBP. Flags: predecessor, recoded_same_area (drop when summing England), "
        "not_submitted (return not received; value empty; MHCLG imputes it into its ENGLAND "
        "and class rows), revised_return (2019-20 'R': the return was revised).")
    sources["outputs"]["ro3_history_lines.csv"] = (
        "all years' RO3 line maps, concatenated (data/history_lines/ro3_*.csv)")
    sources["ro3_geography"] = {
        "method": "E-code -> ONS code from the 2014-15 file's own pairs (years before 2014-15); "
        "printed ONS codes from 2014-15 (checked against the 2014-15 pairs to 2018-19); "
        "2008-09 county councils listed below, each checked against the printed name",
        "old_ecodes": [{"ecode": e, "name": n, "code": c, "note": t}
                       for e, (n, c, t) in sorted(OLD_ECODES.items())],
        "ons_corrections": [{"period": p, "ecode": e, "printed": a, "used": b, "note": t}
                            for (p, e), (a, b, t) in sorted(ONS_CORRECTIONS.items())],
        "known_total_differences": ro3.notes}
    frame = ro3.frame
    for measure in sorted(frame["measure"].unique()):
        group = measure.removeprefix("ro3_hist_").removesuffix("_net")
        periods = sorted(frame.loc[frame["measure"] == measure, "period"].unique())
        how = ("printed 'TOTAL CHILDREN SOCIAL CARE' line (2011-12 on); 2008-09 to 2010-11: "
               "the sum of the three children's lines (no children's total is printed)"
               if group == "csc" else
               f"sum of the lines mapped to group '{group}' in data/history_lines/ro3_YYYY-YY.csv")
        sources["measures"][measure] = {
            "label": f"RO3 outturn {LABELS[group]} - net current expenditure",
            "unit": "GBP", "unit_note": "converted to GBP: the files' GBP thousand x 1000 "
            "(2015-16 to 2018-19 print fractions of a thousand; kept to the penny)",
            "publisher": RO3_PUBLISHER,
            "publication": "Revenue outturn RO3 (social care) data by LA",
            "period": f"financial years {periods[0]} to {periods[-1]}", "periods": periods,
            "raw_files": [RO3_FILES[p][0] for p in periods],
            "filter": "rows of class UA, MD, L and SC (councils with children's services "
            "duties); " + how,
            "source_column": "Net Current Expenditure (C7 = C3 - C6); 2008-09 'NET CURRENT "
            "(Col 3-6)'",
            "transformation": "x1000; E-code mapped to ONS code (see ro3_geography); "
            "rounded to 0.01 GBP",
            "note": "MHCLG net current expenditure: not the same return as DfE section 251 "
            "(s251_hist_*, s251_* in series.csv, which are gross in LAIT). 2021-22 has no file "
            "(history_gaps.csv)."}


#: RO3 history group -> LAIT s251 measure in series.csv (gross) for the 2019-20 / 2020-21 overlap.
LAIT_OVERLAP = {"looked_after": "s251_lac", "safeguarding": "s251_safeguarding",
                "family_support": "s251_family_support", "youth_justice": "s251_youth_justice",
                "csc": "s251_cyps_total"}


def _m(value: float) -> str:
    return f"{value / 1000:,.1f}"


def ro3_report(ro3: Ro3History, series_path: Path) -> str:
    """The data_report.md section for RO3."""
    checks = {(c["period"], c["group"]): c for c in ro3.checks}
    out = ["", "## Spending history: RO3 outturn 2008-09 to 2020-21", "",
           "From `data/ro3_history.py` (`ro3_history.csv`). MHCLG/DCLG revenue outturn, net "
           "current expenditure, converted from GBP thousand to GBP (the table below is in "
           "GBP million). Line maps: `data/history_lines/ro3_*.csv` (shipped as "
           "`ro3_history_lines.csv`). Every printed total was checked against the sum of its "
           "lines for every authority (2008-09 to 2010-11: TOTAL SOCIAL CARE against the "
           "children's and adults' lines). 2021-22: no file (a gap in `history_gaps.csv`).", "",
           "| period | councils | not submitted | ENGLAND row, total CSC | sum of all rows | "
           "sum of councils | ENGLAND minus councils | class rows = their members |",
           "|---|---|---|---|---|---|---|---|"]
    for period in sorted(ro3.coverage):
        c = checks[(period, "csc")]
        classes = all(abs(a - b) < 0.01 for a, b, n in c["classes"].values() if n == 0)
        imputed = [k for k, (a, b, n) in c["classes"].items() if n]
        out.append(f"| {period} | {ro3.coverage[period]} | {c['not_submitted']} | "
                   f"{_m(c['england_row'])} | {_m(c['all_rows_sum'])} | "
                   f"{_m(c['councils_sum'])} | {_m(c['england_row'] - c['councils_sum'])} | "
                   f"{'yes' if classes else 'NO'}"
                   f"{' (imputed in ' + ', '.join(imputed) + ')' if imputed else ''} |")
    out += ["", "ENGLAND minus councils = shire districts' and other authorities' small "
            "children's social care spend, plus MHCLG's imputed figures for returns not "
            "received (2016-17 Isles of Scilly, shown as '...' and 'Grossed'; 2020-21 Reading, "
            "Slough and Medway, 'S'): those councils have no value in `ro3_hist_*` (flag "
            "`not_submitted`), so England sums of the council rows fall short of the ENGLAND "
            "row by their imputed amounts. Where every member submitted, each class row "
            "(London, metropolitan, unitary, shire county) equals the sum of its members to "
            "the penny in every year and line.", "",
            "Printed-total differences kept as published: "
            + ("; ".join(ro3.notes) if ro3.notes else "none") + ".", "",
            "### England sums by line (GBP million, councils only)", "",
            "| period | looked after | safeguarding | family support | youth justice | "
            "Sure Start | young people | asylum | other | strategy (to 2010-11) | "
            "other C&F services (to 2010-11) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for period in sorted(ro3.coverage):
        cells = []
        for group in ("looked_after", "safeguarding", "family_support", "youth_justice",
                      "sure_start", "young_people", "asylum", "other", "strategy",
                      "cfs_other"):
            c = checks.get((period, group))
            cells.append(_m(c["councils_sum"]) if c else "-")
        out.append(f"| {period} | " + " | ".join(cells) + " |")
    out += ["", "Layouts: 2008-09 to 2010-11 print three children's lines only (strategy, "
            "asylum seekers, everything else), so looked after and the other service lines "
            "start in 2011-12; Sure Start and services for young people join children's "
            "social care in 2014-15 (the jump in the total that year). Service strategy and "
            "commissioning and social work (2011-12 to 2013-14) are counted in safeguarding, "
            "as in the s251 history. No file of these years prints the looked-after "
            "breakdown (residential, fostering, other), which RO3 has from 2022-23.", ""]
    out += overlap_section(ro3.frame, series_path)
    return "\n".join(out)


def overlap_section(frame: pd.DataFrame, series_path: Path) -> list[str]:
    """2019-20 and 2020-21: RO3 history against the LAIT s251 values in series.csv."""
    series = pd.read_csv(series_path, dtype=str, keep_default_na=False)
    series = series[~series["flag"].str.contains("recoded_same_area")]
    hist = frame[~frame["flag"].str.contains("recoded_same_area") & frame["value"].notna()]
    out = ["### Overlap with embedded data, 2019-20 and 2020-21", "",
           "The RO3 series in `series.csv` starts in 2022-23, so no RO3 figure overlaps. The "
           "nearest embedded figures are LAIT's section 251 outturn (DfE, GROSS total "
           "expenditure) for the same councils and years: a different return on a different "
           "basis (RO3 is net of sales, fees and other income), shown for scale only.", "",
           "| period | RO3 measure (net) | England RO3 (GBP m) | LAIT s251 measure (gross) | "
           "England s251 (GBP m) | RO3 / s251 | councils in both |",
           "|---|---|---|---|---|---|---|"]
    for period in ("2019-20", "2020-21"):
        for group, lait in LAIT_OVERLAP.items():
            a = hist[(hist["measure"] == f"ro3_hist_{group}_net") & (hist["period"] == period)]
            b = series[(series["measure"] == lait) & (series["period"] == period)
                       & (series["value"] != "")]
            both = a.merge(b, on="code", suffixes=("_ro3", "_s251"))
            ro3_sum = both["value_ro3"].astype(float).sum()
            s251_sum = pd.to_numeric(both["value_s251"]).sum()
            out.append(f"| {period} | ro3_hist_{group}_net | {ro3_sum / 1e6:,.1f} | {lait} | "
                       f"{s251_sum / 1e6:,.1f} | {ro3_sum / s251_sum:.3f} | {len(both)} |")
    out += ["", "Sums over the councils present in both (a council without a figure in either "
            "is left out of both columns).", ""]
    return out
