"""The canonical JSON form (docs/canonical-json.md): what ``adv replay --json`` prints."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from schemas.documents import BusinessDocument

_adapter: TypeAdapter = TypeAdapter(BusinessDocument)


def to_canonical(document: BusinessDocument) -> dict[str, Any]:
    """JSON-ready dict: decimals as strings, dates ISO, absent values null, provenance compact."""
    data = document.model_dump(mode="json")
    data = {"kind": data.pop("kind"), **data}  # the kind first: it says how to read the rest
    data["provenance"] = {
        path: {k: v for k, v in entry.items() if v is not None} for path, entry in data["provenance"].items()
    }
    for finding in data["findings"]:
        if finding.get("location"):
            finding["location"] = {k: v for k, v in finding["location"].items() if v is not None}
    return data


def from_canonical(data: dict[str, Any]) -> BusinessDocument:
    """Rebuild a typed document from its canonical JSON form (what the database keeps)."""
    return _adapter.validate_python(data)
