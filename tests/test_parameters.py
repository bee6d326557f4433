"""Parameter files: the shipped records, the loader's errors, overrides, and old import paths."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
import yaml

import fundmodel
from fundmodel.parameters import ParameterFileError, all_parameters, load, shipped, shipped_topics
from fundmodel.presets import CHILDREN_ACT_WEIGHTS, children_act_formula

PARAMETER_FOLDER = Path(fundmodel.__file__).parent / "parameters"

GOOD = """\
sources:
  me: {title: My weights, publisher: Me, year: 2026}
records:
  weight_deprivation:
    value: 0.5
    unit: WEIGHT
    label: my deprivation weight
    source: me
    reviewed: 2026-12-01
    assumption: true
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    return path


def test_every_shipped_file_is_a_topic_and_every_record_names_its_file() -> None:
    files = sorted(p.stem for p in PARAMETER_FOLDER.glob("*.yaml"))
    assert shipped_topics() == files == ["children_act", "investment", "overspend", "rcc",
                                         "settlement", "spending"]
    for topic in files:
        raw = yaml.safe_load((PARAMETER_FOLDER / f"{topic}.yaml").read_text("utf-8"))
        records = shipped(topic)
        assert list(records) == list(raw["records"])
        for name, record in records.items():
            assert record.ref == f"{topic}.yaml#{name}"
            assert record.value == pytest.approx(float(raw["records"][name]["value"]))
    assert len(all_parameters()) == sum(len(shipped(t)) for t in files) == 45


def test_the_children_act_weights_are_the_file_values_a_third_and_a_sixth() -> None:
    # written by hand: Children England's three factors equally, population split in two
    weights = {k: p.value for k, p in CHILDREN_ACT_WEIGHTS.items()}
    assert weights == pytest.approx({"population": 1 / 6, "projected_population": 1 / 6,
                                     "disability": 1 / 3, "deprivation": 1 / 3}, abs=1e-15)
    assert all(p.assumption for p in CHILDREN_ACT_WEIGHTS.values())
    formula = children_act_formula()
    assert [i.weight.ref for i in formula.indicators] == [
        "children_act.yaml#weight_population", "children_act.yaml#weight_projected_population",
        "children_act.yaml#weight_disability", "children_act.yaml#weight_deprivation"]


def test_a_user_file_overrides_shipped_records(tmp_path: Path) -> None:
    mine = load(_write(tmp_path, GOOD))
    assert mine["weight_deprivation"].ref == "mine.yaml#weight_deprivation"
    merged = shipped("children_act").updated(mine)
    assert merged["weight_deprivation"].value == 0.5
    assert merged["weight_population"] == shipped("children_act")["weight_population"]


def test_an_override_of_a_record_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    mine = load(_write(tmp_path, GOOD.replace("weight_deprivation:", "weight_deprivaton:")))
    with pytest.raises(ParameterFileError, match=r"weight_deprivaton.*not in children_act\.yaml"):
        shipped("children_act").updated(mine)


@pytest.mark.parametrize(("change", "message"), [
    (("    assumption: true\n", "    assumption: true\n    colour: red\n"),
     r"mine.yaml, record weight_deprivation.*colour"),
    (("    source: me\n", ""), r"mine.yaml, record weight_deprivation, field source: missing"),
    (("    source: me\n", "    source: you\n"),
     r"mine.yaml, record weight_deprivation, field source: 'you' is not defined"),
    (("    unit: WEIGHT\n", "    unit: POUNDS\n"), r"mine.yaml, record weight_deprivation.*unit"),
    (("    value: 0.5\n", "    value: 0.5\n    value: 0.6\n"),
     r"mine.yaml, line \d+: duplicate key"),
    (("records:", "recrods:"), r"mine.yaml: unknown section"),
    (("  me: {title: My weights, publisher: Me, year: 2026}",
      "  me: {title: My weights, year: 2026}"), r"mine.yaml, record sources.me.*publisher"),
])
def test_the_loader_names_the_file_record_and_field(
        tmp_path: Path, change: tuple[str, str], message: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(fundmodel.FundmodelError, match=message):
        load(_write(tmp_path, GOOD.replace(old, new)))


def test_a_range_must_contain_the_value(tmp_path: Path) -> None:
    text = GOOD.replace("    assumption: true\n", "    assumption: true\n    low: 0.6\n"
                        "    high: 0.9\n")
    with pytest.raises(ParameterFileError, match=r"range 0\.6 to 0\.9 must contain the value 0\.5"):
        load(_write(tmp_path, text))
    ok = load(_write(tmp_path, text.replace("low: 0.6", "low: 0.4")))["weight_deprivation"]
    assert (ok.low, ok.value, ok.high) == (0.4, 0.5, 0.9)


def test_citations_name_the_file_and_record() -> None:
    record = shipped("investment")["family_help_headline"]
    assert record.cite() == ("investment.yaml#family_help_headline: "
                             "The MJ (2022), Care Review: Family Help")


@pytest.mark.parametrize(("old", "new", "name"), [
    ("fundmodel.sources", "fundmodel.parameters.records", "Parameter"),
    ("fundmodel.spending", "fundmodel.scenarios.spending", "analyse_spending"),
    ("fundmodel.uncertainty", "fundmodel.analysis.uncertainty", "run_sensitivity"),
    ("fundmodel.authorities", "fundmodel.data.authorities", "load_authorities"),
])
def test_old_module_paths_still_import_with_a_warning(old: str, new: str, name: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {new}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert hasattr(module, name)
