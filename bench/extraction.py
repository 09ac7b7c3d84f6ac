"""Accuracy of text-PDF extraction, scored against the truth the corpus carries.

    .venv/bin/python bench/extraction.py [--corpus DIR] [--only SUBSTRING] [--worst N] [--json]

What runs: for every PDF, our ``PdfTextParser`` and ``extract_documents`` on its bytes — the embedded
Factur-X/ZUGFeRD/Order-X XML is ignored (the Factur-X parser is not called), so only the visible text counts.

Truth:
- ``facturx/`` and ``orderx/``: the ``.xml`` beside each PDF (its embedded XML), read here with lxml
  (CII D16B, ZUGFeRD 1.0 and Order-X; element names are matched without namespaces).
  A document is **skipped** when its XML number or its grand total does not appear in its visible text
  (test PDFs whose print shows another invoice, Order-X PDFs with no text at all); the count is printed.
- ``invoice2data/``: the expected JSON beside each PDF, mapped to our fields: ``invoice_number`` → number,
  ``date`` → issue_date, ``date_due`` → due_date, ``amount`` → totals.gross (or payable), ``amount_untaxed``
  → totals.net, ``amount_tax`` → totals.tax, ``currency``; lines with ``qty`` and ``price_subtotal``.

Header scoring, per field: a truth value that appears in the visible text (spaces ignored) is *scored*:
an equal prediction is a true positive; a different one is a false positive and a false negative; none is a
false negative. A truth value the print does not show, or a field the XML does not carry, is not scored (the
XML is not a full transcript of the page: a prediction there cannot be judged). Values compare after
normalising: text without spaces and case, dates as dates, amounts as decimals. A legal id matches when the
SIRET and SIREN agree on the SIREN (its first 9 digits). ``totals.net`` is the sum of the lines
(LineTotalAmount); the tax-basis total is accepted too when the document has allowances or charges.

Key header fields (the target, F1 ≥ 0.90): number, issue_date, seller/buyer vat_id, legal id (SIRET/SIREN) and
gln, totals.net, totals.tax, totals.gross.

Line items (target F1 ≥ 0.80): scored on documents whose XML has lines. A predicted line is correct when it
matches a not-yet-matched truth line with the same quantity and the same net amount (as decimals) and
either a description similarity ≥ 0.8 (difflib ratio of the case- and space-folded texts; one text containing
the other counts as 1.0) or an equal seller item id or GTIN. Precision = matched / predicted lines, recall =
matched / truth lines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402

from extractors import extract_documents  # noqa: E402
from extractors.geometry import squash  # noqa: E402
from extractors.numbers import parse_amount  # noqa: E402
from parsers.pdf import PdfTextParser  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
KEY_FIELDS = ("number", "issue_date", "seller.vat_id", "seller.legal_id", "seller.gln", "buyer.vat_id",
              "buyer.legal_id", "buyer.gln", "totals.net", "totals.tax", "totals.gross")
OTHER_FIELDS = ("kind", "currency", "due_date", "order_ref", "totals.payable")


@dataclass
class TruthLine:
    description: str | None
    quantity: Decimal | None
    net_amount: Decimal | None
    seller_item_id: str | None = None
    gtin: str | None = None


@dataclass
class Truth:
    fields: dict[str, object]
    lines: list[TruthLine] | None  # None: the truth has no lines to score
    alternatives: dict[str, list[object]] = field(default_factory=dict)  # other acceptable values


# -- truth from the embedded XML ------------------------------------------------------------------------
def _x(node, path: str):
    """First match of a namespace-free path such as ``//ExchangedDocument/ID``."""
    parts = [p for p in path.split("/") if p]
    xpath = ("//" if path.startswith("//") else "") + "/".join(f"*[local-name()='{p}']" for p in parts)
    found = node.xpath(xpath if xpath.startswith("//") else "./" + xpath)
    return found[0] if found else None


def _first(*elements):
    """The first element that exists (lxml elements without children are falsy, so ``or`` will not do)."""
    return next((e for e in elements if e is not None), None)


def _text(node, path: str) -> str | None:
    element = _x(node, path)
    return element.text.strip() if element is not None and element.text else None


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text not in (None, "") else None
    except InvalidOperation:
        return None


