"""Execute the notebooks and store their outputs, or check that the stored outputs are current.

    python scripts/notebooks.py refresh [NAME ...]   # run and save outputs in place
    python scripts/notebooks.py check [NAME ...]     # run and compare with the stored outputs

Only text is compared (streams and text/plain results; images and HTML are stored but not
compared); memory addresses and temporary folders are masked. The test suite calls ``check`` through
``tests/test_notebooks.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

FOLDER = Path(__file__).resolve().parents[1] / "notebooks"
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")
_TEMP = re.compile(r"[\w/.\\-]*tmp[\w]{6,}")  # tempfile folders in messages


def execute(path: Path) -> Any:
    """The notebook at ``path``, executed in its own folder."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def text_outputs(nb: Any) -> list[list[str]]:
    """Per code cell, the text of its outputs (normalised for comparison)."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts: list[str] = []
        last_stream = None
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                # a stream may arrive in any number of pieces: compare the joined text
                name = out.get("name")
                if last_stream == name:
                    texts[-1] += out.get("text", "")
                else:
                    texts.append(f"{name}: {out.get('text', '')}")
                last_stream = name
                continue
            last_stream = None
            if out.get("output_type") in ("execute_result", "display_data"):
                texts.append(str(out.get("data", {}).get("text/plain", "")))
            elif out.get("output_type") == "error":
                texts.append(f"error: {out.get('ename')}: {out.get('evalue')}")
        cells.append([_TEMP.sub("<tmp>", _ADDRESS.sub(" at 0x...", t)).rstrip() for t in texts])
    return cells


def stale_cells(path: Path) -> list[str]:
    """Code cells whose fresh outputs differ from the stored ones, described."""
    stored = text_outputs(nbformat.read(path, as_version=4))
    fresh = text_outputs(execute(path))
    return [f"{path.name}, code cell {k + 1}: stored {s!r:.200} but now {f!r:.200}"
            for k, (s, f) in enumerate(zip(stored, fresh, strict=True)) if s != f]


def refresh(path: Path) -> None:
    """Execute ``path`` and store the outputs in place."""
    nb = execute(path)
    for cell in nb.cells:  # execution counts and timings make diffs noisy
        cell.get("metadata", {}).pop("execution", None)
    nbformat.write(nb, path)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("refresh", "check"):
        print(__doc__)
        return 2
    names = argv[1:] or sorted(p.stem for p in FOLDER.glob("*.ipynb"))
    bad = 0
    for name in names:
        path = FOLDER / f"{name}.ipynb"
        if argv[0] == "refresh":
            refresh(path)
            print(f"refreshed {path.name}")
        else:
            for line in stale_cells(path):
                print(line)
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
