"""Seeded draws for the debate scenarios' intervals: one generator per named input.

Each uncertain input (a :class:`~fundmodel.parameters.records.Parameter` with a ``low`` /
``high`` range) gets its own :class:`numpy.random.Generator`, derived from the scenario's
seed and the input's name, so adding or removing one input never changes the draws of
another, and the same seed always gives the same draws. Values are drawn from a triangular
distribution (low, value, high); an input without a range is held at its value. Draws are
arrays of shape ``(draws,)`` for a national input, or ``(draws, councils)`` for a
per-council event (:func:`bernoulli_draws`).

>>> import datetime as dt
>>> from fundmodel.parameters.records import FUNDMODEL_ASSUMPTION, Parameter, Unit
>>> p = Parameter(value=0.2, low=0.1, high=0.4, unit=Unit.RATIO, label="share",
...               source=FUNDMODEL_ASSUMPTION, reviewed=dt.date(2026, 12, 1), assumption=True)
>>> d = parameter_draws({"share": p}, draws=1000, seed=1)
>>> bool(d["share"].min() >= 0.1 and d["share"].max() <= 0.4)
True
>>> bool((parameter_draws({"share": p}, 1000, 1)["share"] == d["share"]).all())
True
>>> low, mid, high = interval(d["share"])
>>> bool(low < mid < high)
True
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

import numpy as np

from fundmodel._types import BoolArray, FloatArray
from fundmodel.errors import InvalidInputError
from fundmodel.parameters.records import Parameter

DEFAULT_DRAWS = 2000
"""Draws per scenario run unless the scenario says otherwise."""

INTERVAL_LEVEL = 0.9
"""Central share of the draws an interval covers (5th to 95th percentile)."""


def input_rng(seed: int, name: str) -> np.random.Generator:
    """The generator of one named input: seeded from ``seed`` and a stable hash of ``name``.

    >>> float(input_rng(7, "a").random()) == float(input_rng(7, "a").random())
    True
    >>> float(input_rng(7, "a").random()) == float(input_rng(7, "b").random())
    False
    """
    if seed < 0:
        raise InvalidInputError(f"seed must not be negative, got {seed}")
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def parameter_draws(parameters: Mapping[str, Parameter], draws: int, seed: int
                    ) -> dict[str, FloatArray]:
    """``draws`` values of each parameter (triangular over low, value, high; the value
    itself, repeated, where the record has no range)."""
    if draws < 1:
        raise InvalidInputError(f"draws must be at least 1, got {draws}")
    out: dict[str, FloatArray] = {}
    for name, p in parameters.items():
        if p.low is None or p.high is None or p.low == p.high:
            out[name] = np.full(draws, p.value)
        else:
            out[name] = input_rng(seed, name).triangular(p.low, p.value, p.high, size=draws)
    return out


def bernoulli_draws(probability: FloatArray, draws: int, seed: int, name: str) -> BoolArray:
    """Shape (draws, councils): True where council i attains the event in draw d, with
    probability ``probability[i]`` (shape (councils,)), or ``probability[d, i]`` when the
    probabilities are themselves drawn (shape (draws, councils)); each between 0 and 1."""
    p = np.asarray(probability, dtype=np.float64)
    bad = ~((p >= 0) & (p <= 1))
    if np.any(bad):
        raise InvalidInputError(f"{name}: probabilities must lie in 0..1, got {p[bad][:3]}")
    n = p.shape[-1]
    u = input_rng(seed, name).random((draws, n))
    hit: BoolArray = u < (p if p.ndim == 2 else p[None, :])
    return hit


def interval(values: FloatArray, level: float = INTERVAL_LEVEL
             ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(low, median, high) over the first axis: the central ``level`` of the draws."""
    tail = (1.0 - level) / 2.0
    q = np.quantile(np.asarray(values, np.float64), [tail, 0.5, 1.0 - tail], axis=0)
    return q[0], q[1], q[2]
