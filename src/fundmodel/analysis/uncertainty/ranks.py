"""Ranks and the running totals over variants (memory linear in the areas)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from fundmodel._types import FloatArray, IntArray
from fundmodel.analysis.uncertainty.sketch import WindowSketch, percentile_index
from fundmodel.engine.scratch import Scratch

RANK_EXACT_MAX = 256
"""Up to this many areas every rank of every area is counted (an exact histogram of
years x areas x ranks: at most 256 counts per area, so still linear in the areas)."""

SKETCH_COUNTS = 4_000_000
"""Counts per streaming sketch (32 MB): bins per cell are this over the cells, between
:data:`SKETCH_BINS_MIN` and :data:`SKETCH_BINS_MAX`."""
SKETCH_BINS_MAX = 1024
SKETCH_BINS_MIN = 32
CHUNK_CELLS = 100_000
"""Cells (rows x areas) per chunk at most, whatever ``chunk_size`` asks (results do not
depend on it): keeps a chunk's arrays in cache and its memory independent of the areas."""


def sketch_bins(cells: int) -> int:
    """Bins per cell of a streaming sketch over ``cells`` (year, area) cells.

    >>> sketch_bins(5 * 153), sketch_bins(5 * 33_800)
    (1024, 32)
    """
    return min(SKETCH_BINS_MAX, max(SKETCH_BINS_MIN, SKETCH_COUNTS // max(cells, 1)))


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


def _sorted_ranks(
    amounts: IntArray, scratch: Scratch | None = None
) -> tuple[IntArray, IntArray]:
    """For each row sorted ascending: which column sits at each position (``order``) and
    its 0-based descending rank, ties sharing the best (``rank0``).

    Whole pence and the column number are packed into one int64 key, so a plain sort
    (much faster than an argsort) orders each row; ties then sort by column number.
    With a ``scratch`` (batch callers), ``order`` lives in it until its next use.
    """
    rows, n = amounts.shape
    bits = max(int(n - 1).bit_length(), 1)
    work = scratch if scratch is not None else Scratch()
    if rows and (amounts.min() < 0 or amounts.max() >= 1 << (62 - bits)):
        order = np.argsort(amounts, axis=1, kind="stable")  # amounts too large to pack
        ordered = np.take_along_axis(amounts, order, axis=1)
        tie_rows = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        ordered = ordered[tie_rows]
    else:
        keys = np.left_shift(amounts, bits, out=work.array("rank_keys", (rows, n), np.int64))
        keys |= np.arange(n)
        keys.sort(axis=1)
        order = np.bitwise_and(keys, (1 << bits) - 1,
                               out=work.array("rank_order", (rows, n), np.int64))
        # neighbours hold equal pence exactly when their keys differ in the low bits only
        differ = np.bitwise_xor(keys[:, 1:], keys[:, :-1],
                                out=work.array("rank_xor", (rows, n - 1), np.int64))
        same = np.less(differ, 1 << bits, out=work.array("rank_same", (rows, n - 1), np.bool_))
        tie_rows = np.flatnonzero(same.any(axis=1))
        ordered = keys[tie_rows] >> bits
    rank0 = np.broadcast_to(np.arange(n - 1, -1, -1), (rows, n))
    if tie_rows.size:
        sub = ordered
        # last position of each run of equal amounts, found right to left
        last = np.where(np.append(sub[:, 1:] != sub[:, :-1], np.ones((sub.shape[0], 1), bool),
                                  axis=1), np.arange(n), n)
        last = np.minimum.accumulate(last[:, ::-1], axis=1)[:, ::-1]
        rank0 = rank0.copy()
        rank0[tie_rows] = n - 1 - last
    return order, rank0


@dataclass
class _Accumulator:
    """Running totals over variants, per (year, area): memory linear in the areas and
    independent of the number of variants (beyond the ``keep`` variants kept whole).

    The first ``keep`` variants' amounts are kept. When the run has more, they are the
    pilot that sets the windows of the streaming sketches of amount (and of rank, above
    :data:`RANK_EXACT_MAX` areas), into which every variant is then counted.
    """

    years: int
    n: int
    central: IntArray
    compare: FloatArray | None
    keep: int
    n_total: int
    percents: tuple[int, ...]
    rank_hist: WindowSketch | None = field(init=False)
    rank_sketch: WindowSketch | None = field(init=False, default=None)
    amount_sketch: WindowSketch | None = field(init=False, default=None)
    above_central: IntArray = field(init=False)
    gains: IntArray | None = field(init=False)
    dev_sum: FloatArray = field(init=False)
    dev_sumsq: FloatArray = field(init=False)
    amounts: IntArray = field(init=False)
    gain_scale: FloatArray | None = None

    def __post_init__(self) -> None:
        y, n = self.years, self.n
        self.rank_hist = WindowSketch.fixed(y * n, n) if n <= RANK_EXACT_MAX else None
        self.above_central = np.zeros((y, n), dtype=np.int64)
        self.gains = None if self.compare is None else np.zeros((y, n), dtype=np.int64)
        self.dev_sum = np.zeros((y, n))
        self.dev_sumsq = np.zeros((y, n))
        self.amounts = np.empty((self.keep, y, n), dtype=np.int64)
        self._cell_of_row = (np.arange(y) * n)[None, :, None]
        self._scratch = Scratch()  # work arrays reused from chunk to chunk
        self._central_float = self.central.astype(np.float64)
        position = np.arange(n)
        self._hist_index = (np.arange(y)[:, None] * (n * (n + 2)) + n - position)[None, :, :]

    @property
    def streaming(self) -> bool:
        """More variants than are kept: amount percentiles come from the sketches."""
        return self.n_total > self.keep

    def add(
        self, start: int, pence: IntArray, lam: FloatArray | None, factor: FloatArray | None
    ) -> None:
        """Fold in variants ``start..`` (pence has shape chunk x years x n); ``factor``
        (chunk x years) scales the comparison baseline when it grows with the pot.

        Every (chunk x years x n) work array comes from the accumulator's own scratch, so
        no chunk allocates (and faults in) fresh memory."""
        c, y, n = pence.shape
        work = self._scratch
        cells = (c, y * n)
        if self.rank_hist is not None or self.rank_sketch is not None:
            self._add_ranks(pence)
        above = work.array("above", cells, np.bool_).reshape(pence.shape)
        self.above_central += np.greater(pence, self.central, out=above).sum(axis=0)
        # whole pence below 2**53 are exact in float64: convert once, then compare and
        # subtract in float (the same values as comparing or subtracting the integers)
        as_float = work.array("pence_float", cells).reshape(pence.shape)
        as_float[...] = pence
        if self.gains is not None and self.compare is not None:
            compare = self.compare
            if factor is not None:
                compare = np.multiply(self.compare, factor[:, :, None],
                                      out=work.array("compare", cells).reshape(pence.shape))
            self.gains += np.greater(as_float, compare, out=above).sum(axis=0)
        dev = np.subtract(as_float, self._central_float, out=as_float)
        self.dev_sum += dev.sum(axis=0)
        self.dev_sumsq += np.einsum("vyi,vyi->yi", dev, dev)
        stop = min(start + c, self.keep)
        if stop > start:
            self.amounts[start:stop] = pence[: stop - start]
            if lam is not None:
                if self.gain_scale is None:
                    self.gain_scale = np.empty((self.keep, y))
                self.gain_scale[start:stop] = lam.reshape(c, y)[: stop - start]
        if not self.streaming:
            return
        rest = pence
        if self.amount_sketch is None:
            if start + c < self.keep:
                return  # still filling the pilot
            self._start_sketches()  # counts the kept variants, this chunk's among them
            rest = pence[self.keep - start:]
            if rest.shape[0] and self.rank_sketch is not None:
                self._add_ranks(rest, into_hist=False)
        if rest.shape[0] and self.amount_sketch is not None:
            self.amount_sketch.add(rest.reshape(rest.shape[0], y * n), None, self._scratch)

    def _add_ranks(self, pence: IntArray, into_hist: bool = True) -> None:
        c, y, n = pence.shape
        order, rank0 = _sorted_ranks(pence.reshape(c * y, n), self._scratch)
        if into_hist and self.rank_hist is not None and self.rank_sketch is None:
            # straight to the exact histogram's flat index, cell * (n + 2) + 1 + rank, where
            # cell = year * n + the area at that position and rank = n - 1 - position
            # (corrected in rows with ties, whose rank0 is a full array, not a broadcast)
            where = np.multiply(order, n + 2, out=order).reshape(c, y, n)
            where += self._hist_index
            if rank0.strides[0] != 0:
                where += (rank0 - np.arange(n - 1, -1, -1)).reshape(c, y, n)
            np.add.at(self.rank_hist.counts.reshape(-1), where.reshape(-1), 1)
            return
        cells = order.reshape(c, y, n)
        cells += self._cell_of_row
        values = rank0.reshape(c, y, n)
        if into_hist and self.rank_hist is not None:
            self.rank_hist.add(values, cells, self._scratch)
        if self.rank_sketch is not None:
            self.rank_sketch.add(values, cells, self._scratch)

    def _start_sketches(self) -> None:
        """The kept variants are the pilot: set the windows, then count the pilot in."""
        y, n, keep = self.years, self.n, self.keep
        pilot = self.amounts.reshape(keep, y * n)
        bins = sketch_bins(y * n)
        self.amount_sketch = WindowSketch.from_pilot(pilot, self.percents, bins)
        self.amount_sketch.add(pilot)
        if self.rank_hist is None:
            rows = self.amounts.reshape(keep * y, n)
            ranks = np.empty_like(rows)
            block = max(1, CHUNK_CELLS // n)  # a few rows at a time: small temporaries
            for r0 in range(0, keep * y, block):
                ranks[r0:r0 + block] = ranks_descending(rows[r0:r0 + block])
            ranks -= 1
            sketch = WindowSketch.from_pilot(ranks.reshape(keep, y * n), self.percents, bins)
            del ranks
            sketch.vmin[:], sketch.vmax[:] = 0, n - 1  # ranks are not tracked as they come
            self.rank_sketch = sketch
            step = max(1, CHUNK_CELLS // (y * n))
            for first in range(0, keep, step):
                self._add_ranks(self.amounts[first:first + step], into_hist=False)


# ------------------------------------------------------------------ percentiles
def _sorted_positions(values: IntArray, percents: tuple[int, ...]) -> IntArray:
    """Percentiles of ``values`` along axis 0 by :func:`percentile_index`."""
    idx = [percentile_index(p, values.shape[0]) for p in percents]
    part = np.partition(values, sorted(set(idx)), axis=0)
    return np.stack([part[i] for i in idx])


def year_percentiles(
    kept: IntArray, n_variants: int, percents: tuple[int, ...], rank_hist: IntArray | None,
    amount_sketch: WindowSketch | None, rank_sketch: WindowSketch | None, y: int,
) -> tuple[FloatArray, IntArray, IntArray | None, IntArray | None]:
    """Amount (pence) and rank percentiles of year ``y`` (``kept``: its kept amounts,
    variants x areas) and, per area, their largest error bound (``None`` when exact)."""
    n = kept.shape[1]
    cells = slice(y * n, (y + 1) * n)
    amount_err: IntArray | None = None
    rank_err: IntArray | None = None
    if kept.shape[0] == n_variants or amount_sketch is None:
        amounts = _sorted_positions(kept, percents).astype(np.float64)
    else:
        est, err = amount_sketch.percentiles(percents, n_variants)
        amounts, amount_err = est[:, cells].astype(np.float64), err[:, cells].max(axis=0)
    if rank_hist is not None:
        hist = WindowSketch.fixed(n, n)
        hist.counts[:, 1:-1] = rank_hist[y]
        ranks = hist.percentiles(percents, n_variants)[0] + 1
    elif kept.shape[0] == n_variants or rank_sketch is None:
        ranks = _sorted_positions(ranks_descending(kept), percents)
    else:
        est, err = rank_sketch.percentiles(percents, n_variants)
        ranks, rank_err = est[:, cells] + 1, err[:, cells].max(axis=0)
    return amounts, ranks, amount_err, rank_err