def _date(text: str | None) -> date | None:
    if not text:
        return None
    digits = text.strip()[:8]
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _party(node, prefix: str, fields: dict[str, object]) -> None:
    if node is None:
        return
    for registration in node.xpath("./*[local-name()='SpecifiedTaxRegistration']/*[local-name()='ID']"):
        if registration.get("schemeID") == "VA" and registration.text:
            fields.setdefault(f"{prefix}.vat_id", registration.text.strip())
    for global_id in node.xpath("./*[local-name()='GlobalID']"):
        if global_id.get("schemeID") in ("0088", "GLN") and global_id.text:
            fields.setdefault(f"{prefix}.gln", global_id.text.strip())
    legal = _x(node, "SpecifiedLegalOrganization/ID")
    if legal is not None and legal.text and legal.get("schemeID") in ("0002", "0009") and legal.text.strip().isdigit():
        fields[f"{prefix}.legal_id"] = legal.text.strip()


def truth_from_xml(data: bytes) -> Truth:
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    header = _first(_x(root, "//ExchangedDocument"), _x(root, "//HeaderExchangedDocument"))
    type_code = _text(header, "TypeCode") if header is not None else None
    kind = {"381": "credit_note", "220": "order", "105": "order", "231": "order_response",
            "351": "delivery_note"}.get(type_code or "", "invoice")
    if root.xpath("local-name()").startswith("SCRDMCCBDACIOMessageStructure"):
        kind = "order"
    fields: dict[str, object] = {
        "number": _text(header, "ID") if header is not None else None,
        "issue_date": _date(_text(header, "IssueDateTime/DateTimeString")) if header is not None else None,
        "kind": kind,
    }
    _party(_x(root, "//SellerTradeParty"), "seller", fields)
    _party(_x(root, "//BuyerTradeParty"), "buyer", fields)
    currency = _text(root, "//InvoiceCurrencyCode") or _text(root, "//OrderCurrencyCode")
    fields["currency"] = currency
    fields["order_ref"] = _text(root, "//BuyerOrderReferencedDocument/IssuerAssignedID") or _text(
        root, "//BuyerOrderReferencedDocument/ID")
    fields["due_date"] = _date(_text(root, "//SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString"))
    summation = None
    for name in ("SpecifiedTradeSettlementHeaderMonetarySummation", "SpecifiedTradeSettlementMonetarySummation"):
        for candidate in root.xpath(f"//*[local-name()='{name}']"):
            if not candidate.xpath("ancestor::*[local-name()='IncludedSupplyChainTradeLineItem']"):
                summation = candidate
                break
        if summation is not None:
            break
    alternatives: dict[str, list[object]] = {}
    if summation is not None:
        def amount(tag: str) -> Decimal | None:
            values = summation.xpath(f"./*[local-name()='{tag}']")
            preferred = [v for v in values if not currency or v.get("currencyID") in (None, currency)]
            chosen = (preferred or values)
            return _decimal(chosen[0].text) if chosen else None
        fields["totals.net"] = amount("LineTotalAmount")
        fields["totals.tax"] = amount("TaxTotalAmount")
        fields["totals.gross"] = amount("GrandTotalAmount")
        fields["totals.payable"] = amount("DuePayableAmount")
        basis = amount("TaxBasisTotalAmount")
        if basis is not None and basis != fields["totals.net"]:
            alternatives["totals.net"] = [basis]
    lines = []
    for item in root.xpath("//*[local-name()='IncludedSupplyChainTradeLineItem']"):
        quantity = _first(_x(item, "SpecifiedLineTradeDelivery/BilledQuantity"),
                          _x(item, "SpecifiedSupplyChainTradeDelivery/BilledQuantity"),
                          _x(item, "SpecifiedLineTradeDelivery/RequestedQuantity"))
        total = item.xpath(".//*[local-name()='LineTotalAmount']")
        product = _x(item, "SpecifiedTradeProduct")
        gtin = None
        if product is not None:
            for global_id in product.xpath("./*[local-name()='GlobalID']"):
                gtin = (global_id.text or "").strip() or None
        lines.append(TruthLine(
            description=_text(product, "Name") if product is not None else None,
            quantity=_decimal(quantity.text) if quantity is not None else None,
            net_amount=_decimal(total[0].text) if total else None,
            seller_item_id=_text(product, "SellerAssignedID") if product is not None else None, gtin=gtin))
    return Truth(fields, lines or None, alternatives)


