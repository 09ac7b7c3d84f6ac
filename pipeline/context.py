"""One object holding what every command needs: settings, database sessions and the raw store."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipeline.db.engine import make_engine, session_factory
from pipeline.db.migrate import upgrade
from pipeline.history import DatabaseHistory
from pipeline.masterdata.lookup import MasterData
from pipeline.raw_store import RawStore
from pipeline.settings import Settings
from pipeline.validation import ValidationContext


MASTER_DATA_SECONDS = 60  # an import shows in long-running processes (flows, the web desk) within a minute


@dataclass
class Context:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.resolved_database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    @cached_property
    def store(self) -> RawStore:
        return RawStore(self.settings.resolved_store_url)

    def validation_context(self, session: Session | None) -> ValidationContext:
        """Tolerances from settings; master data and history from the database when there is one."""
        settings = self.settings
        master = self._master_data(session) if session is not None else None
        return ValidationContext(
            tolerance=Decimal(settings.amount_tolerance),
            price_tolerance_percent=Decimal(settings.price_tolerance_percent),
            today=settings.today or date.today(),
            master=master,
            history=DatabaseHistory(session) if session is not None else None,
        )

    def _master_data(self, session: Session) -> MasterData:
        """Master data read once per minute at most: a batch of files must not reload it for each file."""
        now = time.monotonic()
        cached = self.__dict__.get("_master_cache")
        if cached is None or now - cached[0] > MASTER_DATA_SECONDS:
            cached = (now, MasterData.load(session))
            self.__dict__["_master_cache"] = cached
        return cached[1]

    def database_exists(self) -> bool:
        """False for a SQLite file not created yet (a replay must not create one)."""
        url = self.settings.resolved_database_url
        return not url.startswith("sqlite:///") or Path(url.removeprefix("sqlite:///")).exists()

    def init(self) -> None:
        """Create the folders and bring the database schema up to date (safe to repeat)."""
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.settings.inbox.mkdir(parents=True, exist_ok=True)
        self.store.fs.makedirs(self.store.root, exist_ok=True)
        upgrade(self.engine)
