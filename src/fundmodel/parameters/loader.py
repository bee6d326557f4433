"""Read parameter files: every shipped record is YAML data, one file per topic.

A parameter file has two sections: ``sources`` (named :class:`Source` records) and
``records`` (named :class:`Parameter` records whose ``source`` is a key of ``sources`` or
an inline mapping). Unknown keys, duplicate keys and a source that is not defined are
errors naming the file, the record and the field. Each record loaded carries
``ref="file.yaml#record"`` so any citation leads back to it in one hop.

>>> weights = shipped("children_act")
>>> weights["weight_deprivation"].ref
'children_act.yaml#weight_deprivation'
>>> sorted(shipped_topics())
['children_act', 'investment', 'overspend', 'rcc', 'settlement', 'spending']

Your own file overrides shipped values record by record:

>>> import pathlib, tempfile
>>> mine = pathlib.Path(tempfile.mkdtemp()) / "my_weights.yaml"
>>> _ = mine.write_text(
...     "sources:\\n  me: {title: My weights, publisher: Me, year: 2026}\\n"
...     "records:\\n  weight_deprivation: {value: 0.5, unit: WEIGHT, label: deprivation,\\n"
...     "    source: me, reviewed: 2026-12-01, assumption: true}\\n")
>>> merged = weights.updated(load(mine))
>>> merged["weight_deprivation"].value, merged["weight_population"].ref
(0.5, 'children_act.yaml#weight_population')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from fundmodel.core.yamlio import load_yaml_file, load_yaml_text
from fundmodel.errors import FundmodelError, InvalidInputError
from fundmodel.parameters.records import Parameter, Source

_PACKAGE = "fundmodel.parameters"
_SECTIONS = ("sources", "records")


class ParameterFileError(InvalidInputError):
    """A parameter file that cannot be read as records (names the file, record and field)."""


class ParameterSet(Mapping[str, Parameter]):
    """Named parameter records read from one file (or merged from several), read-only."""

    def __init__(self, records: Mapping[str, Parameter], label: str) -> None:
        self._records = dict(records)
        self.label = label

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self._records[name]
        except KeyError:
            known = ", ".join(sorted(self._records))
            raise KeyError(f"{self.label} has no record {name!r}; records: {known}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __repr__(self) -> str:
        return f"ParameterSet({self.label!r}, {len(self)} records)"

    def updated(self, other: Mapping[str, Parameter]) -> ParameterSet:
        """These records with ``other``'s replacing those of the same name. A name that is
        not a record here is refused (a typo would otherwise change nothing, silently)."""
        unknown = sorted(set(other) - set(self._records))
        if unknown:
            raise ParameterFileError(
                f"{getattr(other, 'label', 'override')}: records {unknown} are not in "
                f"{self.label}; known: {sorted(self._records)}")
        return ParameterSet({**self._records, **other}, f"{self.label} + overrides")


def _field_error(label: str, record: str, exc: FundmodelError) -> ParameterFileError:
    text = str(exc).removeprefix("Parameter, ").removeprefix("Source, ")
    return ParameterFileError(f"{label}, record {record}: {text}")


def parse(data: Any, label: str) -> ParameterSet:
    """Validate parsed YAML as a parameter file; ``label`` names the file in errors and refs."""
    if not isinstance(data, dict):
        raise ParameterFileError(f"{label}: a parameter file is a mapping with 'sources' and "
                                 f"'records', got {type(data).__name__}")
    extra = sorted(set(data) - set(_SECTIONS))
    if extra:
        raise ParameterFileError(f"{label}: unknown section(s) {extra}; sections: {_SECTIONS}")
    sources: dict[str, Source] = {}
    for key, raw in (data.get("sources") or {}).items():
        try:
            sources[key] = Source.model_validate(raw)
        except FundmodelError as exc:
            raise _field_error(label, f"sources.{key}", exc) from None
    records: dict[str, Parameter] = {}
    raw_records = data.get("records")
    if not isinstance(raw_records, dict) or not raw_records:
        raise ParameterFileError(f"{label}: no 'records' mapping")
    for name, raw in raw_records.items():
        if not isinstance(raw, dict):
            raise ParameterFileError(f"{label}, record {name}: a record is a mapping")
        source = raw.get("source")
        if source is None:
            raise ParameterFileError(f"{label}, record {name}, field source: missing")
        if isinstance(source, str):
            if source not in sources:
                raise ParameterFileError(
                    f"{label}, record {name}, field source: {source!r} is not defined under "
                    f"'sources' (defined: {sorted(sources)})")
            source = sources[source]
        reviewed = raw.get("reviewed")
        if isinstance(reviewed, dt.datetime):
            reviewed = reviewed.date()
        try:
            records[name] = Parameter.model_validate(
                {**raw, "source": source, "reviewed": reviewed,
                 "ref": f"{Path(label).name}#{name}"})
        except FundmodelError as exc:
            raise _field_error(label, name, exc) from None
    return ParameterSet(records, Path(label).name)


def load(path: str | Path) -> ParameterSet:
    """Read a parameter file of your own (same format as the shipped ones)."""
    return parse(load_yaml_file(path), str(path))


def shipped_topics() -> list[str]:
    """The shipped parameter files, by topic (file name without ``.yaml``)."""
    folder = resources.files(_PACKAGE)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir()
                  if p.name.endswith(".yaml"))


@cache
def shipped(topic: str) -> ParameterSet:
    """The shipped records of one topic, e.g. ``shipped("rcc")``."""
    if topic not in shipped_topics():
        raise KeyError(f"no shipped parameter file {topic!r}; topics: {shipped_topics()}")
    text = resources.files(_PACKAGE).joinpath(f"{topic}.yaml").read_text("utf-8")
    return parse(load_yaml_text(text, f"{topic}.yaml"), f"{topic}.yaml")


def all_parameters() -> list[Parameter]:
    """Every shipped parameter record, file by file (walked by the docs and the tests)."""
    return [p for topic in shipped_topics() for p in shipped(topic).values()]
