"""Everything the simulator shows, computed by the library's engine from an :class:`AppState`.

>>> from fundmodel.app.state import AppState
>>> view = compute(AppState())
>>> round(float(view.table["amount"].sum()), 2)
270000000.0
>>> build_scenario(AppState()).kind
'allocation'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from fundmodel.analysis.compare import compare
from fundmodel.analysis.inequality import gini
from fundmodel.analysis.uncertainty import (
    DirichletWeights,
    SensitivityResult,
    SensitivitySpec,
    run_sensitivity,
)
from fundmodel.app.state import INDICATORS, POTS, AppState, pot_parameter
from fundmodel.data.authorities import Authorities, load_authorities
from fundmodel.data.provenance import cite_columns
from fundmodel.engine.allocate import allocate
from fundmodel.engine.formula import Indicator, NeedsFormula
from fundmodel.engine.money import format_gbp
from fundmodel.engine.named_formulas import named_formula
from fundmodel.engine.result import Allocation
from fundmodel.errors import InvalidInputError
from fundmodel.parameters.records import Parameter
from fundmodel.report.charts import winners_losers_data
from fundmodel.report.house import HEX_ACKNOWLEDGEMENT
from fundmodel.scenarios.allocation import AllocationScenario
from fundmodel.scenarios.base import ScenarioHeader, load_scenario_text

SPEND_COLUMN = "s251_family_support_2024_25"
BAND_VARIANTS = 200
BAND_SEED = 2025
BAND_CONCENTRATION = 50.0


@lru_cache(maxsize=1)
def authorities() -> Authorities:
    """The embedded data, loaded once."""
    return load_authorities()


def build_formula(state: AppState) -> NeedsFormula:
    """The needs formula of ``state``: the preset, or the weighted indicators (zero weights
    left out), with the damping floor and ceiling when set."""
    if state.formula == "children_act":
        formula = named_formula("children_act")
    else:
        indicators = [Indicator(name=key, column=INDICATORS[key].column,
                                times=INDICATORS[key].times, scale=INDICATORS[key].scale,
                                weight=weight)
                      for key, weight in state.used_weights().items()]
        formula = NeedsFormula(name=f"{state.title} (your weights)", indicators=indicators)
    if state.floor is None and state.ceiling is None:
        return formula
    return formula.updated(damping={"floor": state.floor, "ceiling": state.ceiling})


def build_scenario(state: AppState) -> AllocationScenario:
    """The scenario as a model ``fundmodel run`` accepts (``to_yaml()`` writes the file).
    A damped state is refused: its baseline is computed in the page, and a scenario file
    can only name a data column as the damping baseline."""
    formula = build_formula(state)
    if formula.damping is not None:
        raise InvalidInputError(
            "scenario file: damping here is measured against the page's baseline, which a "
            "scenario file cannot hold yet (damping.baseline must be a data column); set the "
            "floor and ceiling to none to download a file that `fundmodel run` reproduces")
    return AllocationScenario(
        header=ScenarioHeader(title=state.title, assumes="; ".join(assumptions(state))),
        formula="children_act" if state.formula == "children_act" else formula,
        total=state.pot_pounds())


def state_from_yaml(text: str, label: str = "uploaded file") -> AppState:
    """The page state of an allocation scenario file (errors name what the page cannot show)."""
    scenario = load_scenario_text(text, label)
    if not isinstance(scenario, AllocationScenario):
        raise InvalidInputError(f"{label}: a {getattr(scenario, 'kind', '?')!r} scenario; the "
                                "simulator shows allocation scenarios (kind: allocation)")
    formula = scenario.formula
    if formula.damping is not None or formula.area_cost_adjustment or formula.basis != "shares":
        raise InvalidInputError(f"{label}: the simulator shows shares formulas without damping "
                                "or area cost adjustment; run this file with `fundmodel run`")
    preset = named_formula("children_act")
    by_definition = {(c.column, c.times, c.scale): k for k, c in INDICATORS.items()}
    data: dict[str, object] = {"title": scenario.title, "pot": _pot_text(scenario.total)}
    if formula.model_dump(exclude={"name"}) == preset.model_dump(exclude={"name"}):
        data["formula"] = "children_act"
    else:
        weights = {}
        for ind in formula.indicators:
            key = by_definition.get((ind.column, ind.times, ind.scale))
            if key is None:
                raise InvalidInputError(
                    f"{label}: indicator {ind.name!r} ({ind.describe()}) is not one the "
                    f"simulator offers: {[c.label for c in INDICATORS.values()]}")
            weights[key] = 100 * ind.weight.value
        data.update(formula="custom", weights=weights)
    return AppState.model_validate(data)


def _pot_text(total: Parameter) -> str:
    for key in POTS:
        if pot_parameter(key) == total:
            return key
    return f"{total.in_pounds():,.2f}"


def assumptions(state: AppState) -> list[str]:
    """The assumptions behind ``state``'s result, in words (shown on the page)."""
    out = ["weights are fundmodel's assumptions (Children England named the three factors, "
           "not weights); disability and projected population are proxies"
           if state.formula == "children_act" else "weights are your choice, not published"]
    if state.pot not in POTS:
        out.append("the pot is an amount you typed")
    if state.floor is not None or state.ceiling is not None:
        out.append(f"damping against {baseline_label(state)}: floor {state.floor}, ceiling "
                   f"{state.ceiling}; gains are scaled so the total is unchanged")
    return out


