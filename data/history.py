"""Spending history since 2008-09: DfE section 251 outturn and MHCLG RO3, per council.

Called once from ``build.py`` (``build_history``); writes ``history.csv``,
``comparable_areas.csv``, ``history_gaps.csv`` and ``history_lines.csv`` into
the output directory and returns the paths, the ``sources.yaml`` section and
the ``data_report.md`` section.

* Section 251 outturn (``s251-history/``), 2008-09 to 2018-19, Table A1 per
  council, **GBP cash**. Each year's lines are mapped to today's service
  groups by the tables in ``data/history_lines/s251_YYYY-YY.csv`` (one per
  year: line, label as printed, group, whether the line is a printed total,
  the total line it rolls into, and a note on any judgement). The build checks
  every label against the file and every printed total against the sum of its
  lines, for every council, before anything is written.
* RO3 (``ro3-history/``): see ``read_ro3_history``.

Geography: the files carry DfE 3-digit LA numbers (s251) which are mapped to
ONS codes with the build's authority base, the reorganisation table in
``geography.py`` and the two 2009 reorganisations below (Bedfordshire,
Cheshire). Figures are never split or spread: predecessors keep their own
codes (flag ``predecessor``) and ``comparable_areas.csv`` lists the exact
unions a time series may be combined over.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

import geography as geo
import readers
import ro3_history  # data/ro3_history.py (imports this module; used at call time only)

HERE = Path(__file__).resolve().parent
LINES_DIR = HERE / "history_lines"

REPO_E = "cjrwebb/cwip-app"
REPO_E_COMMIT = "6808bb049401088c9328d7bcca4e0f795ce713a2"
OGL = "Open Government Licence v3.0 (Crown copyright)"
DFE = "Department for Education (DfE)"
MHCLG = "Ministry of Housing, Communities and Local Government (MHCLG)"
S251_URL = "https://explore-education-statistics.service.gov.uk/find-statistics/la-and-school-expenditure"

#: period -> (raw file, path in repository E, full sha256 from PROVENANCE_BATCH2.md, title).
S251_FILES: dict[str, tuple[str, str, str, str]] = {
    "2008-09": ("s251-history/s251ye2009.xls", "data/Section251_outturns/s251ye2009.xls",
                "208e3f80a708276858c85288a39c94836086114abd088f51e1ba531b0e0dd299",
                "S52 Outturn 2008-09 - Table A1 (as at 8 December 2009)"),
    "2009-10": ("s251-history/s251ye2010.xls", "data/Section251_outturns/s251ye2010.xls",
                "c34896adab171240c30d4899be142f0435446d4681d47b41fe064ffccf6e756e",
                "S251 Outturn 2009-10 - Table A1 (as at 13 December 2010)"),
    "2010-11": ("s251-history/s251ye2011.xls", "data/Section251_outturns/s251ye2011.xls",
                "0a187b8a0d86c2c44d27818c5a7f7f932e5b03bcbc13811095481923e029e5c6",
                "S251 Outturn 2010-11 - Table A1 (as at 9 January 2012)"),
    "2011-12": ("s251-history/s251ye2012.xlsx", "data/Section251_outturns/s251ye2012.xlsx",
                "2dffdb7a8f77cf0ed0ee7d952443e86f769ae256c1e2b9445d2724110c3a3b7a",
                "S251 Outturn 2011-12 - Table A1 (as at 18 January 2013)"),
    "2012-13": ("s251-history/s251ye2013.xlsx", "data/Section251_outturns/s251ye2013.xlsx",
                "e2454c653b28eb090b68054dceb2ac0ebaef73f29037865efbb6be3682562c05",
                "S251 Outturn 2012-13 - Table A1 (as at 18 November 2013)"),
    "2013-14": ("s251-history/s251ye2014.ods", "data/Section251_outturns/s251ye2014.ods",
                "29d6e8f4b2991a9577bfbe628c7a50f77e6ba8e7bca294bc50d9f06ad512cfa4",
                "S251 outturn 2013-14 Table A1, all-LA data"),
    "2014-15": ("s251-history/s251ye2015.ods", "data/Section251_outturns/s251ye2015.ods",
                "1253e38a86f27afc3d25da6596aba3135e58df1ad9737aef39c6355eed5f4373",
                "S251 outturn 2014-15 Table A1, all-LA data"),
    "2015-16": ("s251-history/s251ye2016.ods", "data/Section251_outturns/s251ye2016.ods",
                "8f8cd7d49c85fc9ec93250b793411272e828945e07801ed88d330cf049dfb3d1",
                "S251 outturn 2015-16 Table A1"),
    "2016-17": ("s251-history/s251ye2017.xlsx", "data/Section251_outturns/s251ye2017.xlsx",
                "42540b041fc38a02a4d0de7f854a7d22d824d3bc868fa4eab6fc7ba0a268ad19",
                "S251 outturn 2016-17 Table A1"),
    "2017-18": ("s251-history/S251ye2018.xlsx", "data/Section251_outturns/S251ye2018.xlsx",
                "a4d23de7cf5b19e64261021db58c022802831421af45b79ddce6697600d1ece0",
                "S251 outturn 2017-18 Table A1"),
    "2018-19": ("s251-history/S251ye2019.xlsx", "data/Section251_outturns/S251ye2019.xlsx",
                "48930302bdcd3814458f53e7186e5a5d9c5471b8b267f661703fc8408d204c30",
                "S251 outturn 2018-19 Table A1"),
}

#: Published England tables used to check the council sums (raw file, repo path, sha256, title).
S251_TABLES: dict[str, tuple[str, str, str]] = {
    "s251-history/tables/outturn_detailed_report_table_a1_2008_09.xls": (
        "data/data/s251/2008-09/outturn detailed report table a1 2008 09.xls",
        "6c3ae788d0a32f21bce47e1ddf891108fbdb8987595d15b45ebbbc22f237d3bd",
        "DCSF S52 outturn 2008-09 Table A1 (same content as s251ye2009.xls, other bytes)"),
    "s251-history/tables/outturn_detailed_report_table_a1_2009_10.xls": (
        "data/data/s251/2009-10/outturn detailed report table a1 2009 10.xls",
        "67068eaf70bc4a9fb7b7902932f6a6c2e22652bf535e1ce1099b27439585d19c",
        "DCSF/DfE S251 outturn 2009-10 Table A1 (same content as s251ye2010.xls)"),
    "s251-history/tables/osr03-2012v3-3.xls": (
        "data/data/s251/2010-11/osr03-2012v3-3.xls",
        "d41665a1fc3aa4e35bf7380ac2fb727ffb4c4b2c0b56946f0dfec03f2d0612f6",
        "DfE OSR 03/2012, Table 4 (England, 2010-11 and 2009-10 rebased), GBP thousand"),
    "s251-history/tables/sfr07-2013v3.xls": (
        "data/data/s251/2011-12/sfr07-2013v3.xls",
        "38dce0037633b4ec15b897f9f7ac48edd07127a6390811e7b037214789f54610",
        "DfE SFR 07/2013, Table 4 (England, 2011-12 and 2010-11), GBP thousand"),
    "s251-history/tables/SR54-2013Tables.xls": (
        "data/data/s251/2012-13/SR54-2013Tables.xls",
        "66384c8f8c9b0a5d524e74857133336736d9c98e1cc1566de3af6ff4171474d1",
        "DfE SFR 54/2013, Table 5 (England, 2011-12 and 2012-13), GBP thousand"),
    "s251-history/tables/SR52-2014Tables.xlsx": (
        "data/data/s251/2013-14/SR52-2014Tables.xlsx",
        "a4d8d9d44f697d35f0c008579c041f804f02dc6e742bef00695927211aea7d61",
        "DfE SFR 52/2014, Table 2 (England, 2012-13 and 2013-14), GBP thousand"),
}

#: Today's service groups, in output order.
GROUPS = ("looked_after", "safeguarding", "family_support", "sure_start", "young_people",
          "youth_justice", "other")
#: Groups a line may have besides the service groups (never summed into them).
OTHER_GROUPS = ("cera", "memo", "total_excl_cera", "total_incl_cera")
#: 'Of which' measures inside looked_after, by label pattern (lines moved between
#: blocks over the years, so a printed-block total can be rebuilt).
OF_WHICH = {
    "lac_adoption_sgo": re.compile(r"(?i)adoption services|special guardianship"),
    "lac_asylum": re.compile(r"(?i)asylum|^\d*\s*accommodation$|assessment and care management"),
}

GEO_FLAGS = ("predecessor", "recoded_same_area")


@dataclass(frozen=True)
class HistoricReorg:
    """A reorganisation before 2019 that geography.py does not cover (both in 2009)."""

    code: str
    name: str
    la_number: int
    successors: tuple[str, ...]
    effective: date
    note: str


REORGS_2009 = (
    HistoricReorg("E10000001", "Bedfordshire", 820, ("E06000055", "E06000056"), date(2009, 4, 1),
                  "County split into Bedford (822) and Central Bedfordshire (823): "
                  "an exact union."),
    HistoricReorg("E10000004", "Cheshire", 875, ("E06000049", "E06000050"), date(2009, 4, 1),
                  "County split into Cheshire East (895) and Cheshire West and Chester (896): "
                  "an exact union."),
)


# --------------------------------------------------------------------------- reading


def _norm(value: object) -> str:
    """Collapse whitespace (tabs, doubles) in a printed label."""
    return " ".join(str(value).replace("\t", " ").split())


def read_s251(path: Path, period: str) -> pd.DataFrame:
    """Read one s251 Table A1 file into ``la_number, la_name, line, label, gross, net``.

    ``line`` is the line key of that year's layout: the number printed at the
    start of the label (2008-09), the Line/LineNumber column (2009-10 to
    2013-14), OrderLine (2014-15, 2015-16, whose s251line repeats 16 on the
    safeguarding total) or s251line (2016-17 on, e.g. '3.1.2a'). Values are
    the cells as read (GBP cash); blanks are NaN.
    """
    engine = "odf" if path.suffix == ".ods" else None
    sheet = pd.read_excel(path, sheet_name=0, header=None, engine=engine)
    starts = ("LEA Number:", "LEA", "LA", "ident")
    header = next(i for i in range(10) if _norm(sheet.iat[i, 0]) in starts)
    cols = [_norm(c) for c in sheet.iloc[header]]
    body = sheet.iloc[header + 1:].copy()
    body.columns = cols
    la_col = next(c for c in ("LEA Number:", "LEA", "LA") if c in cols)
    name_col = next(c for c in ("LA Name:", "LEA Name", "LA Name") if c in cols)
    squash = [c.replace(" ", "").lower() for c in cols]
    gross_col = cols[next(i for i, c in enumerate(squash) if c.startswith("totalexpenditure"))]
    net_col = cols[next(i for i, c in enumerate(squash) if c.startswith("netcurrentexpenditure"))]
    if period == "2008-09":
        label = body["S52 Line Reference:"].map(_norm)
        line = label.str.extract(r"^(\d+)")[0]
    elif "Description" in cols:
        label = body["Description"].map(_norm)
        key = "OrderLine" if period in ("2014-15", "2015-16") else "s251line"
        line = body[key].map(_norm)
    else:
        line_col = "Line" if "Line" in cols else "LineNumber"
        desc_col = "S52 Line Reference" if "S52 Line Reference" in cols else "CYPServiceDescription"
        label = body[desc_col].map(_norm)
        line = body[line_col].map(_norm)
    out = pd.DataFrame({
        "la_number": body[la_col], "la_name": body[name_col].map(_norm), "line": line,
        "label": label, "gross": body[gross_col], "net": body[net_col],
    })
    out = out[out["la_number"].notna()].copy()
    out["la_number"] = out["la_number"].astype(int)
    for col in ("gross", "net"):
        out[col] = pd.to_numeric(out[col], errors="raise")
    return out.reset_index(drop=True)


def read_line_map(period: str) -> pd.DataFrame:
    """The mapping table of one year (``data/history_lines/s251_YYYY-YY.csv``)."""
    frame = pd.read_csv(LINES_DIR / f"s251_{period}.csv", dtype=str, keep_default_na=False)
    frame["is_total"] = frame["is_total"].astype(int)
    bad = set(frame["group"]) - set(GROUPS) - set(OTHER_GROUPS)
    if bad or (frame["year"] != period).any():
        raise ValueError(f"s251 line map {period}: bad groups {bad} or year column")
    return frame


# --------------------------------------------------------------------------- checks


def check_lines(period: str, data: pd.DataFrame, lines: pd.DataFrame) -> None:
    """Labels as printed match the map; every printed total equals its lines, per council."""
    printed = dict(data.drop_duplicates("line")[["line", "label"]].itertuples(index=False))
    mapped = dict(lines[["line", "label"]].itertuples(index=False))
    if printed != mapped:
        diff = sorted(set(printed.items()) ^ set(mapped.items()))[:4]
        raise ValueError(f"s251 {period}: file lines differ from the line map: {diff}")
    counts = data.groupby("la_number").size()
    if counts.nunique() != 1 or data.duplicated(["la_number", "line"]).any():
        raise ValueError(f"s251 {period}: not one row per council and line")
    for col in ("gross", "net"):
        wide = data.pivot(index="la_number", columns="line", values=col)
        for total in lines.loc[lines["is_total"] == 1, "line"]:
            group = lines.loc[lines["line"] == total, "group"].item()
            if group == "total_excl_cera":
                parts = lines.loc[(lines["is_total"] == 0)
                                  & ~lines["group"].isin(["memo", "cera"]), "line"]
            elif group == "total_incl_cera":
                parts = lines.loc[(lines["is_total"] == 0) & (lines["group"] != "memo"), "line"]
            else:
                parts = lines.loc[lines["total_line"] == total, "line"]
            gap = (wide[list(parts)].sum(axis=1) - wide[total]).abs()
            if gap.max() > 1.0:
                raise ValueError(f"s251 {period} {col}: line {total} is not the sum of its "
                                 f"lines for {int((gap > 1).sum())} councils")
        used = lines.loc[(lines["is_total"] == 0)
                         & ~lines["group"].isin(["memo", "cera"]), "line"]
        if wide[list(used)].isna().any().any():
            raise ValueError(f"s251 {period} {col}: empty cell in a summed line")


# --------------------------------------------------------------------------- geography


def code_map(base: pd.DataFrame) -> dict[int, str]:
    """DfE LA number -> ONS code: current councils, then abolished ones (2009 to 2023)."""
    mapping = {int(n): str(c) for n, c in zip(base["la_number"], base["code"], strict=True)}
    for reorg in geo.REORGANISATIONS:
        mapping.setdefault(reorg.la_number, reorg.code)
    for old in REORGS_2009:
        mapping.setdefault(old.la_number, old.code)
    return mapping


def name_map(base: pd.DataFrame) -> dict[str, str]:
    """ONS code -> name, abolished authorities included."""
    names = {str(c): str(n) for c, n in zip(base["code"], base["name"], strict=True)}
    for reorg in geo.REORGANISATIONS:
        names.setdefault(reorg.code, reorg.name)
    for old in REORGS_2009:
        names.setdefault(old.code, old.name)
    return names


def targets(code: str, period: str) -> list[tuple[str, str]]:
    """Codes and geography flags a financial-year figure is published under."""
    when = geo.period_reference_date(period, "financial_year")
    for old in REORGS_2009:
        if code == old.code:
            if when >= old.effective:
                raise ValueError(f"{old.name} has a figure for {period}, after abolition")
            return [(code, "predecessor")]
        if code in old.successors and when < old.effective:
            raise ValueError(f"{code} has a figure for {period}, before it existed")
    result = geo.assign_codes(code, when)
    if not result:
        raise ValueError(f"{code} has a figure for {period}, when it did not exist")
    return result


# --------------------------------------------------------------------------- s251


def s251_records(period: str, data: pd.DataFrame, lines: pd.DataFrame,
                 codes: Mapping[int, str]) -> list[tuple[str, str, str, float, str]]:
    """(code, period, measure, value, flag) rows of one s251 year."""
    merged = data.merge(lines[["line", "label", "group", "is_total"]], on=["line", "label"],
                        how="left", validate="many_to_one")
    components = merged[(merged["is_total"] == 0) & merged["group"].isin(GROUPS)]
    total = merged[merged["group"] == "total_excl_cera"]
    present = set(lines.loc[lines["is_total"] == 0, "group"])
    rows: list[tuple[str, str, str, float, str]] = []
    for la, part in components.groupby("la_number"):
        code = codes[int(la)]  # a KeyError here means an unknown LA number
        values: dict[str, float] = {}
        for col in ("gross", "net"):
            sums = part.groupby("group")[col].sum()
            for group in GROUPS:
                if group in present:
                    values[f"s251_hist_{group}_{col}"] = float(sums.get(group, 0.0))
            lac = part[part["group"] == "looked_after"]
            for name, pattern in OF_WHICH.items():
                mask = lac["label"].str.replace(r"^[\d.a-z]+\.?\s", "", regex=True).str.match(
                    pattern)
                values[f"s251_hist_{name}_{col}"] = float(lac.loc[mask, col].sum())
            values[f"s251_hist_total_{col}"] = float(
                total.loc[total["la_number"] == la, col].item())
        for target, flag in targets(code, period):
            for measure, value in values.items():
                rows.append((target, period, measure, round(value, 2), flag))
    return rows


def s251_measure_names(period: str, lines: pd.DataFrame) -> list[str]:
    """Measure names present for a year."""
    present = set(lines.loc[lines["is_total"] == 0, "group"])
    names = [f"s251_hist_{g}_{c}" for g in GROUPS if g in present for c in ("gross", "net")]
    names += [f"s251_hist_{n}_{c}" for n in (*OF_WHICH, "total") for c in ("gross", "net")]
    return names


# --------------------------------------------------------------------------- published checks

#: Published England figures (GBP thousand) checked against council sums: table file, sheet,
#: row label prefix, column of total expenditure (gross), column of net current expenditure,
#: and the history measures (sum) it compares with. Row labels are matched after whitespace
#: normalisation; the printed blocks of 2010-11 and 2011-12 differ from today's groups, so
#: those comparisons are over unions of groups (see docs/data.md).
OSR = "s251-history/tables/osr03-2012v3-3.xls"
SFR07 = "s251-history/tables/sfr07-2013v3.xls"
SR54 = "s251-history/tables/SR54-2013Tables.xls"
SR52 = "s251-history/tables/SR52-2014Tables.xlsx"
PUBLISHED_CHECKS: tuple[tuple[str, str, str, tuple[str, ...], int, int, tuple[str, ...]], ...] = (
    ("2010-11", OSR, "Table 4", ("TOTAL YOUTH JUSTICE",), 6, 8, ("youth_justice",)),
    ("2010-11", OSR, "Table 4", ("TOTAL SURE START",), 6, 8, ("sure_start",)),
    ("2010-11", OSR, "Table 4", ("TOTAL CHILDREN LOOKED AFTER", "TOTAL OTHER CHILDREN'S",
                                 "Child Trust Fund"), 6, 8, ("looked_after", "other")),
    ("2010-11", OSR, "Table 4", ("TOTAL CHILDREN AND YOUNG PEOPLE'S SAFETY",
                                 "TOTAL CHILDREN'S SERVICES STRATEGY",
                                 "Commissioning and social work"), 6, 8, ("safeguarding",)),
    ("2010-11", OSR, "Table 4", ("TOTAL FAMILY SUPPORT",), 6, 8, ("family_support",)),
    ("2010-11", OSR, "Table 4", ("TOTAL SERVICES FOR YOUNG PEOPLE",), 6, 8, ("young_people",)),
    ("2011-12", SFR07, "Table 4", ("TOTAL SURE START",), 6, 8, ("sure_start",)),
    ("2011-12", SFR07, "Table 4", ("TOTAL CHILDREN LOOKED AFTER", "TOTAL OTHER CHILDREN'S"), 6, 8,
     ("looked_after", "other")),
    ("2011-12", SFR07, "Table 4", ("TOTAL CHILDREN AND YOUNG PEOPLE'S SAFETY",
                                   "Children's Services Strategy"), 6, 8, ("safeguarding",)),
    ("2011-12", SFR07, "Table 4", ("TOTAL FAMILY SUPPORT",), 6, 8, ("family_support",)),
    ("2011-12", SFR07, "Table 4", ("TOTAL SERVICES FOR YOUNG PEOPLE",), 6, 8, ("young_people",)),
    ("2011-12", SFR07, "Table 4", ("Youth Justice",), 6, 8, ("youth_justice",)),
    ("2012-13", SR52, "Table 2", ("TOTAL SURE START",), 6, 8, ("sure_start",)),
    ("2012-13", SR52, "Table 2", ("TOTAL CHILDREN LOOKED AFTER",), 6, 8, ("looked_after",)),
    ("2012-13", SR52, "Table 2", ("Other children's and families services",), 6, 8, ("other",)),
    ("2012-13", SR52, "Table 2", ("TOTAL SAFEGUARDING",), 6, 8, ("safeguarding",)),
    ("2012-13", SR52, "Table 2", ("TOTAL FAMILY SUPPORT",), 6, 8, ("family_support",)),
    ("2012-13", SR52, "Table 2", ("TOTAL SERVICES FOR YOUNG PEOPLE",), 6, 8, ("young_people",)),
    ("2012-13", SR52, "Table 2", ("Youth Justice",), 6, 8, ("youth_justice",)),
    ("2013-14", SR52, "Table 2", ("TOTAL SURE START",), 18, 20, ("sure_start",)),
    ("2013-14", SR52, "Table 2", ("TOTAL CHILDREN LOOKED AFTER",), 18, 20, ("looked_after",)),
    ("2013-14", SR52, "Table 2", ("Other children's and families services",), 18, 20,
     ("other",)),
    ("2013-14", SR52, "Table 2", ("TOTAL SAFEGUARDING",), 18, 20, ("safeguarding",)),
    ("2013-14", SR52, "Table 2", ("TOTAL FAMILY SUPPORT",), 18, 20, ("family_support",)),
    ("2013-14", SR52, "Table 2", ("TOTAL SERVICES FOR YOUNG PEOPLE",), 18, 20, ("young_people",)),
    ("2013-14", SR52, "Table 2", ("Youth Justice",), 18, 20, ("youth_justice",)),
)
#: The two grand totals (excluding CERA) sit on the second of two rows that start alike.
PUBLISHED_TOTALS: tuple[tuple[str, str, str, int, int], ...] = (
    ("2010-11", OSR, "Table 4", 6, 8),
    ("2011-12", SFR07, "Table 4", 6, 8),
    ("2012-13", SR52, "Table 2", 6, 8),
    ("2013-14", SR52, "Table 2", 18, 20),
)


def _row_label(row: pd.Series) -> str:
    return _norm(" ".join(str(x) for x in row.iloc[:3] if isinstance(x, str)))


def read_published(raw: Path) -> list[dict[str, Any]]:
    """Published England figures (GBP) for each check, read from the release tables."""
    cache: dict[tuple[str, str], pd.DataFrame] = {}
    out: list[dict[str, Any]] = []

    def sheet(path: str, name: str) -> pd.DataFrame:
        if (path, name) not in cache:
            cache[(path, name)] = pd.read_excel(raw / path, sheet_name=name, header=None)
        return cache[(path, name)]

    for period, path, name, labels, gcol, ncol, groups in PUBLISHED_CHECKS:
        table = sheet(path, name)
        gross = net = 0.0
        for label in labels:
            hits = [i for i in range(len(table))
                    if _row_label(table.iloc[i]).lower().startswith(label.lower())
                    and isinstance(table.iat[i, gcol], (int, float))
                    and not math.isnan(float(table.iat[i, gcol]))]
            if len(hits) != 1:
                raise ValueError(f"{path} {name}: row {label!r} found {len(hits)} times")
            gross += float(table.iat[hits[0], gcol]) * 1000.0
            net += float(table.iat[hits[0], ncol]) * 1000.0
        out.append({"period": period, "table": f"{path} ({name})", "rows": list(labels),
                    "groups": list(groups), "gross": gross, "net": net})
    for period, path, name, gcol, ncol in PUBLISHED_TOTALS:
        table = sheet(path, name)
        hits = [i for i in range(len(table))
                if _row_label(table.iloc[i]).startswith("TOTAL CHILDREN AND YOUNG PEOPLE'S SERV")
                and isinstance(table.iat[i, gcol], (int, float))]
        if len(hits) != 2:
            raise ValueError(f"{path}: expected two grand-total rows, got {len(hits)}")
        out.append({"period": period, "table": f"{path} ({name})",
                    "rows": ["TOTAL CHILDREN AND YOUNG PEOPLE'S SERVICES (excluding CERA)"],
                    "groups": ["total"], "gross": float(table.iat[hits[1], gcol]) * 1000.0,
                    "net": float(table.iat[hits[1], ncol]) * 1000.0})
    return out


def table_a1_sums(raw: Path) -> dict[str, dict[str, float]]:
    """2008-09 and 2009-10: England sums of the grand total line in the duplicate release files.

    No England row is published for these years in the files held; the release
    files under ``tables/`` are the same Table A1 in other bytes, so the check is
    that the council sums of their printed grand total (excluding CERA) equal
    the history's.
    """
    out: dict[str, dict[str, float]] = {}
    for period, path in (("2008-09", "outturn_detailed_report_table_a1_2008_09.xls"),
                         ("2009-10", "outturn_detailed_report_table_a1_2009_10.xls")):
        data = read_s251(raw / "s251-history" / "tables" / path, period)
        lines = read_line_map(period)
        total = lines.loc[lines["group"] == "total_excl_cera", "line"].item()
        rows = data[data["line"] == total]
        out[period] = {"gross": float(rows["gross"].sum()), "net": float(rows["net"].sum())}
    return out


# --------------------------------------------------------------------------- outputs


def _fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    rounded = round(float(value), 2)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.2f}".rstrip("0")


def comparable_areas() -> list[dict[str, str]]:
    """Rows of comparable_areas.csv."""
    rows: list[dict[str, str]] = []

    def add(area: str, area_name: str, exact: str, members: list[tuple[str, str, str, str, str]],
            note: str) -> None:
        for code, name, role, first, last in members:
            rows.append({"area_id": area, "area_name": area_name, "code": code, "name": name,
                         "role": role, "first_period": first, "last_period": last,
                         "exact_union": exact, "note": note})

    add("CA_BEDFORDSHIRE", "Bedfordshire (county area)", "true", [
        ("E10000001", "Bedfordshire", "predecessor", "2008-09", "2008-09"),
        ("E06000055", "Bedford", "successor", "2009-10", ""),
        ("E06000056", "Central Bedfordshire", "successor", "2009-10", ""),
    ], "1 April 2009: county split into two unitaries covering exactly its area.")
    add("CA_CHESHIRE", "Cheshire (county area)", "true", [
        ("E10000004", "Cheshire", "predecessor", "2008-09", "2008-09"),
        ("E06000049", "Cheshire East", "successor", "2009-10", ""),
        ("E06000050", "Cheshire West and Chester", "successor", "2009-10", ""),
    ], "1 April 2009: county split into two unitaries covering exactly its area.")
    add("CA_NORTHAMPTONSHIRE", "Northamptonshire (county area)", "true", [
        ("E10000021", "Northamptonshire", "predecessor", "", "2020-21"),
        ("E06000061", "North Northamptonshire", "successor", "2021-22", ""),
        ("E06000062", "West Northamptonshire", "successor", "2021-22", ""),
    ], "1 April 2021: county split into two unitaries covering exactly its area.")
    add("CA_CUMBRIA", "Cumbria (county area)", "true", [
        ("E10000006", "Cumbria", "predecessor", "", "2022-23"),
        ("E06000063", "Cumberland", "successor", "2023-24", ""),
        ("E06000064", "Westmorland and Furness", "successor", "2023-24", ""),
    ], "1 April 2023: county split into two unitaries covering exactly its area.")
    for reorg in geo.REORGANISATIONS:
        if reorg.same_area:
            year = reorg.effective.year
            add(f"CA_{reorg.name.upper().replace(' ', '_')}", f"{reorg.name} (same area)", "true",
                [(reorg.code, reorg.name, "predecessor", "", f"{year - 1}-{str(year)[2:]}"),
                 (reorg.successors[0], reorg.name, "successor", f"{year}-{str(year + 1)[2:]}",
                  "")],
                "Same-area recode (county to unitary). history.csv repeats the predecessor's "
                "figures under the successor code (flag recoded_same_area): use either code, "
                "never both.")
    add("CA_DORSET_PAN", "Bournemouth, Poole and Dorset county area (combined only)", "true", [
        ("E06000028", "Bournemouth", "predecessor", "", "2018-19"),
        ("E06000029", "Poole", "predecessor", "", "2018-19"),
        ("E10000009", "Dorset", "predecessor", "", "2018-19"),
        ("E06000058", "Bournemouth, Christchurch and Poole", "successor", "2019-20", ""),
        ("E06000059", "Dorset", "successor", "2019-20", ""),
    ], "1 April 2019: only the three together equal the two together. Christchurch (a "
       "district of the old Dorset county) went to BCP, so BCP is NOT Bournemouth + Poole "
       "and the new Dorset is NOT the old Dorset county; no figure is split or spread.")
    add("NC_BCP", "BCP vs Bournemouth + Poole: NOT comparable", "false", [
        ("E06000028", "Bournemouth", "predecessor", "", "2018-19"),
        ("E06000029", "Poole", "predecessor", "", "2018-19"),
        ("E06000058", "Bournemouth, Christchurch and Poole", "successor", "2019-20", ""),
    ], "Not an exact union: BCP also took Christchurch from the old Dorset county. Do not "
       "combine; use CA_DORSET_PAN.")
    add("NC_DORSET", "New Dorset vs old Dorset county: NOT comparable", "false", [
        ("E10000009", "Dorset", "predecessor", "", "2018-19"),
        ("E06000059", "Dorset", "successor", "2019-20", ""),
    ], "Not an exact union: the old county included Christchurch, which went to BCP. Do not "
       "combine; use CA_DORSET_PAN.")
    return rows


def gap_rows(s251_lines: Mapping[str, pd.DataFrame]) -> list[dict[str, str]]:
    """Rows of history_gaps.csv: whole measure-years with no figure, and why."""
    rows: list[dict[str, str]] = []
    for period, lines in sorted(s251_lines.items()):
        present = set(lines.loc[lines["is_total"] == 0, "group"])
        for group in GROUPS:
            if group not in present:
                why = {
                    "sure_start": "Table A1 of this year has no Sure Start lines (they were "
                    "outside the children's services table until 2010-11).",
                    "young_people": "Table A1 of this year has no services-for-young-people "
                    "lines (youth service sat in the education Table A; 2009-10 lines 96-102 of "
                    "tables/outturn_detailed_report_table_a_2009_10.xls, not embedded).",
                }[group]
                for col in ("gross", "net"):
                    rows.append({"measure": f"s251_hist_{group}_{col}", "period": period,
                                 "reason": "line_not_in_layout", "detail": why})
    return rows


GAP_REASONS = {
    "line_not_in_layout": "The year's return has no such line; no row is written for any "
    "council (a zero would be invented).",
    "no_source_file": "No raw file for that year is held; no row is written for any council.",
}


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """CSV with '\\n' line endings, UTF-8, minimal quoting."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _submit_reads(pool: ProcessPoolExecutor, raw: Path) -> dict[str, Any]:
    """Start the slow s251 reads (ODS first)."""
    order = sorted(S251_FILES, key=lambda p: (not S251_FILES[p][0].endswith(".ods"), p))
    return {period: pool.submit(read_s251, raw / S251_FILES[period][0], period)
            for period in order}


