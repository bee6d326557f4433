"""Build fundmodel's embedded data from the raw public files.

Usage::

    python data/build.py [--raw DIR] [--out DIR]

The raw directory defaults to ``$FUNDMODEL_RAW`` or else
``../shared/data/raw`` relative to the project root; the output directory
defaults to ``src/fundmodel/data``. The raw files are read in place (never
copied). Writes ``authorities.csv``, ``series.csv``, ``missing.csv``,
``hex_layout.csv``, ``neighbours.csv``, ``sources.yaml`` and
``data_report.md``. Outputs carry no timestamps, so re-running the build on
the same raw files reproduces them byte for byte.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

import batch2 as b2
import catalogue as cat
import geography as geo
import readers

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = PROJECT_ROOT / "src" / "fundmodel" / "data"

#: Source cell markers -> flag.
MARKERS = {
    "c": "suppressed",
    "[c]": "suppressed",
    "x": "not_available",
    "z": "not_applicable",
    "[z]": "not_applicable",
    "u": "low_reliability",
    "-": "not_available",
    "[x]": "not_submitted",
    "[note 4]": "not_available",
    "low": "rounds_to_zero",
    ".": "not_applicable",
    "...": "not_submitted",
}

#: (LAIT Short Desc prefix group, period, LA number) whose '-' DfE explains as a
#: withdrawal for quality concerns (LAIT data dictionary, s251 2024-25 methodology).
PUBLISHER_WITHDRAWALS = {("s251", "2024-25", 212), ("s251", "2024-25", 806)}

TREND_BASE_YEAR = 2019
TREND_LAST_YEAR = 2024
TREND_TARGET_YEAR = 2029


# --------------------------------------------------------------------------- helpers


def default_raw_dir() -> Path:
    """Raw directory from $FUNDMODEL_RAW or ../shared/data/raw beside the project."""
    env = os.environ.get("FUNDMODEL_RAW")
    if env:
        return Path(env)
    return PROJECT_ROOT.parent / "shared" / "data" / "raw"


def parse_cell(raw: object) -> tuple[float | None, str, str]:
    """Turn a raw cell into (value, flag, marker).

    Numbers give (value, "", ""); suppression markers give (None, flag, marker).
    Unknown text raises, so a new marker in a refreshed file is noticed.
    """
    if raw is None:
        return None, "not_available", "(empty)"
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, bool):
        value = float(raw)
        if math.isnan(value):
            return None, "not_available", "(empty)"
        return value, "", ""
    text = str(raw).strip()
    if text == "":
        return None, "not_available", "(empty)"
    if text in MARKERS:
        return None, MARKERS[text], text
    try:
        return float(text.replace(",", "")), "", ""
    except ValueError as err:
        raise ValueError(f"unrecognised cell value {raw!r}") from err


def format_number(value: float | int | None) -> str:
    """Deterministic text for a number: integers without '.0', else shortest repr."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    return str(int(value))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write text columns as UTF-8 without BOM, '\\n' line endings, minimal quoting."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


# --------------------------------------------------------------------------- records


@dataclass
class Record:
    """One series.csv row before formatting (marker and raw file kept for reporting)."""

    code: str
    period: str
    measure: str
    value: float | None
    flag: str
    marker: str
    raw_file: str
    source_name: str


class SeriesBuilder:
    """Collects series records, applying the reorganisation code rules."""

    def __init__(self, current_codes: set[str]) -> None:
        self.current_codes = current_codes
        self.records: list[Record] = []
        self.seen: set[tuple[str, str, str]] = set()

    def add(
        self,
        measure: cat.Measure,
        source_code: str,
        period: str,
        raw: object,
        source_name: str = "",
        value_flag_override: str | None = None,
        raw_file: str | None = None,
        scale: float = 1.0,
        decimals: int | None = None,
    ) -> None:
        """Add one source figure under the code(s) the reorganisation rules give."""
        if source_code not in self.current_codes and source_code not in geo.PREDECESSORS:
            raise ValueError(f"{measure.name}: unknown code {source_code} ({source_name})")
        value, flag, marker = parse_cell(raw)
        if value is None and value_flag_override:
            flag = value_flag_override
        if value is not None:
            value = value * scale
            if decimals is not None:
                value = round(value, decimals)
        when = None if measure.basis == "current" else geo.period_reference_date(
            period, measure.basis
        )
        targets = geo.assign_codes(source_code, when)
        if not targets:
            if value is not None:
                raise ValueError(
                    f"{measure.name}: {source_code} has a value for {period}, "
                    "when the authority did not exist"
                )
            return
        for code, geo_flag in targets:
            key = (measure.name, code, period)
            if key in self.seen:
                raise ValueError(f"duplicate series row {key}")
            self.seen.add(key)
            flags = ";".join(f for f in (geo_flag, flag) if f)
            self.records.append(
                Record(code, period, measure.name, value, flags, marker,
                       raw_file or measure.raw_file, source_name)
            )

    def frame(self) -> pd.DataFrame:
        """All records as a DataFrame sorted by measure, code, period."""
        frame = pd.DataFrame([r.__dict__ for r in self.records])
        return frame.sort_values(["measure", "code", "period"], kind="stable").reset_index(
            drop=True
        )


# --------------------------------------------------------------------------- authorities


def build_authority_base(raw: Path) -> pd.DataFrame:
    """The 153 authorities: code, name, la_number, region, council_type.

    Codes and names from the ONS April 2023 UTLA lookup; DfE LA number and
    region from the 2025 statistical neighbours model (joined via the
    mid-2024 population file, which carries both code systems).
    """
    utla = readers.read_utla_lookup(raw / cat.LOOKUP_FILE)
    pop = readers.read_ees_csv(raw / cat.POP_FILE)
    pop = pop[(pop["time_period"] == "2024") & (pop["geographic_level"] == "Local authority")]
    code_to_la = dict(zip(pop["new_la_code"], pop["old_la_code"].astype(int), strict=True))
    sn = readers.read_statistical_neighbours(raw / cat.SN_FILE)
    region_of = {int(n): geo.normalise_region(r) for n, r in zip(sn["old_la_code"],
                                                                 sn["region_name"], strict=True)}
    if set(utla["code"]) != set(code_to_la):
        raise ValueError("UTLA lookup and mid-2024 population codes differ")
    base = utla.assign(
        la_number=utla["code"].map(code_to_la),
        council_type=utla["code"].map(geo.council_type),
    )
    base["region"] = base["la_number"].map(region_of)
    if base["region"].isna().any() or len(base) != 153:
        raise ValueError("authority base incomplete")
    base = base[["code", "name", "la_number", "region", "council_type"]]
    return base.sort_values("code").reset_index(drop=True)


# --------------------------------------------------------------------------- series


def add_ees_measures(builder: SeriesBuilder, raw: Path) -> None:
    """Population, CLA, CIN, CPP and referrals from the EES-layout CSVs."""
    cache: dict[str, pd.DataFrame] = {}
    for measure in cat.MEASURES:
        if not measure.raw_file.endswith(".csv") or measure.raw_file == cat.LOOKUP_FILE:
            continue
        if measure.raw_file not in cache:
            cache[measure.raw_file] = readers.read_ees_csv(raw / measure.raw_file)
        frame = cache[measure.raw_file]
        frame = frame[frame["geographic_level"] == "Local authority"]
        if "population_type" in frame.columns:
            frame = frame[frame["population_type"] == "Children looked after on 31 March each year"]
        if "age_group" in frame.columns:
            frame = frame[frame["age_group"] == "Children aged 0 to 17 years"]
        for row in frame.to_dict("records"):
            builder.add(measure, str(row["new_la_code"]), str(row["time_period"]),
                        row[measure.source_column], source_name=str(row["la_name"]))


def lait_code_map(base: pd.DataFrame) -> dict[int, str]:
    """DfE LA number -> ONS code (current authorities, then abolished ones)."""
    mapping = dict(zip(base["la_number"], base["code"], strict=True))
    for reorg in geo.REORGANISATIONS:
        mapping.setdefault(reorg.la_number, reorg.code)
    return mapping


def read_lait_measures(raw: Path) -> pd.DataFrame:
    """The LAIT rows for every LAIT-based measure."""
    shorts = [m.filter.split('"')[1] for m in cat.MEASURES if m.raw_file == cat.LAIT_FILE]
    return readers.read_lait(raw / cat.LAIT_FILE, shorts)


