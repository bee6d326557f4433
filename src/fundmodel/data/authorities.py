"""Authority data: load, validate and hold the 153 councils as numpy arrays.

``load_authorities()`` returns the data embedded in the package (real published figures,
each column traced in ``fundmodel/data/sources.yaml``); ``load_authorities(path)`` reads
a CSV with the same layout and validates every cell, naming file, row, column and value
of anything it cannot use. Nothing is filled, clipped or dropped: an empty cell stays
missing (NaN) and its reason is kept in :attr:`Authorities.missing`.

>>> from fundmodel import load_authorities
>>> la = load_authorities()
>>> la.n
153
>>> int(la.column("children_0_17").sum())
12183016
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray, IntArray
from fundmodel.data.codes import CODE_PATTERN, COUNCIL_TYPES, REGIONS, REORGANISED, council_type_of
from fundmodel.errors import DataError

ID_COLUMNS: tuple[str, ...] = ("code", "name", "region", "council_type")
"""Columns every authority file must have; all other columns are numeric."""

OPTIONAL_TEXT_COLUMNS: tuple[str, ...] = ("la_number",)

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

_DATA_PACKAGE = "fundmodel.data"


@dataclass(frozen=True, eq=False)
class Authorities:
    """Validated authority data: one row per council, keyed by ONS code.

    Attributes hold numpy arrays in row order; :meth:`column` returns a numeric column
    (NaN where missing) and :attr:`missing` says why each missing cell is missing.
    """

    codes: np.ndarray
    names: np.ndarray
    regions: np.ndarray
    council_types: np.ndarray
    frame: pd.DataFrame
    missing: pd.DataFrame
    source: str
    checksum: str
    _numeric: dict[str, FloatArray] = field(repr=False, default_factory=dict)

    @property
    def n(self) -> int:
        """Number of authorities."""
        return int(self.codes.size)

    @property
    def numeric_columns(self) -> tuple[str, ...]:
        """Names of the numeric columns available as indicators."""
        return tuple(self._numeric)

    def column(self, name: str) -> FloatArray:
        """A numeric column as float64 (a read-only view; NaN where missing)."""
        try:
            return self._numeric[name]
        except KeyError:
            raise DataError(
                f"no numeric column {name!r} in {self.source}; "
                f"available: {', '.join(self._numeric)}"
            ) from None

    def missing_reason(self, name: str, code: str) -> str:
        """Why ``code``'s value in column ``name`` is missing (from the data's missing table)."""
        rows = self.missing[(self.missing["column"] == name) & (self.missing["code"] == code)]
        if rows.empty:
            return "empty in file"
        row = rows.iloc[0]
        detail = str(row.get("detail", "") or "")
        return f"{row['reason']}: {detail}" if detail else str(row["reason"])

    def code_rank(self) -> IntArray:
        """Rank of each authority's code in sorted order (used to break rounding ties)."""
        order = np.argsort(self.codes, kind="stable")
        ranks = np.empty(self.n, dtype=np.int64)
        ranks[order] = np.arange(self.n)
        return ranks

    def take(self, positions: Sequence[int] | IntArray) -> Authorities:
        """A new Authorities with rows in the given order (a subset or a permutation)."""
        idx = np.asarray(positions, dtype=np.int64)
        frame = self.frame.iloc[idx].reset_index(drop=True)
        keep = set(frame["code"])
        missing = self.missing[self.missing["code"].isin(keep)].reset_index(drop=True)
        return _build(frame, missing, self.source, self.checksum)

    def select(self, codes: Sequence[str]) -> Authorities:
        """A new Authorities holding just ``codes`` in that order; unknown codes raise."""
        position = {c: i for i, c in enumerate(self.codes)}
        unknown = [c for c in codes if c not in position]
        if unknown:
            raise DataError(f"unknown authority code(s) {unknown} in {self.source}")
        return self.take([position[c] for c in codes])

    def to_frame(self) -> pd.DataFrame:
        """A copy of the data as a DataFrame (one row per authority)."""
        return self.frame.copy()

    def __repr__(self) -> str:
        return f"Authorities(n={self.n}, source={self.source!r}, checksum={self.checksum[:12]})"

    def _repr_html_(self) -> str:
        import html

        missing = int(self.frame[list(self.numeric_columns)].isna().sum().sum())
        head = self.frame[["code", "name", "region", "council_type"]].head(5)
        rows = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>"
            for r in head.itertuples(index=False)
        )
        return (
            f"<div><strong>{self.n} authorities</strong> from {html.escape(self.source)} "
            f"(sha256 {self.checksum[:12]}); {len(self.numeric_columns)} numeric columns, "
            f"{missing} missing cells (reasons in <code>.missing</code>)"
            "<table><thead><tr><th>code</th><th>name</th><th>region</th><th>type</th></tr>"
            f"</thead><tbody>{rows}</tbody></table><small>first five rows; "
            "<code>.to_frame()</code> for all</small></div>"
        )


