"""Multi-year series shipped with the package (authority x period x measure, long format).

Predecessor authorities (Cumbria, Northamptonshire, ...) keep their own codes with flag
``predecessor``; gaps stay as rows with an empty value and a reason in ``flag``.

>>> s = load_series()
>>> sorted(s.columns)
['code', 'flag', 'measure', 'name', 'period', 'value']
>>> wide = series_table("cla_count")
>>> wide.shape[0]
153
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

import pandas as pd

from fundmodel.errors import DataError


@lru_cache(maxsize=1)
def _read() -> pd.DataFrame:
    raw = resources.files("fundmodel.data").joinpath("series.csv").read_bytes()
    frame = pd.read_csv(
        io.BytesIO(raw),
        dtype={"code": str, "name": str, "period": str, "measure": str, "flag": str},
        keep_default_na=False,
        na_values={"value": [""]},
    )
    frame["value"] = frame["value"].astype("float64")
    return frame


def load_series() -> pd.DataFrame:
    """The whole long table (a copy): code, name, period, measure, value, flag."""
    return _read().copy()


def measures() -> list[str]:
    """The measures available in the series table."""
    return sorted(_read()["measure"].unique().tolist())


def series_table(measure: str, *, include_predecessors: bool = False) -> pd.DataFrame:
    """One measure as a table: a row per current authority (ONS code), a column per period.

    Missing values stay NaN; ``include_predecessors`` adds rows for former authorities.
    """
    from fundmodel.data.authorities import load_authorities

    frame = _read()
    rows = frame[frame["measure"] == measure]
    if rows.empty:
        raise DataError(f"no series {measure!r}; available: {', '.join(measures())}")
    if not include_predecessors:
        rows = rows[rows["flag"] != "predecessor"]
    wide = rows.pivot_table(index="code", columns="period", values="value", aggfunc="first",
                            dropna=False)
    if not include_predecessors:
        wide = wide.reindex(load_authorities().codes.tolist())
    wide.columns.name = "period"
    return wide
