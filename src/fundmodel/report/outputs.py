"""Writing a scenario's result so it can be reproduced exactly: the table, the scenario as
YAML, the fundmodel version and the checksums of the data and of every file written.

>>> import tempfile, pathlib
>>> from fundmodel.scenarios import load_scenario_text
>>> s = load_scenario_text("kind: allocation\\nheader: {title: t, assumes: a}\\n"
...                        "formula: children_act\\ntotal: 1000000\\n")
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> [p.name for p in write_result(s, s.run(), out)]
['result.csv', 'summary.txt', 'scenario.yaml', 'allocations.csv', 'manifest.yaml']
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fundmodel._version import __version__
from fundmodel.core.files import write_text_atomic
from fundmodel.core.yamlio import dump_yaml
from fundmodel.scenarios.base import Scenario, ScenarioResult


def data_checksums() -> dict[str, str]:
    """sha256 of every embedded data file (what a result was computed from)."""
    from importlib import resources

    base = resources.files("fundmodel.data")
    names = ("authorities.csv", "missing.csv", "series.csv", "sources.yaml")
    return {n: hashlib.sha256(base.joinpath(n).read_bytes()).hexdigest() for n in names}


_POUND_COLUMNS = ("amount", "baseline", "target", "resources")


def _pounds(frame: Any) -> Any:
    """Money columns as text with exactly two decimals (pounds and pence)."""
    out = frame.copy()
    for column in _POUND_COLUMNS:
        if column in out:
            out[column] = out[column].map(lambda x: "" if x != x else f"{x:.2f}")
    return out


def write_result(scenario: Scenario, result: ScenarioResult, out: Path,
                 authorities_checksum: str | None = None) -> list[Path]:
    """Write result.csv, summary.txt, scenario.yaml and manifest.yaml into ``out``, plus
    allocations.csv (code, name, year, amount, ...) for results that allocate money, any
    tables a result offers through ``output_tables()`` and manifest entries through
    ``manifest_extra()``."""
    files = {
        "result.csv": result.to_frame().to_csv(index=False, lineterminator="\n"),
        "summary.txt": result.summary() + "\n",
        "scenario.yaml": scenario.to_yaml(),
    }
    extra_tables = getattr(result, "output_tables", None)  # e.g. costs.csv, gap.csv
    if callable(extra_tables):
        for name, frame in extra_tables().items():
            files[name] = frame.to_csv(index=False, lineterminator="\n")
    tidy = getattr(result, "allocations_frame", None)
    if callable(tidy):
        files["allocations.csv"] = _pounds(tidy()).to_csv(index=False, lineterminator="\n")
    paths = []
    for name, text in files.items():
        path = out / name
        write_text_atomic(path, text)
        paths.append(path)
    manifest: dict[str, Any] = {
        "fundmodel_version": __version__,
        "scenario_kind": getattr(scenario, "kind", ""),
        "title": scenario.header.title,
        "data": data_checksums(),
        "files": {n: hashlib.sha256(t.encode()).hexdigest() for n, t in files.items()},
    }
    extra_manifest = getattr(result, "manifest_extra", None)  # e.g. parameter sources
    if callable(extra_manifest):
        manifest.update(extra_manifest())
    if authorities_checksum is not None:
        manifest["authorities_checksum"] = authorities_checksum
    path = out / "manifest.yaml"
    write_text_atomic(path, dump_yaml(manifest))
    paths.append(path)
    return paths
