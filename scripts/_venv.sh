# Sourced by brief.sh and test.sh: make (or reuse) ./.venv and install the package into it.
# Usage: install_into_venv EXTRAS   (e.g. "" or "[test,build]")
install_into_venv() {
  local python="${PYTHON:-python3}"
  command -v "$python" >/dev/null 2>&1 || python=python
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$1"
}
