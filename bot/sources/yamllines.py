"""YAML read with the line of every value, so a configuration error can name its line."""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[str | int, ...]


def load(text: str) -> tuple[Any, dict[Path, int]]:
    """The document's data, and for every mapping value and list item the (1-based) line it starts on.

    Raises `yaml.YAMLError` (with its own mark) for text that is not YAML.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path, int] = {}
        if node is None:
            return None, lines
        _walk(node, (), lines)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark.line)
            _walk(value, (*path, name), lines)
            lines[(*path, name)] = key.start_mark.line + 1  # the key's line reads best
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of `path`, or of its nearest enclosing value that has one."""
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)
