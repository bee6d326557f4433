"""Mutation testing (a developer tool; not part of scripts/test.sh): run mutmut for a group.

Usage (from the repository root; scripts/mutation.sh is the shell entry point)::

    python scripts/mutation.py engine          # run the group, then print its score
    python scripts/mutation.py all             # every group in turn
    python scripts/mutation.py engine --score  # print the last run's score only
    python scripts/mutation.py engine --before # the same without tests/mutation/ (the
                                               # "before" score; results kept apart)
    python scripts/mutation.py engine --only 'fundmodel.engine.money.*'   # some mutants
    python scripts/mutation.py engine --survivors   # re-run the survivors after new tests
    python scripts/mutation.py --list          # the groups, their modules and tests

Each group is a table under ``[tool.fundmodel.mutation.<group>]`` in pyproject.toml with
``only_mutate`` (file globs), ``tests`` (test files or globs) and optionally ``only``
(mutant name globs: the functions to run, e.g. the chart ``*_data`` builders),
``pytest_args`` and ``do_not_mutate_patterns`` (lines left unmutated as equivalent).
The group runs in its own working copy, ``build/mutation/<group>/`` (sources, tests,
examples and a pyproject.toml whose ``[tool.mutmut]`` names that group's modules and tests),
so each group keeps its own mutmut cache and results. mutmut runs niced, one child at a
time; hypothesis uses the ``mutation`` profile (few, fixed examples; tests/conftest.py).

The score counts a mutant as killed when a test failed (or it timed out); "survived" and
"no tests" (no selected test calls the function) both count as not killed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
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


def run(name: str, group: dict[str, list[str]], before: bool = False,
        only: list[str] | None = None) -> None:
    """Run mutmut for one group (niced, one child); ``only``: mutant name globs."""
    work = prepare(name, group, before)
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation"}
    print(f"== mutmut: {work.name} ({len(_tests(group, work))} test files)", flush=True)
    subprocess.run(["nice", "-n", "15", str(MUTMUT), "run", "--max-children", "1", *(only or [])],
                   cwd=work, env=env, check=False)


def counts(name: str, before: bool = False) -> dict[str, Counter[str]]:
    """Killed / survived / no tests per module (and per function kind) from the last run."""
    by_module: dict[str, Counter[str]] = {}
    base = _workdir(name, before) / "mutants" / "src"
    for meta in sorted(base.rglob("*.py.meta")):
        module = str(meta.relative_to(base))[: -len(".meta")]
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
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
    return [key for meta in sorted(base.rglob("*.py.meta"))
            for key, code in json.loads(meta.read_text("utf-8"))["exit_code_by_key"].items()
            if code in (0, 5, 33)]


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
            if args.survivors:
                only = survivors(name, args.before)
                if not only:
                    report(name, args.before)
                    continue
            run(name, known[name], args.before, only)
        report(name, args.before)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
