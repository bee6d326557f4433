"""Transition scenario (``kind: transition``): from a baseline to a target over N years.

The baseline is a column, or a formula allocated at the first year's pot (or its own
``total``); the target is a formula (or preset name) allocated at each year's pot. From
Python, :func:`transition` also takes an :class:`~fundmodel.engine.result.Allocation` or a
pandas Series indexed by ONS code for either (missing or extra codes are refused).

>>> from fundmodel.scenarios.base import load_scenario_text
>>> s = load_scenario_text('''
... kind: transition
... header: {title: Children Act formula phased in, assumes: preset weights; 95% cash floor}
... baseline: {formula: {name: Equal per child, indicators: [{name: children,
...            column: children_0_17, weight: 1.0}]}}
... target: children_act
... years: [2026-27, 2027-28, 2028-29]
... pot: 270000000
... phasing: [1/3, 2/3, 1]
... floor: -0.05
... ''')
>>> result = s.run()
>>> [int(p) for p in result.amount_pence.sum(axis=1)]
[27000000000, 27000000000, 27000000000]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, model_validator

from fundmodel.core.model import FrozenModel
from fundmodel.engine.named_formulas import FormulaOrPreset
from fundmodel.engine.resources import RefMoney
from fundmodel.engine.transition import (
    CeilingValue,
    FloorGroup,
    FloorValue,
    Phase,
    TransitionPlan,
)
from fundmodel.engine.years import Deflator
from fundmodel.errors import DataError, ScenarioError
from fundmodel.scenarios.base import Scenario

if TYPE_CHECKING:
    from fundmodel._types import FloatArray
    from fundmodel.data.authorities import Authorities
    from fundmodel.engine.formula import NeedsFormula
    from fundmodel.engine.result import Allocation
    from fundmodel.scenarios.transition_result import TransitionResult


class BaselineSpec(FrozenModel):
    """Where the transition starts: a column (pounds) or a formula and its total."""

    column: str | None = Field(default=None, min_length=1)
    formula: FormulaOrPreset | None = None
    total: RefMoney | None = Field(default=None, description="default: the first year's pot")

    @model_validator(mode="after")
    def _one(self) -> BaselineSpec:
        if (self.column is None) == (self.formula is None):
            raise ValueError("give the baseline as a column or as a formula (one of them)")
        if self.column is not None and self.total is not None:
            raise ValueError("a baseline column is already in pounds; drop 'total'")
        return self


class TransitionScenario(Scenario):
    """A baseline moved towards a target formula over ``years`` (see the module)."""

    kind: Literal["transition"] = "transition"
    baseline: BaselineSpec
    target: FormulaOrPreset
    years: tuple[str, ...] = Field(min_length=1)
    pot: RefMoney | None = None
    pots: tuple[RefMoney, ...] | None = None
    phasing: tuple[Phase, ...] = Field(min_length=1)
    floor: FloorValue | tuple[FloorValue | None, ...] | None = None
    ceiling: CeilingValue | tuple[CeilingValue | None, ...] | None = None
    floor_groups: tuple[FloorGroup, ...] = ()
    terms: Literal["cash", "real"] = "cash"
    deflator: Deflator | None = None
    tolerance: float = Field(default=0.005, gt=0, lt=1)

    @model_validator(mode="after")
    def _plan_is_valid(self) -> TransitionScenario:
        self.plan()
        return self

    def plan(self) -> TransitionPlan:
        """The engine's plan: years, pots, phasing, floors, ceilings."""
        if (self.pot is None) == (self.pots is None):
            raise ScenarioError("give one pot for every year (pot) or one per year (pots)")
        pots = self.pots if self.pots is not None else (self.pot,) * len(self.years)
        return TransitionPlan(
            years=self.years, pots=pots, phasing=self.phasing, floor=self.floor,
            ceiling=self.ceiling, floor_groups=self.floor_groups, terms=self.terms,
            deflator=self.deflator, tolerance=self.tolerance)

    def run(self, authorities: Authorities | None = None) -> TransitionResult:
        """Run the transition on ``authorities`` (the embedded data by default)."""
        from fundmodel.data.authorities import load_authorities
        from fundmodel.engine.allocate import allocate

        la = authorities or load_authorities()
        plan = self.plan()
        if self.baseline.column is not None:
            baseline: Any = self.baseline.column
        else:
            assert self.baseline.formula is not None
            total = self.baseline.total or plan.pots[0]
            baseline = allocate(self.baseline.formula, la, total)
        return transition(self.target, baseline, plan, la, title=self.title)


