"""Supplier profiles: optional hints in ``extractors/profiles/*.yaml``, one file per supplier, no code.

A profile matches a layout by one of its VAT ids (anywhere in the text) or by all of its keywords. It can
add label phrases (``labels: {number: [...], totals.gross: [...]}``), header words for table columns
(``columns: {quantity: [...]}``) and defaults (``defaults: {currency: EUR, kind: invoice}``, used when the
document does not say).
It never removes the general rules: a profile only helps them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from extractors.geometry import TextLine, squash
from extractors.numbers import fold

log = logging.getLogger(__name__)
PROFILE_DIR = Path(__file__).parent / "profiles"
KNOWN_KEYS = {"name", "match", "labels", "columns", "defaults"}


@dataclass(frozen=True)
class Profile:
    name: str
    vat_ids: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    labels: dict[str, list[str]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    defaults: dict[str, object] = field(default_factory=dict)
    path: str = ""

    def matches(self, squashed_text: str, folded_text: str) -> bool:
        if any(squash(vat_id) in squashed_text for vat_id in self.vat_ids):
            return True
        return bool(self.keywords) and all(fold(k) in folded_text for k in self.keywords)


def load_profile(path: Path) -> Profile:
    """Read one profile file; a malformed one raises ValueError naming the file and the problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not data.get("name"):
        raise ValueError(f"{path}: a profile needs at least a 'name'")
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)} (allowed: {sorted(KNOWN_KEYS)})")
    match = data.get("match") or {}
    return Profile(name=str(data["name"]), vat_ids=tuple(map(str, match.get("vat_ids", []))),
                   keywords=tuple(map(str, match.get("keywords", []))),
                   labels={k: list(map(str, v)) for k, v in (data.get("labels") or {}).items()},
                   columns={k: list(map(str, v)) for k, v in (data.get("columns") or {}).items()},
                   defaults=dict(data.get("defaults") or {}), path=str(path))


@lru_cache(maxsize=4)
def load_profiles(folder: Path = PROFILE_DIR) -> tuple[Profile, ...]:
    profiles = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            profiles.append(load_profile(path))
        except (ValueError, yaml.YAMLError) as exc:  # one bad file must not stop every PDF
            log.error("supplier profile ignored: %s", exc)
    return tuple(profiles)


def match_profile(lines: list[TextLine], profiles: tuple[Profile, ...] | None = None) -> Profile | None:
    """The first profile (by file name) that matches the layout's text, or None."""
    profiles = load_profiles() if profiles is None else profiles
    if not profiles:
        return None
    folded = " ".join(fold(line.text) for line in lines)
    squashed = "".join(line for line in (squash(line.text) for line in lines))
    return next((p for p in profiles if p.matches(squashed, folded)), None)
