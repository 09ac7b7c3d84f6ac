"""Business checks against master data and the order database's history."""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.validation.context import ValidationContext
from pipeline.validation.paths import values_by_pattern
from pipeline.validation.rules import INVOICES, rule
from schemas import BusinessDocument, DocumentKind, Finding
from schemas.findings import error, info, warning


def customer_of(doc: BusinessDocument, ctx: ValidationContext):
    """The master-data customer who sent this order, if master data knows them."""
    if ctx.master is None:
        return None
    return ctx.master.customers.resolve(doc.buyer, doc.source.sender)


@rule("business")
def known_partner(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    """Each check runs once that part of the master data exists (customers, suppliers)."""
    if ctx.master is None:
        return
    if (doc.kind is DocumentKind.ORDER and doc.buyer is not None and ctx.master.customers.companies
            and customer_of(doc, ctx) is None):
        who = doc.buyer.name or doc.buyer.gln or doc.buyer.vat_id or "the buyer"
        yield error("UNKNOWN_CUSTOMER", f"{who} is not a customer in the master data (matched on GLN, SIRET, SIREN, "
                    "VAT number, e-mail domain and name).", field="buyer")
    if (doc.kind in (*INVOICES, DocumentKind.DELIVERY_NOTE) and doc.seller is not None
            and ctx.master.suppliers.companies and ctx.master.suppliers.resolve(doc.seller, doc.source.sender) is None):
        who = doc.seller.name or doc.seller.gln or doc.seller.vat_id or "the seller"
        yield error("UNKNOWN_SUPPLIER", f"{who} is not a supplier in the master data.", field="seller")


RECENT_DAYS = 30  # past this age an order is an archive being replayed: "already past" says nothing


@rule("business")
def requested_date_plausible(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    requested = getattr(doc, "requested_delivery_date", None)
    if doc.kind is not DocumentKind.ORDER or requested is None:
        return
    if doc.issue_date and requested < doc.issue_date:
        yield error("REQUESTED_BEFORE_ORDER_DATE", f"The requested delivery date {requested} is before the order "
                    f"date {doc.issue_date}.", field="requested_delivery_date")
    elif ctx.today and requested < ctx.today and (doc.issue_date is None
                                                  or (ctx.today - doc.issue_date).days <= RECENT_DAYS):
        yield error("REQUESTED_DATE_PAST", f"The requested delivery date {requested} is already past (today is "
                    f"{ctx.today}): ask the customer for a new date.", field="requested_delivery_date")


@rule("business")
def order_number_history(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    """The same order again (any channel) is a duplicate; the same number with other lines is a reuse."""
    if doc.kind is not DocumentKind.ORDER or ctx.history is None or not doc.number:
        return
    customer = customer_of(doc, ctx)
    earlier = ctx.history.earlier_order(doc, customer.id if customer else None)
    if earlier is None:
        return
    if earlier.same_lines:
        yield warning("DUPLICATE_ORDER", f"Order {doc.number} was already received (document {earlier.document_id}, "
                      f"by {earlier.channel}) with the same lines: this copy is kept as a duplicate.", field="number")
    else:
        yield error("ORDER_NUMBER_REUSED", f"This customer already sent an order numbered {doc.number} (document "
                    f"{earlier.document_id}) with other lines: a new order or a change of the old one?",
                    field="number")


@rule("business")
def remembered_corrections(doc: BusinessDocument, ctx: ValidationContext) -> Iterable[Finding]:
    """Corrections people made before on this sender's documents are proposed again, never applied."""
    sender = doc.source.sender
    if ctx.history is None or not sender:
        return
    for correction in ctx.history.corrections(sender):
        for path, value in values_by_pattern(doc, correction.field):
            if value == correction.wrong:
                yield info("CORRECTION_PROPOSED", f"{path} is {value!r}; on earlier documents from this sender it "
                           f"was corrected to {correction.right!r} ({correction.times} time(s)). Apply it with: "
                           f"adv exceptions fix ID {path} {correction.right}", field=path)
