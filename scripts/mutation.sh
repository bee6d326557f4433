#!/usr/bin/env bash
# Mutation testing (developer tool; NOT run by scripts/test.sh, it takes minutes to hours):
#   bash scripts/mutation.sh engine|engine-rules|presets|charts|scenarios|all   run, then score
#   bash scripts/mutation.sh engine --score     the last run's score only
#   bash scripts/mutation.sh engine --before    the same run without tests/mutation/ (before)
#   bash scripts/mutation.sh --list             the groups, their modules and tests
# Groups are [tool.fundmodel.mutation.*] in pyproject.toml; results stay in build/mutation/.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
[ -x "$python" ] || python=python3
"$python" -c "import mutmut" 2>/dev/null || {
  echo "mutmut is missing: $python -m pip install -e '.[test,mutation]'" >&2; exit 2; }
exec "$python" scripts/mutation.py "$@"
