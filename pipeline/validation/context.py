"""What validation may consult besides the document: tolerances, today's date, master data, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from pipeline.masterdata.lookup import MasterData
from schemas import BusinessDocument


@dataclass(frozen=True)
class EarlierOrder:
    document_id: int
    same_lines: bool  # the same items and quantities: the same order sent again, maybe by another channel
    channel: str


@dataclass(frozen=True)
class Correction:
    field: str  # canonical path with line indexes replaced by [*]
    wrong: str
    right: str
    times: int


class History(Protocol):
    """What the order database knows of earlier documents (read-only)."""

    def earlier_order(self, doc: BusinessDocument, customer_id: int | None) -> EarlierOrder | None: ...

    def corrections(self, sender: str) -> list[Correction]: ...


@dataclass(frozen=True)
class ValidationContext:
    tolerance: Decimal = Decimal("0.01")  # absolute, on amounts
    price_tolerance_percent: Decimal = Decimal("2")  # default when the price list gives none
    today: date | None = None  # requested dates before it are flagged; None skips the check
    master: MasterData | None = None
    history: History | None = None

    @property
    def has_master_data(self) -> bool:
        return self.master is not None and not self.master.empty
