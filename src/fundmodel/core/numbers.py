"""Numbers written as text (CSV cells, budgets, year labels): plain ASCII decimals only.

Python's ``float`` and ``int`` accept ``22_771``, full-width digits (``２２``) and other
scripts' digits (``٢٢``); a file holding them is almost certainly not what its author meant
to be read as a number, so fundmodel refuses them.

>>> is_plain_decimal("-1.5e3"), is_plain_decimal("22_771"), is_plain_decimal("\\uff12")
(True, False, False)
"""

from __future__ import annotations

import re

PLAIN_DECIMAL = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
"""An optional sign, ASCII digits with an optional point, an optional exponent."""

PLAIN_INTEGER = re.compile(r"[0-9]+", re.ASCII)


def is_plain_decimal(text: str) -> bool:
    """True if ``text`` is an ASCII decimal number (no underscores, spaces or other digits)."""
    return PLAIN_DECIMAL.fullmatch(text) is not None


def is_plain_integer(text: str) -> bool:
    """True if ``text`` is ASCII digits only.

    >>> is_plain_integer("2016"), is_plain_integer("２０16")
    (True, False)
    """
    return PLAIN_INTEGER.fullmatch(text) is not None


NOT_PLAIN = ("is not a plain decimal number (ASCII digits 0-9 with an optional sign, point "
             "and exponent; no underscores, spaces or other scripts' digits)")
"""The phrase errors use for a number-like value that is refused."""
