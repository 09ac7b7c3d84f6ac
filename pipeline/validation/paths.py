"""Field paths into a canonical document (``buyer.gln``, ``lines[2].quantity``): read, generalise, set."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from schemas import BusinessDocument, from_canonical, to_canonical

_INDEX = re.compile(r"\[(\d+)\]")


def generalise(path: str) -> str:
    """``lines[3].quantity`` → ``lines[*].quantity``: a correction applies to any line."""
    return _INDEX.sub("[*]", path)


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    for part in path.split("."):
        name, *indexes = part.split("[")
        if name:
            steps.append(name)
        steps.extend(int(index.rstrip("]")) if index != "*]" else "*" for index in indexes)
    return steps


def get_value(data: Any, path: str) -> Any:
    value = data
    for step in _steps(path):
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        elif isinstance(value, dict):
            value = value.get(step)
        else:
            return None
    return value


def values_by_pattern(doc: BusinessDocument, pattern: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value as text) for every field matching ``pattern`` (``[*]`` matches any line)."""
    data = to_canonical(doc)
    if "[*]" not in pattern:
        value = get_value(data, pattern)
        if value is not None:
            yield pattern, str(value)
        return
    head, _, tail = pattern.partition("[*]")
    for index, _item in enumerate(get_value(data, head) or []):
        path = f"{head}[{index}]{tail}"
        value = get_value(data, path)
        if value is not None:
            yield path, str(value)


def set_value(doc: BusinessDocument, path: str, value: str | None) -> BusinessDocument:
    """A copy of ``doc`` with the field at ``path`` set (parties and addresses are created as needed)."""
    data = to_canonical(doc)
    steps = _steps(path)
    target: Any = data
    for step, following in zip(steps, steps[1:]):
        if isinstance(step, int):
            if not isinstance(target, list) or step >= len(target):
                raise KeyError(f"{path}: there is no line {step}")
            target = target[step]
            continue
        if not isinstance(target, dict) or step not in target:
            raise KeyError(f"{path}: {step} is not a field of this document")
        if target[step] is None:
            target[step] = {}
        target = target[step]
    last = steps[-1]
    if isinstance(last, int) or not isinstance(target, dict) or (last not in target and target):
        raise KeyError(f"{path}: not a field that can be set")
    target[last] = value
    return from_canonical(data)
