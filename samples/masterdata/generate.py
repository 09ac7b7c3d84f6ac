"""Write the sample master data: ``.venv/bin/python samples/masterdata/generate.py [--out DIR]``.

customers.csv, suppliers.csv, products.csv, customer_items.csv and prices.csv describe the fictional firms and
catalogues of the EDIFACT samples (taken from ``samples/edigen/parties.py``, so an identifier changed there changes
here), in the columns ``adv masterdata import`` reads (docs/masterdata.md). With them imported, the good sample
orders still validate: every buyer is a customer, every sender of invoices a supplier, every line a product, at
the price of the customer's current price list, in whole packs. Deterministic: the same bytes every run
(tests/test_masterdata_samples.py compares them with the committed files).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # samples/, for edigen

from edigen.parties import (  # noqa: E402
    BIOFRAIS,
    BIOFRAIS_CATALOGUE,
    BIOFRAIS_EGGS,
    BRASSERIE_SAINT_ELOI,
    COMPTOIRS_LYONNAIS,
    EPICERIE_DU_MARCHE,
    FEINKOST_CATALOGUE,
    FEINKOST_MULLER,
    HYGIENE_PRO,
    HYGIENE_PRO_CATALOGUE,
    MAISON_DURAND,
    Company,
    Product,
)

MANIFEST = HERE.parent / "edifact" / "manifest.json"  # what the EDIFACT samples order, to check pack sizes against

# Our code for each customer, and the mail domains their orders come from (matched when a PDF names no GLN).
CUSTOMERS: tuple[tuple[str, Company, str], ...] = (
    ("CLI-0007", MAISON_DURAND, "maison-durand.example"),
    ("CLI-0019", EPICERIE_DU_MARCHE, "epicerie-du-marche.example"),
    ("CLI-0042", COMPTOIRS_LYONNAIS, "comptoirs-lyonnais.example"),  # the code plain EDIFACT orders carry (NAD 91)
    ("CLI-0051", BRASSERIE_SAINT_ELOI, "brasserie-saint-eloi.example"),
)
SUPPLIERS: tuple[tuple[str, Company], ...] = (
    ("FOU-BIOFRAIS", BIOFRAIS),
    ("FOU-HYGIENEPRO", HYGIENE_PRO),
    ("FOU-FEINKOST", FEINKOST_MULLER),
)
CATALOGUE: tuple[Product, ...] = (*BIOFRAIS_CATALOGUE, BIOFRAIS_EGGS, *HYGIENE_PRO_CATALOGUE, *FEINKOST_CATALOGUE)
PACK_SIZES = {"HP-SAC100": 12, "HP-EMP2P": 6, "FM-BRZ50": 4}  # order quantities must be whole packs
CUSTOMER_ITEMS = (("CLI-0042", "CL-GANT-NIT-M", "HP-GNM100"),)  # what Les Comptoirs Lyonnais call our gloves

# Which catalogues each customer buys from: its price list for 2025 covers them.
BUYS_FROM = {
    "CLI-0007": (*BIOFRAIS_CATALOGUE, BIOFRAIS_EGGS, *HYGIENE_PRO_CATALOGUE),
    "CLI-0019": (*BIOFRAIS_CATALOGUE, *HYGIENE_PRO_CATALOGUE),
    "CLI-0042": (*BIOFRAIS_CATALOGUE, *HYGIENE_PRO_CATALOGUE),
    "CLI-0051": FEINKOST_CATALOGUE,
}
LIST_FROM = date(2025, 1, 1)
YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))
EXPIRED = (date(2024, 1, 1), date(2024, 12, 31))  # Maison Durand's 2024 prices, 3 % lower: no longer valid
FUTURE = (date(2026, 1, 1), None)  # Maison Durand's 2026 prices, 4 % higher: not valid yet
BRASSERIE_TOLERANCE = Decimal("5")  # imported beer prices move with the exchange of the day


def company_row(code: str, company: Company) -> dict[str, str]:
    return {"code": code, "name": company.name, "gln": company.gln, "siret": company.siret or "",
            "siren": company.siren or "", "vat_id": company.vat_id, "street": company.street, "city": company.city,
            "postal_code": company.postal_code, "country": company.country}


def price(value: Decimal, factor: str = "1") -> str:
    """A price with as many decimals as the catalogue gives (at least two)."""
    places = max(-value.as_tuple().exponent, 2)
    return str((value * Decimal(factor)).quantize(Decimal(1).scaleb(-places)))


def price_row(customer: str, product: Product, unit_price: str, period: tuple[date, date | None],
              tolerance: Decimal | None = None) -> dict[str, str]:
    return {"customer_code": customer, "item_id": product.seller_item_id, "unit_price": unit_price,
            "currency": "EUR", "valid_from": period[0].isoformat(),
            "valid_to": period[1].isoformat() if period[1] else "",
            "tolerance_percent": str(tolerance) if tolerance is not None else ""}


def tables() -> dict[str, list[dict[str, str]]]:
    """Each file's rows, in the order ``adv masterdata import`` needs them (companies and products first)."""
    customers = [{**company_row(code, company), "email_domains": domain} for code, company, domain in CUSTOMERS]
    suppliers = [company_row(code, company) for code, company in SUPPLIERS]
    products = [{"item_id": p.seller_item_id, "gtin": p.gtin, "description": p.description, "unit": p.unit,
                 "pack_size": str(PACK_SIZES.get(p.seller_item_id, ""))} for p in CATALOGUE]
    items = [{"customer_code": customer, "customer_item_id": theirs, "item_id": ours}
             for customer, theirs, ours in CUSTOMER_ITEMS]
    prices = [price_row("", p, price(p.unit_price), (LIST_FROM, None)) for p in CATALOGUE]  # the list price
    for code, catalogue in BUYS_FROM.items():
        tolerance = BRASSERIE_TOLERANCE if code == "CLI-0051" else None
        prices += [price_row(code, p, price(p.unit_price), YEAR_2025, tolerance) for p in catalogue]
    durand = BUYS_FROM["CLI-0007"]
    prices += [price_row("CLI-0007", p, price(p.unit_price, "0.97"), EXPIRED) for p in durand]
    prices += [price_row("CLI-0007", p, price(p.unit_price, "1.04"), FUTURE) for p in durand]
    return {"customers": customers, "suppliers": suppliers, "products": products, "customer_items": items,
            "prices": prices}


def check_against_samples(rows: dict[str, list[dict[str, str]]]) -> None:
    """Every sample order's buyer is a customer, its items products, and packed items come in whole packs."""
    if not MANIFEST.is_file():
        return
    glns = {row["gln"] for row in rows["customers"]}
    names = {row["name"].casefold() for row in rows["customers"]}
    items = {row["item_id"] for row in rows["products"]}
    samples = json.loads(MANIFEST.read_text(encoding="utf-8"))["samples"]
    for sample in samples:
        for document in sample["documents"]:
            if document["kind"] != "order":
                continue
            content = document["content"]
            buyer = content["buyer"]
            assert buyer["gln"] in glns or (buyer["name"] or "").casefold() in names, (sample["file"], buyer)
            for line in content["lines"]:
                assert line["seller_item_id"] in items, (sample["file"], line)
                pack = PACK_SIZES.get(line["seller_item_id"])
                assert pack is None or Decimal(line["quantity"]) % pack == 0, (sample["file"], line, pack)


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write(folder: Path) -> list[Path]:
    rows = tables()
    check_against_samples(rows)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, table in rows.items():
        path = folder / f"{kind}.csv"
        path.write_text(csv_text(table), encoding="utf-8", newline="")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    for path in write(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
