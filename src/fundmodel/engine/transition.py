"""Multi-year transitions: from a baseline towards a target allocation, phased, with floors.

For each year ``k`` (pot ``P_k``, phasing fraction ``f_k``), every council's **aim** is the
phased mix of its baseline share and its target share of that year's pot::

    aim_k = (1 - f_k) * baseline_share * P_k + f_k * target_share_k * P_k

and the aim is then damped against the council's previous-year amount (year 1: the
baseline) with :func:`fundmodel.engine.damping.apply_damping`: no council below
``previous x (1 + floor)`` or above ``previous x (1 + ceiling)``; gains are scaled by one
factor per year so the floors pay for themselves (self-financing). Floors and ceilings may
differ by year and, through **floor groups**, by council. In ``terms: real`` the previous
amount is first uprated by the deflator (``previous x index_k / index_(k-1)``), so a floor
of 0 is real-terms protection. Each year is rounded to whole pence that add up exactly to
that year's pot (largest remainder, ties to the lower ONS code).

Everything is vectorised over councils and over variants (rows): :func:`run_transition`
takes target shares of shape (variants, councils) and loops only over the few years.

If the floors in year ``k`` cost more than every gain above the previous year,
:class:`~fundmodel.errors.InfeasibleDampingError` names the year and the shortfall.

>>> import numpy as np
>>> plan = TransitionPlan(years=["2026-27", "2027-28"], pots=[100, 100], phasing=[0.5, 1],
...                       floor=-0.1)
>>> out = run_transition(np.array([[0.8, 0.2]]), np.array([50.0, 50.0]), plan,
...                      np.array([0, 1]))
>>> (out.amount_pence[0] / 100).tolist()
[[55.0, 45.0], [59.5, 40.5]]
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from fundmodel._types import FloatArray, IntArray
from fundmodel.core.model import FrozenModel
from fundmodel.data.authorities import Authorities
from fundmodel.engine.damping import apply_damping
from fundmodel.engine.grant_rules import council_positions
from fundmodel.engine.money import format_gbp, largest_remainder, total_in_pence
from fundmodel.engine.years import Deflator, check_consecutive, year_label, year_start
from fundmodel.errors import InfeasibleDampingError, ScenarioError
from fundmodel.parameters.records import Money

if TYPE_CHECKING:
    from fundmodel.engine.formula import NeedsFormula


def _fraction(value: Any) -> Any:
    """Let ``"1/3"`` stand for one third in a scenario file."""
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"phasing {value!r} is not a number or a fraction like '1/3'"
                             ) from None
    return value


Phase = Annotated[float, BeforeValidator(_fraction), Field(gt=0, le=1, allow_inf_nan=False)]
FloorValue = Annotated[float, Field(gt=-1, le=0, allow_inf_nan=False)]
CeilingValue = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class FloorGroup(FrozenModel):
    """A different floor (one value, or one per year) for the councils named."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    councils: tuple[str, ...] = Field(min_length=1, description="ONS codes or names")
    floor: FloorValue | tuple[FloorValue, ...]


class TransitionPlan(FrozenModel):
    """Years, pots, phasing, floors and ceilings of a transition (see the module)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    years: tuple[str, ...] = Field(min_length=1)
    pots: tuple[Money, ...] = Field(min_length=1, description="each year's pot")
    phasing: tuple[Phase, ...] = Field(min_length=1, description="share of the way to target")
    floor: FloorValue | tuple[FloorValue | None, ...] | None = None
    ceiling: CeilingValue | tuple[CeilingValue | None, ...] | None = None
    floor_groups: tuple[FloorGroup, ...] = ()
    terms: Literal["cash", "real"] = "cash"
    deflator: Deflator | None = None
    tolerance: float = Field(default=0.005, gt=0, lt=1,
                             description="within this fraction of target counts as there")

    @model_validator(mode="after")
    def _check(self) -> TransitionPlan:
        check_consecutive(list(self.years), "transition years")
        n = len(self.years)
        for name in ("pots", "phasing"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values for {n} years")
        for name in ("floor", "ceiling"):
            value = getattr(self, name)
            if isinstance(value, tuple) and len(value) != n:
                raise ValueError(f"{name} has {len(value)} values for {n} years")
        for group in self.floor_groups:
            if isinstance(group.floor, tuple) and len(group.floor) != n:
                raise ValueError(f"floor group {group.name!r} has {len(group.floor)} floors "
                                 f"for {n} years")
        if list(self.phasing) != sorted(self.phasing):
            raise ValueError(f"phasing must not go backwards, got {list(self.phasing)}")
        if self.terms == "real" and self.deflator is None:
            raise ValueError("terms 'real' needs a deflator")
        return self

    @property
    def base_year(self) -> str:
        """The year before the first: the baseline's year."""
        return year_label(year_start(self.years[0]) - 1)

    def pot_pence(self) -> IntArray:
        """Each year's pot in whole pence."""
        return np.array([total_in_pence(p.in_pounds()) for p in self.pots], dtype=np.int64)

    def uprating(self) -> FloatArray:
        """Per year, what last year's cash must be multiplied by to keep its value."""
        if self.terms == "cash":
            return np.ones(len(self.years))
        assert self.deflator is not None
        labels = [self.base_year, *self.years]
        factors = np.array([self.deflator.factor(y) for y in labels])
        ratio: FloatArray = factors[:-1] / factors[1:]
        return ratio

    def bounds(self, authorities: Authorities) -> tuple[FloatArray | None, FloatArray | None]:
        """Floors and ceilings per year and council, shape (years, councils), or None."""
        n, years = authorities.n, len(self.years)

        def per_year(value: Any) -> list[float | None]:
            return list(value) if isinstance(value, tuple) else [value] * years

        floors = np.full((years, n), np.nan)
        for k, f in enumerate(per_year(self.floor)):
            if f is not None:
                floors[k] = f
        for group in self.floor_groups:
            at = council_positions(authorities, list(group.councils),
                                   f"floor group {group.name!r}")
            for k, f in enumerate(per_year(group.floor)):
                floors[k, at] = f
        ceilings = np.full((years, n), np.nan)
        for k, c in enumerate(per_year(self.ceiling)):
            if c is not None:
                ceilings[k] = c
        return (None if np.isnan(floors).all() else floors,
                None if np.isnan(ceilings).all() else ceilings)


