"""ORDRSP and APERAK messages, each in an interchange of its own, serialised with pydifact.

EANCOM-like D96A: ORDRSP EAN005 answers an order (BGM 231 with function 29 accepted, 4 changed, 27 rejected; one
LIN per order line with action 5 accepted, 3 changed, 7 rejected, QTY 21 ordered and 113 to be delivered) and
APERAK EAN001 reports a message or interchange we refuse (BGM 12E function 27, the reason in ERC + FTX). The
interchange goes back the way the original came: its recipient (us) is the sender, its sender the recipient.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from pydifact.control import Characters
from pydifact.segments import Segment
from pydifact.serializer import Serializer

from schemas import Line, Party, PurchaseOrder

CHARACTERS = Characters.from_str(":+.? '")  # pydifact's default UNA has a decimal comma
ORDRSP = "ORDRSP:D:96A:UN:EAN005"
APERAK = "APERAK:D:96A:UN:EAN001"
DOCUMENT_FUNCTION = {"accepted": "29", "changed": "4", "rejected": "27"}
LINE_ACTION = {"accepted": "5", "changed": "3", "rejected": "7"}
TEXT = 35  # an..35: names, descriptions
FREE_TEXT, FREE_TEXT_PARTS = 70, 5  # FTX C108: five components of an..70
_LEVEL_A = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/='+:?!\"%&*;<>")
_SPELLED = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "€": "EUR", "‘": "'", "’": "'", "“": '"',
            "”": '"', "«": '"', "»": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "}


@dataclass(frozen=True)
class Envelope:
    """UNB: who sends, who receives, our control reference, the character set (mirrors the original's level A)."""

    sender: str
    sender_qualifier: str
    recipient: str
    recipient_qualifier: str
    control_ref: str
    prepared: datetime
    syntax: str = "UNOC"  # UNOA when the partner wrote level A (upper case only), UNOC (Latin-1) otherwise
    test: bool = False  # the answer to a test interchange is a test too (UNB 0035)


def qualifier(identifier: str) -> str:
    """UNB partner qualifier: 14 (GS1) for a GLN, ZZZ (mutually defined) for anything else."""
    return "14" if identifier.isdigit() and len(identifier) == 13 else "ZZZ"


def interchange(envelope: Envelope, message_type: str, body: list[Segment]) -> bytes:
    """UNA, UNB, UNH, ``body``, UNT (segments from UNH to UNT), UNZ (one message): the bytes of a file."""
    kind = message_type.split(":")[0]
    test = ["", "", "", "1"] if envelope.test else []  # 0029 priority, 0031 acknowledgement, 0032 agreement, 0035
    segments = [
        Segment("UNB", [envelope.syntax, "3"], [envelope.sender, envelope.sender_qualifier],
                [envelope.recipient, envelope.recipient_qualifier],
                [f"{envelope.prepared:%y%m%d}", f"{envelope.prepared:%H%M}"], envelope.control_ref, "", kind,
                *test),
        Segment("UNH", "1", message_type.split(":")),
        *body,
        Segment("UNT", str(len(body) + 2), "1"),
        Segment("UNZ", "1", envelope.control_ref),
    ]
    segments = [_fit_segment(segment, envelope.syntax) for segment in segments]
    text = Serializer(CHARACTERS).serialize(segments, with_una_header=True, break_lines=True)
    return text.encode("ascii" if envelope.syntax == "UNOA" else "latin-1")


# -- ORDRSP ----------------------------------------------------------------------------------------


def order_response(order: PurchaseOrder, *, number: str, response: str, issued: date,
                   changed_lines: Iterable[int] = (), note: str | None = None,
                   line_notes: dict[int, str] | None = None) -> list[Segment]:
    """The body of an ORDRSP answering ``order`` as a whole (``response``) and line by line."""
    changed, line_notes = set(changed_lines), line_notes or {}
    body = [Segment("BGM", "231", number, DOCUMENT_FUNCTION[response]), _dtm("137", issued)]
    if order.requested_delivery_date and response != "rejected":
        body.append(_dtm("2", order.requested_delivery_date))
    if note:
        body.append(_ftx("AAI", note))
    if order.number:
        body.append(Segment("RFF", ["ON", order.number]))
        if order.issue_date:
            body.append(_dtm("171", order.issue_date))
    body += _nad("BY", order.buyer) + _nad("SU", order.seller)
    if order.currency:
        body.append(Segment("CUX", ["2", order.currency, "9"]))
    for index, line in enumerate(order.lines):
        action = "rejected" if response == "rejected" else "changed" if index in changed else "accepted"
        body += _line(index, line, action, line_notes.get(index))
    body += [Segment("UNS", "S"), Segment("CNT", ["2", str(len(order.lines))])]
    return body


def _line(index: int, line: Line, action: str, note: str | None) -> list[Segment]:
    number = str(line.line_no or index + 1)
    segments = [Segment("LIN", number, LINE_ACTION[action], [line.gtin, "EN"]) if line.gtin
                else Segment("LIN", number, LINE_ACTION[action])]
    items = [[value, kind] for value, kind in ((line.seller_item_id, "SA"), (line.buyer_item_id, "IN")) if value]
    if items:
        segments.append(Segment("PIA", "5", *items))
    if line.description:
        segments.append(Segment("IMD", "F", "", ["", "", "", *_split(line.description, TEXT, 2)]))
    if line.quantity is not None:
        unit = [line.unit] if line.unit else []
        confirmed = Decimal(0) if action == "rejected" else line.quantity
        segments += [Segment("QTY", ["21", _number(line.quantity), *unit]),
                     Segment("QTY", ["113", _number(confirmed), *unit])]
    if note:
        segments.append(_ftx("AAI", note))
    if line.unit_price is not None:
        segments.append(Segment("PRI", ["AAA", _number(line.unit_price)]))
    return segments


# -- APERAK ----------------------------------------------------------------------------------------


def application_error(*, number: str, issued: datetime, references: list[tuple[str, str]],
                      reference_date: date | None, parties: list[tuple[str, Party | str | None]],
                      errors: list[tuple[str, str]], agency: str) -> list[Segment]:
    """The body of an APERAK refusing what ``references`` name; ``errors`` are (ERC code, text) pairs.

    ``agency`` says who assigned the error codes: 91 the seller (we refuse an order), 92 the buyer.
    """
    body = [Segment("BGM", ["12E", "", "9"], number, "27"),
            Segment("DTM", ["137", f"{issued:%Y%m%d%H%M}", "203"])]
    for position, (kind, value) in enumerate(references):
        body.append(Segment("RFF", [kind, value]))
        if position == 0 and reference_date:
            body.append(_dtm("171", reference_date))
    for role, party in parties:
        body += _nad(role, party)
    for code, text in errors:
        body += [Segment("ERC", [code, "", agency]), _ftx("AAO", text)]
    return body


# -- segments and values ---------------------------------------------------------------------------


def _dtm(kind: str, day: date) -> Segment:
    return Segment("DTM", [kind, f"{day:%Y%m%d}", "102"])


def _ftx(subject: str, text: str) -> Segment:
    return Segment("FTX", subject, "", "", _split(text, FREE_TEXT, FREE_TEXT_PARTS))


def _nad(role: str, party: Party | str | None) -> list[Segment]:
    """NAD by GLN (agency 9), else the partner's own code (91), else by name; nothing for an unknown party."""
    if party is None:
        return []
    if isinstance(party, str):  # an interchange partner id from UNB
        return [Segment("NAD", role, [party, "", "9" if qualifier(party) == "14" else "ZZZ"])]
    if party.gln:
        return [Segment("NAD", role, [party.gln, "", "9"])]
    if party.internal_id:
        return [Segment("NAD", role, [party.internal_id, "", "91"])]
    if party.name:
        return [Segment("NAD", role, "", "", _split(party.name, TEXT, 5))]
    return []


def _number(value: Decimal) -> str:
    """A decimal as the order wrote it (28.80 stays 28.80), never with an exponent."""
    return format(value, "f")


def _split(text: str, width: int, parts: int) -> list[str]:
    """``text`` cut at spaces into at most ``parts`` components of ``width`` characters ("..." when cut short)."""
    components: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:  # a word longer than a component is cut where it must be
            if current:
                components.append(current)
                current = ""
            components.append(word[:width])
            word = word[width:]
        if current and len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            if current:
                components.append(current)
            current = word
    if current:
        components.append(current)
    if len(components) > parts:
        components = components[:parts]
        components[-1] = components[-1][: width - 3].rstrip() + "..."
    return components or [""]


def _fit_segment(segment: Segment, syntax: str) -> Segment:
    """Every value in the character set of ``syntax`` (pydifact escapes the service characters afterwards)."""
    elements = [[_fit(c, syntax) for c in e] if isinstance(e, list) else _fit(e, syntax) for e in segment.elements]
    return Segment(segment.tag, *elements)


def _fit(value: str | None, syntax: str) -> str:
    if not value:
        return ""
    text = "".join(_SPELLED.get(c, c) for c in " ".join(value.split()))  # line breaks and tabs become spaces
    if syntax == "UNOA":
        plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).upper()
        return "".join(c if c in _LEVEL_A else " " for c in plain)
    out = []
    for character in text:
        if ord(character) < 256 and (character.isprintable() or character == " "):
            out.append(character)
        else:  # outside Latin-1: its letter without the accent, if it has one
            base = "".join(c for c in unicodedata.normalize("NFKD", character) if ord(c) < 128
                           and not unicodedata.combining(c))
            out.append(base or "?")
    return "".join(out)
