"""Every notebook runs, and the outputs stored in it (what a reader sees on the web) are the
ones it gives now: a change in the package that moves a number a notebook shows fails here.
Refresh with ``python scripts/notebooks.py refresh``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("notebook_tools", ROOT / "scripts" / "notebooks.py")
assert spec is not None and spec.loader is not None
tools = importlib.util.module_from_spec(spec)
sys.modules["notebook_tools"] = tools
spec.loader.exec_module(tools)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 7


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_outputs_are_stored_and_current(path: Path) -> None:
    stored = tools.text_outputs(__import__("nbformat").read(path, as_version=4))
    assert any(stored), f"{path.name} is stored without outputs: run scripts/notebooks.py refresh"
    assert tools.stale_cells(path) == []
