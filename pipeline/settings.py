"""Settings, read once at start from the environment (ADV_*) or ``adv.toml``, then passed down."""

from __future__ import annotations

import getpass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

# Names intake skips inside folders: project files, golden files, master data tables (imported with
# ``adv masterdata import``, not ingested), and a Maildir's bookkeeping (tmp/ holds mails being delivered).
DEFAULT_IGNORE = (
    ".*", "__pycache__", "*.py", "*.pyc", "*.md", "*.toml", "*.tsv", "*.expected.json", "manifest.json",
    "*.csv", "*.xlsx", "tmp", "dovecot*", "maildirfolder", "subscriptions",
)


class Settings(BaseSettings):
    """Everything configurable; see README "Settings". Paths are resolved against the working directory."""

    model_config = SettingsConfigDict(env_prefix="ADV_", toml_file="adv.toml", extra="ignore", frozen=True)

    home: Path = Path(".adv")
    database_url: str | None = None  # default: sqlite:///$ADV_HOME/adv.db
    store_url: str | None = None  # default: $ADV_HOME/raw (any fsspec URL)
    inbox: Path = Path("inbox")
    outbox: Path | None = None  # default: $ADV_HOME/outbox (acknowledgments: ORDRSP, APERAK, e-mails)
    batch_size: int = Field(default=50, ge=1, description="documents per Prefect task")
    claim_batch: int = Field(default=10, ge=1, description="received files a worker leases at a time")
    lease_seconds: float = Field(default=900, gt=0, description="how long a worker's lease on a file lasts")
    ingest_ignore: tuple[str, ...] = DEFAULT_IGNORE  # file-name patterns intake skips in folders
    max_document_bytes: int = 200 * 1024 * 1024
    # Limits per file (docs/limits.md): a file past one is stopped and queued with its code; the batch goes on
    isolate: bool = True  # read each file in a child process under the limits; False: in-process (debugging)
    processing_timeout_seconds: float = Field(default=300, gt=0, description="wall time to read one file")
    processing_memory_mb: int = Field(default=2048, ge=0, description="memory of the process reading a file; 0: none")
    max_pages: int = Field(default=200, ge=1, description="pages per PDF or image file, checked before reading it")
    amount_tolerance: str = "0.01"  # absolute, per line and per total
    price_tolerance_percent: str = "2"  # price list tolerance when the price list gives none
    today: date | None = None  # fixes "today" for replays and tests; the real date when unset
    user: str = Field(default_factory=lambda: _current_user())
    schedule_seconds: int = 300
    ignore_embedded_xml: bool = False  # replay reads hybrid PDFs from their visible layer (benchmarks)
    imap_host: str | None = None  # IMAP intake (``adv fetch-mail``); nothing is fetched when unset
    imap_port: int | None = None  # default 993 with ssl, 143 otherwise
    imap_security: Literal["ssl", "starttls", "plain"] = "ssl"
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_mailboxes: tuple[str, ...] = ("INBOX",)
    imap_processed_folder: str | None = None  # fetched messages are moved there; else only marked seen
    imap_max_messages: int = Field(default=500, ge=1, description="messages fetched per run")
    web_host: str = "127.0.0.1"  # adv web listens here; another address exposes the review desk
    web_port: int = 8000
    secret_key: SecretStr | None = None  # signs session cookies; unset: generated once into $ADV_HOME/web-secret
    ocr_dpi: int = Field(default=300, ge=72, le=600, description="image-only PDF pages are rendered at this dpi")
    ocr_languages: str = "fra+eng"  # tesseract language data to read scans with
    ocr_processes: int = Field(default=0, ge=0, description="pages read in parallel; 0: one per core")
    ocr_low_confidence: float = Field(default=0.6, ge=0, le=1)  # a page whose words average below: a poor scan
    ocr_steps: tuple[str, ...] = ("dropout", "denoise", "deskew")  # scan preparation (docs/ocr.md)
    ocr_cache_dir: Path | None = None  # keep each page's OCR output here (re-runs, the Dask flow, tests)
    dask_address: str | None = None  # a Dask scheduler (tcp://host:8786): the OCR flow reads pages on its workers
    dask_workers: int = Field(default=0, ge=0, description="local Dask worker processes for the OCR flow; "
                              "0: one per core, 1: no Dask (pages read in the flow's process)")

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

    @cached_property
    def resolved_outbox(self) -> Path:
        return (self.outbox or self.home / "outbox").resolve()


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"
