"""EDIFACT syntax level: service string advice, character sets and a streaming segment reader.

pydifact reads a whole interchange into memory at ~13k segments/s and stops at the first
oddity (BOM, second UNA, UNG). Reading segments is the hot loop of every EDI run, so it is
ours: chunked, split-based, O(chunk) memory. pydifact still owns the UNA grammar
(``Characters``) and serialisation (the sample generator and acknowledgments use it).
"""

from __future__ import annotations

import codecs
import functools
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
_GUESS_AT_MOST = 64 * 1024  # a first line this long without a break settles it: not newline-terminated


def guess_delimiters(head: str) -> Delimiters:
    """Default delimiters, or newline-terminated segments when the file plainly uses them."""
    head = head.lstrip(BOM + _WHITESPACE)
    if head.startswith("UNA"):
        return DEFAULT_DELIMITERS  # the UNA itself says what the delimiters are
    first_line, _, rest = head.partition("\n")
    if "'" not in first_line and _LINE_START.match(rest.lstrip(_WHITESPACE)):
        return NEWLINE_DELIMITERS
    return DEFAULT_DELIMITERS


def _can_guess(head: str) -> bool:
    """Whether ``head`` shows enough for ``guess_delimiters`` to give its final answer."""
    head = head.lstrip(BOM + _WHITESPACE)
    first_line, newline, rest = head.partition("\n")
    if "'" in first_line or len(head) >= _GUESS_AT_MOST:
        return True
    return bool(newline) and len(rest.lstrip(_WHITESPACE)) >= 4  # enough to match _LINE_START


_new_segment = tuple.__new__  # Segment(...) goes through a Python-level __new__; this is the hot loop


class SegmentReader:
    """Turns decoded text chunks into segments, honouring UNA, release characters and line breaks.

    Memory is bounded by the chunk size plus the longest segment: the file is never held whole.
    The tokens do not depend on where the text is cut into chunks.
    """

    def __init__(self, delimiters: Delimiters | None = None) -> None:
        self.delimiters = delimiters or DEFAULT_DELIMITERS
        self._explicit = delimiters is not None
        self._number = 0
        self._file_delimiters = self.delimiters  # what a new interchange without its own UNA uses

    def read(self, chunks: Iterable[str]) -> Iterator[Token]:
        buf = ""
        base = 0  # offset of buf[0] in the whole text
        guessing = not self._explicit
        for chunk in chunks:
            buf += chunk
            if guessing:
                if not _can_guess(buf):
                    continue  # a first chunk of a few characters cannot tell newline-terminated files
                self.delimiters = self._file_delimiters = guess_delimiters(buf)
                guessing = False
            consumed = yield from self._drain(buf, base, final=False)
            if consumed:
                buf = buf[consumed:]
                base += consumed
        if guessing:
            self.delimiters = self._file_delimiters = guess_delimiters(buf)
        yield from self._drain(buf, base, final=True)

    def _drain(self, buf: str, base: int, final: bool) -> Iterator[Token]:
        """Yield every complete segment of ``buf``; return how many characters were consumed.

        The whole run of complete segments is split at once on the terminator; a piece ending in an
        odd number of release characters is a segment with an escaped terminator, read again from
        ``buf`` up to its real end. A UNA that changes the delimiters sends the loop back to the top.
        """
        pos = 0
        n = len(buf)
        while True:
            while pos < n and buf[pos] in _WHITESPACE:
                pos += 1
            if pos >= n:
                return pos
            d = self.delimiters
            if buf.startswith("UNA", pos):
                if n - pos >= 9:
                    self.delimiters = Delimiters.from_una(buf[pos : pos + 9])
                    self._number += 1
                    yield ServiceStringAdvice(self.delimiters, self._number, base + pos)
                    pos += 9
                    continue
                if not final:
                    return pos
                # a truncated UNA at the end: let the envelope layer see it as a bad segment
                end = _find_unescaped(buf, d.terminator, d.release, pos, d.terminator != "\n")
                if end == -1:
                    yield self._segment(buf[pos:].rstrip(_WHITESPACE), base + pos, terminated=False)
                    return n
                yield self._segment(buf[pos:end], base + pos)
                pos = end + 1
                continue
            terminator = d.terminator
            last = buf.rfind(terminator, pos)
            if last == -1:
                if final:
                    yield self._segment(buf[pos:].rstrip(_WHITESPACE), base + pos, terminated=False)
                    return n
                return pos
            release = d.release
            element = d.element
            component = d.component
            unwrap = terminator != "\n"
            number = self._number
            offset = pos  # where the next piece starts in buf
            resume = pos  # pieces before this belong to a segment already read
            for piece in buf[pos:last].split(terminator):
                start = offset
                offset += len(piece) + 1
                if start < resume:
                    continue
                if piece and piece[0] in _WHITESPACE:
                    stripped = piece.lstrip(_WHITESPACE)
                    start += len(piece) - len(stripped)
                    piece = stripped
                if not piece:
                    continue
                if piece[:3] == "UNA":
                    if len(piece) == 8 and Delimiters.from_una(buf[start : start + 9]) == d:
                        number += 1  # the next interchange repeats the same UNA: no need to split again
                        yield ServiceStringAdvice(d, number, base + start)
                        continue
                    pos = start
                    break
                if _escapes_terminator(piece, release, unwrap):
                    end = _find_unescaped(buf, terminator, release, start, unwrap)
                    if end == -1:
                        self._number = number
                        if not final:
                            return start
                        yield self._segment(buf[start:].rstrip(_WHITESPACE), base + start, terminated=False)
                        return n
                    piece = buf[start:end]
                    resume = end + 1
                if unwrap:
                    if "\n" in piece or "\r" in piece:
                        piece = piece.replace("\r", "").replace("\n", "")  # wrapped lines
                elif "\r" in piece:
                    piece = piece.replace("\r", "")
                number += 1
                if release in piece:
                    tag, elements = _split_escaped(piece, d)
                else:
                    parts = piece.split(element)
                    tag = parts[0]
                    elements = tuple([tuple(part.split(component)) for part in parts[1:]])
                yield _new_segment(Segment, (tag, elements, number, base + start, True))
                if tag == "UNZ" and d != self._file_delimiters:
                    # ISO 9735: a UNA holds for its own interchange only; the next one starts from the defaults
                    self.delimiters = self._file_delimiters
                    pos = max(offset, resume)
                    break
            else:
                pos = max(last + 1, resume)
            self._number = number

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


