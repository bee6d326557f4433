"""Uncertainty over the standards' ranges: seeded draws, the national interval and
one-at-a-time drivers, numpy over draws x councils at once.

Each uncertain input (a record with ``low < high``) is drawn from Triangular(low, value,
high) from its own stream (the run's seed and the input's name), so adding an input never
changes another's draws.

>>> from fundmodel.analysis.cost_of_duties.standards import default_standards
>>> m = draw_matrix(default_standards(), 3, seed=1)
>>> m.shape
(3, 19)
>>> bool((draw_matrix(default_standards(), 3, seed=1) == m).all())
True
"""

from __future__ import annotations

import zlib

import numpy as np

from fundmodel._types import FloatArray
from fundmodel.analysis.cost_of_duties.standards import STANDARD_NAMES, DutyStandards


def _rng(seed: int, name: str) -> np.random.Generator:
    key = zlib.crc32(name.encode())  # stable across runs and platforms, unlike hash()
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(key,)))


def draw_matrix(standards: DutyStandards, n: int, seed: int) -> FloatArray:
    """``n`` draws of every input (n x inputs, :data:`STANDARD_NAMES` order)."""
    matrix = np.tile(standards.central(), (n, 1))
    for name in standards.uncertain():
        p = standards[name]
        assert p.low is not None and p.high is not None
        matrix[:, STANDARD_NAMES.index(name)] = _rng(seed, name).triangular(
            p.low, p.value, p.high, n)
    return matrix


def one_at_a_time(standards: DutyStandards) -> tuple[list[str], FloatArray]:
    """Variants that move one uncertain input to its low then its high end (others
    central): the input names and a (2 x inputs) x inputs matrix, low rows first per input."""
    names = standards.uncertain()
    centre = standards.central()
    rows = []
    for name in names:
        p = standards[name]
        for end in (p.low, p.high):
            row = centre.copy()
            row[STANDARD_NAMES.index(name)] = end
            rows.append(row)
    return names, np.array(rows, dtype=np.float64).reshape(-1, len(STANDARD_NAMES))


def as_values(matrix: FloatArray) -> dict[str, FloatArray]:
    """The draw matrix as name -> (draws x 1) columns, for broadcasting over councils."""
    return {name: matrix[:, [k]] for k, name in enumerate(STANDARD_NAMES)}


def percentiles(x: FloatArray, low: float = 5.0, high: float = 95.0) -> tuple[
        FloatArray, FloatArray]:
    """The ``low`` and ``high`` percentiles over draws (axis 0)."""
    lo, hi = np.percentile(x, [low, high], axis=0)
    return lo, hi
