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
    """Named, growable buffers; ``zeros`` stay zero (never hand them out for writing).

    A view handed out is remembered by (name, dtype, shape), so asking again with the
    same shape (every chunk but the last of a batch) costs one dictionary look-up.
    """

    def __init__(self) -> None:
        self._buffers: dict[tuple[str, str], npt.NDArray[Any]] = {}
        self._views: dict[tuple[str, Any, tuple[int, int]], npt.NDArray[Any]] = {}

    def array(self, name: str, shape: tuple[int, int], dtype: Any = np.float64
              ) -> npt.NDArray[Any]:
        """A C-contiguous array of ``shape`` backed by the buffer called ``name``."""
        view = self._views.get((name, dtype, shape))
        if view is not None:
            return view
        size = shape[0] * shape[1]
        key = (name, np.dtype(dtype).str)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size:
            buffer = np.empty(max(size, 1), dtype=dtype)
            self._buffers[key] = buffer
            self._views.clear()  # views of a replaced buffer must not be handed out again
        view = buffer[:size].reshape(shape)
        self._views[(name, dtype, shape)] = view
        return view

    def zeros(self, shape: tuple[int, int]) -> npt.NDArray[np.float64]:
        """A read-only array of zeros of ``shape`` (for ``np.maximum(x, zeros)``)."""
        view = self._views.get(("zeros", None, shape))
        if view is not None:
            return view
        key = ("zeros", np.dtype(np.float64).str)
        size = shape[0] * shape[1]
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size:
            buffer = np.zeros(max(size, 1))
            buffer.setflags(write=False)
            self._buffers[key] = buffer
            self._views.clear()
        view = buffer[:size].reshape(shape)
        self._views[("zeros", None, shape)] = view
        return view
