"""The engine: one vectorised pass from a formula and authority data to penny-exact amounts.

All authorities, and any number of weight variants, are computed at once with numpy; there
is no per-authority Python loop.

>>> from fundmodel import load_authorities
>>> from fundmodel.presets import children_act_formula
>>> result = allocate(children_act_formula(), load_authorities(), total=1_000_000_000)
>>> int(result.amount_pence.sum()) == 100_000_000_000
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray, IntArray
from fundmodel.data.authorities import Authorities
from fundmodel.engine.damping import damp_with_ceiling, damp_without_ceiling
from fundmodel.engine.formula import NeedsFormula, check_weights
from fundmodel.engine.money import largest_remainder, total_in_pence
from fundmodel.engine.resources import equalise
from fundmodel.engine.result import Allocation
from fundmodel.engine.scratch import Scratch
from fundmodel.errors import FormulaError
from fundmodel.parameters.records import Parameter


def indicator_matrix(formula: NeedsFormula, authorities: Authorities) -> FloatArray:
    """Indicator values, shape (indicators, authorities); shares basis gives each row's shares."""
    rows = np.vstack([ind.values(authorities, purpose=f"indicator {ind.name!r}")
                      for ind in formula.indicators])
    if formula.basis == "per_unit":
        return rows
    totals = np.sort(rows, axis=1).sum(axis=1, keepdims=True)  # independent of row order
    if np.any(totals <= 0):
        k = int(np.argmin(totals[:, 0]))
        raise FormulaError(
            f"indicator {formula.indicators[k].name!r} is zero for every authority, "
            "so it has no shares to distribute"
        )
    shares: FloatArray = rows / totals
    return shares


def area_costs(formula: NeedsFormula, authorities: Authorities) -> FloatArray:
    """The area cost adjustment per authority (ones if the formula has none)."""
    if formula.area_cost_adjustment is None:
        return np.ones(authorities.n)
    aca = authorities.column(formula.area_cost_adjustment)
    bad = np.flatnonzero(~(aca > 0))
    if bad.size:
        i = int(bad[0])
        raise FormulaError(
            f"area cost adjustment {formula.area_cost_adjustment!r} must be positive; "
            f"{authorities.codes[i]} {authorities.names[i]} has {aca[i]}"
        )
    return aca


def allocate(
    formula: NeedsFormula,
    authorities: Authorities,
    total: float | Parameter,
    *,
    weights: FloatArray | None = None,
    baseline: FloatArray | pd.Series | None = None,
) -> Allocation:
    """Allocate ``total`` (pounds) across ``authorities`` by ``formula``.

    ``weights`` (optional, shape variants x indicators) runs many weight variants in one
    call; by default the formula's own weights are the single variant. ``baseline``
    overrides the damping baseline column (pounds per authority: a ``pandas.Series`` or
    mapping is matched by ONS code, an array is in row order).
    Amounts are whole pence and each variant sums exactly to ``total``: pennies left by
    rounding down go to the largest remainders, ties to the lower ONS code.
    """
    pot = total.in_pounds() if isinstance(total, Parameter) else total
    pot_pence = total_in_pence(pot)
    names = [i.name for i in formula.indicators]
    w = formula.weight_vector()[None, :] if weights is None else np.asarray(weights, np.float64)
    if w.ndim == 1:
        w = w[None, :]
    check_weights(w, formula.basis, names)

    need, shares, need_total = _need_shares(
        w, indicator_matrix(formula, authorities), area_costs(formula, authorities)
    )
    pot_exact = pot_pence / 100.0

    base: FloatArray | None = None
    if formula.damping is not None:
        base = _baseline(formula, authorities, baseline)
    elif baseline is not None:
        base = _check_baseline(authorities.align(baseline, "baseline"), authorities)

    pots = np.full(w.shape[0], pot_pence, dtype=np.int64)
    resources = equalised = x = None
    if formula.resources is not None:
        resources = formula.resources.amounts(authorities)
        equalised, x, _ = equalise(shares, resources, pots / 100.0)
    raw, pence, lam = _allocate_rows(
        formula, shares, pots, base, authorities.code_rank(), equalised=equalised,
    )
    return Allocation(
        formula=formula,
        authorities=authorities,
        total_pence=pot_pence,
        weights=w,
        need=need,
        shares=shares,
        formula_amount=raw,
        amount_pence=pence,
        baseline=base,
        gain_scale=lam,
        scaling_factor=(pot_exact / need_total[:, 0]) if formula.basis == "per_unit" else None,
        resources=resources,
        equalisation_x=x,
        thresholds=_thresholds(formula, authorities),
        transformed={i.name: i.values(authorities, purpose=f"indicator {i.name!r}")
                     for i in formula.indicators if i.transform is not None},
    )


def _thresholds(formula: NeedsFormula, authorities: Authorities) -> dict[str, float]:
    """The threshold each top-up indicator used on these authorities, by indicator name."""
    used = {i.name: i.threshold_used(authorities) for i in formula.indicators}
    return {name: t for name, t in used.items() if t is not None}


