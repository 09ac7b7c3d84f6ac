"""The canonical document model shared by every stage (imports nothing of ours)."""

from schemas.canonical import from_canonical, to_canonical
from schemas.documents import (
    FINAL_STATES,
    BusinessDocument,
    DeliveryNote,
    DocumentKind,
    Invoice,
    Line,
    OrderResponse,
    PurchaseOrder,
    Source,
    Status,
    Totals,
)
from schemas.findings import Finding, Severity
from schemas.party import Address, Party
from schemas.provenance import Provenance

__all__ = [
    "FINAL_STATES",
    "Address",
    "BusinessDocument",
    "DeliveryNote",
    "DocumentKind",
    "Finding",
    "Invoice",
    "Line",
    "OrderResponse",
    "Party",
    "Provenance",
    "PurchaseOrder",
    "Severity",
    "Source",
    "Status",
    "Totals",
    "from_canonical",
    "to_canonical",
]
