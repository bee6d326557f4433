"""The scenario mechanism shared by every scenario family.

A scenario is a frozen pydantic model with a ``kind`` (which family), a ``header`` (title,
source, what it assumes) and its parameters. Every family registers itself here, so one
loader reads any scenario file and one function runs any scenario.

>>> from fundmodel.scenarios.base import ScenarioHeader
>>> ScenarioHeader(title="My ask", assumes="nothing").title
'My ask'

A header's title and assumptions may name the scenario's own fields in braces, e.g.
``"budgets assumed at {data.assumed_overspend_pct}"``: ``scenario.title`` and
``scenario.assumes`` fill them in from the scenario's current values (a parameter shows its
value and unit), so a copy made with ``updated()`` never carries a stale figure in its title.
A placeholder that names no field is refused when the scenario is built.
"""

from __future__ import annotations

import contextvars
import importlib
import os
import re
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol, Union

import pandas as pd
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from fundmodel.core.messages import describe_validation_error
from fundmodel.core.model import FrozenModel
from fundmodel.core.text import bad_characters, excerpt
from fundmodel.core.yamlio import dump_yaml, load_yaml_file, load_yaml_text
from fundmodel.errors import ScenarioError
from fundmodel.parameters.records import Parameter, Source

if TYPE_CHECKING:
    from fundmodel.data.authorities import Authorities


class ScenarioHeader(FrozenModel):
    """What a scenario is, where its figures come from, and what it assumes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1)
    source: Source | None = None
    assumes: str = Field(min_length=1, description="the assumptions, in plain words")

    @field_validator("title", "assumes")
    @classmethod
    def _printable(cls, value: str, info: ValidationInfo) -> str:
        # text reaches terminals, CSV files and charts: a carriage return or NUL could
        # forge a line there; line breaks are allowed only in the assumptions
        bad = bad_characters(value.replace("\n", " ") if info.field_name == "assumes" else value)
        if bad:
            raise ValueError(f"contains {bad}; use plain printable text")
        if not value.strip():
            raise ValueError("is blank")
        return value


class ScenarioResult(Protocol):
    """What every scenario's ``run`` returns."""

    def to_frame(self) -> pd.DataFrame: ...

    def summary(self) -> str: ...

    def _repr_html_(self) -> str: ...


class _InputFile:
    """Marks a scenario field that names a file fundmodel reads (see :data:`InputPath`)."""


INPUT_FILE = _InputFile()


_SCENARIO_FOLDER: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "scenario_folder", default=None)
"""The folder of the scenario file being read (set by :func:`load_scenario`; a context
variable because fundmodel models validate through their own ``__init__``, which pydantic's
validation context does not reach)."""


def resolve_input(value: str) -> str:
    """A relative path read from a scenario file, made relative to that file's folder;
    unchanged elsewhere (e.g. a path given in Python or in scenario text, which is relative
    to the current folder)."""
    folder = _SCENARIO_FOLDER.get()
    if folder is None or Path(value).is_absolute():
        return value
    return str(Path(folder) / value)


InputPath = Annotated[str, Field(min_length=1), AfterValidator(resolve_input), INPUT_FILE]
"""A file a scenario reads (a budget CSV, a taxonomy): in a scenario file, a relative path
is relative to the scenario file's folder; the path is recorded, with its sha256, in the
manifest of every result folder."""


def _names_input_file(annotation: object) -> bool:
    if INPUT_FILE in getattr(annotation, "__metadata__", ()):
        return True
    return any(_names_input_file(arg) for arg in typing.get_args(annotation))


def input_files(model: object) -> list[Path]:
    """Every file an :data:`InputPath` field of ``model`` (or of a model inside it) names.

    >>> s = load_scenario_text("kind: overspend\\nheader: {title: t, assumes: a}\\n"
    ...                        "data: {source: csv, path: /data/b.csv}\\n")
    >>> input_files(s)
    [PosixPath('/data/b.csv')]
    """
    found: list[Path] = []
    if isinstance(model, BaseModel):
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            if isinstance(value, str) and (INPUT_FILE in field.metadata
                                           or _names_input_file(field.annotation)):
                found.append(Path(value))
            else:
                found += input_files(value)
    elif isinstance(model, tuple | list):
        for item in model:
            found += input_files(item)
    return found


PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}")
"""A ``{field.path}`` placeholder in a header's title or assumptions."""


def _field_value(model: object, path: str, where: str) -> object:
    value = model
    for part in path.split("."):
        if part.startswith("_") or not hasattr(value, part) or callable(getattr(value, part)):
            raise ValueError(f"{where}: the placeholder {{{path}}} names no field of the "
                             f"scenario (no {part!r} in {type(value).__name__})")
        value = getattr(value, part)
    return value


