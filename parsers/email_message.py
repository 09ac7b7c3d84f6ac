"""E-mail messages (RFC 822 / MIME, ``.eml`` files, Maildir and IMAP messages): the attachments become children.

The message itself carries no business document: each attachment (PDF, XML, EDIFACT, image, zip,
forwarded message) is handed back to the pipeline, which stores and processes it as a child of the
message. A message with no attachment is the free-text order channel: its text goes to the free-text extractor
(``ParseResult.text``), with the warning ``EMAIL_NO_ATTACHMENT``; one with no text either is an error.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from email import policy
from email.message import EmailMessage
from typing import Iterator

from parsers.base import Attachment, ParseResult
from schemas import Finding
from schemas.findings import error, warning
from schemas.layout import FreeText

MAX_ATTACHMENTS = 100
INLINE_IMAGE_MAX = 64 * 1024  # a signature logo; a scanned order pasted into the body is bigger and is kept
_FIELD = re.compile(rb"([!-9;-~]+):")  # a header field name: printable ASCII but ':' and space
_MAIL_FIELDS = {b"from", b"received", b"mime-version"}
_SIGNATURES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
_ENCRYPTED = {"application/pkcs7-mime", "application/x-pkcs7-mime", "application/pgp-encrypted"}
_EDIFACT_START = (b"UNA", b"UNB")


def looks_like_email(data: bytes) -> bool:
    """RFC 822 by its header block: field lines up to a blank line, with From, Received or MIME-Version."""
    head = data[:16384]
    if head.startswith(b"From "):  # an mbox "From " line in front of a single message
        head = head.partition(b"\n")[2]
    names: set[bytes] = set()
    for number, line in enumerate(head.split(b"\n")):
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t") and number:
            continue  # a folded continuation of the field above
        match = _FIELD.match(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    return len(names) >= 2 and bool(names & _MAIL_FIELDS)


def _header(message: EmailMessage, name: str) -> str | None:
    """A decoded header value; a header the email package cannot parse is returned raw rather than lost."""
    try:
        value = message[name]
    except Exception:  # noqa: BLE001 - the email package raises on some malformed headers (IndexError, …)
        raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
        return str(raw).strip() if raw is not None else None
    return str(value).strip() if value is not None else None


def sender_address(message: EmailMessage) -> str | None:
    """The From address (``orders@client.fr``), or the raw From header when it holds no parsable address."""
    try:
        addresses = message["From"].addresses if message["From"] is not None else ()
    except Exception:  # noqa: BLE001
        addresses = ()
    for address in addresses:
        if address.addr_spec and address.addr_spec != "<>":
            return address.addr_spec.lower()
    return _header(message, "From")


def _leaves(part: EmailMessage, parent_type: str = "") -> Iterator[tuple[EmailMessage, str]]:
    """Every leaf part with its parent's content type; a forwarded message is a leaf (it becomes a child)."""
    if part.get_content_type() == "message/rfc822" or part.get_content_maintype() != "multipart":
        yield part, parent_type
        return
    for sub in part.iter_parts():
        yield from _leaves(sub, part.get_content_type())


@dataclass
class _Reading:
    """What the walk over one message's parts has found so far."""

    attachments: list[Attachment] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    defects: set[str] = field(default_factory=set)
    body: EmailMessage | None = None

    def take(self, part: EmailMessage, parent_type: str) -> None:
        kind, name = part.get_content_type(), part.get_filename()
        disposition = part.get_content_disposition()
        self.defects |= {type(d).__name__ for d in part.defects}
        if kind in _SIGNATURES:
            self.notes.append(f"signature part {kind} not kept as a document")
        elif kind in _ENCRYPTED:
            self.findings.append(error("EMAIL_ENCRYPTED", f"The message is encrypted ({kind}); its content cannot "
                                       "be read without the recipient's key. Ask the sender for an unencrypted copy."))
        elif kind == "message/rfc822":
            inner = part.get_payload(0)
            subject = _header(inner, "Subject") or "message"
            self.attachments.append(Attachment(name or f"{_safe_name(subject)}.eml", inner.as_bytes(), kind))
        elif part.get_content_maintype() == "text" and not name and disposition != "attachment":
            if self.body is None or (kind == "text/plain" and self.body.get_content_type() != "text/plain"):
                self.body = part  # the plain-text alternative when there is one
        elif _is_body_image(part, parent_type):
            self.notes.append(f"inline {kind} {name or part.get('Content-ID')} belongs to the HTML body: not a "
                              "document")
        else:
            payload = part.get_payload(decode=True) or b""
            self.attachments.append(Attachment(name or f"part-{len(self.attachments) + 1}{_extension(kind)}",
                                               payload, kind))

    def take_raw(self, part: EmailMessage, exc: Exception) -> None:
        """A part whose headers the email package cannot read: kept as it stands rather than lost."""
        self.defects.add(f"unreadable part ({type(exc).__name__})")
        try:
            raw = part.as_bytes()
        except Exception:  # noqa: BLE001
            return
        self.attachments.append(Attachment(f"part-{len(self.attachments) + 1}.bin", raw))


