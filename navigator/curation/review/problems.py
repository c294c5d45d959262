"""Reported problems: "report a problem with this listing" (navigators, residents, curators) and the
curators' queue that resolves them.

A report holds what is wrong and who *kind* of person said so (a role), never their name or contact
details: residents report anonymously, and the directory does not become a store of personal data.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from navigator.store import models as m
from navigator.store import review_queries as q
from navigator.store.db import Store
from navigator.store.models_curation import PROBLEM_REASONS, ProblemReport

REPORTERS = ("navigator", "resident", "curator")
MAX_DETAILS = 2000
MAX_NOTE = 2000
PAGE_SIZE = 25


class ReviewError(ValueError):
    """Input a person must fix: `field` names the form field, `message` says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class ListingNotFound(LookupError):
    """No listing (or more than one, when a bare id is shared by several sources) has that id."""

    def __init__(self, listing_id: str, message: str | None = None) -> None:
        super().__init__(message or f"No listing has the id {listing_id!r}.")
        self.listing_id = listing_id
        self.message = str(self)


def clean_text(value: object, limit: int) -> str:
    """Free text from a form: control characters dropped, runs of blank lines folded, trimmed;
    longer than `limit` is a ReviewError raised by the caller (we never cut a person's words silently)."""
    text = unicodedata.normalize("NFC", str(value or ""))
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()[: limit + 1]


def resolve_listing(session: Session, listing_id: str) -> m.Service:
    """The one listing with this published id or "SOURCE:ID"; ListingNotFound otherwise."""
    listing_id = str(listing_id or "").strip()
    if not listing_id or len(listing_id) > 520:
        raise ListingNotFound(listing_id)
    found = q.services_by_listing_id(session, listing_id)
    if not found:
        raise ListingNotFound(listing_id)
    if len(found) > 1:
        sources = ", ".join(f"{s.source}:{s.source_id}" for s in found)
        raise ListingNotFound(
            listing_id, f"Several listings have the id {listing_id!r} ({sources}); use SOURCE:ID to pick one."
        )
    return found[0]


def report_problem(
    store: Store, listing_id: str, reason: str, details: str | None, reported_by: str
) -> ProblemReport:
    """Record a problem with a listing. `listing_id` is its published id or "SOURCE:ID"; `reason` a
    key of PROBLEM_REASONS; `details` optional free text (at most MAX_DETAILS characters);
    `reported_by` one of REPORTERS (a role — never a person's name or contact details).

    Raises ReviewError (field + message for the form) or ListingNotFound. Returns the saved report
    (detached; its `id` is set)."""
    if reason not in PROBLEM_REASONS:
        choices = ", ".join(PROBLEM_REASONS)
        raise ReviewError("reason", f"Choose what is wrong ({choices}).")
    if reported_by not in REPORTERS:
        raise ReviewError("reported_by", f"reported_by must be one of {', '.join(REPORTERS)}.")
    text = clean_text(details, MAX_DETAILS)
    if len(text) > MAX_DETAILS:
        raise ReviewError("details", f"Please keep the details under {MAX_DETAILS} characters.")
    if reason == "other" and not text:
        raise ReviewError("details", "Say what is wrong in the details box.")
    with store.write() as session:
        service = resolve_listing(session, listing_id)
        return q.add_problem_report(session, service.id, reason, text or None, reported_by, datetime.now())


def resolve_problem(store: Store, report_id: int, note: str, resolved_by: str) -> ProblemReport:
    """Close an open report with a note (required). Resolving an already resolved report keeps the
    first resolution (idempotent: a double-submitted form changes nothing)."""
    text = clean_text(note, MAX_NOTE)
    if not text:
        raise ReviewError(
            "note", "Write a short note saying what you did (for example “phoned, times fixed”)."
        )
    if len(text) > MAX_NOTE:
        raise ReviewError("note", f"Please keep the note under {MAX_NOTE} characters.")
    with store.write() as session:
        report = q.problem_report(session, report_id)
        if report is None:
            raise LookupError(f"No problem report {report_id}.")
        if report.status != "resolved":
            report.status = "resolved"
            report.resolution_note = text
            report.resolved_by = resolved_by[:200]
            report.resolved_at = datetime.now()
        return report


@dataclass
class ProblemItem:
    id: int
    listing: str  # SOURCE:ID
    listing_name: str
    reason: str
    reason_label: str
    details: str | None
    reported_by: str
    created_at: str


def problem_queue(store: Store, page: int = 1, page_size: int = PAGE_SIZE) -> tuple[list[ProblemItem], int]:
    """Open reports, newest first, with their listing; and how many are open."""
    with store.read() as session:
        rows, total = q.open_problems(session, limit=page_size, offset=(max(page, 1) - 1) * page_size)
        items = [
            ProblemItem(
                r.id,
                f"{s.source}:{s.source_id}",
                s.name,
                r.reason,
                PROBLEM_REASONS.get(r.reason, r.reason),
                r.details,
                r.reported_by,
                r.created_at.isoformat(timespec="minutes"),
            )
            for r, s in rows
        ]
        return items, total
