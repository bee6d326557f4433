"""Plain words for comparisons: each result's period (and a warning when they differ), and
the largest gain or loss, or that nobody gains or loses."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from fundmodel.engine.money import format_gbp


def _span(result: Any) -> str:
    years = getattr(result, "years", None)
    if callable(years):
        years = years()
    if not years or isinstance(years, str) or len(years) == 1:
        return "one year"
    return f"{len(years)} years {years[0]}..{years[-1]}"


def spans_of(results: Sequence[Any], names: Sequence[str]) -> tuple[str, ...]:
    """Each result's period; warns when they differ (a one-year pot against a profile)."""
    spans = tuple(_span(r) for r in results)
    if len(set(spans)) > 1:
        listed = "; ".join(f"{n}: {s}" for n, s in zip(names, spans, strict=True))
        warnings.warn(f"comparing unlike results ({listed}); amounts are totals over each "
                      "result's own years", UserWarning, stacklevel=3)
    return spans


def extreme_text(row: pd.Series, which: str) -> str:
    """'largest gain Kent £1.2m', or 'nobody gains' when no council is beyond the tolerance.

    >>> extreme_text(pd.Series({"largest_loss_council": None, "largest_loss": 0.0}), "loss")
    'nobody loses'
    """
    council = row[f"largest_{which}_council"]
    if council is None or (isinstance(council, float) and np.isnan(council)):
        return "nobody gains" if which == "gain" else "nobody loses"
    return f"largest {which} {council} {format_gbp(float(row[f'largest_{which}']), 'auto')}"
