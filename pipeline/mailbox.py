"""Mailboxes into intake. IMAP: fetch unseen messages, store each raw, and only then mark it seen (or move it).

The order is what makes it safe: a message is marked seen (or moved to the processed folder) only
after its raw bytes are in the store and its ``documents`` row is committed. A crash in between
leaves the message unseen; the next run fetches it again and intake recognises the same bytes.
Maildir folders need nothing here: ``adv ingest`` walks them like any folder (``tmp/`` is skipped
by the ingest ignore patterns, Maildir++ sub-folders such as ``.Sent`` by ``.*``).
"""

from __future__ import annotations

import base64
import imaplib
import logging
import re
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipeline.context import Context
from pipeline.intake import receive
from pipeline.run import RunReport, process_waiting
from pipeline.settings import Settings

log = logging.getLogger(__name__)
Progress = Callable[[int], None]
CHANNEL = "imap"


class MailboxError(Exception):
    """The mail server cannot be reached or refuses us; the message says what to check."""


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    user: str
    password: str
    security: str  # "ssl", "starttls" or "plain"
    mailboxes: tuple[str, ...]
    processed_folder: str | None
    max_messages: int
    timeout: float = 60.0

    def source(self, mailbox: str, uidvalidity: str, uid: str) -> str:
        """Where a message came from, as an RFC 5092 IMAP URL (unique per message while UIDVALIDITY holds)."""
        return f"imap://{self.user}@{self.host}:{self.port}/{mailbox};UIDVALIDITY={uidvalidity}/;UID={uid}"


def imap_account(settings: Settings) -> ImapAccount | None:
    """The configured account, or None when ``ADV_IMAP_HOST`` is not set."""
    if not settings.imap_host:
        return None
    if not settings.imap_user or settings.imap_password is None:
        raise MailboxError("ADV_IMAP_HOST is set but ADV_IMAP_USER or ADV_IMAP_PASSWORD is not.")
    port = settings.imap_port or (993 if settings.imap_security == "ssl" else 143)
    return ImapAccount(settings.imap_host, port, settings.imap_user, settings.imap_password.get_secret_value(),
                       settings.imap_security, tuple(settings.imap_mailboxes), settings.imap_processed_folder,
                       settings.imap_max_messages)


@contextmanager
def connect(account: ImapAccount) -> Iterator[imaplib.IMAP4]:
    """A logged-in IMAP connection, logged out at the end."""
    try:
        if account.security == "ssl":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(account.host, account.port, timeout=account.timeout,
                                                     ssl_context=ssl.create_default_context())
        else:
            imap = imaplib.IMAP4(account.host, account.port, timeout=account.timeout)
            if account.security == "starttls":
                imap.starttls(ssl_context=ssl.create_default_context())
        imap.login(account.user, account.password)
        # Servers announce MOVE and UIDPLUS only once logged in; imaplib keeps the greeting's list.
        status, capabilities = imap.capability()
        if status == "OK" and capabilities and capabilities[0]:
            imap.capabilities = tuple(capabilities[0].decode().upper().split())
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"cannot log in to {account.host}:{account.port} as {account.user} "
                           f"({type(exc).__name__}: {exc}); check ADV_IMAP_HOST, ADV_IMAP_PORT, "
                           "ADV_IMAP_SECURITY, ADV_IMAP_USER and ADV_IMAP_PASSWORD") from exc
    try:
        yield imap
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def quote(mailbox: str) -> str:
    """A mailbox name as an IMAP quoted string, in modified UTF-7 (RFC 3501 5.1.3): "Commandes reçues"."""
    encoded = modified_utf7(mailbox)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def modified_utf7(name: str) -> str:
    """IMAP's spelling of folder names: printable ASCII as is ("&" as "&-"), the rest as &base64-."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            packed = base64.b64encode("".join(pending).encode("utf-16-be")).rstrip(b"=").replace(b"/", b",")
            out.append(f"&{packed.decode()}-")
            pending.clear()

    for char in name:
        if " " <= char <= "~":
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)


def fetch_imap(context: Context, account: ImapAccount, progress: Progress | None = None) -> tuple[RunReport, list[int]]:
    """Receive every unseen message of the account's mailboxes; returns the report and the new document ids."""
    report, new_ids = RunReport(), []
    with connect(account) as imap:
        moves = account.processed_folder is not None and _ensure_folder(imap, account.processed_folder)
        for mailbox in account.mailboxes:
            status, _ = imap.select(quote(mailbox))
            if status != "OK":
                report.errors.append(f"imap {mailbox}: the mailbox cannot be opened")
                continue
            uidvalidity = _uidvalidity(imap)
            status, found = imap.uid("SEARCH", None, "UNSEEN")
            uids = found[0].split() if status == "OK" and found and found[0] else []
            for uid in uids[: max(account.max_messages - report.files_seen, 0)]:
                raw = _fetch(imap, uid)
                source = account.source(mailbox, uidvalidity, uid.decode())
                report.files_seen += 1
                if raw is None:
                    report.errors.append(f"{source}: the server returned no message body")
                    continue
                with context.sessions() as session:
                    receipt = receive(session, context.store, raw, source, CHANNEL, context.settings.user)
                if receipt.new:
                    report.files_new += 1
                    new_ids.append(receipt.document_id)
                else:
                    report.already_received += 1
                # Only now: the raw bytes are stored and the row is committed.
                _done(imap, uid, account.processed_folder if moves else None)
                if progress:
                    progress(1)
            if moves:
                _expunge(imap, uids)
    return report, new_ids


