"""The vocabulary of reconciliation: outcomes of a line triple, dispute statuses, tolerances.

A *line triple* is (order line, delivery line, invoice line), any of which may be missing. Its outcome
says how the invoiced quantity and price compare with what was delivered and ordered.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from schemas.base import FrozenModel


class Outcome(StrEnum):
    MATCHED = "matched"
    QUANTITY_DIFFERENCE = "quantity_difference"  # invoiced and delivered, in different quantities
    PRICE_DIFFERENCE = "price_difference"  # invoiced at another price than ordered
    INVOICED_NOT_DELIVERED = "invoiced_not_delivered"
    DELIVERED_NOT_INVOICED = "delivered_not_invoiced"
    ORDERED_NOT_DELIVERED = "ordered_not_delivered"  # ordered, neither delivered nor invoiced

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Outcome.MATCHED: "Matched",
    Outcome.QUANTITY_DIFFERENCE: "Quantity difference",
    Outcome.PRICE_DIFFERENCE: "Price difference",
    Outcome.INVOICED_NOT_DELIVERED: "Invoiced not delivered",
    Outcome.DELIVERED_NOT_INVOICED: "Delivered not invoiced",
    Outcome.ORDERED_NOT_DELIVERED: "Ordered not delivered",
}

# Worst first: a document's outcome is the worst of its lines'.
SEVERITY: tuple[Outcome, ...] = (
    Outcome.INVOICED_NOT_DELIVERED,
    Outcome.QUANTITY_DIFFERENCE,
    Outcome.PRICE_DIFFERENCE,
    Outcome.DELIVERED_NOT_INVOICED,
    Outcome.ORDERED_NOT_DELIVERED,
    Outcome.MATCHED,
)

# Differences on an invoice's own lines: while one of them is open, the invoice should be blocked.
BLOCKING: frozenset[Outcome] = frozenset(
    {Outcome.INVOICED_NOT_DELIVERED, Outcome.QUANTITY_DIFFERENCE, Outcome.PRICE_DIFFERENCE}
)


class DisputeStatus(StrEnum):
    OPEN = "open"
    JUSTIFIED = "justified"  # a person accepted the difference (e.g. agreed substitution, price rise)
    CREDIT_NOTE_REQUESTED = "credit_note_requested"
    CLOSED = "closed"


# A dispute in these statuses still blocks its invoice.
UNRESOLVED: frozenset[DisputeStatus] = frozenset({DisputeStatus.OPEN, DisputeStatus.CREDIT_NOTE_REQUESTED})


class Tolerance(FrozenModel):
    """How far an invoice may differ and still match. A limit left ``None`` does not apply; a difference is
    tolerated when it is within every limit that is set, and when no limit is set it must be exactly zero."""

    quantity_abs: Decimal | None = None  # in base units (e.g. pieces, kilograms)
    quantity_pct: Decimal | None = None  # percent of the delivered quantity
    price_abs: Decimal | None = Decimal("0.01")  # currency per base unit
    price_pct: Decimal | None = None  # percent of the ordered unit price
