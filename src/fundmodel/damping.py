"""Damping: floors and ceilings against a baseline, kept self-financing by scaling gains.

For each variant (row) with formula amounts ``r``, baseline ``b``, floor ``L = b(1+floor)``
and ceiling ``U = b(1+ceiling)``:

* a council whose formula amount is at or below its baseline (a loser) gets
  ``max(L, r)``: its loss stops at the floor;
* a gainer gets ``min(U, b + lam * (r - b))``: its gain is scaled by one factor ``lam``
  shared by every gainer, and capped at the ceiling;
* ``lam`` is solved exactly (piecewise-linear, by sorting the gainers' cap points) so the
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

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.errors import InfeasibleDampingError
from fundmodel.money import format_gbp


def apply_damping(
    raw: FloatArray, baseline: FloatArray, floor: float | None, ceiling: float | None
) -> tuple[FloatArray, FloatArray]:
    """Damp ``raw`` (variants x authorities) against ``baseline``; returns amounts and ``lam``.

    Totals per row are preserved (up to float rounding; penny rounding comes after).
    """
    raw = np.atleast_2d(raw)
    total = raw.sum(axis=1)
    low = baseline * (1.0 + floor) if floor is not None else np.full_like(baseline, -np.inf)
    high = baseline * (1.0 + ceiling) if ceiling is not None else np.full_like(baseline, np.inf)

    gain = raw - baseline
    gainer = gain > 0
    loser_amount = np.maximum(low, raw)
    fixed = np.where(gainer, 0.0, loser_amount).sum(axis=1)
    needed = total - fixed  # what the gainers must add up to

    protection = np.where(gainer, 0.0, loser_amount - raw).sum(axis=1)
    available = np.where(gainer, gain, 0.0).sum(axis=1)
    tol = 1e-9 * np.maximum(total, 1.0)
    short = protection - available
    if np.any(short > tol):
        v = int(np.argmax(short))
        raise InfeasibleDampingError(
            f"floor of {floor:+.1%} is infeasible (variant {v}): protecting councils costs "
            f"{format_gbp(protection[v], 'auto')} but gains above baseline total only "
            f"{format_gbp(available[v], 'auto')}; the pot is {format_gbp(short[v], 'auto')} short"
        )

    d = np.where(gainer, gain, 0.0)
    b = np.where(gainer, baseline, 0.0)
    cap = np.where(gainer, high, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        breaks = np.where(gainer & np.isfinite(high), (high - baseline) / d, np.inf)
    order = np.argsort(breaks, axis=1, kind="stable")
    ts = np.take_along_axis(breaks, order, axis=1)
    bs = np.take_along_axis(b, order, axis=1)
    ds = np.take_along_axis(d, order, axis=1)
    us = np.take_along_axis(np.where(np.isfinite(cap), cap, 0.0), order, axis=1)
    capped_before = np.cumsum(us, axis=1) - us
    b_after = np.cumsum(bs[:, ::-1], axis=1)[:, ::-1]
    d_after = np.cumsum(ds[:, ::-1], axis=1)[:, ::-1]
    finite = np.isfinite(ts)
    at_break = np.where(finite, capped_before + b_after + np.where(finite, ts, 0.0) * d_after,
                        np.inf)
    at_break = np.where(d_after > 0, at_break, np.where(finite, at_break, capped_before))
    reach = at_break >= needed[:, None] - tol[:, None]
    if not np.all(reach.any(axis=1)):
        v = int(np.flatnonzero(~reach.any(axis=1))[0])
        left = needed[v] - at_break[v].max()
        raise InfeasibleDampingError(
            f"ceiling of {ceiling:+.1%} is infeasible (variant {v}): with every gainer at its "
            f"ceiling, {format_gbp(left, 'auto')} of the pot cannot be allocated"
        )
    k = np.argmax(reach, axis=1)[:, None]
    dk = np.take_along_axis(d_after, k, axis=1)[:, 0]
    rest = needed - np.take_along_axis(capped_before + b_after, k, axis=1)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(dk > 0, rest / dk, 0.0)
    lam = np.maximum(lam, 0.0)
    gainer_amount = np.minimum(high, baseline + lam[:, None] * gain)
    return np.where(gainer, gainer_amount, loser_amount), lam
