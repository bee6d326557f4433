"""Mutation testing (a developer tool; not part of scripts/test.sh): run mutmut for a group.

Usage (from the repository root; scripts/mutation.sh is the shell entry point)::

    python scripts/mutation.py engine          # run the group, then print its score
    python scripts/mutation.py all             # every group in turn
    python scripts/mutation.py engine --score  # print the last run's score only
    python scripts/mutation.py engine --before # the same without tests/mutation/ (the
                                               # "before" score; results kept apart)
    python scripts/mutation.py engine --only 'fundmodel.engine.money.*'   # some mutants
    python scripts/mutation.py engine --survivors   # re-run the survivors after new tests
    python scripts/mutation.py scenarios --sample 400   # a seeded random sample of the
                                               # group's mutants: the score with its 95%
                                               # interval (for groups too big to run whole)
    python scripts/mutation.py --list          # the groups, their modules and tests

Each group is a table under ``[tool.fundmodel.mutation.<group>]`` in pyproject.toml with
``only_mutate`` (file globs), ``tests`` (test files or globs) and optionally ``only``
(mutant name globs: the functions to run, e.g. the chart ``*_data`` builders),
``pytest_args`` and ``do_not_mutate_patterns`` (lines left unmutated as equivalent).
The group runs in its own working copy, ``build/mutation/<group>/`` (sources, tests,
examples and a pyproject.toml whose ``[tool.mutmut]`` names that group's modules and tests),
so each group keeps its own mutmut cache and results. mutmut runs niced, one child at a
time; hypothesis uses the ``mutation`` profile (few, fixed examples; tests/conftest.py).

``--sample N`` generates the group's mutants (mutmut run on a name that matches none,
which stops after generating them and collecting which tests call which function), draws
``N`` of them with a seeded generator (``--seed``, default 1), runs those, and reports the
score of the sample with a Wilson 95% interval; the sample's names are kept in
``build/mutation/<group>/sample.json`` so ``--score`` and ``--survivors`` use the same set.

The score counts a mutant as killed when a test failed (or it timed out); "survived" and
"no tests" (no selected test calls the function) both count as not killed.
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"
KILLED_CODES = {1, 3, 36, -24, 24, 152, 255, 37}  # failed test, pytest error, timeouts, type check
STATUS = {0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", None: "not checked"}


def groups() -> dict[str, dict[str, list[str]]]:
    """The groups from pyproject.toml ``[tool.fundmodel.mutation]``."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    found: dict[str, dict[str, list[str]]] = data["tool"]["fundmodel"]["mutation"]
    return found


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def _tests(group: dict[str, list[str]], root: Path = ROOT) -> list[str]:
    files: list[str] = []
    for pattern in group["tests"]:
        matched = sorted(glob.glob(pattern, root_dir=root))
        files += [m for m in matched if m not in files]
    return files


def _workdir(name: str, before: bool) -> Path:
    return WORK / (f"{name}-before" if before else name)


