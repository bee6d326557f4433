"""Benchmark: a 3-year transition (thirds, -5% cash floor) for 10,000 weight variants in the
batch engine, timed in CPU seconds as a ratio to the single-year allocation of the same
variants (same run, best of ``--repeats``).

    python bench/bench_transition.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from fundmodel import load_authorities
from fundmodel.analysis.uncertainty import DirichletWeights, SensitivitySpec, draw_inputs
from fundmodel.data.authorities import authorities_from_frame
from fundmodel.engine.allocate import _allocate_rows, _need_shares, area_costs, indicator_matrix
from fundmodel.engine.transition import TransitionPlan, transition_batch
from fundmodel.presets import children_act_formula

POT = 270_000_000.0  # the 2025-26 Children's Social Care Prevention Grant (presets)
YEARS = ("2026-27", "2027-28", "2028-29")
VARIANTS = 10_000


def best(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Best CPU seconds over ``repeats`` runs, and the last result."""
    cpus, out = [], None
    for _ in range(repeats):
        c0 = time.process_time()
        out = fn()
        cpus.append(time.process_time() - c0)
    return min(cpus), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    la = load_authorities()
    frame = la.to_frame()
    kids = la.column("children_0_17")
    frame["baseline"] = np.round(POT * kids / kids.sum(), 2)
    la = authorities_from_frame(frame, "embedded data + population baseline")
    formula = children_act_formula()
    spec = SensitivitySpec(formula=formula, total=POT, years=YEARS, n_variants=VARIANTS,
                           weights=DirichletWeights(concentration=50), seed=2026)
    weights = draw_inputs(spec).weights
    x, aca, tie = indicator_matrix(formula, la), area_costs(formula, la), la.code_rank()
    pot = np.full(weights.shape[0], round(POT * 100), dtype=np.int64)

    def single_year() -> np.ndarray:
        _, shares, _ = _need_shares(weights, x, aca)
        return _allocate_rows(formula, shares, pot, None, tie)[1]

    plan = TransitionPlan(years=YEARS, pots=[POT] * 3, phasing=["1/3", "2/3", 1], floor=-0.05)
    s_cpu, _ = best(single_year, args.repeats)
    t_cpu, out = best(lambda: transition_batch(formula, la, weights, la.column("baseline"),
                                               plan), args.repeats)
    sums_ok = bool((out.sum(axis=2) == round(POT * 100)).all())
    print(f"3-year transition, {weights.shape[0]:,} weight variants x {la.n} councils (thirds, "
          f"-5% cash floor): {t_cpu:.3f} s CPU vs single-year allocation of the same variants "
          f"{s_cpu:.3f} s CPU: ratio {t_cpu / s_cpu:.1f}x (every year sums to its pot: {sums_ok})")


if __name__ == "__main__":
    main()
