"""Benchmark of the public API: variants x councils x years, damped and penny-rounded.

Run from the project root::

    .venv/bin/python bench/bench_engine.py            # full run (about 5 minutes)
    .venv/bin/python bench/bench_engine.py --quick    # small sizes, a smoke run

One run prints: the full pipeline (:func:`fundmodel.analysis.uncertainty.run_sensitivity`:
draws, need, self-financing floor, penny rounding, ranks and the running statistics)
against (a) the bare formula in plain numpy, (b) a numpy loop over variant-years, (c) a
pure-Python loop on Python floats and (d) OpenFisca-core (when installed); CPU time
(``time.process_time``) and wall time, medians of at least five repeats, every ratio from
CPU time (other work on a shared machine inflates wall time); a scaling and memory table
by variants and by areas, each size run in its own process (peak RSS from
``/proc/self/status`` VmHWM; CPU the median of up to five runs within ``CHILD_BUDGET``
seconds, the first and cold one included); and PASS/FAIL lines for the targets.

Not a test: nothing here is asserted. Figures are recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import competitors as comp

from fundmodel import load_authorities
from fundmodel.analysis.uncertainty import (
    DirichletWeights,
    Normal,
    SensitivitySpec,
    draw_inputs,
    run_sensitivity,
)
from fundmodel.data.authorities import Authorities, authorities_from_frame
from fundmodel.engine.formula import Damping
from fundmodel.presets import children_act_formula
from fundmodel.testing import synthetic_authorities

POT = 270_000_000.0  # the 2025-26 Children's Social Care Prevention Grant (presets)
YEARS = ("2025-26", "2026-27", "2027-28", "2028-29", "2029-30")
FLOOR, CEILING = -0.05, 0.10
FULL = {"variants": 10_000, "numpy_loop": 200, "python_loop": 100, "repeats": 5,
        "scale_variants": [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
        "scale_areas": [153, 1_530, 4_590, 15_300, 33_800], "area_variants": 1_000}
TINY = {"variants": 100, "numpy_loop": 2, "python_loop": 1, "repeats": 5,
        "scale_variants": [1, 100], "scale_areas": [153, 300], "area_variants": 20}
QUICK = {"variants": 500, "numpy_loop": 10, "python_loop": 5, "repeats": 5,
         "scale_variants": [1, 100, 1_000], "scale_areas": [153, 459], "area_variants": 50}


def councils() -> Authorities:
    """Embedded data plus a baseline column: the pot shared by child population (a
    stand-in for last year's grant, which is not embedded per council)."""
    la = load_authorities()
    frame = la.to_frame()
    kids = la.column("children_0_17")
    frame["baseline"] = np.round(POT * kids / kids.sum(), 2)
    return authorities_from_frame(frame, "embedded data + population baseline")


def synthetic(n: int) -> Authorities:
    """``n`` made-up areas with the preset's indicator columns and a baseline."""
    rng = np.random.default_rng(n)
    la = load_authorities()
    cols = [i.column for i in children_act_formula().indicators]
    real = np.column_stack([la.column(c) for c in cols])
    values = real[rng.integers(0, la.n, n)] * rng.uniform(0.5, 1.5, (n, len(cols)))
    kids = values[:, 0]
    syn = synthetic_authorities(values, baseline=np.round(POT * kids / kids.sum(), 2))
    frame = syn.to_frame().drop(columns=["children_0_17"])
    frame = frame.rename(columns={f"x{k}": c for k, c in enumerate(cols)})
    return authorities_from_frame(frame, f"{n:,} synthetic areas")


def spec_for(variants: int, ceiling: float | None = None) -> SensitivitySpec:
    """The Children Act preset, -5% floor (and a ceiling), pot growing Normal(3%, 2%)."""
    formula = children_act_formula().model_copy(
        update={"damping": Damping(baseline="baseline", floor=FLOOR, ceiling=ceiling)})
    return SensitivitySpec(
        formula=formula, total=POT, years=YEARS, weights=DirichletWeights(concentration=50),
        growth=Normal(mean=0.03, sd=0.02), baseline_path="with_pot", n_variants=variants,
        seed=1,
    )


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, float, float, Any]:
    """Median CPU and wall seconds over ``repeats`` runs, the fastest run's CPU seconds,
    and the last result."""
    cpus, walls, out = [], [], None
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpus.append(time.process_time() - c0)
        walls.append(time.perf_counter() - w0)
    return statistics.median(cpus), statistics.median(walls), min(cpus), out