def _show(value: object) -> str:
    if isinstance(value, Parameter):
        return value.display()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple | list):
        return ", ".join(_show(v) for v in value)
    return str(value)


def fill_placeholders(text: str, model: object, where: str = "text") -> str:
    """``text`` with each ``{field.path}`` replaced by that field of ``model``, shown for a
    reader (a parameter as its value and unit).

    >>> from fundmodel.scenarios.overspend import lga_assumed_overspend
    >>> fill_placeholders("at {data.assumed_overspend_pct}", lga_assumed_overspend())
    'at 14.2%'
    """
    return PLACEHOLDER.sub(lambda m: _show(_field_value(model, m.group(1), where)), text)


class Scenario(FrozenModel):
    """Base of every scenario family. Subclasses set ``kind: Literal[...]`` and ``run``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    registry: ClassVar[list[type[Scenario]]] = []

    header: ScenarioHeader

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "kind" in cls.model_fields:
            Scenario.registry.append(cls)

    @model_validator(mode="after")
    def _placeholders_name_fields(self) -> Scenario:
        for name in ("title", "assumes"):
            for path in PLACEHOLDER.findall(getattr(self.header, name)):
                _field_value(self, path, f"header.{name}")
        return self

    @property
    def title(self) -> str:
        """The header's title with its ``{field}`` placeholders filled in."""
        return fill_placeholders(self.header.title, self, "header.title")

    @property
    def assumes(self) -> str:
        """The header's assumptions with its ``{field}`` placeholders filled in."""
        return fill_placeholders(self.header.assumes, self, "header.assumes")

    def run(self, authorities: Authorities | None = None) -> ScenarioResult:
        """Run on ``authorities`` (the embedded data by default)."""
        raise NotImplementedError(f"{type(self).__name__} does not define run()")

    def to_yaml(self) -> str:
        """The scenario as YAML that :func:`load_scenario` reads back to an equal model."""
        return dump_yaml(self.model_dump(mode="json", exclude_defaults=False))


def _adapter() -> TypeAdapter[Any]:
    _import_families()
    kinds = tuple(Scenario.registry)
    if len(kinds) == 1:
        return TypeAdapter(kinds[0])
    union = Annotated[Union[kinds], Field(discriminator="kind")]  # type: ignore[valid-type]  # noqa: UP007
    return TypeAdapter(union)


FAMILY_MODULES = (
    "allocation", "cost_of_duties", "debate", "family_help", "overspend", "rcc", "spending",
    "transition",
)
"""Modules under fundmodel.scenarios that define scenario families."""


def _import_families() -> None:
    # importing the family modules registers their classes in Scenario.registry
    for name in FAMILY_MODULES:
        importlib.import_module(f"fundmodel.scenarios.{name}")


def scenario_from_data(data: Any, label: str, folder: Path | None = None) -> Scenario:
    """Validate plain data (parsed YAML) as a scenario; errors name the field and value.
    ``folder``: where relative input paths are (the scenario file's folder)."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{label}: a scenario must be a mapping, got {type(data).__name__}")
    adapter = _adapter()
    kinds = [str(cls.model_fields["kind"].default) for cls in Scenario.registry]
    if "kind" not in data:
        raise ScenarioError(
            f"{label}: no 'kind' key; a scenario file says which family it is with "
            f"kind: one of {kinds}"
        )
    if data["kind"] not in kinds:
        raise ScenarioError(f"{label}, field kind: {excerpt(data['kind'])} is not one of {kinds}")
    try:
        token = _SCENARIO_FOLDER.set(folder)
        try:
            scenario: Scenario = adapter.validate_python(data)
        finally:
            _SCENARIO_FOLDER.reset(token)
    except ValidationError as exc:
        kind = str(data["kind"])
        model = next(c for c in Scenario.registry if c.model_fields["kind"].default == kind)
        raise ScenarioError(describe_validation_error(
            f"{label} (kind {kind})", exc, model, strip=(kind,))) from None
    return scenario


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario YAML file (safely; unknown keys and duplicate keys are errors).
    Relative paths of the files it reads are relative to the scenario file's folder.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_text("kind: allocation\\nheader: {title: t, assumes: a}\\n"
    ...                  "formula: children_act\\ntotal: 1000000\\n")
    >>> load_scenario(p).kind
    'allocation'
    """
    return scenario_from_data(load_yaml_file(path), str(path),
                              Path(os.path.abspath(path)).parent)


def load_scenario_text(text: str, label: str = "<scenario>") -> Scenario:
    """Like :func:`load_scenario`, from a YAML string."""
    return scenario_from_data(load_yaml_text(text, label), label)


def scenario_schema() -> dict[str, Any]:
    """JSON schema of every scenario file kind."""
    schema: dict[str, Any] = _adapter().json_schema()
    return schema
