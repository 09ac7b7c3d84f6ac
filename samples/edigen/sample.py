"""What a sample is (its bytes and the intent of its documents), and the helpers every sample uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from edigen import segments
from edigen.documents import DespatchAdvice, Invoice, Order, OrderResponse, Trade
from edigen.envelope import Dialect, Interchange, Message, write
from edigen.expect import Intent
from edigen.parties import Company

ORDERS_EAN008 = "ORDERS:D:96A:UN:EAN008"
ORDERS_PLAIN = "ORDERS:D:96A:UN"
ORDERS_EAN010 = "ORDERS:D:01B:UN:EAN010"
INVOIC_EAN008 = "INVOIC:D:96A:UN:EAN008"
DESADV_EAN005 = "DESADV:D:96A:UN:EAN005"
ORDRSP_EAN005 = "ORDRSP:D:96A:UN:EAN005"
APERAK_EAN002 = "APERAK:D:96A:UN:EAN002"

LATIN1 = Dialect()  # UNOC, Latin-1 bytes, one segment per line
LATIN1_CRLF = Dialect(separator="\r\n")
LATIN1_ONE_LINE = Dialect(separator="")
LATIN1_WRAPPED = Dialect(wrap=80)
DECIMAL_COMMA = Dialect(una=":+,? '")
UTF8 = Dialect(syntax="UNOW", encoding="utf-8")
UTF8_BOM = Dialect(syntax="UNOW", encoding="utf-8", bom=True)
LEVEL_A = Dialect(syntax="UNOA", encoding="ascii", una=None)


@dataclass(frozen=True)
class Sample:
    name: str
    description: str
    data: bytes
    documents: tuple[Intent, ...] = ()
    status: str = "loaded"  # the file's own status in replay (see docs/canonical-json.md)
    codes: tuple[str, ...] = ()  # file-level finding codes that must appear
    duplicate_of: str | None = None  # at ingest, after that sample: the same interchange sent again

    def manifest_entry(self) -> dict:
        return {"file": self.name, "description": self.description, "status": self.status, "codes": list(self.codes),
                "duplicate_of": self.duplicate_of, "documents": [d.as_json() for d in self.documents]}


# -- writing messages and interchanges ------------------------------------------------------------------


def message(document: Trade, dialect: Dialect, ref: str = "1", message_type: str | None = None,
            **options) -> Message:
    """The message for ``document`` in ``dialect``; ``options`` go to the body builder (orders only)."""
    mark = dialect.decimal
    if isinstance(document, Order):
        return Message(ref, message_type or ORDERS_EAN008, segments.orders(document, mark, **options))
    if isinstance(document, Invoice):
        return Message(ref, message_type or INVOIC_EAN008, segments.invoic(document, mark))
    if isinstance(document, DespatchAdvice):
        return Message(ref, message_type or DESADV_EAN005, segments.desadv(document, mark))
    assert isinstance(document, OrderResponse)
    return Message(ref, message_type or ORDRSP_EAN005, segments.ordrsp(document, mark))


def interchange(sender: Company, recipient: Company, ref: str, prepared: datetime, *messages: Message,
                **options) -> Interchange:
    application = messages[0].type.split(":")[0] if messages else None
    return Interchange(sender=sender.gln, recipient=recipient.gln, ref=ref, prepared=prepared,
                       messages=tuple(messages), application=application, **options)


def sent(document: Trade, dialect: Dialect, ref: str, prepared: datetime, message_type: str | None = None,
         body: dict | None = None, **envelope) -> bytes:
    """A file with one interchange from the party that issues ``document``, holding it as its only message."""
    if isinstance(document, Order):
        sender, recipient = document.buyer, document.seller
    else:
        sender, recipient = document.seller, document.buyer
    only = message(document, dialect, message_type=message_type, **(body or {}))
    return write(dialect, interchange(sender, recipient, ref, prepared, only, **envelope))


def at(day: int, hour: int = 9, minute: int = 15) -> datetime:
    return datetime(2025, 11, day, hour, minute)


def cut_inside(text: str, marker: str, occurrence: int, keep: int) -> str:
    """``text`` cut ``keep`` characters into the ``occurrence``-th ``marker``: a transfer that broke off."""
    at_ = -1
    for _ in range(occurrence):
        at_ = text.index(marker, at_ + 1)
    return text[: at_ + keep]


SAMPLES: list[Callable[[], Sample]] = []


def sample(function: Callable[[], Sample]) -> Callable[[], Sample]:
    SAMPLES.append(function)
    return function