def _need_shares(
    w: FloatArray, x: FloatArray, aca: FloatArray, scratch: Scratch | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Need, shares and total need (keepdims) for weight rows ``w`` over indicators ``x``.

    Private: shared by :func:`allocate` and batch callers (fundmodel.analysis.uncertainty) so that a
    batch row is computed by exactly the same arithmetic as a single call. Batch callers
    pass a :class:`~fundmodel.engine.scratch.Scratch`: need and shares then live in it.
    """
    shape = (w.shape[0], x.shape[1])
    if scratch is None:
        need = np.zeros(shape)
        term = np.empty(shape)
    else:
        need = scratch.array("need", shape)
        need[...] = 0.0
        term = scratch.array("need_term", shape)
    for k in range(x.shape[0]):  # a handful of indicators; keeps each sum in a fixed order
        need += np.multiply(w[:, k, None], x[k][None, :], out=term)
    need *= aca[None, :]
    # total need = sum_k w_k * (sum_i x_ki * aca_i): the per-indicator sums are taken once,
    # in sorted order, so the total does not depend on the order of the authorities
    column_totals = np.sort(x * aca[None, :], axis=1).sum(axis=1)
    need_total = np.zeros((w.shape[0], 1))
    for k in range(x.shape[0]):
        need_total[:, 0] += w[:, k] * column_totals[k]
    if np.any(need_total <= 0):
        raise FormulaError("total need is zero: every authority has zero on every indicator")
    shares = np.divide(need, need_total,
                       out=None if scratch is None else scratch.array("shares", shape))
    return need, shares, need_total


def _allocate_rows(
    formula: NeedsFormula,
    shares: FloatArray,
    pot_pence: IntArray,
    base: FloatArray | None,
    tiebreak: IntArray,
    scratch: Scratch | None = None,
    out: IntArray | None = None,
    *,
    equalised: FloatArray | None = None,
) -> tuple[FloatArray, IntArray, FloatArray | None]:
    """Formula amounts, penny-exact amounts and damping ``lam`` for rows of shares.

    Private batch path: row r distributes ``pot_pence[r]`` (its own control total, whole
    pence) by ``shares[r]``, damped against ``base`` (shape (n,) or one row per row) when
    the formula has damping. :func:`allocate` is the one-total case of this function.

    Batch callers pass a :class:`~fundmodel.engine.scratch.Scratch` (work arrays reused from
    chunk to chunk; the returned formula amounts then live in it until the next call) and
    ``out``, an int64 (rows x authorities) array that receives the pence.
    ``equalised`` (a formula with resources) holds each row's needs-minus-resources amounts
    (:func:`fundmodel.engine.resources.equalise`), used in place of shares x pot.
    """
    work = scratch if scratch is not None else Scratch()
    shape = shares.shape
    if formula.resources is not None and equalised is None:
        raise FormulaError(
            "this formula has a resources adjustment: pass the equalised amounts "
            "(fundmodel.engine.resources.equalise) to the batch path")
    if equalised is not None:
        raw = equalised
    else:
        raw = np.multiply(shares, (pot_pence / 100.0)[:, None],
                          out=work.array("raw", shape) if scratch is not None else None)
    lam: FloatArray | None = None
    zeros = work.zeros(shape)  # np.maximum against zeros: much faster than against 0.0
    if formula.damping is not None and formula.damping.ceiling is None:
        assert base is not None
        amounts, lam = damp_without_ceiling(raw, base, formula.damping.floor, work,
                                            totals=pot_pence / 100.0)
        np.maximum(amounts, zeros, out=amounts)
    elif formula.damping is not None:
        assert base is not None
        ceiling = formula.damping.ceiling
        assert ceiling is not None
        amounts, lam = damp_with_ceiling(raw, base, formula.damping.floor, ceiling, work)
        np.maximum(amounts, zeros, out=amounts)  # a scratch array, ours to overwrite
    else:
        amounts = np.maximum(raw, zeros, out=work.array("amounts", shape))
    amounts *= 100.0
    pence = largest_remainder(amounts, pot_pence, tiebreak, scratch=work, out=out)
    return raw, pence, lam


def _baseline(
    formula: NeedsFormula, authorities: Authorities, override: FloatArray | pd.Series | None
) -> FloatArray:
    assert formula.damping is not None
    if override is not None:
        return _check_baseline(authorities.align(override, "baseline"), authorities)
    from fundmodel.engine.measures import Measure

    if formula.damping.baseline is None:
        raise FormulaError(
            "the formula's damping names no baseline column: pass baseline=... (pounds per "
            "authority) to allocate, or set damping.baseline to a column"
        )
    return Measure(column=formula.damping.baseline).values(authorities, purpose="damping baseline")


def _check_baseline(base: FloatArray, authorities: Authorities) -> FloatArray:
    if base.shape != (authorities.n,):
        raise FormulaError(f"baseline must have {authorities.n} values, got shape {base.shape}")
    bad = np.flatnonzero(~np.isfinite(base) | (base < 0))
    if bad.size:
        i = int(bad[0])
        raise FormulaError(
            f"baseline for {authorities.codes[i]} {authorities.names[i]} is {base[i]}; "
            "it must be a finite, non-negative amount in pounds"
        )
    return base


def per_child(amount_pence: IntArray, children: FloatArray) -> FloatArray:
    """Pounds per child, NaN where there are no children."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(children > 0, amount_pence / 100.0 / children, np.nan)