@lru_cache(maxsize=1)
def current_codes() -> dict[str, str]:
    """ONS code -> name of the 153 current authorities (from the embedded data)."""
    frame = pd.read_csv(
        io.BytesIO(resources.files(_DATA_PACKAGE).joinpath("authorities.csv").read_bytes()),
        dtype=str, keep_default_na=False, usecols=["code", "name"],
    )
    return dict(zip(frame["code"], frame["name"], strict=True))


def load_authorities(path: str | Path | None = None, *, require_all: bool = True) -> Authorities:
    """Load the embedded default data, or a user's CSV with the same layout.

    A user file needs ``code``, ``name``, ``region`` and ``council_type`` columns and any
    numeric columns (counts, rates, money in pounds). Empty cells are missing values;
    any other value that is not a plain finite non-negative number is an error. Codes must
    be current authorities; with ``require_all`` (the default) all 153 must be present,
    otherwise the file may hold a subset (and the result covers just those councils).

    >>> la = load_authorities()
    >>> la.codes[:2].tolist(), la.n
    (['E06000001', 'E06000002'], 153)
    """
    if path is None:
        base = resources.files(_DATA_PACKAGE)
        raw = base.joinpath("authorities.csv").read_bytes()
        missing = pd.read_csv(
            io.BytesIO(base.joinpath("missing.csv").read_bytes()), dtype=str, keep_default_na=False
        )
        frame = parse_authority_csv(raw, "fundmodel embedded authorities.csv")
        return _build(frame, missing, "embedded data", hashlib.sha256(raw).hexdigest())
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise DataError(f"{file}: cannot read file ({exc.strerror})") from None
    frame = parse_authority_csv(raw, str(file))
    _check_known(frame, str(file), require_all)
    missing = _missing_from_frame(frame)
    return _build(frame, missing, str(file), hashlib.sha256(raw).hexdigest())


def authorities_from_frame(frame: pd.DataFrame, label: str = "DataFrame") -> Authorities:
    """Validate a DataFrame with the authority layout (same checks as a CSV file).

    >>> import pandas as pd
    >>> la = authorities_from_frame(pd.DataFrame({
    ...     "code": ["E06000001", "E09000002"], "name": ["A", "B"],
    ...     "region": ["North East", "London"], "council_type": ["unitary", "london_borough"],
    ...     "children_0_17": [100, 300]}))
    >>> la.column("children_0_17").tolist()
    [100.0, 300.0]
    """
    raw = frame.to_csv(index=False, lineterminator="\n").encode()
    parsed = parse_authority_csv(raw, label)
    return _build(parsed, _missing_from_frame(parsed), label, hashlib.sha256(raw).hexdigest())


