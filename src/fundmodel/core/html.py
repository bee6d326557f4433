"""Plain, escaped HTML for Jupyter: no JavaScript, readable as text too (after xarray).

>>> print(html_definition_list("Pot", {"total": 5, "source": {"publisher": "<NAO>"}}))
<div><strong>Pot</strong><dl><dt>total</dt><dd>5</dd><dt>source</dt><dd><dl><dt>publisher</dt><dd>&lt;NAO&gt;</dd></dl></dd></dl></div>
"""

from __future__ import annotations

import html
from typing import Any

LONGEST_LIST = 20
"""Lists longer than this show their first items and a count."""


def _value(value: Any) -> str:
    if isinstance(value, dict):
        items = "".join(f"<dt>{html.escape(str(k))}</dt><dd>{_value(v)}</dd>"
                        for k, v in value.items() if v not in (None, "", [], {}))
        return f"<dl>{items}</dl>"
    if isinstance(value, list | tuple):
        shown = "".join(f"<li>{_value(v)}</li>" for v in value[:LONGEST_LIST])
        more = f"<li>... {len(value) - LONGEST_LIST} more</li>" if len(value) > LONGEST_LIST else ""
        return f"<ol>{shown}{more}</ol>"
    return html.escape(str(value))


def html_definition_list(title: str, fields: dict[str, Any]) -> str:
    """A titled definition list of ``fields`` (nested mappings and lists kept nested)."""
    return f"<div><strong>{html.escape(title)}</strong>{_value(fields)}</div>"
