"""``adv masterdata import``: customers, suppliers, products, customer item codes and prices from CSV or XLSX.

Each kind has its columns (docs/masterdata.md); rows are upserted on their natural key, so
importing the same file twice changes nothing. A row with a bad identifier is refused with the
reason, the others are imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum import ean
from stdnum.eu import vat
from stdnum.fr import siren, siret

from pipeline.masterdata.models import Customer, CustomerItem, Price, Product, Supplier

KINDS = ("customers", "suppliers", "products", "customer_items", "prices")


@dataclass
class ImportReport:
    kind: str
    inserted: int = 0
    updated: int = 0
    refused: list[str] = field(default_factory=list)  # "row 7: GTIN 123 has a wrong check digit"


class RowError(ValueError):
    pass


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV (comma or semicolon, UTF-8 with or without BOM) or of the first sheet of an XLSX."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        rows = [[("" if cell is None else str(cell)).strip() for cell in row] for row in sheet.iter_rows(values_only=True)]
        header, body = rows[0], rows[1:]
        return [dict(zip(header, row)) for row in body if any(row)]
    text = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(io.StringIO(text),
                                                                                                   dialect=dialect)]


def kind_of(path: Path) -> str:
    stem = path.stem.lower().replace("-", "_")
    for kind in KINDS:
        if stem == kind or stem.endswith(kind):
            return kind
    raise ValueError(f"cannot tell what {path.name} holds: name it after one of {', '.join(KINDS)} or pass --kind")


def import_file(session: Session, path: Path, kind: str | None = None) -> ImportReport:
    kind = kind or kind_of(path)
    report = ImportReport(kind)
    handler = _HANDLERS[kind]
    for number, row in enumerate(read_rows(path), start=2):  # row 1 is the header
        try:
            with session.begin_nested():
                inserted = handler(session, row)
            if inserted:
                report.inserted += 1
            else:
                report.updated += 1
        except RowError as exc:
            report.refused.append(f"row {number}: {exc}")
    session.commit()
    return report


# -- one function per kind -------------------------------------------------------------------------


def _required(row: dict[str, str], name: str) -> str:
    value = row.get(name, "")
    if not value:
        raise RowError(f"column {name} is empty")
    return value


def _optional(row: dict[str, str], name: str) -> str | None:
    return row.get(name) or None


def _checked(value: str | None, check: Callable[[str], bool], label: str) -> str | None:
    if value and not check(value):
        raise RowError(f"{label} {value} is not valid")
    return value


def _decimal(value: str | None, label: str) -> Decimal | None:
    if not value:
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        raise RowError(f"{label} {value!r} is not a number") from None


def _date(value: str | None, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise RowError(f"{label} {value!r} is not a date (YYYY-MM-DD)") from None


def _upsert(session: Session, model, key: dict, values: dict) -> bool:
    existing = session.scalar(select(model).filter_by(**key))
    if existing is None:
        session.add(model(**key, **values))
        session.flush()
        return True
    for name, value in values.items():
        setattr(existing, name, value)
    return False


def _company(model) -> Callable[[Session, dict[str, str]], bool]:
    def handle(session: Session, row: dict[str, str]) -> bool:
        number = _checked(_optional(row, "siret"), siret.is_valid, "SIRET")
        values = {
            "name": _required(row, "name"),
            "gln": _checked(_optional(row, "gln"), lambda v: len(v) == 13 and ean.is_valid(v), "GLN"),
            "siret": number,
            "siren": _checked(_optional(row, "siren") or (number[:9] if number else None), siren.is_valid, "SIREN"),
            "vat_id": _checked(_optional(row, "vat_id"), vat.is_valid, "VAT number"),
            "street": _optional(row, "street"), "city": _optional(row, "city"),
            "postal_code": _optional(row, "postal_code"), "country": _optional(row, "country"),
        }
        if model is Customer:
            values["email_domains"] = " ".join((row.get("email_domains") or "").replace(",", " ").split()) or None
        return _upsert(session, model, {"code": _required(row, "code")}, values)

    return handle


def _product(session: Session, row: dict[str, str]) -> bool:
    values = {
        "gtin": _checked(_optional(row, "gtin"), ean.is_valid, "GTIN"),
        "description": _required(row, "description"),
        "unit": row.get("unit") or "C62",
        "pack_size": _decimal(_optional(row, "pack_size"), "pack size"),
    }
    return _upsert(session, Product, {"item_id": _required(row, "item_id")}, values)


def _lookup(session: Session, model, column, value: str, label: str) -> int:
    found = session.scalar(select(model.id).where(column == value))
    if found is None:
        raise RowError(f"{label} {value} is unknown: import it first")
    return found


def _customer_item(session: Session, row: dict[str, str]) -> bool:
    customer = _lookup(session, Customer, Customer.code, _required(row, "customer_code"), "customer")
    product = _lookup(session, Product, Product.item_id, _required(row, "item_id"), "product")
    return _upsert(session, CustomerItem, {"customer_id": customer, "customer_item_id": _required(row,
                   "customer_item_id")}, {"product_id": product})


def _price(session: Session, row: dict[str, str]) -> bool:
    code = _optional(row, "customer_code")
    customer = _lookup(session, Customer, Customer.code, code, "customer") if code else None
    product = _lookup(session, Product, Product.item_id, _required(row, "item_id"), "product")
    price = _decimal(_required(row, "unit_price"), "unit price")
    valid_from = _date(_required(row, "valid_from"), "valid_from")
    return _upsert(session, Price, {"customer_id": customer, "product_id": product, "valid_from": valid_from},
                   {"unit_price": price, "currency": row.get("currency") or "EUR",
                    "valid_to": _date(_optional(row, "valid_to"), "valid_to"),
                    "tolerance_percent": _decimal(_optional(row, "tolerance_percent"), "tolerance")})


_HANDLERS: dict[str, Callable[[Session, dict[str, str]], bool]] = {
    "customers": _company(Customer),
    "suppliers": _company(Supplier),
    "products": _product,
    "customer_items": _customer_item,
    "prices": _price,
}


def import_files(session: Session, paths: Iterable[Path], kind: str | None = None) -> list[ImportReport]:
    """Import several files in dependency order (companies and products before codes and prices)."""
    ordered = sorted(paths, key=lambda p: KINDS.index(kind or kind_of(p)))
    return [import_file(session, path, kind) for path in ordered]
