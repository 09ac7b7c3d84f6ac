"""Who sent the order: the company in the signature, its SIRET/SIREN/VAT number anywhere in the mail, and the
sender's address (whose domain master data knows). With a catalogue, the company master data resolves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc

from extractors.text.codes import digits
from extractors.text.components import spans
from extractors.text.found import TextValue
from extractors.text.message import is_closing
from extractors.text.vocabulary import fold

LEGAL_FORMS = re.compile(r"(?<![\w.])(?:SAS|SASU|SARL|SA|EURL|SNC|SCOP|SCA|SCI|GIE|S\.A\.S\.?|S\.A\.R\.L\.?|S\.A\.|"
                         r"Sàrl|GmbH|Ltd\.?|Limited|LLC|Inc\.?|PLC|BV|NV|SpA|SRL|AG|Cie|& Fils|et Fils)(?![\w])")
_ROLE = re.compile(r"\b(?:service|responsable|acheteu[rs]e?|achats?|gerant|gérante?|directeur|directrice|manager|"
                   r"buyer|purchasing|procurement|chef|assistante?|comptab\w*|approvisionnement|logistique|"
                   r"supply|office|head|commerciale?|adv|gestionnaire|employee|cuisine|owner|proprietaire|"
                   r"propriétaire|direction|pdg|ceo|coordinat\w+|magasinier|economat|économat|intendance)\b",
                   re.IGNORECASE)
_NOT_COMPANY = re.compile(r"@|https?:|www\.|\+?\d[\d .()-]{7,}|^(?:t[ée]l|tel|fax|mob|mobile|phone|port|siret|siren|"
                          r"tva|vat|rcs|ape|naf)\b|\d{5}", re.IGNORECASE)
_SPLIT = re.compile(r"\s+[-–|/]\s+|,\s+|\s+·\s+")


@dataclass(frozen=True)
class Buyer:
    name: TextValue | None
    siret: TextValue | None
    siren: TextValue | None
    vat_id: TextValue | None
    company: Any = None  # the master-data company, when the catalogue resolved it


def _signature_lines(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """The signature's lines after its closing formulas ("Merci par avance." "Bonne journée,")."""
    lines, offset = [], start
    for line in text[start:end].split("\n"):
        if line.strip() and (lines or not is_closing(line)) and line.strip() != "--":
            lines.append((offset, line))
        offset += len(line) + 1
    return lines


def _company_in(offset: int, line: str, person: str | None) -> TextValue | None:
    parts, position = [], 0
    for piece in _SPLIT.split(line):
        at = line.find(piece, position)
        parts.append((at, piece))
        position = at + len(piece)
    for at, piece in parts:
        text = piece.strip()
        if LEGAL_FORMS.search(text) and not _NOT_COMPANY.search(text):
            start = offset + at + (len(piece) - len(piece.lstrip()))
            return TextValue(text, start, start + len(text), 0.9)
    return None


def _plain_company(offset: int, line: str, person: str | None) -> TextValue | None:
    """A signature line that is neither the person, a role, a phone, a mail nor an address: the company."""
    text = line.strip()
    if not text or _NOT_COMPANY.search(text) or len(text) > 60 or not text[:1].isupper():
        return None
    parts = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    for part in parts:
        if not _ROLE.search(part) and (person is None or fold(part) != fold(person)) and not part.isdigit():
            start = offset + line.find(part)
            return TextValue(part, start, start + len(part), 0.6)
    return None


def _looks_like_person(line: str) -> bool:
    words = line.replace("|", " ").split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() for w in words) and not LEGAL_FORMS.search(line) \
        and not _ROLE.search(line)


def _person(lines: list[tuple[int, str]], sender_name: str | None) -> str | None:
    if sender_name:
        return sender_name.strip().strip('"')
    if lines:
        words = lines[0][1].split()
        if 1 < len(words) <= 3 and all(w[:1].isupper() for w in words):
            return lines[0][1].strip()
    return None


def read_buyer(doc: Doc, body_start: int, signature: int, end: int, sender_name: str | None,
               sender: str | None, catalogue: Any = None, party_type: Any = None) -> Buyer:
    """The buyer as the mail shows it; ``party_type`` builds the party the catalogue resolves (schemas.Party)."""
    lines = _signature_lines(doc.text, signature, end)
    person = _person(lines, sender_name)
    name = None
    for offset, line in lines:
        name = _company_in(offset, line, person)
        if name:
            break
    if name is None:  # the first line of a signature is the person, whoever the From header names
        first_is_person = bool(lines) and (_looks_like_person(lines[0][1]) or (person is not None and fold(
            lines[0][1].strip()) == fold(person)))
        for offset, line in lines[1:4] if first_is_person else lines[:4]:
            name = _plain_company(offset, line, person)
            if name:
                break
    ids: dict[str, TextValue] = {}
    for code in spans(doc, "adv_codes", ["SIRET", "SIREN", "VAT"]):
        if body_start <= code.start_char < end:
            kind = {"SIRET": "siret", "SIREN": "siren", "VAT": "vat_id"}[code.label_]
            value = digits(code.text) if kind != "vat_id" else code.text.replace(" ", "").upper()
            ids.setdefault(kind, TextValue(value, code.start_char, code.end_char, 0.95))
    company = None
    if catalogue is not None and party_type is not None:
        party = party_type(name=name.value if name else None, siret=_v(ids.get("siret")),
                           siren=_v(ids.get("siren")), vat_id=_v(ids.get("vat_id")))
        company = catalogue.customers.resolve(party, sender)
        if company is not None and name is None:
            name = TextValue(company.name, 0, 0, 0.9, method="masterdata")
        elif company is not None and name is not None:
            name = name.but(confidence=max(name.confidence, 0.95))
    return Buyer(name, ids.get("siret"), ids.get("siren"), ids.get("vat_id"), company)


def _v(value: TextValue | None) -> str | None:
    return value.value if value else None
