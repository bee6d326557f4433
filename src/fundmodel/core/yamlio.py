"""Safe YAML reading: no object construction, duplicate keys refused, errors name the line.

Numbers are resolved as YAML 1.2 does (``1e9`` is a float, not text), and the YAML 1.1
forms that silently change a value are refused with their line: a leading zero (``017``,
octal 15 in YAML 1.1), base 60 (``1:30``, 90), underscores (``22_771``) and hex, octal or
binary prefixes; and the YAML 1.1 booleans ``yes``, ``no``, ``on`` and ``off`` (text in
YAML 1.2, true or false in YAML 1.1, so ``floor: off`` could silently become 0): only
``true`` and ``false`` are booleans. Files are limited in size, nesting depth and in how
far anchors and aliases expand, so a small hostile file cannot use gigabytes.

>>> load_yaml_text("a: 1\\nb: [2, 3]\\nc: 1e9\\n", "example.yaml")
{'a': 1, 'b': [2, 3], 'c': 1000000000.0}
>>> load_yaml_text("2024: 1\\n", "example.yaml")
Traceback (most recent call last):
...
fundmodel.errors.ScenarioError: example.yaml, line 1: key 2024 is not text ...
>>> load_yaml_text("a: 1\\na: 2\\n", "example.yaml")
Traceback (most recent call last):
...
fundmodel.errors.ScenarioError: example.yaml, line 2: duplicate key 'a'
>>> load_yaml_text("total: 017\\n", "example.yaml")
Traceback (most recent call last):
...
fundmodel.errors.ScenarioError: example.yaml, line 1: 017 is not a plain decimal number ...
>>> load_yaml_text("damping: off\\n", "example.yaml")
Traceback (most recent call last):
...
fundmodel.errors.ScenarioError: example.yaml, line 1: off is true or false in some YAML readers ...
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from fundmodel.core.files import YAML_LIMIT, read_input_file
from fundmodel.core.text import excerpt
from fundmodel.errors import ScenarioError

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings read."""
MAX_NODES = 200_000
"""Most values (after expanding anchors and aliases) read from one file."""
MAX_INT_DIGITS = 20
"""Longest integer read (digits); money is held to the penny below 2**53 pence anyway."""

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_REFUSED_TAG = "tag:fundmodel,2026:refused-number"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_REFUSED_BOOL_TAG = "tag:fundmodel,2026:refused-bool"

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z")
_REFUSED = re.compile(
    r"(?:[-+]?0[0-9]+"  # leading zero: octal in YAML 1.1
    r"|[-+]?0(?:x[0-9a-fA-F_]+|o[0-7_]+|b[01_]+)"  # hex, octal, binary prefixes
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"  # base 60
    r"|[-+]?(?:[0-9][0-9_]*_[0-9_]*|_[0-9_]+)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?"  # 1_000
    r"|[-+]?[0-9]+\.[0-9]*_[0-9_]*)\Z"
)


_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_REFUSED_BOOL = re.compile(r"(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)\Z")