def truth_from_invoice2data(data: bytes) -> Truth:
    record = json.loads(data)[0]
    def money(key):
        return _decimal(str(record[key])) if record.get(key) is not None else None
    fields = {"number": record.get("invoice_number"),
              "issue_date": date.fromisoformat(record["date"]) if record.get("date") else None,
              "due_date": date.fromisoformat(record["date_due"]) if record.get("date_due") else None,
              "currency": record.get("currency"), "totals.gross": money("amount"),
              "totals.net": money("amount_untaxed"), "totals.tax": money("amount_tax")}
    lines = [TruthLine(line.get("name"), _decimal(str(line["qty"])), _decimal(str(line["price_subtotal"])),
                       line.get("code") or None)
             for line in record.get("lines", []) if "qty" in line and "price_subtotal" in line]
    return Truth(fields, lines or None, {"totals.gross": []})


# -- predictions ----------------------------------------------------------------------------------------
def predicted_fields(document) -> dict[str, object]:
    fields: dict[str, object] = {"number": document.number, "issue_date": document.issue_date,
                                 "kind": document.kind.value, "currency": document.currency,
                                 "due_date": getattr(document, "due_date", None), "order_ref": document.order_ref}
    for role in ("seller", "buyer"):
        party = getattr(document, role)
        if party is not None:
            fields[f"{role}.vat_id"] = party.vat_id
            fields[f"{role}.gln"] = party.gln
            fields[f"{role}.legal_id"] = party.siret or party.siren
    for name in ("net", "tax", "gross", "payable"):
        fields[f"totals.{name}"] = getattr(document.totals, name)
    return fields


def same(name: str, truth: object, predicted: object) -> bool:
    if predicted is None or truth is None:
        return False
    if isinstance(truth, Decimal):
        return isinstance(predicted, Decimal) and abs(truth) == abs(predicted)  # credit notes print either sign
    if isinstance(truth, date):
        return truth == predicted
    a, b = squash(str(truth)), squash(str(predicted))
    if name.endswith("legal_id"):
        return a == b or (len(a) >= 9 and len(b) >= 9 and a[:9] == b[:9])
    return a == b


def visible(name: str, value: object, text: str, amounts: set[Decimal]) -> bool:
    """Whether the print shows the truth value at all (spaces and punctuation ignored)."""
    if value is None:
        return False
    if isinstance(value, Decimal):
        return abs(value) in amounts
    if isinstance(value, date):
        forms = {value.strftime(f) for f in ("%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%y", "%m/%d/%Y")}
        # month names ("13 novembre 2017", "March 20, 2023"): the year and the day must be there
        return any(squash(f) in text for f in forms) or (str(value.year) in text and str(value.day) in text
                                                           and not any(c in text for c in ("" ,)))
    if name == "kind":
        return True
    return squash(str(value)) in text


def similarity(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    a, b = " ".join(a.casefold().split()), " ".join(b.casefold().split())
    if (a in b or b in a) and min(len(a), len(b)) >= 3:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def match_lines(truth: list[TruthLine], predicted) -> int:
    used: set[int] = set()
    matched = 0
    for line in predicted:
        for i, expected in enumerate(truth):
            if i in used or expected.quantity is None or expected.net_amount is None:
                continue
            if line.quantity is None or line.net_amount is None:
                continue
            if abs(line.quantity) != abs(expected.quantity) or abs(line.net_amount) != abs(expected.net_amount):
                continue
            if (similarity(expected.description, line.description) >= 0.8
                    or (expected.seller_item_id
                        and squash(expected.seller_item_id) == squash(line.seller_item_id or ""))
                    or (expected.gtin and expected.gtin == line.gtin)):
                used.add(i)
                matched += 1
                break
    return matched


# -- the run --------------------------------------------------------------------------------------------
@dataclass
class DocumentScore:
    name: str
    pages: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    skipped: str | None = None
    errors: list[str] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))  # tp, fp, fn
    lines: tuple[int, int, int] = (0, 0, 0)  # matched, predicted, truth

    @property
    def badness(self) -> int:
        key = sum(c[1] + c[2] for f, c in self.counts.items() if f in KEY_FIELDS)
        return key + (self.lines[2] - self.lines[0]) + (self.lines[1] - self.lines[0])