def baseline_label(state: AppState) -> str:
    """What winners and losers are measured against, in words."""
    if state.baseline == "per_child":
        return "the same pot shared equally per child aged 0-17"
    if state.baseline == "spend":
        return "the same pot shared by current family support spend (s251 2024-25)"
    return f"saved scenario {state.baseline[-1]}"


@dataclass(frozen=True, eq=False)
class View:
    """One state computed: the allocation, the table and the comparison with the baseline."""

    state: AppState
    allocation: Allocation
    table: pd.DataFrame
    baseline: pd.Series
    winners: pd.DataFrame
    no_baseline: tuple[str, ...]
    sources: tuple[str, ...]

    def national(self) -> dict[str, str]:
        """Headline numbers for the whole of England."""
        pc = self.table["per_child"]
        gains = int((self.winners["status"] == "gain").sum())
        losses = int((self.winners["status"] == "loss").sum())
        la = self.allocation.authorities
        return {
            "pot": format_gbp(self.allocation.total),
            "councils": f"{la.n}",
            "largest allocation": f"{self.table.iloc[0]['name']} "
                                  f"{format_gbp(float(self.table.iloc[0]['amount']), 'm', 2)}",
            "£ per child aged 0-17": f"median £{pc.median():,.2f}, range £{pc.min():,.2f} "
                                     f"to £{pc.max():,.2f}",
            "Gini of £ per child (weighted by children)":
                f"{gini(pc.to_numpy(), la.column('children_0_17')):.3f}",
            "against the baseline": f"{gains} gain, {losses} lose"
                                    + (f", {len(self.no_baseline)} without a baseline figure"
                                       if self.no_baseline else ""),
        }


def _baseline(state: AppState, la: Authorities, saved: tuple[AppState, ...]) -> pd.Series:
    pot = state.pot_pounds()
    if state.baseline == "per_child":
        flat = NeedsFormula(name="Equal per child", indicators=[
            Indicator(name="children", column="children_0_17", weight=1.0)])
        return allocate(flat, la, pot).council_amounts()
    if state.baseline == "spend":
        known = np.flatnonzero(np.isfinite(la.column(SPEND_COLUMN)))
        spend = NeedsFormula(name="Current family support spend", indicators=[
            Indicator(name="spend", column=SPEND_COLUMN, weight=1.0)])
        amounts = allocate(spend, la.take(known), pot).council_amounts()
        return amounts.reindex(la.codes)
    k = int(state.baseline[-1]) - 1
    if k >= len(saved):
        raise InvalidInputError(f"baseline: there is no saved scenario {k + 1} (save one first)")
    other = saved[k]
    if other.baseline.startswith("saved"):
        other = other.updated(baseline="per_child")
    return compute(other, (), la).allocation.council_amounts()


def compute(state: AppState, saved: tuple[AppState, ...] = (),
            la: Authorities | None = None) -> View:
    """Run ``state`` through :func:`fundmodel.allocate`; errors are the library's own."""
    la = la if la is not None else authorities()
    formula = build_formula(state)
    baseline = _baseline(state, la, saved)
    result = allocate(formula, la, state.pot_pounds(),
                      baseline=baseline.to_numpy() if formula.damping is not None else None)
    table = result.to_frame().sort_values(["amount", "code"], ascending=[False, True])
    known = baseline.notna()
    names = pd.Series(la.names, index=la.codes)
    winners = winners_losers_data(result.council_amounts()[known], baseline[known], names)
    pot = state.pot_pounds()
    sources = [*result.sources(),
               f"pot: {pot.cite()}" if isinstance(pot, Parameter) else "pot: typed by you",
               f"baseline: {baseline_label(state)}"]
    if state.baseline == "spend":
        sources += cite_columns([SPEND_COLUMN])
    return View(state=state, allocation=result, table=table.reset_index(drop=True),
                baseline=baseline, winners=winners,
                no_baseline=tuple(str(n) for n in names[~known.to_numpy()]),
                sources=(*sources, HEX_ACKNOWLEDGEMENT))


def council_band(view: View) -> SensitivityResult | None:
    """A small seeded sensitivity run of the weights (Dirichlet around them) for the
    interval of each council; None when the formula has one indicator (nothing to vary).
    Damping is left out of the run (its baseline is the page's), as the label says."""
    formula = view.allocation.formula
    if len(formula.indicators) < 2:
        return None
    spec = SensitivitySpec(formula=formula.model_copy(update={"damping": None}),
                           total=view.allocation.total, n_variants=BAND_VARIANTS,
                           weights=DirichletWeights(concentration=BAND_CONCENTRATION),
                           seed=BAND_SEED)
    return run_sensitivity(spec, view.allocation.authorities)


def side_by_side(views: list[View]) -> pd.DataFrame:
    """Up to four scenarios (current and saved) compared with :func:`fundmodel.compare`
    against the first: one row per scenario."""
    labels = [f"{k}: {v.state.title}" for k, v in enumerate(views)]
    comparison = compare(*(v.allocation for v in views), labels=labels)
    return comparison.winners_losers()
