"""EDIFACT syntax level: service string advice, character sets and a streaming segment reader.

pydifact reads a whole interchange into memory at ~13k segments/s and stops at the first
oddity (BOM, second UNA, UNG). Reading segments is the hot loop of every EDI run, so it is
ours: chunked, split-based, O(chunk) memory. pydifact still owns the UNA grammar
(``Characters``) and serialisation (the sample generator and acknowledgments use it).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from pydifact.control import Characters

BOM = "\ufeff"
_WHITESPACE = " \t\r\n\x00"
CHUNK_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The six service characters of ISO 9735 (set by UNA, defaulted otherwise)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    reserved: str = " "
    terminator: str = "'"

    @classmethod
    def from_una(cls, una: str) -> Delimiters:
        chars = Characters.from_str(una)
        return cls(
            component=chars.component_separator,
            element=chars.data_separator,
            decimal=chars.decimal_point,
            release=chars.escape_character,
            reserved=chars.reserved_character,
            terminator=chars.segment_terminator,
        )

    @property
    def distinct(self) -> bool:
        specials = (self.component, self.element, self.release, self.terminator)
        return len(set(specials)) == len(specials)


DEFAULT_DELIMITERS = Delimiters()
NEWLINE_DELIMITERS = Delimiters(terminator="\n")


class Segment(NamedTuple):
    """One segment: its tag and its elements, each a tuple of components."""

    tag: str
    elements: tuple[tuple[str, ...], ...]
    number: int  # 1-based position of the segment in the file
    offset: int  # character offset of the segment in the decoded file
    terminated: bool = True

    def get(self, element: int, component: int = 0) -> str | None:
        """Component ``component`` of data element ``element`` (0-based, after the tag); None when absent or empty."""
        try:
            value = self.elements[element][component]
        except IndexError:
            return None
        return value or None


class ServiceStringAdvice(NamedTuple):
    """A UNA segment: from here on, these delimiters apply."""

    delimiters: Delimiters
    number: int
    offset: int


Token = Segment | ServiceStringAdvice

# ---------------------------------------------------------------------------------------------
# Character sets (syntax identifiers of UNB S001/0001)

SYNTAX_CODECS: dict[str, str] = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "iso8859-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOL": "iso8859-15",
    "UNOW": "utf-8",
    "UNOX": "utf-8",  # ISO 2022 code extension; in practice senders use UTF-8 or Latin-1
    "UNOY": "utf-8",
}

# UNOA: upper-case letters, digits and a few punctuation marks (ISO 9735 level A).
_UNOA_VIOLATION = re.compile(r"[^A-Z0-9 .,\-()/='+:?!\"%&*;<>\r\n\t]")
_UNOB_VIOLATION = re.compile(r"[^A-Za-z0-9 .,\-()/='+:?!\"%&*;<>@\[\]_{}\\|~#$\r\n\t]")


def charset_violations(syntax_id: str, text: str) -> str | None:
    """The first character outside the declared level A/B repertoire, or None."""
    pattern = {"UNOA": _UNOA_VIOLATION, "UNOB": _UNOB_VIOLATION}.get(syntax_id)
    if pattern is None:
        return None
    match = pattern.search(text)
    return match.group(0) if match else None


@dataclass(frozen=True, slots=True)
class Header:
    """What the first bytes tell before decoding: BOM, syntax identifier, codec to use."""

    bom: bool
    syntax_id: str | None
    declared_codec: str | None
    codec: str
    utf8_in_disguise: bool  # declared a single-byte set but the bytes are UTF-8


_UNB_SYNTAX = re.compile(rb"UNB.(UNO[A-Z]|[A-Z]{4})", re.DOTALL)


def read_header(head: bytes) -> Header:
    """Work out the text encoding from the first bytes of a file (at most a few KB needed)."""
    bom = head.startswith(codecs.BOM_UTF8)
    match = _UNB_SYNTAX.search(head[:4096])
    syntax_id = match.group(1).decode("ascii") if match else None
    declared = SYNTAX_CODECS.get(syntax_id) if syntax_id else None
    looks_utf8 = _is_utf8_with_multibyte(head[len(codecs.BOM_UTF8):] if bom else head)
    if bom or declared == "utf-8":
        codec = "utf-8"
    elif looks_utf8:
        codec = "utf-8"
    elif declared in (None, "ascii"):
        codec = "iso8859-1"  # never fails; level A/B violations are reported, not fatal
    else:
        codec = declared
    disguise = looks_utf8 and declared not in (None, "utf-8")
    return Header(bom=bom, syntax_id=syntax_id, declared_codec=declared, codec=codec, utf8_in_disguise=disguise)


def _is_utf8_with_multibyte(data: bytes) -> bool:
    if data.isascii():
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(data, final=False)  # a sequence cut at the end of the sample is fine
    except UnicodeDecodeError:
        return False
    return True


def decode_chunks(stream: BinaryIO, codec: str, first: bytes = b"", chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """Decode a byte stream chunk by chunk; undecodable bytes become U+FFFD (reported by the caller)."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    data = first
    started = False
    while True:
        if not data:
            data = stream.read(chunk_size)
        if not data:
            break
        text = decoder.decode(data)
        if not started:
            text = text.lstrip(BOM)
            started = True
        data = b""
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


