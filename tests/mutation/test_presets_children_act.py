"""The Children Act preset formula: its indicators as published, its weights this module's
records (``children_act.yaml``), checked field by field."""

from __future__ import annotations

import pytest

import fundmodel.presets.children_act as children_act
from fundmodel.parameters import ParameterSet
from fundmodel.presets import CHILDREN_ACT_WEIGHTS, children_act_formula


def test_the_preset_is_children_englands_three_factors_with_assumed_weights() -> None:
    f = children_act_formula()
    assert f.name == "Children Act funding formula (fundmodel preset, assumed weights)"
    assert f.basis == "shares"
    assert [(i.name, i.column, i.times, i.scale) for i in f.indicators] == [
        ("population", "children_0_17", None, 1.0),
        ("projected_population", "children_0_17_2029_trend", None, 1.0),
        ("disability", "ehcp_pct", "children_0_17", 0.01),
        ("deprivation", "child_poverty_pct", "children_0_17", 0.01),
    ]
    # a third each to the three factors, the population third split current/projected
    assert [round(i.weight.value, 12) for i in f.indicators] == [
        round(1 / 6, 12), round(1 / 6, 12), round(1 / 3, 12), round(1 / 3, 12)]
    assert all(i.weight.assumption for i in f.indicators)
    assert [i.weight for i in f.indicators] == list(CHILDREN_ACT_WEIGHTS.values())


def test_the_preset_reads_this_modules_records(monkeypatch: pytest.MonkeyPatch) -> None:
    records = children_act._RECORDS
    changed = {
        "weight_population": records["weight_population"].model_copy(update={"value": 0.25}),
        "weight_projected_population": records["weight_projected_population"].model_copy(
            update={"value": 0.25}),
        "weight_disability": records["weight_disability"].model_copy(update={"value": 0.25}),
        "weight_deprivation": records["weight_deprivation"].model_copy(update={"value": 0.25}),
    }
    monkeypatch.setattr(children_act, "_RECORDS", records.updated(changed))
    assert isinstance(children_act._RECORDS, ParameterSet)
    assert children_act_formula().weight_vector().tolist() == [0.25, 0.25, 0.25, 0.25]