class EmailParser:
    name = "email"

    def sniff(self, data: bytes) -> bool:
        return looks_like_email(data)

    def parse(self, data: bytes) -> ParseResult:
        message = email.message_from_bytes(data, policy=policy.default)
        sender = sender_address(message)
        subject = _header(message, "Subject") or "(no subject)"
        sent = _header(message, "Date") or "an unknown date"
        reading = _Reading(notes=[f"from {sender or '?'}, to {_header(message, 'To') or '?'}, date {sent}, "
                                  f"subject {subject!r}", f"message-id {_header(message, 'Message-ID') or '(none)'}"])
        reading.defects |= {type(d).__name__ for d in message.defects}
        for part, parent_type in _leaves(message):
            try:
                reading.take(part, parent_type)
            except Exception as exc:  # noqa: BLE001 - the email package raises on some malformed headers
                reading.take_raw(part, exc)
        attachments, findings, notes, body = reading.attachments, reading.findings, reading.notes, reading.body
        if not attachments and body is not None:
            text = body.get_payload(decode=True) or b""
            if text.lstrip().startswith(_EDIFACT_START):  # EDIFACT pasted as the message text
                attachments.append(Attachment("body.edi", text.strip() + b"\n", "application/edifact"))
                notes.append("the message text is an EDIFACT interchange: kept as body.edi")
        if reading.defects:
            findings.append(warning("EMAIL_MALFORMED", "The message is not well-formed MIME (" + ", ".join(
                sorted(reading.defects)[:5]) + "); an attachment may be incomplete or missing."))
        if len(attachments) > MAX_ATTACHMENTS:
            findings.append(error("EMAIL_TOO_MANY_ATTACHMENTS", f"The message has {len(attachments)} attachments; "
                                  f"only the first {MAX_ATTACHMENTS} were taken. The message is kept whole."))
            attachments = attachments[:MAX_ATTACHMENTS]
        notes += [f"attachment {a.name} ({a.content_type}, {len(a.data)} bytes)" for a in attachments]
        prose = None
        if not attachments and not any(f.code == "EMAIL_ENCRYPTED" for f in findings):
            prose = free_text(message, body, sender, subject)
            who = f"The message from {sender or 'an unknown sender'} of {sent} ({subject!r})"
            if prose is None:
                notes.append("no attachment and no text")
                findings.append(error("EMAIL_NO_ATTACHMENT", f"{who} has no attachment and no text: there is nothing "
                                      "to read. It is kept for someone to look at."))
            else:
                notes.append(f"no attachment; the message text ({len(prose.text)} characters) goes to the free-text "
                             "extractor")
                findings.append(warning("EMAIL_NO_ATTACHMENT", f"{who} has no attachment: its text is read as a "
                                        "free-text order (or keyed in by someone when nothing is found in it)."))
        return ParseResult(format=self.name, findings=tuple(findings), notes=tuple(notes),
                           attachments=tuple(attachments), text=prose)


def free_text(message: EmailMessage, body: EmailMessage | None, sender: str | None, subject: str) -> FreeText | None:
    """The message text (HTML reduced to its words) with who sent it and when, for the free-text extractor."""
    if body is None:
        return None
    try:
        content = body.get_content()
    except (LookupError, UnicodeError, KeyError, AssertionError):  # an unknown or lying charset
        content = (body.get_payload(decode=True) or b"").decode("latin-1")
    text = _html_text(content) if body.get_content_type() == "text/html" else content
    if not text.strip():
        return None
    name, sent_at = None, _header(message, "Date")
    try:
        name = next((a.display_name for a in message["From"].addresses if a.display_name), None)
        sent_at = message["Date"].datetime.isoformat()
    except Exception:  # noqa: BLE001 - an unparsable From or Date stays as sent
        pass
    return FreeText(text=text, sender=sender, sender_name=name, subject=subject, sent_at=sent_at or None)


class _HtmlText(HTMLParser):
    """The words of an HTML body, one block per line (scripts and styles left out)."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.hidden = max(self.hidden - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def _html_text(html: str) -> str:
    reader = _HtmlText()
    reader.feed(html)
    reader.close()
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(reader.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _is_body_image(part: EmailMessage, parent_type: str) -> bool:
    """A logo or signature picture the HTML body shows (small, referenced by Content-ID), not a scan to read."""
    return (parent_type == "multipart/related" and part.get_content_maintype() == "image"
            and bool(part.get("Content-ID")) and len(part.get_payload(decode=True) or b"") <= INLINE_IMAGE_MAX)


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-")[:60] or "message"


def _extension(content_type: str) -> str:
    return {"application/pdf": ".pdf", "application/xml": ".xml", "text/xml": ".xml", "application/zip": ".zip",
            "application/edifact": ".edi", "image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif",
            "text/plain": ".txt", "text/html": ".html"}.get(content_type, ".bin")
