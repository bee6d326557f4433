"""The shared scenario mechanism (fundmodel.scenarios.base): loading, placeholders, input
paths relative to the scenario file, the registry and its errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fundmodel.errors import ScenarioError
from fundmodel.scenarios.base import (
    FAMILY_MODULES,
    Scenario,
    fill_placeholders,
    input_files,
    load_scenario,
    load_scenario_text,
    resolve_input,
    scenario_from_data,
    scenario_schema,
)
from fundmodel.scenarios.overspend import lga_assumed_overspend
from fundmodel.scenarios.transition import TransitionScenario

CSV_SCENARIO = ("kind: overspend\nheader: {title: t, assumes: a}\n"
                "data: {source: csv, path: sub/b.csv}\n")
KINDS = ("allocation", "overspend", "rcc", "transition", "spending", "cost_of_duties")


def test_relative_paths_follow_the_scenario_file(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(CSV_SCENARIO)
    sc = load_scenario(tmp_path / "s.yaml")
    assert sc.data.path == str(tmp_path / "sub" / "b.csv")  # type: ignore[attr-defined]
    assert input_files(sc) == [tmp_path / "sub" / "b.csv"]
    other = load_scenario_text(CSV_SCENARIO.replace("sub/b.csv", "/data/c.csv"))
    assert input_files([sc, other]) == [tmp_path / "sub" / "b.csv", Path("/data/c.csv")]
    assert input_files((other, sc)) == [Path("/data/c.csv"), tmp_path / "sub" / "b.csv"]
    absolute = CSV_SCENARIO.replace("sub/b.csv", "/data/b.csv")
    (tmp_path / "a.yaml").write_text(absolute)
    assert load_scenario(tmp_path / "a.yaml").data.path == "/data/b.csv"  # type: ignore[attr-defined]
    # from text or from Python a relative path stays relative to the current folder
    assert load_scenario_text(CSV_SCENARIO).data.path == "sub/b.csv"  # type: ignore[attr-defined]
    assert resolve_input("x.csv") == "x.csv"


def test_errors_name_the_label_and_field() -> None:
    with pytest.raises(ScenarioError, match=r"^lbl: a scenario must be a mapping, got list$"):
        scenario_from_data([1], "lbl")
    with pytest.raises(ScenarioError, match=re.escape(
            "lbl: no 'kind' key; a scenario file says which family it is with kind: one of [")):
        scenario_from_data({"a": 1}, "lbl")
    with pytest.raises(ScenarioError,
                       match=r"^<scenario>, field kind: 'nope' is not one of \[") as caught:
        load_scenario_text("kind: nope\n")
    for kind in KINDS:
        assert f"'{kind}'" in str(caught.value)
    with pytest.raises(ScenarioError, match=re.escape(
            "lbl (kind overspend): OverspendScenario, field data.csv: CsvBudgets, field path: "
            "missing")):
        scenario_from_data({"kind": "overspend", "header": {"title": "t", "assumes": "a"},
                            "data": {"source": "csv"}}, "lbl")
    with pytest.raises(ScenarioError, match=r"^mine.yaml, field kind: 'x' is not one of"):
        load_scenario_text("kind: x\n", "mine.yaml")
    with pytest.raises(NotImplementedError, match=r"^Scenario does not define run\(\)$"):
        Scenario(header={"title": "t", "assumes": "a"}).run()  # type: ignore[arg-type]


def test_placeholders() -> None:
    s = lga_assumed_overspend()
    assert fill_placeholders("{data.periods} | {data.assumed_overspend_pct} | {missing}", s) == (
        "2022-23, 2023-24, 2024-25 | 14.2% | exclude")
    t = TransitionScenario.model_validate({
        "header": {"title": "tol {tolerance}, phasing {phasing}", "assumes": "{years}"},
        "baseline": {"column": "baseline"}, "target": "children_act", "years": ["2026-27"],
        "pot": 1000, "phasing": [0.5], "tolerance": 0.0125})
    assert t.title == "tol 0.0125, phasing 0.5" and t.assumes == "2026-27"
    for text, part, owner in (("x {nope}", "nope", "OverspendScenario"),
                              ("x {data.nope}", "nope", "EmbeddedOutturn"),
                              ("x {data._x}", "_x", "EmbeddedOutturn"),
                              ("x {to_yaml}", "to_yaml", "OverspendScenario")):
        path = text[3:-1]
        with pytest.raises(ValueError, match=re.escape(
                f"my text: the placeholder {{{path}}} names no field of the scenario (no "
                f"{part!r} in {owner})")):
            fill_placeholders(text, s, "my text")
    with pytest.raises(ValueError, match=r"^text: the placeholder \{nope\}"):
        fill_placeholders("{nope}", s)


def test_registry_schema_and_yaml_round_trip() -> None:
    kinds = {str(c.model_fields["kind"].default) for c in Scenario.registry}
    assert set(KINDS) <= kinds
    assert "allocation" in FAMILY_MODULES and "rcc" in FAMILY_MODULES
    schema = scenario_schema()
    assert "oneOf" in schema and schema["discriminator"]["propertyName"] == "kind"
    s = lga_assumed_overspend()
    again = load_scenario_text(s.to_yaml())
    assert again == s and again.title == s.title
