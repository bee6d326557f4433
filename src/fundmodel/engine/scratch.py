"""Reusable work arrays for the batch engine.

A batch runs the same arithmetic on chunk after chunk of (rows x authorities) arrays.
Allocating fresh temporaries for every chunk makes the C allocator hand memory back to the
system and fault it in again, which costs more than the arithmetic; a :class:`Scratch`
keeps one buffer per name and hands out views of it, growing when a larger chunk comes.

Views from one call are overwritten by the next: callers use them before asking again.

>>> s = Scratch()
>>> a = s.array("x", (2, 3))
>>> a.shape, s.array("x", (1, 3)).base is a.base
((2, 3), True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


class Scratch:
    """Named, growable buffers; ``zeros`` stay zero (never hand them out for writing)."""

    def __init__(self) -> None:
        self._buffers: dict[tuple[str, str], npt.NDArray[Any]] = {}

    def array(self, name: str, shape: tuple[int, int], dtype: Any = np.float64
              ) -> npt.NDArray[Any]:
        """A C-contiguous array of ``shape`` backed by the buffer called ``name``."""
        size = shape[0] * shape[1]
        key = (name, np.dtype(dtype).str)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size:
            buffer = np.empty(max(size, 1), dtype=dtype)
            self._buffers[key] = buffer
        return buffer[:size].reshape(shape)

    def zeros(self, shape: tuple[int, int]) -> npt.NDArray[np.float64]:
        """A read-only array of zeros of ``shape`` (for ``np.maximum(x, zeros)``)."""
        key = ("zeros", np.dtype(np.float64).str)
        size = shape[0] * shape[1]
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size:
            buffer = np.zeros(max(size, 1))
            buffer.setflags(write=False)
            self._buffers[key] = buffer
        view: npt.NDArray[np.float64] = buffer[:size].reshape(shape)
        return view
