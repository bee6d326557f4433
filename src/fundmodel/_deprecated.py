"""Old module paths (fundmodel 0.1, before the layered layout), kept for one release.

``import fundmodel.sources`` and the like still work and give the module at its new home,
with a :class:`DeprecationWarning` naming it. New code should import from the new paths
(or from ``fundmodel`` itself).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings
from types import ModuleType

MOVED: dict[str, str] = {
    "absolute": "analysis.absolute",
    "authorities": "data.authorities",
    "brief": "report.brief",
    "charts": "report.charts",
    "codes": "data.codes",
    "damping": "engine.damping",
    "docs_tables": "report.docs_tables",
    "engine": "engine.allocate",
    "files": "core.files",
    "formula": "engine.formula",
    "measures": "engine.measures",
    "model": "core.model",
    "money": "engine.money",
    "outputs": "report.outputs",
    "provenance": "data.provenance",
    "result": "engine.result",
    "series": "data.series",
    "sources": "parameters.records",
    "spending": "scenarios.spending",
    "spending_charts": "report.spending_charts",
    "uncertainty": "analysis.uncertainty",
    "yamlio": "core.yamlio",
}
"""Old ``fundmodel.X`` module -> its new path under ``fundmodel.``. Not aliased: ``engine``
(now a package re-exporting the old module's public names) and ``compare`` (the name is the
public function ``fundmodel.compare``; its module is ``fundmodel.analysis.compare``)."""


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        warnings.warn(f"{spec.name} moved to {self.target}; import it from there "
                      "(the old path goes in the next release)", DeprecationWarning,
                      stacklevel=4)
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the target module is already imported."""


class _OldPaths(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: object = None,
                  target: object = None) -> importlib.machinery.ModuleSpec | None:
        prefix, _, name = fullname.partition(".")
        if prefix != "fundmodel" or name not in MOVED or name == "engine":
            return None
        return importlib.machinery.ModuleSpec(fullname, _Alias(f"fundmodel.{MOVED[name]}"))


def install() -> None:
    """Put the old-path finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _OldPaths) for f in sys.meta_path):
        sys.meta_path.append(_OldPaths())
