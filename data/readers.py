"""Readers for the raw public files behind fundmodel's embedded data.

Every function here takes a path to one raw file (read-only, never copied)
and returns a plain pandas DataFrame (or simple Python objects) with the
source's own labels and raw cell values. Parsing of suppression markers,
code mapping and reshaping happen in ``build.py``.

This is the only place in the project where spreadsheet and geometry
readers (odfpy via pandas, openpyxl via pandas, pyarrow, sqlite3 for the
GeoPackage) are used; the installed package reads only its shipped CSVs.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ONS_CODE = re.compile(r"^E\d{8}$")

#: RO3 class codes of upper-tier councils with children's services duties.
RO3_UPPER_TIER = ("UA", "MD", "LB", "SC")
CLASS_TOTAL_CODE = re.compile(r"^E\d{2}$")


def sha256_of(path: Path) -> str:
    """Return the full hex sha256 digest of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_ees_csv(path: Path) -> pd.DataFrame:
    """Read an explore-education-statistics style CSV with every cell as text.

    Suppression markers ('c', 'x', 'z', 'u') are kept as they are; empty
    cells stay empty strings. A UTF-8 byte-order mark, if any, is dropped.
    """
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def read_lait(path: Path, short_descs: Sequence[str]) -> pd.DataFrame:
    """Read the LAIT long benchmarking parquet, keeping the given indicators.

    Returns columns ``short_desc, years, entity, value, la_number`` where
    ``value`` is the raw text value ('-' marks missing or suppressed) and
    ``la_number`` the DfE 3-digit number as int (970 England, 980-990
    regions).
    """
    frame = pd.read_parquet(
        path, columns=["Short Desc", "Years", "LA and Regions", "Values", "LA Number"]
    )
    frame = frame[frame["Short Desc"].isin(list(short_descs))]
    out = pd.DataFrame(
        {
            "short_desc": frame["Short Desc"].astype(str),
            "years": frame["Years"].astype(str),
            "entity": frame["LA and Regions"].astype(str),
            "value": frame["Values"].astype(object),
            "la_number": frame["LA Number"].astype(int),
        }
    )
    return out.reset_index(drop=True)


def read_ro3(path: Path, item_codes: Sequence[str]) -> pd.DataFrame:
    """Read one MHCLG RO3 'data by LA' workbook (.ods) into a long table.

    Columns are located by their RO item code (e.g. ``RO3-csctot-net-cur-exp``),
    which sits in row 7 of the 2022-23 and 2023-24 layouts and in the last,
    hidden row of the 2024-25 layout; this makes one reader serve all three.
    Keeps every authority row (9-character ONS code) and the class total rows
    (3-character codes such as 'E06'), told apart by ``row_kind``:
    'authority', 'class_total' or 'england'.

    Returns columns ``ons_code, source_name, ro_class, row_kind, item_code,
    raw`` where ``raw`` is the cell as read (number in GBP thousand or a
    marker such as '[x]').
    """
    sheets = pd.read_excel(path, engine="odf", sheet_name=None, header=None)
    data_sheets = [name for name in sheets if name.startswith("RO3_LA_Data")]
    if len(data_sheets) != 1:
        raise ValueError(f"{path.name}: expected one RO3_LA_Data sheet, got {data_sheets}")
    sheet = sheets[data_sheets[0]]
    code_rows = [i for i in range(len(sheet)) if (sheet.iloc[i] == "RO3-csctot-net-cur-exp").any()]
    header_rows = [i for i in range(len(sheet)) if sheet.iat[i, 1] == "ONS Code"]
    if len(code_rows) != 1 or not header_rows:
        raise ValueError(f"{path.name}: item-code row or header row not found")
    header = sheet.iloc[header_rows[0]]
    if header.iloc[4] != "Class" or header.iloc[2] != "Local authority":
        raise ValueError(f"{path.name}: unexpected header layout {list(header.iloc[:7])}")
    item_row = sheet.iloc[code_rows[0]]
    column_of = {value: pos for pos, value in enumerate(item_row) if isinstance(value, str)}
    missing = [code for code in item_codes if code not in column_of]
    if missing:
        raise ValueError(f"{path.name}: item codes not found: {missing}")
    body = sheet.iloc[header_rows[0] + 1 :]
    codes = body[1].astype(str)
    body = body[codes.str.match(ONS_CODE) | codes.str.match(CLASS_TOTAL_CODE)]
    records = []
    for _, row in body.iterrows():
        code_text = str(row[1])
        if row[4] == "Eng":
            kind = "england"
        elif CLASS_TOTAL_CODE.match(code_text):
            kind = "class_total"
        else:
            kind = "authority"
        for code in item_codes:
            records.append(
                {
                    "ons_code": code_text,
                    "source_name": str(row[2]),
                    "ro_class": str(row[4]),
                    "row_kind": kind,
                    "item_code": code,
                    "raw": row[column_of[code]],
                }
            )
    return pd.DataFrame.from_records(records)


