"""What the curator pages are given to show an import report (preview, history detail)."""

from __future__ import annotations

from typing import Any

from navigator.curation.report_view import SHOW_AT_MOST, count_rows, update_changes, warning_groups
from navigator.ingest.report import ImportReport


def report_context(
    report: ImportReport, data: dict[str, Any], counts: dict[str, int] | None = None
) -> dict[str, Any]:
    """Template context for curator/_report.html: every section the CLI prints, capped per page."""
    feed = data.get("feed") if isinstance(data.get("feed"), dict) else None
    deactivated = data.get("deactivated") if isinstance(data.get("deactivated"), list) else []
    return {
        "report": report,
        "count_rows": count_rows(report, counts),
        "file_errors": report.file_errors,
        "rejected": report.rejected[:SHOW_AT_MOST],
        "rejected_total": (counts or {}).get("rejected", len(report.rejected)),
        "rejection_kinds": report.rejection_summary(),
        "warning_groups": warning_groups(report),
        "updates": [(u, update_changes(u)) for u in report.updates[:SHOW_AT_MOST]],
        "updates_total": len(report.updates),
        "duplicates": report.duplicates[:SHOW_AT_MOST],
        "duplicates_total": len(report.duplicates),
        "show_at_most": SHOW_AT_MOST,
        "feed": feed,
        "vanished": (feed or {}).get("vanished", []),
        "deactivated": deactivated,
        "index_message": data.get("index_message"),
    }
