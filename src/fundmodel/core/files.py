"""Writing output files atomically: a crash never leaves a half-written file that looks whole.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_text_atomic(folder / "a.txt", "hello")
>>> (folder / "a.txt").read_text()
'hello'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Atomic UTF-8 text write."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_csv_atomic(path: Path, frame: pd.DataFrame) -> None:
    """Atomic CSV write (no index, ``\\n`` line endings)."""
    write_text_atomic(path, frame.to_csv(index=False, lineterminator="\n"))
