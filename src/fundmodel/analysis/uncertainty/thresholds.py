"""Threshold questions about a sensitivity run, answered directly: the chance that a
council gets more than an amount, and the chance that it gains against its baseline.

When every variant's amounts were kept the answer is an exact count. Otherwise amounts
were counted in a streaming histogram (:class:`~fundmodel.analysis.uncertainty.sketch.
WindowSketch`), and the variants in the histogram bin that holds the threshold may fall
on either side of it: the answer is then a range (``low`` to ``high``), never a guess
presented as exact.

>>> from fundmodel.analysis.uncertainty import SensitivitySpec, run_sensitivity
>>> from fundmodel.presets import children_act_formula
>>> run = run_sensitivity(SensitivitySpec(formula=children_act_formula(), total=270e6,
...                                       n_variants=200, seed=1))
>>> chance = run.probability_above(8_000_000, "Birmingham")
>>> chance.exact, 0.0 <= chance.p <= 1.0
(True, True)
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from fundmodel._types import IntArray
from fundmodel.errors import FundmodelError

if TYPE_CHECKING:
    from fundmodel.analysis.uncertainty.result import SensitivityResult
    from fundmodel.analysis.uncertainty.sketch import WindowSketch


@dataclass(frozen=True)
class Chance:
    """A probability over the variants run: ``p`` with its bounds ``low`` and ``high``
    (equal to ``p`` when ``exact``), and what it is the chance of."""

    p: float
    low: float
    high: float
    exact: bool
    what: str

    def __float__(self) -> float:
        return self.p

    def __str__(self) -> str:
        if self.exact:
            return f"{self.p:.1%} ({self.what}; exact over the variants run)"
        return (f"between {self.low:.1%} and {self.high:.1%} ({self.what}; from the "
                "streaming histogram)")


def _council(result: SensitivityResult, council: str) -> int:
    la = result.authorities
    codes = list(la.codes)
    if council in codes:
        return codes.index(council)

    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).strip()

    names = [norm(n) for n in la.names]
    if norm(council) in names:
        return names.index(norm(council))
    near = difflib.get_close_matches(norm(council), names, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(la.names[names.index(n)] for n in near)}?" if near else ""
    raise FundmodelError(f"council {council!r}: no council of that name or ONS code in this "
                         f"run's {la.n} areas{hint}")


def above_counts(sketch: WindowSketch, cells: slice, threshold: int
                 ) -> tuple[IntArray, IntArray]:
    """Per cell in ``cells``: values surely above ``threshold`` and values that may be
    (those in the bin that holds it).

    >>> import numpy as np
    >>> from fundmodel.analysis.uncertainty.sketch import WindowSketch
    >>> s = WindowSketch.fixed(cells=1, bins=4)
    >>> s.add(np.array([[0], [1], [2], [3]]))
    >>> [int(v[0]) for v in above_counts(s, slice(0, 1), 1)]
    [2, 0]
    """
    counts = sketch.counts[cells]
    lo, shift = sketch.lo[cells], sketch.shift[cells]
    vmin, vmax = sketch.vmin[cells], sketch.vmax[cells]
    bins = sketch.bins
    width = np.left_shift(1, shift)
    j = np.clip(((threshold - lo) >> shift) + 1, 0, bins + 1)
    low = np.where(j == 0, vmin, lo + (j - 1) * width)
    high = np.where(j == 0, lo - 1, np.where(j == bins + 1, vmax, lo + j * width - 1))
    low, high = np.maximum(low, vmin), np.minimum(high, vmax)
    rows = np.arange(counts.shape[0])
    in_bin = counts[rows, j]
    beyond = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # beyond[:, k] = sum of bins >= k
    later = np.where(j + 1 <= bins + 1, beyond[rows, np.minimum(j + 1, bins + 1)], 0)
    later = np.where(j == bins + 1, 0, later)
    all_above, none_above = low > threshold, high <= threshold
    sure: IntArray = later + np.where(all_above, in_bin, 0)
    maybe: IntArray = np.where(all_above | none_above, 0, in_bin)
    return sure, maybe


def threshold_table(result: SensitivityResult, amount: float,
                    year: str | int | None = None) -> pd.DataFrame:
    """Per council: the chance of getting more than ``amount`` pounds in ``year`` (the
    last by default): columns code, name, year, threshold, p_above, p_low, p_high, exact."""
    y = result._year(year)
    n, la = result.n_variants, result.authorities
    threshold = round(amount * 100)
    if result.amount_pence.shape[0] == n or result.amount_sketch is None:
        above = (result.amount_pence[:, y, :] > threshold).sum(axis=0)
        p = low = high = above / n
        exact = True
    else:
        sure, maybe = above_counts(result.amount_sketch, slice(y * la.n, (y + 1) * la.n),
                                   threshold)
        low, high = sure / n, (sure + maybe) / n
        p, exact = (low + high) / 2, False
    return pd.DataFrame({"code": la.codes, "name": la.names, "year": result.spec.years[y],
                         "threshold": threshold / 100.0, "p_above": p, "p_low": low,
                         "p_high": high, "exact": exact})


def probability_above(result: SensitivityResult, amount: float, council: str,
                      year: str | int | None = None) -> Chance:
    """The chance (over the variants run) that ``council`` (a name or ONS code) gets more
    than ``amount`` pounds in ``year`` (the last by default)."""
    i = _council(result, council)
    row = threshold_table(result, amount, year).iloc[i]
    return Chance(float(row["p_above"]), float(row["p_low"]), float(row["p_high"]),
                  bool(row["exact"]), f"{row['name']} gets more than £{amount:,.0f} in "
                  f"{row['year']}")


def probability_of_gaining(result: SensitivityResult, council: str,
                           year: str | int | None = None) -> Chance:
    """The chance that ``council`` gets more than its baseline in ``year`` (counted exactly
    during the run; needs a baseline: a damping baseline or ``compare_to``)."""
    if result.gains is None or result.compare_pence is None:
        raise FundmodelError("this run has no baseline to gain against: give the formula a "
                             "damping baseline or set SensitivitySpec(compare_to='<column>')")
    i, y = _council(result, council), result._year(year)
    p = float(result.gains[y, i] / result.n_variants)
    name, when = result.authorities.names[i], result.spec.years[y]
    baseline = result.compare_pence[y, i] / 100.0
    return Chance(p, p, p, True, f"{name} gets more than its baseline £{baseline:,.0f} in "
                  f"{when}")


class ThresholdQueries:
    """The threshold questions as methods of
    :class:`~fundmodel.analysis.uncertainty.result.SensitivityResult`."""

    def probability_above(self, amount: float, council: str,
                          year: str | int | None = None) -> Chance:
        """Chance ``council`` (name or code) gets more than ``amount`` pounds in ``year``
        (default the last): exact, or a range when from the streaming histogram."""
        return probability_above(cast("SensitivityResult", self), amount, council, year)

    def probability_of_gaining(self, council: str,
                               year: str | int | None = None) -> Chance:
        """Chance ``council`` gets more than its baseline in ``year`` (default the last)."""
        return probability_of_gaining(cast("SensitivityResult", self), council, year)

    def threshold_table(self, amount: float,
                        year: str | int | None = None) -> pd.DataFrame:
        """Every council's chance of more than ``amount`` pounds in ``year``."""
        return threshold_table(cast("SensitivityResult", self), amount, year)
