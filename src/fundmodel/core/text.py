"""Text that reaches errors, terminals and spreadsheets: short escaped excerpts, control
characters refused, spreadsheet formulas neutralised.

>>> excerpt("x" * 500)
"'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (500 characters)"
>>> bad_characters("Hartlepool\\r")
'a carriage return (U+000D)'
>>> spreadsheet_safe("=HYPERLINK(1)")
"'=HYPERLINK(1)"
"""

from __future__ import annotations

import unicodedata
from typing import Any

EXCERPT_CHARS = 80
"""How much of an unexpected value an error message quotes (the rest is counted, not shown)."""

_NAMED = {"\x00": "a NUL", "\r": "a carriage return", "\n": "a line break", "\t": "a tab",
          "\x1b": "an escape"}

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is read as a formula by spreadsheet programs."""


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """``repr(value)``, cut to about ``limit`` characters (escaped, so control characters
    and secrets in a long value never reach a terminal in full)."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit - 4]!r}... ({len(value):,} characters)"
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<an integer of about {int(value.bit_length() * 0.30103)} digits>"
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"<{type(value).__name__}>"
    if len(text) <= limit:
        return text
    return f"{text[:limit - 4]}... ({type(value).__name__}, {len(text):,} characters shown)"


def shorten(message: str, limit: int = 500) -> str:
    """A message cut to ``limit`` characters (with the full length said), for messages that
    may quote user values.

    >>> shorten("abc" * 300, 10)
    'abcabcabca... (900 characters)'
    """
    if len(message) <= limit:
        return message
    return f"{message[:limit]}... ({len(message):,} characters)"


def bad_characters(text: str) -> str | None:
    """A description of the first character that must not appear in a name or title
    (control, format such as zero-width, line or paragraph separators), else None.

    >>> bad_characters("Bristol, City of") is None
    True
    >>> bad_characters("\\u200b")
    'a zero width space (U+200B)'
    """
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            name = _NAMED.get(ch) or (
                f"a {unicodedata.name(ch, 'control character').lower()}"
                if category != "Cc" else "a control character")
            return f"{name} (U+{ord(ch):04X})"
    return None


def spreadsheet_safe(text: str) -> str:
    """Prefix ``'`` to text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``);
    other text is returned unchanged.

    >>> spreadsheet_safe("Hartlepool"), spreadsheet_safe("-1 council")
    ('Hartlepool', "'-1 council")
    """
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
