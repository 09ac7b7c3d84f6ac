"""``adv web --demo``: the samples ingested into a demo home, and a demo account, so the desk shows work at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.context import Context
from pipeline.masterdata.importer import import_files
from pipeline.run import RunReport, leftover_ids, list_files, process_batch, receive_files
from pipeline.settings import DEFAULT_IGNORE, Settings
from pipeline.users import Role, add_user, generate_password, set_password, users

DEMO_HOME = Path(".adv") / "demo"
DEMO_USER = "demo"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"
CHANNELS = {"email": "email"}  # sample folder -> channel it stands for; the rest came as files
SLOW_FOLDERS = ("scans",)  # OCR: read in the background while the desk already serves the rest
MASTER_DATA = "masterdata"  # CSV files imported as master data, not ingested as documents


@dataclass(frozen=True)
class Demo:
    context: Context
    report: RunReport
    user: str
    password: str


def demo_settings(home: Path = DEMO_HOME, **overrides) -> Settings:
    """Settings of the demo: everything under ``home``, whatever ADV_DATABASE_URL and ADV_STORE_URL say."""
    return Settings(home=home, database_url=None, store_url=None, inbox=home / "inbox",
                    ingest_ignore=(*DEFAULT_IGNORE, "manifest.json", "generate.py"), **overrides)


def sample_folders(samples: Path = SAMPLES) -> list[str]:
    """The sample folders holding documents (master data is imported, not ingested)."""
    if not samples.is_dir():
        return []
    return sorted(p.name for p in samples.iterdir() if p.is_dir() and p.name != MASTER_DATA)


def ingest(context: Context, folders: Iterable[str], samples: Path = SAMPLES, one_by_one: bool = False) -> RunReport:
    """Receive and process the files of ``folders`` (a no-op for files already received).

    ``one_by_one`` processes each document in its own transaction, so that the desk, serving meanwhile, never
    waits on SQLite's write lock for longer than one document's OCR.
    """
    report = RunReport()
    for name in folders:
        files = list_files(context, [samples / name])
        if files:
            received, _new = receive_files(context, files, channel=CHANNELS.get(name, "file"))
            report.merge(received)
    pending = leftover_ids(context)
    for batch in ([[i] for i in pending] if one_by_one else [pending]):
        report.merge(process_batch(context, batch))
    return report


def prepare(settings: Settings, samples: Path = SAMPLES, folders: Iterable[str] | None = None) -> Demo:
    """Create the demo home, import the master data, ingest the sample folders (all by default), and give the
    demo account a new password."""
    context = Context(settings)
    context.init()
    if (samples / MASTER_DATA).is_dir():
        with context.sessions() as session:
            import_files(session, sorted((samples / MASTER_DATA).glob("*.csv")))
    report = ingest(context, sample_folders(samples) if folders is None else folders, samples)
    password = generate_password()
    with context.sessions() as session:
        if any(user.name == DEMO_USER for user in users(session)):
            set_password(session, DEMO_USER, password)
        else:
            add_user(session, DEMO_USER, Role.REVIEWER, password)
        session.commit()
    return Demo(context, report, DEMO_USER, password)


def first_admin(context: Context) -> str | None:
    """With no account at all, an ``admin`` with a generated password (returned, to be shown once)."""
    with context.sessions() as session:
        if users(session):
            return None
        password = generate_password()
        add_user(session, "admin", Role.ADMIN, password)
        session.commit()
        return password
