"""``kind: spending``: the balance of spending per council over time (prevention vs late
intervention and other taxonomies). The model and analysis live in :mod:`fundmodel.spending`;
this module registers the scenario family with the loader.

>>> from fundmodel.scenarios.spending import SpendingScenario
>>> SpendingScenario.model_fields["kind"].default
'spending'
"""

from __future__ import annotations

from fundmodel.spending import SpendingResult, SpendingScenario, prevention_scenario

__all__ = ["SpendingResult", "SpendingScenario", "prevention_scenario"]
