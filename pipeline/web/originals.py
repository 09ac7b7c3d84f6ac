"""The original document as a person reads it: page images, EDIFACT segments, an e-mail, or its text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from parsers.edifact_syntax import Segment, read_segments
from parsers.email_message import looks_like_email
from pipeline.raw_store import RawStore
from pipeline.web.pages import PageError, PageInfo, is_image, is_pdf, pages

MAX_SEGMENTS = 3000
MAX_TEXT = 60_000
_ATTACHMENT = re.compile(r"attachment (\d+): ?(.*)")


@dataclass(frozen=True)
class SegmentView:
    number: int
    tag: str
    text: str


@dataclass(frozen=True)
class Attachment:
    index: int
    filename: str
    content_type: str
    size: int
    child_id: int | None


@dataclass(frozen=True)
class EmailView:
    headers: list[tuple[str, str]]
    body: str
    body_is_html: bool
    attachments: list[Attachment]


@dataclass
class Original:
    kind: str  # pdf, image, edifact, email, xml, text, empty, missing
    size: int = 0
    pages: list[PageInfo] = field(default_factory=list)
    page_count: int = 0
    segments: list[SegmentView] = field(default_factory=list)
    email: EmailView | None = None
    text: str = ""
    note: str | None = None


def original(store: RawStore, sha256: str, fmt: str | None, children: list[dict],
             segments_used: set[int] = frozenset()) -> Original:
    """What the left side of the document page shows for the raw bytes ``sha256``."""
    if not store.exists(sha256):
        return Original("missing", note="The raw bytes are not in the raw store (was it moved or cleaned?).")
    data = store.get(sha256)
    if not data:
        return Original("empty", note="The file is empty (0 bytes).")
    if is_pdf(data) or is_image(data):
        kind = "pdf" if is_pdf(data) else "image"
        try:
            shown, count = pages(store, sha256)
        except PageError as exc:
            return Original(kind, len(data), note=f"No page images: {exc}. Download the original to look at it.")
        note = f"Pages 1 to {len(shown)} of {count} are shown; download the file for the rest." \
            if count > len(shown) else None
        return Original(kind, len(data), pages=shown, page_count=count, note=note)
    try:
        if fmt == "edifact" or data.lstrip(b"\xef\xbb\xbf \r\n").startswith((b"UNA", b"UNB")):
            return _edifact(data, segments_used)
        if looks_like_email(data):
            return Original("email", len(data), email=_email(data, children))
    except Exception as exc:  # noqa: BLE001 - hostile bytes: show them as text rather than fail the page
        text = _text(data)
        return Original("text", len(data), text=text[:MAX_TEXT], note=f"Shown as text: it could not be read as "
                        f"{'EDIFACT' if fmt == 'edifact' else 'an e-mail'} ({type(exc).__name__}).")
    text = _text(data)
    kind = "xml" if text.lstrip().startswith("<") else "text"
    return Original(kind, len(data), text=text[:MAX_TEXT],
                    note="Only the beginning is shown." if len(text) > MAX_TEXT else None)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _edifact(data: bytes, used: set[int]) -> Original:
    text = _text(data).lstrip("\ufeff")
    tokens = read_segments(text)
    offsets = [token.offset for token in tokens] + [len(text)]
    views = [SegmentView(token.number, token.tag if isinstance(token, Segment) else "UNA",
                         text[offsets[i]:offsets[i + 1]].strip())
             for i, token in enumerate(tokens)]
    note = None
    if len(views) > MAX_SEGMENTS:
        # Show the part of a large interchange this document came from.
        low = max(min(used, default=1) - 20, 1)
        views = [v for v in views if low <= v.number < low + MAX_SEGMENTS]
        note = f"Segments {views[0].number} to {views[-1].number} of {len(tokens)} are shown."
    return Original("edifact", len(data), segments=views, note=note)


def _email(data: bytes, children: list[dict]) -> EmailView:
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(data)
    headers = [(name, _header(message, name)) for name in ("From", "To", "Cc", "Date", "Subject")
               if message.get(name) is not None]
    body_part = message.get_body(preferencelist=("plain", "html"))
    body, is_html = "", False
    if body_part is not None:
        is_html = body_part.get_content_type() == "text/html"
        try:
            body = body_part.get_content()
        except (LookupError, ValueError, AssertionError):
            payload = body_part.get_payload(decode=True) or b""
            body = _text(payload)
    by_index, by_name = {}, {}
    for child in children:
        match = _ATTACHMENT.match(child.get("locator") or "")
        if match:
            by_index[int(match.group(1))] = child["id"]
            by_name.setdefault(match.group(2), child["id"])
    attachments = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        payload = part.get_payload(decode=True) or b""
        name = part.get_filename() or f"attachment {index}"
        attachments.append(Attachment(index, name, part.get_content_type(), len(payload),
                                      by_name.get(name, by_index.get(index))))
    return EmailView(headers, body[:MAX_TEXT], is_html, attachments)


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message[name])
    except (ValueError, IndexError, AttributeError):
        return str(message.get_all(name, [""])[0])
