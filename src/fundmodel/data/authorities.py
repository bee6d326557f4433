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

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray, IntArray
from fundmodel.core.files import CSV_LIMIT, read_input_file
from fundmodel.core.text import bad_characters, excerpt
from fundmodel.data.authority_csv import (
    ID_COLUMNS,
    OPTIONAL_TEXT_COLUMNS,
    SIGNED_PREFIXES,
    TEXT_COLUMNS,
    UPPER_BOUNDS,
    parse_authority_csv,
)
from fundmodel.data.known import check_known, known_authorities
from fundmodel.errors import DataError

__all__ = ["ID_COLUMNS", "OPTIONAL_TEXT_COLUMNS", "SIGNED_PREFIXES", "UPPER_BOUNDS",
           "Authorities", "Geography", "authorities_from_frame", "current_codes",
           "load_authorities", "parse_authority_csv"]

Geography = Literal["england", "custom"]
"""``"england"``: the 153 current upper-tier councils, every row checked against its ONS
code's name, region and council type. ``"custom"``: any set of areas (wards, LSOAs, Welsh
councils, a synthetic test set): codes checked for format and uniqueness only."""

ENGLAND_CHECKS_SKIPPED = ("current ONS code", "name and region against the code",
                          "region list", "council type from code prefix", "all 153 present")
