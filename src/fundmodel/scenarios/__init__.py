"""Scenario families (each a frozen pydantic model with ``run``), loaded from YAML by one loader.

>>> from fundmodel.scenarios import scenario_kinds
>>> "allocation" in scenario_kinds()
True
"""

from __future__ import annotations

from fundmodel.scenarios.base import (
    Scenario,
    ScenarioHeader,
    load_scenario,
    load_scenario_text,
    scenario_schema,
)


def scenario_kinds() -> list[str]:
    """The ``kind`` of every registered scenario family."""
    from fundmodel.scenarios.base import _import_families

    _import_families()
    return [str(cls.model_fields["kind"].default) for cls in Scenario.registry]


__all__ = [
    "Scenario",
    "ScenarioHeader",
    "load_scenario",
    "load_scenario_text",
    "scenario_kinds",
    "scenario_schema",
]