@dataclass(frozen=True, eq=False)
class TransitionArrays:
    """What :func:`run_transition` computes; arrays are (variants, years, councils)."""

    amount_pence: IntArray
    target_pence: IntArray
    aim: FloatArray
    floor_bound: npt.NDArray[np.bool_]
    ceiling_bound: npt.NDArray[np.bool_]
    gain_scale: FloatArray  # (variants, years); 1 where nothing was damped


def run_transition(
    target_shares: FloatArray,
    baseline: FloatArray,
    plan: TransitionPlan,
    tiebreak: IntArray,
    *,
    floors: FloatArray | None = None,
    ceilings: FloatArray | None = None,
) -> TransitionArrays:
    """Run ``plan`` for every row of ``target_shares`` ((variants, councils) or
    (variants, years, councils), each row summing to 1) from ``baseline`` (pounds,
    (councils,) or (variants, councils)). ``floors``/``ceilings`` (years, councils; NaN
    where none) default to the plan's single values."""
    shares = np.asarray(target_shares, np.float64)
    if shares.ndim == 2:
        shares = shares[:, None, :]
    v, n, years = shares.shape[0], shares.shape[2], len(plan.years)
    base = np.broadcast_to(np.asarray(baseline, np.float64), (v, n))
    totals = base.sum(axis=1, keepdims=True)
    if np.any(totals <= 0):
        raise ScenarioError("the transition baseline is zero for every council")
    base_share = base / totals
    if floors is None and ceilings is None and (plan.floor is not None or plan.ceiling is not None):
        floors, ceilings = _plain_bounds(plan, n)
    pots, uprate = plan.pot_pence(), plan.uprating()
    out = np.empty((v, years, n), dtype=np.int64)
    target = np.empty_like(out)
    aims = np.empty((v, years, n))
    at_floor = np.zeros((v, years, n), dtype=np.bool_)
    at_ceiling = np.zeros_like(at_floor)
    lam = np.ones((v, years))
    previous = base
    rows = np.zeros(v, dtype=np.int64)
    for k in range(years):
        pot = pots[k] / 100.0
        t_share = shares[:, min(k, shares.shape[1] - 1)]
        target[:, k] = largest_remainder(t_share * (pot * 100.0), rows + pots[k], tiebreak)
        f = plan.phasing[k]
        aim = (1.0 - f) * base_share * pot + f * t_share * pot
        aims[:, k] = aim
        ref = previous * uprate[k]
        floor, ceiling = year_bounds(floors, ceilings, k)
        amounts = aim
        if floor is not None:
            _check_year(plan.years[k], aim, ref, floor, pot)
            at_floor[:, k] = (aim < ref * (1.0 + floor)) & ~np.isnan(floors[k])[None, :]  # type: ignore[index]
        if floor is not None or ceiling is not None:
            amounts, lam[:, k] = _damp(aim, ref, floor, ceiling, plan.years[k])
        if ceiling is not None:
            high = ref * (1.0 + ceiling)
            at_ceiling[:, k] = (aim > high) & (amounts >= high - 0.005)
        out[:, k] = largest_remainder(np.maximum(amounts, 0.0) * 100.0, rows + pots[k],
                                      tiebreak)
        previous = out[:, k] / 100.0
    return TransitionArrays(out, target, aims, at_floor, at_ceiling, lam)


def year_bounds(floors: FloatArray | None, ceilings: FloatArray | None, k: int
                ) -> tuple[FloatArray | None, FloatArray | None]:
    """Year ``k``'s floors (councils with none may lose everything: -1) and ceilings."""
    floor = None
    if floors is not None and not np.isnan(floors[k]).all():
        floor = np.nan_to_num(floors[k], nan=-1.0)
    ceiling = None
    if ceilings is not None and not np.isnan(ceilings[k]).all():
        if np.isnan(ceilings[k]).any():
            raise ScenarioError("a ceiling applies to every council or to none")
        ceiling = ceilings[k]
    return floor, ceiling


