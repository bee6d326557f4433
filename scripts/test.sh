#!/usr/bin/env bash
# Quick start, command 2: install fundmodel with its test, docs, data-build and app extras, then
# run ruff, mypy (strict) and the whole pytest suite (unit, property, data, doctests, and the
# browser tests of the simulator, which are skipped, with the reason, when chromium is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
install_into_venv "[test,build,docs,app]"
echo "== ruff"; .venv/bin/ruff check src tests data bench
echo "== mypy"; .venv/bin/mypy
command -v chromium >/dev/null 2>&1 || echo "== note: no chromium on PATH, so the browser tests" \
  "(tests/app/test_browser.py) will be skipped; install it with: apt-get install -y chromium"
echo "== pytest"; .venv/bin/python -m pytest -rs "$@"