def submit_reads(pool: ProcessPoolExecutor, raw: Path) -> dict[str, Any]:
    """Start every slow history read (s251 and RO3 workbooks) on the build's pool."""
    return {"s251": _submit_reads(pool, raw), "ro3": ro3_history.submit_reads(pool, raw)}


def build_history(raw: Path, out: Path, base: pd.DataFrame,
                  futures: Mapping[str, Any] | None = None
                  ) -> tuple[dict[str, Path], dict[str, Any], str]:
    """Build the history outputs; return (paths, sources.yaml section, report section).

    ``futures`` are the reads started by ``submit_reads`` on the caller's pool;
    without them the reads run on a pool of this function's own.
    """
    codes = code_map(base)
    names = name_map(base)
    own = None
    if futures is None:
        own = ProcessPoolExecutor(max_workers=2)
        futures = submit_reads(own, raw)
    try:
        published = read_published(raw)
        a1_sums = table_a1_sums(raw)
        s251 = {period: futures["s251"][period].result() for period in sorted(futures["s251"])}
        ro3 = ro3_history.build_ro3(raw, futures["ro3"], set(names))
    finally:
        if own is not None:
            own.shutdown()
    lines = {period: read_line_map(period) for period in sorted(S251_FILES)}
    records: list[tuple[str, str, str, float, str]] = []
    coverage: dict[str, int] = {}
    for period, data in s251.items():
        check_lines(period, data, lines[period])
        coverage[period] = int(data["la_number"].nunique())
        records.extend(s251_records(period, data, lines[period], codes))
    frame = pd.DataFrame(records, columns=["code", "period", "measure", "value", "flag"])
    frame = frame.sort_values(["measure", "code", "period"], kind="stable").reset_index(drop=True)
    if frame.duplicated(["code", "period", "measure"]).any():
        raise ValueError("duplicate history rows")

    paths = {name: out / name for name in (
        "history.csv", "history_lines.csv", "comparable_areas.csv", "history_gaps.csv",
        "ro3_history.csv", "ro3_history_lines.csv")}
    write_rows(paths["history.csv"], ["code", "name", "period", "measure", "value", "flag"],
               [[c, names[c], p, m, _fmt(v), f] for c, p, m, v, f in frame.itertuples(
                   index=False)])
    line_rows = [list(r) for period in sorted(lines) for r in lines[period].astype(str).itertuples(
        index=False)]
    write_rows(paths["history_lines.csv"], list(lines["2008-09"].columns), line_rows)
    areas = comparable_areas()
    write_rows(paths["comparable_areas.csv"], list(areas[0]), [list(r.values()) for r in areas])
    gaps = gap_rows(lines) + ro3.gaps
    ro3_history.write_outputs(ro3, paths, names)
    write_rows(paths["history_gaps.csv"], ["measure", "period", "reason", "detail"],
               [list(r.values()) for r in gaps])

    england = england_sums(frame)
    checks = published_comparison(published, a1_sums, england)
    sources = history_sources(raw, frame)
    ro3_history.add_sources(sources, raw, ro3)
    report = (history_report(coverage, checks, england)
              + lait_comparison(out / "series.csv", frame)
              + ro3_history.ro3_report(ro3, out / "series.csv"))
    return paths, sources, report