def _escapes_terminator(piece: str, release: str, unwrap: bool) -> bool:
    """Whether ``piece`` ends in an odd run of release characters (a line break may wrap in between)."""
    if unwrap and piece[-1] in "\r\n":
        piece = piece.rstrip("\r\n")
        if not piece:
            return False
    return piece[-1] == release and _odd_trailing(piece, release)


def _find_unescaped(buf: str, terminator: str, release: str, start: int, unwrap: bool = True) -> int:
    """Position of the first terminator at or after ``start`` not escaped by the release character."""
    at = buf.find(terminator, start)
    while at != -1:
        run = at
        while unwrap and run > start and buf[run - 1] in "\r\n":
            run -= 1  # wrapped lines: a break between the release character and what it escapes
        end_of_run = run
        while run > start and buf[run - 1] == release:
            run -= 1
        if (end_of_run - run) % 2 == 0:
            return at
        at = buf.find(terminator, at + 1)
    return -1


@functools.lru_cache(maxsize=64)
def _escape_pattern(release: str, element: str, component: str) -> re.Pattern[str]:
    # the release character with what it escapes (nothing at the very end), or a separator
    return re.compile(f"({re.escape(release)}.?|{re.escape(element)}|{re.escape(component)})", re.DOTALL)


def _split_escaped(text: str, d: Delimiters) -> tuple[str, tuple[tuple[str, ...], ...]]:
    element, component = d.element, d.component
    tokens = _escape_pattern(d.release, element, component).split(text)
    elements: list[tuple[str, ...]] = []
    components: list[str] = []
    current = [tokens[0]]
    for k in range(1, len(tokens), 2):
        mark = tokens[k]
        if mark == element:
            components.append("".join(current))
            elements.append(tuple(components))
            components = []
            current = []
        elif mark == component:
            components.append("".join(current))
            current = []
        else:
            # "?x" for a non-service x is not valid syntax, but senders write "Dr?. Max": keep x;
            # a dangling release character at the end escapes nothing
            current.append(mark[1:])
        current.append(tokens[k + 1])
    components.append("".join(current))
    elements.append(tuple(components))
    return component.join(elements[0]), tuple(elements[1:])


def read_segments(text: str, delimiters: Delimiters | None = None) -> list[Token]:
    """Convenience for tests and small inputs: all tokens of a decoded string."""
    return list(SegmentReader(delimiters).read([text.lstrip(BOM)]))
