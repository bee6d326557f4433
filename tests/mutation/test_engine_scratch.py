"""Reusable work arrays (fundmodel.engine.scratch)."""

from __future__ import annotations

import numpy as np
import pytest

from fundmodel.engine.scratch import Scratch


def test_arrays_reuse_one_buffer_per_name_and_dtype_and_grow() -> None:
    s = Scratch()
    a = s.array("x", (2, 3))
    assert a.shape == (2, 3) and a.dtype == np.float64 and a.flags.c_contiguous
    small = s.array("x", (1, 3))
    assert small.base is a.base
    a[...] = 7.0
    assert s.array("x", (2, 3)).tolist() == [[7.0] * 3] * 2  # the same memory again
    flags = s.array("x", (2, 3), np.bool_)
    assert flags.dtype == np.bool_ and not np.shares_memory(flags, a)
    other = s.array("y", (2, 3))
    assert not np.shares_memory(other, a)
    big = s.array("x", (4, 5))
    assert big.shape == (4, 5) and not np.shares_memory(big, a)
    assert s.array("x", (2, 2)).base is big.base


def test_empty_shapes_are_allowed() -> None:
    s = Scratch()
    assert s.array("x", (0, 3)).shape == (0, 3)
    assert s.zeros((3, 0)).shape == (3, 0)


def test_zeros_stay_zero_and_read_only() -> None:
    s = Scratch()
    z = s.zeros((2, 2))
    assert z.tolist() == [[0.0, 0.0], [0.0, 0.0]] and z.dtype == np.float64
    with pytest.raises(ValueError):
        z[0, 0] = 1.0
    assert s.zeros((1, 2)).base is z.base
    bigger = s.zeros((3, 3))
    assert bigger.tolist() == [[0.0] * 3] * 3 and not bigger.flags.writeable
