"""The EDIFACT parser: bytes in, one canonical document per supported message out."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from typing import BinaryIO

from parsers.base import ParseResult
from parsers.edifact_envelope import EnvelopeEvent, EnvelopeReader, FileFinding, InterchangeClosed, Message
from parsers.edifact_mapping import SUPPORTED, map_message
from parsers.edifact_syntax import BOM, SegmentReader, charset_violations, decode_chunks, read_header
from schemas import Finding
from schemas.findings import error, warning

log = logging.getLogger(__name__)
_SNIFF_PREFIXES = (b"UNA", b"UNB", b"UNH")


def read_events(stream: BinaryIO) -> Iterator[EnvelopeEvent]:
    """Stream envelope events (messages, interchange ends, file findings) from a binary stream."""
    head = stream.read(64 * 1024)
    header = read_header(head)
    notes = _CharsetCheck(header.syntax_id)
    chunks = notes.watch(decode_chunks(stream, header.codec, first=head))
    yield from EnvelopeReader().read(SegmentReader().read(chunks))
    for finding in notes.findings(header):
        yield FileFinding(finding)


class _CharsetCheck:
    """Watches decoded text for replacement characters and level A/B violations, once per file."""

    def __init__(self, syntax_id: str | None) -> None:
        self.syntax_id = syntax_id
        self.replaced = False
        self.violation: str | None = None

    def watch(self, chunks: Iterator[str]) -> Iterator[str]:
        for chunk in chunks:
            if not self.replaced and "\ufffd" in chunk:
                self.replaced = True
            if self.violation is None and self.syntax_id:
                self.violation = charset_violations(self.syntax_id, chunk)
            yield chunk

    def findings(self, header) -> Iterator[Finding]:
        if header.utf8_in_disguise:
            yield warning(
                "EDI_CHARSET_MISMATCH",
                f"UNB declares {header.syntax_id} but the bytes are UTF-8; they were read as UTF-8.",
                field="envelope.syntax_id",
            )
        if self.replaced:
            yield warning(
                "EDI_BAD_ENCODING",
                f"Some characters could not be decoded as {header.codec} (they show as �); values that contain them "
                "may be wrong.",
            )
        if self.violation is not None:
            yield warning(
                "EDI_CHARSET_VIOLATION",
                f"The text uses {self.violation!r}, which syntax level {self.syntax_id} does not allow.",
                field="envelope.syntax_id",
            )


class EdifactParser:
    name = "edifact"

    def sniff(self, data: bytes) -> bool:
        start = data[:64].lstrip(BOM.encode()).lstrip(b" \t\r\n")
        return start.startswith(_SNIFF_PREFIXES)

    def parse(self, data: bytes) -> ParseResult:
        sha256 = hashlib.sha256(data).hexdigest()
        documents = []
        pending = []  # documents of the interchange being read: its closing findings apply to them
        file_findings: list[Finding] = []
        keys: list[str] = []
        notes: list[str] = []
        for event in read_events(io.BytesIO(data)):
            if isinstance(event, Message):
                if event.type in SUPPORTED:
                    try:
                        pending.append(map_message(event, sha256))
                    except Exception as exc:  # noqa: BLE001 - our bug; the other messages must still go through
                        log.exception("mapping %s failed", event.locator)
                        file_findings.append(
                            error("EDI_MAPPING_FAILED", f"{event.locator} ({event.type_string}) could not be mapped "
                                  f"({type(exc).__name__}: {exc}). This is a defect in ADV intake; the raw file is "
                                  "kept and can be retried after a fix.", field="envelope")
                        )
                else:
                    file_findings.extend(event.findings)
                    file_findings.append(
                        error(
                            "EDI_UNSUPPORTED_MESSAGE",
                            f"{event.locator} is a {event.type_string or 'message of unknown type'}; only ORDERS, "
                            "INVOIC, DESADV and ORDRSP are mapped. It is kept here for someone to route.",
                            field="envelope.message_type",
                        )
                    )
            elif isinstance(event, InterchangeClosed):
                header = event.header
                if header.key:
                    keys.append(header.key)
                notes.append(
                    f"interchange {header.index}: sender {header.sender or '?'}, control ref "
                    f"{header.control_ref or '?'}, syntax {header.syntax_id or '?'}:{header.syntax_version or '?'}, "
                    f"{event.message_count} message(s), "
                    + ("control counts checked" if header.segment else "no UNB/UNZ envelope")
                    + (f", {len(event.findings)} envelope finding(s)" if event.findings else "")
                )
                if pending:
                    documents.extend(doc.with_findings(event.findings) for doc in pending)
                else:
                    file_findings.extend(event.findings)
                pending = []
            else:
                file_findings.append(event.finding)
        documents.extend(pending)
        for doc in documents:
            notes.append(f"{doc.source.locator}: {doc.source.message_type} -> {doc.kind.value} {doc.number or '?'}, "
                         f"{len(doc.lines)} line(s)")
        return ParseResult(format=self.name, documents=tuple(documents), findings=tuple(file_findings),
                           envelope_keys=tuple(dict.fromkeys(keys)), notes=tuple(notes))
