"""Damping: floors and ceilings against a baseline, kept self-financing by scaling gains.

For each variant (row) with formula amounts ``r``, baseline ``b``, floor ``L = b(1+floor)``
and ceiling ``U = b(1+ceiling)``:

* a council whose formula amount is at or below its baseline (a loser) gets
  ``max(L, r)``: its loss stops at the floor;
* a gainer gets ``min(U, b + lam * (r - b))``: its gain is scaled by one factor ``lam``
  shared by every gainer, and capped at the ceiling;
* ``lam`` is solved exactly (piecewise-linear: gainers whose cap point the solution passes
  are capped and the rest re-solved, until none passes) so the
  amounts add up to the control total. ``lam < 1`` means gains pay for the floor;
  ``lam > 1`` means money freed by the ceiling is shared among uncapped gainers.

If the floor costs more than all gains above baseline, or ceilings leave money that no
uncapped gainer can take, :class:`~fundmodel.errors.InfeasibleDampingError` says by how much.

>>> import numpy as np
>>> r = np.array([[60.0, 140.0, 100.0]])
>>> b = np.array([100.0, 100.0, 100.0])
>>> a, lam = apply_damping(r, b, floor=-0.10, ceiling=None)
>>> a.round(6).tolist(), lam.round(6).tolist()
([[90.0, 110.0, 100.0]], [0.25])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from fundmodel._types import FloatArray
from fundmodel.engine.money import format_gbp
from fundmodel.engine.scratch import Scratch
from fundmodel.errors import InfeasibleDampingError


def apply_damping(
    raw: FloatArray, baseline: FloatArray, floor: float | FloatArray | None,
    ceiling: float | FloatArray | None,
) -> tuple[FloatArray, FloatArray]:
    """Damp ``raw`` (variants x authorities) against ``baseline``; returns amounts and ``lam``.

    Totals per row are preserved (up to float rounding; penny rounding comes after).
    ``floor`` and ``ceiling`` may be one value or one per authority (shape (authorities,),
    e.g. floor groups), each floor at most 0 and each ceiling at least 0.
    The amounts are a new array, the caller's to keep.
    """
    raw = np.atleast_2d(raw)
    if ceiling is None:
        return damp_without_ceiling(raw, baseline, floor, Scratch(), fresh=True)
    return damp_with_ceiling(raw, baseline, floor, ceiling, Scratch(), fresh=True)


def damp_with_ceiling(
    raw: FloatArray, baseline: FloatArray, floor: float | FloatArray | None,
    ceiling: float | FloatArray, scratch: Scratch, *, fresh: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Floor and ceiling, with every (rows x authorities) work array from ``scratch``.

    The same arithmetic as :func:`apply_damping` (identical results); the amounts come
    back in a scratch array (a new one when ``fresh``), valid until ``scratch`` is next
    asked for it. Batch callers reuse one ``scratch`` from chunk to chunk, so no chunk
    allocates (and faults in) fresh memory.
    """
    rows = raw.shape
    total = raw.sum(axis=1)
    zero = scratch.zeros(rows)
    gain = np.subtract(raw, baseline, out=scratch.array("gain", rows))
    gains = np.maximum(gain, zero, out=scratch.array("gains", rows))  # also the gains d
    available = gains.sum(axis=1)
    topup, protection = _floor_topups(baseline, floor, gain, zero, scratch)
    tol = 1e-9 * np.maximum(total, 1.0)
    _check_floor(floor, protection, available, tol)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(available > 0, 1.0 - protection / available, 0.0)

    gainer = np.greater(gain, 0.0, out=scratch.array("gainer", rows, np.bool_))
    loser = np.logical_not(gainer, out=scratch.array("loser", rows, np.bool_))
    kept = np.empty(rows) if fresh else scratch.array("kept", rows)
    if topup is not None:
        np.add(raw, topup, out=kept)
    else:
        kept[...] = raw
    kept *= loser  # what losers end up with; gainers' cells are zero
    needed = total - kept.sum(axis=1)  # what the gainers must add up to
    d = gains  # gain where a gainer, else zero
    high = np.multiply(baseline, 1.0 + ceiling,
                       out=scratch.array("high", baseline.shape) if baseline.ndim == 2
                       else None)
    breaks = np.subtract(high, baseline, out=scratch.array("breaks", rows))
    # a loser's break is +inf: its d is zero and its numerator, high - baseline >= 0, gets
    # 1 added (cheaper than a masked copy; a gainer's numerator is unchanged, as it adds 0)
    breaks += loser
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(breaks, d, out=breaks)
    # a row needs the piecewise solver only if some gainer would pass its ceiling
    binding = np.flatnonzero(lam > breaks.min(axis=1))
    if binding.size:
        def sub(name: str, full: npt.NDArray[Any]) -> npt.NDArray[Any]:
            """The binding rows of ``full`` (all of it, uncopied, when every row binds)."""
            if binding.size == rows[0]:
                return np.broadcast_to(full, rows)
            out = scratch.array(name, (binding.size, rows[1]), full.dtype)
            # mode="clip" (the rows are in range): numpy buffers ``out`` for mode="raise"
            return np.take(np.broadcast_to(full, rows), binding, axis=0, out=out,
                           mode="clip")

        lam[binding] = _solve_with_ceilings(
            sub("b_breaks", breaks), sub("b_base", baseline), sub("b_d", d),
            sub("b_gainer", gainer), sub("b_high", high), needed[binding], tol[binding],
            lam[binding], ceiling, binding, scratch,
        )
    lam = np.maximum(lam, 0.0)
    work = np.multiply(gain, lam[:, None], out=scratch.array("work", rows))
    work += baseline
    np.minimum(work, high, out=work)
    work *= gainer
    kept += work
    return kept, lam


