"""Staged imports: uploaded (or fetched) files waiting under DATA_DIR/uploads/<id>/ for a preview and
then an apply or a cancel.

Layout of one staged import:
    meta.json     who, what, when, state (see `Staged`); written atomically
    incoming/     files exactly as received (under safe names)
    files/        what the import reads: loose tables together, each zip unpacked in its own folder
    preview.json  the dry-run report
    applied       created exclusively by the one apply that wins (see `claim_apply`)

Ids are random (unguessable) and checked against a strict pattern before they touch a path.
A staged import expires `upload_expiry_minutes` after it was made; `sweep_expired` deletes it.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from navigator.config import Settings
from navigator.curation.unzip import ZipLimits, check_zip, extract_zip
from navigator.curation.uploads import ReceivedFile, UploadRefused, check_suffix
from navigator.util.atomic import atomic_write_text

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
TABLE_SIBLINGS = {"organisations", "organizations", "locations"}
IMPORTABLE = (".json", ".csv", ".tsv", ".xlsx")


@dataclass
class Staged:
    id: str
    owner: str  # email of the curator who staged it (or "sync")
    source: str
    kind: str = "upload"  # upload / feed
    created: float = field(default_factory=time.time)
    expires: float = 0.0
    names: list[str] = field(default_factory=list)  # what the curator uploaded, for display
    paths: list[str] = field(default_factory=list)  # what the import reads, relative to the folder
    # staged → previewing → previewed → applying → applied | failed | cancelled
    status: str = "staged"
    message: str | None = None
    preview_generation: int | None = None
    preview_counts: dict[str, int] = field(default_factory=dict)
    batch_id: int | None = None
    feed_id: int | None = None
    feed_sync_id: int | None = None
    feed_complete: bool = False  # the whole feed was fetched: vanished listings may be deactivated
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def expired(self) -> bool:
        return time.time() > self.expires

    def folder(self, root: Path) -> Path:
        return root / self.id

    def import_paths(self, root: Path) -> list[Path]:
        return [self.folder(root) / p for p in self.paths]


def uploads_root(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def new_staged(settings: Settings, owner: str, source: str, kind: str = "upload") -> Staged:
    staged = Staged(
        id=secrets.token_urlsafe(18),
        owner=owner,
        source=source,
        kind=kind,
        expires=time.time() + settings.upload_expiry_minutes * 60,
    )
    staged.folder(uploads_root(settings)).mkdir(parents=True, exist_ok=False)
    return staged


def save(root: Path, staged: Staged) -> None:
    atomic_write_text(staged.folder(root) / "meta.json", json.dumps(asdict(staged), indent=1))


def load(root: Path, staged_id: str) -> Staged | None:
    """The staged import with this id, or None when the id is malformed, unknown or deleted."""
    if not ID_PATTERN.match(staged_id or ""):
        return None
    try:
        data = json.loads((root / staged_id / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    return Staged(**data)


def delete(root: Path, staged_id: str) -> None:
    if ID_PATTERN.match(staged_id or ""):
        shutil.rmtree(root / staged_id, ignore_errors=True)


def drop_files(root: Path, staged: Staged) -> None:
    """Delete the data but keep meta.json (and preview.json), so a repeated apply is told what happened."""
    for name in ("incoming", "files"):
        shutil.rmtree(staged.folder(root) / name, ignore_errors=True)


def sweep_expired(root: Path, grace_seconds: float = 0) -> int:
    """Delete staged imports past their expiry (and folders without a readable meta.json)."""
    removed = 0
    if not root.is_dir():
        return 0
    now = time.time()
    for folder in root.iterdir():
        if not folder.is_dir() or not ID_PATTERN.match(folder.name):
            continue
        staged = load(root, folder.name)
        too_old = folder.stat().st_mtime + 86_400 < now  # an abandoned half-made upload
        if (staged is None and too_old) or (staged is not None and staged.expires + grace_seconds < now):
            if staged is not None and staged.status in ("applying", "previewing"):
                continue  # a job is still using it; the next sweep takes it
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def claim_apply(root: Path, staged: Staged) -> bool:
    """True for exactly one caller: the marker file is created exclusively (safe across threads and
    processes sharing the folder), so a double-clicked Apply imports once."""
    try:
        fd = os.open(staged.folder(root) / "applied", os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def save_preview(root: Path, staged: Staged, report: dict[str, Any]) -> None:
    atomic_write_text(
        staged.folder(root) / "preview.json", json.dumps(report, ensure_ascii=False, default=str)
    )


def load_preview(root: Path, staged: Staged) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((staged.folder(root) / "preview.json").read_text())
    except (OSError, ValueError):
        return None
    return data


# -- what the import reads --------------------------------------------------------------------------
def lay_out(root: Path, staged: Staged, received: list[ReceivedFile], limits: ZipLimits) -> None:
    """Move received files into files/ and decide the import paths (relative, stored on `staged`)."""
    base = staged.folder(root)
    tables = base / "files" / "tables"
    singles = base / "files" / "json"
    paths: list[Path] = []
    for item in received:
        suffix = check_suffix(item.name, item.original)
        if suffix == ".zip":
            folder = base / "files" / f"zip-{Path(item.name).stem}"
            written = extract_zip(item.path, f"'{item.original}'", folder, limits)
            paths += _zip_import_paths(folder, written, item.original)
            continue
        if suffix == ".xlsx":
            check_zip(item.path, f"'{item.original}'", limits)  # an .xlsx is a zip: same bomb checks
        is_descriptor = item.name.lower() == "datapackage.json"
        target_dir = tables if suffix != ".json" or is_descriptor else singles
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / item.name
        shutil.move(item.path, target)
        if target_dir is singles:
            paths.append(target)
    if tables.is_dir():
        paths = _table_paths(tables) + paths
    if not paths:
        raise UploadRefused(422, "Nothing in this upload is a file Navigator can import.")
    staged.paths = [str(p.relative_to(base)) for p in paths]
    staged.names = [r.original for r in received]


def _table_paths(folder: Path) -> list[Path]:
    """Loose tables: a package folder, a three-table spreadsheet (services + siblings) or each file."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if any(p.name.lower() == "datapackage.json" for p in files):
        return [folder]
    stems = {p.stem.lower() for p in files}
    if "services" in stems and stems & TABLE_SIBLINGS:
        # The spreadsheet reader joins services.csv with its siblings itself; they are not
        # imports of their own.
        return [p for p in files if p.stem.lower() not in TABLE_SIBLINGS]
    return files


def _zip_import_paths(folder: Path, written: list[Path], shown: str) -> list[Path]:
    def depth(p: Path) -> int:
        return len(p.relative_to(folder).parts)

    descriptors = sorted((p for p in written if p.name.lower() == "datapackage.json"), key=depth)
    if descriptors:
        return [descriptors[0].parent]
    services = sorted(
        (p for p in written if p.stem.lower() == "services" and p.suffix.lower() in IMPORTABLE[1:]), key=depth
    )
    if services:
        return [services[0].parent]
    found = [p for p in written if p.suffix.lower() in IMPORTABLE]
    if not found:
        raise UploadRefused(422, f"'{shown}' holds no file Navigator can import (.json, .csv, .tsv, .xlsx).")
    return sorted(found)
