"""The documentation builds without warnings (Sphinx, MyST, autodoc from docstrings), and
every fundmodel name that a notebook, a docstring example or a docs page imports is in the
API reference."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
IMPORT = re.compile(r"from (fundmodel(?:\.[\w.]+)?) import \(?([\w ,\n]+?)\)?(?:\n|$)")

needs_sphinx = pytest.mark.skipif(importlib.util.find_spec("sphinx") is None,
                                  reason="sphinx not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         str(DOCS), str(out)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@needs_sphinx
def test_docs_build_without_warnings(built: Path) -> None:
    assert (built / "parameters.html").exists()


def _texts() -> Iterator[tuple[str, str]]:
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text("utf-8"))["cells"]
        yield nb.name, "\n".join("".join(c["source"]) for c in cells
                                 if c["cell_type"] == "code")
    for py in sorted((ROOT / "src" / "fundmodel").rglob("*.py")):
        lines = [line.strip()[4:] for line in py.read_text("utf-8").splitlines()
                 if line.strip().startswith((">>> ", "... "))]
        yield str(py.relative_to(ROOT)), "\n".join(lines)
    for md in [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]:
        yield str(md.relative_to(ROOT)), md.read_text("utf-8")


def used_names() -> dict[tuple[str, str], str]:
    """``(module, name) -> where`` for every ``from fundmodel... import name``."""
    used: dict[tuple[str, str], str] = {}
    for where, text in _texts():
        for module, names in IMPORT.findall(text):
            for item in names.split(","):
                name = item.split(" as ")[0].strip()
                if name and not name.startswith("_"):
                    used.setdefault((module, name), where)
    return used


def documented_objects(inventory: Path) -> tuple[set[int], set[str]]:
    from sphinx.util.inventory import InventoryFile

    with inventory.open("rb") as handle:
        inv = InventoryFile.load(handle, "", lambda base, uri: uri)
    names = {name for kind in inv for name in inv[kind] if kind.startswith("py:")}
    ids = set()
    for full in names:
        module, _, attr = full.rpartition(".")
        try:
            ids.add(id(getattr(importlib.import_module(module), attr)))
        except (ImportError, AttributeError, ValueError):
            continue
    return ids, names


@needs_sphinx
def test_every_name_the_notebooks_and_examples_import_is_in_the_api_reference(
        built: Path) -> None:
    ids, names = documented_objects(built / "objects.inv")
    missing = []
    for (module, name), where in sorted(used_names().items()):
        obj = getattr(importlib.import_module(module), name)
        if isinstance(obj, type(sys)):  # a module: documented if its page is
            if obj.__name__ not in names:
                missing.append(f"{module}.{name} (module, used in {where})")
        elif id(obj) not in ids:
            missing.append(f"{module}.{name} (used in {where})")
    assert not missing, "not in docs/api.md:\n" + "\n".join(missing)
