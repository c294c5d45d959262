"""An import report read back from its stored JSON (preview.json, ImportBatch.report_json), and the
shapes the curator pages show: the same numbers and groupings as the CLI's `render_report`."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any

from navigator.ingest import report as rpt

SHOW_AT_MOST = 200  # rows per section on a page; the JSON twin has them all
VALUE_CHARS = 400


def _build(cls: type, data: Any) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in (data or {}).items() if k in names})


def report_from_dict(data: dict[str, Any]) -> rpt.ImportReport:
    """Rebuild an ImportReport (so `counts()`, `warning_summary()` ... answer exactly as for the CLI)."""
    report = rpt.ImportReport(source=data.get("source", ""), files=list(data.get("files", [])))
    for name in ("dry_run", "batch_id", "formats", "started_at", "finished_at", "read", "added", "updated"):
        if name in data:
            setattr(report, name, data[name])
    report.unchanged = data.get("unchanged", 0)
    report.index_message = data.get("index_message")
    report.file_errors = [_build(rpt.FileError, e) for e in data.get("file_errors", [])]
    report.rejected = [_build(rpt.Rejection, r) for r in data.get("rejected", [])]
    report.warnings = [_build(rpt.Warning_, w) for w in data.get("warnings", [])]
    report.updates = [
        rpt.Update(u["source_id"], u["name"], [_build(rpt.FieldChange, c) for c in u.get("changes", [])])
        for u in data.get("updates", [])
    ]
    report.duplicates = [
        rpt.Duplicate(
            _build(rpt.DuplicateRef, d["a"]), _build(rpt.DuplicateRef, d["b"]), d["score"], d["reasons"]
        )
        for d in data.get("duplicates", [])
    ]
    return report


@dataclass
class WarningGroup:
    field: str
    count: int
    example: str


@dataclass
class Change:
    field: str
    old: str
    new: str


def show_value(value: Any) -> str:
    """A field value as text for a diff: plain for text, compact JSON for lists and objects, cut short."""
    if value is None or value == "" or value == []:
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def warning_groups(report: rpt.ImportReport) -> list[WarningGroup]:
    """Warnings grouped by field, most common first, each with its first example (as the CLI shows)."""
    examples: dict[str, rpt.Warning_] = {}
    for w in report.warnings:
        examples.setdefault(w.field or "record", w)
    groups = []
    for name, count in report.warning_summary():
        ex = examples[name]
        where = ex.source_id or f"{ex.file} {ex.locator}"
        groups.append(WarningGroup(name, count, f"{where}: {ex.message}"))
    return groups


def update_changes(update: rpt.Update) -> list[Change]:
    return [Change(c.field, show_value(c.old), show_value(c.new)) for c in update.changes]


def count_rows(
    report: rpt.ImportReport, stored_counts: dict[str, int] | None = None
) -> list[tuple[str, int]]:
    """The CLI's count table, row for row. Stored reports are capped at 2,000 items per list, so the
    batch's own counts (when given) win for the list-length rows."""
    counts = dict(report.counts())
    counts.update({k: v for k, v in (stored_counts or {}).items() if k in counts})
    return [
        ("Records read", counts["read"]),
        ("Added", counts["added"]),
        ("Updated", counts["updated"]),
        ("Unchanged", counts["unchanged"]),
        ("Rejected", counts["rejected"]),
        ("Warnings", counts["warnings"]),
        ("Possible duplicates", counts["possible_duplicates"]),
    ]
