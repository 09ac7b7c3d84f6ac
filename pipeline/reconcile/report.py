"""The reconciliation report: an XLSX a person reads (summary first, then one sheet per outcome) and a CSV.

The summary says, before anything else, which invoices to block and why; then the count and the amount at
stake of each outcome. Every sheet has the same columns, the dispute and its status first, and a sentence
saying what is wrong in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.db.models import Dispute, InvoiceRow, PartyRow, ReconciliationLine
from pipeline.reconcile.source import Scope
from pipeline.reconcile.store import in_scope
from schemas.reconciliation import BLOCKING, SEVERITY, UNRESOLVED, Outcome

COLUMNS: list[tuple[str, str, int]] = [  # (column, heading, width)
    ("dispute_id", "Dispute", 8), ("status", "Status", 14), ("customer", "Customer", 24),
    ("invoice_no", "Invoice", 13), ("invoice_line_no", "Inv. line", 8), ("delivery_note_no", "Delivery note", 13),
    ("delivery_line_no", "DN line", 7), ("order_no", "Order", 13), ("order_line_no", "Ord. line", 8),
    ("item", "Item", 15), ("description", "Description", 30), ("unit", "Unit", 6),
    ("qty_ordered", "Ordered", 9), ("qty_delivered", "Delivered", 9), ("qty_invoiced", "Invoiced", 9),
    ("qty_difference", "Difference", 10), ("price_ordered", "Price ordered", 11),
    ("price_invoiced", "Price invoiced", 11), ("amount_at_stake", "At stake", 11), ("why", "Why", 60),
    ("proposal", "Proposal (not applied)", 40), ("matched_by", "How it was matched", 40),
]
UNIT_WORDS = {"C62": "pcs", "KGM": "kg", "LTR": "l", "MTR": "m"}  # base units, as people say them
MONEY, QUANTITY = {"amount_at_stake"}, {"qty_ordered", "qty_delivered", "qty_invoiced", "qty_difference",
                                        "price_ordered", "price_invoiced"}


@dataclass(frozen=True)
class RunInfo:
    run_id: int
    when: datetime
    actor: str
    scope: Scope


def current(session: Session, scope: Scope) -> pl.DataFrame:
    """The stored results in ``scope`` with their dispute, customer name and a sentence saying why."""
    query = (select(ReconciliationLine, Dispute.id, Dispute.status, PartyRow.name)
             .outerjoin(Dispute, Dispute.key == ReconciliationLine.key)
             .outerjoin(PartyRow, PartyRow.id == ReconciliationLine.buyer_id)
             .where(*in_scope(scope)).order_by(ReconciliationLine.invoice_no, ReconciliationLine.order_no,
                                               ReconciliationLine.order_line_no, ReconciliationLine.id))
    records = []
    for line, dispute_id, status, customer in session.execute(query):
        record = {c.name: getattr(line, c.name) for c in ReconciliationLine.__table__.columns}
        record.update(dispute_id=dispute_id, status=status, customer=customer, why=why(record),
                      matched_by=matched_by(record))
        records.append(record)
    return pl.DataFrame(records, infer_schema_length=None) if records else pl.DataFrame(
        schema={name: pl.Utf8 for name, _, _ in COLUMNS} | {"outcome": pl.Utf8})


def _n(value: Decimal | None) -> str:
    return "?" if value is None else format(abs(value).normalize(), "f")


def _eur(value: Decimal | None) -> str:
    return "?" if value is None else f"{abs(value):.2f}"


def why(row: dict[str, Any]) -> str:
    """What is wrong with a result row, in a sentence."""
    outcome, unit, note = row["outcome"], UNIT_WORDS.get(row["unit"] or "", row["unit"] or ""), row.get("note")
    stake = row["amount_at_stake"]
    if outcome == Outcome.QUANTITY_DIFFERENCE:
        more = (row["qty_difference"] or 0) > 0
        text = (f"invoiced {_n(row['qty_invoiced'])} {unit} but delivered {_n(row['qty_delivered'])}: "
                f"{_eur(stake)} billed too {'much' if more else 'little'}")
    elif outcome == Outcome.PRICE_DIFFERENCE:
        per = {"pcs": "piece"}.get(unit, unit)
        text = (f"invoiced at {_n(row['price_invoiced'])} per {per}, ordered at {_n(row['price_ordered'])}: "
                f"{_eur(stake)} billed too {'much' if (stake or 0) > 0 else 'little'}")
    elif outcome == Outcome.INVOICED_NOT_DELIVERED:
        text = (f"credited {_n(row['qty_invoiced'])} {unit} but nothing was returned" if row["reverse"]
                else f"invoiced {_n(row['qty_invoiced'])} {unit} that no delivery note shows")
    elif outcome == Outcome.DELIVERED_NOT_INVOICED:
        text = (f"{_n(row['qty_delivered'])} {unit} returned on {row['delivery_note_no']} and not credited yet"
                if row["reverse"] else
                f"delivered {_n(row['qty_delivered'])} {unit} on {row['delivery_note_no']} and not invoiced yet")
    elif outcome == Outcome.ORDERED_NOT_DELIVERED:
        text = f"ordered {_n(row['qty_ordered'])} {unit}, neither delivered nor invoiced"
    else:
        text = "matches"
    return f"{text} ({note})" if note else text


def matched_by(row: dict[str, Any]) -> str:
    parts = []
    if row.get("delivery_method"):
        parts.append(f"delivery: {row['delivery_method']}")
    if row.get("invoice_method"):
        parts.append(f"invoice: {row['invoice_method']}")
    if row.get("pairing"):
        parts.append(f"paired by {row['pairing']}")
    return "; ".join(parts)


def invoices_to_block(lines: pl.DataFrame) -> pl.DataFrame:
    """One row per invoice that has an unresolved difference on its own lines: why, and how much."""
    if not lines.height:
        return pl.DataFrame()
    blocking = lines.filter(pl.col("outcome").is_in([o.value for o in BLOCKING]) & pl.col("invoice_no").is_not_null()
                            & pl.col("status").is_in([s.value for s in UNRESOLVED]))
    if not blocking.height:
        return pl.DataFrame()
    return (blocking.group_by("invoice_no").agg(
        pl.col("customer").first(), pl.len().alias("lines"),
        pl.col("amount_at_stake").sum().alias("at_stake"),
        pl.format("line {}: {}", pl.col("invoice_line_no"), pl.col("why")).sort().str.join("; ").alias("why"),
        pl.col("dispute_id").cast(pl.Utf8).sort().str.join(", ").alias("disputes"))
        .sort("invoice_no"))


def write(lines: pl.DataFrame, path: Path, info: RunInfo, invoice_dates: dict[str, Any] | None = None) -> list[Path]:
    """Write ``path`` (.xlsx) and the CSV beside it (same name, .csv); a .csv path writes the CSV only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    csv_path = path.with_suffix(".csv")
    _csv(lines, csv_path)
    if path.suffix.lower() == ".csv":
        return [csv_path]
    _xlsx(lines, path.with_suffix(".xlsx"), info, invoice_dates or {})
    return [path.with_suffix(".xlsx"), csv_path]


