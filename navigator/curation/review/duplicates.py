"""Possible duplicates: the queue, the side-by-side comparison, merge and "not a duplicate".

A merge never deletes: the kept listing takes the chosen values (history: changed by the curator,
"merged from SOURCE:ID"; the values held against re-imports), the other becomes inactive (history:
"merged into SOURCE:ID"; held inactive), and the pair is marked merged. Reactivating the other
listing undoes it. "Not a duplicate" is remembered on the pair, and the detector skips judged pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from navigator.curation.review.changes import (
    ChangedMeanwhile,
    check_version,
    current_record,
    listing_ref,
    note_event,
    save_record,
    version_token,
)
from navigator.curation.review.compare import MERGE_FIELDS, FieldRow, field_rows, newer_side
from navigator.curation.review.problems import ReviewError
from navigator.ingest.record import ServiceRecord
from navigator.store import models as m
from navigator.store import review_queries as q
from navigator.store.db import Store
from navigator.store.models_curation import DuplicateDecision

PAGE_SIZE = 25


class PairNotFound(LookupError):
    pass


class AlreadyDecided(Exception):
    """The pair was judged (or a listing in it closed) since the page was shown."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ListingSide:
    ref: str  # SOURCE:ID
    name: str
    organisation: str | None
    status: str
    assured_date: str | None
    updated_at: str
    version: str


@dataclass
class PairSummary:
    id: int
    score: float
    reasons: list[str]
    found_at: str
    a: ListingSide
    b: ListingSide


@dataclass
class Comparison:
    pair: PairSummary
    status: str
    newer: str  # "a" / "b": the default side for "keep" and every field
    fields: list[FieldRow] = field(default_factory=list)


def _side(s: m.Service) -> ListingSide:
    return ListingSide(
        listing_ref(s),
        s.name,
        s.organization.name if s.organization else None,
        s.status,
        s.assured_date.isoformat() if s.assured_date else None,
        s.updated_at.isoformat(timespec="seconds"),
        version_token(s),
    )


def _summary(p: m.PossibleDuplicate, a: m.Service, b: m.Service) -> PairSummary:
    found = p.found_at.isoformat(timespec="seconds")
    return PairSummary(p.id, p.score, list(p.reasons or []), found, _side(a), _side(b))


def duplicate_queue(store: Store, page: int = 1) -> tuple[list[PairSummary], int]:
    """Open pairs, highest score first (PAGE_SIZE a page), and how many are open."""
    with store.read() as session:
        rows, total = q.open_duplicate_pairs(session, limit=PAGE_SIZE, offset=(max(page, 1) - 1) * PAGE_SIZE)
        return [_summary(p, a, b) for p, a, b in rows], total


def comparison(store: Store, pair_id: int) -> Comparison:
    with store.read() as session:
        pair, a, b = _load(session, pair_id)
        ra, rb = current_record(a), current_record(b)
        newer = newer_side(ra, rb, a.updated_at, b.updated_at)
        return Comparison(_summary(pair, a, b), pair.status, newer, field_rows(ra, rb, newer))


def _load(session: Any, pair_id: int) -> tuple[m.PossibleDuplicate, m.Service, m.Service]:
    pair = q.duplicate_pair(session, pair_id)
    if pair is None:
        raise PairNotFound(f"There is no possible duplicate number {pair_id}.")
    a = q.service_by_pk(session, pair.service_a_id)
    b = q.service_by_pk(session, pair.service_b_id)
    if a is None or b is None:  # cascades make this impossible; say so plainly if it ever happens
        raise PairNotFound(f"A listing in pair {pair_id} no longer exists.")
    return pair, a, b


