"""Where each embedded column comes from, read from the shipped ``sources.yaml``.

>>> column_source("children_0_17")["publisher"]
'Office for National Statistics (ONS)'
>>> cite_columns(["children_0_17"])[0].startswith("Office for National Statistics (ONS)")
True
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from fundmodel.core.yamlio import load_yaml_text
from fundmodel.errors import DataError


@lru_cache(maxsize=1)
def embedded_sources() -> dict[str, Any]:
    """The parsed ``sources.yaml`` of the embedded data."""
    text = resources.files("fundmodel.data").joinpath("sources.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml_text(text, "fundmodel/data/sources.yaml")
    return data


def column_source(column: str) -> dict[str, Any]:
    """The source record of one embedded column (publisher, publication, period, raw file...)."""
    columns: dict[str, Any] = embedded_sources()["columns"]
    if column not in columns:
        raise DataError(f"no source record for column {column!r} in the embedded data")
    record: dict[str, Any] = columns[column]
    return record


def cite_columns(columns: Iterable[str]) -> list[str]:
    """One citation line per distinct (publisher, publication, period) behind ``columns``;
    columns without a record (a user's own) are listed as user-supplied."""
    lines: dict[str, None] = {}
    known: dict[str, Any] = embedded_sources()["columns"]
    for column in columns:
        record = known.get(column)
        if record is None:
            lines[f"{column}: supplied by the user"] = None
            continue
        proxy = " (a proxy)" if record.get("proxy") else ""
        lines[f"{record['publisher']}, {record['publication']}, {record['period']}{proxy}"] = None
    return list(lines)