"""The checks a custom geography switches off (recorded on :attr:`Authorities.checks_skipped`)."""

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
    _frame: pd.DataFrame = field(repr=False)
    _missing: pd.DataFrame = field(repr=False)
    source: str
    checksum: str
    _numeric: dict[str, FloatArray] = field(repr=False, default_factory=dict)
    geography: Geography = "england"

    def __post_init__(self) -> None:
        for array in (self.codes, self.names, self.regions, self.council_types):
            array.setflags(write=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The data as a DataFrame (a copy: changing it never changes this object)."""
        return self._frame.copy()

    @property
    def missing(self) -> pd.DataFrame:
        """Why each missing cell is missing: code, name, column, reason, detail (a copy)."""
        return self._missing.copy()

    @property
    def checks_skipped(self) -> tuple[str, ...]:
        """The England-council checks not made on this data (empty for ``"england"``)."""
        return ENGLAND_CHECKS_SKIPPED if self.geography == "custom" else ()

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
            hint = ("; this is a custom geography, which has only the columns of its own file "
                    "(fundmodel's presets read England council columns such as "
                    "children_0_17: add the column or choose another indicator)"
                    if self.geography == "custom" else "")
            raise DataError(
                f"no numeric column {name!r} in {self.source}; "
                f"available: {', '.join(self._numeric)}{hint}"
            ) from None

    def align(self, values: object, what: str) -> FloatArray:
        """One float per authority, in row order. A labelled input (a ``pandas.Series`` or a
        mapping by code) is matched by code, and missing, extra or repeated codes are refused;
        an unlabelled one (list, array) must have exactly one value per authority.

        >>> import pandas as pd
        >>> la = load_authorities().select(["E06000002", "E06000001"])
        >>> la.align(pd.Series({"E06000001": 1.0, "E06000002": 2.0}), "baseline").tolist()
        [2.0, 1.0]
        """
        if isinstance(values, pd.DataFrame):
            raise DataError(f"{what}: expected one value per authority (a Series or a list), "
                            "got a DataFrame")
        if isinstance(values, dict | pd.Series):
            series = pd.Series(values) if isinstance(values, dict) else values
            labels = [str(c) for c in series.index]
            if len(set(labels)) < len(labels):
                twice = sorted({c for c in labels if labels.count(c) > 1})
                raise DataError(f"{what}: code(s) {twice[:5]} appear more than once")
            have, want = set(labels), set(self.codes.tolist())
            if have != want:
                extra, absent = sorted(have - want), sorted(want - have)
                raise DataError(
                    f"{what}: labelled by code, but " + "; ".join(
                        part for part in (
                            f"{len(absent)} authorit{'y' if len(absent) == 1 else 'ies'} "
                            f"missing ({', '.join(absent[:5])})" if absent else "",
                            f"{len(extra)} code(s) not among these authorities "
                            f"({', '.join(extra[:5])})" if extra else "") if part))
            series = pd.Series(series.to_numpy(), index=labels)
            try:
                return series.reindex(self.codes.tolist()).to_numpy(dtype=np.float64)
            except (TypeError, ValueError):
                raise DataError(f"{what}: values must be numbers") from None
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError(f"{what}: values must be numbers") from None
        if array.shape != (self.n,):
            raise DataError(f"{what}: must have one value per authority ({self.n}), got shape "
                            f"{array.shape} (a Series indexed by code is matched by code)")
        return array

    def missing_reason(self, name: str, code: str) -> str:
        """Why ``code``'s value in column ``name`` is missing (from the data's missing table)."""
        table = self._missing
        rows = table[(table["column"] == name) & (table["code"] == code)]
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
        if idx.ndim != 1:
            raise DataError(f"positions must be one list of row numbers, got shape {idx.shape}")
        bad = idx[(idx < 0) | (idx >= self.n)]
        if bad.size:
            raise DataError(f"row position {int(bad[0])} is outside 0..{self.n - 1}")
        if np.unique(idx).size < idx.size:
            values, counts = np.unique(idx, return_counts=True)
            twice = int(values[counts > 1][0])
            raise DataError(f"{self.codes[twice]} {self.names[twice]} is asked for more than "
                            "once (a council would be counted twice)")
        frame = self._frame.iloc[idx].reset_index(drop=True)
        keep = set(frame["code"])
        missing = self._missing[self._missing["code"].isin(keep)].reset_index(drop=True)
        return _build(frame, missing, self.source, self.checksum, self.geography)

    def select(self, codes: Sequence[str]) -> Authorities:
        """A new Authorities holding just ``codes`` in that order; unknown codes raise."""
        if isinstance(codes, str):
            raise DataError(f"select takes a list of codes, not the single text {codes!r}")
        position = {c: i for i, c in enumerate(self.codes.tolist())}
        unknown = [c for c in codes if c not in position]
        if unknown:
            raise DataError(f"unknown authority code(s) {unknown} in {self.source}")
        return self.take([position[c] for c in codes])

    def to_frame(self) -> pd.DataFrame:
        """A copy of the data as a DataFrame (one row per authority). Its ``attrs`` record
        the geography and whether every council is present, so
        :func:`authorities_from_frame` applies the same checks to a modified copy."""
        out = self._frame.copy()
        out.attrs["fundmodel_geography"] = self.geography
        out.attrs["fundmodel_all_councils"] = (
            self.geography == "england" and set(self.codes.tolist()) >= set(known_authorities()))
        return out

    def __repr__(self) -> str:
        geo = ", geography='custom'" if self.geography == "custom" else ""
        return (f"Authorities(n={self.n}, source={self.source!r}, "
                f"checksum={self.checksum[:12]}{geo})")

    def _repr_html_(self) -> str:
        import html

        missing = int(self._frame[list(self.numeric_columns)].isna().sum().sum())
        head = self._frame.reindex(columns=list(ID_COLUMNS)).head(5).fillna("")
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


def current_codes() -> dict[str, str]:
    """ONS code -> name of the 153 current authorities (a fresh copy each call).

    >>> current_codes()["E06000002"]
    'Middlesbrough'
    """
    return {code: name for code, (name, _) in known_authorities().items()}


def load_authorities(path: str | Path | None = None, *, require_all: bool = True,
                     geography: Geography = "england") -> Authorities:
    """Load the embedded default data, or a user's CSV with the same layout.

    A user file needs ``code``, ``name``, ``region`` and ``council_type`` columns and any
    numeric columns (counts, rates, money in pounds). Empty cells are missing values;
    any other value that is not a plain finite non-negative decimal number is an error.
    Codes must be current authorities, and each row's name and region must be that code's
    (case, punctuation, "&"/"and" and words such as "City of" aside), so a code column
    that slipped against its data is refused; with ``require_all`` (the default) all 153
    must be present, otherwise the file may hold a subset (the result covers just those).

    ``geography="custom"`` loads any set of areas (wards, LSOAs, Welsh councils, made-up
    test areas): ``code`` and ``name`` are required, codes are checked for format and
    uniqueness only, ``region`` and ``council_type`` are optional free text (empty when
    absent), and the object records what was not checked (:attr:`Authorities.checks_skipped`).

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
    _check_geography(geography)
    file = Path(path)
    raw = read_input_file(file, "authority CSV", limit=CSV_LIMIT, error=DataError)
    return _from_bytes(raw, str(file), geography, require_all)