def merge(
    store: Store, pair_id: int, keep: str, choices: dict[str, str], versions: dict[str, str], actor: str
) -> str:
    """Merge the pair: `keep` "a"/"b" names the listing that stays; `choices` maps each merge field
    key to the side ("a"/"b") whose value it keeps (missing: the comparison's default); `versions` holds the
    version tokens of "a" and "b" the form was rendered with. Returns a message for the curator.

    Raises PairNotFound, AlreadyDecided, ChangedMeanwhile or ReviewError; nothing is written then."""
    if keep not in ("a", "b"):
        raise ReviewError("keep", "Choose which listing to keep.")
    bad = [k for k, side in choices.items() if side not in ("a", "b")]
    if bad:
        raise ReviewError(bad[0], "Choose the value from one listing or the other.")
    with store.write() as session:
        pair, a, b = _load(session, pair_id)
        _still_open(pair, a, b)
        check_version(a, versions.get("a"), f"“{a.name}” ({listing_ref(a)})")
        check_version(b, versions.get("b"), f"“{b.name}” ({listing_ref(b)})")
        ra, rb = current_record(a), current_record(b)
        newer = newer_side(ra, rb, a.updated_at, b.updated_at)
        kept, other = (a, b) if keep == "a" else (b, a)
        kept_record, other_record = (ra, rb) if keep == "a" else (rb, ra)
        defaults = {row.key: row.default for row in field_rows(ra, rb, newer)}
        take = {f.key for f in MERGE_FIELDS if choices.get(f.key, defaults[f.key]) != keep}
        merged = _take(kept_record, other_record, take, same_source=kept.source == other.source)
        now = datetime.now()
        kept_ref, other_ref = listing_ref(kept), listing_ref(other)
        changes = save_record(session, kept, merged, actor=actor, note=f"merged from {other_ref}", now=now)
        note_event(session, kept, actor, f"merged from {other_ref}", now)
        closed = other_record.model_copy(update={"status": "inactive"})
        save_record(session, other, closed, actor=actor, note=f"merged into {kept_ref}", now=now)
        note_event(session, other, actor, f"merged into {kept_ref}", now)
        pair.status = "merged"
        q.add_decision(
            session,
            DuplicateDecision(
                duplicate_id=pair.id,
                decision="merged",
                kept_service_id=kept.id,
                merged_service_id=other.id,
                choices={f.key: ("kept" if f.key not in take else "other") for f in MERGE_FIELDS},
                decided_by=actor[:200],
                decided_at=now,
            ),
        )
        fields = f"{len(changes)} field(s) updated" if changes else "no fields changed"
        return (
            f"Merged: kept {kept_ref} ({fields}); {other_ref} is now inactive. "
            f"To undo, reactivate {other_ref} from its edit page."
        )


def not_duplicate(store: Store, pair_id: int, actor: str) -> str:
    """Remember that the pair is two different services; doing it twice changes nothing."""
    with store.write() as session:
        pair, a, b = _load(session, pair_id)
        if pair.status == "not_duplicate":
            return "Already marked as not duplicates."
        if pair.status != "open":
            raise AlreadyDecided("These two listings were already merged; nothing was changed.")
        pair.status = "not_duplicate"
        q.add_decision(
            session,
            DuplicateDecision(
                duplicate_id=pair.id,
                decision="not_duplicate",
                kept_service_id=None,
                merged_service_id=None,
                choices={},
                decided_by=actor[:200],
                decided_at=datetime.now(),
            ),
        )
        return (
            f"Marked {listing_ref(a)} and {listing_ref(b)} as different services. "
            "They will not be flagged as duplicates again."
        )


def _still_open(pair: m.PossibleDuplicate, a: m.Service, b: m.Service) -> None:
    if pair.status != "open":
        done = "merged" if pair.status == "merged" else "marked as not duplicates"
        raise AlreadyDecided(f"These two listings were already {done}; nothing was changed.")
    for s in (a, b):
        if s.status == "inactive":
            raise AlreadyDecided(
                f"{listing_ref(s)} is inactive now, so it cannot be merged; nothing was changed."
            )


def _take(kept: ServiceRecord, other: ServiceRecord, keys: set[str], *, same_source: bool) -> ServiceRecord:
    """The kept record with the chosen fields copied from the other. Ids from another source's
    namespace (its organisation and venue ids) are dropped, so the kept source's rows with the same
    ids are never confused with them."""
    data = kept.model_dump(mode="json")
    theirs = other.model_dump(mode="json")
    for f in MERGE_FIELDS:
        if f.key in keys:
            for k in f.record_keys:
                data[k] = theirs[k]
    if same_source:
        return ServiceRecord.model_validate(data)
    if "organization" in keys and data["organization"]:
        data["organization"]["source_id"] = None
    if "locations" in keys:
        for loc in data["locations"]:
            loc["source_id"] = None
    return ServiceRecord.model_validate(data)


__all__ = ["AlreadyDecided", "ChangedMeanwhile", "PairNotFound", "comparison", "merge", "not_duplicate"]
