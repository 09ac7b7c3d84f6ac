"""EDIFACT envelope level: interchanges (UNB/UNZ), groups (UNG/UNE) and messages (UNH/UNT).

pydifact checks none of the control counts and rejects groups and several interchanges per
file; this layer owns all of that. It walks the segment stream once and yields each message as
soon as its UNT is read, so memory holds one message at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from parsers.edifact_syntax import SYNTAX_CODECS, Delimiters, Segment, ServiceStringAdvice, Token
from schemas import Finding, Provenance
from schemas.findings import error, warning

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}\Z")
MAX_REPEATED_FINDINGS = 10  # per code and file: a hostile file must not produce a million rows


def where(segment: Segment, element: str | None = None) -> Provenance:
    return Provenance(
        method="edifact", segment=segment.tag[:3], segment_no=segment.number, element=element, offset=segment.offset
    )


@dataclass
class InterchangeHeader:
    index: int  # 1-based position of the interchange in the file
    syntax_id: str | None
    syntax_version: str | None
    sender: str | None
    sender_qualifier: str | None
    recipient: str | None
    recipient_qualifier: str | None
    prepared: str | None  # date:time as sent
    control_ref: str | None
    test: bool
    delimiters: Delimiters
    segment: Segment | None = None  # None when the file has messages but no UNB

    @property
    def key(self) -> str | None:
        """Sender + interchange control reference: the same interchange resent keeps it."""
        if not self.sender or not self.control_ref:
            return None
        return f"edifact:{self.sender}/{self.control_ref}"  # the same as Source.envelope_key


@dataclass
class Message:
    interchange: InterchangeHeader
    index: int  # 1-based position in its interchange
    ref: str | None
    identifier: tuple[str, ...]  # S009: type, version, release, agency, association code
    segments: list[Segment]
    group_ref: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.identifier[0] if self.identifier else ""

    @property
    def type_string(self) -> str:
        return ":".join(part for part in self.identifier if part) if self.identifier else ""

    @property
    def locator(self) -> str:
        return f"interchange {self.interchange.index}, message {self.index} (UNH {self.ref or '?'})"


@dataclass
class InterchangeClosed:
    """End of an interchange, with the findings that concern it as a whole."""

    header: InterchangeHeader
    message_count: int
    findings: list[Finding]


@dataclass
class FileFinding:
    """A finding about the file that belongs to no interchange or message."""

    finding: Finding


EnvelopeEvent = Message | InterchangeClosed | FileFinding


class _Limiter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def allow(self, code: str) -> bool:
        self.counts[code] = self.counts.get(code, 0) + 1
        return self.counts[code] <= MAX_REPEATED_FINDINGS

    def summary(self) -> Iterator[Finding]:
        for code, count in self.counts.items():
            if count > MAX_REPEATED_FINDINGS:
                yield warning(
                    "EDI_MORE_FINDINGS",
                    f"{count - MAX_REPEATED_FINDINGS} more {code} findings in this file were not listed one by one.",
                )


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdecimal() and value.isascii() else None


class EnvelopeReader:
    """State machine over the token stream; see the module docstring."""

    def __init__(self) -> None:
        self.delimiters = Delimiters()
        self.interchange: InterchangeHeader | None = None
        self.interchange_findings: list[Finding] = []
        self.interchange_count = 0
        self.messages_in_interchange = 0
        self.groups_in_interchange = 0
        self.message_refs: set[str] = set()
        self.group_ref: str | None = None
        self.group_segment: Segment | None = None
        self.messages_in_group = 0
        self.message: Message | None = None
        self.limiter = _Limiter()
        self.seen_segments = 0

    def read(self, tokens: Iterable[Token]) -> Iterator[EnvelopeEvent]:
        for token in tokens:
            if isinstance(token, ServiceStringAdvice):
                yield from self._una(token)
                continue
            self.seen_segments += 1
            handler = self._handlers.get(token.tag)
            if handler is not None:
                yield from handler(self, token)
            else:
                yield from self._data_segment(token)
        yield from self._end_of_file()

    # -- service segments ---------------------------------------------------------------------

    def _una(self, token: ServiceStringAdvice) -> Iterator[EnvelopeEvent]:
        if self.interchange is not None:
            yield FileFinding(
                error(
                    "EDI_MISSING_UNZ",
                    f"Interchange {self.interchange.index} has no UNZ before the next UNA; it is probably truncated.",
                )
            )
            yield from self._close_interchange(None)
        if not token.delimiters.distinct:
            yield FileFinding(
                error("EDI_BAD_UNA", "The UNA segment uses the same character for two different delimiters.")
            )
        self.delimiters = token.delimiters

    def _unb(self, seg: Segment) -> Iterator[EnvelopeEvent]:
        if self.message is not None:
            yield from self._close_message_without_unt(seg)
        if self.interchange is not None:
            self.interchange_findings.append(
                error(
                    "EDI_MISSING_UNZ",
                    f"Interchange {self.interchange.index} ends without UNZ: the file is probably truncated.",
                    location=where(seg),
                )
            )
            yield from self._close_interchange(None)
        self.interchange_count += 1
        syntax_id = seg.get(0, 0)
        self.interchange = InterchangeHeader(
            index=self.interchange_count,
            syntax_id=syntax_id,
            syntax_version=seg.get(0, 1),
            sender=seg.get(1, 0),
            sender_qualifier=seg.get(1, 1),
            recipient=seg.get(2, 0),
            recipient_qualifier=seg.get(2, 1),
            prepared=":".join(c for c in (seg.get(3, 0), seg.get(3, 1)) if c) or None,
            control_ref=seg.get(4, 0),
            test=seg.get(10, 0) == "1",
            delimiters=self.delimiters,
            segment=seg,
        )
        findings = self.interchange_findings = []
        if syntax_id not in SYNTAX_CODECS:
            findings.append(
                warning(
                    "EDI_UNKNOWN_SYNTAX_ID",
                    f"UNB declares syntax identifier {syntax_id!r}, which is not one of UNOA to UNOY; "
                    "the text was read as UTF-8 or Latin-1.",
                    field="envelope.syntax_id",
                    location=where(seg, "1.1"),
                )
            )
        if not self.interchange.sender or not self.interchange.control_ref:
            findings.append(
                error(
                    "EDI_BAD_UNB",
                    "UNB lacks the sender or the interchange control reference, so a resent copy "
                    "could not be recognised.",
                    field="envelope",
                    location=where(seg),
                )
            )
        if self.interchange.test:
            findings.append(
                error(
                    "EDI_TEST_INTERCHANGE",
                    "The sender marked this interchange as a test (UNB test indicator 1); it is not loaded "
                    "unless someone approves it.",
                    field="envelope.test",
                    location=where(seg, "11"),
                )
            )
        self.messages_in_interchange = 0
        self.groups_in_interchange = 0
        self.message_refs = set()

    def _ung(self, seg: Segment) -> Iterator[EnvelopeEvent]:
        self._ensure_interchange(seg)
        if self.group_segment is not None:
            self.interchange_findings.append(
                error(
                    "EDI_MISSING_UNE",
                    f"Group {self.group_ref} is not closed by UNE before the next UNG.",
                    location=where(seg),
                )
            )
        self.groups_in_interchange += 1
        self.group_ref = seg.get(4, 0)
        self.group_segment = seg
        self.messages_in_group = 0
        return iter(())

    def _une(self, seg: Segment) -> Iterator[EnvelopeEvent]:
        if self.message is not None:
            yield from self._close_message_without_unt(seg)
        if self.group_segment is None:
            self.interchange_findings.append(
                error("EDI_UNEXPECTED_UNE", "UNE closes a group that was never opened.", location=where(seg))
            )
            return
        count, ref = _int(seg.get(0, 0)), seg.get(1, 0)
        if count != self.messages_in_group:
            self.interchange_findings.append(
                error(
                    "EDI_UNE_COUNT",
                    f"UNE says group {self.group_ref} holds {seg.get(0, 0)} messages, but it holds "
                    f"{self.messages_in_group}.",
                    location=where(seg, "1"),
                )
            )
        if ref != self.group_ref:
            self.interchange_findings.append(
                error(
                    "EDI_UNE_REF",
                    f"UNE reference {ref!r} does not match the UNG group reference {self.group_ref!r}.",
                    location=where(seg, "2"),
                )
            )
        self.group_segment = None
        self.group_ref = None

    def _unh(self, seg: Segment) -> Iterator[EnvelopeEvent]:
        if self.message is not None:
            yield from self._close_message_without_unt(seg)
        self._ensure_interchange(seg)
        assert self.interchange is not None
        self.messages_in_interchange += 1
        self.messages_in_group += 1
        ref = seg.get(0, 0)
        message = Message(
            interchange=self.interchange,
            index=self.messages_in_interchange,
            ref=ref,
            identifier=seg.elements[1] if len(seg.elements) > 1 else (),
            segments=[seg],
            group_ref=self.group_ref,
        )
        if ref is not None and ref in self.message_refs:
            message.findings.append(
                error(
                    "EDI_DUPLICATE_MESSAGE_REF",
                    f"Message reference {ref} is used twice in interchange {self.interchange.index}.",
                    field="envelope.message_ref",
                    location=where(seg, "1"),
                )
            )
        if ref is not None:
            self.message_refs.add(ref)
        if self.interchange.segment is None:
            message.findings.append(
                error(
                    "EDI_MISSING_UNB",
                    "The message has no UNB interchange header, so its sender and reference are unknown.",
                    field="envelope",
                    location=where(seg),
                )
            )
        self.message = message

    def _unt(self, seg: Segment) -> Iterator[EnvelopeEvent]:
        message = self.message
        if message is None:
            yield from self._outside_message(seg)
            return
        message.segments.append(seg)
        count, ref = _int(seg.get(0, 0)), seg.get(1, 0)
        if count != len(message.segments):
            message.findings.append(
                error(
                    "EDI_UNT_COUNT",
                    f"UNT says the message has {seg.get(0, 0)} segments, but it has {len(message.segments)}: "
                    "segments may have been lost or added.",
                    field="envelope.segment_count",
                    location=where(seg, "1"),
                )
            )
        if ref != message.ref:
            message.findings.append(
                error(
                    "EDI_UNT_REF",
                    f"UNT reference {ref!r} does not match the UNH message reference {message.ref!r}.",
                    field="envelope.message_ref",
                    location=where(seg, "2"),
                )
            )
        self.message = None
        yield message

    def _unz(self, seg: Segment) -> Iterator[EnvelopeEvent]:
        if self.message is not None:
            yield from self._close_message_without_unt(seg)
        if self.interchange is None:
            yield FileFinding(error("EDI_UNEXPECTED_UNZ", "UNZ closes an interchange that was never opened.",
                                    location=where(seg)))
            return
        yield from self._close_interchange(seg)

    _handlers = {"UNB": _unb, "UNG": _ung, "UNE": _une, "UNH": _unh, "UNT": _unt, "UNZ": _unz}

    # -- everything else ------------------------------------------------------------------------

    def _data_segment(self, seg: Segment) -> Iterator[EnvelopeEvent]:
        if not _TAG.match(seg.tag):
            finding = error(
                "EDI_BAD_SYNTAX",
                f"Segment {seg.number} does not start with a three-letter tag ({seg.tag[:20]!r}); "
                "the file is malformed or not EDIFACT.",
                location=where(seg),
            )
            if self.message is not None:
                self.message.segments.append(seg)
                if self.limiter.allow("EDI_BAD_SYNTAX"):
                    self.message.findings.append(finding)
            elif self.limiter.allow("EDI_BAD_SYNTAX"):
                yield FileFinding(finding)
            return
        if self.message is None:
            yield from self._outside_message(seg)
            return
        self.message.segments.append(seg)

    def _outside_message(self, seg: Segment) -> Iterator[EnvelopeEvent]:
        if self.limiter.allow("EDI_SEGMENT_OUTSIDE_MESSAGE"):
            yield FileFinding(
                error(
                    "EDI_SEGMENT_OUTSIDE_MESSAGE",
                    f"Segment {seg.tag} (number {seg.number}) stands outside any UNH…UNT message and was ignored.",
                    location=where(seg),
                )
            )

    def _ensure_interchange(self, seg: Segment) -> None:
        if self.interchange is None:
            self.interchange_count += 1
            self.interchange = InterchangeHeader(
                index=self.interchange_count, syntax_id=None, syntax_version=None, sender=None,
                sender_qualifier=None, recipient=None, recipient_qualifier=None, prepared=None,
                control_ref=None, test=False, delimiters=self.delimiters, segment=None,
            )
            self.interchange_findings = []
            self.messages_in_interchange = 0
            self.groups_in_interchange = 0
            self.message_refs = set()

    def _close_message_without_unt(self, seg: Segment | None) -> Iterator[EnvelopeEvent]:
        message = self.message
        assert message is not None
        message.findings.append(
            error(
                "EDI_MISSING_UNT",
                f"Message {message.ref or '?'} has no UNT trailer: it is truncated or two messages ran together.",
                field="envelope.segment_count",
                location=where(seg) if seg else None,
            )
        )
        self.message = None
        yield message

    def _close_interchange(self, unz: Segment | None) -> Iterator[EnvelopeEvent]:
        header = self.interchange
        assert header is not None
        findings = self.interchange_findings
        if self.group_segment is not None:
            findings.append(error("EDI_MISSING_UNE", f"Group {self.group_ref} is not closed by UNE."))
            self.group_segment = None
        if unz is not None and header.segment is not None:
            expected = self.groups_in_interchange or self.messages_in_interchange
            what = "groups" if self.groups_in_interchange else "messages"
            if _int(unz.get(0, 0)) != expected:
                findings.append(
                    error(
                        "EDI_UNZ_COUNT",
                        f"UNZ says the interchange holds {unz.get(0, 0)} {what}, but it holds {expected}.",
                        field="envelope.message_count",
                        location=where(unz, "1"),
                    )
                )
            if unz.get(1, 0) != header.control_ref:
                findings.append(
                    error(
                        "EDI_UNZ_REF",
                        f"UNZ reference {unz.get(1, 0)!r} does not match the UNB control reference "
                        f"{header.control_ref!r}.",
                        field="envelope.control_ref",
                        location=where(unz, "2"),
                    )
                )
        elif unz is None and header.segment is not None and not any(f.code == "EDI_MISSING_UNZ" for f in findings):
            findings.append(
                error("EDI_MISSING_UNZ", f"Interchange {header.index} has no UNZ trailer: the file is truncated.")
            )
        yield InterchangeClosed(header, self.messages_in_interchange, findings)
        self.interchange = None
        self.interchange_findings = []

    def _end_of_file(self) -> Iterator[EnvelopeEvent]:
        if self.message is not None:
            yield from self._close_message_without_unt(None)
        if self.interchange is not None:
            yield from self._close_interchange(None)
        if self.seen_segments == 0:
            yield FileFinding(error("EDI_EMPTY", "The file holds no EDIFACT segment."))
        for finding in self.limiter.summary():
            yield FileFinding(finding)
