#!/usr/bin/env bash
# Mutation testing (developer tool; NOT run by scripts/test.sh, it takes minutes to hours):
#   bash scripts/mutation.sh engine|presets|charts|scenarios|all   run mutmut, print the score
#   bash scripts/mutation.sh engine --score                         the last run's score only
#   bash scripts/mutation.sh --list                                 the groups and their tests
# Groups are [tool.fundmodel.mutation.*] in pyproject.toml; results stay in build/mutation/.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
[ -x "$python" ] || python=python3
"$python" -c "import mutmut" 2>/dev/null || {
  echo "mutmut is missing: $python -m pip install 'mutmut>=3.8'" >&2; exit 2; }
exec "$python" scripts/mutation.py "$@"
