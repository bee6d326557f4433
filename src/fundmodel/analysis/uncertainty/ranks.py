"""Ranks and percentile accumulators over variants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from fundmodel._types import FloatArray, IntArray

if TYPE_CHECKING:
    pass


# ------------------------------------------------------------------ the batch
def ranks_descending(amounts: IntArray) -> IntArray:
    """Rank of each entry within its row, 1 for the largest; equal amounts share the
    best rank (like pandas ``rank(ascending=False, method="min")``).

    >>> ranks_descending(np.array([[5, 9, 5, 1]])).tolist()
    [[2, 1, 2, 4]]
    """
    order, rank0 = _sorted_ranks(amounts)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, rank0 + 1, axis=1)
    return ranks


def _sorted_ranks(amounts: IntArray) -> tuple[IntArray, IntArray]:
    """For each row sorted ascending: which column sits at each position (``order``) and
    its 0-based descending rank, ties sharing the best (``rank0``).

    Whole pence and the column number are packed into one int64 key, so a plain sort
    (much faster than an argsort) orders each row; ties then sort by column number.
    """
    rows, n = amounts.shape
    bits = max(int(n - 1).bit_length(), 1)
    if rows and (amounts.min() < 0 or amounts.max() >= 1 << (62 - bits)):
        order = np.argsort(amounts, axis=1, kind="stable")  # amounts too large to pack
        ordered = np.take_along_axis(amounts, order, axis=1)
    else:
        keys = amounts << bits
        keys |= np.arange(n)
        keys.sort(axis=1)
        order = keys & ((1 << bits) - 1)
        ordered = keys >> bits
    rank0 = np.broadcast_to(np.arange(n - 1, -1, -1), (rows, n))
    tie_rows = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
    if tie_rows.size:
        sub = ordered[tie_rows]
        # last position of each run of equal amounts, found right to left
        last = np.where(np.append(sub[:, 1:] != sub[:, :-1], np.ones((sub.shape[0], 1), bool),
                                  axis=1), np.arange(n), n)
        last = np.minimum.accumulate(last[:, ::-1], axis=1)[:, ::-1]
        rank0 = rank0.copy()
        rank0[tie_rows] = n - 1 - last
    return order, rank0


@dataclass
class _Accumulator:
    """Running totals over variants, per (year, council)."""

    years: int
    n: int
    central: IntArray
    compare: FloatArray | None
    keep: int
    rank_hist: IntArray = field(init=False)
    above_central: IntArray = field(init=False)
    gains: IntArray | None = field(init=False)
    dev_sum: FloatArray = field(init=False)
    dev_sumsq: FloatArray = field(init=False)
    amounts: IntArray = field(init=False)
    gain_scale: FloatArray | None = None

    def __post_init__(self) -> None:
        y, n = self.years, self.n
        self.rank_hist = np.zeros(y * n * n, dtype=np.int64)
        self.above_central = np.zeros((y, n), dtype=np.int64)
        self.gains = None if self.compare is None else np.zeros((y, n), dtype=np.int64)
        self.dev_sum = np.zeros((y, n))
        self.dev_sumsq = np.zeros((y, n))
        self.amounts = np.empty((self.keep, y, n), dtype=np.int64)

    def add(
        self, start: int, pence: IntArray, lam: FloatArray | None, factor: FloatArray | None
    ) -> None:
        """Fold in variants ``start..`` (pence has shape chunk x years x n); ``factor``
        (chunk x years) scales the comparison baseline when it grows with the pot."""
        c, y, n = pence.shape
        order, rank0 = _sorted_ranks(pence.reshape(c * y, n))
        cell = order.reshape(c, y, n) + (np.arange(y) * n)[None, :, None]
        cell *= n
        cell += rank0.reshape(c, y, n)
        self.rank_hist += np.bincount(cell.ravel(), minlength=y * n * n)
        self.above_central += (pence > self.central).sum(axis=0)
        if self.gains is not None and self.compare is not None:
            compare = self.compare if factor is None else self.compare * factor[:, :, None]
            self.gains += (pence > compare).sum(axis=0)
        dev = (pence - self.central).astype(np.float64)
        self.dev_sum += dev.sum(axis=0)
        self.dev_sumsq += np.einsum("vyi,vyi->yi", dev, dev)
        stop = min(start + c, self.keep)
        if stop > start:
            self.amounts[start:stop] = pence[: stop - start]
            if lam is not None:
                if self.gain_scale is None:
                    self.gain_scale = np.empty((self.keep, y))
                self.gain_scale[start:stop] = lam.reshape(c, y)[: stop - start]


# ------------------------------------------------------------------ percentiles
def percentile_index(percent: int, count: int) -> int:
    """0-based position in ``count`` sorted draws of the ``percent`` percentile: the
    smallest draw with at least ``percent``% of draws at or below it (no interpolation,
    so every percentile is an amount some variant really got).

    >>> [percentile_index(p, 20) for p in (5, 50, 95)]
    [0, 9, 18]
    """
    k = -(-percent * count // 100)  # ceil(percent * count / 100) in integers
    return max(k, 1) - 1


def _sorted_positions(values: IntArray, percents: tuple[int, ...]) -> IntArray:
    """Percentiles of ``values`` along axis 0 by :func:`percentile_index`."""
    idx = [percentile_index(p, values.shape[0]) for p in percents]
    part = np.partition(values, sorted(set(idx)), axis=0)
    return np.stack([part[i] for i in idx])


def _hist_percentiles(hist: IntArray, percents: tuple[int, ...]) -> IntArray:
    """Rank percentiles from per-cell rank counts (last axis: rank 1..n)."""
    cum = np.cumsum(hist, axis=-1)
    total = int(cum[(0,) * (cum.ndim - 1)][-1])
    return np.stack([np.argmax(cum >= percentile_index(p, total) + 1, axis=-1) + 1
                     for p in percents])