def inputs_for(la: Authorities) -> comp.Inputs:
    formula = children_act_formula()  # no area cost adjustment
    cols = np.vstack([i.values(la) for i in formula.indicators])
    return comp.Inputs(cols / cols.sum(axis=1, keepdims=True), la.column("baseline"),
                       la.code_rank(), FLOOR)


CHILD_BUDGET = 20.0
"""CPU seconds a scaling row may spend on repeats: a row repeats (median of up to
``repeats`` runs, the first, cold one among them) while its runs total less than this,
so the small rows are medians and the largest (one run of a minute) are single runs."""


def child(kind: str, size: int) -> None:
    """In a fresh process: run_sensitivity (+ intervals) of ``size`` variants (kind
    ``variants``, 153 councils) or ``size`` areas (kind ``areas``), repeated within
    :data:`CHILD_BUDGET`; prints JSON with median CPU and wall seconds."""
    cfg = json.loads(os.environ.get("BENCH_CFG", "{}"))
    la = councils() if kind == "variants" else synthetic(size)
    variants = size if kind == "variants" else int(cfg.get("area_variants", 1000))
    spec = spec_for(variants)
    cpus: list[float] = []
    walls: list[float] = []
    while len(cpus) < int(cfg.get("repeats", 5)) and sum(cpus) < CHILD_BUDGET:
        c0, w0 = time.process_time(), time.perf_counter()
        result = run_sensitivity(spec, la)
        result.intervals()
        cpus.append(time.process_time() - c0)
        walls.append(time.perf_counter() - w0)
        del result  # each run starts from nothing, as the first did
    with open("/proc/self/status") as fh:
        peak = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM")) / 1024
    kept = spec.kept_variants(la.n)
    print(json.dumps({"cpu": statistics.median(cpus), "wall": statistics.median(walls),
                      "runs": len(cpus), "peak_mib": peak, "areas": la.n,
                      "variants": variants, "kept": kept, "exact": kept == variants}))


