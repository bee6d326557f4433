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