def score_document(pdf: Path, truth: Truth, set_name: str) -> DocumentScore:
    result = DocumentScore(f"{set_name}/{pdf.name}")
    data = pdf.read_bytes()
    started, cpu_started = time.perf_counter(), time.process_time()
    parsed = PdfTextParser().parse(data)
    extraction = extract_documents(parsed.layout, hashlib.sha256(data).hexdigest(), "pdf") if parsed.layout else None
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = time.process_time() - cpu_started
    result.pages = len(parsed.layout.pages) if parsed.layout else 0
    words = [w.text for page in parsed.layout.pages for w in page.words] if parsed.layout else []
    text = squash("".join(words))
    amounts = {abs(a) for a in (parse_amount(w) for w in words) if a is not None}
    for joined in (" ".join(words[i:i + 2]) for i in range(len(words) - 1)):  # "1 234,56"
        value = parse_amount(joined)
        if value is not None:
            amounts.add(abs(value))
    number, gross = truth.fields.get("number"), truth.fields.get("totals.gross")
    if set_name != "invoice2data" and not (number and visible("number", number, text, amounts)
                                           and gross is not None and abs(gross) in amounts):
        result.skipped = "no visible text" if not words else "XML number or grand total not in the print"
        return result
    if not extraction or not extraction.documents:
        codes = [f.code for f in (parsed.findings + (extraction.findings if extraction else ()))]
        result.errors.append(f"no document ({', '.join(codes)})")
        document = None
        predicted: dict[str, object] = {}
    else:
        document = extraction.documents[0]
        predicted = predicted_fields(document)
    for name in (*KEY_FIELDS, *OTHER_FIELDS):
        expected = truth.fields.get(name)
        if expected is None or not visible(name, expected, text, amounts):
            continue
        got = predicted.get(name)
        accepted = [expected, *truth.alternatives.get(name, [])]
        if name == "totals.gross" and set_name == "invoice2data":
            accepted.append(expected)
        if any(same(name, value, got) for value in accepted) or (
                set_name == "invoice2data" and name == "totals.gross" and same(name, expected,
                                                                                 predicted.get("totals.payable"))):
            result.counts[name][0] += 1
        else:
            if got is not None:
                result.counts[name][1] += 1
            result.counts[name][2] += 1
            result.errors.append(f"{name}: got {got}, want {expected}")
    if truth.lines is not None and document is not None:
        matched = match_lines(truth.lines, document.lines)
        result.lines = (matched, len(document.lines), len(truth.lines))
        if matched < max(len(truth.lines), len(document.lines)):
            result.errors.append(f"lines: {matched} matched of {len(document.lines)} read, {len(truth.lines)} true")
    elif truth.lines is not None:
        result.lines = (0, 0, len(truth.lines))
    return result