def damp_without_ceiling(
    raw: FloatArray, baseline: FloatArray, floor: float | FloatArray | None, scratch: Scratch,
    *, fresh: bool = False, totals: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """The floor-only case in closed form, with work arrays from ``scratch``.

    Gains are all scaled by ``lam = 1 - protection / gains``; each amount is
    ``raw + (lam - 1) * gain`` for a gainer and ``raw + top-up`` for a loser, the top-up
    being ``max(L - raw, 0)`` (zero for every gainer, as floors are at or below the
    baseline). The amounts come back in a scratch array (a new one when ``fresh``).
    ``totals`` (each row's pot, if the caller knows it) only sets the tolerance of the
    feasibility check; by default it is the sum of ``raw``.
    """
    rows = raw.shape
    zero = scratch.zeros(rows)  # np.maximum against zeros: much faster than against 0.0
    gain = np.subtract(raw, baseline, out=scratch.array("gain", rows))
    gains = np.maximum(gain, zero, out=np.empty(rows) if fresh else scratch.array("gains", rows))
    available = gains.sum(axis=1)
    tol = 1e-9 * np.maximum(raw.sum(axis=1) if totals is None else totals, 1.0)
    topup, protection = _floor_topups(baseline, floor, gain, zero, scratch)
    _check_floor(floor, protection, available, tol)
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(available > 0, 1.0 - protection / available, 0.0)
    lam = np.maximum(lam, 0.0)
    out = np.multiply(gains, (lam - 1.0)[:, None], out=gains)
    out += raw
    if topup is not None:
        out += topup
    return out, lam


def _pct(value: float | FloatArray | None) -> str:
    """A floor or ceiling for messages: ``-5.0%``, or a range when it differs by authority."""
    values = np.atleast_1d(np.asarray(value, dtype=np.float64))
    low, high = float(values.min()), float(values.max())
    return f"{low:+.1%}" if low == high else f"{low:+.1%} to {high:+.1%}"


def _floor_topups(baseline: FloatArray, floor: float | FloatArray | None, gain: FloatArray,
                  zero: FloatArray, scratch: Scratch) -> tuple[FloatArray | None, FloatArray]:
    """Each council's top-up to its floor, ``max(baseline * floor - gain, 0)`` (a scratch
    array; ``None`` without a floor), and each row's total protection."""
    if floor is None:
        return None, np.zeros(gain.shape[0])
    topup = np.multiply(baseline, floor, out=scratch.array("topup", gain.shape))
    np.subtract(topup, gain, out=topup)
    np.maximum(topup, zero, out=topup)
    return topup, topup.sum(axis=1)


def _check_floor(floor: float | FloatArray | None, protection: FloatArray,
                 available: FloatArray, tol: FloatArray) -> None:
    """Raise if protecting councils at the floor costs more than all gains above baseline."""
    short = protection - available
    if np.any(short > tol):
        v = int(np.argmax(short))
        raise InfeasibleDampingError(
            f"floor of {_pct(floor)} is infeasible (variant {v}): protecting councils costs "
            f"{format_gbp(protection[v], 'auto')} but gains above baseline total only "
            f"{format_gbp(available[v], 'auto')}; the pot is {format_gbp(short[v], 'auto')} short"
        )


def _solve_with_ceilings(
    breaks: FloatArray,
    baseline: FloatArray,
    d: FloatArray,
    gainer: npt.NDArray[np.bool_],
    high: FloatArray,
    needed: FloatArray,
    tol: FloatArray,
    lam: FloatArray,
    ceiling: float | FloatArray,
    variants: npt.NDArray[np.intp],
    scratch: Scratch | None = None,
) -> FloatArray:
    """Exact ``lam`` when ceilings bind (``lam`` starts at the uncapped solution).

    Capping gainers lowers the total, so the solution is never below the current ``lam``
    and every gainer whose cap point (``breaks``) lies below it is capped at the solution.
    Cap those, re-solve the linear equation for the rest, and repeat until no further
    gainer passes its cap: at most one round per authority, usually two or three.
    Work arrays come from ``scratch`` (a fresh one by default).
    """
    work = scratch if scratch is not None else Scratch()
    shape = breaks.shape
    capped = np.less(breaks, lam[:, None], out=work.array("capped", shape, np.bool_))
    solved = lam.copy()
    rows = np.arange(shape[0])  # which of the given rows the work arrays below hold
    arrays = (breaks, baseline, d, gainer, high, capped)
    row_needed = needed
    for round_ in range(shape[1] + 1):
        r_breaks, r_base, r_d, r_gainer, r_high, r_capped = arrays
        size = r_breaks.shape
        # capped gainers only (a loser's break is infinite), so free = gainer and not capped
        free = np.logical_xor(r_gainer, r_capped, out=work.array("free", size, np.bool_))
        product = work.array("product", size)
        caps = np.multiply(r_high, r_capped, out=product).sum(axis=1)
        rest = row_needed - caps - np.multiply(r_base, free, out=product).sum(axis=1)
        slope = np.multiply(r_d, free, out=product).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(slope > 0, rest / slope, np.inf)
        passing = np.less(r_breaks, step[:, None], out=work.array("passing", size, np.bool_))
        passing &= free
        solved[rows] = step  # final for a row none of whose gainers passes its cap
        moving = passing.any(axis=1)
        if not moving.any():
            break
        r_capped |= passing
        if 4 * int(np.count_nonzero(moving)) <= 3 * size[0]:
            # a solved row's lam never changes again, and each row's sums are the same
            # whatever rows sit beside it: carry on with the unsolved rows only
            keep = np.flatnonzero(moving)
            rows, row_needed = rows[keep], row_needed[keep]
            arrays = tuple(  # type: ignore[assignment]
                np.take(full, keep, axis=0, mode="clip", out=work.array(
                    f"solve_{k}_{round_ % 2}", (keep.size, size[1]), full.dtype))
                for k, full in enumerate(arrays))
    lam = solved
    full = ~np.isfinite(lam)  # every gainer at its ceiling
    if full.any():
        # (rare: a fresh array, since the solve may have narrowed ``product`` to fewer rows)
        left = np.where(full, needed - np.multiply(high, gainer).sum(axis=1), 0.0)
        if np.any(left > tol):
            row = int(np.flatnonzero(left > tol)[0])
            raise InfeasibleDampingError(
                f"ceiling of {_pct(ceiling)} is infeasible (variant {int(variants[row])}): with "
                f"every gainer at its ceiling, {format_gbp(left[row], 'auto')} of the pot "
                "cannot be allocated"
            )
        top = np.where(gainer, breaks, 0.0).max(axis=1)
        lam = np.where(full, top, lam)
    return lam
