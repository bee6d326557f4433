#!/usr/bin/env bash
# Quick start, command 1: install fundmodel into ./.venv and write the default briefing pack.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
install_into_venv ""
.venv/bin/fundmodel brief --out "${1:-brief}"
