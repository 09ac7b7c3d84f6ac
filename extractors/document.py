"""One layout → one canonical document: the rules' ``Found`` values put together, each with provenance.

Findings say what a person should check: a required field that was not found (``FIELD_MISSING``), a value
read with low confidence (``LOW_CONFIDENCE``). An identifier printed with a wrong check digit is kept as
printed; validation flags it (``INVALID_VAT_ID``, ``INVALID_SIRET``…) like on every channel.
"""

from __future__ import annotations

from decimal import Decimal

from extractors.geometry import Found, PhraseIndex, TextLine, union_box
from extractors.header import HeaderRules, Title, document_kind
from extractors.identifiers import Identifier, find_identifiers
from extractors.labels import IDENTIFIER_LABELS, PARTY_ANCHORS
from extractors.parties import ROLES, assign_identifiers, letterhead_name, party_address, party_name
from extractors.profiles import Profile
from extractors.table import Table, TableReader
from extractors.totals import TotalsRules
from schemas import (Address, BusinessDocument, DocumentKind, Finding, Line, Party,
                     Provenance, Source, Totals)
from schemas.documents import MODELS
from schemas.findings import error

MIN_CONFIDENCE = 0.5  # below this a value is shown to a person before the document is loaded
REQUIRED: dict[DocumentKind, tuple[str, ...]] = {  # number, lines and parties are checked by validation rules
    DocumentKind.INVOICE: ("issue_date", "totals.gross"),
    DocumentKind.CREDIT_NOTE: ("issue_date", "totals.gross"),
    DocumentKind.ORDER: ("issue_date",),
    DocumentKind.ORDER_RESPONSE: ("issue_date",),
    DocumentKind.DELIVERY_NOTE: ("issue_date",),
}
_ANCHORS = PhraseIndex(PARTY_ANCHORS)
_ID_LABELS = PhraseIndex(IDENTIFIER_LABELS)


class DocumentBuilder:
    """Collects field values with their provenance, then makes the typed document."""

    def __init__(self, method: str) -> None:
        self.method = method
        self.values: dict[str, object] = {}
        self.provenance: dict[str, Provenance] = {}

    def put(self, path: str, found: Found | None, value: object = None) -> None:
        if found is None:
            return
        self.values[path] = found.value if value is None else value
        self.provenance[path] = found.provenance(self.method)


def build_document(lines: list[TextLine], method: str, profile: Profile | None, source: Source) -> BusinessDocument:
    """The document a layout's lines show: table first (header rules skip its lines), then header, parties,
    totals; every value recorded with its provenance."""
    hints = profile.labels if profile else {}
    defaults = profile.defaults if profile else {}
    table = TableReader(_merged_columns(profile)).read(lines)
    skip = set(table.used_lines)
    title = document_kind(lines, skip)
    if title.hit is None and defaults.get("kind"):
        title = Title(DocumentKind(defaults["kind"]), None, 0.8)
    out = DocumentBuilder(method)
    _header(lines, title, skip, hints, defaults, out)
    issuer = "buyer" if title.kind is DocumentKind.ORDER else "seller"  # a purchase order is the buyer's paper
    parties = _parties(lines, skip, out, issuer)
    lines_out = _lines(table, out)
    totals_rules = TotalsRules(hints)
    for name, found in totals_rules.choose(totals_rules.candidates(lines, skip), _line_sum(lines_out)).items():
        out.put(f"totals.{name}", found)
    model = MODELS[title.kind]
    header = {k: v for k, v in out.values.items() if k in model.model_fields and k not in parties}
    document = model(
        kind=title.kind, source=source, lines=tuple(lines_out), **header, **parties,
        totals=Totals(**{k.split(".", 1)[1]: v for k, v in out.values.items() if k.startswith("totals.")}),
        provenance={**out.provenance, "kind": _kind_provenance(title, method)},
    )
    return document.with_findings(_findings(document, out))


def _header(lines: list[TextLine], title: Title, skip: set[int], hints: dict, defaults: dict,
            out: DocumentBuilder) -> None:
    rules = HeaderRules(title.kind, hints)
    number = rules.number(lines, title)
    out.put("number", number)
    for name, found in rules.dates_found(lines, title, skip).items():
        out.put(name, found)
    currency = rules.currency_found(lines)
    if currency is None and defaults.get("currency"):
        out.values["currency"] = str(defaults["currency"])
        out.provenance["currency"] = Provenance(method="profile", confidence=0.8)
    out.put("currency", currency)
    for name, found in rules.references_found(lines, number).items():
        out.put(name, found)


