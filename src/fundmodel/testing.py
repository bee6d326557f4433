"""Hypothesis strategies and invariant checks for property-testing needs formulas.

Import these in your own CI to test a formula you wrote (needs ``hypothesis``)::

    from hypothesis import given
    from fundmodel.testing import allocation_cases, check_allocation_invariants

    @given(allocation_cases())
    def test_my_formula(case):
        check_allocation_invariants(case.allocate())

Each ``check_*`` function raises :class:`AssertionError` with a message naming the
authority and the values that broke the rule.

>>> from fundmodel.testing import synthetic_authorities
>>> synthetic_authorities([[1.0, 2.0], [3.0, 4.0]]).n
2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in an environment without hypothesis
    raise ImportError(
        "fundmodel.testing needs hypothesis, which is in the test extra: "
        "pip install 'fundmodel[test]'") from exc

from fundmodel._types import FloatArray, IntArray
from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.data.codes import REGIONS
from fundmodel.engine.allocate import allocate
from fundmodel.engine.formula import Damping, Indicator, NeedsFormula
from fundmodel.engine.result import Allocation
from fundmodel.errors import InfeasibleDampingError
from fundmodel.scenarios.rcc import RCCResult
from fundmodel.scenarios.transition_result import TransitionResult


def synthetic_authorities(
    indicators: Sequence[Sequence[float]] | FloatArray,
    baseline: Sequence[float] | FloatArray | None = None,
) -> Authorities:
    """Authorities with made-up unitary codes; ``indicators[i][k]`` is council i's value k.

    Columns are named ``x0``, ``x1``, ...; ``children_0_17`` copies ``x0``; ``baseline``
    (pounds) goes in a column of that name.
    """
    values = np.asarray(indicators, dtype=np.float64)
    n = values.shape[0]
    frame = pd.DataFrame(
        {
            "code": [f"E06{900000 + i:06d}" for i in range(n)],
            "name": [f"Council {i}" for i in range(n)],
            "region": [REGIONS[i % len(REGIONS)] for i in range(n)],
            "council_type": "unitary",
        }
    )
    for k in range(values.shape[1]):
        frame[f"x{k}"] = values[:, k]
    frame["children_0_17"] = values[:, 0]
    if baseline is not None:
        frame["baseline"] = np.asarray(baseline, dtype=np.float64)
    return authorities_from_frame(frame, "synthetic authorities", geography="custom")


def formula_for(weights: Sequence[float], damping: Damping | None = None) -> NeedsFormula:
    """A shares-basis formula over columns ``x0..xK`` with the given weights (summing to 1)."""
    return NeedsFormula(
        name="synthetic formula",
        indicators=tuple(
            Indicator(name=f"x{k}", column=f"x{k}", weight=float(w)) for k, w in enumerate(weights)
        ),
        damping=damping,
    )


@dataclass(frozen=True)
class AllocationCase:
    """A random but valid allocation problem drawn by :func:`allocation_cases`."""

    indicators: FloatArray
    weights: FloatArray
    total: float
    baseline: FloatArray | None = None
    floor: float | None = None
    ceiling: float | None = None

    def authorities(self) -> Authorities:
        """The synthetic authorities of this case."""
        return synthetic_authorities(self.indicators, self.baseline)

    def formula(self) -> NeedsFormula:
        """The formula of this case (with damping when a baseline is set)."""
        damping = None
        if self.baseline is not None:
            damping = Damping(baseline="baseline", floor=self.floor, ceiling=self.ceiling)
        return formula_for(self.weights.tolist(), damping)

    def allocate(self) -> Allocation:
        """Run the engine on this case."""
        return allocate(self.formula(), self.authorities(), self.total)


def _weights(k: int) -> st.SearchStrategy[FloatArray]:
    raw = st.lists(st.integers(0, 1000), min_size=k, max_size=k).filter(lambda w: sum(w) > 0)
    return raw.map(lambda w: np.asarray(w, dtype=np.float64) / float(sum(w))).filter(
        lambda w: abs(float(w.sum()) - 1.0) <= 1e-12
    )


@st.composite
def allocation_cases(
    draw: st.DrawFn,
    min_authorities: int = 2,
    max_authorities: int = 40,
    max_indicators: int = 4,
    damping: bool = False,
) -> AllocationCase:
    """Random valid problems: indicators >= 0 with a positive total per indicator, weights
    summing to 1, a control total in whole pence; with ``damping`` a baseline in whole pence
    that sums exactly to the total, and only floors and ceilings the pot can meet (each case
    is run once and an infeasible one is rejected, never returned)."""
    n = draw(st.integers(min_authorities, max_authorities))
    k = draw(st.integers(1, max_indicators))
    cell = st.one_of(st.just(0.0), st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False))
    values = np.asarray(
        draw(st.lists(st.lists(cell, min_size=k, max_size=k), min_size=n, max_size=n)),
        dtype=np.float64,
    )
    values[draw(st.integers(0, n - 1)), :] += 1.0  # every indicator has a positive total
    weights = draw(_weights(k))
    total = draw(st.integers(0, 10**13)) / 100.0
    if not damping:
        return AllocationCase(values, weights, total)
    base_w = np.asarray(draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n)), float)
    # the baseline in whole pence summing exactly to the pot, so any floor <= 0 and any
    # ceiling >= 0 can be met (every council at its baseline)
    total_pence = round(total * 100)
    base_pence = np.floor(base_w / base_w.sum() * total_pence)
    base_pence[: int(total_pence - base_pence.sum())] += 1
    baseline = base_pence / 100.0
    floor = draw(st.one_of(st.none(), st.floats(-0.5, 0.0)))
    ceiling = draw(st.one_of(st.none(), st.floats(0.0, 1.0)))
    if floor is None and ceiling is None:
        floor = -0.05
    case = AllocationCase(values, weights, total, baseline, floor, ceiling)
    try:  # a ceiling can still leave money nobody may take (e.g. +0% with every gainer capped)
        case.allocate()
    except InfeasibleDampingError:
        assume(False)
    return case


def check_allocation_invariants(result: Allocation) -> None:
    """Amounts are whole pence, non-negative, and every variant sums exactly to the total."""
    pence = result.amount_pence
    assert pence.dtype == np.int64, f"amounts must be whole pence, got {pence.dtype}"
    if np.any(pence < 0):
        v, i = np.argwhere(pence < 0)[0]
        raise AssertionError(f"{result.authorities.codes[i]} gets {pence[v, i]}p in variant {v}")
    sums = pence.sum(axis=1)
    bad = np.flatnonzero(sums != result.total_pence)
    assert bad.size == 0, f"variant {bad[:1]} sums to {sums[bad[:1]]}p, not {result.total_pence}p"


def check_damping_invariants(result: Allocation) -> None:
    """No council below its floor or above its ceiling (to the penny); total unchanged."""
    check_allocation_invariants(result)
    damping = result.formula.damping
    assert damping is not None and result.baseline is not None, "result has no damping"
    base = result.baseline * 100.0
    slack = 1e-6 * max(1.0, float(base.sum()))
    if damping.floor is not None:
        low = np.floor(base * (1.0 + damping.floor) - slack)
        below = result.amount_pence < low
        if np.any(below):
            v, i = np.argwhere(below)[0]
            raise AssertionError(
                f"{result.authorities.codes[i]} below floor: {result.amount_pence[v, i]}p < "
                f"{low[i]}p"
            )
    if damping.ceiling is not None:
        high = np.ceil(base * (1.0 + damping.ceiling) + slack)
        above = result.amount_pence > high
        if np.any(above):
            v, i = np.argwhere(above)[0]
            raise AssertionError(
                f"{result.authorities.codes[i]} above ceiling: {result.amount_pence[v, i]}p > "
                f"{high[i]}p"
            )


def check_pool_conservation(result: RCCResult) -> None:
    """RCC pooling conserves money to the penny: what members put in equals what the pools
    hold plus what they pay out (delegates to the result's own exact check)."""
    result.check_conservation()


def check_permutation(case: AllocationCase, permutation: Sequence[int]) -> None:
    """Reordering the councils reorders the results and changes nothing else."""
    perm = np.asarray(permutation)
    la = case.authorities()
    first = allocate(case.formula(), la, case.total)
    second = allocate(case.formula(), la.take(perm), case.total)
    assert np.array_equal(first.amount_pence[:, perm], second.amount_pence), (
        "permuting councils changed the amounts"
    )


def check_scale_invariance(case: AllocationCase, factor: float) -> None:
    """Scaling every indicator by ``factor`` > 0 leaves shares (and amounts) unchanged."""
    first = case.allocate()
    scaled = AllocationCase(case.indicators * factor, case.weights, case.total)
    second = scaled.allocate()
    np.testing.assert_allclose(second.shares, first.shares, rtol=1e-9, atol=1e-15)


def check_monotone(case: AllocationCase, council: int, indicator: int, increase: float) -> None:
    """Raising one council's indicator (others fixed) never lowers its share."""
    first = case.allocate()
    bumped = case.indicators.copy()
    bumped[council, indicator] += increase
    second = AllocationCase(bumped, case.weights, case.total).allocate()
    before, after = first.shares[0, council], second.shares[0, council]
    assert after >= before * (1 - 1e-12) - 1e-15, (
        f"council {council}: share fell from {before} to {after} when indicator "
        f"{indicator} rose by {increase}"
    )


# --------------------------------------------------------------------------- your own formula


@st.composite
def perturbed_authorities(draw: st.DrawFn, authorities: Authorities, columns: Sequence[str],
                          spread: float = 0.2) -> Authorities:
    """Real authorities with each of ``columns`` multiplied, council by council, by a factor
    drawn in ``[1 - spread, 1 + spread]`` (other columns, codes and names unchanged): the
    data your own formula reads, jiggled, for property tests on real councils.

    >>> from hypothesis import given, settings
    >>> from fundmodel import load_authorities
    >>> la = load_authorities()
    >>> @settings(max_examples=3, deadline=None)
    ... @given(perturbed_authorities(la, ["child_poverty_pct"]))
    ... def test(jiggled):
    ...     assert jiggled.n == la.n
    >>> test()
    """
    if not 0 <= spread < 1:
        raise ValueError(f"spread must be in [0, 1), got {spread}")
    frame = authorities.to_frame()
    unknown = [c for c in columns if c not in authorities.numeric_columns]
    if unknown:
        raise ValueError(f"not numeric columns of these authorities: {unknown}")
    factor = st.floats(1 - spread, 1 + spread, allow_nan=False, allow_infinity=False)
    for column in columns:
        factors = np.asarray(draw(st.lists(factor, min_size=authorities.n,
                                           max_size=authorities.n)))
        frame[column] = frame[column].to_numpy(np.float64) * factors
    return authorities_from_frame(frame, "perturbed authorities")


def check_formula_invariants(formula: NeedsFormula, authorities: Authorities, total: float,
                             baseline: Sequence[float] | FloatArray | None = None) -> None:
    """The invariants for YOUR formula on YOUR data: whole pence summing to the total, none
    negative, floors and ceilings held (when the formula damps), and every indicator column
    halved leaving the amounts unchanged (to the penny; halving is exact in binary floating
    point, so the shares are identical).

    >>> from fundmodel import load_authorities
    >>> from fundmodel.presets import children_act_formula
    >>> check_formula_invariants(children_act_formula(), load_authorities(), 270e6)
    """
    base = None if baseline is None else np.asarray(baseline, dtype=np.float64)
    result = allocate(formula, authorities, total, baseline=base)
    check_allocation_invariants(result)
    if formula.damping is not None:
        check_damping_invariants(result)
        return
    frame = authorities.to_frame()
    columns = {c for i in formula.indicators for c in (i.column, i.times) if c is not None}
    for column in columns:
        frame[column] = frame[column].to_numpy(np.float64) * 0.5
    scaled = allocate(formula, authorities_from_frame(frame, "scaled authorities"), total)
    assert np.array_equal(scaled.amount_pence, result.amount_pence), (
        "halving every indicator column changed the amounts")


def check_transition_invariants(result: TransitionResult) -> None:
    """Every year is whole pence summing to its pot; no council below its floor or above
    its ceiling (to the penny) against the previous year (uprated in real terms)."""
    plan = result.plan
    pence = result.amount_pence
    assert pence.dtype == np.int64, f"amounts must be whole pence, got {pence.dtype}"
    pots = plan.pot_pence()
    for k, year in enumerate(plan.years):
        assert int(pence[k].sum()) == int(pots[k]), (
            f"{year} sums to {int(pence[k].sum())}p, not its pot {int(pots[k])}p")
    floors, ceilings = plan.bounds(result.authorities)
    previous = result.baseline * 100.0
    uprate = plan.uprating()
    for k, year in enumerate(plan.years):
        ref = previous * uprate[k]
        slack = 1e-6 * max(1.0, float(ref.sum()))
        if floors is not None:
            low = np.floor(ref * (1.0 + np.nan_to_num(floors[k], nan=-1.0)) - slack)
            below = np.flatnonzero(pence[k] < low)
            if below.size:
                i = int(below[0])
                raise AssertionError(f"{year}: {result.authorities.codes[i]} below its floor: "
                                     f"{pence[k, i]}p < {low[i]}p")
        if ceilings is not None and not np.isnan(ceilings[k]).all():
            high = np.ceil(ref * (1.0 + ceilings[k]) + slack)
            above = np.flatnonzero(pence[k] > high)
            if above.size:
                i = int(above[0])
                raise AssertionError(f"{year}: {result.authorities.codes[i]} above its "
                                     f"ceiling: {pence[k, i]}p > {high[i]}p")
        previous = pence[k].astype(np.float64)


def check_equal_split(pence: IntArray, eligible: Sequence[int], ranks: IntArray) -> None:
    """The eligible councils' amounts are identical to the penny, except that the pennies
    that do not divide go one each to the lowest ONS codes (the documented tie rule)."""
    at = np.asarray(eligible, dtype=np.int64)
    amounts = np.asarray(pence)[..., at].reshape(-1, at.size)
    order = np.argsort(ranks[at], kind="stable")
    for row in amounts:
        ordered = row[order]
        low = int(ordered.min())
        assert int(ordered.max()) - low <= 1, f"equal split differs by more than 1p: {row}"
        extra = ordered - low
        assert np.all(np.diff(extra) <= 0), (
            f"remainder pennies must go to the lowest ONS codes first: {ordered}")


def _with_column(authorities: Authorities, name: str, values: FloatArray) -> Authorities:
    frame = authorities.to_frame()
    frame[name] = values
    return authorities_from_frame(frame, f"{authorities.source} (test copy)")


def check_zero_resources_is_plain(formula: NeedsFormula, authorities: Authorities,
                                  total: float) -> None:
    """With every council's tax base at zero, needs minus resources is the plain formula,
    to the penny."""
    assert formula.resources is not None, "the formula has no resources adjustment"
    zeroed = _with_column(authorities, formula.resources.tax_base, np.zeros(authorities.n))
    plain = allocate(formula.model_copy(update={"resources": None}), zeroed, total)
    equalised = allocate(formula, zeroed, total)
    bad = np.flatnonzero(plain.amount_pence[0] != equalised.amount_pence[0])
    assert bad.size == 0, (f"{zeroed.codes[bad[0]]}: {equalised.amount_pence[0, bad[0]]}p "
                           f"with zero resources, {plain.amount_pence[0, bad[0]]}p plain")


def check_tax_base_monotone(formula: NeedsFormula, authorities: Authorities, total: float,
                            council: int, increase: float) -> None:
    """Raising one council's tax base never raises its allocation (one rounding penny
    allowed: the largest-remainder pennies move with everyone's amounts)."""
    assert formula.resources is not None, "the formula has no resources adjustment"
    column = formula.resources.tax_base
    first = allocate(formula, authorities, total)
    bumped = authorities.column(column).copy()
    bumped[council] += increase
    second = allocate(formula, _with_column(authorities, column, bumped), total)
    before, after = first.amount_pence[0, council], second.amount_pence[0, council]
    assert after <= before + 1, (f"{authorities.codes[council]}: allocation rose from "
                                 f"{before}p to {after}p when its tax base rose by {increase}")
