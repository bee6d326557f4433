"""The ``fundmodel`` command: ``brief`` writes the default pack, ``run`` runs a scenario
file, ``schema`` prints the scenario JSON schema, ``validate`` checks an authority CSV.

Errors are one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from fundmodel._version import __version__
from fundmodel.errors import FundmodelError


def _brief(args: argparse.Namespace) -> int:
    from fundmodel.core.files import check_out_folder
    from fundmodel.report.brief import write_brief

    out = check_out_folder(args.out)
    paths = write_brief(out, progress=True, council=args.council)
    print((out / "summary.md").read_text())
    print("Wrote:", *(f"  {p}" for p in paths), sep="\n")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from fundmodel.data.authorities import load_authorities

    la = load_authorities(args.path)
    frame = la.frame  # a copy each time it is asked for: take it once
    n_missing = int(sum(int(frame[c].isna().sum()) for c in la.numeric_columns))
    print(f"{args.path}: OK, {la.n} authorities, {len(la.numeric_columns)} numeric columns, "
          f"{n_missing} empty cells")
    return 0


def _refuse_unused_data(scenario: Any, data: str | None, label: str) -> None:
    """``--data`` must change the result or be refused: two kinds read only embedded series."""
    from fundmodel.scenarios.overspend import EmbeddedOutturn, OverspendScenario
    from fundmodel.scenarios.spending import SpendingScenario

    if data is None:
        return
    reads = ("section 251 / RO3 spending series" if isinstance(scenario, SpendingScenario)
             else "outturn series (data.source: embedded)"
             if isinstance(scenario, OverspendScenario)
             and isinstance(scenario.data, EmbeddedOutturn) else None)
    if reads is not None:
        raise FundmodelError(
            f"{label}: kind {scenario.kind} reads only fundmodel's embedded {reads}, so "
            f"--data {data} would not be used; run it without --data"
            + (" (or give your budgets with data: {source: csv, path: ...})"
               if isinstance(scenario, OverspendScenario) else ""))


def _run(args: argparse.Namespace) -> int:
    from fundmodel.core.files import check_out_folder
    from fundmodel.data.authorities import load_authorities
    from fundmodel.report.outputs import write_result
    from fundmodel.scenarios import load_scenario

    out = check_out_folder(args.out) if args.out is not None else None
    scenario = load_scenario(args.scenario)
    _refuse_unused_data(scenario, args.data, args.scenario)
    la = load_authorities(args.data) if args.data is not None else load_authorities()
    _progress(f"running {scenario.title!r} on {la.n} authorities")
    result = scenario.run(la)
    summary = result.summary()
    paths = (write_result(scenario, result, out, la.checksum, data_path=args.data)
             if out is not None else [])
    print(summary)
    if paths:
        print("Wrote:", *(f"  {p}" for p in paths), sep="\n")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from fundmodel._version import __version__
    from fundmodel.analysis.compare import compare
    from fundmodel.core.files import check_out_folder, csv_text
    from fundmodel.data.authorities import load_authorities
    from fundmodel.report.outputs import input_record, write_folder
    from fundmodel.scenarios import load_scenario

    out = check_out_folder(args.out) if args.out is not None else None
    scenarios = [load_scenario(path) for path in args.scenarios]
    for path, scenario in zip(args.scenarios, scenarios, strict=True):
        _refuse_unused_data(scenario, args.data, path)
    la = load_authorities(args.data) if args.data is not None else load_authorities()
    results: list[Any] = []  # every result compare() accepts has council_amounts()
    for k, scenario in enumerate(scenarios, start=1):
        _progress(f"[{k}/{len(scenarios)}] running {scenario.title!r}")
        results.append(scenario.run(la))
    labels = [s.title for s in scenarios]
    if len(set(labels)) < len(labels):
        labels = [f"{k}: {t}" for k, t in enumerate(labels, start=1)]
    comparison = compare(*results, labels=labels, authorities=la)
    summary = comparison.summary()
    if out is not None:
        inputs = [*args.scenarios, *([args.data] if args.data is not None else [])]
        write_folder(out, {"comparison.csv": csv_text(comparison.to_frame()),
                           "summary.txt": summary + "\n"},
                     {"fundmodel_version": __version__, "compared": labels,
                      "authorities_checksum": la.checksum, "inputs": input_record(inputs)})
    print(summary)
    if out is not None:
        print(f"Wrote: {out / 'comparison.csv'}, {out / 'summary.txt'}")
    return 0


def _app(args: argparse.Namespace) -> int:
    from fundmodel.app import serve

    serve(port=args.port)
    return 0


def _schema(args: argparse.Namespace) -> int:
    import json

    from fundmodel.scenarios import scenario_schema

    print(json.dumps(scenario_schema(), indent=2))
    return 0


def _progress(message: str) -> None:
    print(f"fundmodel: {message}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(prog="fundmodel", description=__doc__)
    parser.add_argument("--version", action="version", version=f"fundmodel {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    brief = sub.add_parser("brief", help="write the default briefing pack from embedded data")
    brief.add_argument("--out", default="brief", help="output folder (default: ./brief)")
    brief.add_argument("--council", metavar="NAME_OR_CODE",
                       help="add one council's page (name or ONS code, e.g. Hartlepool)")
    brief.set_defaults(func=_brief)
    validate = sub.add_parser("validate", help="check an authority CSV against the schema")
    validate.add_argument("path", help="CSV file with code, name, region, council_type, ...")
    validate.set_defaults(func=_validate)
    run = sub.add_parser("run", help="run a scenario YAML file and print its summary")
    run.add_argument("scenario", help="scenario file (see `fundmodel schema`)")
    run.add_argument("--data", help="authority CSV to use instead of the embedded data")
    run.add_argument("--out", help="folder for result.csv, summary, scenario and manifest")
    run.set_defaults(func=_run)
    cmp = sub.add_parser("compare", help="run two or more scenarios and compare them "
                         "(the first is the baseline)")
    cmp.add_argument("scenarios", nargs="+", help="scenario files; the first is the baseline")
    cmp.add_argument("--data", help="authority CSV to use instead of the embedded data")
    cmp.add_argument("--out", help="folder for comparison.csv and summary.txt")
    cmp.set_defaults(func=_compare)
    schema = sub.add_parser("schema", help="print the JSON schema of scenario files")
    schema.set_defaults(func=_schema)
    app = sub.add_parser("app", help="start the simulator (a local web app) on the embedded "
                         "data; needs the [app] extra")
    app.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    app.set_defaults(func=_app)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # the reader went away (``fundmodel run ... | head``): outputs are already written;
        # stop quietly, without Python's "Exception ignored" noise at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except FundmodelError as exc:
        return _error(str(exc))
    except OSError as exc:
        return _error(str(exc))
    except (RecursionError, OverflowError, MemoryError) as exc:
        return _error(f"input too large or too deeply nested to process ({type(exc).__name__})")


def _error(message: str) -> int:
    """One line on stderr (line breaks and control characters in the message escaped)."""
    line = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)
    print(f"fundmodel: error: {line}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