#: LAIT s251 measure in series.csv -> history group (both gross).
LAIT_PAIRS = {"s251_lac": "looked_after", "s251_safeguarding": "safeguarding",
              "s251_family_support": "family_support", "s251_sure_start": "sure_start",
              "s251_young_people": "young_people", "s251_youth_justice": "youth_justice",
              "s251_other_children_family": "other", "s251_cyps_total": "total"}


def lait_comparison(series_path: Path, frame: pd.DataFrame) -> str:
    """2016-17 to 2018-19: the history (Table A1) against LAIT's s251 values in series.csv."""
    series = pd.read_csv(series_path, dtype=str, keep_default_na=False)
    series = series[~series["flag"].str.contains("recoded_same_area")]
    hist = frame[~frame["flag"].str.contains("recoded_same_area")]
    out = ["### Overlap with LAIT (series.csv), 2016-17 to 2018-19", "",
           "LAIT's s251 finance measures are GROSS (total expenditure), so they are compared "
           "with the `_gross` history measures, council by council.", "",
           "| period | LAIT measure | history measure | LAIT England (GBP m) | history England "
           "(GBP m) | councils differing by more than GBP 1 |", "|---|---|---|---|---|---|"]
    notes = []
    for period in ("2016-17", "2017-18", "2018-19"):
        for lait, group in LAIT_PAIRS.items():
            name = f"s251_hist_{group}_gross"
            a = series[(series["measure"] == lait) & (series["period"] == period)]
            b = hist[(hist["measure"] == name) & (hist["period"] == period)]
            both = a.merge(b, on="code", suffixes=("_lait", "_hist"))
            diff = pd.to_numeric(both["value_lait"]) - both["value_hist"].astype(float)
            off = both[diff.abs() > 1.0]
            out.append(f"| {period} | {lait} | {name} | "
                       f"{pd.to_numeric(a['value']).sum() / 1e6:,.1f} | "
                       f"{b['value'].astype(float).sum() / 1e6:,.1f} | {len(off)} |")
            for row, d in zip(off.to_dict("records"), diff[diff.abs() > 1.0], strict=True):
                notes.append(f"- {period} {lait}: {row['name']} ({row['code']}) LAIT "
                             f"{float(row['value_lait']):,.0f} vs Table A1 "
                             f"{float(row['value_hist']):,.0f} (difference {d:,.0f}).")
    out += ["", "Every service group agrees with LAIT to the pound for every council in all "
            "three years. The only difference is in the grand total:", *notes,
            "  Slough's group lines agree with LAIT, and Table A1's printed total (line 5.0.2) "
            "equals the sum of Slough's lines, so the difference lies in LAIT's total alone "
            "(LAIT's C&YPExpenditure for Slough is not the sum of its own lines; perhaps a "
            "later revision of the total). Not corrected.", ""]
    return "\n".join(out)


