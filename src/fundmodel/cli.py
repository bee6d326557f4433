"""The ``fundmodel`` command: ``brief`` writes the default pack; ``validate`` checks a CSV.

Errors are one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from fundmodel import __version__
from fundmodel.errors import FundmodelError


def _brief(args: argparse.Namespace) -> int:
    from fundmodel.brief import write_brief

    paths = write_brief(Path(args.out))
    print((Path(args.out) / "summary.md").read_text())
    print("Wrote:", *(f"  {p}" for p in paths), sep="\n")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from fundmodel.authorities import load_authorities

    la = load_authorities(args.path)
    n_missing = int(sum(int(la.frame[c].isna().sum()) for c in la.numeric_columns))
    print(f"{args.path}: OK, {la.n} authorities, {len(la.numeric_columns)} numeric columns, "
          f"{n_missing} empty cells")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(prog="fundmodel", description=__doc__)
    parser.add_argument("--version", action="version", version=f"fundmodel {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    brief = sub.add_parser("brief", help="write the default briefing pack from embedded data")
    brief.add_argument("--out", default="brief", help="output folder (default: ./brief)")
    brief.set_defaults(func=_brief)
    validate = sub.add_parser("validate", help="check an authority CSV against the schema")
    validate.add_argument("path", help="CSV file with code, name, region, council_type, ...")
    validate.set_defaults(func=_validate)
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
