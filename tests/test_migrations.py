"""The migrations build exactly the schema the models describe (no drift), on a fresh store."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import navigator.store.all_models  # noqa: F401  (every table registered)
from navigator.store.db import Store
from navigator.store.models import Base


def test_migrations_match_models(store: Store) -> None:
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], f"models and migrations disagree; add a migration: {diff}"


def test_store_opens_twice_without_reapplying(settings) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        s = Store.open(settings)
        with s.read() as session:
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert session.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        s.dispose()


def test_a_store_url_with_a_percent_sign_opens(tmp_path: Path) -> None:
    # A SQLite URI file name is rendered URL-encoded ("file%3A...") into Alembic's ConfigParser,
    # where % is special: the store must still open and migrate.
    from navigator.config import Settings
    from navigator.store.db import Store

    url = f"sqlite:///file:{tmp_path}/navigator.db?mode=rwc&uri=true"
    store = Store.open(Settings(data_dir=tmp_path, database_url=url))
    try:
        assert (tmp_path / "navigator.db").is_file()
    finally:
        store.dispose()