def read_idaci(path: Path) -> pd.DataFrame:
    """Read the IDACI sheet of IoD2019 File 11 (upper-tier summaries).

    Returns columns ``code_2019, name_2019, idaci_score`` (the average score;
    the source header carries a trailing space).
    """
    sheet = pd.read_excel(path, sheet_name="IDACI", engine="openpyxl")
    return pd.DataFrame(
        {
            "code_2019": sheet["Upper Tier Local Authority District code (2019)"].astype(str),
            "name_2019": sheet["Upper Tier Local Authority District name (2019)"].astype(str),
            "idaci_score": sheet["IDACI - Average score "].astype(float),
        }
    )


def read_statistical_neighbours(path: Path) -> pd.DataFrame:
    """Read DfE's 2025 statistical neighbours model (one row per authority)."""
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return frame


def read_utla_lookup(path: Path) -> pd.DataFrame:
    """Read the ONS LTLA-to-UTLA April 2023 lookup; return unique English UTLAs.

    Columns ``code, name``.
    """
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    utla = frame.loc[frame["UTLA23CD"].str.startswith("E"), ["UTLA23CD", "UTLA23NM"]]
    utla = utla.drop_duplicates().rename(columns={"UTLA23CD": "code", "UTLA23NM": "name"})
    return utla.reset_index(drop=True)


def _parse_wkb_multipolygon(blob: bytes) -> list[list[np.ndarray]]:
    """Parse a WKB (Multi)Polygon into a list of polygons, each a list of rings."""
    pos = 0

    def take(fmt: str, size: int, order: str) -> tuple[int, ...]:
        nonlocal pos
        values = struct.unpack(order + fmt, blob[pos : pos + size])
        pos += size
        return values

    def read_polygon(order: str) -> list[np.ndarray]:
        nonlocal pos
        (n_rings,) = take("I", 4, order)
        rings = []
        for _ in range(n_rings):
            (n_points,) = take("I", 4, order)
            points = np.frombuffer(blob[pos : pos + 16 * n_points], dtype=order + "f8")
            pos += 16 * n_points
            rings.append(points.reshape(-1, 2).copy())
        return rings

    order = "<" if blob[0] == 1 else ">"
    pos = 1
    (geom_type,) = take("I", 4, order)
    if geom_type == 3:
        return [read_polygon(order)]
    if geom_type != 6:
        raise ValueError(f"unsupported WKB geometry type {geom_type}")
    (n_polygons,) = take("I", 4, order)
    polygons = []
    for _ in range(n_polygons):
        inner_order = "<" if blob[pos] == 1 else ">"
        pos += 1
        (inner_type,) = take("I", 4, inner_order)
        if inner_type != 3:
            raise ValueError(f"unexpected WKB part type {inner_type}")
        polygons.append(read_polygon(inner_order))
    return polygons