def fetch_mail(context: Context, progress: Progress | None = None) -> RunReport:
    """``adv fetch-mail``: fetch the configured IMAP mailboxes, then process what was received."""
    account = imap_account(context.settings)
    if account is None:
        raise MailboxError("no IMAP account is configured: set ADV_IMAP_HOST, ADV_IMAP_USER and ADV_IMAP_PASSWORD "
                           "(or imap_host, … in adv.toml)")
    report, _new_ids = fetch_imap(context, account, progress)
    return report.merge(process_waiting(context, progress=progress))


def _uidvalidity(imap: imaplib.IMAP4) -> str:
    _, values = imap.response("UIDVALIDITY")
    if values and values[0]:
        return values[0].decode() if isinstance(values[0], bytes) else str(values[0])
    status, data = imap.status(quote("INBOX"), "(UIDVALIDITY)")
    match = re.search(rb"UIDVALIDITY (\d+)", data[0] or b"") if status == "OK" and data else None
    return match.group(1).decode() if match else "0"


def _fetch(imap: imaplib.IMAP4, uid: bytes) -> bytes | None:
    """The message's bytes exactly as the server keeps them; PEEK leaves it unseen until we say so."""
    status, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
    if status != "OK":
        return None
    for part in parts or ():
        if isinstance(part, tuple) and len(part) == 2:
            return part[1]
    return None


def _ensure_folder(imap: imaplib.IMAP4, folder: str) -> bool:
    """Create the processed folder when missing; a folder the server refuses is an error, not a silent no-move."""
    status, listed = imap.list('""', quote(folder))
    if status == "OK" and listed and listed[0]:
        return True
    status, reply = imap.create(quote(folder))
    if status != "OK":
        detail = b" ".join(r for r in reply if isinstance(r, bytes)).decode(errors="replace")
        raise MailboxError(f"the processed folder {folder!r} cannot be created ({detail}); check "
                           "ADV_IMAP_PROCESSED_FOLDER (the server may use another hierarchy separator)")
    return True


def _done(imap: imaplib.IMAP4, uid: bytes, folder: str | None) -> None:
    """Mark the message seen, and move it when a processed folder is configured."""
    imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    if folder is None:
        return
    capabilities = {c.upper() for c in imap.capabilities}
    if "MOVE" in capabilities:
        imap.uid("MOVE", uid, quote(folder))
        return
    status, _ = imap.uid("COPY", uid, quote(folder))
    if status == "OK":
        imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)")


def _expunge(imap: imaplib.IMAP4, uids: list[bytes]) -> None:
    """Remove the copies left behind when the server cannot MOVE: only ours (UID EXPUNGE), never a user's."""
    capabilities = {c.upper() for c in imap.capabilities}
    if uids and "MOVE" not in capabilities and "UIDPLUS" in capabilities:
        imap.uid("EXPUNGE", b",".join(uids).decode())
