"""Second batch of the data build: budgets, council tax, workforce, Ofsted, deflator,
placements and data-quality flags.

Called from ``build.py``; uses its ``SeriesBuilder`` (passed in) so the same
reorganisation rules apply: figures dated before a reorganisation stay under the
predecessor's own code (flag ``predecessor``), same-area recodes are repeated
under the successor (``recoded_same_area``), nothing is split or filled.

Facts about the raw files (sheets, header rows, units, quirks) come from
``../shared/data/PROVENANCE_BATCH2.md`` and ``DATA_MAP.md`` and were checked
against the files themselves.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import catalogue as cat
import geography as geo
import readers

ENGLAND_CODE = "E92000001"

#: Year-on-year check: a council's figure that is more than this many times the
#: previous year's, or less than its reciprocal, is flagged. 1.75 sits well above
#: the ordinary year-to-year movement of children's services lines (the median
#: change is a few per cent, and growth of 40-50% in one year happens for rising
#: placement costs) yet catches halvings and near-doublings that usually mean a
#: change of classification or a reporting error.
YEAR_ON_YEAR_FACTOR = 1.75

#: The year-on-year check ignores pairs where either year is below this (GBP):
#: small lines move by large factors for trivial sums.
YEAR_ON_YEAR_MIN_GBP = 1_000_000.0

#: Measures the year-on-year check covers (series.csv, GBP).
YEAR_ON_YEAR_MEASURES = (
    "s251_lac", "s251_safeguarding", "s251_family_support", "s251_cyps_total",
    "ro3_csc_net", "ro3_lac_net", "ro3_safeguarding_net", "ro3_family_support_net",
)

#: Source-agreement check: s251 looked-after outturn (gross) over RO3 looked-after
#: net current expenditure for the same council and year. Gross exceeds net by the
#: income netted off in RO3 (the median ratio over 2022-23 to 2024-25 is about
#: 1.05); outside 1/1.5 to 1.5 the two returns disagree by more than that
#: difference explains.
SOURCE_RATIO_BAND = (1 / 1.5, 1.5)
SOURCE_PAIRS = (("s251_lac", "ro3_lac_net"),)

# --------------------------------------------------------------------------- RA budgets

#: RA asset ID -> (RA line, budgets.csv measure, RO3 item code, RO3 measure).
RA_LINES: dict[str, tuple[str, str, str, str]] = {
    "cscsr": ("310", "ra_budget_sure_start_net", "RO3-cscsr-net-cur-exp", "ro3_sure_start_net"),
    "csclkd": ("313", "ra_budget_lac_net", "RO3-csclkd-net-cur-exp", "ro3_lac_net"),
    "cscoth": ("315", "ra_budget_other_children_family_net", "RO3-cscoth-net-cur-exp",
               "ro3_other_children_family_net"),
    "cscfml": ("322", "ra_budget_family_support_net", "RO3-cscfml-net-cur-exp",
               "ro3_family_support_net"),
    "cscyth": ("323", "ra_budget_youth_justice_net", "RO3-cscyth-net-cur-exp",
               "ro3_youth_justice_net"),
    "cscsfg": ("325", "ra_budget_safeguarding_net", "RO3-cscsfg-net-cur-exp",
               "ro3_safeguarding_net"),
    "cscasy": ("326", "ra_budget_asylum_seekers_net", "RO3-cscasy-net-cur-exp",
               "ro3_asylum_seekers_net"),
    "cscsrv": ("327", "ra_budget_young_people_net", "RO3-cscsrv-net-cur-exp",
               "ro3_young_people_net"),
    "csctot": ("330", "ra_budget_csc_net", "RO3-csctot-net-cur-exp", "ro3_csc_net"),
}

#: RO3 lines with no RA line of their own: they sit within RA line 313.
RO3_WITHIN_RA_313 = ("ro3_lac_residential_net", "ro3_lac_fostering_net", "ro3_lac_uasc_net",
                     "ro3_lac_other_net")

RA_ENCODINGS = {"2021-22": "utf-8-sig", "2023-24": "mac_roman", "2025-26": ""}

RA_NOTE = (
    "MHCLG Revenue Account budget, net current expenditure (net of sales, fees and charges "
    "and of transfers between authorities; RA note 1). Cells '...' (2021-22, 2023-24; "
    "Notes 'M') and '[x]' (2025-26) mean the RA return was not received in time for "
    "publication: flag not_submitted, value empty; MHCLG estimates them only in its England "
    "and class totals. 2021-22 is on 2021 geography (Cumbria, North Yorkshire, Somerset "
    "counties under their own codes, flag predecessor; North Yorkshire and Somerset also "
    "repeated under the successor, recoded_same_area)."
)


def _ra_measure(asset: str, label: str) -> cat.Measure:
    line, name, _, _ = RA_LINES[asset]
    return cat.Measure(
        name=name, label=f"RA budget line {line} {label} - net current expenditure",
        unit="GBP", raw_file=cat.RA_2023_FILE, source_column=f"asset ID {asset} (line {line})",
        filter="RA_LA_Data rows whose ONS code starts E06, E08, E09 or E10; column located "
        "by the asset-ID row",
        basis="financial_year", publisher=cat.MHCLG,
        publication=cat.RA_PUB + " (2021-22, 2023-24, 2025-26)",
        period="budgets for financial years 2021-22, 2023-24 and 2025-26",
        transformation="GBP thousand (thousands separators removed) x 1000: GBP",
        note=RA_NOTE,
        extra={"raw_files": list(cat.RA_FILES.values()), "pairs_with": RA_LINES[asset][3],
               "source_unit": "GBP thousand"},
    )


RA_LABELS = {
    "cscsr": "Sure start children's centres/flying start and early years",
    "csclkd": "Children looked after",
    "cscoth": "Other children and family services",
    "cscfml": "Family support services",
    "cscyth": "Youth justice",
    "cscsfg": "Safeguarding children and young people's services",
    "cscasy": "Asylum seekers",
    "cscsrv": "Services for young people",
    "csctot": "TOTAL CHILDREN'S SOCIAL CARE",
}
RA_MEASURES = {asset: _ra_measure(asset, label) for asset, label in RA_LABELS.items()}


@dataclass
class Batch2:
    """Everything the second batch adds, handed back to build.py."""

    budgets: pd.DataFrame
    council_tax: pd.DataFrame
    workforce: pd.DataFrame
    placements: pd.DataFrame
    deflator: pd.DataFrame
    ofsted: pd.DataFrame
    line_map: pd.DataFrame
    ra_raw: dict[str, pd.DataFrame]
    ctr_check: dict[str, float]
    measures: list[cat.Measure]


def ra_number(text: str) -> object:
    """RA cell text -> number (thousands separators removed) or the marker text."""
    cleaned = text.strip().replace(",", "")
    if re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        return float(cleaned)
    return text.strip()


def read_ra_all(raw: Path) -> dict[str, pd.DataFrame]:
    """The three RA budget tables, long (see readers.read_ra_budget)."""
    out = {}
    for period, path in cat.RA_FILES.items():
        out[period] = readers.read_ra_budget(raw / path,
                                             {a: v[0] for a, v in RA_LINES.items()},
                                             encoding=RA_ENCODINGS[period] or "utf-8")
    return out


def add_budgets(builder: Any, ra: dict[str, pd.DataFrame]) -> None:
    """RA budget lines 310-330 per council into ``builder`` (GBP)."""
    for period, frame in sorted(ra.items()):
        rows = frame[frame["row_kind"] == "authority"]
        if rows.duplicated(["ons_code", "asset"]).any():
            raise ValueError(f"RA {period}: duplicate rows")
        for row in rows.to_dict("records"):
            add_flagged(builder, RA_MEASURES[str(row["asset"])], str(row["ons_code"]), period,
                        ra_number(str(row["raw"])), "", source_name=str(row["source_name"]),
                        raw_file=cat.RA_FILES[period], scale=1000.0, decimals=2)


def add_flagged(builder: Any, measure: cat.Measure, source_code: str, period: str, raw: object,
                flag: str, **kwargs: Any) -> None:
    """``builder.add`` with 2024 codes mapped to 2023 ones (flag code_2024) and an extra
    flag (e.g. joint_return) appended to the rows it adds."""
    code = geo.RECODED_2024.get(source_code, source_code)
    extra = ";".join(f for f in (flag, "code_2024" if code != source_code else "") if f)
    before = len(builder.records)
    builder.add(measure, code, period, raw, **kwargs)
    if extra:
        for record in builder.records[before:]:
            record.flag = ";".join(f for f in (record.flag, extra) if f)


def line_map(ra: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """ra_ro3_lines.csv: each RA budget line and the RO3 outturn line it pairs with.

    Labels are as printed in each file (RA 2023-24 decoded as Mac Roman; RO3 labels as
    in the RO3 2023-24 workbook's header, kept in catalogue.RO3_LINES).
    """
    frame = ra["2023-24"]
    labels = frame.drop_duplicates("asset").set_index("asset")
    ro3_label = {name: label for name, (_, label) in cat.RO3_LINES.items()}
    ro3_item = {name: item for name, (item, _) in cat.RO3_LINES.items()}
    rows = []
    for asset, (line, measure, item, ro3_measure) in RA_LINES.items():
        if str(labels.loc[asset, "line"]) != line:
            raise ValueError(f"RA 2023-24 {asset}: line {labels.loc[asset, 'line']} != {line}")
        rows.append({"ra_line": line, "ra_asset": asset,
                     "ra_label": str(labels.loc[asset, "label"]), "ra_measure": measure,
                     "ro3_item_code": item, "ro3_label": ro3_label[ro3_measure],
                     "ro3_measure": ro3_measure, "relation": "same_line"})
    for ro3_measure in RO3_WITHIN_RA_313:
        rows.append({"ra_line": "313", "ra_asset": "csclkd",
                     "ra_label": str(labels.loc["csclkd", "label"]),
                     "ra_measure": "ra_budget_lac_net", "ro3_item_code": ro3_item[ro3_measure],
                     "ro3_label": ro3_label[ro3_measure], "ro3_measure": ro3_measure,
                     "relation": "ro3_detail_within_ra_line"})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- council tax

#: (sheet, 0-based column, header text it must start with) per measure.
CTR_COLUMNS = {
    "billing": {
        "council_tax_base": (23, "7. Council tax base for council tax setting purposes"),
        "band_d_council_tax": (27, "9. Average (Band D 2 Adult equivalent) council tax"),
        "council_tax_requirement": (13, "3. Council Tax Requirement for billing authority"),
    },
    "precepting": {
        "council_tax_base": (11, "2. Council tax base for the major precepting authority"),
        "band_d_council_tax": (13, "3. Average (Band D 2 Adult equivalent) council tax of "
                               "major precepting authority"),
        "council_tax_requirement": (7, "1. Council Tax Requirement including special expenses"),
    },
}
CTR_HEADER_ROW = {"billing": 4, "precepting": 5}

CTR_NOTE = (
    "Unitary, metropolitan and London councils from sheet Data_Billing (the council sets "
    "council tax: its own requirement and Band D excluding parish precepts, including the "
    "adult social care precept); the 21 county councils from sheet Data_Precepting (their "
    "precept on the districts' tax bases). Band D equivalents after the council tax "
    "reduction scheme. Current-year (2023-24) columns only."
)

CTR_MEASURES = {
    "council_tax_base": cat.Measure(
        name="council_tax_base", label="Council tax base for tax-setting purposes "
        "(Band D equivalents)", unit="BAND_D_EQUIVALENTS", raw_file=cat.CTR_FILE,
        source_column="Data_Billing col 23 '7. Council tax base for council tax setting "
        "purposes (current year)'; Data_Precepting col 11 '2. Council tax base for the "
        "major precepting authority's area for precept purposes after council tax "
        "reduction scheme (current year)'",
        filter="Data_Billing header row 5, ONS codes E06/E08/E09; Data_Precepting header "
        "row 6, ONS codes E10", basis="financial_year", publisher=cat.DLUHC,
        publication=cat.CTR_PUB, period="financial year 2023-24", note=CTR_NOTE),
    "band_d_council_tax": cat.Measure(
        name="band_d_council_tax", label="Average Band D council tax of the authority, GBP "
        "(including adult social care precept, excluding parish precepts)",
        unit="GBP_PER_BAND_D", raw_file=cat.CTR_FILE,
        source_column="Data_Billing col 27 '9. Average (Band D 2 Adult equivalent) council "
        "tax (including Adult Social Care precept and excluding local precepts) (current "
        "year)'; Data_Precepting col 13 '3. Average (Band D 2 Adult equivalent) council tax "
        "of major precepting authority (line 1 / line 2) (current year)'",
        filter="as council_tax_base", basis="financial_year", publisher=cat.DLUHC,
        publication=cat.CTR_PUB, period="financial year 2023-24", note=CTR_NOTE),
    "council_tax_requirement": cat.Measure(
        name="council_tax_requirement", label="Council tax requirement of the authority, GBP "
        "(excluding parish precepts)", unit="GBP", raw_file=cat.CTR_FILE,
        source_column="Data_Billing col 13 '3. Council Tax Requirement for billing authority "
        "(including special expenses and Adult Social Care precept, but excluding local "
        "precepts) (current year)'; Data_Precepting col 7 '1. Council Tax Requirement "
        "including special expenses (current year)'",
        filter="as council_tax_base", basis="financial_year", publisher=cat.DLUHC,
        publication=cat.CTR_PUB, period="financial year 2023-24", note=CTR_NOTE),
}


def add_council_tax(builder: Any, ctr: dict[str, pd.DataFrame]) -> dict[str, float]:
    """2023-24 tax base, Band D and requirement per council; returns England check figures."""
    prefixes = {"billing": ("E06", "E08", "E09"), "precepting": ("E10",)}
    check: dict[str, float] = {}
    for sheet_kind, columns in CTR_COLUMNS.items():
        sheet = ctr[sheet_kind]
        header = sheet.iloc[CTR_HEADER_ROW[sheet_kind]]
        if str(header.iloc[1]) != "ONS Code":
            raise ValueError(f"CTR {sheet_kind}: header row moved")
        for name, (col, text) in columns.items():
            cell = " ".join(str(header.iloc[col]).split())
            if not cell.startswith(text) or "(current year)" not in cell:
                raise ValueError(f"CTR {sheet_kind} col {col} ({name}): {cell[:80]!r}")
        codes = sheet[1].astype(str)
        rows = sheet[codes.str.match(r"^E\d{8}$") & codes.str[:3].isin(prefixes[sheet_kind])]
        for row in rows.to_dict("records"):
            for name, (col, _) in columns.items():
                builder.add(CTR_MEASURES[name], str(row[1]), "2023-24", row[col],
                            source_name=str(row[2]))
        if sheet_kind == "billing":
            england = sheet[sheet[1].astype(str) == "TE"]
            check["england_tax_base"] = float(england[23].iloc[0])
            check["england_requirement_incl_parish"] = float(england[7].iloc[0])
            districts = sheet[codes.str.startswith("E07")]
            check["districts_tax_base"] = float(districts[23].sum())
    return check


# --------------------------------------------------------------------------- workforce

CSWW_COLUMNS = {
    "csww_inpost_fte": ("inpost_fte", "Children and family social workers in post (FTE)",
                        "FTE"),
    "csww_agency_rate_fte": ("agency_rate_fte", "Agency child and family social worker rate "
                             "(FTE agency workers as % of agency + in post)", "PERCENT"),
    "csww_vacancy_rate_fte": ("vacancy_rate_fte", "Vacancy rate (FTE vacancies as % of "
                              "vacancies + in post)", "PERCENT"),
    "csww_turnover_rate_fte": ("turnover_rate_fte", "Turnover rate (FTE leavers in the year "
                               "as % of in post)", "PERCENT"),
    "csww_case_holders_fte": ("case_holders_fte", "Case-holding children and family social "
                              "workers (FTE)", "FTE"),
    "csww_cases": ("cases", "Cases held by case-holding social workers", "count"),
    "csww_caseload_fte": ("caseload_fte", "Average caseload per case-holding social worker "
                          "(cases per FTE)", "CASES_PER_FTE"),
}

JOINT_NOTE = (
    "Joint rows: 'E06000061 / E06000062' North and West Northamptonshire (from 2021, "
    "Northamptonshire Children's Trust) and 'E09000021 / E09000027' Kingston upon Thames and "
    "Richmond upon Thames (all years, Achieving for Children) are one published figure for "
    "two councils: shown under each council's code with flag joint_return, never split; "
    "count such a figure once when summing. Barnsley and Sheffield are published under their "
    "2024 codes E08000038 / E08000039 in 2025 (flag code_2024). 'low' = rounds to 0 (flag "
    "rounds_to_zero)."
)

CSWW_MEASURES = {
    name: cat.Measure(
        name=name, label=label, unit=unit, raw_file=cat.CSWW_FILE, source_column=column,
        filter=cat.EES_LA, basis="30_september", publisher=cat.DFE,
        publication=cat.CSWW_PUB,
        period="30 September 2017 to 30 September 2025 (period = year)", note=JOINT_NOTE,
    )
    for name, (column, label, unit) in CSWW_COLUMNS.items()
}


def add_workforce(builder: Any, frame: pd.DataFrame) -> None:
    """Workforce indicators per council and year (joint rows flagged, not split)."""
    frame = frame[frame["geographic_level"] == "Local authority"]
    for row in frame.to_dict("records"):
        codes = [c.strip() for c in str(row["new_la_code"]).split("/")]
        extra = "joint_return" if len(codes) > 1 else ""
        for source_code in codes:
            for measure in CSWW_MEASURES.values():
                add_flagged(builder, measure, source_code, str(row["time_period"]),
                            row[measure.source_column], extra, source_name=str(row["la_name"]))


# --------------------------------------------------------------------------- placements

#: measure suffix -> (count column, share column names tried in order, label).
PLACEMENT_TYPES = {
    "foster": ("CLA_Fost", ("CLA_Fost_pc",), "Foster placements"),
    "placed_for_adoption": ("CLA_Adopt", ("CLA_Adopt_pc",), "Placed for adoption"),
    "placed_with_parents": ("CLA_Parent", ("CLA_Parent_pc",),
                            "Placed with parents or other person with parental responsibility"),
    "other_community": ("CLA_Ocom", ("CLA_Ocom_pc", "CLA_OCom_pc"),
                        "Other placements in the community (e.g. independent living)"),
    "secure_homes_hostels": ("CLA_Secure", ("CLA_Secure_pc",), "Secure units, children's "
                             "homes and semi-independent living accommodation"),
    "other_residential": ("CLA_Ores", ("CLA_Ores_pc",), "Other residential settings"),
    "residential_schools": ("CLA_RSch", ("CLA_RSch_pc",), "Residential schools"),
    "other_placement": ("CLA_OthPl", ("CLA_OthPl_pc", "CLA_Oth_Pl_pc"), "Other placements"),
}

PLACEMENT_NOTE = (
    "DfE underlying LA data, 31 March of the year (the latest placement-type figures held: "
    "no 2023-25 file could be had). England counts rounded to the nearest 10; council "
    "counts of 1-5 suppressed ('x' in 2018, 'c' in 2019); shares '.' where a council has no "
    "children looked after. 2019 geography: Bournemouth, Poole and the old Dorset county "
    "under their own codes (flag predecessor); Buckinghamshire, Northamptonshire, Cumbria, "
    "North Yorkshire and Somerset likewise, the same-area ones repeated under the successor "
    "(recoded_same_area). Isles of Scilly is absent from the 2018 file. England rows carry "
    "code E92000001."
)


def _placement_measure(kind: str, label: str, share: bool) -> cat.Measure:
    count_col, share_cols, _ = PLACEMENT_TYPES[kind]
    return cat.Measure(
        name=f"cla_placement_{kind}_{'pct' if share else 'count'}",
        label=f"Children looked after at 31 March: {label}"
        + (", % of all looked after" if share else ""),
        unit="PERCENT" if share else "count", raw_file=cat.CLA_PLACEMENT_FILES["2019"],
        source_column=" or ".join(share_cols) if share else count_col,
        filter="geog_l == 'LA' (and 'NATIONAL' for England)", basis="31_march",
        publisher=cat.DFE, publication="Children looked after in England including adoption, "
        "2018 and 2019 releases, underlying LA data", period="31 March 2018 and 31 March 2019",
        transformation="none (value as published; shares as published whole percentages)",
        note=PLACEMENT_NOTE,
        extra={"raw_files": list(cat.CLA_PLACEMENT_FILES.values())},
    )


PLACEMENT_MEASURES = {
    (kind, share): _placement_measure(kind, label, share)
    for kind, (_, _, label) in PLACEMENT_TYPES.items() for share in (False, True)
}


def add_placements(builder: Any, raw: Path, record_cls: Callable[..., Any],
                   parse_cell: Callable[[object], tuple[float | None, str, str]]) -> None:
    """Placement-type counts and shares per council (and England) at 31 March 2018, 2019."""
    for year, path in sorted(cat.CLA_PLACEMENT_FILES.items()):
        frame = readers.read_plain_csv(raw / path)
        for row in frame[frame["geog_l"].isin(["LA", "NATIONAL"])].to_dict("records"):
            for (kind, share), measure in PLACEMENT_MEASURES.items():
                count_col, share_cols, _ = PLACEMENT_TYPES[kind]
                col = next(c for c in share_cols if c in row) if share else count_col
                if row["geog_l"] == "NATIONAL":
                    value, flag, marker = parse_cell(row[col])
                    builder.records.append(record_cls(
                        ENGLAND_CODE, year, measure.name, value, flag, marker, path, "England"))
                    continue
                builder.add(measure, str(row["New_geog_code"]), year, row[col],
                            source_name=str(row["geog_n"]), raw_file=path)


# --------------------------------------------------------------------------- Ofsted

OFSTED_GRADES = {
    "Outstanding": 1,
    "Good": 2,
    "Requires improvement to be good": 3,
    "Inadequate": 4,
}


def ofsted_table(frame: pd.DataFrame, codes: Iterable[str]) -> pd.DataFrame:
    """ofsted.csv: latest ILACS judgement per council (grade label, 1-4, dates)."""
    wanted = set(codes)
    out = pd.DataFrame({
        "code": frame["Local authority area code"].astype(str).str.strip(),
        "ofsted_name": frame["Local authority name"].astype(str).str.strip(),
        "inspection_date": pd.to_datetime(frame["Inspection date"]).dt.strftime("%Y-%m-%d"),
        "publication_date": pd.to_datetime(frame["Publication date"]).dt.strftime("%Y-%m-%d"),
        "overall_effectiveness": frame["Overall effectiveness"].astype(str).str.strip(),
    })
    out["grade"] = out["overall_effectiveness"].map(OFSTED_GRADES)
    if out["grade"].isna().any():
        unknown = set(out.loc[out["grade"].isna(), "overall_effectiveness"])
        raise ValueError(f"Ofsted: unknown grades {unknown}")
    if set(out["code"]) != wanted or out["code"].duplicated().any():
        raise ValueError(f"Ofsted codes differ: {sorted(set(out['code']) ^ wanted)}")
    out["grade"] = out["grade"].astype(int)
    return out.sort_values("code").reset_index(drop=True)


# --------------------------------------------------------------------------- deflator


def deflator_table(raw: Path) -> pd.DataFrame:
    """deflator.csv: fiscal_year, gdp_deflator (2024-25 = 100), is_forecast."""
    frame = readers.read_plain_csv(raw / cat.DEFLATOR_FILE)
    out = pd.DataFrame({
        "fiscal_year": frame["fiscal_year"],
        "gdp_deflator": frame["gdp_deflator"],
        "is_forecast": frame["is_forecast"].map({"false": "false", "true": "true"}),
    })
    if out["is_forecast"].isna().any() or not out["fiscal_year"].is_unique:
        raise ValueError("deflator: unexpected is_forecast values or duplicate years")
    base = out.loc[out["fiscal_year"] == "2024-25", "gdp_deflator"]
    if base.tolist() != ["100.0000"]:
        raise ValueError(f"deflator: 2024-25 is {base.tolist()}, expected 100.0000")
    return out


# --------------------------------------------------------------------------- flags


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _gbp_m(value: float) -> str:
    return f"GBP {value / 1e6:,.1f}m"


def build_flags(series: pd.DataFrame, names: dict[str, str], current: set[str]) -> pd.DataFrame:
    """flags.csv rows: year-on-year jumps and source disagreements (values unchanged)."""
    rows = []
    data = series[series["code"].isin(current) & series["value"].notna()]
    for measure in YEAR_ON_YEAR_MEASURES:
        part = data[data["measure"] == measure]
        wide = part.pivot_table(index="code", columns="period", values="value", aggfunc="first")
        periods = sorted(wide.columns)
        for before, after in itertools.pairwise(periods):
            if int(after[:4]) != int(before[:4]) + 1:
                continue
            for code, (v0, v1) in wide[[before, after]].iterrows():
                if pd.isna(v0) or pd.isna(v1):
                    continue
                if v0 < YEAR_ON_YEAR_MIN_GBP or v1 < YEAR_ON_YEAR_MIN_GBP:
                    continue
                ratio = v1 / v0
                if 1 / YEAR_ON_YEAR_FACTOR <= ratio <= YEAR_ON_YEAR_FACTOR:
                    continue
                rows.append({
                    "code": code, "name": names[code], "measure": measure, "period": after,
                    "check": "year_on_year",
                    "values": f"{before}: {_gbp_m(v0)}; {after}: {_gbp_m(v1)}; ratio "
                    f"{ratio:.2f}",
                    "reason": f"{'rose' if ratio > 1 else 'fell'} by a factor of "
                    f"{max(ratio, 1 / ratio):.2f}, beyond {YEAR_ON_YEAR_FACTOR} either way",
                })
    low, high = SOURCE_RATIO_BAND
    for first, second in SOURCE_PAIRS:
        a = data[data["measure"] == first].set_index(["code", "period"])["value"]
        b = data[data["measure"] == second].set_index(["code", "period"])["value"]
        for key in sorted(set(a.index) & set(b.index)):
            va, vb = float(a[key]), float(b[key])
            ratio = va / vb if vb > 0 else math.nan
            if vb > 0 and va > 0 and low <= ratio <= high:
                continue
            code, period = key
            ratio_text = f"{ratio:.2f}" if not math.isnan(ratio) else "undefined (RO3 <= 0)"
            rows.append({
                "code": code, "name": names[code], "measure": first, "period": period,
                "check": f"source_agreement:{second}",
                "values": f"{first}: {_gbp_m(va)}; {second}: {_gbp_m(vb)}; ratio {ratio_text}",
                "reason": f"s251 gross over RO3 net outside {low:.2f} to {high:.2f}",
            })
    frame = pd.DataFrame(rows, columns=["code", "name", "measure", "period", "check", "values",
                                        "reason"])
    return frame.sort_values(["code", "measure", "period", "check"]).reset_index(drop=True)


def all_measures() -> list[cat.Measure]:
    """Every measure of the second-batch long files."""
    return [*RA_MEASURES.values(), *CTR_MEASURES.values(), *CSWW_MEASURES.values(),
            *PLACEMENT_MEASURES.values()]
