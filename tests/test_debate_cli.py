"""Each debate example runs with ``fundmodel run`` and writes a tidy CSV per council."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundmodel.cli import main
from fundmodel.data.authorities import current_codes

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["care_bank", "payment_by_results", "windfall_tax",
                                  "invest_to_save"])
def test_fundmodel_run_writes_a_csv_per_council(name: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(ROOT / "examples" / f"{name}.yaml"), "--out", str(tmp_path)]) == 0
    frame = pd.read_csv(tmp_path / "result.csv", dtype={"code": str})
    assert set(frame["code"]) == set(current_codes())
    per_council = frame.groupby("code").size()
    assert per_council.nunique() == 1  # one row per council (per year for invest-to-save)
    assert "sources:" in (tmp_path / "summary.txt").read_text()
    assert "Wrote:" in capsys.readouterr().out
