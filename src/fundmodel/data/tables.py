"""Loaders for the second-batch tables shipped with the package.

Long files share the layout of ``series.csv`` (``code, name, period, measure,
value, flag``) and its code rules (predecessors keep their own codes, flag
``predecessor``); small tables have their own columns. Every loader returns a
fresh DataFrame; values are never filled. Flags are described in
``sources.yaml`` (``long_files.flags``).

>>> budgets = load_budgets()
>>> sorted(budgets["period"].unique())
['2021-22', '2023-24', '2025-26']
>>> float(load_deflator().set_index("fiscal_year").loc["2022-23", "gdp_deflator"])
91.2996
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

import pandas as pd

from fundmodel.errors import DataError

LONG_COLUMNS: tuple[str, ...] = ("code", "name", "period", "measure", "value", "flag")
"""Columns of every long table (as series.csv)."""

LONG_FILES: tuple[str, ...] = ("budgets.csv", "council_tax.csv", "workforce.csv",
                               "placements.csv")
"""The long tables shipped in ``fundmodel.data``."""

_COLUMNS: dict[str, tuple[str, ...]] = {
    **{name: LONG_COLUMNS for name in LONG_FILES},
    "deflator.csv": ("fiscal_year", "gdp_deflator", "is_forecast"),
    "flags.csv": ("code", "name", "measure", "period", "check", "values", "reason"),
    "ofsted.csv": ("code", "ofsted_name", "inspection_date", "publication_date",
                   "overall_effectiveness", "grade"),
    "ra_ro3_lines.csv": ("ra_line", "ra_asset", "ra_label", "ra_measure", "ro3_item_code",
                         "ro3_label", "ro3_measure", "relation"),
}


@cache
def _raw(name: str) -> bytes:
    return resources.files("fundmodel.data").joinpath(name).read_bytes()


def _read_text_table(name: str) -> pd.DataFrame:
    """Read a shipped table with every cell as text and check its columns."""
    if name not in _COLUMNS:
        raise DataError(f"unknown embedded table {name!r}; known: {', '.join(sorted(_COLUMNS))}")
    try:
        raw = _raw(name)
    except FileNotFoundError:
        raise DataError(f"embedded table {name} is missing from the package") from None
    frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)
    expected = list(_COLUMNS[name])
    if list(frame.columns) != expected:
        raise DataError(f"{name}: columns {list(frame.columns)}, expected {expected}")
    return frame


def load_long(name: str) -> pd.DataFrame:
    """One long table (``budgets.csv`` ...): value as float (NaN when empty), rest text.

    >>> load_long("council_tax.csv").columns.tolist()
    ['code', 'name', 'period', 'measure', 'value', 'flag']
    >>> load_long("nope.csv")
    Traceback (most recent call last):
    ...
    fundmodel.errors.DataError: unknown long table 'nope.csv'; known: budgets.csv, ...
    """
    if name not in LONG_FILES:
        raise DataError(f"unknown long table {name!r}; known: {', '.join(LONG_FILES)}")
    frame = _read_text_table(name)
    try:
        frame["value"] = pd.to_numeric(frame["value"].replace("", None)).astype("float64")
    except (ValueError, TypeError) as exc:
        raise DataError(f"{name}: non-numeric value ({exc})") from None
    if frame.duplicated(["measure", "code", "period"]).any():
        raise DataError(f"{name}: duplicate (measure, code, period) rows")
    return frame


def load_budgets() -> pd.DataFrame:
    """Revenue Account budget lines 310-330 per council, GBP (2021-22, 2023-24, 2025-26).

    >>> b = load_budgets()
    >>> kent = b[(b["code"] == "E10000016") & (b["period"] == "2023-24")
    ...          & (b["measure"] == "ra_budget_csc_net")]
    >>> float(kent["value"].iloc[0])
    299643000.0
    """
    return load_long("budgets.csv")


def load_council_tax() -> pd.DataFrame:
    """Council tax base (Band D equivalents), Band D (GBP) and requirement (GBP), 2023-24.

    >>> ct = load_council_tax()
    >>> sorted(ct["measure"].unique())
    ['band_d_council_tax', 'council_tax_base', 'council_tax_requirement']
    """
    return load_long("council_tax.csv")


def load_workforce() -> pd.DataFrame:
    """Children's social work workforce per council, 30 September 2017 to 2025.

    Joint returns (North and West Northamptonshire; Kingston upon Thames and Richmond
    upon Thames) appear under each council's code with flag ``joint_return``.

    >>> w = load_workforce()
    >>> joint = w[w["flag"].str.contains("joint_return")]
    >>> sorted(joint["code"].unique())
    ['E06000061', 'E06000062', 'E09000021', 'E09000027']
    """
    return load_long("workforce.csv")


def load_placements() -> pd.DataFrame:
    """Children looked after by placement type, 31 March 2018 and 2019 (counts and %).

    >>> p = load_placements()
    >>> sorted(p["period"].unique())
    ['2018', '2019']
    """
    return load_long("placements.csv")


def load_deflator() -> pd.DataFrame:
    """HM Treasury GDP deflator (March 2026, as transcribed): 2024-25 = 100.

    Columns ``fiscal_year`` (text), ``gdp_deflator`` (float), ``is_forecast`` (bool).

    >>> d = load_deflator().set_index("fiscal_year")
    >>> float(d.loc["2008-09", "gdp_deflator"]), bool(d.loc["2025-26", "is_forecast"])
    (66.8397, True)
    """
    frame = _read_text_table("deflator.csv")
    if not set(frame["is_forecast"]) <= {"true", "false"}:
        raise DataError("deflator.csv: is_forecast must be 'true' or 'false'")
    return pd.DataFrame({
        "fiscal_year": frame["fiscal_year"],
        "gdp_deflator": pd.to_numeric(frame["gdp_deflator"]).astype("float64"),
        "is_forecast": frame["is_forecast"] == "true",
    })


def load_flags() -> pd.DataFrame:
    """Data-quality flags: implausible values, flagged and not changed.

    >>> f = load_flags()
    >>> bool(((f["code"] == "E08000012") & (f["measure"] == "s251_lac")
    ...       & (f["period"] == "2024-25")).any())
    True
    """
    return _read_text_table("flags.csv")


def load_ofsted() -> pd.DataFrame:
    """Latest Ofsted ILACS overall judgement per council (label, 1-4 grade, dates).

    >>> o = load_ofsted()
    >>> len(o), sorted(o["grade"].unique().tolist())
    (153, [1, 2, 3, 4])
    """
    frame = _read_text_table("ofsted.csv")
    frame["grade"] = pd.to_numeric(frame["grade"]).astype("int64")
    return frame


def load_line_map() -> pd.DataFrame:
    """RA budget lines and the RO3 outturn lines they pair with (labels as printed).

    >>> m = load_line_map()
    >>> m.loc[m["ra_line"] == "330", "ro3_measure"].tolist()
    ['ro3_csc_net']
    """
    return _read_text_table("ra_ro3_lines.csv")