def documents(corpus: Path, only: str | None):
    for set_name in ("facturx", "orderx"):
        for pdf in sorted((corpus / set_name).glob("*.pdf")):
            xml = pdf.with_suffix(".xml")
            if xml.exists() and (not only or only in pdf.name):
                yield set_name, pdf, lambda xml=xml: truth_from_xml(xml.read_bytes())
    for pdf in sorted((corpus / "invoice2data").glob("*.pdf")):
        expected = pdf.with_suffix(".json")
        if expected.exists() and (not only or only in pdf.name):
            yield "invoice2data", pdf, lambda expected=expected: truth_from_invoice2data(expected.read_bytes())


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def summarise(scores: list[DocumentScore], set_names: tuple[str, ...]) -> dict:
    chosen = [s for s in scores if s.name.split("/")[0] in set_names and not s.skipped]
    per_field = {}
    for name in (*KEY_FIELDS, *OTHER_FIELDS):
        tp = sum(s.counts[name][0] for s in chosen if name in s.counts)
        fp = sum(s.counts[name][1] for s in chosen if name in s.counts)
        fn = sum(s.counts[name][2] for s in chosen if name in s.counts)
        if tp + fp + fn:
            per_field[name] = {"tp": tp, "fp": fp, "fn": fn, **dict(zip(("precision", "recall", "f1"),
                                                                         prf(tp, fp, fn)))}
    key = [per_field[n] for n in KEY_FIELDS if n in per_field]
    key_totals = [sum(f[k] for f in key) for k in ("tp", "fp", "fn")]
    matched = sum(s.lines[0] for s in chosen)
    predicted = sum(s.lines[1] for s in chosen)
    true = sum(s.lines[2] for s in chosen)
    return {"documents": len(chosen), "fields": per_field,
            "key_header": dict(zip(("precision", "recall", "f1"), prf(*key_totals))),
            "lines": {"matched": matched, "predicted": predicted, "truth": true,
                      **dict(zip(("precision", "recall", "f1"), prf(matched, predicted - matched, true - matched)))}}


def run(corpus: Path, only: str | None = None) -> dict:
    scores = [score_document(pdf, load(), set_name) for set_name, pdf, load in documents(corpus, only)]
    pages = sum(s.pages for s in scores)
    seconds = sum(s.seconds for s in scores)
    cpu_seconds = sum(s.cpu_seconds for s in scores)
    skipped = [s for s in scores if s.skipped]
    return {
        "corpus": str(corpus), "scored": len(scores) - len(skipped), "skipped": len(skipped),
        "skipped_documents": {s.name: s.skipped for s in skipped},
        "facturx": summarise(scores, ("facturx", "orderx")),
        "invoice2data": summarise(scores, ("invoice2data",)),
        "pages": pages, "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 1) if seconds else None,
        "cpu_seconds": round(cpu_seconds, 2),
        "pages_per_cpu_second": round(pages / cpu_seconds, 1) if cpu_seconds else None,
        "worst": [{"document": s.name, "errors": s.errors}
                  for s in sorted((s for s in scores if not s.skipped), key=lambda s: -s.badness) if s.errors],
    }


def print_report(report: dict, worst: int) -> None:
    print(f"corpus {report['corpus']}: {report['scored']} documents scored, {report['skipped']} skipped "
          f"(XML number or grand total not in the visible text, or no text at all)")
    for section in ("facturx", "invoice2data"):
        summary = report[section]
        print(f"\n== {section} ({summary['documents']} documents) ==")
        print(f"{'field':18} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
        for name, f in summary["fields"].items():
            mark = "*" if name in KEY_FIELDS else " "
            print(f"{mark}{name:17} {f['precision']:6.3f} {f['recall']:6.3f} {f['f1']:6.3f} "
                  f"{f['tp']:4} {f['fp']:3} {f['fn']:3}")
        k, lines = summary["key_header"], summary["lines"]
        print(f"key header fields (*)  P {k['precision']:.3f}  R {k['recall']:.3f}  F1 {k['f1']:.3f}")
        print(f"line items             P {lines['precision']:.3f}  R {lines['recall']:.3f}  F1 {lines['f1']:.3f}  "
              f"({lines['matched']} matched, {lines['predicted']} read, {lines['truth']} true)")
    print(f"\nspeed: {report['pages']} pages in {report['seconds']} s wall = {report['pages_per_second']} pages/s; "
          f"{report['cpu_seconds']} s CPU = {report['pages_per_cpu_second']} pages per CPU second "
          "(parse + extract, one process; the wall figure depends on what else the machine runs)")
    print(f"\nworst documents (of {len(report['worst'])} with an error):")
    for entry in report["worst"][:worst]:
        print(f"- {entry['document']}")
        for error in entry["errors"][:6]:
            print(f"    {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--only", help="only PDFs whose name contains this")
    parser.add_argument("--worst", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    args = parser.parse_args(argv)
    if not (args.corpus / "facturx").is_dir():
        print(f"no corpus at {args.corpus} (expected facturx/, orderx/, invoice2data/)", file=sys.stderr)
        return 2
    report = run(args.corpus, args.only)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print_report(report, args.worst)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
