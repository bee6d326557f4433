"""Kill tests for the GDP deflator (against the transcribed HM Treasury rows) and the spending
taxonomies (read back against the shipped YAML, and small made-up files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundmodel.core.yamlio import load_yaml_file
from fundmodel.data.tables import load_deflator
from fundmodel.errors import FormulaError, ScenarioError
from fundmodel.scenarios.spending.history import gdp_deflator, successors
from fundmodel.scenarios.spending.lines import SERVICE_LINES
from fundmodel.scenarios.spending.taxonomy import (
    load_taxonomy,
    shipped_taxonomies,
    taxonomy_from_data,
)

TAXONOMIES = Path(__file__).resolve().parents[2] / "src" / "fundmodel" / "parameters" / (
    "taxonomies")


def test_gdp_deflator_against_the_transcribed_rows() -> None:
    rows = load_deflator()
    d = gdp_deflator()
    assert d.name == "HM Treasury GDP deflator, March 2026 (2024-25 prices)"
    assert d.base_year == "2024-25"
    assert [p.year for p in d.points] == [str(y) for y in rows["fiscal_year"]]
    for p, r in zip(d.points, rows.itertuples(), strict=True):
        assert p.index.value == float(str(r.gdp_deflator))
        assert p.index.unit.name == "SCORE"
        assert not p.index.assumption
        if r.is_forecast:
            assert p.index.label == f"GDP deflator {r.fiscal_year} (forecast)"
            assert p.index.note == "2024-25 = 100; an OBR-based forecast"
        else:
            assert p.index.label == f"GDP deflator {r.fiscal_year}"
            assert p.index.note == "2024-25 = 100; outturn"
    assert d.points[0].index.source.cite() == (
        "HM Treasury (2026), GDP deflators at market prices, and money GDP, March 2026 (as "
        "transcribed by ncl-icb-analytics/dbt-ncl-analytics)")
    assert d.points[0].index.source.url == (
        "https://www.gov.uk/government/collections/gdp-deflators-at-market-prices-and-money-gdp")
    index = dict(zip(rows["fiscal_year"].astype(str), rows["gdp_deflator"].astype(float),
                     strict=True))
    assert d.factor("2023-24") == pytest.approx(100.0 / index["2023-24"])
    other = gdp_deflator("2010-11")
    assert other.base_year == "2010-11"
    assert other.name == "HM Treasury GDP deflator, March 2026 (2010-11 prices)"
    assert other.factor("2024-25") == pytest.approx(index["2010-11"] / 100.0)


def test_successors_include_the_2009_unions() -> None:
    s = successors()
    assert s["E10000001"] == ("E06000055", "E06000056")  # Bedfordshire
    assert s["E10000004"] == ("E06000049", "E06000050")  # Cheshire
    assert s["E10000006"] == ("E06000063", "E06000064")  # Cumbria


@pytest.mark.parametrize("name", ["prevention", "safeguarding", "statutory"])
def test_shipped_taxonomies_read_back_from_their_yaml(name: str) -> None:
    raw = load_yaml_file(TAXONOMIES / f"{name}.yaml")
    t = load_taxonomy(name)
    assert t.name == raw["name"] and t.title == raw["title"] and t.focus == raw["focus"]
    assert t.category_ids() == tuple(c["id"] for c in raw["categories"])
    assert [c.label for c in t.categories] == [c["label"] for c in raw["categories"]]
    for c in raw["categories"]:
        assert t.label(c["id"]) == c["label"]
    r = t.reasons()
    assert list(r.columns) == ["dataset", "line", "label", "category", "reason", "source",
                               "assumption"]
    mapped = raw["lines"]
    excluded = raw.get("excluded", [])
    assert r["line"].tolist() == [m["line"] for m in mapped] + [e["line"] for e in excluded]
    assert r["category"].tolist() == ([m["category"] for m in mapped]
                                      + ["(excluded)"] * len(excluded))
    assert r["reason"].tolist() == [m["reason"] for m in mapped] + [e["reason"]
                                                                    for e in excluded]
    assert r["assumption"].tolist() == ([bool(m.get("assumption", False)) for m in mapped]
                                        + [False] * len(excluded))
    assert r["dataset"].tolist() == [SERVICE_LINES[x].dataset for x in r["line"]]
    assert r["label"].tolist() == [SERVICE_LINES[x].label for x in r["line"]]
    assert r["source"].tolist()[: len(mapped)] == [t.sources[m["source"]].cite()
                                                   for m in mapped]
    assert r["source"].tolist()[len(mapped):] == [""] * len(excluded)
    for dataset in t.datasets():
        lines, m = t.matrix(dataset)
        mapping = t.mapping(dataset)
        assert lines == tuple(mapping)
        assert m.shape == (len(t.categories), len(lines))
        for j, line in enumerate(lines):
            assert m[:, j].tolist() == [1.0 if c == mapping[line] else 0.0
                                        for c in t.category_ids()]


def test_shipped_names_and_unknown_names() -> None:
    assert shipped_taxonomies() == ["prevention", "safeguarding", "statutory"]
    with pytest.raises(ScenarioError, match=r"no taxonomy 'nonsense': give a shipped name "
                       r"\(prevention, safeguarding, statutory\) or a path to a \.yaml file "
                       r"that exists"):
        load_taxonomy("nonsense")
    with pytest.raises(FormulaError, match=r"taxonomy 'statutory' maps no s251_history lines "
                       r"\(it covers ro3, s251\)"):
        load_taxonomy("statutory").matrix("s251_history")


def test_a_taxonomy_file_of_your_own(tmp_path: Path) -> None:
    text = (TAXONOMIES / "statutory.yaml").read_text("utf-8").replace(
        "name: statutory", "name: mine", 1)
    for suffix in (".yaml", ".YML"):
        path = tmp_path / f"mine{suffix}"
        path.write_text(text, "utf-8")
        t = load_taxonomy(path)
        assert t.name == "mine" and t.focus == "non_statutory"
        assert load_taxonomy(str(path)).name == "mine"
    other = tmp_path / "mine.txt"
    other.write_text(text, "utf-8")
    with pytest.raises(ScenarioError, match="no taxonomy"):
        load_taxonomy(other)


def test_taxonomy_data_errors_name_the_file() -> None:
    with pytest.raises(ScenarioError, match=r"^f\.yaml: a taxonomy must be a mapping, got list$"):
        taxonomy_from_data([1, 2], "f.yaml")
    raw = load_yaml_file(TAXONOMIES / "statutory.yaml")
    raw["focus"] = "nowhere"
    with pytest.raises(ScenarioError, match=r"^f\.yaml: .*focus 'nowhere' is not a category"):
        taxonomy_from_data(raw, "f.yaml")


def test_a_bad_taxonomy_file_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("- just\n- a list\n", "utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: a taxonomy must be a mapping, got list"):
        load_taxonomy(path)