def _gpkg_geometry(blob: bytes) -> list[list[np.ndarray]]:
    """Decode a GeoPackage binary geometry (header + WKB)."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    envelope = (blob[3] >> 1) & 0b111
    envelope_size = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[envelope]
    return _parse_wkb_multipolygon(blob[8 + envelope_size :])


def read_hex_gpkg(
    path: Path, layer_suffix: str = "7 UTLA-2023"
) -> tuple[list[dict[str, Any]], int]:
    """Read the House of Commons Library UTLA hex layer from the GeoPackage.

    Returns (features, srs_id): each feature is a dict with ``code``,
    ``name``, ``group``, ``region`` and ``polygons`` (list of rings as
    numpy arrays, full source precision).
    """
    uri = f"file:{path}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as connection:
        layers = [
            (name, srs)
            for name, srs in connection.execute(
                "SELECT table_name, srs_id FROM gpkg_contents WHERE data_type = 'features'"
            )
            if name.endswith(layer_suffix)
        ]
        if len(layers) != 1:
            raise ValueError(f"{path.name}: layer ending {layer_suffix!r} not found uniquely")
        table, srs_id = layers[0]
        rows = connection.execute(
            f'SELECT "cua-code", "cua-name", "Group", "RegionNati", geom FROM "{table}" '
            "ORDER BY fid"
        ).fetchall()
    features = [
        {
            "code": code,
            "name": name,
            "group": group,
            "region": region,
            "polygons": _gpkg_geometry(blob),
        }
        for code, name, group, region, blob in rows
    ]
    return features, int(srs_id)


def read_hex_geojson(path: Path) -> list[dict[str, Any]]:
    """Read the converted hex GeoJSON: one dict per feature with its properties
    (``cua-code``, ``cua-name``, ``Group``, ``RegionNati``) and ``polygons``
    (list of rings as numpy arrays; coordinates rounded to 0.1 by the converter).
    """
    with path.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    features = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        parts = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            parts = [parts]
        polygons = [[np.asarray(ring, dtype=float) for ring in part] for part in parts]
        features.append({**feature["properties"], "polygons": polygons})
    return features


# --------------------------------------------------------------------------- second batch

UPPER_TIER_CODE = re.compile(r"^E(06|08|09|10)\d{6}$")


def _text(cell: object) -> str:
    """A cell as stripped text; empty for a missing cell."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return str(cell).strip()


def _ra_layout(sheet: pd.DataFrame, name: str) -> tuple[int | None, int, int]:
    """(asset-ID row or None, line-number row, label row) of an RA 'data by LA' sheet.

    The label row is the one whose first cells read 'E-code', 'ONS Code'; the
    line-number row is the row above it holding 330 (the children's social care
    total); the asset-ID row, where the file has one (2023-24, 2025-26), is the
    one holding ``csctot``.
    """
    top = min(len(sheet), 20)
    label_rows = [i for i in range(top) if str(sheet.iat[i, 0]).strip() == "E-code"
                  and str(sheet.iat[i, 1]).strip() == "ONS Code"]
    if len(label_rows) != 1:
        raise ValueError(f"{name}: RA label row not found")
    label_row = label_rows[0]
    cells = sheet.iloc[:label_row].map(lambda v: _text(v).removesuffix(".0"))
    line_rows = [i for i in range(label_row) if (cells.iloc[i] == "330").sum() == 1
                 and (cells.iloc[i] == "310").sum() == 1]
    asset_rows = [i for i in range(label_row) if (cells.iloc[i] == "csctot").any()]
    if len(line_rows) != 1 or len(asset_rows) > 1:
        raise ValueError(f"{name}: RA line-number or asset-ID row not found")
    return (asset_rows[0] if asset_rows else None), line_rows[0], label_row


