"""Shared fixtures: an isolated ADV home per test, on SQLite or (ADV_TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from datetime import date
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pipeline.context import Context
from pipeline.scans import configure as configure_ocr
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"


# Replays of samples must not depend on whoever ran `make demo` here: no database, a fixed today.
# Scans replay from tesseract's cached output (tests/fixtures/ocr, read-only): the same words tesseract gives,
# without running it in every golden test (docs/ocr.md, "Samples, fixtures and the benchmark").
HERMETIC = Settings(home=Path("/nonexistent/adv-hermetic"), database_url="sqlite:////nonexistent/adv-hermetic.db",
                    today=date(2026, 6, 1), user="tester", ocr_cache_dir=ROOT / "tests" / "fixtures" / "ocr")
configure_ocr(HERMETIC, writable=False)  # what a Context does at start; tests that need other options set them

SUMMARY: list[str] = []  # lines tests want printed at the end of the run (figures, tallies)


def pytest_terminal_summary(terminalreporter) -> None:
    for line in SUMMARY:
        terminalreporter.write_line(line)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite the samples' expected files")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden") or os.environ.get("ADV_UPDATE_GOLDEN"))


@pytest.fixture(scope="session")
def postgres_url() -> str | None:
    return os.environ.get("ADV_TEST_DATABASE_URL")


def _postgres_schema_url(base_url: str) -> Iterator[str]:
    """A throw-away schema in the test database, so runs never see each other's rows."""
    schema = f"adv_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path, postgres_url: str | None) -> Iterator[str]:
    """SQLite in the test's folder, or a fresh PostgreSQL schema when ADV_TEST_DATABASE_URL is set."""
    if postgres_url:
        yield from _postgres_schema_url(postgres_url)
    else:
        yield f"sqlite:///{tmp_path / 'adv.db'}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(home=tmp_path / ".adv", database_url=database_url, inbox=tmp_path / "inbox", user="tester")


@pytest.fixture
def context(settings: Settings) -> Iterator[Context]:
    context = Context(settings)
    context.init()
    yield context
    context.engine.dispose()


@pytest.fixture
def adv_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Environment for running the ``adv`` CLI against this test's database and folders."""
    env = {"ADV_HOME": str(tmp_path / ".adv"), "ADV_DATABASE_URL": database_url, "ADV_INBOX": str(tmp_path / "inbox"),
           "ADV_USER": "tester"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return env
