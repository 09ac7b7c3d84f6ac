"""Which part of a mail to read: the new text, not the quoted reply or the chain below it, and where the
signature starts.

The text handed to spaCy keeps every character position of the original (what is not read is blanked with
spaces, line breaks kept), so a span found in it is a span of ``FreeText.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.text.vocabulary import fold

_FLAGS = re.IGNORECASE | re.MULTILINE
# Where a quoted earlier message starts: everything from there on is history.
_REPLY = re.compile(
    r"^[ \t]*(?:Le\s[^\n]{3,200}?(?:\n[^\n]{0,120}?)?\s(?:a\s+)?[ée]crit\s*:|On\s[^\n]{3,200}?(?:\n[^\n]{0,120}?)?"
    r"\swrote\s*:|-{2,}\s*(?:original message|message d'origine|message original)\s*-*|_{8,}\s*$"
    r"|(?:De|From)\s*:[^\n]*\n(?:[^\n]*\n)?(?:Envoy[ée]|Sent|Date)\s*:)", _FLAGS)
_FORWARD = re.compile(r"^[ \t]*(?:-{2,}\s*(?:forwarded message|message transf[ée]r[ée]|message transmis)\s*-*|"
                      r"D[ée]but du message r[ée]exp[ée]di[ée]\s*:|Begin forwarded message\s*:)[ \t]*$", _FLAGS)
_HEADER_LINE = re.compile(r"^[ \t]*(?:De|From|Date|Envoy[ée]|Sent|[ÀA]|To|Cc|Objet|Subject)\s*:.*$", _FLAGS)
_FROM_LINE = re.compile(r"^[ \t]*(?:De|From)\s*:\s*(?P<who>.*)$", _FLAGS)
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CLOSINGS = ("cordialement", "bien cordialement", "tres cordialement", "bien a vous", "salutations",
             "meilleures salutations", "sinceres salutations", "bonne journee", "bonne fin de journee",
             "bonne soiree", "a bientot", "merci", "merci d'avance", "merci par avance", "merci beaucoup",
             "merci et bonne journee", "best regards", "kind regards", "regards", "best", "many thanks", "thanks",
             "thank you", "thanks in advance", "cheers", "sincerely", "yours sincerely", "bien amicalement",
             "amicalement", "cdlt", "cdt", "bav", "rgds", "br")
_CLOSING_LINE = re.compile(r"^[ \t]*(?:" + "|".join(re.escape(c) for c in _CLOSINGS) + r")[ \t]*[,.!]*[ \t]*$")
_SIGNATURE_DASHES = re.compile(r"^-- ?$", re.MULTILINE)
MIN_OWN_TEXT = 60  # a forward with less text of its own than this is read for the message it forwards


@dataclass(frozen=True)
class Body:
    """What to read of a mail: ``text`` has the original's length, unread parts blanked."""

    text: str
    start: int  # first character read
    end: int  # end of what is read (a reply's quoted history, a forwarded chain start here)
    signature: int  # where the sender's signature starts (``end`` when none was found)
    forwarded_sender: str | None = None  # the original sender, when a forwarded message was read
    quoted: bool = False  # history was cut off


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _first(pattern: re.Pattern, text: str, start: int = 0) -> re.Match | None:
    return pattern.search(text, start)


_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|tr|wg|transf)\s*:", re.IGNORECASE)


def read_body(text: str, subject: str | None = None) -> Body:
    """The new part of a mail (or the forwarded message, when the forward adds next to nothing)."""
    start, end, sender = 0, len(text), None
    markers = sorted((m for m in (_first(_FORWARD, text), _first(_REPLY, text)) if m is not None),
                     key=lambda m: m.start())
    first = markers[0] if markers else None
    # Outlook shows a forward ("TR: …") with the same header block as a reply
    forwarded = first is not None and (first.re is _FORWARD or bool(subject and _FORWARD_SUBJECT.match(subject)))
    cut = first.start() if first is not None else len(text)
    mine = re.sub(r"\s+", "", _unquoted(text[:cut]))
    if forwarded and (len(mine) < MIN_OWN_TEXT or not re.search(r"\d", mine)):
        start, sender = _forwarded_start(text, first.end() if first.re is _FORWARD else first.start())
        later = [m.start() for m in (_first(_FORWARD, text, start), _first(_REPLY, text, start)) if m is not None]
        end = min(later, default=len(text))
    else:
        end = cut
    read = text[start:end]
    masked = _blank(text[:start]) + _mask_quotes(read)
    signature = start + _signature_start(read)
    return Body(masked, start, end, signature, sender, quoted=end < len(text) or ">" in read)


def _unquoted(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))


def _mask_quotes(text: str) -> str:
    """Lines quoted with ">" inside the new part (an answer between quoted lines) are blanked."""
    return "\n".join(_blank(line) if line.lstrip().startswith(">") else line for line in text.split("\n"))


def _forwarded_start(text: str, position: int) -> tuple[int, str | None]:
    """Skip the forwarded message's header lines; return where its text starts and who wrote it."""
    sender = None
    offset = position
    for line in text[position:].split("\n"):
        if _HEADER_LINE.match(line):
            found = _FROM_LINE.match(line)
            if found and sender is None:
                address = _ADDRESS.search(found.group("who"))
                sender = address.group(0).lower() if address else None
        elif line.strip(" \t_-"):
            break
        offset += len(line) + 1
    return min(offset, len(text)), sender


def is_closing(line: str) -> bool:
    return bool(_CLOSING_LINE.match(fold(line)))


def _signature_start(text: str) -> int:
    """Offset of the closing formula ("Cordialement,") or the "-- " line that opens the signature."""
    candidates = []
    dashes = _SIGNATURE_DASHES.search(text)
    if dashes:
        candidates.append(dashes.start())
    offset = 0
    for line in text.split("\n"):
        if offset > 0 and _CLOSING_LINE.match(fold(line)):
            candidates.append(offset)
            break
        offset += len(line) + 1
    return min(candidates, default=len(text))