def _plain_bounds(plan: TransitionPlan, n: int) -> tuple[FloatArray | None, FloatArray | None]:
    def grid(value: Any) -> FloatArray | None:
        if value is None:
            return None
        values = list(value) if isinstance(value, tuple) else [value] * len(plan.years)
        return np.array([[np.nan if x is None else x] * n for x in values], dtype=np.float64)
    return grid(plan.floor), grid(plan.ceiling)


def _check_year(year: str, aim: FloatArray, ref: FloatArray, floor: FloatArray,
                pot: float) -> None:
    """Refuse a year whose floors cost more than every gain above last year, by how much."""
    protection = np.maximum(ref * (1.0 + floor) - aim, 0.0).sum(axis=1)
    available = np.maximum(aim - ref, 0.0).sum(axis=1)
    short = protection - available
    tol = 1e-9 * max(pot, 1.0)
    if np.any(short > tol):
        v = int(np.argmax(short))
        raise InfeasibleDampingError(
            f"transition year {year}: the floor is infeasible (variant {v}): protecting "
            f"councils at their floors costs {format_gbp(float(protection[v]), 'auto')} but "
            f"gains above last year total only {format_gbp(float(available[v]), 'auto')}; "
            f"the pot is {format_gbp(float(short[v]), 'auto')} short")


def _damp(aim: FloatArray, ref: FloatArray, floor: FloatArray | None,
          ceiling: FloatArray | None, year: str) -> tuple[FloatArray, FloatArray]:
    try:
        return apply_damping(aim, ref, floor, ceiling)
    except InfeasibleDampingError as exc:
        raise InfeasibleDampingError(f"transition year {year}: {exc}") from None


def years_to_converge(
    start: FloatArray, target_share: FloatArray, pot: float, floor: FloatArray | None,
    ceiling: FloatArray | None, tolerance: float, horizon: int, *, max_years: int = 500,
) -> FloatArray:
    """For one variant: the year (counting the horizon's years first) from which each council
    stays within ``tolerance`` of its target, carrying on past the horizon at the last year's pot,
    floors and ceilings with nothing left to phase (cash, prices flat); ``inf`` if never
    within ``max_years``. ``start`` holds the horizon's amounts, shape (years, councils)."""
    target = target_share * pot
    close = np.abs(start - target[None, :]) <= tolerance * target[None, :] + 0.01
    # first horizon year from which the council stays close to the end of the horizon
    stays = np.flip(np.logical_and.accumulate(np.flip(close, axis=0), axis=0), axis=0)
    first = np.where(stays.any(axis=0), horizon - stays.sum(axis=0) + 1, np.inf)
    current = start[-1][None, :]
    pending = ~np.isfinite(first)
    year = horizon
    while pending.any() and year < max_years:
        year += 1
        if floor is None and ceiling is None:
            current = target[None, :]
        else:
            try:
                current, _ = apply_damping(target[None, :], current[0], floor, ceiling)
            except InfeasibleDampingError:
                break  # the floors cannot all be paid for: the rest never converge

        now = np.abs(current[0] - target) <= tolerance * target + 0.01
        first[pending & now] = year
        first[~now] = np.inf  # pushed out of its band again (gains scaled up): not there yet
        pending = ~now
    return first


def transition_batch(formula: NeedsFormula, authorities: Authorities, weights: FloatArray,
                     baseline: FloatArray, plan: TransitionPlan, *, chunk: int = 2_000
                     ) -> IntArray:
    """Pence (variants, years, councils) of a transition towards ``formula`` under every
    row of ``weights`` (variants x indicators): need shares, the resources adjustment if
    the formula has one, and the damped years, all vectorised, in chunks of variants."""
    from fundmodel.engine.allocate import _need_shares, area_costs, indicator_matrix
    from fundmodel.engine.formula import check_weights
    from fundmodel.engine.resources import equalise

    w = np.atleast_2d(np.asarray(weights, np.float64))
    check_weights(w, formula.basis, [i.name for i in formula.indicators])
    x, aca, tie = indicator_matrix(formula, authorities), area_costs(formula, authorities), \
        authorities.code_rank()
    floors, ceilings = plan.bounds(authorities)
    resources = formula.resources.amounts(authorities) if formula.resources else None
    pots = plan.pot_pence() / 100.0
    out = np.empty((w.shape[0], len(plan.years), authorities.n), dtype=np.int64)
    for start in range(0, w.shape[0], chunk):
        part = slice(start, start + chunk)
        _, shares, _ = _need_shares(w[part], x, aca)
        if resources is not None:
            shares = np.stack([equalise(shares, resources, np.full(shares.shape[0], p))[0] / p
                               if p > 0 else shares for p in pots], axis=1)
        out[part] = run_transition(shares, baseline, plan, tie, floors=floors,
                                   ceilings=ceilings).amount_pence
    return out