# ---------------------------------------------------------------------------------------------
# The segment reader

_LINE_START = re.compile(r"[A-Z0-9]{3}\+")


def guess_delimiters(head: str) -> Delimiters:
    """Default delimiters, or newline-terminated segments when the file plainly uses them."""
    head = head.lstrip(BOM + _WHITESPACE)
    first_line, _, rest = head.partition("\n")
    if "'" not in first_line and _LINE_START.match(rest.lstrip(_WHITESPACE)):
        return NEWLINE_DELIMITERS
    return DEFAULT_DELIMITERS


class SegmentReader:
    """Turns decoded text chunks into segments, honouring UNA, release characters and line breaks.

    Memory is bounded by the chunk size plus the longest segment: the file is never held whole.
    """

    def __init__(self, delimiters: Delimiters | None = None) -> None:
        self.delimiters = delimiters or DEFAULT_DELIMITERS
        self._explicit = delimiters is not None
        self._number = 0

    def read(self, chunks: Iterable[str]) -> Iterator[Token]:
        buf = ""
        base = 0  # offset of buf[0] in the whole text
        first = True
        for chunk in chunks:
            if first and not self._explicit:
                self.delimiters = guess_delimiters(chunk)
                first = False
            buf += chunk
            consumed = yield from self._drain(buf, base, final=False)
            buf = buf[consumed:]
            base += consumed
        yield from self._drain(buf, base, final=True)

    def _drain(self, buf: str, base: int, final: bool) -> Iterator[Token]:
        """Yield every complete segment of ``buf``; return how many characters were consumed."""
        pos = 0
        n = len(buf)
        while True:
            while pos < n and buf[pos] in _WHITESPACE:
                pos += 1
            if pos >= n:
                return pos
            if buf.startswith("UNA", pos):
                if n - pos < 9:
                    if not final:
                        return pos
                    # a truncated UNA: let the envelope layer see it as a bad segment
                else:
                    self.delimiters = Delimiters.from_una(buf[pos : pos + 9])
                    self._number += 1
                    yield ServiceStringAdvice(self.delimiters, self._number, base + pos)
                    pos += 9
                    continue
            d = self.delimiters
            last = buf.rfind(d.terminator, pos)
            if last == -1:
                if final:
                    yield self._segment(buf[pos:].rstrip(_WHITESPACE), base + pos, terminated=False)
                    return n
                return pos
            # Split the whole run of complete segments at once; glue back the escaped terminators.
            pieces = buf[pos:last].split(d.terminator)
            release = d.release
            i = 0
            offset = pos
            count = len(pieces)
            while i < count:
                piece = pieces[i]
                length = len(piece) + 1
                while piece.endswith(release) and _odd_trailing(piece, release) and i + 1 < count:
                    i += 1
                    piece = piece + d.terminator + pieces[i]
                    length += len(pieces[i]) + 1
                if piece.endswith(release) and _odd_trailing(piece, release) and i + 1 == count:
                    # the escaped terminator is the last one we saw: the segment goes on past ``last``
                    nxt = _find_unescaped(buf, d.terminator, release, last + 1)
                    if nxt == -1:
                        if final:
                            rest = buf[offset:].rstrip(_WHITESPACE)
                            yield self._segment(rest.lstrip(_WHITESPACE), base + offset, terminated=False)
                            return n
                        return offset
                    piece = buf[offset:nxt]
                    length = len(piece) + 1
                stripped = piece.lstrip(_WHITESPACE)
                seg_offset = offset + (len(piece) - len(stripped))
                if stripped.startswith("UNA") and len(buf) - seg_offset >= 9:
                    return (yield from self._restart_at(buf, base, seg_offset, final))
                if stripped:
                    yield self._segment(stripped, base + seg_offset)
                offset += length
                i += 1
            pos = offset

    def _restart_at(self, buf: str, base: int, una_at: int, final: bool) -> Iterator[Token]:
        consumed = yield from self._drain(buf[una_at:], base + una_at, final)
        return una_at + consumed

    def _segment(self, text: str, offset: int, terminated: bool = True) -> Segment:
        d = self.delimiters
        if d.terminator != "\n" and ("\n" in text or "\r" in text):
            text = text.replace("\r", "").replace("\n", "")  # wrapped lines
        elif "\r" in text:
            text = text.replace("\r", "")
        self._number += 1
        if d.release in text:
            return Segment(*_split_escaped(text, d), self._number, offset, terminated)
        parts = text.split(d.element)
        component = d.component
        return Segment(
            parts[0],
            tuple([tuple(p.split(component)) for p in parts[1:]]),
            self._number,
            offset,
            terminated,
        )


