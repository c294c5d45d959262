"""An import, start to finish: read → normalise → validate → upsert → find duplicates, in one
transaction. Either every accepted record is committed or none is; a dry run does all the work and
then rolls back, so its report is exactly what a real run would say."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from navigator.config import Settings
from navigator.geo.outcodes import OutcodeTable
from navigator.ingest import report as rpt
from navigator.ingest.dedupe import DedupeEntry, DuplicatePair, find_duplicates
from navigator.ingest.formats import input_size, reader_for
from navigator.ingest.normalise import Rejected, normalise
from navigator.ingest.problems import Issue
from navigator.ingest.readers.base import FileUnreadable, RawRecord
from navigator.ingest.record import ServiceRecord
from navigator.ingest.validate import validate
from navigator.store import models as m
from navigator.store.db import Store, StoreError
from navigator.store.duplicates import judged_pairs, load_dedupe_entries, save_pairs
from navigator.store.review_queries import kept_message
from navigator.store.writer import ListingWriter, bump_generation

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@dataclass
class _Accepted:
    raw: RawRecord
    record: ServiceRecord


def default_source_name(paths: Sequence[Path]) -> str:
    first = paths[0]
    stem = first.name if first.is_dir() else first.stem
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "import"


def import_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    settings: Settings,
    source: str | None = None,
    fmt: str = "auto",
    dry_run: bool = False,
    actor: str = "cli",
    progress: Progress | None = None,
) -> rpt.ImportReport:
    paths = [Path(p) for p in paths]
    source = source or default_source_name(paths)
    report = rpt.ImportReport(source=source, files=[str(p) for p in paths], dry_run=dry_run)
    tick = progress or (lambda stage, done, total: None)
    raws = _read_all(paths, fmt, settings, report)
    report.read = len(raws) + len(report.rejected)  # so far only reader problems and repeated ids
    accepted = _clean_all(raws, settings, report, tick)
    try:
        with store.write() as session:
            batch = m.ImportBatch(
                source=source,
                actor=actor,
                files=report.files,
                format=",".join(sorted(set(report.formats.values()))),
                started_at=datetime.now(),
            )
            session.add(batch)
            session.flush()
            report.batch_id = None if dry_run else batch.id
            writer = ListingWriter(session, source, batch, actor)
            touched: list[int] = []
            unflushed: list[m.Service] = []
            for done, item in enumerate(accepted, 1):
                result = writer.upsert(item.record)
                for name in result.kept:
                    message = kept_message(name)
                    warning = rpt.Warning_(
                        item.raw.file, item.raw.locator, message, name, item.record.source_id
                    )
                    report.warnings.append(warning)
                setattr(report, result.outcome, getattr(report, result.outcome) + 1)
                if result.service is not None:
                    unflushed.append(result.service)
                if result.outcome == "updated":
                    report.updates.append(
                        rpt.Update(
                            item.record.source_id,
                            item.record.name,
                            [rpt.FieldChange(f, old, new) for f, old, new in result.changes],
                        )
                    )
                if done % 200 == 0 or done == len(accepted):
                    session.flush()
                    touched += [s.id for s in unflushed]
                    unflushed.clear()
                    writer.release()
                    tick("saving", done, len(accepted))
            if touched:
                tick("duplicates", 0, 1)
                pairs = _duplicates(session, touched, settings)
                report.duplicates = [_duplicate_for_report(p) for p in pairs]
                save_pairs(session, pairs, batch.id)
                bump_generation(session)
                tick("duplicates", 1, 1)
            report.finished_at = datetime.now().isoformat(timespec="seconds")
            batch.finished_at = datetime.now()
            batch.counts = report.counts()
            batch.report_json = _stored_report(report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except DBAPIError as exc:
        problem = store_write_problem(exc, store.engine.url.database if store.is_sqlite else None)
        if problem is None:
            raise
        raise StoreError(problem) from exc
    return report


# SQLite's primary result codes for a store that cannot be written (extended codes share the low byte).
_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 8, 10, 13, 14


def store_write_problem(exc: BaseException, location: str | None = None) -> str | None:
    """A message for people when the store itself refused a write (full disk, read-only, I/O error),
    or None for anything else. The import ran in one transaction, so nothing of it was saved."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if code is None:
        return None
    where = f"The store at {location}" if location else "The store"
    nothing = "Nothing from this import was saved; the store is as it was."
    primary = code & 0xFF
    if primary == _SQLITE_FULL:
        return (
            f"{where} could not grow: the disk is full (or the database reached its size limit). {nothing} "
            "Free some disk space (an import needs room for its changes twice over, in the store and its "
            "write-ahead log) and run the import again."
        )
    if primary == _SQLITE_READONLY:
        return (
            f"{where} is read-only, so the import could not be saved. {nothing} Check that the user "
            "running Navigator may write the store file and its folder, and that the disk is not mounted "
            "read-only; then run the import again."
        )
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return (
            f"{where} could not be opened for writing ({orig}). {nothing} Check the disk: free space, "
            "permissions, and that it is mounted read-write; then run the import again."
        )
    return None