def _resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    replaced = (_INT_TAG, _FLOAT_TAG, _BOOL_TAG)
    table = {first: [(tag, rx) for tag, rx in entries if tag not in replaced]
             for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for tag, rx, firsts in ((_REFUSED_TAG, _REFUSED, "-+0123456789_"),
                            (_INT_TAG, _INT, "-+0123456789"),
                            (_FLOAT_TAG, _FLOAT, "-+0123456789."),
                            (_BOOL_TAG, _BOOL, "tTfF"),
                            (_REFUSED_BOOL_TAG, _REFUSED_BOOL, "yYnNoO")):
        for first in firsts:
            table.setdefault(first, []).append((tag, rx))
    return table


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 numbers, duplicate keys refused and size caps."""

    yaml_implicit_resolvers = _resolvers()

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        self._nodes += 1
        if self._depth > MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ScenarioError(f"{self.name}, line {mark.line + 1}: nested more than "
                                f"{MAX_DEPTH} levels deep")
        if self._nodes > MAX_NODES:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ScenarioError(f"{self.name}, line {mark.line + 1}: more than "
                                f"{MAX_NODES:,} values in one file")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Dumper(yaml.SafeDumper):
    """SafeDumper that quotes every string the loader would read as something else."""

    yaml_implicit_resolvers = _resolvers()


def _where(loader: _StrictSafeLoader, node: yaml.Node) -> str:
    return f"{loader.name}, line {node.start_mark.line + 1}"


def _refused_number(loader: _StrictSafeLoader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    raise ScenarioError(
        f"{_where(loader, node)}: {text} is not a plain decimal number (a leading zero, "
        "base-60 colon, underscore or 0x/0o/0b prefix changes its value in some YAML "
        "readers); write it in plain decimal digits, or in quotes if it is text")


def _refused_bool(loader: _StrictSafeLoader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    raise ScenarioError(
        f"{_where(loader, node)}: {text} is true or false in some YAML readers and text in "
        "others; write true or false, or put it in quotes if it is text")


def _construct_int(loader: _StrictSafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if not _INT.match(text):
        return int(_refused_number(loader, node))
    if len(text.lstrip("+-")) > MAX_INT_DIGITS:
        raise ScenarioError(f"{_where(loader, node)}: integer {excerpt(text, 30)} is too large "
                            f"(more than {MAX_INT_DIGITS} digits)")
    return int(text)


def _construct_float(loader: _StrictSafeLoader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node))
    if not _FLOAT.match(text):
        return float(_refused_number(loader, node))
    lowered = text.lower().lstrip("+-")
    if lowered == ".inf":
        return -math.inf if text.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    value = float(text)
    if math.isinf(value):
        raise ScenarioError(f"{_where(loader, node)}: number {excerpt(text, 30)} is out of range")
    return value


def _construct_mapping(loader: _StrictSafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise ScenarioError(
                f"{_where(loader, key_node)}: key {excerpt(key)} is not text "
                "(fundmodel files use text keys; put it in quotes)"
            )
        if key in out:
            raise ScenarioError(f"{_where(loader, key_node)}: duplicate key {excerpt(key)}")
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                  _construct_mapping)
_StrictSafeLoader.add_constructor(_REFUSED_TAG, _refused_number)
_StrictSafeLoader.add_constructor(_REFUSED_BOOL_TAG, _refused_bool)
_StrictSafeLoader.add_constructor(_INT_TAG, _construct_int)
_StrictSafeLoader.add_constructor(_FLOAT_TAG, _construct_float)


def _expanded_size(root: yaml.Node, label: str) -> None:
    """Refuse a document whose aliases expand to more than MAX_NODES values (counted once
    per distinct node, so the check itself is linear in the file)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        sizes[id(node)] = 1  # a cycle (recursive alias) counts once more than its members
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        if total > MAX_NODES:
            raise ScenarioError(
                f"{label}, line {node.start_mark.line + 1}: anchors and aliases expand to "
                f"more than {MAX_NODES:,} values; write the values out")
        sizes[id(node)] = total
        return total

    size(root)


def load_yaml_text(text: str, label: str) -> Any:
    """Parse YAML text safely; ``label`` (usually the file name) prefixes every error."""
    if len(text) > YAML_LIMIT:
        raise ScenarioError(f"{label}: {len(text):,} characters; YAML inputs are limited to "
                            f"{YAML_LIMIT:,}")
    try:
        loader = _StrictSafeLoader(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{label}: not valid YAML ({excerpt(str(exc), 200)})") from None
    loader.name = label
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, label)
        return loader.construct_document(node)
    except ScenarioError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise ScenarioError(f"{label}{where}: {excerpt(str(exc.problem or exc), 200)}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{label}: not valid YAML ({excerpt(str(exc), 200)})") from None
    except RecursionError:
        raise ScenarioError(f"{label}: nested too deeply to read") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path) -> Any:
    """Read and parse a YAML file safely (a regular file of at most YAML_LIMIT bytes)."""
    file = Path(path)
    raw = read_input_file(file, "YAML file", limit=YAML_LIMIT, error=ScenarioError)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    return load_yaml_text(text, str(file))


def dump_yaml(data: Any) -> str:
    """Dump plain data as YAML (block style, keys in insertion order) that
    :func:`load_yaml_text` reads back to equal data.

    >>> dump_yaml({"title": "1e9", "code": "017"})
    "title: '1e9'\\ncode: '017'\\n"
    """
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