def authorities_from_frame(frame: pd.DataFrame, label: str = "DataFrame", *,
                           require_all: bool | None = None,
                           geography: Geography | None = None) -> Authorities:
    """Validate a DataFrame with the authority layout: the same checks as a CSV file
    (:func:`load_authorities`), including codes against names and regions and, with
    ``require_all``, all 153 councils present.

    Defaults: a frame made by :meth:`Authorities.to_frame` keeps the geography and
    completeness of the authorities it came from (recorded in its ``attrs``); any other
    frame is taken as England's councils, all 153 required.

    >>> import pandas as pd
    >>> la = authorities_from_frame(pd.DataFrame({
    ...     "code": ["E06000001", "E09000002"], "name": ["Hartlepool", "Barking & Dagenham"],
    ...     "region": ["North East", "London"], "council_type": ["unitary", "london_borough"],
    ...     "children_0_17": [100, 300]}), require_all=False)
    >>> la.column("children_0_17").tolist()
    [100.0, 300.0]
    >>> test = authorities_from_frame(pd.DataFrame({"code": ["W1", "W2"], "name": ["a", "b"],
    ...     "children_0_17": [5, 7]}), "test wards", geography="custom")
    >>> test.geography, test.regions.tolist()
    ('custom', ['', ''])
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{label}: expected a pandas DataFrame, got {type(frame).__name__}")
    if geography is None:
        geography = frame.attrs.get("fundmodel_geography", "england")
    if require_all is None:
        require_all = bool(frame.attrs.get("fundmodel_all_councils", True))
    _check_geography(geography)
    for column in [c for c in TEXT_COLUMNS if c in frame.columns]:
        for i, value in enumerate(frame[column].tolist()):  # before the CSV round trip
            bad = bad_characters(value) if isinstance(value, str) else None
            if bad:
                raise DataError(f"{label}, row {i + 2}, column {column}: {excerpt(value)} "
                                f"contains {bad}")
    raw = frame.to_csv(index=False, lineterminator="\n").encode()
    return _from_bytes(raw, label, geography, require_all)


def _check_geography(geography: str) -> None:
    if geography not in ("england", "custom"):
        raise DataError(f"geography must be 'england' or 'custom', got {geography!r}")


def _from_bytes(raw: bytes, label: str, geography: Geography, require_all: bool) -> Authorities:
    frame = parse_authority_csv(raw, label, geography)
    if geography == "england":
        check_known(frame, label, require_all)
    return _build(frame, _missing_from_frame(frame), label, hashlib.sha256(raw).hexdigest(),
                  geography)


def _missing_from_frame(frame: pd.DataFrame) -> pd.DataFrame:
    numeric = [c for c in frame.columns if c not in TEXT_COLUMNS]
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


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:  # optional in a custom geography
        return np.full(len(frame), "", dtype=str)
    return frame[column].to_numpy(dtype=str)


def _build(frame: pd.DataFrame, missing: pd.DataFrame, source: str, checksum: str,
           geography: Geography = "england") -> Authorities:
    numeric: dict[str, FloatArray] = {}
    for col in frame.columns:
        if col in TEXT_COLUMNS:
            continue
        arr = frame[col].to_numpy(dtype=np.float64, copy=True)
        arr.setflags(write=False)
        numeric[col] = arr
    return Authorities(
        codes=_text(frame, "code"),
        names=_text(frame, "name"),
        regions=_text(frame, "region"),
        council_types=_text(frame, "council_type"),
        _frame=frame.reset_index(drop=True),
        _missing=missing,
        source=source,
        checksum=checksum,
        _numeric=numeric,
        geography=geography,
    )
