"""What the engine is compared with: the same work written the ways an analyst might.

Every function takes the same inputs, drawn once by the public
:func:`fundmodel.analysis.uncertainty.draw_inputs` (the draws the pipeline makes), and
the per-council columns read with the public ``Authorities.column``:

* :func:`numpy_bare`: the bare formula (need -> shares -> pounds, no damping, no
  rounding) over every variant-year at once: the speed of light for this arithmetic.
* :func:`numpy_loop`: need, self-financing floor and largest-remainder pennies, one
  numpy call per step, looping over variant-years.
* :func:`python_loop`: the same work in plain Python on Python floats (lists, ``sorted``;
  no numpy scalars, which are several times slower to do arithmetic on).
* :func:`openfisca_bare`: the bare formula through OpenFisca-core's public API, when
  ``openfisca_core`` is importable (not a fundmodel dependency).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fundmodel.analysis.uncertainty import Draws


@dataclass(frozen=True)
class Inputs:
    """Indicator shares (indicators x councils), baseline (pounds), ONS-code ranks."""

    shares: np.ndarray
    baseline: np.ndarray
    tiebreak: np.ndarray
    floor: float


def numpy_bare(inputs: Inputs, draws: Draws) -> np.ndarray:
    """Pounds per (variant, year, council) by the bare formula, all at once."""
    need = draws.weights @ inputs.shares
    shares = need / need.sum(axis=1, keepdims=True)
    return shares[:, None, :] * (draws.pot_pence / 100.0)[:, :, None]


def numpy_loop(inputs: Inputs, draws: Draws, variants: int) -> np.ndarray:
    """Need, floor and pennies with numpy, one variant-year at a time."""
    years = draws.pot_pence.shape[1]
    n = inputs.shares.shape[1]
    out = np.empty((variants, years, n), dtype=np.int64)
    for v in range(variants):
        need = draws.weights[v] @ inputs.shares
        shares = need / need.sum()
        for y in range(years):
            pot = int(draws.pot_pence[v, y])
            amounts = shares * (pot / 100.0)
            base = inputs.baseline * draws.growth_factor[v, y]
            gain = amounts - base
            gainer = gain > 0
            low = np.maximum(amounts, base * (1 + inputs.floor))
            fixed = low[~gainer].sum()
            spare = amounts.sum() - fixed - base[gainer].sum()
            gains = gain[gainer].sum()
            lam = max(spare / gains, 0.0) if gains > 0 else 0.0
            final = np.where(gainer, base + lam * gain, low)
            pence = np.maximum(final, 0.0) * 100.0
            floors = np.floor(pence)
            owed = pot - int(floors.sum())
            order = np.lexsort((inputs.tiebreak, -(pence - floors)))
            result = floors.astype(np.int64)
            result[order[:owed]] += 1
            out[v, y] = result
    return out


def python_loop(inputs: Inputs, draws: Draws, variants: int) -> list[list[list[int]]]:
    """The same work in plain Python on Python floats."""
    shares_cols = inputs.shares.tolist()
    base0 = inputs.baseline.tolist()
    rank = inputs.tiebreak.tolist()
    weights = draws.weights[:variants].tolist()
    pots = draws.pot_pence[:variants].tolist()
    factors = draws.growth_factor[:variants].tolist()
    floor = float(inputs.floor)
    n = len(base0)
    k = len(shares_cols)
    out = []
    for v in range(variants):
        w = weights[v]
        need = [sum(w[j] * shares_cols[j][i] for j in range(k)) for i in range(n)]
        total = sum(need)
        rows = []
        for y in range(len(pots[v])):
            pot = pots[v][y]
            amounts = [need[i] / total * (pot / 100.0) for i in range(n)]
            base = [b * factors[v][y] for b in base0]
            fixed = base_gain = gains = 0.0
            final = [0.0] * n
            for i in range(n):
                if amounts[i] > base[i]:
                    base_gain += base[i]
                    gains += amounts[i] - base[i]
                else:
                    final[i] = max(amounts[i], base[i] * (1 + floor))
                    fixed += final[i]
            lam = max((sum(amounts) - fixed - base_gain) / gains, 0.0) if gains > 0 else 0.0
            for i in range(n):
                if amounts[i] > base[i]:
                    final[i] = base[i] + lam * (amounts[i] - base[i])
            pence = [max(a, 0.0) * 100.0 for a in final]
            floors = [math.floor(p) for p in pence]
            owed = pot - sum(floors)
            order = sorted(range(n), key=lambda i: (floors[i] - pence[i], rank[i]))
            for i in order[:owed]:
                floors[i] += 1
            rows.append(floors)
        out.append(rows)
    return out


def openfisca_available() -> str | None:
    """None if OpenFisca-core can be imported, else why not."""
    try:
        import openfisca_core  # noqa: F401
    except ImportError as exc:
        return f"openfisca_core not installed ({exc}); install openfisca-core to compare"
    return None


def openfisca_bare(inputs: Inputs, draws: Draws) -> np.ndarray:
    """The bare formula through OpenFisca-core's public API: one entity per (variant,
    council) pair, indicator shares and weights as input variables, need and amount as
    formula variables; one simulation per year."""
    from openfisca_core import periods
    from openfisca_core.entities import build_entity
    from openfisca_core.simulations import SimulationBuilder
    from openfisca_core.taxbenefitsystems import TaxBenefitSystem
    from openfisca_core.variables import Variable

    council = build_entity(key="council", plural="councils", label="council-variant",
                           is_person=True)
    k = inputs.shares.shape[0]
    variants, years = draws.pot_pence.shape
    n = inputs.shares.shape[1]

    def variable(name: str, formula: object = None) -> type:
        attrs = {"value_type": float, "entity": council, "definition_period": periods.YEAR,
                 "label": name}
        if formula is not None:
            attrs["formula"] = formula
        return type(name, (Variable,), attrs)

    def need_formula(c: object, period: object) -> object:
        return sum(c(f"w{j}", period) * c(f"x{j}", period) for j in range(k))  # type: ignore

    def amount_formula(c: object, period: object) -> object:
        need = c("need", period)  # type: ignore[operator]
        totals = np.bincount(np.repeat(np.arange(variants), n), weights=need)
        return need / np.repeat(totals, n) * c("pot", period)  # type: ignore[operator]

    system = TaxBenefitSystem([council])
    for j in range(k):
        system.add_variable(variable(f"w{j}"))
        system.add_variable(variable(f"x{j}"))
    system.add_variable(variable("pot"))
    system.add_variable(variable("need", need_formula))
    system.add_variable(variable("amount", amount_formula))
    out = np.empty((variants, years, n))
    for y in range(years):
        builder = SimulationBuilder()
        builder.create_entities(system)
        builder.declare_person_entity("council", np.arange(variants * n).astype(str))
        sim = builder.build(system)
        period = str(2000 + y)
        for j in range(k):
            sim.set_input(f"w{j}", period, np.repeat(draws.weights[:, j], n))
            sim.set_input(f"x{j}", period, np.tile(inputs.shares[j], variants))
        sim.set_input("pot", period, np.repeat(draws.pot_pence[:, y] / 100.0, n))
        out[:, y, :] = np.asarray(sim.calculate("amount", period)).reshape(variants, n)
    return out
