"""Re-running the data build reproduces every shipped file byte for byte."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
DATA = PROJECT / "src" / "fundmodel" / "data"
RAW = Path(os.environ.get("FUNDMODEL_RAW") or PROJECT.parent / "shared" / "data" / "raw")
SHIPPED = (
    "authorities.csv",
    "series.csv",
    "missing.csv",
    "hex_layout.csv",
    "hex_polygons.csv",
    "neighbours.csv",
    "budgets.csv",
    "council_tax.csv",
    "workforce.csv",
    "placements.csv",
    "deflator.csv",
    "ofsted.csv",
    "ra_ro3_lines.csv",
    "flags.csv",
    "sources.yaml",
    "data_report.md",
    "history.csv",
    "history_lines.csv",
    "comparable_areas.csv",
    "history_gaps.csv",
    "ro3_history.csv",
    "ro3_history_lines.csv",
)
READERS = ("pyarrow", "odf", "openpyxl", "xlrd")
ABSENT = [name for name in READERS if importlib.util.find_spec(name) is None]


@pytest.mark.skipif(not RAW.is_dir(), reason=f"raw data not found at {RAW} (set FUNDMODEL_RAW)")
@pytest.mark.skipif(bool(ABSENT), reason=f"build readers not installed: {', '.join(ABSENT)}")
def test_build_reproduces_shipped_files(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(PROJECT / "data" / "build.py"), "--raw", str(RAW),
         "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=1200, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    differing = [name for name in SHIPPED
                 if (tmp_path / name).read_bytes() != (DATA / name).read_bytes()]
    assert not differing, f"rebuilt files differ from the shipped ones: {differing}"
