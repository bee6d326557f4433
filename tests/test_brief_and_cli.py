"""The briefing pack, the command line, atomic writes and reproducible result files."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from fundmodel import load_scenario
from fundmodel.core import files
from fundmodel.core.yamlio import load_yaml_file
from fundmodel.report.brief import write_brief
from fundmodel.report.outputs import write_result

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief")
    write_brief(out, progress=False)
    return out


def test_pack_has_a_png_svg_and_csv_per_chart(pack: Path) -> None:
    pngs = sorted(p.stem for p in pack.glob("*.png"))
    assert len(pngs) >= 7
    for stem in pngs:
        assert (pack / f"{stem}.svg").stat().st_size > 1000
        assert (pack / f"{stem}.csv").stat().st_size > 0
        assert (pack / f"{stem}.png").read_bytes()[:4] == b"\x89PNG"


def test_allocations_add_up_to_the_pot_to_the_penny(pack: Path) -> None:
    frame = pd.read_csv(pack / "allocations.csv", dtype={"amount": str})
    assert len(frame) == 153
    total = sum(Decimal(v) for v in frame["amount"])
    assert total == Decimal("270000000")


def test_chart_csv_is_what_is_drawn(pack: Path) -> None:
    allocations = pd.read_csv(pack / "allocations.csv")
    bars = pd.read_csv(pack / "01_largest_allocations.csv")
    assert len(bars) == 25
    top = allocations.nlargest(25, "amount")
    assert bars["name"].tolist() == top["name"].tolist()
    assert bars["value"].tolist() == pytest.approx((top["amount"] / 1e6).tolist())


def test_every_chart_names_its_sources_and_version(pack: Path) -> None:
    for svg in pack.glob("*.svg"):
        text = svg.read_text()
        assert "Source:" in text and "Made with fundmodel" in text, svg.name
    assert "House of Commons Library" in (pack / "02_per_child_map.svg").read_text()


def test_summary_states_headline_numbers_and_assumptions(pack: Path) -> None:
    text = (pack / "summary.md").read_text()
    assert "£270.0m" in text and "£2,523.0m" in text and "£77.0m short" in text
    assert "assumption" in text.lower()


def test_interrupted_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    target = tmp_path / "out.csv"

    def fail(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(KeyboardInterrupt):
        files.write_text_atomic(target, "a,b\n1,2\n")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_saved_scenario_reruns_to_identical_output(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "examples" / "family_help_care_review.yaml")
    first = write_result(scenario, scenario.run(), tmp_path / "first")
    again = load_scenario(tmp_path / "first" / "scenario.yaml")
    second = write_result(again, again.run(), tmp_path / "second")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    manifest = load_yaml_file(tmp_path / "first" / "manifest.yaml")
    assert manifest["fundmodel_version"]
    assert len(manifest["data"]["authorities.csv"]) == 64


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fundmodel", *args], capture_output=True,
                          text=True, check=False, cwd=ROOT)


@pytest.mark.parametrize("command", ["brief", "run", "validate", "schema", "compare"])
def test_every_command_has_help(command: str) -> None:
    proc = run_cli(command, "--help")
    assert proc.returncode == 0
    assert "usage: fundmodel" in proc.stdout


def test_run_writes_result_files(tmp_path: Path) -> None:
    proc = run_cli("run", "examples/rcc_default.yaml", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "shortfall" in proc.stdout
    assert {p.name for p in tmp_path.iterdir()} >= {"result.csv", "manifest.yaml"}


def test_schema_is_json_listing_every_kind() -> None:
    proc = run_cli("schema")
    schema = json.loads(proc.stdout)
    text = json.dumps(schema)
    for kind in ("allocation", "investment", "overspend", "rcc"):
        assert f'"{kind}"' in text


def test_compare_two_scenarios(tmp_path: Path) -> None:
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("kind: allocation\nheader: {title: A, assumes: preset}\n"
                 "formula: children_act\ntotal: 1000000\n")
    b.write_text("kind: allocation\nheader: {title: B, assumes: 'preset, bigger pot'}\n"
                 "formula: children_act\ntotal: 2000000\n")
    proc = run_cli("compare", str(a), str(b), "--out", str(tmp_path / "cmp"))
    assert proc.returncode == 0, proc.stderr
    assert "153" in proc.stdout
    assert (tmp_path / "cmp" / "comparison.csv").exists()


def test_missing_file_is_one_line_error() -> None:
    proc = run_cli("run", "no/such/file.yaml")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "no/such/file.yaml" in proc.stderr