def _by_code(series: pd.Series, authorities: Authorities, what: str) -> FloatArray:
    codes = [str(c) for c in series.index]
    missing = sorted(set(map(str, authorities.codes)) - set(codes))
    extra = sorted(set(codes) - set(map(str, authorities.codes)))
    if missing or extra or len(set(codes)) != len(codes):
        raise DataError(
            f"{what}: the Series must be indexed by the councils' ONS codes, each once; "
            f"missing {missing[:8]}{'...' if len(missing) > 8 else ''}, "
            f"extra {extra[:8]}{'...' if len(extra) > 8 else ''}")
    values = series.reindex(authorities.codes).to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        i = int(bad[0])
        raise DataError(f"{what}: {authorities.codes[i]} {authorities.names[i]} has "
                        f"{values[i]}; amounts must be finite and not negative")
    return values


def _baseline(baseline: Any, authorities: Authorities) -> tuple[FloatArray, str]:
    from fundmodel.engine.measures import Measure
    from fundmodel.engine.result import Allocation

    if isinstance(baseline, str):
        return Measure(column=baseline).values(authorities, purpose="transition baseline"), \
            f"column {baseline}"
    if isinstance(baseline, Allocation):
        _same_councils(baseline, authorities, "baseline")
        return baseline.amounts(), baseline.label
    if isinstance(baseline, pd.Series):
        return _by_code(baseline, authorities, "transition baseline"), str(
            baseline.name or "baseline")
    raise ScenarioError("the baseline must be a column name, an Allocation or a pandas "
                        f"Series indexed by ONS code, got {type(baseline).__name__}")


def _same_councils(allocation: Allocation, authorities: Authorities, what: str) -> None:
    if list(allocation.authorities.codes) != list(authorities.codes):
        raise DataError(f"the {what} allocation was made for other councils (or another "
                        "order) than these authorities; allocate it on the same data")


def _target(target: Any, authorities: Authorities, plan: TransitionPlan
            ) -> tuple[FloatArray, FloatArray | None, str, Any]:
    """Target shares (years, councils), need shares, label, and the allocation(s)."""
    from fundmodel.engine.allocate import allocate
    from fundmodel.engine.formula import NeedsFormula
    from fundmodel.engine.result import Allocation

    if isinstance(target, NeedsFormula):
        if target.damping is not None:
            raise ScenarioError("the target formula has damping; in a transition the floors "
                                "and ceilings of the plan do the damping: drop it")
        runs = [allocate(target, authorities, pot) for pot in plan.pots]
        shares = np.stack([r.formula_amount[0] / max(r.total, 1e-300) for r in runs])
        return shares, runs[0].shares[0], target.name, runs[0]
    if isinstance(target, Allocation):
        _same_councils(target, authorities, "target")
        share = target.amount_pence[0] / max(target.total_pence, 1)
        return share[None, :], target.shares[0], target.label, target
    if isinstance(target, pd.Series):
        values = _by_code(target, authorities, "transition target")
        if values.sum() <= 0:
            raise ScenarioError("the transition target is zero for every council")
        return (values / values.sum())[None, :], None, str(target.name or "target"), None
    raise ScenarioError("the target must be a formula, an Allocation or a pandas Series "
                        f"indexed by ONS code, got {type(target).__name__}")


def transition(target: NeedsFormula | Allocation | pd.Series,
               baseline: str | Allocation | pd.Series, plan: TransitionPlan,
               authorities: Authorities | None = None, *, title: str | None = None
               ) -> TransitionResult:
    """Move ``baseline`` towards ``target`` by ``plan``; see :mod:`fundmodel.engine.transition`.

    >>> from fundmodel import load_authorities
    >>> from fundmodel.presets import children_act_formula
    >>> plan = TransitionPlan(years=["2026-27"], pots=[1_000_000], phasing=[1])
    >>> result = transition(children_act_formula(), "s251_lac_2024_25",
    ...                     plan, load_authorities().select(["E06000001", "E06000003"]))
    >>> int(result.amount_pence.sum())
    100000000
    """
    from fundmodel.data.authorities import load_authorities
    from fundmodel.engine.result import Allocation
    from fundmodel.engine.transition import run_transition, year_bounds, years_to_converge
    from fundmodel.scenarios.transition_result import TransitionResult

    la = authorities or load_authorities()
    base, base_label = _baseline(baseline, la)
    shares, need_share, target_label, target_run = _target(target, la, plan)
    floors, ceilings = plan.bounds(la)
    arrays = run_transition(shares[None, :, :], base, plan, la.code_rank(), floors=floors,
                            ceilings=ceilings)
    floor, ceiling = year_bounds(floors, ceilings, len(plan.years) - 1)
    converge = years_to_converge(arrays.amount_pence[0] / 100.0, shares[-1],
                                 plan.pots[-1].in_pounds(), floor, ceiling, plan.tolerance,
                                 len(plan.years))
    return TransitionResult(
        authorities=la, plan=plan, arrays=arrays, baseline=base, need_share=need_share,
        years_to_converge=converge, title=title or f"{base_label} to {target_label}",
        baseline_label=base_label, target_label=target_label, target_run=target_run,
        baseline_run=baseline if isinstance(baseline, Allocation) else None)
