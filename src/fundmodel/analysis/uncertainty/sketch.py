"""Percentiles of a stream of whole numbers in memory that does not grow with the stream.

A :class:`WindowSketch` counts, for every cell (a year and an area), how many values fell
in each of ``bins`` equal bins of a window, and how many fell below or above it. The
window's bins are ``2**shift`` wide, so a value's bin is one subtraction and one shift.
A percentile is then known to lie in one bin (or below / above the window, between the
smallest or largest value seen and the window's edge): the sketch reports the middle
whole number of that range and the largest distance from it to any value in the range
(its error bound, zero when the bin is one unit wide, so the percentile is exact).

Two ways to set the window:

* :meth:`WindowSketch.fixed`: values 0 .. bins-1, one bin each (exact; used for ranks
  when there are few enough areas);
* :meth:`WindowSketch.from_pilot`: from the first variants of a run (the pilot), from a
  little below the lowest percentile asked for to a little above the highest, the
  margins wide enough (five standard errors of a pilot order statistic) that the
  percentiles of the whole run fall inside all but very rarely; when one does not, it is
  still bounded by the smallest or largest value seen, and the bound says so.

>>> import numpy as np
>>> s = WindowSketch.fixed(cells=1, bins=4)
>>> s.add(np.array([[0], [1], [1], [3]]))
>>> est, err = s.percentiles((50,), 4)
>>> est.tolist(), err.tolist()
([[1]], [[0]])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from fundmodel._types import IntArray
from fundmodel.engine.scratch import Scratch

BLOCK_VALUES = 1_000_000
"""Pilot values sorted at a time when setting windows (bounds the transient memory)."""
Z_MARGIN = 5.0
"""Pilot margin in standard errors of an order statistic (see :meth:`WindowSketch.from_pilot`)."""


def percentile_index(percent: int, count: int) -> int:
    """0-based position in ``count`` sorted draws of the ``percent`` percentile: the
    smallest draw with at least ``percent``% of draws at or below it (no interpolation,
    so every percentile is an amount some variant really got).

    >>> [percentile_index(p, 20) for p in (5, 50, 95)]
    [0, 9, 18]
    """
    k = -(-percent * count // 100)  # ceil(percent * count / 100) in integers
    return max(k, 1) - 1


@dataclass
class WindowSketch:
    """Counts per cell of whole-number values in a window of ``bins`` bins ``2**shift``
    wide starting at ``lo``; ``counts[:, 0]`` is below the window, ``counts[:, -1]`` above."""

    lo: IntArray
    shift: IntArray
    bins: int
    vmin: IntArray
    vmax: IntArray
    track_range: bool = True
    in_range: bool = False  # every value is known to fall in the window (fixed sketches)
    counts: IntArray = field(init=False)
    _offset: IntArray = field(init=False)

    def __post_init__(self) -> None:
        cells = self.lo.size
        self.counts = np.zeros((cells, self.bins + 2), dtype=np.int64)
        self._offset = np.arange(cells, dtype=np.int64) * (self.bins + 2) + 1

    @classmethod
    def fixed(cls, cells: int, bins: int) -> WindowSketch:
        """One bin per value 0 .. bins-1 for every cell: exact percentiles."""
        zeros = np.zeros(cells, dtype=np.int64)
        return cls(zeros, zeros.copy(), bins, zeros.copy(), np.full(cells, bins - 1),
                   track_range=False, in_range=True)

    @classmethod
    def from_pilot(cls, pilot: IntArray, percents: tuple[int, ...], bins: int,
                   lowest: int = 0) -> WindowSketch:
        """A window per cell from ``pilot`` (pilot variants x cells) covering the lowest to
        the highest of ``percents`` with margins; no value is below ``lowest``."""
        k = pilot.shape[0]

        def position(percent: int, side: int) -> int:
            q = percent / 100.0
            at: int = math.floor(k * q + side * (Z_MARGIN * math.sqrt(k * q * (1 - q)) + 1))
            return at

        i_lo, i_hi = position(min(percents), -1), position(max(percents), +1)
        cells = pilot.shape[1]
        a, b = np.empty(cells, np.int64), np.empty(cells, np.int64)
        first, last = np.empty(cells, np.int64), np.empty(cells, np.int64)
        step = max(1, BLOCK_VALUES // max(k, 1))  # sort a block of cells at a time
        for c0 in range(0, cells, step):
            block = slice(c0, c0 + step)
            ordered = np.sort(pilot[:, block], axis=0)
            first[block], last[block] = ordered[0], ordered[-1]
            spread = ordered[-1] - ordered[0]
            a[block] = ordered[i_lo] if i_lo >= 0 else ordered[0] - spread
            b[block] = ordered[i_hi] if i_hi < k else ordered[-1] + spread
        a = np.maximum(a, lowest)
        width = np.maximum(b - a + 1, 1)
        shift = np.maximum(np.ceil(np.log2(width / bins)), 0).astype(np.int64)
        while np.any((bins << shift) < width):  # float log2 may round down by one
            shift += (bins << shift) < width
        return cls(a, shift, bins, first, last)

    @property
    def total(self) -> int:
        """Values counted in one cell."""
        total: int = self.counts[0].sum().item()
        return total

    def add(self, values: IntArray, cells: IntArray | None = None,
            scratch: Scratch | None = None) -> None:
        """Count ``values`` (rows x cells, or any shape with ``cells`` giving each value's
        cell, each in range). Batch callers pass a :class:`~fundmodel.engine.scratch.Scratch`
        for the work arrays (so no chunk allocates fresh memory). Gathers use
        ``mode="clip"``: with ``mode="raise"`` numpy buffers ``out``, twice the work."""
        work = scratch if scratch is not None else Scratch()
        flat_shape = (1, values.size)
        where = work.array("sketch_where", flat_shape, np.int64).reshape(values.shape)
        if self.in_range:
            if cells is None:
                np.add(values, self._offset, out=where)
            else:
                np.take(self._offset, cells, out=where, mode="clip")
                where += values
        else:
            if cells is None:
                np.subtract(values, self.lo, out=where)
                if self.shift.any():
                    where >>= self.shift
            else:
                np.take(self.lo, cells, out=where, mode="clip")
                np.subtract(values, where, out=where)
                if self.shift.any():
                    shift = work.array("sketch_shift", flat_shape, np.int64)
                    where >>= np.take(self.shift, cells, out=shift.reshape(values.shape),
                                      mode="clip")
            np.clip(where, -1, self.bins, out=where)
            if cells is None:
                where += self._offset
            else:
                offset = work.array("sketch_offset", flat_shape, np.int64)
                where += np.take(self._offset, cells, out=offset.reshape(values.shape),
                                 mode="clip")
        np.add.at(self.counts.reshape(-1), where.reshape(-1), 1)
        if self.track_range and cells is None:
            flat = values.reshape(-1, self.lo.size)
            np.minimum(self.vmin, flat.min(axis=0), out=self.vmin)
            np.maximum(self.vmax, flat.max(axis=0), out=self.vmax)

    def percentiles(self, percents: tuple[int, ...], count: int) -> tuple[IntArray, IntArray]:
        """For each percent and cell: a whole number within ``error`` of the percentile
        (by :func:`percentile_index` over the ``count`` values added), and ``error``."""
        cum = np.cumsum(self.counts, axis=1)
        estimates, errors = [], []
        width = np.left_shift(1, self.shift)
        for p in percents:
            j = np.argmax(cum >= percentile_index(p, count) + 1, axis=1)
            low = self.lo + (j - 1) * width
            high = low + width - 1
            low = np.where(j == 0, self.vmin, low)
            high = np.where(j == 0, self.lo - 1, high)
            low = np.where(j == self.bins + 1, self.lo + self.bins * width, low)
            high = np.where(j == self.bins + 1, self.vmax, high)
            low, high = np.maximum(low, self.vmin), np.minimum(high, self.vmax)
            middle = low + (high - low) // 2
            estimates.append(middle)
            errors.append(high - middle)
        return np.stack(estimates), np.stack(errors)
