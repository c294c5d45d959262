"""A full disk and a read-only store during an import: the CLI says so in words (exit 1, no
traceback), and nothing is half-written: the store passes the integrity check and holds exactly
the data it held before. Freeing the space and running the import again completes it.

Full disk is SQLite's own SQLITE_FULL, reached through the real code path: a size limit on the
store's connections (`PRAGMA max_page_count`, set in the connect hook) and, where this process may
mount filesystems (root, as in CI), a real tmpfs that is too small. Read-only is a store whose
connections are `query_only` (root ignores file modes), file modes when not root, and a read-only
remount of the same tmpfs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from navigator.config import Settings
from navigator.store import db as store_db

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "faults"))
from fault_store import State, check_integrity, db_file, read_state, write_versions

REPO = Path(__file__).resolve().parents[1]
Cli = Callable[..., Any]


@dataclass
class Versions:
    before_csv: Path
    after_csv: Path
    old_db: bytes  # the store after importing `before` (checkpointed: one file)
    old: State
    new: State


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    from navigator.ingest.pipeline import import_paths
    from navigator.store.db import Store

    folder = tmp_path_factory.mktemp("disk")
    before_csv, after_csv = write_versions(folder, rows_from_sample=120, change_every=10, add=40)
    settings = Settings(data_dir=folder / "data")
    store = Store.open(settings)
    import_paths(store, [before_csv], settings=settings, source="faults")
    store.dispose()
    with closing(sqlite3.connect(db_file(settings.data_dir))) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    old_db = db_file(settings.data_dir).read_bytes()
    old = read_state(db_file(settings.data_dir))
    store = Store.open(settings)
    import_paths(store, [after_csv], settings=settings, source="faults")
    store.dispose()
    return Versions(before_csv, after_csv, old_db, old, read_state(db_file(settings.data_dir)))


def put_old_store(data_dir: Path, versions: Versions) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    db_file(data_dir).write_bytes(versions.old_db)
    return db_file(data_dir)


def extra_pragma(monkeypatch: pytest.MonkeyPatch, pragma: str) -> None:
    """Run one more PRAGMA on every new store connection (after the store's own)."""
    original = store_db._sqlite_pragmas

    def pragmas(busy_timeout_ms: int) -> Any:
        on_connect = original(busy_timeout_ms)

        def hook(dbapi_connection: Any, record: Any) -> None:
            on_connect(dbapi_connection, record)
            dbapi_connection.execute(pragma)

        return hook

    monkeypatch.setattr(store_db, "_sqlite_pragmas", pragmas)


def page_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA page_count").fetchone()[0])


def assert_clear_failure(result: Any, *words: str) -> None:
    output = " ".join(result.output.split())
    assert result.exit_code == 1, output
    assert isinstance(result.exception, SystemExit), f"an exception escaped: {result.exception!r}"
    assert "Traceback" not in output and "sqlalchemy" not in output.lower()
    assert "Import failed" in output and "Nothing from this import was saved" in output
    for word in words:
        assert word in output, (word, output)


def assert_untouched(path: Path, versions: Versions) -> None:
    check_integrity(path)
    state = read_state(path)
    assert state.key() == versions.old.key(), "the store changed"
    assert state.batches == versions.old.batches and state.unfinished_batches == 0


def test_full_disk_during_import(
    settings: Settings, cli: Cli, versions: Versions, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = put_old_store(settings.data_dir, versions)
    # Room for a few more pages, not for the import's: SQLite answers SQLITE_FULL part-way through.
    extra_pragma(monkeypatch, f"PRAGMA max_page_count = {page_count(live) + 8}")
    result = cli("import", str(versions.after_csv), "--source", "faults", "--no-index")
    assert_clear_failure(result, "disk is full", "Free some disk space")
    monkeypatch.undo()
    assert_untouched(live, versions)
    # Space freed: the same import completes.
    result = cli("import", str(versions.after_csv), "--source", "faults", "--no-index")
    assert result.exit_code == 0, result.output
    check_integrity(live)
    assert read_state(live).key() == versions.new.key()


def test_read_only_store_during_import(
    settings: Settings, cli: Cli, versions: Versions, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = put_old_store(settings.data_dir, versions)
    extra_pragma(monkeypatch, "PRAGMA query_only = ON")  # every write answers SQLITE_READONLY
    result = cli("import", str(versions.after_csv), "--source", "faults", "--no-index")
    assert_clear_failure(result, "read-only", "may write the store file")
    monkeypatch.undo()
    assert_untouched(live, versions)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file modes")
def test_read_only_file_modes_during_import(settings: Settings, cli: Cli, versions: Versions) -> None:
    live = put_old_store(settings.data_dir, versions)
    live.chmod(0o444)
    settings.data_dir.chmod(0o555)
    try:
        result = cli("import", str(versions.after_csv), "--source", "faults", "--no-index")
    finally:
        settings.data_dir.chmod(0o755)
        live.chmod(0o644)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "Import failed" in result.output
    assert_untouched(live, versions)


# ---- a real filesystem that is full, then read-only (needs mount: root, as in CI) ---------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of 8 MiB mounted under tmp_path, unmounted afterwards; skip where mounting isn't allowed."""
    mount = shutil.which("mount")
    if not mount or not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root")
    point = tmp_path / "disk"
    point.mkdir()
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)


def navigator(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process, as an operator would run it."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("navigator")), "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )


def remount(point: Path, mode: str) -> bool:
    done = subprocess.run(["mount", "-o", f"remount,{mode}", str(point)], capture_output=True, check=False)
    return done.returncode == 0


def fill(point: Path, leave: int) -> Path:
    """Fill the filesystem until only `leave` bytes are free."""
    stat = os.statvfs(point)
    free = stat.f_bavail * stat.f_frsize
    ballast = point / "ballast"
    with open(ballast, "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return ballast


def test_real_full_then_read_only_filesystem(small_disk: Path, versions: Versions) -> None:
    data_dir = small_disk / "data"
    live = put_old_store(data_dir, versions)
    fill(small_disk, leave=64 * 1024)  # the store opens; the import's pages do not fit
    done = navigator(data_dir, "import", str(versions.after_csv), "--source", "faults", "--no-index")
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, output
    assert "Traceback" not in output and "Import failed" in output, output
    assert "disk is full" in output or "could not be opened for writing" in output, output
    print(f"\nfull filesystem: {output}")
    assert_untouched(live, versions)
    # Read-only: the same disk remounted read-only.
    (small_disk / "ballast").unlink()
    if not remount(small_disk, "ro"):
        pytest.skip("cannot remount read-only here")
    done = navigator(data_dir, "import", str(versions.after_csv), "--source", "faults", "--no-index")
    output = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 1, output
    assert "Traceback" not in output and "Import failed" in output, output
    assert "read-only" in output or "mounted read-write" in output, output
    assert str(live) in output
    assert remount(small_disk, "rw")  # SQLite needs its -shm file to read a WAL store back
    assert_untouched(live, versions)
    print(f"\nread-only filesystem: {output}")
