"""Taxonomies: which category every service line belongs to, with reasons; shipped ones and
your own YAML."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import ConfigDict, Field, model_validator

from fundmodel._types import FloatArray
from fundmodel.core.model import FrozenModel
from fundmodel.core.yamlio import load_yaml_file, load_yaml_text
from fundmodel.errors import FormulaError, InvalidInputError, ScenarioError
from fundmodel.parameters.records import Source

if TYPE_CHECKING:
    pass
from fundmodel.scenarios.spending.lines import SERVICE_LINES, dataset_lines

_ID = r"^[a-z][a-z0-9_]*$"


class Category(FrozenModel):
    """A spending category: an identifier and a label for tables and charts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)


class LineMapping(FrozenModel):
    """One service line assigned to a category, with the reason and the source (a key of the
    taxonomy's ``sources``). ``assumption`` marks fundmodel's (or your) reading."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: str
    category: str
    reason: str = Field(min_length=1)
    source: str
    assumption: bool = False


class ExcludedLine(FrozenModel):
    """A service line deliberately left out, with the reason."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    line: str
    reason: str = Field(min_length=1)


class Taxonomy(FrozenModel):
    """A spending taxonomy: categories, and every service line of each dataset it covers
    mapped to one category (or excluded) with its reason and source.

    ``focus`` is the category whose share is tracked (e.g. ``preventive``). A dataset is
    covered when any of its lines is mapped; then every spend line of that dataset must be
    mapped or excluded, so nothing drops out silently. Totals, components and unit costs
    cannot be mapped (they would double count or mix units).

    >>> t = load_taxonomy("prevention")
    >>> t.focus, t.datasets()
    ('preventive', ['ro3', 's251'])
    >>> t.mapping("s251")["s251_sure_start"]
    'preventive'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=_ID)
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    focus: str
    reviewed: dt.date
    categories: tuple[Category, ...] = Field(min_length=2)
    sources: dict[str, Source] = Field(min_length=1)
    lines: tuple[LineMapping, ...] = Field(min_length=1)
    excluded: tuple[ExcludedLine, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Taxonomy:
        ids = [c.id for c in self.categories]
        if len(set(ids)) != len(ids):
            raise ValueError(f"taxonomy {self.name!r}: duplicate category ids {ids}")
        if self.focus not in ids:
            raise ValueError(f"taxonomy {self.name!r}: focus {self.focus!r} is not a category "
                             f"({', '.join(ids)})")
        seen: dict[str, str] = {}
        entries: list[LineMapping | ExcludedLine] = [*self.lines, *self.excluded]
        for entry in entries:
            if entry.line not in SERVICE_LINES:
                raise ValueError(f"taxonomy {self.name!r}: unknown service line {entry.line!r}; "
                                 f"known: {', '.join(SERVICE_LINES)}")
            if entry.line in seen:
                raise ValueError(f"taxonomy {self.name!r}: line {entry.line!r} appears twice")
            seen[entry.line] = "mapped" if isinstance(entry, LineMapping) else "excluded"
        for m in self.lines:
            info = SERVICE_LINES[m.line]
            if info.role != "spend":
                raise ValueError(f"taxonomy {self.name!r}: line {m.line!r} cannot be mapped: it "
                                 f"is a {info.role.replace('_', ' ')} line ({info.note})")
            if m.category not in ids:
                raise ValueError(f"taxonomy {self.name!r}: line {m.line!r} maps to unknown "
                                 f"category {m.category!r} ({', '.join(ids)})")
            if m.source not in self.sources:
                raise ValueError(f"taxonomy {self.name!r}: line {m.line!r} cites source "
                                 f"{m.source!r}, not among sources ({', '.join(self.sources)})")
        for dataset in self.datasets():
            missing = [line for line in dataset_lines(dataset) if line not in seen]
            if missing:
                raise ValueError(f"taxonomy {self.name!r}: {dataset} lines neither mapped nor "
                                 f"excluded: {', '.join(missing)}")
            used = set(self.mapping(dataset).values())
            if len(used) < 2 or self.focus not in used:
                raise ValueError(f"taxonomy {self.name!r}: the {dataset} lines must use the focus "
                                 f"category {self.focus!r} and at least one other")
        return self

    def datasets(self) -> list[str]:
        """The datasets this taxonomy covers (any line mapped)."""
        return sorted({SERVICE_LINES[m.line].dataset for m in self.lines})

    def mapping(self, dataset: str) -> dict[str, str]:
        """Line -> category for one dataset, in the taxonomy's order."""
        return {m.line: m.category for m in self.lines if SERVICE_LINES[m.line].dataset == dataset}

    def category_ids(self) -> tuple[str, ...]:
        """Category identifiers in the taxonomy's order."""
        return tuple(c.id for c in self.categories)

    def label(self, category: str) -> str:
        """The label of ``category``."""
        return {c.id: c.label for c in self.categories}[category]

    def matrix(self, dataset: str) -> tuple[tuple[str, ...], FloatArray]:
        """The lines of ``dataset`` and the categories x lines 0/1 matrix mapping them.

        >>> lines, m = load_taxonomy("statutory").matrix("s251")
        >>> m.sum(axis=0).tolist() == [1.0] * len(lines)
        True
        """
        if dataset not in self.datasets():
            raise FormulaError(f"taxonomy {self.name!r} maps no {dataset} lines "
                               f"(it covers {', '.join(self.datasets())})")
        mapping = self.mapping(dataset)
        lines = tuple(mapping)
        ids = self.category_ids()
        out = np.zeros((len(ids), len(lines)))
        out[[ids.index(mapping[line]) for line in lines], np.arange(len(lines))] = 1.0
        return lines, out

    def reasons(self) -> pd.DataFrame:
        """One row per line: dataset, line, label, category, reason, source, assumption
        (excluded lines with category ``(excluded)``)."""
        rows = [{"dataset": SERVICE_LINES[m.line].dataset, "line": m.line,
                 "label": SERVICE_LINES[m.line].label, "category": m.category,
                 "reason": m.reason, "source": self.sources[m.source].cite(),
                 "assumption": m.assumption} for m in self.lines]
        rows += [{"dataset": SERVICE_LINES[e.line].dataset, "line": e.line,
                  "label": SERVICE_LINES[e.line].label, "category": "(excluded)",
                  "reason": e.reason, "source": "", "assumption": False} for e in self.excluded]
        return pd.DataFrame(rows)


