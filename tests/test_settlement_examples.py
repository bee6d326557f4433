"""The three settlement examples run from the CLI and from Python, and satisfy the invariants."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fundmodel import load_authorities
from fundmodel.data.authorities import authorities_from_frame
from fundmodel.errors import DataError
from fundmodel.scenarios import load_scenario
from fundmodel.testing import check_allocation_invariants, check_transition_invariants

ROOT = Path(__file__).resolve().parents[1]
PATHFINDERS = ["Dorset", "Lincolnshire", "Wolverhampton", "Luton", "Redbridge", "Lewisham",
               "Walsall", "Warrington", "Warwickshire", "Wirral"]


def test_transition_example_from_the_cli(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "fundmodel", "run", "examples/transition_children_act.yaml",
         "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "councils at the floor" in proc.stdout
    table = pd.read_csv(tmp_path / "allocations.csv", dtype={"amount": str})
    assert list(table.columns[:4]) == ["code", "name", "year", "amount"]
    assert {"baseline", "target", "need_share", "floor_bound"} <= set(table.columns)
    assert table["amount"].str.fullmatch(r"\d+\.\d\d").all()
    pence = (table["amount"].astype(float) * 100).round().astype(np.int64)
    assert pence.groupby(table["year"]).sum().tolist() == [27_000_000_000] * 3


def test_transition_example_from_python() -> None:
    result = load_scenario(ROOT / "examples/transition_children_act.yaml").run()
    check_transition_invariants(result)  # type: ignore[arg-type]
    frame = result.to_frame()  # type: ignore[attr-defined]
    # nobody loses more than 5% of last year's cash (to the penny)
    assert (frame["amount"] >= frame["previous"] * 0.95 - 0.01).all()


def test_grant_rules_example_follows_31_7969() -> None:
    result = load_scenario(ROOT / "examples/grant_rules_equal_split.yaml").run()
    check_allocation_invariants(result)  # type: ignore[arg-type]
    frame = result.to_frame().set_index("name")  # type: ignore[attr-defined]
    assert (frame.loc[PATHFINDERS, "amount"] == 0).all()
    assert frame.loc["City of London", "amount"] == 30_000.0
    rest = frame[frame["rule"] == "equal share"]["amount"]
    assert len(rest) == 153 - 13
    # (£50m - £230,000 fixed) / 140 = £355,500 exactly
    assert set(rest) == {355_500.0}


def test_needs_minus_resources_example() -> None:
    scenario = load_scenario(ROOT / "examples/needs_minus_resources.yaml")
    la = load_authorities()
    if "council_tax_base_2023_24" not in la.numeric_columns:
        with pytest.raises(DataError, match="council_tax_base_2023_24"):
            scenario.run(la)
        # a stand-in tax base (2 Band D equivalents per child; test data only)
        frame = la.to_frame()
        frame["council_tax_base_2023_24"] = la.column("children_0_17") * 2.0
        la = authorities_from_frame(frame, "embedded data + stand-in tax base")
    result = scenario.run(la)
    check_allocation_invariants(result)  # type: ignore[arg-type]
    frame = result.to_frame()  # type: ignore[attr-defined]
    x = float(result.equalisation_x[0])  # type: ignore[attr-defined]
    expected = np.maximum(frame["need_share"] * x - frame["resources"], 0.0)
    np.testing.assert_allclose(frame["amount"], expected, atol=0.01)
    assert (frame["cut_to_zero"] == (expected == 0)).all()
