"""Index builds on disk: INDEX_DIR/<build-id>/ folders and a CURRENT pointer file naming the live one.

A build is written into a temporary folder, fsynced, renamed into place, and only then published by
replacing CURRENT atomically, so a reader sees the old build or the new one, never half of either.
Old builds are kept (a few) so a server still loading the previous one is never pulled from under.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from navigator.util.atomic import atomic_write_text, fsync_dir, fsync_file

CURRENT = "CURRENT"
KEEP_BUILDS = 3


def new_build_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def current_build_id(index_dir: Path) -> str | None:
    try:
        value = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return value or None


def current_folder(index_dir: Path) -> Path | None:
    build = current_build_id(index_dir)
    return index_dir / build if build else None


def pointer_stamp(index_dir: Path) -> tuple[int, int] | None:
    """Cheap change detector for CURRENT (mtime, inode); None when nothing is published."""
    try:
        st = os.stat(index_dir / CURRENT)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_ino)


def fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fsync_file(path)
    fsync_dir(folder)


def staging_folder(index_dir: Path, build_id: str) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    folder = index_dir / f".tmp-{build_id}"
    folder.mkdir()
    return folder


def publish(index_dir: Path, staging: Path, build_id: str, keep: int = KEEP_BUILDS) -> Path:
    """Move a complete staging folder into place, point CURRENT at it, and prune old builds."""
    fsync_tree(staging)
    final = index_dir / build_id
    os.replace(staging, final)
    fsync_dir(index_dir)
    atomic_write_text(index_dir / CURRENT, build_id + "\n")
    prune(index_dir, keep)
    return final


def builds(index_dir: Path) -> list[str]:
    if not index_dir.is_dir():
        return []
    return sorted(p.name for p in index_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def prune(index_dir: Path, keep: int = KEEP_BUILDS) -> list[str]:
    """Delete all but the newest `keep` builds (never the current one) and stale staging folders."""
    current = current_build_id(index_dir)
    removed = []
    for name in builds(index_dir)[: max(0, len(builds(index_dir)) - keep)]:
        if name != current:
            shutil.rmtree(index_dir / name, ignore_errors=True)
            removed.append(name)
    for tmp in index_dir.glob(".tmp-*"):
        age = datetime.now(UTC).timestamp() - tmp.stat().st_mtime
        if age > 3600:  # an abandoned build (crash); a live one is younger than this
            shutil.rmtree(tmp, ignore_errors=True)
    return removed
