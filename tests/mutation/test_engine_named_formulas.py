"""Preset formulas kept as data (fundmodel.engine.named_formulas)."""

from __future__ import annotations

import pytest

from fundmodel.engine.formula import NeedsFormula
from fundmodel.engine.named_formulas import (
    _weight,
    named_formula,
    named_formula_names,
    resolve_preset_formula,
)
from fundmodel.errors import FormulaError
from fundmodel.parameters import shipped


def test_the_shipped_preset_names() -> None:
    assert named_formula_names() == ("children_act",)


def test_weights_come_from_the_records_or_the_overrides() -> None:
    f = named_formula("children_act")
    assert [i.weight.ref for i in f.indicators] == [
        "children_act.yaml#weight_population", "children_act.yaml#weight_projected_population",
        "children_act.yaml#weight_disability", "children_act.yaml#weight_deprivation"]
    records = shipped("children_act")
    changed = records.updated({
        "weight_population": records["weight_population"].model_copy(update={"value": 0.0}),
        "weight_projected_population": records["weight_projected_population"].model_copy(
            update={"value": 1 / 3}),
    })
    g = named_formula("children_act", {"children_act": changed})
    assert [round(w, 9) for w in g.weight_vector().tolist()] == [0.0, 0.333333333, 0.333333333,
                                                                 0.333333333]
    assert named_formula("children_act", {"other": changed}).weight_vector().tolist() == (
        f.weight_vector().tolist())


def test_a_weight_reference_must_name_topic_and_record() -> None:
    assert _weight(0.5, "formulas/x.yaml", {}) == 0.5
    with pytest.raises(FormulaError) as caught:
        _weight("children_act", "formulas/x.yaml", {})
    assert str(caught.value) == ("formulas/x.yaml: weight 'children_act' is not a "
                                 "'topic#record' reference")
    assert _weight("children_act#weight_disability", "x", {}).value == pytest.approx(1 / 3)


def test_unknown_presets_are_refused_with_the_known_names() -> None:
    with pytest.raises(FormulaError) as caught:
        named_formula("childrens_act")
    assert str(caught.value) == ("unknown preset formula 'childrens_act'; known: "
                                 "('children_act',)")
    with pytest.raises(ValueError) as refused:
        resolve_preset_formula("nope")
    assert str(refused.value) == "unknown preset formula 'nope'; known: ('children_act',)"


def test_resolve_passes_non_names_through() -> None:
    f = named_formula("children_act")
    assert resolve_preset_formula(f) is f
    assert resolve_preset_formula({"a": 1}) == {"a": 1}
    resolved = resolve_preset_formula("children_act")
    assert isinstance(resolved, NeedsFormula)
    assert resolved.name == "Children Act funding formula (fundmodel preset, assumed weights)"