def england_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """England sums per measure and period (rows flagged recoded_same_area dropped)."""
    keep = frame[~frame["flag"].str.contains("recoded_same_area")]
    return keep.groupby(["measure", "period"])["value"].agg(["sum", "count"]).reset_index()


def published_comparison(published: list[dict[str, Any]],
                         a1_sums: Mapping[str, Mapping[str, float]],
                         england: pd.DataFrame) -> list[dict[str, Any]]:
    """Council sums against the published England figures (GBP)."""
    lookup = {(m, p): s for m, p, s in england[["measure", "period", "sum"]].itertuples(
        index=False)}
    out = []
    for item in published:
        for col in ("gross", "net"):
            ours = sum(lookup[(f"s251_hist_{g}_{col}", item["period"])] for g in item["groups"])
            out.append({"period": item["period"], "basis": col, "groups": "+".join(item["groups"]),
                        "published": item[col], "council_sum": ours,
                        "source": item["table"] + ": " + " + ".join(item["rows"])})
    for period, sums in sorted(a1_sums.items()):
        for col in ("gross", "net"):
            out.append({"period": period, "basis": col, "groups": "total",
                        "published": sums[col],
                        "council_sum": lookup[(f"s251_hist_total_{col}", period)],
                        "source": "council sum of the grand total line in the release copy of "
                        "Table A1 (no England row published in the files held)"})
    return out


