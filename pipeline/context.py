"""One object holding what every command needs: settings, database sessions and the raw store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pipeline.db.engine import make_engine, session_factory
from pipeline.db.migrate import upgrade
from pipeline.raw_store import RawStore
from pipeline.settings import Settings


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

    def init(self) -> None:
        """Create the folders and bring the database schema up to date (safe to repeat)."""
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.settings.inbox.mkdir(parents=True, exist_ok=True)
        self.store.fs.makedirs(self.store.root, exist_ok=True)
        upgrade(self.engine)
