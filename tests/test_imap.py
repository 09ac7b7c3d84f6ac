"""IMAP intake against a real Dovecot started for the tests (no mock): fetch, store raw, only then mark seen.

The server runs from a config in a temporary folder, on a free localhost port, with a passwd-file
user and Maildir storage. Without Dovecot (``apt-get install dovecot-imapd``, which scripts/setup.sh
does) the tests skip and say why.
"""

from __future__ import annotations

import imaplib
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SAMPLES
from pydantic import SecretStr
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline import mailbox as mailbox_module
from pipeline.cli import app
from pipeline.context import Context
from pipeline.db.models import Document
from pipeline.mailbox import MailboxError, fetch_mail, imap_account

MESSAGES = ("commande-edifact-fr.eml", "invoice-facturx-en.eml", "commande-texte-libre-fr.eml")
PASSWORD = "s3cret-for-tests"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = {internal}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


USERS = tuple(f"adv-{n}" for n in range(1, 41))  # one fresh mailbox per test, written before the server starts


@dataclass
class Server:
    port: int
    root: Path
    handed_out: int = 0

    def add_user(self) -> str:
        """A mailbox no other test has used."""
        self.handed_out += 1
        return USERS[self.handed_out - 1]

    def connect(self, user: str) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(user, PASSWORD)
        return imap


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accounts() -> tuple[str, str, str, str]:
    """Who Dovecot runs as: its own system users as root, the current user otherwise."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, str(os.geteuid()), str(os.getegid())
    try:
        pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
    except KeyError:
        pytest.skip("the dovecot and dovenull system users are missing (reinstall dovecot-core)")
    return "dovecot", "dovenull", "dovecot", "dovecot"


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Server]:
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.access(binary, os.X_OK):
        pytest.skip("Dovecot is not installed: apt-get install dovecot-imapd (scripts/setup.sh does it)")
    internal, login, mail_user, mail_group = accounts()
    root = Path(tempfile.mkdtemp(prefix="adv-dovecot-"))  # not under pytest's 0700 folders: Dovecot drops root
    root.chmod(0o755)
    (root / "home").mkdir()
    (root / "passwd").write_text("".join(f"{user}:{{PLAIN}}{PASSWORD}\n" for user in USERS))
    if os.geteuid() == 0:
        shutil.chown(root / "home", "dovecot", "dovecot")
    port = free_port()
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port, internal=internal, login=login,
                                                     mail_user=mail_user, mail_group=mail_group))
    process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                    stderr = process.stderr.read().decode(errors="replace") if process.poll() is not None else ""
                    pytest.skip(f"Dovecot did not start on port {port}: {(stderr + log).strip()[-500:]}")
                time.sleep(0.1)
        yield Server(port, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def user(dovecot: Server) -> str:
    return dovecot.add_user()


def deliver(server: Server, user: str, names=MESSAGES, folder: str = "INBOX", flags: str | None = None) -> None:
    imap = server.connect(user)
    try:
        for name in names:
            status, _ = imap.append(folder, flags, None, (SAMPLES / "email" / name).read_bytes())
            assert status == "OK"
    finally:
        imap.logout()


def flags_of(server: Server, user: str, folder: str = "INBOX") -> list[bytes]:
    imap = server.connect(user)
    try:
        imap.select(folder)
        status, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        return [line for line in data if line] if status == "OK" else []
    finally:
        imap.logout()


def imap_context(settings, server: Server, user: str, **extra) -> Context:
    configured = settings.model_copy(update={"imap_host": "127.0.0.1", "imap_port": server.port,
                                             "imap_security": "plain", "imap_user": user,
                                             "imap_password": SecretStr(PASSWORD), **extra})
    context = Context(configured)
    context.init()
    return context


def test_unseen_messages_are_stored_processed_and_only_then_marked_seen(settings, dovecot, user):
    deliver(dovecot, user)
    deliver(dovecot, user, ("orders-zip-en.eml",), flags="(\\Seen)")  # read by someone already: not ours
    context = imap_context(settings, dovecot, user)
    report = fetch_mail(context)
    assert (report.files_seen, report.files_new, report.errors) == (3, 3, [])
    assert report.states["loaded"] >= 2 and sum(report.states.values()) >= 3  # an order, an invoice, free text
    with context.sessions() as session:
        roots = session.scalars(select(Document).where(Document.parent_id.is_(None)).order_by(Document.id)).all()
        assert [r.channel for r in roots] == ["imap"] * 3 and all(r.format == "email" for r in roots)
        assert all(r.source.startswith(f"imap://{user}@127.0.0.1:{dovecot.port}/INBOX;UIDVALIDITY=") for r in roots)
        assert all(context.store.exists(r.sha256) for r in roots)
        orders = session.scalars(select(Document.number).where(Document.kind == "order")).all()
        assert "PO-7001" in orders  # (the free-text order may be one too, without a number)
    assert all(b"\\Seen" in line for line in flags_of(dovecot, user))
    again = fetch_mail(context)
    assert again.files_seen == 0 and not again.states
    context.engine.dispose()


def test_fetched_messages_can_be_moved_to_a_processed_folder(settings, dovecot, user):
    deliver(dovecot, user, MESSAGES[:2])
    context = imap_context(settings, dovecot, user, imap_processed_folder="Commandes traitées")
    assert fetch_mail(context).files_new == 2
    assert flags_of(dovecot, user) == []
    assert len(flags_of(dovecot, user, '"Commandes trait&AOk-es"')) == 2  # modified UTF-7, as IMAP names folders
    refused = imap_context(settings, dovecot, user, imap_processed_folder="bad/..//name")
    with pytest.raises(MailboxError, match="processed folder"):
        fetch_mail(refused)
    refused.engine.dispose()
    context.engine.dispose()


def test_a_message_is_not_marked_seen_when_intake_fails(settings, dovecot, user, monkeypatch):
    deliver(dovecot, user)
    context = imap_context(settings, dovecot, user)
    real_receive, calls = mailbox_module.receive, []

    def failing_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("raw store unreachable")
        return real_receive(*args, **kwargs)

    monkeypatch.setattr(mailbox_module, "receive", failing_second)
    with pytest.raises(OSError):
        fetch_mail(context)
    seen = [b"\\Seen" in line for line in flags_of(dovecot, user)]
    assert seen == [True, False, False]  # only the message whose row was committed
    monkeypatch.setattr(mailbox_module, "receive", real_receive)
    report = fetch_mail(context)
    assert report.files_new == 2 and all(b"\\Seen" in line for line in flags_of(dovecot, user))
    with context.sessions() as session:
        assert len(session.scalars(select(Document).where(Document.parent_id.is_(None))).all()) == 3
    context.engine.dispose()


def test_a_wrong_password_says_what_to_check(settings, dovecot, user):
    context = imap_context(settings, dovecot, user, imap_password=SecretStr("wrong"))
    with pytest.raises(MailboxError, match="ADV_IMAP_PASSWORD"):
        fetch_mail(context)
    context.engine.dispose()


def test_no_account_configured(settings):
    assert imap_account(settings) is None


def test_adv_fetch_mail(adv_env, dovecot, user, monkeypatch):
    deliver(dovecot, user, MESSAGES[:1])
    for name, value in {"ADV_IMAP_HOST": "127.0.0.1", "ADV_IMAP_PORT": str(dovecot.port),
                        "ADV_IMAP_SECURITY": "plain", "ADV_IMAP_USER": user, "ADV_IMAP_PASSWORD": PASSWORD}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["fetch-mail", "--json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert counts["files_new"] == 1 and counts["states"] == {"loaded": 1}  # the order in the mail
    monkeypatch.delenv("ADV_IMAP_HOST")
    assert CliRunner().invoke(app, ["fetch-mail"]).exit_code == 2
