"""Back up and restore a SQLite store with SQLite's online backup API.

The backup API copies a consistent snapshot page by page while other connections keep reading and
writing (in WAL mode a reader never blocks the writer), so `navigator backup` works while the server
runs. A backup is written to a temporary file, checked (`PRAGMA integrity_check`), switched to a
self-contained rollback journal, fsynced and only then renamed into place.

A restore checks the file first (SQLite, passes the integrity check, a Navigator store whose
migrations this version knows), keeps the store it replaces as a `.before-restore` copy, and then
copies the checked pages into the live database through the same API, so a running server sees the
old store or the restored one, never a mixture. Any other database (PostgreSQL) is backed up with
its own tools.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from navigator.config import Settings
from navigator.util.atomic import fsync_dir, fsync_file

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
# Shown by the CLI; every table is counted and compared.
KEY_TABLES = {
    "service": "listings",
    "organization": "organisations",
    "location": "locations",
    "import_batch": "imports",
    "app_user": "accounts",
}


class BackupError(Exception):
    """A backup or restore cannot go ahead; the message says why and what to do."""


@dataclass
class StoreSummary:
    """What a store file holds: its migrations and the rows in every table."""

    path: Path
    revisions: list[str]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def listings(self) -> int:
        return self.counts.get("service", 0)

    def key_counts(self) -> dict[str, int]:
        return {label: self.counts[t] for t, label in KEY_TABLES.items() if t in self.counts}


@dataclass
class RestoreResult:
    restored: StoreSummary
    previous: Path | None  # the replaced store, kept as a copy (None when there was no store)


def sqlite_store_path(settings: Settings) -> Path:
    """The store's file, or a BackupError saying to use the database's own tools."""
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() != "sqlite":
        shown = url.render_as_string(hide_password=True)
        raise BackupError(
            f"The store is a {url.get_backend_name()} database ({shown}), not a SQLite file. Back it up "
            "and restore it with that database's own tools (for PostgreSQL: pg_dump and pg_restore)."
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("The store is an in-memory SQLite database: there is no file to back up.")
    return Path(url.database).resolve()


def backup_store(settings: Settings, target: Path, *, force: bool = False) -> StoreSummary:
    """Copy the live store to `target` (a file, or a folder to put a dated file in)."""
    source = sqlite_store_path(settings)
    if not source.is_file():
        raise BackupError(f"There is no store at {source} yet, so there is nothing to back up.")
    target = Path(target)
    if target.is_dir():
        target = target / f"navigator-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.db"
    if target.resolve() == source:
        raise BackupError(f"{target} is the live store itself; choose another path for the backup.")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists. Choose another path, or add --force to replace it.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist; create it or choose another path.")
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        _snapshot(source, tmp)
        summary = inspect_store(
            tmp,
            shown=f"The store at {source}",
            advice="No backup was made. Restore an earlier backup with `navigator restore`.",
        )
        fsync_file(tmp)
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except sqlite3.Error as exc:
        raise BackupError(f"The backup to {target} failed: {exc}. Nothing was written there.") from exc
    except OSError as exc:
        raise BackupError(f"The backup could not be written to {target}: {exc.strerror or exc}.") from exc
    finally:
        tmp.unlink(missing_ok=True)
    summary.path = target
    return summary


def inspect_store(
    path: Path, *, shown: str | None = None, advice: str = "Use another backup."
) -> StoreSummary:
    """Check a file is a sound Navigator store this version can open; raise BackupError if not.
    `shown` names the file in messages (default: its path)."""
    path = Path(path)
    name = shown or str(path)
    if not path.exists():
        raise BackupError(f"There is no file at {path}.")
    if not path.is_file():
        raise BackupError(f"{path} is a folder, not a store file.")
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise BackupError(f"{path} is not a SQLite database, so it cannot be a Navigator store backup.")
    try:
        with _connect(path, read_only=True) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check(20)")]
            if problems != ["ok"]:
                raise BackupError(
                    f"{name} is damaged: SQLite's integrity check found {'; '.join(problems[:5])}. {advice}"
                )
            tables = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                )
            ]
            if "alembic_version" not in tables or "service" not in tables:
                raise BackupError(
                    f"{name} is a SQLite database but not a Navigator store (it has no listings table "
                    "or migration record)."
                )
            revisions = sorted(row[0] for row in db.execute("SELECT version_num FROM alembic_version"))
            counts = {t: _count(db, t) for t in sorted(tables)}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{name} cannot be read as a database ({exc}). {advice}") from exc
    unknown = sorted(set(revisions) - known_revisions())
    if unknown:
        raise BackupError(
            f"{name} was written by a newer version of Navigator (migrations {', '.join(unknown)} are "
            "unknown to this one). Upgrade Navigator, then restore."
        )
    return StoreSummary(path=path, revisions=revisions, counts=counts)


def restore_store(settings: Settings, source: Path) -> RestoreResult:
    """Replace the live store with a checked backup, keeping the replaced one beside it."""
    live = sqlite_store_path(settings)
    source = Path(source)
    if source.exists() and live.exists() and source.resolve() == live:
        raise BackupError(f"{source} is the live store itself; name a backup file to restore from.")
    inspect_store(source)  # refuse before touching anything
    live.parent.mkdir(parents=True, exist_ok=True)
    staging = live.parent / f".restore-{os.getpid()}.tmp"
    previous: Path | None = None
    try:
        # Check the copy we will restore from, not the original, which could change in between.
        _snapshot(source, staging)
        checked = inspect_store(staging, shown=str(source))
        if live.exists():
            previous = _free_name(live.with_name(live.name + ".before-restore"))
            _keep_as_is(live, previous)
        with _connect(staging, read_only=True) as src, _connect(live) as dst:
            src.backup(dst)  # one write transaction: other connections see old or restored
    except sqlite3.Error as exc:
        kept = f" The store as it was is kept at {previous}." if previous else ""
        raise BackupError(f"The restore from {source} failed: {exc}.{kept}") from exc
    finally:
        staging.unlink(missing_ok=True)
    restored = _migrate_and_check(settings, live)
    for table, count in checked.counts.items():
        if table != "alembic_version" and restored.counts.get(table) != count:
            raise BackupError(
                f"After the restore, table {table} holds {restored.counts.get(table)} rows but the backup "
                f"holds {count}. The store as it was is kept at {previous}."
            )
    return RestoreResult(restored=restored, previous=previous)


def _snapshot(source: Path, target: Path) -> None:
    """Copy a database with the backup API: one step, so a consistent snapshot while writers carry
    on; the copy uses a rollback journal, so it is one self-contained file."""
    with _connect(source, read_only=True) as src, _connect(target) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")


def _keep_as_is(live: Path, copy: Path) -> None:
    """The safety copy before a restore. Restoring is often the cure for a damaged store, so this
    copy never insists on a sound one: when SQLite cannot read it, the bytes are copied as they are."""
    try:
        _snapshot(live, copy)
    except sqlite3.DatabaseError:
        copy.unlink(missing_ok=True)
        shutil.copyfile(live, copy)
        wal = Path(str(live) + "-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(copy) + "-wal"))
    fsync_file(copy)


def _count(db: sqlite3.Connection, table: str) -> int:
    # The name comes from the file's own catalogue (which may be hostile): quoted as an identifier.
    quoted = '"' + table.replace('"', '""') + '"'
    return int(db.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])  # noqa: S608


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from navigator.store.migrate import MIGRATIONS_DIR

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {rev.revision for rev in script.walk_revisions()}


def _migrate_and_check(settings: Settings, live: Path) -> StoreSummary:
    """Bring a restored older store up to this version's schema, then check it again."""
    from navigator.store.db import Store

    Store.open(settings).dispose()
    return inspect_store(live)


def _connect(path: Path, *, read_only: bool = False) -> closing[sqlite3.Connection]:
    """A connection that closes at the end of its `with` (sqlite3's own only commits)."""
    if read_only:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return closing(db)


def _free_name(path: Path) -> Path:
    """`path`, or a dated variant when an earlier safety copy already has that name."""
    if not path.exists():
        return path
    return path.with_name(f"{path.name}-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}")
