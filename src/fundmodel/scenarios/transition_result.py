"""The result of a transition: amounts per council and year, who is held by a floor or a
ceiling, the distance to target, and how long convergence would take at these floors.

>>> from fundmodel import allocate, load_authorities
>>> from fundmodel.engine.transition import TransitionPlan
>>> from fundmodel.presets import children_act_formula
>>> from fundmodel.scenarios.transition import transition
>>> from fundmodel.testing import formula_for
>>> la = load_authorities()
>>> per_child = allocate(formula_for([1.0]).updated(indicators=[
...     {"name": "children", "column": "children_0_17", "weight": 1.0}]), la, 270e6)
>>> plan = TransitionPlan(years=["2026-27", "2027-28"], pots=[270e6, 270e6],
...                       phasing=[0.5, 1.0], floor=-0.02)
>>> r = transition(children_act_formula(), per_child, plan, la)
>>> sorted(r.to_frame()["year"].unique()), int(r.arrays.floor_bound[0, 0].sum())
(['2026-27', '2027-28'], 69)
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from fundmodel._types import FloatArray, IntArray
from fundmodel._version import __version__
from fundmodel.data.authorities import Authorities
from fundmodel.engine.money import format_gbp
from fundmodel.engine.transition import TransitionArrays, TransitionPlan


@dataclass(frozen=True, eq=False)
class TransitionResult:
    """Amounts (pence) of shape (years, councils) for one run; see :meth:`to_frame`."""

    authorities: Authorities
    plan: TransitionPlan
    arrays: TransitionArrays
    baseline: FloatArray
    need_share: FloatArray | None
    years_to_converge: FloatArray
    title: str
    baseline_label: str
    target_label: str
    target_run: Any = None
    baseline_run: Any = None
    version: str = __version__

    @property
    def amount_pence(self) -> IntArray:
        """Whole pence, (years, councils); each year sums to its pot."""
        pence: IntArray = self.arrays.amount_pence[0]
        return pence

    @property
    def target_pence(self) -> IntArray:
        """The target allocation at each year's pot, whole pence (years, councils)."""
        pence: IntArray = self.arrays.target_pence[0]
        return pence

    @property
    def label(self) -> str:
        """Short name for tables and charts."""
        return self.title

    def council_amounts(self, year: str | None = None) -> pd.Series:
        """Amount per council in pounds for ``year`` (default: the last), by ONS code."""
        k = len(self.plan.years) - 1 if year is None else self.plan.years.index(year)
        return pd.Series(self.amount_pence[k] / 100.0, index=self.authorities.codes,
                         name=f"{self.title} ({self.plan.years[k]})")

    def within_tolerance(self) -> np.ndarray:
        """True per council (years, councils) where the amount is within tolerance of target."""
        amount, target = self.amount_pence / 100.0, self.target_pence / 100.0
        close: np.ndarray = np.abs(amount - target) <= self.plan.tolerance * target + 0.01
        return close

    def to_frame(self) -> pd.DataFrame:
        """One row per council and year: amount, previous year's amount, change, the target,
        distance to it, whether a floor or a ceiling bound, and years to converge."""
        la, years = self.authorities, self.plan.years
        y, n = len(years), la.n
        amount = self.amount_pence / 100.0
        previous = np.vstack([self.baseline[None, :], amount[:-1]])
        target = self.target_pence / 100.0
        with np.errstate(divide="ignore", invalid="ignore"):
            change_pct = np.where(previous > 0, 100.0 * (amount / previous - 1.0), np.nan)
            distance_pct = np.where(target > 0, 100.0 * (amount / target - 1.0), np.nan)
        frame = pd.DataFrame({
            "code": np.tile(la.codes, y), "name": np.tile(la.names, y),
            "region": np.tile(la.regions, y), "year": np.repeat(years, n),
            "amount": amount.ravel(), "baseline": np.tile(self.baseline, y),
            "previous": previous.ravel(), "change": (amount - previous).ravel(),
            "change_pct": change_pct.ravel(), "target": target.ravel(),
            "distance_to_target": (amount - target).ravel(),
            "distance_pct": distance_pct.ravel(),
            "floor_bound": self.arrays.floor_bound[0].ravel(),
            "ceiling_bound": self.arrays.ceiling_bound[0].ravel(),
            "years_to_converge": np.tile(self.years_to_converge, y),
        })
        if self.need_share is not None:
            frame.insert(5, "need_share", np.tile(self.need_share, y))
        return frame

    def allocations_frame(self) -> pd.DataFrame:
        """The tidy allocations.csv: code, name, year, amount (£, two decimals), baseline,
        target, need_share (of the target formula, where there is one), floor_bound."""
        frame = self.to_frame()
        keep = ["code", "name", "year", "amount", "baseline", "target", "need_share",
                "floor_bound", "ceiling_bound"]
        out = frame[[c for c in keep if c in frame]].copy()
        for c in ("amount", "baseline", "target"):
            out[c] = out[c].round(2)
        return out

    def sources(self) -> list[str]:
        """Citations of the target and baseline formulas and the deflator."""
        cited: list[str] = []
        for run in (self.target_run, self.baseline_run):
            if run is not None:
                cited += [c for c in run.sources() if c not in cited]
        if self.plan.deflator is not None:
            cited.append(f"deflator: {self.plan.deflator.name}")
        return cited

    def slowest(self) -> tuple[str, float]:
        """The council furthest from converging, and its years to converge."""
        k = int(np.argmax(self.years_to_converge))
        return str(self.authorities.names[k]), float(self.years_to_converge[k])

    def summary(self) -> str:
        """Each year's pot, how many councils a floor or ceiling holds, and a plain warning
        when the floors make the target unreachable within the horizon."""
        plan, n = self.plan, self.authorities.n
        lines = [f"{self.title}: {plan.years[0]} to {plan.years[-1]}, from "
                 f"{self.baseline_label} to {self.target_label}",
                 f"  phasing {', '.join(f'{p:.3g}' for p in plan.phasing)}; floor "
                 f"{_bound(plan.floor)}; ceiling {_bound(plan.ceiling)} ({plan.terms} terms)"
                 + (f"; {len(plan.floor_groups)} floor group(s)" if plan.floor_groups else "")]
        for k, year in enumerate(plan.years):
            lines.append(
                f"  {year}: pot {format_gbp(self.amount_pence[k].sum() / 100)}; "
                f"{int(self.arrays.floor_bound[0, k].sum())} councils at the floor, "
                f"{int(self.arrays.ceiling_bound[0, k].sum())} at a ceiling; gains scaled by "
                f"{self.arrays.gain_scale[0, k]:.4f}")
        close = int(self.within_tolerance()[-1].sum())
        tol = f"{plan.tolerance:.1%}".replace(".0%", "%")
        years = len(plan.years)
        if close == n:
            lines.append(f"  after {years} year(s) all {n} councils are within {tol} of target")
        else:
            name, need = self.slowest()
            needs = (f"{name} would need {need:.0f} years" if np.isfinite(need)
                     else f"{name} would never get there at these floors")
            lines.append(
                f"  WARNING: the floors make the target unreachable in {years} year(s): after "
                f"{years} year(s) only {close} of {n} councils are within {tol} of target; "
                f"{needs} (continuing at the last year's pot and floors)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"TransitionResult({self.title!r}, years={list(self.plan.years)}, "
                f"authorities={self.authorities.n})")

    def _repr_html_(self) -> str:
        rows = "".join(f"<li>{html.escape(line.strip())}</li>"
                       for line in self.summary().splitlines()[1:])
        return (f"<div><strong>{html.escape(self.title)}</strong> (fundmodel "
                f"{html.escape(self.version)})<ul>{rows}</ul><small>use .to_frame() for every "
                "council and year</small></div>")


def _bound(value: Any) -> str:
    if value is None:
        return "none"
    values = value if isinstance(value, tuple) else (value,)
    return ", ".join("none" if v is None else f"{v:+.1%}" for v in values)