def run_child(kind: str, size: int, cfg: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "BENCH_CFG": json.dumps(cfg)}
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(size)],
                         capture_output=True, text=True, check=True, env=env)
    row: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return row


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if "model name" in line)
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.1f} GiB RAM; Python "
            f"{platform.python_version()}, numpy {np.__version__}; load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def verdict(ok: bool, text: str) -> str:
    return f"{'PASS' if ok else 'FAIL'}: {text}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    parser.add_argument("--tiny", action="store_true", help="with --quick: tiny sizes (tests)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    cfg = (TINY if args.tiny else QUICK) if args.quick else FULL
    repeats, variants = cfg["repeats"], cfg["variants"]
    la = councils()
    print(f"machine: {machine()}")
    print(f"work: {variants:,} variants x {la.n} councils x {len(YEARS)} years = "
          f"{variants * len(YEARS):,} variant-years; Children Act preset, floor "
          f"{FLOOR:+.0%} (ceiling {CEILING:+.0%} where said), pot £{POT / 1e6:,.0f}m "
          f"growing Normal(3%, 2%); medians of {repeats} repeats\n")

    spec = spec_for(variants)
    inputs = inputs_for(la)
    rows: list[tuple[str, float, float, float]] = []  # label, cpu, wall, fastest cpu

    def add(label: str, fn: Callable[[], Any], scale: float = 1.0) -> Any:
        cpu, wall, fastest, out = timed(fn, repeats)
        rows.append((label, cpu * scale, wall * scale, fastest * scale))
        return out

    nl, pl = cfg["numpy_loop"], cfg["python_loop"]
    # loops first, before the big arrays of the others exist
    py = add(f"(c) pure-Python loop, Python floats ({pl} variants, scaled)",
             lambda: comp.python_loop(inputs, draw_inputs(spec, pl), pl), variants / pl)
    npl = add(f"(b) numpy loop over variant-years ({nl} variants, scaled)",
              lambda: comp.numpy_loop(inputs, draw_inputs(spec, nl), nl), variants / nl)
    add("(a) numpy bare formula (no damping, no rounding)",
        lambda: comp.numpy_bare(inputs, draw_inputs(spec)))
    result = add("run_sensitivity, floor (the full pipeline)", lambda: run_sensitivity(spec, la))
    ceiling_spec = spec_for(variants, CEILING)
    add("run_sensitivity, floor + ceiling", lambda: run_sensitivity(ceiling_spec, la))

    def intervals_afresh() -> Any:
        result._cache.clear()  # intervals() caches its tables: time the computation
        return result.intervals(0)

    add("  intervals() of the floor run, one year", intervals_afresh)
    why_not = comp.openfisca_available()
    if why_not is None:
        add("(d) OpenFisca-core, bare formula", lambda: comp.openfisca_bare(inputs,
                                                                           draw_inputs(spec)))

    width = max(len(r[0]) for r in rows)
    print(f"{'work':<{width}}  {'CPU s':>8}  {'wall s':>8}  {'fastest CPU s':>13}")
    for label, cpu, wall, fastest in rows:
        print(f"{label:<{width}}  {cpu:8.3f}  {wall:8.3f}  {fastest:13.3f}")
    if why_not is not None:
        print(f"(d) OpenFisca-core: skipped: {why_not}")
    cpu = {label.split(" ")[0] if label.startswith("(") else label: c
           for label, c, _, _ in rows}
    # the targets are judged against each competitor's FASTEST repeat (its timing swings
    # with the kernel's handling of its large fresh arrays), the pipeline's median: a
    # competitor's slow repeat never helps the pipeline pass
    best = {label.split(" ")[0]: f for label, _, _, f in rows if label.startswith("(")}
    full, ceil, bare = (cpu["run_sensitivity, floor (the full pipeline)"],
                        cpu["run_sensitivity, floor + ceiling"], cpu["(a)"])
    print(f"\nratios (CPU): pipeline / bare numpy {full / bare:.2f}x; numpy loop / pipeline "
          f"{cpu['(b)'] / full:,.0f}x; pure Python / pipeline {cpu['(c)'] / full:,.0f}x; "
          f"ceiling / floor {ceil / full:.2f}x"
          + (f"; OpenFisca / pipeline {cpu['(d)'] / full:.2f}x" if "(d)" in cpu else ""))
    kept = result.amount_pence
    same_np = float((kept[:nl] == npl).mean())
    same_py = float((kept[:pl] == np.array(py)).mean())
    print(f"agreement with the pipeline's pence: numpy loop {same_np:.4%}, pure Python "
          f"{same_py:.4%} (the rest differ by a penny where float sums in another order "
          "move a remainder)\n")

    table = []
    for size in cfg["scale_variants"]:
        table.append(("variants", size, run_child("variants", size, cfg)))
    for size in cfg["scale_areas"]:
        table.append(("areas", size, run_child("areas", size, cfg)))
    print(f"{'variants':>10} {'areas':>7} {'kept':>6} {'exact':>5} {'runs':>4} {'CPU s':>8} "
          f"{'wall s':>8} {'ns/cell':>8} {'peak RSS MiB':>12}")
    for _, _, r in table:
        cells = r["variants"] * len(YEARS) * r["areas"]
        r["ns_cell"] = r["cpu"] / cells * 1e9
        print(f"{r['variants']:>10,} {r['areas']:>7,} {r['kept']:>6,} {r['exact']!s:>5} "
              f"{r['runs']:>4} {r['cpu']:8.2f} {r['wall']:8.2f} {r['ns_cell']:8.1f} "
              f"{r['peak_mib']:12.0f}")

    from_size = min(1000, max(cfg["scale_variants"]))
    by_var = [r for kind, s, r in table if kind == "variants" and s >= from_size]
    by_area = [r for kind, _, r in table if kind == "areas"]
    flat_v = max(r["ns_cell"] for r in by_var) / min(r["ns_cell"] for r in by_var)
    flat_a = max(r["ns_cell"] for r in by_area) / min(r["ns_cell"] for r in by_area)
    big = max((r for kind, _, r in table if kind == "variants"), key=lambda r: r["variants"])
    print()
    print(verdict(full <= 3 * best["(a)"],
                  f"full floor pipeline within 3x of the numpy bare formula ({full / bare:.2f}x "
                  f"its median; {full / best['(a)']:.2f}x its fastest repeat, the verdict)"))
    print(verdict(best["(c)"] >= 40 * full,
                  f"pure-Python loop at least 40x slower than the pipeline "
                  f"({cpu['(c)'] / full:.0f}x its median; {best['(c)'] / full:.0f}x its fastest "
                  "repeat, the verdict)"))
    print(verdict(ceil <= 1.5 * full, f"floor + ceiling within 1.5x of floor only "
                                      f"({ceil / full:.2f}x)"))
    print(verdict(big["peak_mib"] < 300, f"{big['variants']:,} variants under 300 MiB peak RSS "
                                         f"({big['peak_mib']:.0f} MiB)"))
    print(verdict(flat_v <= 1.5, f"time per variant-row flat from {from_size:,} to "
                                 f"{big['variants']:,} variants ({flat_v:.2f}x)"))
    print(verdict(flat_a <= 1.5, f"time per area flat from {by_area[0]['areas']:,} to "
                                 f"{by_area[-1]['areas']:,} areas ({flat_a:.2f}x)"))


if __name__ == "__main__":
    main()
