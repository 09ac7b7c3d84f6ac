"""Settings, read once at start from the environment (ADV_*) or ``adv.toml``, then passed down."""

from __future__ import annotations

import getpass
from datetime import date
from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

DEFAULT_IGNORE = (".*", "*.expected.json", "*.md", "*.py", "*.pyc", "__pycache__", "*.tsv", "*.toml")


class Settings(BaseSettings):
    """Everything configurable; see README "Settings". Paths are resolved against the working directory."""

    model_config = SettingsConfigDict(env_prefix="ADV_", toml_file="adv.toml", extra="ignore", frozen=True)

    home: Path = Path(".adv")
    database_url: str | None = None  # default: sqlite:///$ADV_HOME/adv.db
    store_url: str | None = None  # default: $ADV_HOME/raw (any fsspec URL)
    inbox: Path = Path("inbox")
    batch_size: int = Field(default=50, ge=1, description="documents per Prefect task")
    ingest_ignore: tuple[str, ...] = DEFAULT_IGNORE  # file-name patterns intake skips in folders
    max_document_bytes: int = 200 * 1024 * 1024
    amount_tolerance: str = "0.01"  # absolute, per line and per total
    price_tolerance_percent: str = "2"  # price list tolerance when the price list gives none
    today: date | None = None  # fixes "today" for replays and tests; the real date when unset
    user: str = Field(default_factory=lambda: _current_user())
    schedule_seconds: int = 300

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls)

    @cached_property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'adv.db').resolve()}"

    @cached_property
    def resolved_store_url(self) -> str:
        return self.store_url or str((self.home / "raw").resolve())


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"
