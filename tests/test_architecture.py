"""The package's layers, read from its import statements: no import cycle (counting imports
inside functions, which hide cycles), and no import that goes up a layer (counting
``if TYPE_CHECKING:`` imports too). Type-only imports are left out of the cycle check: they
never run, and a scenario model naming its result type is not a dependency loop.

Layers, lowest first; a module may import from its own layer and the ones below:

0. ``_version``, ``errors``, ``_types``, ``core/`` (frozen models, YAML, atomic files)
1. ``parameters/`` (Source, Parameter, units, the shipped parameter records)
2. ``data/`` (embedded data and its loaders)
3. ``engine/`` (formulas, allocation, damping, money, results)
4. ``analysis/`` (compare, spending balance, uncertainty, cost of duties)
5. ``scenarios/`` (scenario models and their runs)
6. ``presets/`` (named, sourced starting points)
7. ``report/`` (charts, the briefing pack, output folders)
8. the top: ``cli``, ``testing``, ``app``, ``__init__``, ``__main__``
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "fundmodel"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("_version", "errors", "_types", "core"),
    ("parameters",),
    ("data",),
    ("engine",),
    ("analysis",),
    ("scenarios",),
    ("presets",),
    ("report",),
    ("cli", "testing", "app", "__init__", "__main__", "_deprecated"),
)


def module_name(path: Path, root: Path) -> str:
    """Dotted name of a module file under the package folder ``root``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _type_only_nodes(tree: ast.Module) -> set[int]:
    """ids of the import nodes inside ``if TYPE_CHECKING:`` blocks."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            found |= {id(sub) for stmt in node.body for sub in ast.walk(stmt)}
    return found


def import_graph(root: Path, *, type_only: bool = True) -> dict[str, set[str]]:
    """For each module of the package at ``root``, the package modules it imports
    (with ``type_only=False``, leaving out imports under ``if TYPE_CHECKING:``).

    ``from pkg.sub import name`` counts as an import of ``pkg.sub.name`` when that is a
    module, else of ``pkg.sub``.
    """
    top = root.name
    files = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        tree = ast.parse(path.read_text("utf-8"), str(path))
        skip = set() if type_only else _type_only_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, node, path.name == "__init__.py")
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                           for a in node.names]
            for target in targets:
                if target == top or target.startswith(top + "."):
                    while target not in files and "." in target:
                        target = target.rsplit(".", 1)[0]
                    if target != name:
                        graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)) is not None:
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def layer_of(module: str) -> int:
    """The layer number of a package module (see the module docstring)."""
    parts = module.split(".")
    first = parts[1] if len(parts) > 1 else "__init__"
    for number, names in enumerate(LAYERS):
        if first in names:
            return number
    raise AssertionError(f"{module} is in no layer: add its folder to LAYERS")


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports that go up a layer, as 'a (layer) -> b (layer)' lines."""
    return [f"{a} ({layer_of(a)}) -> {b} ({layer_of(b)})"
            for a, targets in sorted(graph.items()) for b in sorted(targets)
            if layer_of(b) > layer_of(a)]


def test_the_package_has_no_import_cycle() -> None:
    assert find_cycle(import_graph(PACKAGE, type_only=False)) is None


def test_no_module_imports_from_a_higher_layer() -> None:
    assert upward_imports(import_graph(PACKAGE)) == []


def test_every_module_is_in_a_layer() -> None:
    for module in import_graph(PACKAGE):
        layer_of(module)


def test_modules_stay_small() -> None:
    big = {module_name(p, PACKAGE): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text("utf-8").splitlines())) > 400}
    assert big == {}


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / "pkg" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def test_the_check_finds_a_cycle_hidden_in_a_function(tmp_path: Path) -> None:
    pkg = _write(tmp_path, {
        "__init__.py": "",
        "a.py": "from pkg.b import thing\n",
        "b.py": "def thing():\n    from pkg import a\n    return a\n",
        "c.py": "from . import a\n",
    })
    graph = import_graph(pkg, type_only=False)
    assert graph["pkg.c"] == {"pkg.a"}
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.a"]


def test_type_only_imports_count_for_layers_not_cycles(tmp_path: Path) -> None:
    pkg = _write(tmp_path, {
        "__init__.py": "",
        "a.py": "from pkg.b import thing\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
    })
    assert find_cycle(import_graph(pkg, type_only=False)) is None
    assert find_cycle(import_graph(pkg)) == ["pkg.a", "pkg.b", "pkg.a"]


def test_the_check_finds_a_relative_import_cycle_through_a_package(tmp_path: Path) -> None:
    pkg = _write(tmp_path, {
        "__init__.py": "",
        "engine/__init__.py": "from .run import go\n",
        "engine/run.py": "from ..presets import named\n",
        "presets.py": "from pkg.engine import go\n",
    })
    cycle = find_cycle(import_graph(pkg, type_only=False))
    assert cycle is not None and set(cycle) == {"pkg.engine", "pkg.engine.run", "pkg.presets"}


def test_the_check_finds_an_upward_import() -> None:
    graph = {"fundmodel.engine.formula": {"fundmodel.presets"}}
    assert upward_imports(graph) == ["fundmodel.engine.formula (3) -> fundmodel.presets (6)"]


@pytest.mark.parametrize("module", ["fundmodel.core.model", "fundmodel.presets.children_act"])
def test_layer_of_known_modules(module: str) -> None:
    assert 0 <= layer_of(module) < len(LAYERS)
