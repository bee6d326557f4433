"""The current authorities' names and regions, and the checks that tie every row of a user's
file to its ONS code (so a code column that slipped against its data is caught).

>>> normalise_name("Kingston upon Hull, City of") == normalise_name("City of Kingston-upon-Hull")
True
>>> normalise_name("Brighton & Hove") == normalise_name("Brighton and Hove")
True
>>> known_authorities()["E06000001"]
('Hartlepool', 'North East')
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import pandas as pd

from fundmodel.core.text import bad_characters, excerpt
from fundmodel.data.codes import CODE_PATTERN, COUNCIL_TYPES, REGIONS, REORGANISED, council_type_of
from fundmodel.errors import DataError

CUSTOM_CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}", re.ASCII)
"""Codes of a custom geography: ASCII letters, digits, ``_``, ``.``, ``-``; at most 32."""

_FILLER = frozenset({"city", "of", "county", "council", "borough", "the", "royal",
                     "metropolitan", "district"})


def normalise_name(name: str) -> tuple[str, ...]:
    """A name reduced for matching: case, punctuation, ``&``/``and``, word order and the
    words city, of, county, council, borough, the, royal, metropolitan, district ignored."""
    words = re.sub(r"[^\w]+", " ", name.casefold().replace("&", " and ")).split()
    kept = [w for w in words if w not in _FILLER]
    return tuple(sorted(kept or words))


@lru_cache(maxsize=1)
def _known() -> Mapping[str, tuple[str, str]]:
    raw = resources.files("fundmodel.data").joinpath("authorities.csv").read_bytes()
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    return MappingProxyType({r["code"]: (r["name"], r["region"]) for r in rows})


def known_authorities() -> dict[str, tuple[str, str]]:
    """ONS code -> (name, region) of the 153 current authorities (a fresh copy each call)."""
    return dict(_known())


def check_ids(frame: pd.DataFrame, label: str, geography: str) -> None:
    """Row checks on the identifying columns: codes (format, uniqueness, and for England
    current, not reorganised), names and regions (no control characters; for England the
    region list and the council type implied by the code prefix)."""
    seen: dict[str, int] = {}
    england = geography == "england"
    columns = [c for c in ("code", "name", "region", "council_type") if c in frame.columns]
    for i, row in enumerate(frame[columns].itertuples(index=False, name=None)):
        code, name = row[0], row[1]
        where = f"{label}, row {i + 2}"
        if code != code.strip():
            raise DataError(f"{where}, column code: value {excerpt(code)} has leading/trailing "
                            "spaces")
        if england:
            _check_england_code(code, where)
        elif not CUSTOM_CODE_PATTERN.fullmatch(code):
            raise DataError(f"{where}, column code: value {excerpt(code)} is not a code (1 to 32 "
                            "ASCII letters, digits, '_', '.' or '-', starting with a letter "
                            "or digit)")
        if code in seen:
            raise DataError(f"{where}, column code: {code} duplicates row {seen[code]}")
        seen[code] = i + 2
        for column, text in zip(columns[1:], row[1:], strict=True):
            bad = bad_characters(text)
            if bad:
                raise DataError(f"{where}, column {column}: {excerpt(text)} for {code} contains "
                                f"{bad}")
        if not name.strip():
            raise DataError(f"{where}, column name: empty name for {code}")
        if england:
            _check_england_region_type(code, row[2], row[3], where)


def _check_england_code(code: str, where: str) -> None:
    if code in REORGANISED:
        old = REORGANISED[code]
        raise DataError(
            f"{where}, column code: {code} ({old.name}) was replaced in {old.year} by "
            f"{', '.join(old.successors)}; map it to the current code(s) first"
        )
    if not CODE_PATTERN.match(code):
        raise DataError(
            f"{where}, column code: value {excerpt(code)} is not an English upper-tier ONS code "
            "(E06, E08, E09 or E10 followed by 6 digits; for other areas load with "
            "geography='custom')"
        )


def _check_england_region_type(code: str, region: str, ctype: str, where: str) -> None:
    if region not in REGIONS:
        raise DataError(
            f"{where}, column region: {excerpt(region)} for {code} is not one of {list(REGIONS)}"
        )
    if ctype != council_type_of(code):
        raise DataError(
            f"{where}, column council_type: {excerpt(ctype)} for {code}, but its code prefix "
            f"means {council_type_of(code)!r} (one of {sorted(COUNCIL_TYPES.values())})"
        )


def check_known(frame: pd.DataFrame, label: str, require_all: bool) -> None:
    """England: every code is a current authority whose name and region the row matches;
    with ``require_all`` all 153 are present."""
    known = _known()
    for i, (code, name, region) in enumerate(
        frame[["code", "name", "region"]].itertuples(index=False, name=None)
    ):
        where = f"{label}, row {i + 2}"
        if code not in known:
            raise DataError(
                f"{where}, column code: {code} is not a current English upper-tier "
                "authority with children's services duties (2023 codes)"
            )
        known_name, known_region = known[code]
        if normalise_name(name) != normalise_name(known_name):
            raise DataError(
                f"{where}, column name: the row says {excerpt(name)} but {code} is "
                f"{known_name!r} ({known_region}); the code column may have slipped against "
                "the rest of the row (sorted on its own?)"
            )
        if region != known_region:
            raise DataError(
                f"{where}, column region: the row says {excerpt(region)} for {code} "
                f"{known_name}, which is in {known_region!r}"
            )
    present = set(frame["code"])
    absent = [f"{c} {n}" for c, (n, _) in known.items() if c not in present]
    if require_all and absent:
        shown = "; ".join(absent[:5]) + (f" and {len(absent) - 5} more" if len(absent) > 5 else "")
        raise DataError(
            f"{label}: {len(absent)} authorit{'y is' if len(absent) == 1 else 'ies are'} missing: "
            f"{shown} (pass require_all=False to load a subset)"
        )