def prepare(name: str, group: dict[str, list[str]], before: bool = False) -> Path:
    """Refresh ``build/mutation/<name>/`` from the checkout, with the group's mutmut config
    (``before``: in ``<name>-before/``, without the kill tests of tests/mutation/)."""
    work = _workdir(name, before)
    work.mkdir(parents=True, exist_ok=True)
    for folder in ("src", "tests", "examples"):  # tests read the shipped examples
        if (work / folder).exists():
            shutil.rmtree(work / folder)
        shutil.copytree(ROOT / folder, work / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if before:
        for kill_tests in (work / "tests" / "mutation").glob("test_*.py"):
            kill_tests.unlink()
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    head, _, rest = text.partition("\n[tool.mutmut]\n")  # the table, not a comment naming it
    tail = rest[rest.find("\n[") + 1:] if "\n[" in rest else ""
    head += "\n"
    config = (
        "[tool.mutmut]\n"
        'source_paths = ["src"]\n'
        'also_copy = ["examples"]\n'
        f"only_mutate = {_toml_list(group['only_mutate'])}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x", "--no-header", '
        '"-o", "addopts="]\n'
        f"pytest_add_cli_args_test_selection = "
        f"{_toml_list(_tests(group, work) + group.get('pytest_args', []))}\n"
        f"do_not_mutate_patterns = {_toml_list(group.get('do_not_mutate_patterns', []))}\n"
        "timeout_multiplier = 5.0\n\n"
    )
    (work / "pyproject.toml").write_text(head + config + tail, "utf-8")
    return work


NO_MUTANT = "no.such.mutant.only.generate"
"""A name matching no mutant: ``mutmut run`` on it generates the mutants and collects the
test-to-function map, then stops (it finds nothing to run)."""


def run(name: str, group: dict[str, list[str]], before: bool = False,
        only: list[str] | None = None, children: int = 1, fresh: bool = True) -> None:
    """Run mutmut for one group (niced, ``children`` at a time); ``only``: mutant name
    globs; ``fresh=False`` keeps the working copy as it is (a sample's second step)."""
    work = prepare(name, group, before) if fresh else _workdir(name, before)
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation"}
    print(f"== mutmut: {work.name} ({len(_tests(group, work))} test files)", flush=True)
    quiet = only == [NO_MUTANT]  # generating only: mutmut then fails on "nothing matches"
    subprocess.run(["nice", "-n", "15", str(MUTMUT), "run", "--max-children", str(children),
                    *(only or [])], cwd=work, env=env, check=False,
                   stdout=subprocess.DEVNULL if quiet else None,
                   stderr=subprocess.DEVNULL if quiet else None)


def all_mutants(name: str, before: bool = False) -> list[str]:
    """Every generated mutant's name (sorted), whatever its status."""
    base = _workdir(name, before) / "mutants" / "src"
    return sorted(key for meta in base.rglob("*.py.meta")
                  for key in json.loads(meta.read_text("utf-8"))["exit_code_by_key"])


def draw_sample(name: str, group: dict[str, list[str]], size: int, seed: int,
                before: bool = False, children: int = 1) -> list[str]:
    """Generate the group's mutants, draw ``size`` of them (seeded) among those matching
    the group's ``only`` globs, save the names to ``sample.json`` and return them."""
    run(name, group, before, [NO_MUTANT], children)
    globs = group.get("only", [])
    names = [m for m in all_mutants(name, before)
             if not globs or any(fnmatch.fnmatch(m, g) for g in globs)]
    chosen = sorted(random.Random(seed).sample(names, min(size, len(names))))
    (_workdir(name, before) / "sample.json").write_text(
        json.dumps({"seed": seed, "of": len(names), "names": chosen}, indent=1), "utf-8")
    print(f"sample: {len(chosen)} of {len(names)} mutants (seed {seed})", flush=True)
    return chosen


def sample(name: str, before: bool = False) -> tuple[int, int, set[str]] | None:
    """The saved sample of the group, as (seed, mutants drawn from, names); ``None`` when
    the last run was not a sample."""
    path = _workdir(name, before) / "sample.json"
    if not path.exists():
        return None
    saved = json.loads(path.read_text("utf-8"))
    return int(saved["seed"]), int(saved["of"]), set(saved["names"])


def wilson(killed: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a proportion (95% by default).

    >>> [round(x, 3) for x in wilson(90, 100)]
    [0.826, 0.945]
    """
    if total == 0:
        return (0.0, 1.0)
    p = killed / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (centre - half, centre + half)


def counts(name: str, before: bool = False) -> dict[str, Counter[str]]:
    """Killed / survived / no tests per module (and per function kind) from the last run
    (only the sampled mutants when the group was last run as a sample)."""
    by_module: dict[str, Counter[str]] = {}
    base = _workdir(name, before) / "mutants" / "src"
    saved = sample(name, before)
    chosen = saved[2] if saved else None
    for meta in sorted(base.rglob("*.py.meta")):
        module = str(meta.relative_to(base))[: -len(".meta")]
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        if chosen is not None:
            codes = {k: v for k, v in codes.items() if k in chosen}
        if not codes:
            continue
        tally: Counter[str] = Counter()
        for key, code in codes.items():
            status = "killed" if code in KILLED_CODES else STATUS.get(code, "suspicious")
            tally[status] += 1
            function = key.rsplit("__mutmut_", 1)[0].rsplit(".", 1)[-1]
            kind = "data" if function.endswith("_data") else "other"
            tally[f"{kind}:{status}"] += 1
        by_module[module] = tally
    return by_module


def survivors(name: str, before: bool = False) -> list[str]:
    """The names of the last run's mutants that survived or had no tests."""
    base = _workdir(name, before) / "mutants" / "src"
    saved = sample(name, before)
    chosen = saved[2] if saved else None
    return [key for meta in sorted(base.rglob("*.py.meta"))
            for key, code in json.loads(meta.read_text("utf-8"))["exit_code_by_key"].items()
            if code in (0, 5, 33) and (chosen is None or key in chosen)]


def _line(label: str, tally: Counter[str], prefix: str = "") -> str:
    killed, survived = tally[prefix + "killed"], tally[prefix + "survived"]
    no_tests = tally[prefix + "no tests"]
    total = sum(v for k, v in tally.items()
                if k.startswith(prefix) and ":" not in k[len(prefix):] and k != "not checked"
                and k != prefix + "not checked")
    score = f"{100 * killed / total:5.1f}%" if total else "    -"
    unrun = tally[prefix + "not checked"]
    note = f"  ({unrun} not run)" if unrun else ""
    return f"{label:<48} {killed:>6} {survived:>8} {no_tests:>8} {total:>6} {score:>7}{note}"


def report(name: str, before: bool = False) -> None:
    """Print the group's score table: per module, the chart data builders, and the total."""
    by_module = counts(name, before)
    name = f"{name}-before" if before else name
    if not by_module:
        print(f"{name}: no results yet (run: bash scripts/mutation.sh {name})")
        return
    print(f"\n{'module (' + name + ')':<48} {'killed':>6} {'survived':>8} {'no tests':>8} "
          f"{'total':>6} {'score':>7}")
    total: Counter[str] = Counter()
    for module, tally in by_module.items():
        print(_line(module, tally))
        total += tally
    if total["data:killed"] + total["data:survived"] + total["data:no tests"]:
        print(_line("  of which *_data functions", total, "data:"))
        print(_line("  of which other functions", total, "other:"))
    print(_line(f"TOTAL {name}", total))
    saved = sample(name.removesuffix("-before"), before)
    if saved:
        run_total = sum(v for k, v in total.items() if ":" not in k and k != "not checked")
        low, high = wilson(total["killed"], run_total)
        seed, of, names = saved
        print(f"a seeded sample (seed {seed}) of {len(names)} of the group's {of} mutants: "
              f"95% interval for the whole group's score "
              f"{100 * low:.1f}% to {100 * high:.1f}%")


def main(argv: list[str] | None = None) -> int:
    """Command line: a group name (or ``all``), ``--score`` to report only, ``--list``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("group", nargs="?", default="all")
    parser.add_argument("--score", action="store_true", help="report the last run only")
    parser.add_argument("--list", action="store_true", help="list the groups")
    parser.add_argument("--before", action="store_true",
                        help="run without tests/mutation/ (the before score), kept apart")
    parser.add_argument("--survivors", action="store_true",
                        help="re-run only the last run's survivors (after adding tests)")
    parser.add_argument("--only", nargs="*", default=[],
                        help="mutant name globs, e.g. 'fundmodel.engine.money.*'")
    parser.add_argument("--sample", type=int, default=0,
                        help="run a seeded random sample of this many mutants")
    parser.add_argument("--seed", type=int, default=1, help="the sample's seed")
    parser.add_argument("--children", type=int, default=1,
                        help="mutants run at once (default 1: leaves a core free)")
    args = parser.parse_args(argv)
    known = groups()
    if args.list:
        for name, group in known.items():
            print(f"{name}: mutate {group['only_mutate']}; tests {_tests(group)}")
        return 0
    chosen = list(known) if args.group == "all" else [args.group]
    unknown = [g for g in chosen if g not in known]
    if unknown:
        print(f"unknown group {unknown[0]!r}; choose one of {[*known, 'all']}", file=sys.stderr)
        return 2
    for name in chosen:
        if not args.score:
            only = args.only or known[name].get("only", [])
            fresh = True
            if args.sample:
                only = draw_sample(name, known[name], args.sample, args.seed, args.before,
                                   args.children)
                fresh = False
            elif (_workdir(name, args.before) / "sample.json").exists() and not args.survivors:
                (_workdir(name, args.before) / "sample.json").unlink()  # a whole run now
            if args.survivors:
                only = survivors(name, args.before)
                if not only:
                    report(name, args.before)
                    continue
            run(name, known[name], args.before, only, args.children, fresh)
        report(name, args.before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
