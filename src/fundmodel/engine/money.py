"""Money helpers: penny-exact rounding by largest remainder, and display formatting.

Amounts are float64 pounds inside the engine; published amounts are whole pence that add
up exactly to the control total.

>>> import numpy as np
>>> to_pence_exact(np.array([1/3, 1/3, 1/3]), 1.0)
array([34, 33, 33])
>>> format_gbp(2_523_000_000)
'£2,523.0m'
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from fundmodel.core.display import format_gbp as format_gbp  # re-exported: its old home
from fundmodel.engine.scratch import Scratch
from fundmodel.errors import FormulaError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_PENCE = 2**53
"""Whole pence are held exactly only below this (float64's integer limit, about £90 trillion):
every amount fundmodel produces in pence is checked against it (:func:`pence_in_range`)."""


def pence_in_range(pence: npt.ArrayLike, what: str, names: npt.ArrayLike | None = None
                   ) -> IntArray:
    """Float pence (already whole or to be rounded to the nearest) as int64, refusing any
    value that is not finite or not below :data:`MAX_PENCE` in size (so it cannot wrap
    round or lose pennies). ``names`` (one per value, optional) names the first bad one.

    >>> pence_in_range(np.array([1.0, 250.4]), "spend").tolist()
    [1, 250]
    >>> pence_in_range(np.array([1e17]), "spend", ["E06000001 Hartlepool"])
    Traceback (most recent call last):
    ...
    fundmodel.errors.FormulaError: spend for E06000001 Hartlepool is £1,000,000,000,000,000.00, ...
    """
    values = np.asarray(pence, dtype=np.float64)
    bad = ~(np.abs(values) < MAX_PENCE)
    if bad.any():
        i = int(np.flatnonzero(bad.ravel())[0])
        who = f" for {np.asarray(names).ravel()[i]}" if names is not None else ""
        value = values.ravel()[i]
        shown = f"£{value / 100:,.2f}" if math.isfinite(value) else str(value)
        raise FormulaError(
            f"{what}{who} is {shown}, outside the range fundmodel holds to the penny "
            f"(below £{MAX_PENCE / 100:,.0f} in size); check the inputs (units, price index)")
    out: IntArray = np.rint(values).astype(np.int64)
    return out


def total_in_pence(total: float) -> int:
    """Convert a control total in pounds to whole pence, refusing anything not representable.

    >>> total_in_pence(2_600_000_000)
    260000000000
    >>> total_in_pence(12.345)
    Traceback (most recent call last):
    ...
    fundmodel.errors.FormulaError: control total £12.345 is not a whole number of pence
    """
    if not isinstance(total, int | float) or isinstance(total, bool):
        raise FormulaError(f"control total must be a number, got {total!r}")
    if not math.isfinite(total):
        raise FormulaError(f"control total must be finite, got {total}")
    if total < 0:
        raise FormulaError(f"control total must not be negative, got £{total:,}")
    if total * 100 >= MAX_PENCE:
        raise FormulaError(f"control total £{total:,} is too large to hold to the penny")
    if isinstance(total, int):
        return total * 100
    # whole pence up to float rounding (a few units in the last place), the same relative
    # test at any size: a sub-penny total is refused at £5 and at £5m alike
    scaled = total * 100.0
    pence = round(scaled)
    if abs(pence - scaled) > 4 * math.ulp(max(abs(scaled), 1.0)):
        raise FormulaError(f"control total £{total} is not a whole number of pence")
    return int(pence)


def largest_remainder(
    pence: FloatArray,
    totals: IntArray,
    tiebreak: IntArray,
    *,
    scratch: Scratch | None = None,
    out: IntArray | None = None,
) -> IntArray:
    """Round rows of non-negative pence amounts to integers that sum to ``totals`` exactly.

    Each amount is rounded down, then the pennies still owed to the row's total go one
    each to the amounts with the largest fractional parts. Ties in the fractional part go
    to the lower ``tiebreak`` rank (fundmodel passes the rank of the authority's ONS code,
    so the result does not depend on row order).

    ``pence`` has shape (..., n); ``totals`` has the leading shape; ``tiebreak`` shape (n,).

    Batch callers may pass a :class:`~fundmodel.engine.scratch.Scratch` for the work arrays and
    ``out`` (an int64 array of ``pence``'s shape) to receive the result.

    >>> largest_remainder(np.array([[10.5, 20.5, 69.0]]), np.array([100]), np.array([1, 0, 2]))
    array([[10, 21, 69]])
    """
    n = pence.shape[-1]
    rows = pence.reshape(-1, n)
    work = scratch if scratch is not None else Scratch()
    floors = np.floor(rows, out=work.array("floors", rows.shape))
    remainders = np.subtract(rows, floors, out=work.array("remainders", rows.shape))
    owed = np.asarray(totals).reshape(-1) - floors.sum(axis=1).astype(np.int64)
    if np.any(owed < 0) or np.any(owed > n):
        raise FormulaError(
            "internal rounding error: amounts do not add up to the total within one penny each"
        )
    rounded: IntArray = np.empty(pence.shape, dtype=np.int64) if out is None else out
    flat = rounded.reshape(-1, n)
    flat[...] = floors
    flat += _top_remainders(remainders, owed, tiebreak, work)
    return rounded


COARSE_BITS = 23
"""Remainders are first compared as whole numbers of ``2**-23`` (int32, which sorts much
faster than float64); only the few near each row's cut are compared exactly."""


def _top_remainders(
    rem: FloatArray, owed: IntArray, tiebreak: IntArray, scratch: Scratch | None = None
) -> npt.NDArray[np.bool_]:
    """True for the ``owed`` largest remainders of each row (ties to the lower ``tiebreak``,
    then the lower position).

    Equivalent to ranking each row by (remainder descending, tiebreak ascending) and taking
    the first ``owed``. Each remainder is cut down to a whole number of ``2**-23``
    (``coarse``, an int32 that never orders two remainders the wrong way round, though it
    may make them equal), and a plain sort of a row's coarse values gives the
    ``owed``-th largest as the row's cut. Remainders whose coarse value is above the cut
    are larger than every one at or below it, so they get a penny; when the cut's coarse
    value is shared, only those sharing it (usually one or two, or exact ties such as
    floors at a round fraction of a penny) are ranked exactly, by remainder and tiebreak.
    """
    rows, n = rem.shape
    if rows == 0 or n == 0:
        return np.zeros((rows, n), dtype=np.bool_)
    work = scratch if scratch is not None else Scratch()
    scaled = np.multiply(rem, float(1 << COARSE_BITS), out=work.array("ascending", (rows, n)))
    coarse = work.array("coarse", (rows, n), np.int32)
    np.copyto(coarse, scaled, casting="unsafe")  # truncation: rem >= 0, so a floor
    ordered = work.array("coarse_sorted", (rows, n), np.int32)
    ordered[...] = coarse
    ordered.sort(axis=1)
    position = np.clip(n - owed, 0, n - 1)[:, None]
    cut = np.take_along_axis(ordered, position, axis=1)
    cut[owed <= 0] = (1 << 31) - 1  # nothing owed: no coarse value (<= 2**23) reaches it
    extra: npt.NDArray[np.bool_] = np.greater_equal(
        coarse, cut, out=work.array("extra", (rows, n), dtype=np.bool_))
    # usually exactly ``owed`` coarse values are at or above the cut; where more are, the
    # ones equal to it compete for the pennies left, by (remainder desc, tiebreak, position)
    hard = np.flatnonzero(np.count_nonzero(extra, axis=1) != owed)
    if hard.size:
        sub, sub_cut = coarse[hard], cut[hard]
        chosen = sub > sub_cut
        left = owed[hard] - chosen.sum(axis=1)  # >= 1: the cut itself is owed a penny
        row, col = np.nonzero(sub == sub_cut)  # row by row, columns ascending
        order = np.lexsort((np.asarray(tiebreak)[col], -rem[hard[row], col], row))
        row, col = row[order], col[order]
        first = np.searchsorted(row, np.arange(hard.size))  # each row's first candidate
        wins = np.arange(row.size) - first[row] < left[row]
        chosen[row[wins], col[wins]] = True
        extra[hard] = chosen
    return extra


def to_pence_exact(amounts: FloatArray, total: float) -> IntArray:
    """Round one vector of pound amounts to pence summing exactly to ``total`` (pounds).

    Ties are broken by position (first wins); the engine uses ONS-code order instead.
    """
    pence_total = total_in_pence(total)
    arr = np.asarray(amounts, dtype=np.float64)
    scaled = arr * 100.0
    out = largest_remainder(scaled[None, :], np.array([pence_total]), np.arange(arr.size))
    first: IntArray = out[0]
    return first
