"""Safe YAML reading: no object construction, duplicate keys refused, errors name the line.

>>> load_yaml_text("a: 1\\nb: [2, 3]\\n", "example.yaml")
{'a': 1, 'b': [2, 3]}
>>> load_yaml_text("2024: 1\\n", "example.yaml")
Traceback (most recent call last):
...
fundmodel.errors.ScenarioError: example.yaml, line 1: key 2024 is not text ...
>>> load_yaml_text("a: 1\\na: 2\\n", "example.yaml")
Traceback (most recent call last):
...
fundmodel.errors.ScenarioError: example.yaml, line 2: duplicate key 'a'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from fundmodel.errors import ScenarioError


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (PyYAML keeps the last one silently)."""


def _construct_mapping(loader: _StrictSafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise ScenarioError(
                f"{loader.name}, line {key_node.start_mark.line + 1}: key {key!r} is not text "
                "(fundmodel files use text keys; put it in quotes)"
            )
        if key in out:
            raise ScenarioError(
                f"{loader.name}, line {key_node.start_mark.line + 1}: duplicate key {key!r}"
            )
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_StrictSafeLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load_yaml_text(text: str, label: str) -> Any:
    """Parse YAML text safely; ``label`` (usually the file name) prefixes every error."""
    try:
        loader = _StrictSafeLoader(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{label}: not valid YAML ({exc})") from None
    loader.name = label
    try:
        return loader.get_single_data()
    except ScenarioError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ScenarioError(f"{label}{where}: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{label}: not valid YAML ({exc})") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path) -> Any:
    """Read and parse a YAML file safely."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{file}: cannot read file ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    return load_yaml_text(text, str(file))


def dump_yaml(data: Any) -> str:
    """Dump plain data as YAML (block style, keys in insertion order)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
