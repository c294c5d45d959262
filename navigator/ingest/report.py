"""The import report: what a curator gets back from every import, for people and for machines."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass
class Rejection:
    file: str
    locator: str
    reason: str
    source_id: str | None = None
    name: str | None = None


@dataclass
class Warning_:
    file: str
    locator: str
    message: str
    field: str | None = None
    source_id: str | None = None


@dataclass
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class Update:
    source_id: str
    name: str
    changes: list[FieldChange]


@dataclass
class DuplicateRef:
    id: str
    source: str
    name: str
    organisation: str | None


@dataclass
class Duplicate:
    a: DuplicateRef
    b: DuplicateRef
    score: float
    reasons: list[str]


@dataclass
class FileError:
    file: str
    reason: str
    locator: str | None = None


@dataclass
class ImportReport:
    source: str
    files: list[str]
    dry_run: bool = False
    batch_id: int | None = None
    formats: dict[str, str] = field(default_factory=dict)
    started_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="seconds"))
    finished_at: str | None = None
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    file_errors: list[FileError] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    index_message: str | None = None

    @property
    def accepted(self) -> int:
        return self.added + self.updated + self.unchanged

    @property
    def changed(self) -> bool:
        return (self.added + self.updated) > 0

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "warnings": len(self.warnings),
            "possible_duplicates": len(self.duplicates),
            "file_errors": len(self.file_errors),
        }

    def exit_code(self) -> int:
        """0: imported (row rejections are reported, not fatal); 1: some file could not be read;
        2: nothing could be imported at all."""
        if self.accepted == 0 and (self.file_errors or self.rejected or self.read == 0):
            return 2
        return 1 if self.file_errors else 0

    def warning_summary(self) -> list[tuple[str, int]]:
        """Warnings grouped by field, most common first, so thousands stay readable."""
        return Counter(w.field or "record" for w in self.warnings).most_common()

    def rejection_summary(self) -> list[tuple[str, int]]:
        return Counter(_reason_kind(r.reason) for r in self.rejected).most_common()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = self.counts()
        return data

    def write_json(self, path: Path) -> None:
        from navigator.util.atomic import atomic_write_text

        atomic_write_text(path, json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str))


def _reason_kind(reason: str) -> str:
    """The reason without its particulars ("duplicate id X (first at ...)" → "duplicate id")."""
    head = reason.split(":")[0]
    for marker in (" (", " '", ' "'):
        head = head.split(marker)[0]
    return head.strip()
