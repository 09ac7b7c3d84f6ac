"""The envelope (UNA, UNB/UNZ, UNG/UNE, UNH/UNT) written by hand, and the bytes of a whole file.

Message bodies are serialised by pydifact; the envelope is ours so that its control counts can be
wrong on purpose, and so that a file can hold several interchanges or start with a BOM.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from pydifact.control import Characters
from pydifact.segments import Segment
from pydifact.serializer import Serializer

DEFAULT_UNA = ":+.? '"
# ISO 9735 level A: upper-case letters, digits, space and a few marks (and the service characters).
UNOA_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/='+:?!\"%&*;<>\r\n")


@dataclass(frozen=True)
class Dialect:
    """How a file is written: character set, service characters, line layout."""

    syntax: str = "UNOC"  # UNB syntax identifier
    encoding: str = "latin-1"  # the bytes that syntax identifier stands for
    una: str | None = DEFAULT_UNA  # None: no UNA segment, the default service characters apply
    separator: str = "\n"  # between segments: "\n", "\r\n", or "" for everything on one line
    bom: bool = False  # a UTF-8 byte order mark first, as Windows tools write it
    wrap: int | None = None  # fixed-width records of this many characters, as old VAN mailboxes deliver them

    @property
    def characters(self) -> Characters:
        return Characters.from_str(self.una or DEFAULT_UNA)

    @property
    def decimal(self) -> str:
        return self.characters.decimal_point

    @property
    def syntax_version(self) -> str:
        return "4" if self.syntax in ("UNOW", "UNOY") else "3"  # UNOW exists from version 4 on


@dataclass(frozen=True)
class Message:
    ref: str  # UNH message reference
    type: str  # S009 as written, e.g. "ORDERS:D:96A:UN:EAN008"
    body: list[Segment]
    unt_count: int | None = None  # wrong on purpose when set


@dataclass(frozen=True)
class Interchange:
    sender: str  # GLN of the sender (UNB S002, qualifier 14)
    recipient: str
    ref: str  # interchange control reference: with the sender, what identifies a resend
    prepared: datetime
    messages: tuple[Message, ...]
    application: str | None = None  # UNB 0026, e.g. "ORDERS"
    group: str | None = None  # when set, the messages travel in one UNG/UNE functional group
    test: bool = False  # UNB 0035 test indicator
    unz_count: int | None = None  # wrong on purpose when set


class Writer:
    """Turns interchanges into text in one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.chars = dialect.characters
        self.serializer = Serializer(self.chars)

    def service(self, tag: str, *elements: str | tuple[str, ...]) -> str:
        """A service segment. Its values are codes and ids: one that would need escaping is a generator bug."""
        chars = self.chars
        specials = {chars.data_separator, chars.component_separator, chars.segment_terminator, chars.escape_character}
        parts = [tag]
        for element in elements:
            components = (element,) if isinstance(element, str) else element
            if any(specials & set(value) for value in components):
                raise ValueError(f"{tag} value {components!r} would need escaping")
            parts.append(chars.component_separator.join(components))
        return chars.data_separator.join(parts) + chars.segment_terminator

    def message(self, message: Message) -> list[str]:
        """UNH, the body serialised by pydifact (which escapes it), UNT with the segment count."""
        count = message.unt_count if message.unt_count is not None else len(message.body) + 2
        body = [self.serializer.serialize([segment], with_una_header=False) for segment in message.body]
        return [self.service("UNH", message.ref, tuple(message.type.split(":"))), *body,
                self.service("UNT", str(count), message.ref)]

    def interchange(self, interchange: Interchange) -> list[str]:
        """The segments of one interchange, UNA first when the dialect has one."""
        d = self.dialect
        stamp = interchange.prepared.strftime("%Y%m%d" if d.syntax_version == "4" else "%y%m%d")
        unb = [(d.syntax, d.syntax_version), (interchange.sender, "14"), (interchange.recipient, "14"),
               (stamp, interchange.prepared.strftime("%H%M")), interchange.ref]
        if interchange.application or interchange.test:
            unb += ["", interchange.application or ""]
        if interchange.test:
            unb += ["", "", "", "1"]  # 0029 priority, 0031 acknowledgement, 0032 agreement, then 0035
        segments = [f"UNA{d.una}"] if d.una else []
        segments.append(self.service("UNB", *unb))
        messages = [line for message in interchange.messages for line in self.message(message)]
        if interchange.group:
            first = interchange.messages[0].type.split(":")
            segments.append(self.service("UNG", first[0], (interchange.sender, "14"), (interchange.recipient, "14"),
                                         unb[3], interchange.group, first[3], (*first[1:3], *first[4:])))
            segments += messages
            segments.append(self.service("UNE", str(len(interchange.messages)), interchange.group))
            count = 1
        else:
            segments += messages
            count = len(interchange.messages)
        count = interchange.unz_count if interchange.unz_count is not None else count
        segments.append(self.service("UNZ", str(count), interchange.ref))
        return segments

    def text(self, *interchanges: Interchange) -> str:
        """The whole file as text: segments joined by the dialect's separator, or wrapped at fixed width."""
        segments = [s for interchange in interchanges for s in self.interchange(interchange)]
        if self.dialect.wrap:
            flat = "".join(segments)
            width = self.dialect.wrap
            return "\r\n".join(flat[i : i + width] for i in range(0, len(flat), width)) + "\r\n"
        separator = self.dialect.separator
        return separator.join(segments) + separator


def uppercase_level_a(text: str) -> str:
    """Text as a UNOA sender must write it: upper case, accents dropped; fails on what level A cannot hold."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).upper()
    outside = sorted(set(plain) - UNOA_CHARACTERS)
    if outside:
        raise ValueError(f"level A cannot hold {outside!r}")
    return plain


def encode(text: str, dialect: Dialect) -> bytes:
    """The file's bytes; an encoding error means a sample picked text its character set cannot hold."""
    if dialect.syntax == "UNOA":
        text = uppercase_level_a(text)
    data = text.encode(dialect.encoding)
    return b"\xef\xbb\xbf" + data if dialect.bom else data


def write(dialect: Dialect, *interchanges: Interchange) -> bytes:
    """One file holding ``interchanges`` in ``dialect``."""
    return encode(Writer(dialect).text(*interchanges), dialect)