def shipped_taxonomies() -> list[str]:
    """Names of the taxonomies shipped with fundmodel.

    >>> shipped_taxonomies()
    ['prevention', 'safeguarding', 'statutory']
    """
    folder = resources.files("fundmodel.parameters.taxonomies")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def taxonomy_from_data(data: Any, label: str) -> Taxonomy:
    """Validate parsed YAML as a :class:`Taxonomy`; errors name ``label``, the field and value."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{label}: a taxonomy must be a mapping, got {type(data).__name__}")
    try:
        return Taxonomy.model_validate(data)
    except InvalidInputError as exc:
        raise ScenarioError(f"{label}: {exc}") from None


def load_taxonomy(name_or_path: str | Path) -> Taxonomy:
    """A shipped taxonomy by name (:func:`shipped_taxonomies`) or your own YAML file.

    >>> load_taxonomy("safeguarding").focus
    'non_safeguarding'
    >>> load_taxonomy("nonsense")
    Traceback (most recent call last):
    ...
    fundmodel.errors.ScenarioError: no taxonomy 'nonsense': give a shipped name (...) or a path ...
    """
    text = str(name_or_path)
    if text in shipped_taxonomies():
        folder = resources.files("fundmodel.parameters.taxonomies")
        raw = folder.joinpath(f"{text}.yaml").read_text("utf-8")
        return taxonomy_from_data(load_yaml_text(raw, f"fundmodel/taxonomies/{text}.yaml"), text)
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml") and path.exists():
        return taxonomy_from_data(load_yaml_file(path), str(path))
    raise ScenarioError(f"no taxonomy {text!r}: give a shipped name "
                        f"({', '.join(shipped_taxonomies())}) or a path to a .yaml file "
                        "that exists")