def add_lait_measures(builder: SeriesBuilder, lait: pd.DataFrame, base: pd.DataFrame) -> None:
    """LAIT measures (LAC history, child poverty, EHC plans, s251 outturn)."""
    code_of = lait_code_map(base)
    for measure in cat.MEASURES:
        if measure.raw_file != cat.LAIT_FILE:
            continue
        short = measure.filter.split('"')[1]
        rows = lait[(lait["short_desc"] == short) & (lait["la_number"] < 970)]
        if rows.duplicated(["years", "la_number"]).any():
            raise ValueError(f"LAIT {short}: duplicate rows")
        for row in rows.to_dict("records"):
            period = str(row["years"]).replace(" (OT)", "")
            la_number = int(row["la_number"])
            override = None
            if (measure.name[:4], period, la_number) in PUBLISHER_WITHDRAWALS:
                override = "withdrawn_by_publisher"
            builder.add(measure, code_of[la_number], period, row["value"],
                        source_name=str(row["entity"]), value_flag_override=override)


def add_ro3_measures(builder: SeriesBuilder, ro3: dict[str, pd.DataFrame]) -> None:
    """RO3 children's social care net current expenditure lines (GBP)."""
    measure_of_item = {cat.MEASURE_BY_NAME[name].source_column: cat.MEASURE_BY_NAME[name]
                       for name in cat.RO3_LINES}
    for period, frame in sorted(ro3.items()):
        upper = frame[(frame["row_kind"] == "authority")
                      & frame["ro_class"].isin(readers.RO3_UPPER_TIER)]
        for row in upper.to_dict("records"):
            builder.add(measure_of_item[str(row["item_code"])], str(row["ons_code"]), period,
                        row["raw"], source_name=str(row["source_name"]),
                        raw_file=cat.RO3_FILES[period], scale=1000.0, decimals=2)


def submit_ro3_reads(pool: ProcessPoolExecutor, raw: Path) -> dict[str, Future[pd.DataFrame]]:
    """Start reading the three RO3 workbooks (each takes 10-20 s with odf)."""
    items = [item for item, _ in cat.RO3_LINES.values()]
    return {period: pool.submit(readers.read_ro3, raw / path, items)
            for period, path in sorted(cat.RO3_FILES.items())}


# --------------------------------------------------------------------------- derived columns


@dataclass
class CellNote:
    """A missing.csv row."""

    code: str
    column: str
    reason: str
    detail: str


def describe_gap(record: Mapping[Hashable, Any]) -> tuple[str, str]:
    """Reason and human detail for an empty value in a series record."""
    flags = [f for f in str(record["flag"]).split(";") if f]
    value_flags = [f for f in flags if f not in ("predecessor", "recoded_same_area")]
    reason = value_flags[0] if value_flags else "not_available"
    detail = (f"{record['raw_file']}: cell {record['marker']!r} for {record['period']} "
              f"({record['source_name']})")
    if reason == "withdrawn_by_publisher":
        detail += "; DfE removed this council's 2024-25 s251 data for quality concerns"
    if reason == "not_submitted":
        detail += "; RO return not received in time for publication"
    return reason, detail


def snapshot_columns(
    base: pd.DataFrame, series: pd.DataFrame, notes: list[CellNote]
) -> dict[str, list[float | None]]:
    """Authorities columns taken straight from one (measure, period) of the series."""
    indexed = {(r["measure"], r["period"], r["code"]): r for r in series.to_dict("records")}
    columns: dict[str, list[float | None]] = {}
    for column, (measure, period) in cat.SNAPSHOT_COLUMNS.items():
        values: list[float | None] = []
        for code in base["code"]:
            key = (measure, period, code)
            if key not in indexed:
                raise ValueError(f"no series row for {key}")
            record = indexed[key]
            value = record["value"]
            if value is None or pd.isna(value):
                reason, detail = describe_gap(record)
                notes.append(CellNote(code, column, reason, detail))
                values.append(None)
            else:
                values.append(float(value))
                if "recoded_same_area" in str(record["flag"]):
                    notes.append(CellNote(code, column, "recoded_same_area",
                                          f"{period} figure published under the predecessor"))
        columns[column] = values
    return columns


def child_trend_column(
    base: pd.DataFrame, series: pd.DataFrame, notes: list[CellNote]
) -> list[float | None]:
    """Mid-2029 trend proxy: mid-2024 x (1 + g)^5, g = CAGR from mid-2019 (or later).

    Uses the figure under the current code, or the same-area predecessor's
    figure repeated under it (flagged recoded_same_area). Authorities created
    after mid-2019 use their earliest year (flagged derived_short_history).
    """
    pop = series[series["measure"] == "children_0_17"].set_index(["code", "period"])
    out: list[float | None] = []
    for code in base["code"]:
        last = float(pop.loc[(code, str(TREND_LAST_YEAR)), "value"])
        start_year = None
        for year in range(TREND_BASE_YEAR, TREND_LAST_YEAR):
            key = (code, str(year))
            if key in pop.index and pd.notna(pop.loc[key, "value"]):
                start_year = year
                break
        if start_year is None:
            raise ValueError(f"{code}: no base year for the population trend")
        start_row = pop.loc[(code, str(start_year))]
        start = float(start_row["value"])
        years = TREND_LAST_YEAR - start_year
        growth = (last / start) ** (1.0 / years) - 1.0
        projected = last * (1.0 + growth) ** (TREND_TARGET_YEAR - TREND_LAST_YEAR)
        out.append(round(projected, 1))
        if "recoded_same_area" in str(start_row["flag"]):
            old = geo.SAME_AREA_PREDECESSOR[code]
            notes.append(CellNote(
                code, "children_0_17_2029_trend", "recoded_same_area",
                f"mid-{start_year} base is {old.name} {old.code} (same area, recoded "
                f"{old.effective.isoformat()})",
            ))
        if start_year != TREND_BASE_YEAR:
            notes.append(CellNote(
                code, "children_0_17_2029_trend", "derived_short_history",
                f"growth rate from mid-{start_year} to mid-{TREND_LAST_YEAR} ({years} year"
                f"{'s' if years > 1 else ''}): authority created {geo.SUCCESSOR_START[code]}",
            ))
    return out


def idaci_column(base: pd.DataFrame, idaci: pd.DataFrame, notes: list[CellNote]) -> list[
        float | None]:
    """IDACI 2019 average score mapped from 2019 codes to current codes."""
    score_of = dict(zip(idaci["code_2019"], idaci["idaci_score"], strict=True))
    out: list[float | None] = []
    for code in base["code"]:
        if code in score_of:
            out.append(float(score_of[code]))
        elif code in geo.SAME_AREA_PREDECESSOR and geo.SAME_AREA_PREDECESSOR[code].code in score_of:
            old = geo.SAME_AREA_PREDECESSOR[code]
            out.append(float(score_of[old.code]))
            notes.append(CellNote(code, "idaci_score_2019", "recoded_same_area",
                                  f"IoD2019 figure for {old.name} {old.code} (same area)"))
        elif code in geo.SUCCESSOR_START:
            parents = [r for r in geo.REORGANISATIONS if code in r.successors and not r.same_area]
            names = ", ".join(f"{r.name} {r.code}" for r in parents)
            out.append(None)
            notes.append(CellNote(
                code, "idaci_score_2019", "no_figure_new_authority",
                f"IoD2019 predates the authority (created {geo.SUCCESSOR_START[code]}); only "
                f"{names} has a 2019 figure, not copied or split",
            ))
        else:
            raise ValueError(f"{code}: no IDACI figure and no reorganisation to explain it")
    return out