def _csv(lines: pl.DataFrame, path: Path) -> None:
    names = ["outcome", *[name for name, _, _ in COLUMNS]]
    frame = lines.select([pl.col(n) if n in lines.columns else pl.lit(None).alias(n) for n in names])
    frame.with_columns(pl.col(pl.Decimal).cast(pl.Utf8)).write_csv(path)


def _xlsx(lines: pl.DataFrame, path: Path, info: RunInfo, invoice_dates: dict[str, Any]) -> None:
    book = xlsxwriter.Workbook(str(path))
    f = {
        "title": book.add_format({"bold": True, "font_size": 16}),
        "h2": book.add_format({"bold": True, "font_size": 12}),
        "head": book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True,
                                 "valign": "top"}),
        "money": book.add_format({"num_format": "#,##0.00"}),
        "qty": book.add_format({"num_format": "#,##0.######"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "block": book.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"}),
        "muted": book.add_format({"italic": True, "font_color": "#666666"}),
    }
    summary = book.add_worksheet("Summary")
    _summary(summary, f, lines, info, invoice_dates)
    by_outcome = {o: lines.filter(pl.col("outcome") == o.value) if lines.height else lines for o in SEVERITY}
    for outcome in SEVERITY:
        _sheet(book.add_worksheet(outcome.label), f, by_outcome[outcome])
    book.close()


def _summary(sheet, f, lines: pl.DataFrame, info: RunInfo, invoice_dates: dict[str, Any]) -> None:
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 3, 14)
    sheet.set_column(4, 4, 90)
    sheet.set_column(5, 5, 14)
    scope = info.scope
    sheet.write(0, 0, "Reconciliation: invoices against delivery notes and orders", f["title"])
    sheet.write(1, 0, f"run {info.run_id} on {info.when:%Y-%m-%d %H:%M} by {info.actor}; documents "
                      f"{'since ' + scope.since.isoformat() if scope.since else 'of every date'}; "
                      f"{'customer ' + scope.customer if scope.customer else 'every customer'}", f["muted"])
    blocked = invoices_to_block(lines)
    row = 3
    sheet.write(row, 0, f"Invoices to block: {blocked.height}", f["h2"])
    row += 1
    if blocked.height:
        for col, head in enumerate(("Invoice", "Customer", "Invoice date", "At stake", "Why (one line per "
                                    "difference)", "Disputes")):
            sheet.write(row, col, head, f["head"])
        for record in blocked.iter_rows(named=True):
            row += 1
            sheet.write(row, 0, record["invoice_no"], f["block"])
            sheet.write(row, 1, record["customer"] or "")
            sheet.write(row, 2, str(invoice_dates.get(record["invoice_no"]) or ""))
            sheet.write_number(row, 3, float(record["at_stake"] or 0), f["money"])
            sheet.write(row, 4, record["why"], f["wrap"])
            sheet.write(row, 5, record["disputes"])
    else:
        sheet.write(row, 0, "none: every invoice bills what was delivered, at the ordered price", f["muted"])
    row += 2
    sheet.write(row, 0, "Lines by outcome", f["h2"])
    row += 1
    for col, head in enumerate(("Outcome", "Lines", "Open disputes", "At stake", "What it means")):
        sheet.write(row, col, head, f["head"])
    meaning = {
        Outcome.INVOICED_NOT_DELIVERED: "billed (or credited) with no delivery (or return) behind it",
        Outcome.QUANTITY_DIFFERENCE: "billed more or less than was delivered",
        Outcome.PRICE_DIFFERENCE: "billed at another price than ordered, beyond tolerance",
        Outcome.DELIVERED_NOT_INVOICED: "delivered (or returned) and not billed (or credited) yet",
        Outcome.ORDERED_NOT_DELIVERED: "ordered, neither delivered nor invoiced (open order line)",
        Outcome.MATCHED: "billed exactly what was delivered, at the ordered price (within tolerance)",
    }
    for outcome in SEVERITY:
        part = lines.filter(pl.col("outcome") == outcome.value) if lines.height else lines
        open_count = part.filter(pl.col("status").is_in([s.value for s in UNRESOLVED])).height if part.height else 0
        at_stake = float(part["amount_at_stake"].sum() or 0) if part.height else 0.0
        row += 1
        sheet.write(row, 0, outcome.label)
        sheet.write_number(row, 1, part.height)
        sheet.write_number(row, 2, open_count)
        sheet.write_number(row, 3, at_stake, f["money"])
        sheet.write(row, 4, meaning[outcome])
    row += 2
    sheet.write(row, 0, "At stake: + the customer is billed more than is due, - less. A dispute's status is changed "
                        "with `adv reconcile disputes set ID STATUS --reason …`; justified and closed disputes no "
                        "longer block their invoice.", f["muted"])
    sheet.activate()


def _sheet(sheet, f, lines: pl.DataFrame) -> None:
    for col, (name, head, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width, f["wrap"] if name in ("why", "proposal", "matched_by") else None)
        sheet.write(0, col, head, f["head"])
    sheet.freeze_panes(1, 0)
    for r, record in enumerate(lines.iter_rows(named=True) if lines.height else (), start=1):
        for col, (name, _, _) in enumerate(COLUMNS):
            value = record.get(name)
            if value is None:
                continue
            if name in MONEY or name in QUANTITY:
                sheet.write_number(r, col, float(value), f["money"] if name in MONEY else f["qty"])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(r, col, value)
            else:
                sheet.write(r, col, str(value))
    sheet.autofilter(0, 0, max(lines.height, 1), len(COLUMNS) - 1)


def invoice_dates(session: Session, numbers: list[str]) -> dict[str, Any]:
    """Issue date of each invoice number (for the summary)."""
    if not numbers:
        return {}
    return dict(session.execute(select(InvoiceRow.number, InvoiceRow.issue_date)
                                .where(InvoiceRow.number.in_(numbers[:1000]))).all())
