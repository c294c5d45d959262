"""Writing export files so that nobody ever sees half of one: a temporary file beside the target,
flushed and fsynced, then renamed over it in one step (`os.replace`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


class ExportTargetError(Exception):
    """The output path cannot be used; the message says why and what to do."""


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not every platform lets a folder be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_file(path: Path, mode: str = "w", newline: str | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; on success it replaces `path` whole."""
    if path.is_dir():
        raise ExportTargetError(f"{path} is a folder; give a file name, e.g. {path / 'export.json'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        encoding = None if "b" in mode else "utf-8"
        out: IO[Any]
        with os.fdopen(handle, mode, encoding=encoding, newline=newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes files private; an export is meant to be shared
        os.replace(temp, path)
        _fsync_folder(path.parent)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(path: Path, marker: str) -> Iterator[Path]:
    """Fill a temporary folder; on success it takes the place of `path`.

    An existing `path` is only replaced when it holds `marker` (an earlier export of the same kind),
    so a mistyped path can never wipe someone's folder. Files written into the folder should be
    fsynced by the caller (see `write_synced`).
    """
    if path.exists() and not (path.is_dir() and ((path / marker).is_file() or not any(path.iterdir()))):
        raise ExportTargetError(
            f"{path} already exists and is not an earlier export (no {marker} in it); "
            "choose a new folder name or remove it first"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    try:
        yield temp
        os.chmod(temp, 0o755)  # noqa: S103  (mkdtemp makes it private; an export is meant to be shared)
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old."))
            os.replace(path, old / path.name)
            os.replace(temp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, path)
        _fsync_folder(path.parent)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def write_synced(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(path, 0o644)