def build_authorities(
    base: pd.DataFrame, series: pd.DataFrame, idaci: pd.DataFrame, extra: b2.Batch2
) -> tuple[pd.DataFrame, list[CellNote]]:
    """authorities.csv as a numeric DataFrame plus missing/derivation notes."""
    notes: list[CellNote] = []
    table = base.copy()
    snap = snapshot_columns(base, series, notes)
    table["children_0_17"] = snap.pop("children_0_17")
    table["children_0_17_2029_trend"] = child_trend_column(base, series, notes)
    for column, values in snap.items():
        table[column] = values
    table["idaci_score_2019"] = idaci_column(base, idaci, notes)
    for column, (frame, measure, period) in batch2_snapshots(extra).items():
        table[column] = long_snapshot(base, frame, measure, period, column, notes)
    ofsted = extra.ofsted.set_index("code")
    table["ofsted_ilacs_grade"] = [float(ofsted.loc[c, "grade"]) for c in base["code"]]
    table["ofsted_ilacs_inspection_date"] = [
        float(ofsted.loc[c, "inspection_date"].replace("-", "")) for c in base["code"]]
    table = table[list(cat.AUTHORITY_COLUMNS)]
    return table, notes


# --------------------------------------------------------------------------- hex + neighbours


def build_hex_layout(
    raw: Path, codes: set[str]
) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
    """hex_layout.csv rows and a summary for sources.yaml.

    Geometry from the GeoPackage (full precision); the converted GeoJSON is
    checked to hold the same features with centroids within 0.1 unit.
    """
    features, srs_id = readers.read_hex_gpkg(raw / cat.HEX_GPKG)
    geojson = {f["cua-code"]: f for f in readers.read_hex_geojson(raw / cat.HEX_GEOJSON)}
    rows = []
    outline: list[dict[str, Any]] = []
    radii = []
    hex_areas = []
    single_cell: list[str] = []
    max_shift = 0.0
    for feature in features:
        code = feature["code"]
        if not code.startswith("E"):
            continue
        x, y, area = geo.polygon_centroid(feature["polygons"])
        other = geojson[code]
        if other["cua-name"] != feature["name"] or other["Group"] != feature["group"]:
            raise ValueError(f"{code}: GeoJSON properties differ from the GeoPackage")
        gx, gy, _ = geo.polygon_centroid(other["polygons"])
        max_shift = max(max_shift, abs(gx - x), abs(gy - y))
        try:
            radii.append(geo.hex_circumradius(feature["polygons"]))
            hex_areas.append(area)
            single_cell.append(feature["name"])
        except ValueError:
            pass
        rows.append({"code": code, "name": feature["name"], "x": round(x, 3), "y": round(y, 3),
                     "group": feature["group"], "_area": area})
        for part, rings in enumerate(feature["polygons"]):
            for ring_no, ring in enumerate(rings):
                for vertex, (vx, vy) in enumerate(np.asarray(ring)[:, :2]):
                    outline.append({"code": code, "part": part, "ring": ring_no,
                                    "vertex": vertex, "x": format_number(round(float(vx), 3)),
                                    "y": format_number(round(float(vy), 3))})
    if max_shift > 0.1:
        raise ValueError(f"GeoJSON and GeoPackage centroids differ by {max_shift}")
    frame = pd.DataFrame(rows).sort_values("code").reset_index(drop=True)
    if set(frame["code"]) != codes:
        raise ValueError("hex layout codes differ from authorities")
    radius = float(np.mean(radii))
    hex_area = float(np.mean(hex_areas))
    cells = frame["_area"] / hex_area
    summary = {
        "layer": "LocalAuthorities-uppertier 2023 version - 7 UTLA-2023",
        "crs_declared": f"EPSG:{srs_id}",
        "coordinate_note": (
            "The cartogram's coordinates are abstract layout units stored under an EPSG:27700 "
            "label (England spans about 12 to 56 in x and 2 to 56 in y); they are not real "
            "British National Grid metres. x and y are area-weighted polygon centroids in "
            "those units, rounded to 0.001 (rounding to 1 m, as for real metres, would merge "
            "neighbouring councils). Computed from the GeoPackage at full precision; the "
            "GeoJSON conversion (rounded to 0.1) gives centroids within "
            f"{round(max_shift, 3)} units."
        ),
        "hex_circumradius": round(radius, 4),
        "hex_circumradius_unit": "cartogram units (declared EPSG:27700 metres)",
        "hex_circumradius_method": (
            f"mean centroid-to-vertex distance over the {len(radii)} single-hexagon English "
            "features (GeoPackage, full precision)"
        ),
        "layout_note": (
            "Each council is drawn as a region of many small hexagonal cells (area from "
            f"{cells.min():.0f} to about {cells.max():.0f} cell areas), grouped by county or "
            "city region with gaps between groups; the circumradius above is that of one "
            f"cell. Single-cell councils: {', '.join(sorted(single_cell))}."
        ),
        "acknowledgement": cat.HOC_ACKNOWLEDGEMENT,
        "licence": cat.OPL,
        "attribution_required": "Acknowledge 'House of Commons Library' on any chart using "
        "this layout.",
    }
    summary["outlines"] = (
        "hex_polygons.csv: each council's outline (part, ring 0 = exterior, ring >= 1 = hole, "
        "vertices in order) from the GeoPackage, rounded to 0.001 units"
    )
    polygons = pd.DataFrame(outline).sort_values(["code", "part", "ring", "vertex"])
    return frame.drop(columns="_area"), summary, polygons.reset_index(drop=True)


def build_neighbours(raw: Path, base: pd.DataFrame) -> pd.DataFrame:
    """neighbours.csv: the 10 statistical neighbours of each authority (DfE 2025 model)."""
    sn = readers.read_statistical_neighbours(raw / cat.SN_FILE)
    code_of = dict(zip(base["la_number"], base["code"], strict=True))
    rows = []
    for record in sn.to_dict("records"):
        code = code_of[int(record["old_la_code"])]
        for rank in range(1, 11):
            rows.append({
                "code": code,
                "rank": rank,
                "neighbour_code": code_of[int(record[f"SN_{rank}"])],
                "closeness": " ".join(str(record[f"SN_{rank}P"]).split()),
            })
    return pd.DataFrame(rows).sort_values(["code", "rank"]).reset_index(drop=True)


# --------------------------------------------------------------------------- writing


def name_lookup(base: pd.DataFrame) -> dict[str, str]:
    """Canonical names: current authorities then abolished ones."""
    names = dict(zip(base["code"], base["name"], strict=True))
    for reorg in geo.REORGANISATIONS:
        names[reorg.code] = reorg.name
    return names


