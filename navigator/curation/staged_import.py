"""Preview and apply a staged import (an upload or a fetched feed) through the same pipeline as
`navigator import`, so the numbers are the CLI's numbers.

- Preview: `import_paths(..., dry_run=True)` (it does everything, then rolls back, so its report
  is exact), with file paths shown as the curator knows them, and the store generation it saw.
- Apply: refused if expired, already applied (exactly one apply can claim it), or if the store
  changed since the preview (the StoreState generation moved) — then the caller re-previews rather
  than applying blind. Otherwise the real import as the curator, feed listings that vanished marked
  inactive (whole fetches only), the index rebuilt, and the staged files deleted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from navigator.config import Settings
from navigator.curation import staging
from navigator.curation.jobs import Job, JobFailed
from navigator.curation.staging import Staged
from navigator.ingest.pipeline import import_paths
from navigator.store import feeds_queries as fq
from navigator.store import history_queries as hq
from navigator.store.db import Store
from navigator.store.search_docs import store_generation

Rebuild = Callable[[Settings, Store], str]


def rebuild_index(settings: Settings, store: Store) -> str:
    from navigator.search.index_build import rebuild_after_import

    return rebuild_after_import(settings, store, None)


def generation(store: Store) -> int:
    with store.read() as session:
        return store_generation(session)


def display_path(path: str, folder: Path, names: dict[str, str]) -> str:
    """A staged path as the curator knows it: 'services.csv', 'miami.zip/data/services.csv', a feed URL."""
    try:
        relative = Path(path).resolve().relative_to(folder.resolve())
    except ValueError:
        return Path(path).name
    key = relative.as_posix()
    if key in names:
        return names[key]
    parts = relative.parts[1:] if relative.parts[:1] == ("files",) else relative.parts
    if parts and parts[0] in ("tables", "json"):
        parts = parts[1:]
    elif parts and parts[0].startswith("zip-"):
        parts = (parts[0][4:] + ".zip", *parts[1:])
    return "/".join(parts) or "upload"


def relabel(report: dict[str, Any], folder: Path, names: dict[str, str]) -> dict[str, Any]:
    """The report with staging paths replaced by display paths (files, formats, every locator's file)."""
    data = json.loads(json.dumps(report, default=str))

    def show(p: str) -> str:
        return display_path(p, folder, names)

    data["files"] = [show(p) for p in data.get("files", [])]
    data["formats"] = {show(k): v for k, v in data.get("formats", {}).items()}
    for key in ("file_errors", "rejected", "warnings"):
        for item in data.get(key, []):
            if isinstance(item.get("file"), str):
                item["file"] = show(item["file"])
            if isinstance(item.get("reason"), str):
                item["reason"] = item["reason"].replace(str(folder) + "/", "")
    return data


def _names(staged: Staged) -> dict[str, str]:
    names = staged.extra.get("display", {})
    return dict(names) if isinstance(names, dict) else {}


def run_preview(store: Store, settings: Settings, staged: Staged, job: Job | None = None) -> dict[str, Any]:
    root = staging.uploads_root(settings)
    folder = staged.folder(root)
    staged.status = "previewing"
    staging.save(root, staged)
    seen = generation(store)
    report = import_paths(
        store,
        staged.import_paths(root),
        settings=settings,
        source=staged.source,
        dry_run=True,
        actor=staged.owner,
        progress=job.progress if job else None,
    )
    data = relabel(report.to_dict(), folder, _names(staged))
    if staged.kind == "feed":
        data["feed"] = _feed_preview(store, staged, folder)
    staging.save_preview(root, staged, data)
    staged.status = "previewed"
    staged.preview_generation = seen
    staged.preview_counts = report.counts()
    staging.save(root, staged)
    return data


def _feed_ids(folder: Path) -> list[str]:
    try:
        ids = json.loads((folder / "feed_ids.json").read_text())
    except (OSError, ValueError):
        return []
    return [str(i) for i in ids]


def _feed_preview(store: Store, staged: Staged, folder: Path) -> dict[str, Any]:
    info = dict(staged.extra.get("feed", {}))
    if staged.feed_complete:
        with store.read() as session:
            gone = fq.vanished_listings(session, staged.source, _feed_ids(folder))
        info["vanished"] = [{"id": v.source_id, "name": v.name} for v in gone]
    else:
        info["vanished"] = []
    info["complete"] = staged.feed_complete
    return info


@dataclass
class Applied:
    batch_id: int | None
    report: dict[str, Any]
    stale: bool = False  # the store changed since the preview: nothing was applied


def claim(settings: Settings, staged: Staged) -> None:
    """Take the one right to apply this staged import (raises JobFailed if it can't be applied)."""
    root = staging.uploads_root(settings)
    check_can_apply(staged)
    if not staging.claim_apply(root, staged):
        raise JobFailed(already_applied_message(staged))
    staged.status = "applying"
    staging.save(root, staged)


def apply_claimed(
    store: Store,
    settings: Settings,
    staged: Staged,
    *,
    actor: str,
    job: Job | None = None,
    rebuild: Rebuild = rebuild_index,
) -> Applied:
    """Apply a claimed, previewed import (the web flow), unless the store changed since the
    preview: then the claim is released and `stale` is returned, for a fresh preview."""
    root = staging.uploads_root(settings)
    if generation(store) != staged.preview_generation:
        staged.status = "staged"
        staging.save(root, staged)
        (staged.folder(root) / "applied").unlink(missing_ok=True)
        return Applied(None, {}, stale=True)
    return apply_staged(store, settings, staged, actor=actor, job=job, rebuild=rebuild)


def apply_staged(
    store: Store,
    settings: Settings,
    staged: Staged,
    *,
    actor: str,
    job: Job | None = None,
    rebuild: Rebuild | None = rebuild_index,
) -> Applied:
    """The real import of a staged folder (the caller holds the claim, or it is a fresh CLI fetch)."""
    root = staging.uploads_root(settings)
    folder = staged.folder(root)
    staged.status = "applying"
    staging.save(root, staged)
    try:
        report = import_paths(
            store,
            staged.import_paths(root),
            settings=settings,
            source=staged.source,
            dry_run=False,
            actor=actor,
            progress=job.progress if job else None,
        )
        data = relabel(report.to_dict(), folder, _names(staged))
        if staged.kind == "feed":
            data["feed"] = dict(staged.extra.get("feed", {}), complete=staged.feed_complete)
        if report.batch_id is not None:
            with store.write() as session:
                hq.relabel_batch(session, report.batch_id, _shown_files(staged, data), data)
        if staged.kind == "feed":
            data["deactivated_count"] = _finish_feed(store, staged, folder, report.batch_id, actor, job)
    except Exception:
        staged.status = "failed"
        staging.save(root, staged)
        raise
    if rebuild is not None and (report.changed or data.get("deactivated_count")):
        if job:
            job.progress("indexing", 0, 0)
        data["index_message"] = rebuild(settings, store)
    staged.status = "applied"
    staged.batch_id = report.batch_id
    staging.save(root, staged)
    staging.drop_files(root, staged)
    return Applied(report.batch_id, data)


def _shown_files(staged: Staged, data: dict[str, Any]) -> list[str]:
    if staged.kind == "feed":
        return [str(f) for f in data.get("files", [])]
    return list(staged.names) or [str(f) for f in data.get("files", [])]


def _finish_feed(
    store: Store, staged: Staged, folder: Path, batch_id: int | None, actor: str, job: Job | None
) -> int:
    """Deactivate listings that left the feed (whole fetches only) and record the sync's outcome."""
    deactivated = 0
    if staged.feed_complete and batch_id is not None:
        if job:
            job.progress("vanished", 0, 0)
        with store.write() as session:
            gone = fq.vanished_listings(session, staged.source, _feed_ids(folder))
            deactivated = fq.deactivate_vanished(session, batch_id, gone, actor)
    if staged.feed_sync_id is not None:
        with store.write() as session:
            fq.update_sync(
                session,
                staged.feed_sync_id,
                status="applied" if staged.feed_complete else "partial",
                import_batch_id=batch_id,
                deactivated=deactivated,
            )
    return deactivated


def check_can_apply(staged: Staged) -> None:
    if staged.status in ("applied", "applying"):
        raise JobFailed(already_applied_message(staged))
    if staged.status == "cancelled":
        raise JobFailed("This upload was cancelled; upload the files again to import them.")
    if staged.expired:
        raise JobFailed(expired_message())
    if staged.status == "failed":
        raise JobFailed(
            "Applying or previewing this upload failed part-way. Check the import history to see what "
            "was imported, then upload the files again."
        )
    if staged.status != "previewed":
        raise JobFailed("This upload has no finished preview yet; wait for the preview, then apply it.")


def expired_message() -> str:
    return (
        "This preview has expired and its files were deleted, so nothing was imported. "
        "Upload the files again to see a fresh preview."
    )


def already_applied_message(staged: Staged) -> str:
    if staged.batch_id:
        return f"This upload was already applied as import #{staged.batch_id}; it was not imported twice."
    return "This upload is already being applied; it will not be imported twice."


def cancel(settings: Settings, staged: Staged, store: Store | None = None) -> None:
    """Delete the staged files; keep a small meta.json so a late Apply is told it was cancelled."""
    root = staging.uploads_root(settings)
    if staged.status in ("applying", "applied"):
        raise JobFailed(already_applied_message(staged))
    staged.status = "cancelled"
    staging.save(root, staged)
    staging.drop_files(root, staged)
    (staged.folder(root) / "preview.json").unlink(missing_ok=True)
    if store is not None and staged.feed_sync_id is not None:
        with store.write() as session:
            fq.update_sync(session, staged.feed_sync_id, status="cancelled")
