r"""Validation errors in plain words: every problem, each with its field, the nearest valid key
for a typo, and no dumps of whole mappings.

>>> from pydantic import BaseModel, ConfigDict, ValidationError
>>> class Pot(BaseModel):
...     model_config = ConfigDict(extra="forbid")
...     total: float
...     years: int = 1
>>> try:
...     Pot.model_validate({"totl": 5, "years": "x"})
... except ValidationError as exc:
...     print(*describe_validation_error("Pot", exc, Pot).split("; "), sep="\n")
Pot: 3 problems: field total: missing
field years: Input should be a valid integer, unable to parse string as an integer
got 'x'
unknown key 'totl' (did you mean 'total'?)
"""

from __future__ import annotations

import difflib
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

SHOWN_CHARACTERS = 80
"""Longest excerpt of a given value quoted in an error."""

_RECORD_TYPES = ("model_type", "model_attributes_type", "dict_type")


def shown(value: Any) -> str:
    """A short, escaped excerpt of a value for an error message (never a whole mapping).

    >>> shown("x" * 200)[-12:]
    '... (200 ch)'
    >>> shown({"a": 1})
    'a mapping'
    """
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)}"
    text = repr(value)
    if len(text) > SHOWN_CHARACTERS:
        return text[: SHOWN_CHARACTERS - 20] + f"... ({len(str(value))} ch)"
    return text


def _model_at(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that holds the last key of ``loc`` (following nested model fields)."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = _first_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _first_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation) if get_origin(annotation) is not None else ():
        found = _first_model(arg)
        if found is not None:
            return found
    return None


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def _one(error: Any, model: type[BaseModel] | None) -> str:
    loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, ValueError) and type(cause).__module__.startswith("fundmodel"):
        text = str(cause)
        return f"field {_where(loc)}: {text}" if loc else text
    if kind == "extra_forbidden" and loc:
        holder = _model_at(model, loc[:-1])
        known = sorted(holder.model_fields) if holder is not None else []
        near = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f" (did you mean {near[0]!r}?)" if near else (
            f" (known keys: {', '.join(known)})" if known else "")
        place = f" in {_where(loc[:-1])}" if len(loc) > 1 else ""
        return f"unknown key {str(loc[-1])!r}{place}{hint}"
    if kind == "missing":
        return f"field {_where(loc)}: missing"
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if kind in _RECORD_TYPES:
        message = ("should be a number or a parameter record (value, unit, label, source, "
                   "reviewed)" if "Parameter" in message else "should be a mapping of fields")
    value = error.get("input")
    given = "" if "got " in message or isinstance(value, dict) else f"; got {shown(value)}"
    return f"field {_where(loc)}: {message}{given}" if loc else f"{message}{given}"


def describe_validation_error(name: str, exc: ValidationError,
                              model: type[BaseModel] | None = None,
                              strip: tuple[Any, ...] = ()) -> str:
    """Every problem in ``exc`` in one line, prefixed by ``name``; ``model`` (the class that
    was validated) lets unknown keys get a nearest-key suggestion; ``strip`` drops a leading
    location (e.g. a union's tag)."""
    problems: list[str] = []
    for error in exc.errors():
        loc = tuple(error.get("loc", ()))
        if strip and loc[: len(strip)] == strip:
            error = {**error, "loc": loc[len(strip):]}
        text = _one(error, model)
        if text not in problems:
            problems.append(text)
    if len(problems) == 1:
        return f"{name}, {problems[0]}" if problems[0].startswith("field ") else \
            f"{name}: {problems[0]}"
    return f"{name}: {len(problems)} problems: " + "; ".join(problems)