def series_output(series: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """series.csv with formatted values."""
    out = pd.DataFrame({
        "code": series["code"],
        "name": series["code"].map(names),
        "period": series["period"],
        "measure": series["measure"],
        "value": [format_number(v) for v in series["value"]],
        "flag": series["flag"],
    })
    return out


def authorities_output(table: pd.DataFrame) -> pd.DataFrame:
    """authorities.csv with formatted numbers."""
    out = table[["code", "name"]].copy()
    out["la_number"] = [str(int(v)) for v in table["la_number"]]
    out["region"] = table["region"]
    out["council_type"] = table["council_type"]
    for column in cat.AUTHORITY_COLUMNS[5:]:
        out[column] = [format_number(v) for v in table[column]]
    return out


def missing_output(notes: list[CellNote], names: dict[str, str]) -> pd.DataFrame:
    """missing.csv sorted by column, code, reason."""
    frame = pd.DataFrame([n.__dict__ for n in notes], columns=["code", "column", "reason",
                                                               "detail"])
    order = {c: i for i, c in enumerate(cat.AUTHORITY_COLUMNS)}
    frame["_order"] = frame["column"].map(order)
    frame = frame.sort_values(["_order", "code", "reason"], kind="stable")
    frame.insert(1, "name", frame["code"].map(names))
    return frame.drop(columns="_order").reset_index(drop=True)


def column_entries() -> dict[str, dict[str, Any]]:
    """The ``columns`` mapping of sources.yaml (authorities columns, then series measures)."""
    lookup = cat.LOOKUP_FILE
    entries: dict[str, dict[str, Any]] = {
        "code": _entry("ONS 2023 upper-tier local authority code", "CODE", cat.ONS,
                       "LTLA to UTLA lookup, April 2023", "April 2023", lookup,
                       "UTLA23CD starting 'E'", "UTLA23CD", "unique values, sorted"),
        "name": _entry("Authority name (ONS)", "TEXT", cat.ONS,
                       "LTLA to UTLA lookup, April 2023", "April 2023", lookup,
                       "UTLA23CD starting 'E'", "UTLA23NM", "none"),
        "la_number": _entry("DfE 3-digit local authority number", "CODE", cat.DFE,
                            "Children's services statistical neighbours, 2025 model", "2025",
                            cat.SN_FILE, "all 153 rows", "old_la_code",
                            "joined to the ONS code via old_la_code/new_la_code in the "
                            "mid-2024 rows of " + cat.POP_FILE),
        "region": _entry("English region (London as one region)", "TEXT", cat.DFE,
                         "Children's services statistical neighbours, 2025 model", "2025",
                         cat.SN_FILE, "all 153 rows", "region_name",
                         "whitespace normalised; spelling as in ONS region names "
                         "('Yorkshire and The Humber')"),
        "council_type": _entry("Council type from the ONS code prefix", "TEXT", cat.ONS,
                               "LTLA to UTLA lookup, April 2023", "April 2023", lookup,
                               "UTLA23CD starting 'E'", "UTLA23CD",
                               "E10 county, E08 metropolitan_district, E09 london_borough, "
                               "E06 unitary"),
    }
    for column in cat.AUTHORITY_COLUMNS:
        if column in cat.SNAPSHOT_COLUMNS:
            measure_name, period = cat.SNAPSHOT_COLUMNS[column]
            entries[column] = _measure_entry(cat.MEASURE_BY_NAME[measure_name], period)
            entries[column]["period"] = describe_period(cat.MEASURE_BY_NAME[measure_name], period)
            entries[column]["series_measure"] = measure_name
        elif column == "children_0_17_2029_trend":
            pop = cat.MEASURE_BY_NAME["children_0_17"]
            entries[column] = _entry(
                "Children aged 0-17, mid-2029 TREND PROXY (not an ONS projection)", "count",
                pop.publisher, pop.publication, "mid-2029 (from mid-2019 to mid-2024 trend)",
                pop.raw_file, pop.filter, pop.source_column,
                "mid-2024 x (1 + g)^5, g = compound annual growth from mid-2019 to mid-2024 "
                "under the current code (same-area predecessor figures used for "
                "Buckinghamshire, North Yorkshire, Somerset; authorities created after "
                "mid-2019 use their first year: see missing.csv); rounded to 0.1",
                proxy=True,
                note="PROXY: no ONS sub-national population projections are in the raw data. "
                "Say so wherever it is shown.")
        elif column == "idaci_score_2019":
            entries[column] = _entry(
                "IDACI 2019 average score (income deprivation affecting children)", "SCORE",
                "Ministry of Housing, Communities and Local Government (MHCLG, 2019)",
                cat.IOD_PUB, "2019 (indicators mostly 2015-16)", cat.IOD_FILE,
                "sheet IDACI", "IDACI - Average score  (header has a trailing space)",
                "2019 codes mapped to current codes: same-area recodes (Buckinghamshire "
                "E10000002, North Yorkshire E10000023, Somerset E10000027) direct; no figure "
                "for Cumberland, Westmorland and Furness, North and West Northamptonshire",
                note="Proportion of children aged 0-15 living in income-deprived families, "
                "averaged over LSOAs (population-weighted score).")
    children = entries["children_0_17"]
    children["period"] = "mid-2024 in authorities.csv; mid-2012 to mid-2024 in series.csv"
    children["used_in"] = ["authorities.csv", "series.csv"]
    for measure in cat.MEASURES:
        if measure.name not in entries:
            entries[measure.name] = _measure_entry(measure, None)
            entries[measure.name]["used_in"] = ["series.csv"]
    entries.update(batch2_column_entries())
    for column in cat.AUTHORITY_COLUMNS:
        entries[column].setdefault("used_in", ["authorities.csv"])
    return entries


def describe_period(measure: cat.Measure, period: str) -> str:
    """Human-readable period of a snapshot column."""
    texts = {
        "31_march": f"31 March {period}",
        "mid_year": f"mid-{period} (30 June)",
        "january": f"January {period} school census",
        "financial_year": f"financial year {period} (April to March)",
        "current": f"financial year ending March {period}",
        "30_september": f"30 September {period}",
    }
    return texts[measure.basis]


def _entry(label: str, unit: str, publisher: str, publication: str, period: str,
           raw_file: str, filt: str, source_column: str, transformation: str,
           proxy: bool = False, note: str = "") -> dict[str, Any]:
    if unit not in cat.UNITS:
        raise ValueError(f"unknown unit {unit}")
    return {"label": label, "unit": unit, "publisher": publisher, "publication": publication,
            "period": period, "raw_file": raw_file, "filter": filt,
            "source_column": source_column, "transformation": transformation,
            "proxy": proxy, "note": note}


def _measure_entry(measure: cat.Measure, period: str | None) -> dict[str, Any]:
    entry = _entry(
        measure.label, measure.unit, measure.publisher, measure.publication,
        period if period is not None else measure.period,
        measure.raw_file, measure.filter, measure.source_column, measure.transformation,
        proxy=measure.proxy,
        note=(measure.note + (" " if measure.note else "") + cat.CODE_RULE)
        if period is None else measure.note,
    )
    if period is not None:
        if measure.raw_file == cat.LAIT_FILE and measure.name.startswith("s251"):
            entry["filter"] += f', Years == "{period} (OT)", LA Number < 970'
        elif measure.raw_file == cat.LAIT_FILE:
            entry["filter"] += f', Years == "{period}", LA Number < 970'
        elif measure.name.startswith("ro3"):
            entry["raw_file"] = cat.RO3_FILES[period]
        else:
            entry["filter"] += f", time_period == {period}"
    for key, value in measure.extra.items():
        entry[key] = value
    return entry


def build_sources(raw: Path, hex_summary: dict[str, Any], lait: pd.DataFrame) -> dict[str, Any]:
    """The sources.yaml document."""
    files = []
    for path, meta in cat.FILES.items():
        full = raw / path
        files.append({
            "path": path,
            "sha256": readers.sha256_of(full),
            "size_bytes": full.stat().st_size,
            **meta,
        })
    child_pov_years = sorted(lait.loc[lait["short_desc"] == "ChildPov", "years"].unique())
    sen_years = sorted(lait.loc[lait["short_desc"] == "SEN_TotStat", "years"].unique())
    return {
        "generated_by": "data/build.py",
        "raw_dir": "paths are relative to the raw data directory (../shared/data/raw from the "
        "project root, or $FUNDMODEL_RAW)",
        "provenance_note": (
            "Every raw file is an unmodified copy of a file published in the public GitHub "
            "repository named under republished_by (the GeoJSON is a format conversion of "
            "the GeoPackage). None was checked against the gov.uk / explore-education-"
            "statistics originals: figures are 'as republished by' that repository."
        ),
        "licences": {
            "statistics": cat.OGL + " for DfE, ONS, DWP and MHCLG statistics",
            "hex_layout": cat.OPL + "; acknowledge 'House of Commons Library'",
        },
        "files": files,
        "latest_years": {
            "child_poverty_pct": {
                "years_in_source": child_pov_years,
                "used": "2025",
                "meaning": "financial year ending March 2025 (2024-25)",
            },
            "ehcp_pct": {
                "years_in_source": sen_years,
                "used": "2025",
                "meaning": "January 2025 school census",
            },
        },
        "reorganisations": [
            {
                "code": r.code,
                "name": r.name,
                "la_number": r.la_number,
                "successors": list(r.successors),
                "year": r.effective.year,
                "effective": r.effective.isoformat(),
                "same_area": r.same_area,
                "note": r.note,
            }
            for r in geo.REORGANISATIONS
        ],
        "series": {
            "columns": {
                "code": "ONS code of the authority the figure belongs to (predecessors keep "
                "their own code)",
                "name": "authority name (ONS name for current authorities, the common name "
                "for abolished ones; LAIT labels some '(Pre LG)')",
                "period": "as the source states it: '2024' = 31 March 2024 or mid-2024 (see "
                "each measure's period), '2024-25' = financial year",
                "measure": "measure name, described under columns",
                "value": "number; empty when the source has no figure (see flag)",
                "flag": "';'-separated flags, empty when none apply",
            },
            "flags": cat.SERIES_FLAGS,
            "rows_omitted": "Rows for an authority at a date when it did not exist (the "
            "source shows '-', 'z' or 'x' there) are left out; every other gap is kept as a "
            "row with an empty value and a flag. Nothing is interpolated.",
            "summing": "To total a period across England, drop rows flagged "
            "recoded_same_area (they repeat a predecessor's figure).",
        },
        "missing_reasons": cat.MISSING_REASONS,
        "units": {
            "allowed": list(cat.UNITS),
            "GBP_PER_CHILD_PER_WEEK": "used only by s251_adoption, which LAIT publishes as a "
            "weekly unit cost, not a cash total",
        },
        "hex_layout": hex_summary,
        "neighbours": {
            "raw_file": cat.SN_FILE,
            "publisher": cat.DFE,
            "columns": {
                "code": "authority (ONS code)",
                "rank": "1 = nearest statistical neighbour",
                "neighbour_code": "neighbour's ONS code (mapped from the DfE LA number SN_k)",
                "closeness": "DfE's closeness band SN_kP, whitespace trimmed",
            },
        },
        "columns": column_entries(),
    }


# --------------------------------------------------------------------------- report


def _fmt_int(value: float) -> str:
    return f"{value:,.0f}"


def england_reference(
    raw: Path, lait: pd.DataFrame, ro3: dict[str, pd.DataFrame]
) -> dict[str, tuple[float, str]]:
    """England figures to compare column totals with: column -> (value, where)."""
    refs: dict[str, tuple[float, str]] = {}
    specs = {
        "children_0_17": (cat.POP_FILE, "population_estimate", "2024"),
        "cla_count_2025": (cat.CLA_FILE, "children_count", "2025"),
        "cin_count_2025": (cat.B1_FILE, "At31_episodes", "2025"),
        "cpp_count_2025": (cat.D5_FILE, "CPP_At31", "2025"),
        "referrals_2025": (cat.C1_FILE, "referral_count", "2025"),
    }
    for column, (path, source_column, year) in specs.items():
        frame = readers.read_ees_csv(raw / path)
        frame = frame[(frame["geographic_level"] == "National") & (frame["time_period"] == year)]
        if "population_type" in frame.columns:
            frame = frame[frame["population_type"] == "Children looked after on 31 March each year"]
        refs[column] = (float(frame[source_column].iloc[0]), f"{path} England row {year}")
    for name, (short, _) in cat.S251_LINES.items():
        row = lait[(lait["short_desc"] == short) & (lait["years"] == "2024-25 (OT)")
                   & (lait["la_number"] == 970)]
        refs[f"{name}_2024_25"] = (float(row["value"].iloc[0]), f"LAIT {short} England 2024-25")
    for short, column in (("ChildPov", "child_poverty_pct"), ("SEN_TotStat", "ehcp_pct")):
        row = lait[(lait["short_desc"] == short) & (lait["years"] == "2025")
                   & (lait["la_number"] == 970)]
        refs[column] = (float(row["value"].iloc[0]), f"LAIT {short} England 2025")
    frame = ro3["2024-25"]
    for column in ("ro3_csc_net", "ro3_lac_net", "ro3_family_support_net",
                   "ro3_safeguarding_net"):
        item = cat.RO3_LINES[column][0]
        row = frame[(frame["row_kind"] == "england") & (frame["item_code"] == item)]
        refs[f"{column}_2024_25"] = (float(row["raw"].iloc[0]) * 1000,
                                     "RO3 2024-25 ENGLAND row (x1000)")
    return refs


def ro3_gap_parts(ro3: dict[str, pd.DataFrame], item: str, period: str) -> dict[str, float]:
    """Split MHCLG's England row minus our upper-tier sum into its parts (GBP).

    ``estimates``: the upper-tier class totals (E06, E08, E09, E10) minus the
    sum of the councils' published figures, i.e. MHCLG's estimates for
    councils that did not submit; ``shire_districts``: the E07 class total;
    ``other``: England minus all class totals (e.g. the Greater London
    Authority).
    """
    frame = ro3[period]
    frame = frame[frame["item_code"] == item]
    numeric = pd.to_numeric(frame["raw"], errors="coerce") * 1000
    totals = dict(zip(frame.loc[frame["row_kind"] == "class_total", "ons_code"],
                      numeric[frame["row_kind"] == "class_total"], strict=True))
    upper_rows = (frame["row_kind"] == "authority") & frame["ro_class"].isin(
        readers.RO3_UPPER_TIER)
    upper_sum = float(numeric[upper_rows].sum())
    england = float(numeric[frame["row_kind"] == "england"].iloc[0])
    upper_totals = sum(totals[c] for c in ("E06", "E08", "E09", "E10"))
    return {
        "estimates": upper_totals - upper_sum,
        "shire_districts": totals["E07"],
        "other": england - upper_totals - totals["E07"],
    }


def build_report(
    table: pd.DataFrame,
    missing: pd.DataFrame,
    refs: dict[str, tuple[float, str]],
    ro3: dict[str, pd.DataFrame],
    series: pd.DataFrame,
) -> str:
    """data_report.md: coverage per column and reconciliation with England rows."""
    lines = [
        "# fundmodel embedded data: build report",
        "",
        "Generated by `data/build.py` from the raw files listed in `sources.yaml`. "
        "Deterministic: no timestamps.",
        "",
        f"- authorities.csv: {len(table)} authorities, {len(table.columns)} columns",
        f"- series.csv: {len(series)} rows, {series['measure'].nunique()} measures",
        f"- missing.csv: {len(missing)} rows "
        f"({int(missing['reason'].map(lambda r: cat.MISSING_REASONS[r]['empty_cell']).sum())}"
        " empty cells, the rest derivation flags)",
        "",
        "## Coverage per column",
        "",
        "| column | non-missing / 153 | missing by reason | derivation flags |",
        "|---|---|---|---|",
    ]
    for column in cat.AUTHORITY_COLUMNS:
        present = int(table[column].notna().sum())
        rows = missing[missing["column"] == column]
        is_gap = rows["reason"].map(lambda r: cat.MISSING_REASONS[r]["empty_cell"]).astype(bool)
        gaps = rows.loc[is_gap]
        derived = rows.loc[~is_gap]
        gap_text = "; ".join(
            f"{reason}: {', '.join(group['name'])}"
            for reason, group in gaps.groupby("reason", sort=True)
        )
        derived_text = "; ".join(
            f"{reason}: {', '.join(group['name'])}"
            for reason, group in derived.groupby("reason", sort=True)
        )
        lines.append(f"| {column} | {present} | {gap_text or '-'} | {derived_text or '-'} |")
    lines += [
        "",
        "## Column totals against the England row of the same source",
        "",
        "| column | councils with a value | sum of councils | England row | England - sum | "
        "explanation |",
        "|---|---|---|---|---|---|",
    ]
    explanations = {
        "children_0_17": "exact: no suppression in the population file",
        "cla_count_2025": "England is rounded to the nearest 10; City of London suppressed "
        "('c'), Isles of Scilly 'z'",
        "cin_count_2025": "England is rounded to the nearest 10; no council suppressed",
        "cpp_count_2025": "England rounded to the nearest 10; City of London and Isles of "
        "Scilly suppressed ('c', each a small number)",
        "referrals_2025": "England is rounded to the nearest 10; no council suppressed",
    }
    for name in cat.S251_LINES:
        explanations[f"{name}_2024_25"] = (
            "England excludes Wandsworth and Middlesbrough (withdrawn by DfE); the difference "
            "is rounding of the published figures"
        )
    explanations["s251_adoption_2024_25"] = (
        "NOT comparable: a weekly unit cost per child, not a cash total (England figure is "
        "England's own unit cost)"
    )
    for column, (england, where) in refs.items():
        values = table[column].dropna()
        total = float(values.sum())
        if column in ("child_poverty_pct", "ehcp_pct"):
            weights = table.loc[values.index, "children_0_17"]
            weighted = float((values * weights).sum() / weights.sum())
            lines.append(
                f"| {column} | {len(values)} | weighted by children 0-17: {weighted:.2f} | "
                f"{england:g} ({where}) | {england - weighted:+.2f} | indicative only: the "
                "England rate is not a child-population-weighted mean of council rates |"
            )
            continue
        if column.startswith("ro3_"):
            item = cat.RO3_LINES[column.removesuffix("_2024_25")][0]
            parts = ro3_gap_parts(ro3, item, "2024-25")
            expl = (f"MHCLG's estimates for Birmingham, Cumberland and Slough (not submitted; "
                    f"upper-tier class totals minus the councils' figures): "
                    f"{_fmt_int(parts['estimates'])}; shire districts' class total: "
                    f"{_fmt_int(parts['shire_districts'])}; other bodies (Greater London "
                    f"Authority): {_fmt_int(parts['other'])}")
        else:
            expl = explanations.get(column, "")
        lines.append(
            f"| {column} | {len(values)} | {_fmt_int(total)} | {_fmt_int(england)} "
            f"({where}) | {_fmt_int(england - total)} | {expl} |"
        )
    cla_rate = table["cla_count_2025"].sum() / table.loc[
        table["cla_count_2025"].notna(), "children_0_17"].sum() * 10000
    lines += [
        "",
        f"Implied England looked-after rate from the councils with a count: {cla_rate:.1f} per "
        "10,000 (published: 67).",
        "",
        "## Series coverage",
        "",
        "| measure | periods | rows | empty values by flag |",
        "|---|---|---|---|",
    ]
    for measure, group in series.groupby("measure", sort=True):
        periods = sorted(group["period"].unique())
        empties = group[group["value"].isna()]
        counts: Counter[str] = Counter()
        for flag in empties["flag"]:
            for part in str(flag).split(";"):
                if part not in ("predecessor", "recoded_same_area") and part:
                    counts[part] += 1
        text = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "-"
        lines.append(f"| {measure} | {periods[0]} to {periods[-1]} ({len(periods)}) | "
                     f"{len(group)} | {text} |")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- second batch

BATCH2_OUTPUTS = ("budgets.csv", "council_tax.csv", "workforce.csv", "placements.csv",
                  "deflator.csv", "ofsted.csv", "ra_ro3_lines.csv", "flags.csv")

#: Long file of each second-batch measure family.
LONG_FILE_OF = {
    **{m.name: "budgets.csv" for m in b2.RA_MEASURES.values()},
    **{m.name: "council_tax.csv" for m in b2.CTR_MEASURES.values()},
    **{m.name: "workforce.csv" for m in b2.CSWW_MEASURES.values()},
    **{m.name: "placements.csv" for m in b2.PLACEMENT_MEASURES.values()},
}

#: authorities.csv column -> (long file attribute, measure, period).
BATCH2_SNAPSHOTS = {
    "council_tax_base_2023_24": ("council_tax", "council_tax_base", "2023-24"),
    "band_d_2023_24": ("council_tax", "band_d_council_tax", "2023-24"),
    "council_tax_requirement_2023_24": ("council_tax", "council_tax_requirement", "2023-24"),
    "csww_caseload_fte_2025": ("workforce", "csww_caseload_fte", "2025"),
    "csww_agency_rate_fte_2025": ("workforce", "csww_agency_rate_fte", "2025"),
    "csww_vacancy_rate_fte_2025": ("workforce", "csww_vacancy_rate_fte", "2025"),
}


def build_batch2(raw: Path, current: set[str], ra: dict[str, pd.DataFrame],
                 ctr: dict[str, pd.DataFrame], ofsted_raw: pd.DataFrame,
                 base: pd.DataFrame) -> b2.Batch2:
    """Long tables and small tables of the second batch."""
    budgets = SeriesBuilder(current)
    b2.add_budgets(budgets, ra)
    council_tax = SeriesBuilder(current)
    ctr_check = b2.add_council_tax(council_tax, ctr)
    workforce = SeriesBuilder(current)
    b2.add_workforce(workforce, readers.read_ees_csv(raw / cat.CSWW_FILE))
    placements = SeriesBuilder(current)
    b2.add_placements(placements, raw, Record, parse_cell)
    return b2.Batch2(
        budgets=budgets.frame(), council_tax=council_tax.frame(), workforce=workforce.frame(),
        placements=placements.frame(), deflator=b2.deflator_table(raw),
        ofsted=b2.ofsted_table(ofsted_raw, base["code"]), line_map=b2.line_map(ra),
        ra_raw=ra, ctr_check=ctr_check, measures=b2.all_measures(),
    )


def batch2_snapshots(extra: b2.Batch2) -> dict[str, tuple[pd.DataFrame, str, str]]:
    """authorities.csv columns taken from the second-batch long tables."""
    return {column: (getattr(extra, attr), measure, period)
            for column, (attr, measure, period) in BATCH2_SNAPSHOTS.items()}


def long_snapshot(base: pd.DataFrame, frame: pd.DataFrame, measure: str, period: str,
                  column: str, notes: list[CellNote]) -> list[float | None]:
    """One (measure, period) of a long table as a column, gaps and flags noted."""
    rows = frame[(frame["measure"] == measure) & (frame["period"] == period)]
    indexed = {r["code"]: r for r in rows.to_dict("records")}
    values: list[float | None] = []
    for code in base["code"]:
        if code not in indexed:
            raise ValueError(f"{column}: no {measure} {period} row for {code}")
        record = indexed[code]
        flags = str(record["flag"]).split(";")
        value = record["value"]
        if value is None or pd.isna(value):
            reason, detail = describe_gap(record)
            notes.append(CellNote(code, column, reason, detail))
            values.append(None)
            continue
        values.append(float(value))
        if "joint_return" in flags:
            notes.append(CellNote(code, column, "joint_return",
                                  f"{record['raw_file']}: joint row '{record['source_name']}' "
                                  f"for {period}, shown for each council, not split"))
        if "code_2024" in flags:
            notes.append(CellNote(code, column, "code_2024",
                                  f"{record['raw_file']}: published under the 2024 code "
                                  f"({record['source_name']})"))
        if "recoded_same_area" in flags:
            notes.append(CellNote(code, column, "recoded_same_area",
                                  f"{period} figure published under the predecessor"))
    return values


def batch2_column_entries() -> dict[str, dict[str, Any]]:
    """sources.yaml records for the second-batch columns and measures."""
    entries: dict[str, dict[str, Any]] = {}
    for measure in b2.all_measures():
        entry = _measure_entry(measure, None)
        entry["used_in"] = [LONG_FILE_OF[measure.name]]
        entries[measure.name] = entry
    by_name = {m.name: m for m in b2.all_measures()}
    for column, (_, measure_name, period) in BATCH2_SNAPSHOTS.items():
        measure = by_name[measure_name]
        entry = _entry(measure.label, measure.unit, measure.publisher, measure.publication,
                       describe_period(measure, period), measure.raw_file, measure.filter
                       + (f", time_period == {period}" if measure.basis == "30_september"
                          else ""),
                       measure.source_column, measure.transformation, proxy=measure.proxy,
                       note=measure.note)
        entry["long_measure"] = measure_name
        entry["long_file"] = LONG_FILE_OF[measure_name]
        entries[column] = entry
    ofsted_pub = cat.FILES[cat.OFSTED_FILE]
    entries["ofsted_ilacs_grade"] = _entry(
        "Ofsted ILACS overall effectiveness, latest inspection to 31 March 2025 (1 = "
        "Outstanding, 2 = Good, 3 = Requires improvement to be good, 4 = Inadequate)",
        "GRADE_1_TO_4", "Ofsted", ofsted_pub["publication"], "latest inspection to 31 March "
        "2025 (inspection date in ofsted_ilacs_inspection_date)", cat.OFSTED_FILE,
        "sheet Inspections_as_at_31_March, header row 3", "Overall effectiveness",
        "grade text mapped to Ofsted's 4-point scale; the text is kept in ofsted.csv",
        note="Numeric because authorities.csv holds numbers only; ofsted.csv has the label "
        "and the publication date.")
    entries["ofsted_ilacs_inspection_date"] = _entry(
        "Date of that ILACS inspection (start date), as the number YYYYMMDD", "DATE_YYYYMMDD",
        "Ofsted", ofsted_pub["publication"], "to 31 March 2025", cat.OFSTED_FILE,
        "sheet Inspections_as_at_31_March, header row 3", "Inspection date",
        "date written as an integer YYYYMMDD (e.g. 20230710); ISO date in ofsted.csv")
    return entries


def batch2_sources(extra: b2.Batch2) -> dict[str, Any]:
    """Extra top-level sources.yaml sections for the second-batch files."""
    forecasts = extra.deflator.loc[extra.deflator["is_forecast"] == "true", "fiscal_year"]
    return {
        "long_files": {
            "layout": "budgets.csv, council_tax.csv, workforce.csv and placements.csv have the "
            "columns of series.csv (code, name, period, measure, value, flag) and follow its "
            "code rules; they are kept out of series.csv so that it stays quick to load.",
            "files": {
                "budgets.csv": "RA budget lines 310-330, GBP (published GBP thousand x 1000), "
                "2021-22, 2023-24, 2025-26",
                "council_tax.csv": "tax base, Band D and council tax requirement, 2023-24",
                "workforce.csv": "children's social work workforce, 30 September 2017-2025",
                "placements.csv": "children looked after by placement type, 31 March 2018 "
                "and 2019 (England rows code E92000001)",
            },
            "flags": cat.LONG_FLAGS,
            "joint_with": {
                "E06000061": "E06000062", "E06000062": "E06000061",
                "E09000021": "E09000027", "E09000027": "E09000021",
            },
        },
        "ra_ro3_lines": {
            "file": "ra_ro3_lines.csv",
            "meaning": "each RA budget line (label as printed in the 2023-24 RA file) and the "
            "RO3 outturn line with the same asset code; relation same_line pairs one to one, "
            "ro3_detail_within_ra_line lists RO3 breakdowns of looked-after spend that the RA "
            "budget has only as the total line 313",
        },
        "deflator": {
            "file": "deflator.csv",
            "columns": {"fiscal_year": "UK financial year 'YYYY-YY'",
                        "gdp_deflator": "GDP deflator at market prices, 2024-25 = 100, as "
                        "transcribed (4 decimals)",
                        "is_forecast": "true for OBR-forecast years"},
            "raw_file": cat.DEFLATOR_FILE,
            "publisher": cat.FILES[cat.DEFLATOR_FILE]["publisher"],
            "publication": cat.DEFLATOR_PUB,
            "republished_by": cat.FILES[cat.DEFLATOR_FILE]["republished_by"],
            "transcription": "NOT HM Treasury's spreadsheet: a transcription by the "
            f"repository {cat.REPO_I} (its build_seed.py): outturn 2000-01 to 2024-25 from "
            "ONS series L8GG rebased to 2024-25 = 100; 2025-26 onward compounded from the "
            "OBR March 2026 forecast percentage changes, rounded to 4 decimals",
            "forecast_years": forecasts.tolist(),
            "checked": "2008-09 66.8397, 2015-16 74.5804, 2018-19 78.7948, 2019-20 80.8738, "
            "2022-23 91.2996 agree with another document quoting the same vintage",
            "transformation": "columns fiscal_year, gdp_deflator, is_forecast copied as text; "
            "CPI and CPIH columns dropped",
            "unit": "INDEX",
        },
        "ofsted": {
            "file": "ofsted.csv",
            "raw_file": cat.OFSTED_FILE,
            "columns": {"code": "ONS code", "ofsted_name": "name as Ofsted prints it",
                        "inspection_date": "ILACS inspection date (ISO)",
                        "publication_date": "report publication date (ISO)",
                        "overall_effectiveness": "overall effectiveness as printed",
                        "grade": "1 Outstanding, 2 Good, 3 Requires improvement to be good, "
                        "4 Inadequate"},
        },
        "flags": {
            "file": "flags.csv",
            "meaning": "Values that look implausible, flagged and NOT changed. Any use of a "
            "flagged (code, measure, period) should say so.",
            "checks": {
                "year_on_year": f"a council's {', '.join(b2.YEAR_ON_YEAR_MEASURES)} more than "
                f"{b2.YEAR_ON_YEAR_FACTOR} times the previous year's or less than 1/"
                f"{b2.YEAR_ON_YEAR_FACTOR} of it (both years at least GBP "
                f"{b2.YEAR_ON_YEAR_MIN_GBP:,.0f}; current codes; consecutive years)",
                "source_agreement:ro3_lac_net": "s251_lac (gross) / ro3_lac_net (net) for "
                f"the same council and year outside {b2.SOURCE_RATIO_BAND[0]:.3f} to "
                f"{b2.SOURCE_RATIO_BAND[1]} (or RO3 <= 0); the median ratio is about 1.05",
            },
        },
    }


def _sum_unique(frame: pd.DataFrame) -> float:
    """Sum over current councils, a joint_return figure counted once."""
    rows = frame[~frame["flag"].str.contains("predecessor|recoded_same_area", regex=True)]
    joint = rows["flag"].str.contains("joint_return")
    duplicate = joint & rows["code"].isin(["E06000062", "E09000027"])
    return float(rows.loc[~duplicate, "value"].sum())


def batch2_report(table: pd.DataFrame, extra: b2.Batch2, flags: pd.DataFrame,
                  ro3: dict[str, pd.DataFrame]) -> str:
    """data_report.md sections for the second batch."""
    lines = ["## Second batch: budgets, council tax, workforce, Ofsted, deflator, placements",
             "",
             "Long files with the series.csv layout (kept out of series.csv so it stays quick "
             "to load): budgets.csv, council_tax.csv, workforce.csv, placements.csv; small "
             "tables: deflator.csv, ofsted.csv, ra_ro3_lines.csv, flags.csv.",
             "",
             "### RA budgets (budgets.csv, GBP)",
             "",
             "| period | councils with line 330 | sum of councils | England row | not submitted |",
             "|---|---|---|---|---|"]
    budgets = extra.budgets
    for period in sorted(budgets["period"].unique()):
        rows = budgets[(budgets["period"] == period) & (budgets["measure"] == "ra_budget_csc_net")
                       & ~budgets["flag"].str.contains("recoded_same_area")]
        present = rows[rows["value"].notna()]
        england = extra.ra_raw[period]
        eng = england[(england["row_kind"] == "england") & (england["asset"] == "csctot")]
        eng_text = (f"{float(str(eng['raw'].iloc[0]).replace(',', '')) * 1000:,.0f}"
                    if len(eng) else "no England row in the file")
        gaps = ", ".join(rows.loc[rows["value"].isna(), "code"].map(
            dict(zip(table["code"], table["name"], strict=True))).fillna("?"))
        lines.append(f"| {period} | {len(present)} of {len(rows)} | "
                     f"{present['value'].sum():,.0f} | {eng_text} | {gaps or '-'} |")
    lines += ["", "An England row, where the file has one (2021-22, 2025-26), includes MHCLG's "
              "estimates for the councils that did not submit and other bodies' children's "
              "social care (shire districts, combined authorities); the 2023-24 export has no "
              "England row. Sums exclude recoded_same_area rows.", ""]
    check = extra.ctr_check
    base = table["council_tax_base_2023_24"]
    counties = float(table.loc[table["council_type"] == "county", "council_tax_base_2023_24"].sum())
    lines += [
        "### Council tax 2023-24 (council_tax.csv; authorities.csv columns)",
        "",
        f"- councils with a tax base: {int(base.notna().sum())} / 153; Band D: "
        f"{int(table['band_d_2023_24'].notna().sum())}; requirement: "
        f"{int(table['council_tax_requirement_2023_24'].notna().sum())}",
        f"- sum of the 153 tax bases: {base.sum():,.2f} Band D equivalents; England row "
        f"(Data_Billing 'TE'): {check['england_tax_base']:,.2f}; difference "
        f"{check['england_tax_base'] - base.sum():+,.2f}",
        f"- explanation: England is the sum of billing authorities' bases; the 21 counties' "
        f"precept bases ({counties:,.2f}) are their own figures to 1 decimal place and differ "
        f"from their districts' billing bases ({check['districts_tax_base']:,.2f}) by "
        f"{check['districts_tax_base'] - counties:+,.2f}, which is the whole difference",
        "",
        "### Workforce (workforce.csv; 2025 columns in authorities.csv)",
        "",
        "| year | councils with caseload | joint rows | empty by flag |",
        "|---|---|---|---|",
    ]
    work = extra.workforce
    for period in sorted(work["period"].unique()):
        rows = work[(work["period"] == period) & (work["measure"] == "csww_caseload_fte")
                    & ~work["flag"].str.contains("predecessor|recoded_same_area")]
        counts: Counter[str] = Counter()
        for flag, value in zip(rows["flag"], rows["value"], strict=True):
            if pd.isna(value):
                counts[next(f for f in flag.split(";")
                            if f not in ("joint_return", "code_2024"))] += 1
        joint = int(rows["flag"].str.contains("joint_return").sum())
        text = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "-"
        lines.append(f"| {period} | {int(rows['value'].notna().sum())} | {joint} | {text} |")
    inpost = work[(work["measure"] == "csww_inpost_fte") & (work["period"] == "2025")]
    lines += ["", f"2025 FTE in post, councils summed with each joint figure once: "
              f"{_sum_unique(inpost):,.1f}.", ""]
    grades = extra.ofsted["overall_effectiveness"].value_counts()
    lines += ["### Ofsted ILACS (ofsted.csv; authorities.csv columns)", "",
              f"- {len(extra.ofsted)} councils; " + ", ".join(
                  f"{k}: {v}" for k, v in sorted(grades.items(),
                                                 key=lambda kv: b2.OFSTED_GRADES[kv[0]])),
              f"- inspection dates {extra.ofsted['inspection_date'].min()} to "
              f"{extra.ofsted['inspection_date'].max()}", ""]
    defl = extra.deflator.set_index("fiscal_year")["gdp_deflator"]
    lines += ["### GDP deflator (deflator.csv)", "",
              f"- {len(defl)} years {defl.index[0]} to {defl.index[-1]}; forecasts: "
              + ", ".join(extra.deflator.loc[extra.deflator['is_forecast'] == 'true',
                                              'fiscal_year']),
              f"- checks: 2008-09 {defl['2008-09']}, 2022-23 {defl['2022-23']}, 2024-25 "
              f"{defl['2024-25']}", ""]
    pl = extra.placements
    lines += ["### Placements (placements.csv)", ""]
    for period in sorted(pl["period"].unique()):
        rows = pl[(pl["period"] == period) & (pl["measure"] == "cla_placement_foster_count")]
        councils = rows[(rows["code"] != b2.ENGLAND_CODE)
                        & ~rows["flag"].str.contains("recoded_same_area")]
        eng = rows.loc[rows["code"] == b2.ENGLAND_CODE, "value"].iloc[0]
        lines.append(f"- 31 March {period}: {len(councils)} council rows (recoded_same_area "
                     "repeats left out) "
                     f"({int(councils['flag'].str.contains('predecessor').sum())} predecessor), "
                     f"foster placements sum {councils['value'].sum():,.0f} vs England "
                     f"{eng:,.0f} (rounded to 10; suppressed cells "
                     f"{int(councils['value'].isna().sum())})")
    lines += ["", "### Data-quality flags (flags.csv)", "",
              f"Year-on-year factor {b2.YEAR_ON_YEAR_FACTOR} either way (both years >= GBP "
              f"{b2.YEAR_ON_YEAR_MIN_GBP:,.0f}); s251 looked-after / RO3 looked-after ratio "
              f"band {b2.SOURCE_RATIO_BAND[0]:.3f} to {b2.SOURCE_RATIO_BAND[1]}. Values are "
              f"not changed. {len(flags)} flags:", "",
              "| code | name | measure | period | check | values |", "|---|---|---|---|---|---|"]
    for row in flags.itertuples(index=False):
        lines.append(f"| {row.code} | {row.name} | {row.measure} | {row.period} | {row.check} | "
                     f"{row.values} |")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def build(raw: Path, out: Path) -> dict[str, Path]:
    """Run the whole build; return the written paths by name."""
    if not raw.is_dir():
        raise FileNotFoundError(f"raw data directory not found: {raw}")
    out.mkdir(parents=True, exist_ok=True)
    import history  # spending history since 2008-09 (data/history.py)

    with ProcessPoolExecutor(max_workers=2) as pool:
        ctr_future = pool.submit(readers.read_ctr_table9, raw / cat.CTR_FILE)
        ro3_futures = submit_ro3_reads(pool, raw)
        ofsted_future = pool.submit(readers.read_ofsted_outcomes, raw / cat.OFSTED_FILE)
        ra_future = pool.submit(b2.read_ra_all, raw)
        history_futures = history.submit_reads(pool, raw)
        base = build_authority_base(raw)
        current = set(base["code"])
        builder = SeriesBuilder(current)
        add_ees_measures(builder, raw)
        lait = read_lait_measures(raw)
        add_lait_measures(builder, lait, base)
        idaci = readers.read_idaci(raw / cat.IOD_FILE)
        hex_frame, hex_summary, hex_polygons = build_hex_layout(raw, current)
        neighbours = build_neighbours(raw, base)
        ro3 = {period: future.result() for period, future in ro3_futures.items()}
        ctr = ctr_future.result()
        ofsted_raw = ofsted_future.result()
        ra = ra_future.result()
    add_ro3_measures(builder, ro3)
    series = builder.frame()
    names = name_lookup(base)
    extra = build_batch2(raw, current, ra, ctr, ofsted_raw, base)
    table, notes = build_authorities(base, series, idaci, extra)
    missing = missing_output(notes, names)
    check_missing_complete(table, missing)

    paths = {name: out / name for name in (
        "authorities.csv", "series.csv", "missing.csv", "hex_layout.csv", "hex_polygons.csv",
        "neighbours.csv", *BATCH2_OUTPUTS,
        "sources.yaml", "data_report.md")}
    write_csv(authorities_output(table), paths["authorities.csv"])
    write_csv(series_output(series, names), paths["series.csv"])
    write_csv(missing, paths["missing.csv"])
    write_csv(hex_frame.assign(x=[format_number(v) for v in hex_frame["x"]],
                               y=[format_number(v) for v in hex_frame["y"]]),
              paths["hex_layout.csv"])
    write_csv(hex_polygons, paths["hex_polygons.csv"])
    write_csv(neighbours, paths["neighbours.csv"])
    long_names = {**names, b2.ENGLAND_CODE: "England"}
    for name, frame in (("budgets.csv", extra.budgets), ("council_tax.csv", extra.council_tax),
                        ("workforce.csv", extra.workforce), ("placements.csv", extra.placements)):
        write_csv(series_output(frame, long_names), paths[name])
    write_csv(extra.deflator, paths["deflator.csv"])
    write_csv(extra.ofsted, paths["ofsted.csv"])
    write_csv(extra.line_map, paths["ra_ro3_lines.csv"])
    flags = b2.build_flags(series, names, current)
    write_csv(flags, paths["flags.csv"])
    history_paths, history_sources, history_report = history.build_history(
        raw, out, base, history_futures)
    paths.update(history_paths)
    sources = build_sources(raw, hex_summary, lait)
    sources.update(batch2_sources(extra))
    sources["history"] = history_sources
    with paths["sources.yaml"].open("w", encoding="utf-8", newline="\n") as handle:
        yaml.safe_dump(sources, handle, sort_keys=False, allow_unicode=True, width=100)
    refs = england_reference(raw, lait, ro3)
    report = build_report(table, missing, refs, ro3, series)
    report += batch2_report(table, extra, flags, ro3)
    report += history_report
    paths["data_report.md"].write_text(report, encoding="utf-8", newline="\n")
    return paths


def check_missing_complete(table: pd.DataFrame, missing: pd.DataFrame) -> None:
    """Every empty cell has a missing.csv row (and every 'empty' row an empty cell)."""
    empty_reasons = {r for r, meta in cat.MISSING_REASONS.items() if meta["empty_cell"]}
    listed = {(c, col) for c, col, r in missing[["code", "column", "reason"]].itertuples(
        index=False) if r in empty_reasons}
    actual = {(code, column) for column in cat.AUTHORITY_COLUMNS
              for code, value in zip(table["code"], table[column], strict=True)
              if value is None or (isinstance(value, float) and math.isnan(value))}
    if listed != actual:
        raise ValueError(f"missing.csv mismatch: {sorted(listed ^ actual)[:5]}")


def parse_args(argv: Iterable[str] | None = None) -> argparse.Namespace:
    """Command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=None,
                        help="raw data directory (default: $FUNDMODEL_RAW or "
                        "../shared/data/raw beside the project)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output directory (default: src/fundmodel/data)")
    return parser.parse_args(list(argv) if argv is not None else None)


def main(argv: Iterable[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    raw = args.raw if args.raw is not None else default_raw_dir()
    started = time.perf_counter()
    paths = build(raw.resolve(), args.out.resolve())
    elapsed = time.perf_counter() - started
    for name, path in paths.items():
        print(f"{path.stat().st_size:>10,d}  {name}")
    print(f"built in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

