"""Parsing an authority CSV: header, rows, identifying columns and numeric cells, every
error naming the file, row, column and value (quoted in short, escaped form).

>>> frame = parse_authority_csv(b"code,name,region,council_type,v\\n"
...     b"E06000001,Hartlepool,North East,unitary,1.5\\n", "a.csv")
>>> frame["v"].tolist()
[1.5]
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray
from fundmodel.core.numbers import NOT_PLAIN, is_plain_decimal
from fundmodel.core.text import excerpt
from fundmodel.data.known import check_ids
from fundmodel.errors import DataError

ID_COLUMNS: tuple[str, ...] = ("code", "name", "region", "council_type")
"""Columns every authority file must have; all other columns are numeric."""

CUSTOM_ID_COLUMNS: tuple[str, ...] = ("code", "name")
"""Columns a custom geography's file must have (``region``, ``council_type`` optional)."""

OPTIONAL_TEXT_COLUMNS: tuple[str, ...] = ("la_number",)

TEXT_COLUMNS = ID_COLUMNS + OPTIONAL_TEXT_COLUMNS

UPPER_BOUNDS: dict[str, float] = {
    "child_poverty_pct": 100.0,
    "ehcp_pct": 100.0,
    "cla_rate_per_10k_2025": 10_000.0,
    "idaci_score_2019": 1.0,
}
"""Columns with a natural upper limit (percentages, rates, scores)."""

SIGNED_PREFIXES: tuple[str, ...] = ("s251_", "ro3_", "net_", "gbp_signed_")
"""Money columns that may be negative (net expenditure lines can be: income above spend).
Every other numeric column (counts, rates, shares, gross amounts) must be >= 0."""

csv.field_size_limit(64 * 1024 * 1024)


def parse_authority_csv(raw: bytes, label: str, geography: str = "england") -> pd.DataFrame:
    """Parse and validate authority CSV bytes; errors name ``label``, row, column and value."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{label}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise DataError(f"{label}: file is empty")
    header_line = text.split("\n", 1)[0]
    if "," not in header_line:
        for sep in (";", "\t", "|"):
            if sep in header_line:
                raise DataError(
                    f"{label}: header uses {sep!r} as its delimiter; fundmodel reads "
                    "comma-separated files"
                )
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        raise DataError(f"{label}: not valid CSV ({exc})") from None
    header, body = rows[0], rows[1:]
    _check_header(header, label, geography)
    for i, row in enumerate(body):
        if len(row) != len(header):
            raise DataError(
                f"{label}, row {i + 2}: {len(row)} fields, header has {len(header)}"
            )
    if not body:
        raise DataError(f"{label}: no authority rows")
    columns = list(zip(*body, strict=True))
    ids = {c: list(columns[j]) for j, c in enumerate(header) if c in TEXT_COLUMNS}
    frame = pd.DataFrame(ids, dtype=object)
    check_ids(frame, label, geography)
    numeric = {c: _parse_numeric(columns[j], c, label)
               for j, c in enumerate(header) if c not in TEXT_COLUMNS}
    # one concat, not one insertion per column: linear in the number of columns
    return pd.concat([frame, pd.DataFrame(numeric, index=frame.index)], axis=1)


def _check_header(header: list[str], label: str, geography: str) -> None:
    for col in header:
        if col != col.strip() or not col:
            raise DataError(f"{label}, header: column name {excerpt(col)} is empty or has "
                            "spaces")
    if len(set(header)) < len(header):
        counts: dict[str, int] = {}
        for c in header:
            counts[c] = counts.get(c, 0) + 1
        dupes = sorted(c for c, k in counts.items() if k > 1)
        raise DataError(f"{label}, header: duplicate column(s) "
                        f"{excerpt(', '.join(dupes), 200)}")
    required = ID_COLUMNS if geography == "england" else CUSTOM_ID_COLUMNS
    absent = [c for c in required if c not in header]
    if absent:
        raise DataError(f"{label}, header: missing required column(s) {absent}")


def _parse_numeric(values: tuple[str, ...], col: str, label: str) -> FloatArray:
    out = np.empty(len(values), dtype=np.float64)
    upper = UPPER_BOUNDS.get(col, math.inf)
    signed = col.startswith(SIGNED_PREFIXES)
    shown = col if len(col) <= 60 and col.isprintable() else excerpt(col, 60)
    for i, text in enumerate(values):
        if text == "":
            out[i] = np.nan
            continue
        where = f"{label}, row {i + 2}, column {shown}"
        try:
            value = float(text)
        except ValueError:
            hint = " (thousands separators are not accepted)" if "," in text else ""
            raise DataError(f"{where}: value {excerpt(text)} is not a number{hint}") from None
        if text != text.strip():
            raise DataError(f"{where}: value {excerpt(text)} has leading/trailing spaces")
        if not math.isfinite(value):
            raise DataError(
                f"{where}: value {excerpt(text)} is not finite (leave the cell empty if missing)"
            )
        if not is_plain_decimal(text):
            raise DataError(f"{where}: value {excerpt(text)} {NOT_PLAIN}")
        if value < 0 and not signed:
            raise DataError(f"{where}: value {excerpt(text)} is negative")
        if value > upper:
            raise DataError(f"{where}: value {excerpt(text)} is above its maximum {upper:g}")
        out[i] = value
    return out
