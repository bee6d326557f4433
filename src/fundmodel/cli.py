"""The ``fundmodel`` command: ``brief`` writes the default pack, ``run`` runs a scenario
file, ``schema`` prints the scenario JSON schema, ``validate`` checks an authority CSV.

Errors are one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fundmodel._version import __version__
from fundmodel.errors import FundmodelError


def _brief(args: argparse.Namespace) -> int:
    from fundmodel.report.brief import write_brief

    paths = write_brief(Path(args.out), progress=True, council=args.council)
    print((Path(args.out) / "summary.md").read_text())
    print("Wrote:", *(f"  {p}" for p in paths), sep="\n")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from fundmodel.data.authorities import load_authorities

    la = load_authorities(args.path)
    n_missing = int(sum(int(la.frame[c].isna().sum()) for c in la.numeric_columns))
    print(f"{args.path}: OK, {la.n} authorities, {len(la.numeric_columns)} numeric columns, "
          f"{n_missing} empty cells")
    return 0


def _run(args: argparse.Namespace) -> int:
    from fundmodel.data.authorities import load_authorities
    from fundmodel.report.outputs import write_result
    from fundmodel.scenarios import load_scenario

    scenario = load_scenario(args.scenario)
    la = load_authorities(args.data) if args.data else load_authorities()
    _progress(f"running {scenario.header.title!r} on {la.n} authorities")
    result = scenario.run(la)
    print(result.summary())
    if args.out:
        paths = write_result(scenario, result, Path(args.out), la.checksum)
        print("Wrote:", *(f"  {p}" for p in paths), sep="\n")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from fundmodel.analysis.compare import compare
    from fundmodel.core.files import write_csv_atomic, write_text_atomic
    from fundmodel.data.authorities import load_authorities
    from fundmodel.scenarios import load_scenario

    la = load_authorities(args.data) if args.data else load_authorities()
    scenarios = [load_scenario(path) for path in args.scenarios]
    results: list[Any] = []  # every result compare() accepts has council_amounts()
    for k, scenario in enumerate(scenarios, start=1):
        _progress(f"[{k}/{len(scenarios)}] running {scenario.header.title!r}")
        results.append(scenario.run(la))
    labels = [s.header.title for s in scenarios]
    if len(set(labels)) < len(labels):
        labels = [f"{k}: {t}" for k, t in enumerate(labels, start=1)]
    comparison = compare(*results, labels=labels, authorities=la)
    print(comparison.summary())
    if args.out:
        out = Path(args.out)
        write_csv_atomic(out / "comparison.csv", comparison.to_frame())
        write_text_atomic(out / "summary.txt", comparison.summary() + "\n")
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
    except FundmodelError as exc:
        print(f"fundmodel: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"fundmodel: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
