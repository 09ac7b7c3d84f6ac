"""Migrations, the raw store and settings: the production parts behind the embedded default."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from pipeline.db.migrate import upgrade
from pipeline.db.metadata import metadata
from pipeline.raw_store import RawStore
from pipeline.settings import Settings


def test_migrations_build_exactly_the_models(context):
    upgrade(context.engine)  # a second upgrade is a no-op
    with context.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == [], "models and migrations differ: write an Alembic migration"


def test_raw_store_is_content_addressed_on_any_fsspec_url():
    store = RawStore("memory://adv-test-raw")
    sha = store.put(b"UNB+UNOC:3'")
    assert store.put(b"UNB+UNOC:3'") == sha and store.get(sha) == b"UNB+UNOC:3'"
    assert store.exists(sha) and not store.exists("0" * 64)
    assert store.path(sha).endswith(f"/{sha[:2]}/{sha}")


def test_settings_come_from_adv_toml_and_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("ADV_HOME", "ADV_DATABASE_URL", "ADV_BATCH_SIZE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "adv.toml").write_text('home = "/srv/adv"\nbatch_size = 10\n')
    settings = Settings()
    assert str(settings.home) == "/srv/adv" and settings.batch_size == 10
    assert settings.resolved_database_url == "sqlite:////srv/adv/adv.db"
    monkeypatch.setenv("ADV_BATCH_SIZE", "7")
    assert Settings().batch_size == 7
