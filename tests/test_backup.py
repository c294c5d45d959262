"""`navigator backup` / `navigator restore`: a backup taken while another connection writes is a
consistent, checked snapshot; a restore brings it back (counts match, integrity ok, the replaced store
kept); bad inputs are refused with a message that says what to do, and nothing is changed."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from navigator.config import Settings
from navigator.store.backup import BackupError, backup_store, inspect_store, restore_store
from navigator.store.db import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"
Cli = Callable[..., Any]


def integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        db.close()


def count(path: Path, table: str = "service") -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        db.close()


def flat(output: str) -> str:
    """CLI output with rich's line wrapping undone."""
    return " ".join(output.split())


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample directory imported once; each test starts from a copy."""
    from navigator.ingest.pipeline import import_paths

    settings = Settings(data_dir=tmp_path_factory.mktemp("template"))
    store = Store.open(settings)
    report = import_paths(store, [SAMPLE], settings=settings, source="sample")
    assert report.added > 200
    store.dispose()
    path = settings.data_dir / "template.db"
    with closing(sqlite3.connect(db_path(settings))) as src, closing(sqlite3.connect(path)) as dst:
        src.backup(dst)
    return path


@pytest.fixture
def loaded(settings: Settings, template_db: Path) -> Iterator[Store]:
    live = db_path(settings)
    live.parent.mkdir(parents=True, exist_ok=True)
    live.write_bytes(template_db.read_bytes())
    store = Store.open(settings)
    yield store
    store.dispose()


def db_path(settings: Settings) -> Path:
    return Path(settings.resolved_database_url.removeprefix("sqlite:///"))


def test_backup_while_another_connection_writes(settings: Settings, loaded: Store, tmp_path: Path) -> None:
    """A writer commits rows continuously during the backup: the copy is one consistent snapshot
    (the marker rows it holds are a gap-free prefix: each commit is in it whole or not at all)."""
    live = db_path(settings)
    with closing(sqlite3.connect(live)) as db:
        db.execute("CREATE TABLE fault_marker (n INTEGER PRIMARY KEY, pad TEXT)")
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def write() -> None:
        writer = sqlite3.connect(live, isolation_level=None)
        writer.execute("PRAGMA busy_timeout = 10000")
        n = 0
        try:
            while not stop.is_set() or n < 50:
                n += 1
                writer.execute("BEGIN IMMEDIATE")
                writer.execute("INSERT INTO fault_marker VALUES (?, ?)", (n, "x" * 2000))
                writer.execute("INSERT INTO fault_marker VALUES (?, ?)", (-n, "y" * 2000))
                writer.execute("COMMIT")
                written.append(n)
        except BaseException as exc:
            errors.append(exc)
        finally:
            writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    deadline = time.monotonic() + 30
    while len(written) < 5 and not errors and time.monotonic() < deadline:
        time.sleep(0.01)  # polling: the copies start once the writer is demonstrably running
    try:
        copies = [backup_store(settings, tmp_path / f"copy{i}.db") for i in range(3)]
    finally:
        stop.set()
        thread.join()
    assert not errors
    assert len(written) >= 50
    for summary in copies:
        assert integrity(summary.path) == "ok"
        assert summary.listings == count(live) > 200
        db = sqlite3.connect(summary.path)
        rows = sorted(r[0] for r in db.execute("SELECT n FROM fault_marker WHERE n > 0"))
        negatives = db.execute("SELECT count(*) FROM fault_marker WHERE n < 0").fetchone()[0]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        db.close()
        assert len(rows) >= 5
        assert rows == list(range(1, len(rows) + 1)), "a commit is missing from the middle"
        assert negatives == len(rows), "half a transaction was copied"
        assert mode == "delete", "a backup is one self-contained file"
        assert not Path(str(summary.path) + "-wal").exists()


def test_backup_then_restore_brings_the_store_back(
    settings: Settings, loaded: Store, tmp_path: Path, cli: Cli
) -> None:
    live = db_path(settings)
    before = inspect_store(live).counts
    result = cli("backup", str(tmp_path / "nightly.db"))
    assert result.exit_code == 0, result.output
    assert "Backed up the store" in flat(result.output) and "listings" in result.output
    # The store changes after the backup: names edited, duplicate suggestions and history cleared.
    from sqlalchemy import text

    with loaded.write() as session:
        session.execute(text("UPDATE service SET name = 'changed after the backup'"))
        session.execute(text("DELETE FROM possible_duplicate"))
        session.execute(text("DELETE FROM service_version"))
    changed = inspect_store(live).counts
    assert changed != before
    result = cli("restore", str(tmp_path / "nightly.db"), "--yes")
    assert result.exit_code == 0, result.output
    assert "navigator index build" in flat(result.output)
    assert integrity(live) == "ok"
    after = inspect_store(live).counts
    assert after == before
    # The store it replaced is kept, whole, and says so.
    kept = live.with_name(live.name + ".before-restore")
    assert kept.is_file() and str(kept) in result.output.replace("\n", "")
    assert integrity(kept) == "ok" and inspect_store(kept).counts == changed
    # The open engine (a running server) sees the restored rows.
    with loaded.read() as session:
        names = {r[0] for r in session.execute(text("SELECT name FROM service"))}
    assert "changed after the backup" not in names and len(names) > 200


def test_backup_refuses_to_overwrite_without_force(
    settings: Settings, loaded: Store, tmp_path: Path, cli: Cli
) -> None:
    target = tmp_path / "b.db"
    target.write_text("precious")
    result = cli("backup", str(target))
    assert result.exit_code == 1
    assert "already exists" in flat(result.output) and "--force" in result.output
    assert target.read_text() == "precious"
    result = cli("backup", str(target), "--force")
    assert result.exit_code == 0, result.output
    assert integrity(target) == "ok"


def test_backup_into_a_folder_makes_a_dated_file(settings: Settings, loaded: Store, tmp_path: Path) -> None:
    summary = backup_store(settings, tmp_path)
    assert summary.path.parent == tmp_path and summary.path.name.startswith("navigator-")
    assert not list(tmp_path.glob(".*.tmp"))


def test_backup_of_a_non_sqlite_store_says_to_use_its_own_tools(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql://nav:secret@db.example/navigator")
    with pytest.raises(BackupError) as err:
        backup_store(settings, tmp_path / "x.db")
    message = str(err.value)
    assert "pg_dump" in message and "own tools" in message
    assert "secret" not in message
    with pytest.raises(BackupError, match="own tools"):
        restore_store(settings, tmp_path / "x.db")


def test_backup_without_a_store_yet(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="nothing to back up"):
        backup_store(Settings(data_dir=tmp_path / "empty"), tmp_path / "x.db")


def _bad_inputs(tmp_path: Path, good: Path) -> dict[str, tuple[Path, str]]:
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("service_id,name\nNNS-1,Lunch club\n")
    other_sqlite = tmp_path / "other.db"
    with closing(sqlite3.connect(other_sqlite)) as db:
        db.execute("CREATE TABLE t (x)")
    other_sqlite_closed = other_sqlite
    truncated = tmp_path / "truncated.db"
    data = good.read_bytes()
    truncated.write_bytes(data[: len(data) // 3])
    corrupt = tmp_path / "corrupt.db"
    damaged = bytearray(data)
    page = 4096
    for offset in range(page * 3, min(len(damaged), page * 12), page):  # b-tree pages overwritten
        damaged[offset : offset + 64] = b"\xff" * 64
    corrupt.write_bytes(bytes(damaged))
    newer = tmp_path / "newer.db"
    newer.write_bytes(data)
    with closing(sqlite3.connect(newer)) as db:
        db.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
        db.commit()
    return {
        "missing": (tmp_path / "nope.db", "no file"),
        "folder": (tmp_path, "folder"),
        "not sqlite": (not_sqlite, "not a SQLite database"),
        "other sqlite": (other_sqlite_closed, "not a Navigator store"),
        "truncated": (truncated, "Use another backup"),
        "corrupt": (corrupt, "Use another backup"),
        "newer": (newer, "newer version of Navigator"),
    }


def test_restore_refuses_bad_files_and_changes_nothing(
    settings: Settings, loaded: Store, tmp_path: Path, cli: Cli
) -> None:
    live = db_path(settings)
    good = backup_store(settings, tmp_path / "good.db").path
    before = inspect_store(live).counts
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    for name, (path, expected) in _bad_inputs(bad_dir, good).items():
        result = cli("restore", str(path), "--yes")
        assert result.exit_code == 1, (name, result.output)
        output = flat(result.output)
        assert "Not restored" in output and expected in output, (name, output)
        assert "Traceback" not in output
        assert inspect_store(live).counts == before, name
        assert not live.with_name(live.name + ".before-restore").exists(), name


def test_restore_asks_first_and_a_no_changes_nothing(
    settings: Settings, loaded: Store, tmp_path: Path, cli: Cli
) -> None:
    good = backup_store(settings, tmp_path / "good.db").path
    result = cli("restore", str(good), input="n\n")
    assert result.exit_code == 1 and "Nothing was changed" in flat(result.output)
    live = db_path(settings)
    assert not live.with_name(live.name + ".before-restore").exists()


def test_restore_into_an_empty_data_dir(settings: Settings, loaded: Store, tmp_path: Path) -> None:
    good = backup_store(settings, tmp_path / "good.db").path
    fresh = Settings(data_dir=tmp_path / "fresh")
    result = restore_store(fresh, good)
    assert result.previous is None
    assert result.restored.listings == count(good) > 200
    assert integrity(db_path(fresh)) == "ok"


def test_second_restore_keeps_both_safety_copies(settings: Settings, loaded: Store, tmp_path: Path) -> None:
    good = backup_store(settings, tmp_path / "good.db").path
    first = restore_store(settings, good).previous
    second = restore_store(settings, good).previous
    assert first and second and first != second and first.exists() and second.exists()


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096 * 3, min(len(data), 4096 * 12), 4096):  # b-tree pages overwritten
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


def test_backup_of_a_damaged_store_is_refused(settings: Settings, loaded: Store, tmp_path: Path) -> None:
    loaded.dispose()
    damage(db_path(settings))
    with pytest.raises(BackupError) as err:
        backup_store(settings, tmp_path / "b.db")
    assert "is damaged" in str(err.value) or "cannot be read" in str(err.value)
    assert "No backup was made" in str(err.value) and str(db_path(settings)) in str(err.value)
    assert not (tmp_path / "b.db").exists() and not list(tmp_path.glob(".*.tmp"))


def test_restore_over_a_damaged_store(settings: Settings, loaded: Store, tmp_path: Path) -> None:
    """Restoring is the cure for a damaged store: it must not insist the store it replaces is sound."""
    good = backup_store(settings, tmp_path / "good.db").path
    loaded.dispose()
    live = db_path(settings)
    with closing(sqlite3.connect(live)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    damage(live)
    assert integrity(live) != "ok"
    result = restore_store(settings, good)
    assert integrity(live) == "ok" and count(live) == count(good)
    assert result.previous is not None and result.previous.stat().st_size > 0


def test_restore_of_an_older_backup_brings_it_up_to_this_schema(
    settings: Settings, loaded: Store, tmp_path: Path
) -> None:
    """A backup from before the chat's hand-offs existed (migration 0005 not applied) restores, and
    the store is migrated to this version's schema afterwards."""
    older = backup_store(settings, tmp_path / "older.db").path
    with closing(sqlite3.connect(older)) as db:
        db.execute("DROP TABLE handoff_request")
        db.execute("DELETE FROM alembic_version WHERE version_num = '0005_chat'")
        db.commit()
    assert "0005_chat" not in inspect_store(older).revisions
    result = restore_store(settings, older)
    assert "0005_chat" in result.restored.revisions
    assert result.restored.counts["handoff_request"] == 0
    assert result.restored.listings == count(older) > 200
