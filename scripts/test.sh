#!/usr/bin/env bash
# Quick start, command 2: install fundmodel with its test, docs and data-build extras, then run
# ruff, mypy (strict) and the whole pytest suite (unit, property, data, doctests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
install_into_venv "[test,build,docs]"
echo "== ruff"; .venv/bin/ruff check src tests data bench
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest "$@"