def _odd_trailing(text: str, char: str) -> bool:
    return (len(text) - len(text.rstrip(char))) % 2 == 1


def _find_unescaped(buf: str, terminator: str, release: str, start: int) -> int:
    at = buf.find(terminator, start)
    while at != -1 and _odd_trailing(buf[start:at], release):
        at = buf.find(terminator, at + 1)
    return at


_PLACEHOLDER_BASE = 0xE000  # Unicode private use area: never a legitimate EDIFACT character


def _split_escaped(text: str, d: Delimiters) -> tuple[str, tuple[tuple[str, ...], ...]]:
    specials = (d.release, d.terminator, d.element, d.component)
    to_placeholder = {c: chr(_PLACEHOLDER_BASE + i) for i, c in enumerate(specials)}
    back = {_PLACEHOLDER_BASE + i: c for i, c in enumerate(specials)}
    # "?x" for a non-service x is not valid syntax, but senders write "Dr?. Max": keep x.
    escaped = re.sub(
        re.escape(d.release) + "(.)",
        lambda m: to_placeholder.get(m.group(1), m.group(1)),
        text,
        flags=re.DOTALL,
    )
    if escaped.endswith(d.release):
        escaped = escaped[:-1]  # a dangling release character escapes nothing
    parts = escaped.split(d.element)
    elements = tuple(tuple(c.translate(back) for c in p.split(d.component)) for p in parts[1:])
    return parts[0].translate(back), elements


def read_segments(text: str, delimiters: Delimiters | None = None) -> list[Token]:
    """Convenience for tests and small inputs: all tokens of a decoded string."""
    return list(SegmentReader(delimiters).read([text.lstrip(BOM)]))
