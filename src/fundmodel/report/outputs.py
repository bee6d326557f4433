"""Writing a scenario's result so it can be reproduced exactly: the table, the scenario as
YAML, the fundmodel version, the checksums of the data and of every file written, and the
path and sha256 of every external input (``--data``, a budgets CSV, a taxonomy file).

The folder is written as a unit (:func:`fundmodel.core.files.staged_folder`): into a hidden
sibling folder first, ``manifest.yaml`` last, then renamed into place, so ``out`` is always
one complete run, never a mix of two.

>>> import tempfile, pathlib
>>> from fundmodel.scenarios import load_scenario_text
>>> s = load_scenario_text("kind: allocation\\nheader: {title: t, assumes: a}\\n"
...                        "formula: children_act\\ntotal: 1000000\\n")
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> [p.name for p in write_result(s, s.run(), out)]
['result.csv', 'summary.txt', 'scenario.yaml', 'assumptions.csv', 'allocations.csv',
 'manifest.yaml']
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fundmodel._version import __version__
from fundmodel.core.files import csv_text, staged_folder, write_bytes_atomic
from fundmodel.core.yamlio import dump_yaml
from fundmodel.parameters.assumptions import assumptions_frame
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


def scenario_inputs(scenario: Scenario) -> list[Path]:
    """The files outside fundmodel a scenario reads (a budgets CSV, a taxonomy file)."""
    from fundmodel.scenarios.base import input_files
    from fundmodel.scenarios.spending import SpendingScenario, shipped_taxonomies

    found = input_files(scenario)
    if (isinstance(scenario, SpendingScenario) and isinstance(scenario.taxonomy, str)
            and scenario.taxonomy not in shipped_taxonomies()):
        found.append(Path(scenario.taxonomy))
    return found


def input_record(paths: Sequence[str | Path]) -> dict[str, dict[str, str]]:
    """``{role-free absolute path: {sha256: ...}}`` for each input file (absolute, so the
    result folder can be re-run from anywhere)."""
    from fundmodel.core.files import read_input_file

    record: dict[str, dict[str, str]] = {}
    for path in paths:
        raw = read_input_file(path, "input file")
        record[str(Path(path).resolve())] = {"sha256": hashlib.sha256(raw).hexdigest()}
    return record


def write_folder(out: str | Path, files: Mapping[str, str], manifest: dict[str, Any]
                 ) -> list[Path]:
    """Write ``files`` (name -> text) and then ``manifest.yaml`` (with the sha256 of every
    file added under ``files``) into ``out`` as a unit; return the final paths."""
    target = Path(out)
    encoded = {name: text.encode("utf-8") for name, text in files.items()}
    manifest = {**manifest,
                "files": {n: hashlib.sha256(b).hexdigest() for n, b in encoded.items()}}
    with staged_folder(target) as stage:
        for name, data in encoded.items():
            write_bytes_atomic(stage / name, data)
        write_bytes_atomic(stage / "manifest.yaml", dump_yaml(manifest).encode("utf-8"))
    return [target / name for name in [*encoded, "manifest.yaml"]]


def write_result(scenario: Scenario, result: ScenarioResult, out: str | Path,
                 authorities_checksum: str | None = None, *,
                 data_path: str | Path | None = None) -> list[Path]:
    """Write result.csv, summary.txt, scenario.yaml, assumptions.csv (every assumption the
    scenario rests on: its stated assumptions, then each ``assumption=True`` record) and
    manifest.yaml into ``out`` as a unit,
    plus allocations.csv (code, name, year, amount, ...) for results that allocate money,
    any tables a result offers through ``output_tables()`` and manifest entries through
    ``manifest_extra()``. ``data_path`` is the authority CSV used instead of the embedded
    data, if any."""
    files = {
        "result.csv": csv_text(result.to_frame()),
        "summary.txt": result.summary() + "\n",
        "scenario.yaml": scenario.to_yaml(),
        "assumptions.csv": csv_text(assumptions_frame(
            scenario, statements=[("header.assumes", scenario.assumes)])),
    }
    extra_tables = getattr(result, "output_tables", None)  # e.g. costs.csv, gap.csv
    if callable(extra_tables):
        for name, frame in extra_tables().items():
            files[name] = csv_text(frame)
    tidy = getattr(result, "allocations_frame", None)
    if callable(tidy):
        files["allocations.csv"] = csv_text(_pounds(tidy()))
    manifest: dict[str, Any] = {
        "fundmodel_version": __version__,
        "scenario_kind": getattr(scenario, "kind", ""),
        "title": scenario.title,
        "data": data_checksums(),
    }
    extra_manifest = getattr(result, "manifest_extra", None)  # e.g. parameter sources
    if callable(extra_manifest):
        manifest.update(extra_manifest())
    if authorities_checksum is not None:
        manifest["authorities_checksum"] = authorities_checksum
    inputs = [*([data_path] if data_path is not None else []), *scenario_inputs(scenario)]
    if inputs:
        manifest["inputs"] = input_record(inputs)
    return write_folder(out, files, manifest)