def _kind_provenance(title: Title, method: str) -> Provenance:
    if title.hit is None:
        return Provenance(method=method, confidence=title.confidence)
    return Provenance(method=method, confidence=title.confidence, page=title.hit.line.page,
                      bbox=union_box(title.hit.words))


def _merged_columns(profile: Profile | None) -> dict[str, list[str]] | None:
    if not profile or not profile.columns:
        return None
    from extractors.columns import COLUMN_WORDS
    return {name: list(profile.columns.get(name, [])) + words for name, words in COLUMN_WORDS.items()}


def _parties(lines: list[TextLine], skip: set[int], out: DocumentBuilder, issuer: str) -> dict[str, Party | None]:
    outside = [line for line in lines if line.index not in skip]
    id_labels = _ID_LABELS.find(outside)
    labelled = {(hit.line.index, i) for hit in id_labels for i in range(hit.start, hit.end)}
    anchors = [a for a in _ANCHORS.find(outside)  # "client" in "N° TVA client" names the VAT id, not a block
               if not any((a.line.index, i) in labelled for i in range(a.start, a.end))]
    identifiers = find_identifiers(outside, id_labels)
    found = assign_identifiers(identifiers, anchors, issuer)
    for role in ROLES:
        role_anchors = [a for a in anchors if a.name == role]
        for anchor in role_anchors:
            name = party_name(lines, anchor, [a for a in anchors if a is not anchor])
            if name:
                found[role].name = name
                break
    if found[issuer].name is None:
        found[issuer].name = letterhead_name(lines, skip | {a.line.index for a in anchors})
    anchor_lines = {a.line.index for a in anchors} | skip
    for role in ROLES:
        if found[role].name is not None:
            found[role].address = party_address(lines, found[role].name, anchor_lines)
    parties: dict[str, Party | None] = {}
    for role in ROLES:
        party = found[role]
        if party.name is None and not party.identifiers:
            parties[role] = None
            continue
        values = {}
        if party.name:
            values["name"] = party.name.value
            out.put(f"{role}.name", party.name)
        for kind, identifier in party.identifiers.items():
            values[kind] = identifier.value
            out.put(f"{role}.{kind}", _identifier_found(identifier))
        address = dict(party.address.value) if party.address else {}
        if "country" not in address and party.identifiers.get("vat_id") and address:
            address["country"] = party.identifiers["vat_id"].value[:2].replace("EL", "GR")  # FR… VAT: a French firm
        if address:
            values["address"] = Address(**address)
            out.put(f"{role}.address", party.address, value=address)
        parties[role] = Party(**values)
    return parties


def _identifier_found(identifier: Identifier) -> Found:
    confidence = 0.95 if identifier.label else 0.8
    return Found(identifier.value, identifier.words, identifier.line.page, confidence)


def _lines(table: Table, out: DocumentBuilder) -> list[Line]:
    result = []
    for i, item in enumerate(table.lines):
        values = {}
        for name, found in item.fields.items():
            if name == "discount":
                continue
            values[name] = found.value
            out.put(f"lines[{i}].{name}", found)
        if "line_no" not in values:
            values["line_no"] = i + 1
        result.append(Line(**values))
    return result


def _line_sum(lines: list[Line]) -> Decimal | None:
    amounts = [line.net_amount for line in lines]
    if not amounts or any(a is None for a in amounts):
        return None
    return sum(amounts, Decimal(0))


def _findings(document: BusinessDocument, out: DocumentBuilder) -> list[Finding]:
    findings: list[Finding] = []
    for path in REQUIRED[document.kind]:
        if path not in out.values:
            findings.append(error("FIELD_MISSING", f"No {path.replace('totals.', 'total ').replace('_', ' ')} "
                                  "was found on the document; key it in from the PDF.", field=path))
    for path, provenance in document.provenance.items():
        if provenance.confidence < MIN_CONFIDENCE:
            findings.append(error("LOW_CONFIDENCE", f"The {path} was read with confidence {provenance.confidence:.2f}"
                                  f" (below {MIN_CONFIDENCE}); check it against the PDF.", field=path,
                                  location=provenance))
    return findings