def _read_all(paths: list[Path], fmt: str, settings: Settings, report: rpt.ImportReport) -> list[RawRecord]:
    raws: list[RawRecord] = []
    seen: dict[str, str] = {}  # source id → where first seen, across all files of this import
    for path in paths:
        try:
            size = input_size(path) if path.exists() else 0
            if size > settings.max_import_file_bytes:
                limit = settings.max_import_file_bytes
                reason = f"is {size:,} bytes, over the import limit of {limit:,} (MAX_IMPORT_FILE_BYTES)"
                raise FileUnreadable(str(path), reason)
            reader = reader_for(path, fmt)
            result = reader.read(path)
        except FileUnreadable as exc:
            report.file_errors.append(rpt.FileError(exc.file, exc.reason, exc.locator))
            continue
        except (OSError, UnicodeError, ValueError) as exc:  # a reader let one slip: still a clear message
            report.file_errors.append(rpt.FileError(str(path), f"could not be read: {exc}"))
            continue
        report.formats[str(path)] = reader.format_name
        report.rejected += [rpt.Rejection(p.file, p.locator, p.reason) for p in result.problems]
        report.warnings += [rpt.Warning_(w.file, w.locator, w.reason) for w in result.warnings]
        for raw in result.records:
            sid = str(raw.data.get("id") or "").strip()
            if sid and sid in seen:
                report.rejected.append(
                    rpt.Rejection(
                        raw.file,
                        raw.locator,
                        f"duplicate id {sid} (first at {seen[sid]})",
                        sid,
                        _text(raw.data.get("name")),
                    )
                )
                continue
            if sid:
                seen[sid] = f"{raw.file} {raw.locator}"
            raws.append(raw)
    return raws


def _clean_all(
    raws: list[RawRecord], settings: Settings, report: rpt.ImportReport, tick: Progress
) -> list[_Accepted]:
    outcodes = OutcodeTable.load_default()
    accepted: list[_Accepted] = []
    for done, raw in enumerate(raws, 1):
        sid = _text(raw.data.get("id"))
        try:
            record, issues = normalise(raw.data, outcodes=outcodes, max_field_chars=settings.max_field_chars)
            rejections, warnings = validate(record)
        except Rejected as exc:
            report.rejected.append(
                rpt.Rejection(raw.file, raw.locator, _issue_text(exc.issue), sid, _text(raw.data.get("name")))
            )
            continue
        if rejections:
            report.rejected.append(
                rpt.Rejection(
                    raw.file, raw.locator, "; ".join(_issue_text(i) for i in rejections), sid, record.name
                )
            )
            continue
        report.warnings += [
            rpt.Warning_(raw.file, raw.locator, i.message, i.field, sid) for i in [*issues, *warnings]
        ]
        accepted.append(_Accepted(raw, record))
        if done % 500 == 0 or done == len(raws):
            tick("checking", done, len(raws))
    return accepted


def _duplicates(session: Session, touched: list[int], settings: Settings) -> list[DuplicatePair]:
    entries = load_dedupe_entries(session)
    mine = [entries[i] for i in touched if i in entries]
    return find_duplicates(mine, entries.values(), settings.duplicate_name_threshold, judged_pairs(session))


def _duplicate_for_report(p: DuplicatePair) -> rpt.Duplicate:
    def ref(e: DedupeEntry) -> rpt.DuplicateRef:
        return rpt.DuplicateRef(e.source_id, e.source, e.name, e.organisation)

    return rpt.Duplicate(ref(p.a), ref(p.b), p.score, list(p.reasons))


def _stored_report(report: rpt.ImportReport) -> dict[str, Any]:
    """What the import history keeps: counts and reasons, capped so a bad file can't bloat the store."""
    data = report.to_dict()
    for key in ("rejected", "warnings", "updates", "duplicates"):
        data[key] = data[key][:2000]
    return data


def _issue_text(issue: Issue) -> str:
    return f"{issue.field}: {issue.message}" if issue.field else issue.message


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
