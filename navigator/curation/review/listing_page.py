"""Everything the curator listing page shows: the stored record, its history, curator-held fields,
open duplicate flags and problem reports."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from navigator.curation.review.changes import current_record, listing_ref, version_token
from navigator.curation.review.compare import describe
from navigator.curation.review.listing_form import schedule_notes_only
from navigator.curation.review.problems import resolve_listing
from navigator.ingest.record import ServiceRecord
from navigator.store import queries
from navigator.store import review_queries as q
from navigator.store.db import Store
from navigator.store.models_curation import PROBLEM_REASONS

HISTORY_LIMIT = 200
_SHOWN = (
    ("name", "Name"),
    ("organization", "Organisation"),
    ("description", "Description"),
    ("url", "Website"),
    ("email", "Email"),
    ("contacts", "Phones and contacts"),
    ("locations", "Address and venues"),
    ("schedules", "Opening times"),
    ("cost", "Cost"),
    ("eligibility", "Ages and who it is for"),
    ("taxonomy_terms", "Categories"),
    ("delivery_modes", "How it is delivered"),
    ("languages", "Languages"),
    ("service_areas", "Area served"),
    ("hide_exact_address", "Hide exact address"),
    ("assured_date", "Last verified"),
)


@dataclass
class ListingPage:
    ref: str
    name: str
    source: str
    source_id: str
    status: str
    version: str
    created_at: str
    updated_at: str
    fields: list[tuple[str, str]]
    record: dict[str, Any]
    held: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    times_as_notes: int = 0


def listing_page(store: Store, listing_id: str) -> ListingPage:
    with store.read() as session:
        service = resolve_listing(session, listing_id)
        record = current_record(service)
        page = ListingPage(
            ref=listing_ref(service),
            name=service.name,
            source=service.source,
            source_id=service.source_id,
            status=service.status,
            version=version_token(service),
            created_at=service.created_at.isoformat(timespec="seconds"),
            updated_at=service.updated_at.isoformat(timespec="seconds"),
            fields=[(label, describe(record, key)) for key, label in _SHOWN],
            record=record.model_dump(mode="json"),
            times_as_notes=schedule_notes_only(record),
        )
        page.held = [
            {
                "field": o.field,
                "set_by": o.set_by,
                "set_at": o.set_at.isoformat(timespec="seconds"),
                "note": o.note,
            }
            for o in sorted(q.overrides_for(session, service.id).values(), key=lambda o: o.field)
        ]
        page.history = [
            {
                "changed_at": c.changed_at.isoformat(timespec="seconds"),
                "actor": c.actor,
                "field": c.field,
                "old": c.old_value,
                "new": c.new_value,
                "old_text": history_text(c.field, c.old_value),
                "new_text": history_text(c.field, c.new_value),
                "import_batch_id": c.import_batch_id,
            }
            for c in queries.service_history(session, service.id, limit=HISTORY_LIMIT)
        ]
        for p in queries.open_duplicates_for(session, service.id):
            other_pk = p.service_b_id if p.service_a_id == service.id else p.service_a_id
            other = q.service_by_pk(session, other_pk)
            if other is not None:
                page.duplicates.append(
                    {"pair": p.id, "score": p.score, "other": listing_ref(other), "other_name": other.name}
                )
        page.problems = [
            {
                "id": r.id,
                "reason": PROBLEM_REASONS.get(r.reason, r.reason),
                "details": r.details,
                "reported_by": r.reported_by,
                "created_at": r.created_at.isoformat(timespec="minutes"),
                "status": r.status,
                "resolution_note": r.resolution_note,
                "resolved_by": r.resolved_by,
            }
            for r in q.problems_for(session, service.id)
        ]
        return page


# record field → how `describe` shows it
_DESCRIBED_AS = {"phones": "contacts", "fees": "cost", "cost_options": "cost", "is_free": "cost"}
HISTORY_CHARS = 600


def history_text(field_name: str, stored: str | None) -> str:
    """A history value as words: JSON of a record field is described like the listing shows it."""
    if stored is None or stored == "":
        return "—"
    try:
        value = json.loads(stored) if stored[:1] in "[{" or stored in ("true", "false") else stored
        record = ServiceRecord.model_validate({"source_id": "-", "name": "-", field_name: value})
        shown = describe(record, _DESCRIBED_AS.get(field_name, field_name))
    except (ValueError, TypeError, AttributeError):  # a field the record no longer has: show it raw
        shown = stored
    return shown if len(shown) <= HISTORY_CHARS else shown[:HISTORY_CHARS] + "…"


def release_hold(store: Store, listing_id: str, field_name: str) -> str:
    """Let imports set a curator-held field again (from the next import of the listing's source)."""
    with store.write() as session:
        service = resolve_listing(session, listing_id)
        if q.release_field(session, service.id, field_name):
            return f"The next import of {service.source} may update “{field_name}” again."
        return f"“{field_name}” was not held by a curator; nothing changed."
