"""Which assumptions a scenario, formula or result rests on: every parameter record marked
``assumption=True`` that can be reached from it, with the field that holds it.

Result folders and the briefing pack write this as ``assumptions.csv`` beside their tables,
so a table never travels without the assumptions behind it.

>>> from fundmodel.presets import children_act_formula
>>> frame = assumptions_frame(children_act_formula())
>>> frame["field"].tolist()[:2], round(float(frame["value"].iloc[0]), 4)
(['indicators[0].weight', 'indicators[1].weight'], 0.1667)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import pandas as pd
from pydantic import BaseModel

from fundmodel.parameters.records import Parameter

COLUMNS = ("field", "label", "value", "unit", "low", "high", "source", "reference", "note")
"""The columns of :func:`assumptions_frame`."""


def _walk(value: object, path: str) -> Iterator[tuple[str, Parameter]]:
    if isinstance(value, Parameter):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, f"{path}[{key!r}]")
    elif isinstance(value, tuple | list):
        for k, item in enumerate(value):
            yield from _walk(item, f"{path}[{k}]")


def assumptions_used(*models: object) -> list[tuple[str, Parameter]]:
    """``(field, record)`` for every ``assumption=True`` parameter reachable from ``models``
    (through model fields, tuples, lists and mappings), each record once, in field order.

    >>> from fundmodel.scenarios.overspend import lga_assumed_overspend
    >>> [field for field, _ in assumptions_used(lga_assumed_overspend())]
    ['data.assumed_overspend_pct']
    """
    seen: set[tuple[str | None, str, float]] = set()
    out = []
    for model in models:
        for path, record in _walk(model, ""):
            key = (record.ref, record.label, record.value)
            if record.assumption and key not in seen:
                seen.add(key)
                out.append((path, record))
    return out


def assumptions_frame(*models: object, statements: Sequence[tuple[str, str]] = ()
                      ) -> pd.DataFrame:
    """One row per assumption behind ``models``: the ``statements`` first (``(field, text)``
    pairs, e.g. a scenario header's stated assumptions), then every ``assumption=True``
    parameter record with its value, range, source and note. Columns: :data:`COLUMNS`."""
    rows: list[dict[str, object]] = [
        {"field": field, "label": "stated assumption", "note": text}
        for field, text in statements]
    for field, p in assumptions_used(*models):
        rows.append({"field": field, "label": p.label, "value": p.value, "unit": str(p.unit),
                     "low": p.low, "high": p.high, "source": p.source.cite(),
                     "reference": p.ref, "note": p.note})
    return pd.DataFrame(rows, columns=list(COLUMNS))
