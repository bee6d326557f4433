"""Real HTML tables (caption, header cells with scope) for the simulator's results.

>>> import pandas as pd
>>> frame = pd.DataFrame({"code": ["E1"], "name": ["A & B"], "amount": [1234.5]})
>>> html = html_table(frame, [("name", "Council", str), ("amount", "£", pounds)], "Test")
>>> '<th scope="col">Council</th>' in html, '<tr data-code="E1">' in html
(True, True)
>>> html[html.index("<tbody>"):].split("><")[1:4]
['tr data-code="E1"', 'td class="name">A &amp; B</td', 'td class="num amount">£1,234.50</td']
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

Column = tuple[str, str, Callable[[Any], str]]
"""(frame column, header, formatter)."""


def pounds(value: Any) -> str:
    """Pounds to the penny, e.g. ``£1,234.50``; blank for no figure."""
    return "" if _missing(value) else f"{'-' if value < 0 else ''}£{abs(float(value)):,.2f}"


def percent(value: Any) -> str:
    """A percentage with one decimal, signed."""
    return "" if _missing(value) else f"{float(value):+.1f}%"


def number(value: Any) -> str:
    """A number with thousands separators and up to three decimals."""
    return "" if _missing(value) else f"{float(value):,.3f}".rstrip("0").rstrip(".")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def html_table(frame: pd.DataFrame, columns: Sequence[Column], caption: str,
               numeric: Sequence[str] | None = None) -> str:
    """``frame`` as an accessible HTML table; rows carry ``data-code`` when there is a
    code column; numbers are right-aligned (columns formatted with a numeric formatter)."""
    numeric_columns = set(numeric) if numeric is not None else {
        c for c, _, f in columns if f in (pounds, percent, number)}
    table_id = re.sub(r"[^a-z0-9]+", "-", caption.lower()).strip("-")[:40]
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for _, h, _ in columns)
    rows = []
    for record in frame.to_dict("records"):
        code = f' data-code="{html.escape(str(record["code"]))}"' if "code" in record else ""
        cells = "".join(
            f'<td class="{"num " if c in numeric_columns else ""}{html.escape(c)}">'
            f"{html.escape(fmt(record[c]))}</td>" for c, _, fmt in columns)
        rows.append(f"<tr{code}>{cells}</tr>")
    return (f'<table class="fm-table" id="{table_id}"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
