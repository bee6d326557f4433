"""Whole pence within groups: each pool's amounts rounded by largest remainder so they add up
to the pool's own total exactly."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import FloatArray, IntArray
from fundmodel.errors import ScenarioError

if TYPE_CHECKING:
    pass

REVIEWED = dt.date(2026, 12, 1)


def round_in_groups(
    pence: FloatArray,
    group: IntArray,
    n_groups: int,
    tiebreak: IntArray,
    totals: IntArray | None = None,
) -> IntArray:
    """Round non-negative pence to whole pence group by group, by largest remainder.

    Councils with ``group < 0`` get 0. Each group's pence add up exactly to ``totals[g]``
    (default: its rounded sum); ties in the remainder go to the lower ``tiebreak``.

    >>> round_in_groups(np.array([50.5, 49.5, 10.4, 10.4, 3.0]), np.array([0, 0, 1, 1, -1]),
    ...                 2, np.arange(5))
    array([51, 49, 11, 10,  0])
    """
    out = np.zeros(pence.size, dtype=np.int64)
    mask = group >= 0
    x, g, t = pence[mask], group[mask], tiebreak[mask]
    if totals is None:
        totals = np.rint(np.bincount(g, weights=x, minlength=n_groups)).astype(np.int64)
    floors = np.floor(x)
    owed = totals - np.rint(np.bincount(g, weights=floors, minlength=n_groups)).astype(np.int64)
    sizes = np.bincount(g, minlength=n_groups)
    if np.any(owed < 0) or np.any(owed > sizes):
        raise ScenarioError("internal rounding error: group totals differ from their parts")
    order = np.lexsort((t, -(x - floors), g))
    sorted_g = g[order]
    starts = np.searchsorted(sorted_g, np.arange(n_groups))
    position = np.arange(x.size) - starts[sorted_g]
    extra = np.zeros(x.size, dtype=np.int64)
    extra[order] = (position < owed[sorted_g]).astype(np.int64)
    out[mask] = floors.astype(np.int64) + extra
    return out