def history_sources(raw: Path, frame: pd.DataFrame) -> dict[str, Any]:
    """The ``history`` section of sources.yaml."""
    files = []
    for period, (path, repo_path, sha, title) in sorted(S251_FILES.items()):
        actual = readers.sha256_of(raw / path)
        if actual != sha:
            raise ValueError(f"{path}: sha256 {actual} differs from PROVENANCE_BATCH2.md")
        files.append({"path": path, "period": period, "sha256": sha,
                      "size_bytes": (raw / path).stat().st_size,
                      "republished_by": {"repo": REPO_E, "path": repo_path,
                                         "commit": REPO_E_COMMIT},
                      "publisher": DFE if period >= "2010-11" else
                      "Department for Children, Schools and Families (DCSF), now DfE",
                      "publication": title, "licence": OGL, "url": S251_URL,
                      "line_map": f"data/history_lines/s251_{period}.csv"})
    for path, (repo_path, sha, title) in sorted(S251_TABLES.items()):
        actual = readers.sha256_of(raw / path)
        if actual != sha:
            raise ValueError(f"{path}: sha256 {actual} differs from PROVENANCE_BATCH2.md")
        files.append({"path": path, "period": "check only", "sha256": sha,
                      "size_bytes": (raw / path).stat().st_size,
                      "republished_by": {"repo": REPO_E, "path": repo_path,
                                         "commit": REPO_E_COMMIT},
                      "publisher": DFE, "publication": title, "licence": OGL,
                      "used_for": "England totals checked against council sums (data_report.md)"})
    measures: dict[str, Any] = {}
    for measure in sorted(frame["measure"].unique()):
        parts = measure.removeprefix("s251_hist_").rsplit("_", 1)
        group, basis = parts[0], parts[1]
        periods = sorted(frame.loc[frame["measure"] == measure, "period"].unique())
        basis_text = ("gross: Total Expenditure (k) / TotalExpenditure" if basis == "gross"
                      else "net: NET Current Expenditure (m) / NetCurrentExpenditure")
        if group == "total":
            what = ("printed grand total 'TOTAL CHILDREN AND YOUNG PEOPLE'S SERVICES "
                    "BUDGET/EXPENDITURE (excluding CERA)' line of each year")
        elif group in OF_WHICH:
            what = {"lac_adoption_sgo": "of which in looked_after: adoption services and "
                    "special guardianship support lines (printed under other children's and "
                    "families services until 2011-12)",
                    "lac_asylum": "of which in looked_after: asylum seeker services lines "
                    "(a block of its own in 2008-09)"}[group]
        else:
            what = (f"sum of the non-total lines mapped to group '{group}' in "
                    "data/history_lines/s251_YYYY-YY.csv")
        measures[measure] = {
            "label": f"Section 251 outturn {group.replace('_', ' ')} - {basis}",
            "unit": "GBP", "unit_note": "GBP cash as printed (not GBP thousand); pence "
            "kept where printed (2013-14 on)",
            "publisher": DFE, "publication": "Section 251 outturn, Table A1 (LA children's and "
            "young people's services)", "period": f"financial years {periods[0]} to "
            f"{periods[-1]}", "periods": periods,
            "raw_files": [S251_FILES[p][0] for p in periods],
            "filter": "every council row of the year's Table A1 sheet; " + what,
            "source_column": basis_text,
            "transformation": "lines summed per council by the year's line map; DfE LA "
            "number mapped to ONS code; rounded to 0.01 GBP",
            "note": "LAIT's s251 measures in series.csv (2016-17 on) are GROSS; compare "
            "like with like." + (" Net current expenditure = gross minus income; it is the "
                                 "basis of RO3 and of most published s251 summaries."
                                 if basis == "net" else ""),
        }
    return {
        "generated_by": "data/build.py via data/history.py",
        "files": files,
        "outputs": {
            "history.csv": "long: code, name, period (financial year), measure, value, flag; "
            "same shape as series.csv. Flags: predecessor, recoded_same_area (drop when "
            "summing England).",
            "history_lines.csv": "all years' line maps, concatenated (the data/history_lines "
            "tables as shipped)",
            "comparable_areas.csv": "exact unions of predecessor and successor codes a time "
            "series may be combined over; non-exact cases listed with exact_union=false",
            "history_gaps.csv": "whole measure-years with no figure (no rows written)",
        },
        "gap_reasons": GAP_REASONS,
        "reorganisations_2009": [
            {"code": r.code, "name": r.name, "la_number": r.la_number,
             "successors": list(r.successors), "effective": r.effective.isoformat(),
             "note": r.note} for r in REORGS_2009],
        "measures": measures,
    }


