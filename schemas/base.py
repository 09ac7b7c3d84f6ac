"""Shared base for the canonical model: frozen, strict about unknown fields, decimal-friendly."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """Immutable model; every stage returns a new value instead of mutating its input."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")
