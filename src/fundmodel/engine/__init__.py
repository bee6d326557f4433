"""The engine: formula models (indicators, weights, area cost), the vectorised allocation pass,
damping, penny-exact money and results. Imports only from ``core``, ``parameters`` and ``data``.

>>> from fundmodel.engine import allocate
>>> callable(allocate)
True
"""

from fundmodel.engine.allocate import allocate, area_costs, indicator_matrix, per_child

__all__ = ["allocate", "area_costs", "indicator_matrix", "per_child"]