def history_report(coverage: Mapping[str, int], checks: list[dict[str, Any]],
                   england: pd.DataFrame) -> str:
    """The data_report.md section."""
    def m(value: float) -> str:
        return f"{value / 1e6:,.1f}"

    lookup = {(mm, p): s for mm, p, s in england[["measure", "period", "sum"]].itertuples(
        index=False)}
    lines = ["", "## Spending history: section 251 outturn 2008-09 to 2018-19", "",
             "From `data/history.py` (`history.csv`). GBP cash; England sums drop rows flagged "
             "`recoded_same_area`. Line maps: `data/history_lines/` (also shipped as "
             "`history_lines.csv`). Every printed total line was checked against the sum of "
             "its lines for every council (no difference above GBP 1).", "",
             "| period | councils | looked after gross | family support gross | safeguarding "
             "gross | total gross (excl. CERA) | total net |", "|---|---|---|---|---|---|---|"]
    for period in sorted(coverage):
        lines.append(
            f"| {period} | {coverage[period]} | "
            f"{m(lookup[('s251_hist_looked_after_gross', period)])} | "
            f"{m(lookup[('s251_hist_family_support_gross', period)])} | "
            f"{m(lookup[('s251_hist_safeguarding_gross', period)])} | "
            f"{m(lookup[('s251_hist_total_gross', period)])} | "
            f"{m(lookup[('s251_hist_total_net', period)])} |")
    lines += ["", "GBP million. 2008-09 has 150 councils (Bedfordshire and Cheshire before "
              "their 2009 splits); 152 from 2009-10 (the Isles of Scilly included, 152 DfE "
              "LAs before the 2019 Dorset reorganisation).", "",
              "### England sums against published totals", "",
              "| period | basis | groups | published (GBP m) | council sum (GBP m) | "
              "difference (GBP) | source |", "|---|---|---|---|---|---|---|"]
    for c in checks:
        diff = c["council_sum"] - c["published"]
        lines.append(f"| {c['period']} | {c['basis']} | {c['groups']} | {m(c['published'])} | "
                     f"{m(c['council_sum'])} | {diff:,.0f} | {c['source']} |")
    lines += ["", "Published figures are rounded to GBP thousand, so differences up to about "
              "GBP 500 per printed row are rounding. Where the printed blocks differ from "
              "today's groups (2010-11 and 2011-12: adoption and special guardianship printed "
              "under other children's and families services; strategy and commissioning "
              "printed apart from safety) the comparison is over the union of groups the "
              "blocks cover (2010-11 'other' also holds Child Trust Fund top-ups, a row of its "
              "own in the release).", "",
              "Not exact: 2010-11 net young people (and so the net grand total) is GBP 1.33m "
              "above the release (OSR 03/2012 Table 4) while gross agrees within GBP 500, so "
              "the difference is in the income reported on the young-people lines between the "
              "council file (as at 9 January 2012) and the release; not explained further and "
              "not corrected. 2008-09 and 2009-10: no England row is published in the files "
              "held (the release copies under `tables/` are the same Table A1 in other bytes), "
              "so those years are checked against the council sums of the release copies and "
              "the printed totals only.", ""]
    return "\n".join(lines)
