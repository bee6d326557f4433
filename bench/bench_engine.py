"""Benchmark: thousands of formula variants x 153 councils x 5 years, damped and penny-rounded.

Run from the project root::

    .venv/bin/python bench/bench_engine.py            # full run, includes 1,000,000 variants
    .venv/bin/python bench/bench_engine.py --quick    # skip the 1,000,000-variant run

Prints one table: the vectorised engine (10,000 variants x 153 councils x 5 years with a
-5% floor and penny rounding), the whole sensitivity run (draws, engine, rank counts,
summaries), a straightforward per-council Python loop doing the same work on a subset
(scaled up to 10,000 variants), the ratio, peak memory, and the 1,000,000-variant run
(chunked: memory stays bounded). Wall times are the best of several repeats; CPU times
are shown too because other work on a shared machine inflates wall time.

Not a test: nothing here asserts a speed. Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from fundmodel import load_authorities
from fundmodel.analysis.uncertainty import (
    DirichletWeights,
    Normal,
    SensitivitySpec,
    draw_inputs,
    run_sensitivity,
)
from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.engine.allocate import _allocate_rows, _need_shares, area_costs, indicator_matrix
from fundmodel.engine.formula import Damping, NeedsFormula
from fundmodel.engine.scratch import Scratch
from fundmodel.presets import children_act_formula

POT = 270_000_000.0  # the 2025-26 Children's Social Care Prevention Grant (presets)
YEARS = ("2025-26", "2026-27", "2027-28", "2028-29", "2029-30")
VARIANTS = 10_000
LOOP_VARIANTS = 40  # the per-council loop runs this many variants, then is scaled up
BIG = 1_000_000


def setup() -> tuple[Authorities, NeedsFormula, SensitivitySpec]:
    """Embedded data plus a baseline column (the pot shared by child population: a
    stand-in for last year's grant), the Children Act preset with a -5% floor."""
    la = load_authorities()
    frame = la.to_frame()
    kids = la.column("children_0_17")
    frame["baseline"] = np.round(POT * kids / kids.sum(), 2)
    la = authorities_from_frame(frame, "embedded data + population baseline")
    formula = children_act_formula().model_copy(
        update={"damping": Damping(baseline="baseline", floor=-0.05)}
    )
    spec = SensitivitySpec(
        formula=formula, total=POT, years=YEARS, weights=DirichletWeights(concentration=50),
        growth=Normal(mean=0.03, sd=0.02), baseline_path="with_pot", n_variants=VARIANTS,
        seed=1,
    )
    return la, formula, spec


def best(fn: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    """Best wall and CPU seconds over ``repeats`` runs, and the last result."""
    walls, cpus, out = [], [], None
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), out


def engine_batch(la: Authorities, spec: SensitivitySpec, chunk: int) -> np.ndarray:
    """The vectorised engine alone: every (variant, year) row damped and rounded."""
    draws = draw_inputs(spec)
    formula = spec.formula
    x, aca, tie = indicator_matrix(formula, la), area_costs(formula, la), la.code_rank()
    base = la.column("baseline")
    years = len(spec.years)
    out = np.empty((spec.n_variants, years, la.n), dtype=np.int64)
    scratch = Scratch()
    for start in range(0, spec.n_variants, chunk):
        part = slice(start, start + chunk)
        _, shares, _ = _need_shares(draws.weights[part], x, aca)
        factor = draws.growth_factor[part].reshape(-1)
        _allocate_rows(
            formula, np.repeat(shares, years, axis=0), draws.pot_pence[part].reshape(-1),
            base[None, :] * factor[:, None], tie, scratch, out[part].reshape(-1, la.n),
        )
    return out


def loop_version(la: Authorities, spec: SensitivitySpec, n_variants: int) -> np.ndarray:
    """The same work as a straightforward per-council loop in plain Python (floats, lists,
    sorted()): need, shares, floor paid by scaling gains, largest-remainder pennies."""
    draws = draw_inputs(spec, n_variants)
    formula = spec.formula
    cols = [list(ind.values(la)) for ind in formula.indicators]
    totals = [sum(c) for c in cols]
    base = list(la.column("baseline"))
    rank = list(la.code_rank())
    floor = -0.05
    n = la.n
    out = np.empty((n_variants, len(spec.years), n), dtype=np.int64)
    for v in range(n_variants):
        w = draws.weights[v]
        need = []
        for i in range(n):
            need.append(sum(w[k] * cols[k][i] / totals[k] for k in range(len(cols))))
        need_total = sum(need)
        for y in range(len(spec.years)):
            pot_pence = int(draws.pot_pence[v, y])
            factor = float(draws.growth_factor[v, y])
            amounts = [need[i] / need_total * pot_pence / 100.0 for i in range(n)]
            b = [base[i] * factor for i in range(n)]
            fixed = b_gain = gains = 0.0
            final = [0.0] * n
            for i in range(n):
                if amounts[i] > b[i]:
                    b_gain += b[i]
                    gains += amounts[i] - b[i]
                else:
                    final[i] = max(amounts[i], b[i] * (1 + floor))
                    fixed += final[i]
            lam = max((sum(amounts) - fixed - b_gain) / gains, 0.0) if gains > 0 else 0.0
            for i in range(n):
                if amounts[i] > b[i]:
                    final[i] = b[i] + lam * (amounts[i] - b[i])
            pence = [max(a, 0.0) * 100.0 for a in final]
            floors = [math.floor(p) for p in pence]
            owed = pot_pence - sum(floors)
            order = sorted(range(n), key=lambda i: (-(pence[i] - floors[i]), rank[i]))
            for i in order[:owed]:
                floors[i] += 1
            out[v, y] = floors
    return out


def transition_section(la: Authorities, spec: SensitivitySpec, repeats: int) -> str:
    """A 3-year transition (thirds, -5% cash floor) for 10,000 weight variants in the batch
    engine, timed (CPU) as a ratio to the single-year allocation of the same variants."""
    from fundmodel.engine.transition import TransitionPlan, transition_batch

    weights = draw_inputs(spec).weights
    formula = spec.formula.model_copy(update={"damping": None})
    x, aca, tie = indicator_matrix(formula, la), area_costs(formula, la), la.code_rank()
    pot = np.full(weights.shape[0], round(POT * 100), dtype=np.int64)

    def single_year() -> np.ndarray:
        _, shares, _ = _need_shares(weights, x, aca)
        return _allocate_rows(formula, shares, pot, None, tie)[1]

    plan = TransitionPlan(years=YEARS[:3], pots=[POT] * 3, phasing=["1/3", "2/3", 1],
                          floor=-0.05)
    base = la.column("baseline")
    _, s_cpu, _ = best(single_year, repeats)
    _, t_cpu, out = best(lambda: transition_batch(formula, la, weights, base, plan), repeats)
    sums_ok = bool((out.sum(axis=2) == round(POT * 100)).all())
    return (f"3-year transition, {weights.shape[0]:,} weight variants x {la.n} councils "
            f"(thirds, -5% cash floor): {t_cpu:.3f} s CPU vs single-year allocation of the "
            f"same variants {s_cpu:.3f} s CPU: ratio {t_cpu / s_cpu:.1f}x "
            f"(every year sums to its pot: {sums_ok})")


def big_run(variants: int) -> None:
    """Child process: the chunked run of ``variants`` variants; prints time and peak RSS."""
    la, _, spec = setup()
    spec = spec.model_copy(update={"n_variants": variants})
    w0, c0 = time.perf_counter(), time.process_time()
    result = run_sensitivity(spec, la)
    table = result.intervals()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
    print(f"{wall:.2f} {cpu:.2f} {peak:.0f} {len(table)} {result.amount_pence.shape[0]}")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if "model name" in line)
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    blas = os.environ.get("OPENBLAS_CORETYPE")
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.1f} GiB RAM; Python {platform.python_version()}, "
        f"numpy {np.__version__}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        + (f"; OPENBLAS_CORETYPE={blas} (set in the environment; numpy sorts do not use BLAS)"
           if blas else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 1,000,000-variant run")
    parser.add_argument("--big-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.big_child:
        big_run(args.big_child)
        return

    la, formula, spec = setup()
    print(f"machine: {machine()}")
    print(f"data: {la.n} councils ({la.source}); formula: {formula.name}, floor -5%; "
          f"pot £{POT / 1e6:,.0f}m growing Normal(3%, 2%) a year; {len(YEARS)} years\n")

    rows = []
    # the loop first, best of three, before the large batch arrays exist (later its time
    # grows with whatever the process already holds, which would flatter the ratio)
    l_wall, l_cpu, looped = best(lambda: loop_version(la, spec, LOOP_VARIANTS), 3)
    chunk = max(spec.chunk_size // len(YEARS), 1)
    e_wall, e_cpu, batch = best(lambda: engine_batch(la, spec, chunk), args.repeats)
    rows.append(("engine: 10,000 variants x 153 x 5 years, floor + rounding", e_wall, e_cpu))
    ceiling_spec = spec.model_copy(update={"formula": formula.model_copy(
        update={"damping": Damping(baseline="baseline", floor=-0.05, ceiling=0.10)})})
    c_wall, c_cpu, _ = best(lambda: engine_batch(la, ceiling_spec, chunk), args.repeats)
    rows.append(("engine: same with a +10% ceiling as well", c_wall, c_cpu))
    s_wall, s_cpu, result = best(lambda: run_sensitivity(spec, la), args.repeats)
    rows.append(("run_sensitivity: draws, engine, rank counts, central run", s_wall, s_cpu))
    i_wall, i_cpu, _ = best(lambda: result.intervals(), 1)
    rows.append(("intervals(): percentiles of 10,000 x 153 for one year", i_wall, i_cpu))

    scale = VARIANTS / LOOP_VARIANTS
    rows.append((f"per-council Python loop, {LOOP_VARIANTS} variants x {scale:.0f} (scaled)",
                 l_wall * scale, l_cpu * scale))
    same = batch[:LOOP_VARIANTS] == looped
    diff = np.abs(batch[:LOOP_VARIANTS] - looped).max()

    tracemalloc.start()
    run_sensitivity(spec, la)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    width = max(len(r[0]) for r in rows)
    print(f"{'work':<{width}}  {'wall s':>8}  {'cpu s':>8}")
    for label, wall, cpu in rows:
        print(f"{label:<{width}}  {wall:8.3f}  {cpu:8.3f}")
    print(f"\nratio, loop / engine (wall): {l_wall * scale / e_wall:,.0f}x; "
          f"loop / run_sensitivity: {l_wall * scale / s_wall:,.0f}x")
    print(f"loop and engine agree on {same.mean():.4%} of amounts (largest difference "
          f"{diff} pence: float sums in a different order can move a penny)")
    print(f"peak traced memory, run_sensitivity 10,000 variants: {traced / 2**20:,.0f} MiB "
          f"(chunk_size {spec.chunk_size} rows = {chunk} variants x {len(YEARS)} years)")

    print("\n" + transition_section(la, spec, args.repeats))

    if not args.quick:
        child = subprocess.run(
            [sys.executable, __file__, "--big-child", str(BIG)],
            capture_output=True, text=True, check=True,
        )
        wall, cpu, peak, _, kept = child.stdout.split()
        print(f"\n{BIG:,} variants x 153 x 5 years (chunked, run_sensitivity + intervals): "
              f"{float(wall):.1f} s wall, {float(cpu):.1f} s CPU, peak RSS {float(peak):,.0f} MiB "
              f"(amounts kept for the first {int(kept):,} variants)")


if __name__ == "__main__":
    main()
