"""Named formulas: preset formulas kept as data in ``fundmodel/parameters/formulas/``.

A scenario file may name a preset (``formula: children_act``) instead of writing it out;
the name resolves here, from the YAML file of that name, whose weights refer to parameter
records as ``topic#record``. Nothing here imports :mod:`fundmodel.presets`.

>>> named_formula_names()
('children_act',)
>>> f = named_formula("children_act")
>>> [i.weight.ref for i in f.indicators][:1]
['children_act.yaml#weight_population']
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import BeforeValidator

from fundmodel.core.yamlio import load_yaml_text
from fundmodel.engine.formula import NeedsFormula
from fundmodel.errors import FormulaError
from fundmodel.parameters import ParameterSet, shipped
from fundmodel.parameters.records import Parameter

_FOLDER = "fundmodel.parameters.formulas"


def named_formula_names() -> tuple[str, ...]:
    """The preset formula names a scenario file may use."""
    folder = resources.files(_FOLDER)
    return tuple(sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                        if p.name.endswith(".yaml")))


def _weight(ref: Any, label: str, overrides: Mapping[str, ParameterSet]) -> Any:
    if not isinstance(ref, str):
        return ref
    topic, _, record = ref.partition("#")
    if not record:
        raise FormulaError(f"{label}: weight {ref!r} is not a 'topic#record' reference")
    records = overrides.get(topic) or shipped(topic)
    value: Parameter = records[record]
    return value


@cache
def _spec(name: str) -> dict[str, Any]:
    if name not in named_formula_names():
        raise FormulaError(f"unknown preset formula {name!r}; known: {named_formula_names()}")
    text = resources.files(_FOLDER).joinpath(f"{name}.yaml").read_text("utf-8")
    data: dict[str, Any] = load_yaml_text(text, f"formulas/{name}.yaml")
    return data


def named_formula(name: str, parameters: Mapping[str, ParameterSet] | None = None
                  ) -> NeedsFormula:
    """The preset formula ``name``, its weights from the shipped records, or from
    ``parameters`` (topic -> :class:`~fundmodel.parameters.ParameterSet`) where given."""
    spec = _spec(name)
    label = f"formulas/{name}.yaml"
    indicators = [{**i, "weight": _weight(i.get("weight"), label, parameters or {})}
                  for i in spec["indicators"]]
    return NeedsFormula.model_validate({**spec, "indicators": indicators})


def resolve_preset_formula(value: Any) -> Any:
    """A preset name stands for that preset's formula; anything else is left to validation.

    >>> resolve_preset_formula("children_act").name
    'Children Act funding formula (fundmodel preset, assumed weights)'
    """
    if not isinstance(value, str):
        return value
    if value not in named_formula_names():
        raise ValueError(f"unknown preset formula {value!r}; known: {named_formula_names()}")
    return named_formula(value)


FormulaOrPreset = Annotated[NeedsFormula, BeforeValidator(resolve_preset_formula)]
"""A field type: a NeedsFormula, or the name of a preset formula."""
