"""Conventions every parameter, data column and public name must follow."""

from __future__ import annotations

import inspect

import pytest

import fundmodel
from fundmodel.data.provenance import embedded_sources
from fundmodel.parameters.records import Parameter, Unit
from fundmodel.presets import all_parameters

PARAMETERS = all_parameters()


def test_there_are_parameter_records() -> None:
    assert len(PARAMETERS) >= 20


@pytest.mark.parametrize("param", PARAMETERS, ids=lambda p: p.label[:60])
def test_every_parameter_has_a_full_source(param: Parameter) -> None:
    assert isinstance(param.unit, Unit)
    assert param.label.strip()
    src = param.source
    assert src.title.strip() and src.publisher.strip(), param.label
    assert 1989 <= src.year <= 2026, param.label
    assert param.reviewed is not None
    if param.assumption:
        assert param.note.strip(), f"assumption without a note: {param.label}"


def test_labels_are_unique() -> None:
    labels = [p.label for p in PARAMETERS]
    assert len(labels) == len(set(labels)), sorted({x for x in labels if labels.count(x) > 1})


def test_every_embedded_column_has_a_source_record() -> None:
    la = fundmodel.load_authorities()
    columns = embedded_sources()["columns"]
    for name in la.numeric_columns:
        record = columns[name]
        assert record["publisher"] and record["publication"] and record["raw_file"], name


def test_allocation_output_traces_to_sources() -> None:
    result = fundmodel.allocate(fundmodel.presets.children_act_formula(),
                                fundmodel.load_authorities(), 1_000_000.0)
    cited = result.sources()
    for indicator in result.formula.indicators:
        assert indicator.weight.source.publisher in " ".join(cited)
    assert any("Office for National Statistics" in c for c in cited)
    assert any("proxy" in c for c in cited), "proxies must be labelled in the citations"


@pytest.mark.parametrize("name", fundmodel.__all__)
def test_public_names_have_docstrings(name: str) -> None:
    obj = getattr(fundmodel, name)
    if name == "__version__":
        return
    doc = inspect.getdoc(obj)
    assert doc and len(doc) > 20, f"{name} needs a docstring"


def test_package_reorganisation_map_matches_the_data_build() -> None:
    """fundmodel.data.codes keeps its own copy of the reorganisations (no file I/O at import);
    it must agree with the map the data build wrote into sources.yaml."""
    from fundmodel.data.codes import REGIONS, REORGANISED

    built = {r["code"]: r for r in embedded_sources()["reorganisations"]}
    assert set(built) == set(REORGANISED)
    for code, reorg in REORGANISED.items():
        assert tuple(built[code]["successors"]) == reorg.successors, code
        assert built[code]["year"] == reorg.year, code
        assert built[code]["same_area"] == reorg.same_area, code
    assert set(fundmodel.load_authorities().regions) == set(REGIONS)
