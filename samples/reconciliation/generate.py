"""Write the reconciliation month: ``.venv/bin/python samples/reconciliation/generate.py [--out DIR]``.

Writes, into ``samples/reconciliation/.month/`` by default:
- ``edifact/NUMBER.edi``: one interchange per order, delivery note, invoice and credit note (what
  ``adv ingest`` reads);
- ``canonical/NUMBER.json``: the same document in the canonical model (docs/canonical-json.md), as the
  generator meant it, so that a test can check the parser reads back exactly that;
- ``expected_outcome.csv``: every result row reconciliation must produce, with the case it belongs to;
- ``reconciliation.toml``: the tolerances and pack sizes the month assumes (``adv reconcile config load``).

The folder starts with a dot because ``adv ingest samples/`` and the golden-file tests walk ``samples/``
and would otherwise take these documents for conformance samples.
Deterministic: the same bytes every run. It imports ``schemas`` (the canonical model) and nothing else of
ours: the month is a check of the parser and of reconciliation, not a product of them.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from dataclasses import astuple, fields
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # month.py, edifact.py
sys.path.insert(0, str(HERE.parent.parent))  # schemas/

import edifact  # noqa: E402
from month import PRODUCTS, SELLER, Company, Document, Expected, Month, build  # noqa: E402

from schemas import DeliveryNote, Invoice, Line, Party, PurchaseOrder, Source, Totals, to_canonical  # noqa: E402
from schemas.party import Address  # noqa: E402

DEFAULT_OUT = HERE / ".month"


def party(company: Company) -> Party:
    return Party(name=company.name, gln=company.gln, vat_id=company.vat_id,
                 address=Address(city=company.city, postal_code=company.postal_code, country="FR"))


def canonical(doc: Document, data: bytes) -> dict:
    """The document in the canonical model, as meant (what the parser must read back)."""
    source = Source(format="edifact", sha256=hashlib.sha256(data).hexdigest())
    lines = []
    for no, line in enumerate(doc.lines, start=1):
        priced = doc.kind in ("order", "invoice", "credit_note")
        lines.append(Line(
            line_no=no, gtin=line.product.gtin if line.gtin else None,
            seller_item_id=line.product.seller_item_id if line.gtin else None,
            description=line.product.description[:35], quantity=line.quantity, unit=line.unit,
            unit_price=line.price if priced else None, net_amount=line.net if priced else None,
            tax_rate=line.product.tax_rate if doc.kind != "order" and doc.kind != "delivery_note" else None,
            order_ref=line.order_ref if doc.kind != "order" else None,
            order_line_no=line.order_line if doc.kind != "order" else None))
    common = dict(number=doc.number, issue_date=doc.day, currency=None if doc.kind == "delivery_note" else "EUR",
                  seller=party(SELLER), buyer=party(doc.buyer), lines=tuple(lines), source=source)
    net = sum((line.net for line in doc.lines), Decimal(0))
    if doc.kind == "order":
        model = PurchaseOrder(requested_delivery_date=doc.delivery_day, totals=Totals(net=net), **common)
    elif doc.kind == "delivery_note":
        model = DeliveryNote(delivery_date=doc.delivery_day, order_ref=doc.order_ref, delivery_note_ref=doc.note_ref,
                             **common)
    else:
        model = Invoice(kind=doc.kind, order_ref=doc.order_ref, delivery_note_ref=doc.note_ref, totals=Totals(net=net),
                        **common)
    data = to_canonical(model)
    data.pop("provenance", None)
    return data


def expected_csv(rows: list[Expected]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.name for f in fields(Expected)])
    for row in rows:
        writer.writerow(["" if v is None else v for v in astuple(row)])
    return out.getvalue()


def config_toml(month: Month) -> str:
    lines = ["# Tolerances and pack sizes the month assumes: adv reconcile config load THIS_FILE", ""]
    for row in month.tolerances:
        lines.append("[[tolerances]]")
        lines += [f'{key} = "{value}"' for key, value in row.items()]
        lines.append("")
    for product in sorted(PRODUCTS.values(), key=lambda p: p.gtin):
        if product.per_carton:
            lines += ["[[pack_sizes]]", f'item = "{product.gtin}"  # {product.description}', 'unit = "CT"',
                      f'contains = "{product.per_carton}"', 'base_unit = "PCE"', ""]
    return "\n".join(lines)


def write_all(out: Path) -> Month:
    month = build()
    for folder in ("edifact", "canonical"):
        (out / folder).mkdir(parents=True, exist_ok=True)
        for stale in (out / folder).iterdir():
            stale.unlink()
    for n, doc in enumerate(month.documents, start=1):
        data = edifact.interchange(doc, ref=f"R{n:05d}")
        (out / "edifact" / f"{doc.number}.edi").write_bytes(data)
        text = json.dumps(canonical(doc, data), indent=2, ensure_ascii=False) + "\n"
        (out / "canonical" / f"{doc.number}.json").write_text(text, encoding="utf-8", newline="\n")
    (out / "expected_outcome.csv").write_text(expected_csv(month.expected), encoding="utf-8", newline="\n")
    (out / "reconciliation.toml").write_text(config_toml(month), encoding="utf-8", newline="\n")
    return month


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"folder to write into (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    month = write_all(args.out)
    kinds = {}
    for doc in month.documents:
        kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
    outcomes = {}
    for row in month.expected:
        outcomes[row.outcome] = outcomes.get(row.outcome, 0) + 1
    print(f"wrote {len(month.documents)} documents {kinds} and {len(month.expected)} expected rows {outcomes} "
          f"into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