def read_ra_budget(path: Path, lines: dict[str, str], encoding: str = "utf-8-sig") -> pd.DataFrame:
    """Read one MHCLG Revenue Account (RA) budget 'data by LA' table into a long table.

    ``path`` is a CSV export (read with ``encoding``, every cell as text) or an
    .xlsx workbook (sheet whose name starts 'RA_LA_Data'). ``lines`` maps RA
    asset IDs (``csctot`` ...) to form line numbers ('330' ...). Columns are
    located by line number, which must occur once in the line-number row, and
    checked against the asset-ID row where the file has one (the 2021-22 export
    has none). Keeps the rows whose ONS code is an upper-tier council's (E06,
    E08, E09, E10) plus the 'ENGLAND' row where the table has one
    (``row_kind`` 'england').

    Returns columns ``ons_code, source_name, ra_class, notes, row_kind, asset,
    line, label, raw`` where ``raw`` is the cell text as published (e.g.
    '1,546', '...', '[x]'); numbers from .xlsx are given as their text.
    """
    if path.suffix == ".xlsx":
        book = pd.read_excel(path, sheet_name=None, header=None, dtype=object,
                             engine="openpyxl")
        names = [n for n in book if n.startswith("RA_LA_Data")]
        if len(names) != 1:
            raise ValueError(f"{path.name}: expected one RA_LA_Data sheet, got {names}")
        sheet = book[names[0]]
    else:
        sheet = pd.read_csv(path, encoding=encoding, header=None, dtype=str,
                            keep_default_na=False)
    asset_row, line_row, label_row = _ra_layout(sheet, path.name)
    line_cells = sheet.iloc[line_row].map(lambda v: _text(v).removesuffix(".0"))
    column_of = {}
    for asset, line in lines.items():
        hits = np.flatnonzero(line_cells == line)
        if len(hits) != 1:
            raise ValueError(f"{path.name}: line {line} found {len(hits)} times")
        column_of[asset] = int(hits[0])
        if asset_row is not None and _text(sheet.iat[asset_row, column_of[asset]]) != asset:
            raise ValueError(f"{path.name}: line {line} is not asset {asset}")
    header = [_text(v) for v in sheet.iloc[label_row]]
    class_col = header.index("Class")
    notes_col = header.index("Notes") if "Notes" in header else None
    records = []
    for i in range(label_row + 1, len(sheet)):
        row = sheet.iloc[i]
        code = _text(row.iloc[1])
        england = any(_text(v) == "ENGLAND" for v in row.iloc[:class_col + 2])
        if not (UPPER_TIER_CODE.match(code) or england):
            continue
        for asset, col in column_of.items():
            cell = row.iloc[col]
            if isinstance(cell, (int, float, np.integer, np.floating)) and not (
                    isinstance(cell, float) and np.isnan(cell)):
                text = str(int(cell)) if float(cell).is_integer() else repr(float(cell))
            else:
                text = _text(cell)
            records.append({
                "ons_code": "ENGLAND" if england else code,
                "source_name": _text(row.iloc[2]),
                "ra_class": _text(row.iloc[class_col]),
                "notes": "" if notes_col is None else _text(row.iloc[notes_col]),
                "row_kind": "england" if england else "authority",
                "asset": asset,
                "line": lines[asset],
                "label": _text(sheet.iat[label_row, col]),
                "raw": text,
            })
    return pd.DataFrame.from_records(records)


def read_ctr_table9(path: Path) -> dict[str, pd.DataFrame]:
    """Read sheets Data_Billing and Data_Precepting of DLUHC's CTR Table 9 (.ods).

    Returns ``{"billing": frame, "precepting": frame}``, each the whole sheet
    with ``header=None`` (the build picks rows by ONS code and columns by
    position after checking the header text). Slow (odf): run it in the pool.
    """
    sheets = pd.read_excel(path, engine="odf", sheet_name=["Data_Billing", "Data_Precepting"],
                           header=None)
    return {"billing": sheets["Data_Billing"], "precepting": sheets["Data_Precepting"]}


def read_ofsted_outcomes(path: Path) -> pd.DataFrame:
    """Read sheet Inspections_as_at_31_March of Ofsted's LA inspection outcomes (.ods).

    The header is the row whose second cell reads 'Local authority area code';
    returns the rows below it with the source's column names.
    """
    sheet = pd.read_excel(path, engine="odf", sheet_name="Inspections_as_at_31_March",
                          header=None)
    rows = [i for i in range(len(sheet)) if sheet.iat[i, 1] == "Local authority area code"]
    if len(rows) != 1:
        raise ValueError(f"{path.name}: header row not found")
    body = sheet.iloc[rows[0] + 1 :].copy()
    body.columns = [str(c) for c in sheet.iloc[rows[0]]]
    return body.reset_index(drop=True)


def read_plain_csv(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as text (UTF-8, a byte-order mark dropped)."""
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