def parse_authority_csv(raw: bytes, label: str) -> pd.DataFrame:
    """Parse and validate authority CSV bytes; errors name ``label``, row, column and value."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{label}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise DataError(f"{label}: file is empty")
    header_line = text.splitlines()[0]
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
    _check_header(header, label)
    for i, row in enumerate(body):
        if len(row) != len(header):
            raise DataError(
                f"{label}, row {i + 2}: {len(row)} fields, header has {len(header)}"
            )
    if not body:
        raise DataError(f"{label}: no authority rows")
    frame = pd.DataFrame(body, columns=header, dtype=object)
    _check_ids(frame, label)
    numeric_cols = [c for c in header if c not in ID_COLUMNS + OPTIONAL_TEXT_COLUMNS]
    out = frame[[c for c in header if c in ID_COLUMNS + OPTIONAL_TEXT_COLUMNS]].copy()
    for col in numeric_cols:
        out[col] = _parse_numeric(frame[col].tolist(), col, label)
    return out


def _check_known(frame: pd.DataFrame, label: str, require_all: bool) -> None:
    known = current_codes()
    for i, code in enumerate(frame["code"]):
        if code not in known:
            raise DataError(
                f"{label}, row {i + 2}, column code: {code} is not a current English upper-tier "
                "authority with children's services duties (2023 codes)"
            )
    absent = [f"{c} {n}" for c, n in known.items() if c not in set(frame["code"])]
    if require_all and absent:
        shown = "; ".join(absent[:5]) + (f" and {len(absent) - 5} more" if len(absent) > 5 else "")
        raise DataError(
            f"{label}: {len(absent)} authorit{'y is' if len(absent) == 1 else 'ies are'} missing: "
            f"{shown} (pass require_all=False to load a subset)"
        )


def _check_header(header: list[str], label: str) -> None:
    for col in header:
        if col != col.strip() or not col:
            raise DataError(f"{label}, header: column name {col!r} is empty or has spaces")
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise DataError(f"{label}, header: duplicate column(s) {dupes}")
    absent = [c for c in ID_COLUMNS if c not in header]
    if absent:
        raise DataError(f"{label}, header: missing required column(s) {absent}")


def _check_ids(frame: pd.DataFrame, label: str) -> None:
    seen: dict[str, int] = {}
    for i, (code, name, region, ctype) in enumerate(
        frame[list(ID_COLUMNS)].itertuples(index=False, name=None)
    ):
        where = f"{label}, row {i + 2}"
        if code != code.strip():
            raise DataError(f"{where}, column code: value {code!r} has leading/trailing spaces")
        if code in REORGANISED:
            old = REORGANISED[code]
            raise DataError(
                f"{where}, column code: {code} ({old.name}) was replaced in {old.year} by "
                f"{', '.join(old.successors)}; map it to the current code(s) first"
            )
        if not CODE_PATTERN.match(code):
            raise DataError(
                f"{where}, column code: value {code!r} is not an English upper-tier ONS code "
                "(E06, E08, E09 or E10 followed by 6 digits)"
            )
        if code in seen:
            raise DataError(f"{where}, column code: {code} duplicates row {seen[code]}")
        seen[code] = i + 2
        if not name.strip():
            raise DataError(f"{where}, column name: empty name for {code}")
        if region not in REGIONS:
            raise DataError(
                f"{where}, column region: {region!r} for {code} is not one of {list(REGIONS)}"
            )
        if ctype != council_type_of(code):
            raise DataError(
                f"{where}, column council_type: {ctype!r} for {code}, but its code prefix "
                f"means {council_type_of(code)!r} (one of {sorted(COUNCIL_TYPES.values())})"
            )


def _parse_numeric(values: list[str], col: str, label: str) -> FloatArray:
    out = np.empty(len(values), dtype=np.float64)
    upper = UPPER_BOUNDS.get(col, math.inf)
    for i, text in enumerate(values):
        where = f"{label}, row {i + 2}, column {col}"
        if text == "":
            out[i] = np.nan
            continue
        try:
            value = float(text)
        except ValueError:
            hint = " (thousands separators are not accepted)" if "," in text else ""
            raise DataError(f"{where}: value {text!r} is not a number{hint}") from None
        if text != text.strip():
            raise DataError(f"{where}: value {text!r} has leading/trailing spaces")
        if not math.isfinite(value):
            raise DataError(
                f"{where}: value {text!r} is not finite (leave the cell empty if missing)"
            )
        if value < 0 and not col.startswith(SIGNED_PREFIXES):
            raise DataError(f"{where}: value {text!r} is negative")
        if value > upper:
            raise DataError(f"{where}: value {text!r} is above its maximum {upper:g}")
        out[i] = value
    return out


def _missing_from_frame(frame: pd.DataFrame) -> pd.DataFrame:
    numeric = [c for c in frame.columns if c not in ID_COLUMNS + OPTIONAL_TEXT_COLUMNS]
    long = frame.melt(id_vars=["code", "name"], value_vars=numeric, var_name="column")
    long = long[long["value"].isna()]
    return pd.DataFrame(
        {
            "code": long["code"].to_numpy(),
            "name": long["name"].to_numpy(),
            "column": long["column"].to_numpy(),
            "reason": "empty in file",
            "detail": "",
        }
    ).reset_index(drop=True)


def _build(frame: pd.DataFrame, missing: pd.DataFrame, source: str, checksum: str) -> Authorities:
    numeric: dict[str, FloatArray] = {}
    for col in frame.columns:
        if col in ID_COLUMNS + OPTIONAL_TEXT_COLUMNS:
            continue
        arr = frame[col].to_numpy(dtype=np.float64, copy=True)
        arr.setflags(write=False)
        numeric[col] = arr
    return Authorities(
        codes=frame["code"].to_numpy(dtype=str),
        names=frame["name"].to_numpy(dtype=str),
        regions=frame["region"].to_numpy(dtype=str),
        council_types=frame["council_type"].to_numpy(dtype=str),
        frame=frame.reset_index(drop=True),
        missing=missing,
        source=source,
        checksum=checksum,
        _numeric=numeric,
    )
