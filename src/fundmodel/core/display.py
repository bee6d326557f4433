"""Amounts of money written for a reader: £m, £bn, £k or pounds, never a small amount as
nothing.

>>> format_gbp(2_523_000_000, scale="bn", decimals=3)
'£2.523bn'
"""

from __future__ import annotations

_DIVISOR = {"": 1.0, "k": 1e3, "m": 1e6, "bn": 1e9}


def format_gbp(amount: float, scale: str = "m", decimals: int = 1) -> str:
    """Format pounds for display: ``scale`` is ``"m"`` (£m), ``"bn"``, ``"k"``, ``""`` (pounds)
    or ``"auto"`` (the largest scale that keeps the number at least 1). An amount that is not
    zero but would show as zero at the scale asked for (``£0.0m``) is shown at the scale that
    keeps it readable instead, so a small amount never reads as nothing.

    >>> format_gbp(10.0, scale="auto")
    '£10.00'
    >>> format_gbp(1234.5, scale="", decimals=2)
    '£1,234.50'
    >>> format_gbp(-0.001, scale="", decimals=2)
    '£0.00'
    >>> format_gbp(-3_100_000_000, scale="bn", decimals=2)
    '-£3.10bn'
    >>> format_gbp(30_000), format_gbp(0.0)
    ('£30.0k', '£0.0m')
    """
    if scale != "auto" and amount != 0 and round(abs(amount) / _DIVISOR[scale], decimals) == 0:
        scale = "auto"
    if scale == "auto":
        size = abs(amount)
        scale = "bn" if size >= 1e9 else "m" if size >= 1e6 else "k" if size >= 1e3 else ""
        decimals = 2 if scale in ("", "bn") else 1
    divisor = _DIVISOR[scale]
    sign = "-" if round(amount / divisor, decimals) < 0 else ""  # never "-£0.00"
    return f"{sign}£{abs(amount) / divisor:,.{decimals}f}{scale}"
