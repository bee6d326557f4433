"""Benchmark: the time per update of the simulator, i.e. the library work behind the page
when a control moves, for one scenario.

Run from the project root::

    .venv/bin/python bench/bench_app.py

One update = reading the controls into a state, the allocation (fundmodel.allocate), the
baseline allocation, winners and losers, the ranked table, the national numbers, and the
200-run uncertainty band. Charts (matplotlib drawing) are timed on their own line, since
only the visible tab redraws. Best of several repeats, wall and CPU time. Not a test: it
asserts nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fundmodel.app.compute import compute, council_band
from fundmodel.app.outputs import chart_figure, figure_bytes
from fundmodel.app.server import read_form
from fundmodel.app.state import INDICATORS

REPEATS = 7


def controls(deprivation: int) -> dict[str, str]:
    values = {"title": "bench", "pot_preset": "prevention_grant", "pot_text": "",
              "formula": "custom", "floor": "-5", "ceiling": "", "baseline": "per_child",
              "council": "E06000001", **{f"w_{k}": "0" for k in INDICATORS}}
    return {**values, "w_population": "40", "w_deprivation": str(deprivation)}


def best(work: Callable[[int], object]) -> tuple[float, float]:
    walls, cpus = [], []
    for k in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        work(k)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def update(k: int) -> None:
    state = read_form(controls(20 + k)).state
    assert state is not None
    view = compute(state)
    view.national()
    council_band(view)


def main() -> None:
    update(0)  # load the embedded data and warm caches once
    wall, cpu = best(update)
    print(f"time per update (one scenario, 153 councils, with a -5% floor and the "
          f"200-run band): {1000 * wall:.1f} ms wall, {1000 * cpu:.1f} ms CPU "
          f"(best of {REPEATS})")
    state = read_form(controls(30)).state
    assert state is not None
    view = compute(state)
    for which in ("map", "winners"):
        wall, cpu = best(lambda _k, w=which: figure_bytes(chart_figure(view, w), "png"))
        print(f"redraw the {which} chart as PNG: {1000 * wall:.1f} ms wall, "
              f"{1000 * cpu:.1f} ms CPU")


if __name__ == "__main__":
    main()
