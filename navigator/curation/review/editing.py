"""Editing a listing: the submitted form goes through the same normaliser and validator as an import,
so a value an import would drop or doubt is shown as an error beside its field and nothing is saved.
Only the groups of fields the curator changed are taken from the form (see listing_form)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from navigator.config import Settings
from navigator.curation.review.changes import (
    check_version,
    current_record,
    listing_ref,
    save_record,
    version_token,
)
from navigator.curation.review.listing_form import (
    BY_NAME,
    DELIVERY,
    FIELDS,
    FREE_CHOICES,
    GROUP_KEYS,
    STATUSES,
    form_field_for,
    form_values,
    raw_record,
    submitted_values,
    tidy,
)
from navigator.curation.review.problems import resolve_listing
from navigator.geo.outcodes import OutcodeTable
from navigator.ingest.normalise import Rejected, normalise
from navigator.ingest.problems import Issue
from navigator.ingest.record import ServiceRecord
from navigator.ingest.validate import validate
from navigator.store.db import Store
from navigator.store.writer import fold_key

# validator warnings that, for a field the curator just changed, mean "fix it before saving"
_BLOCKING_WARNINGS = {"minimum_age", "assured_date"}
# what an import does with a bad value ("...: dropped"); in the editor nothing is saved instead
_CONSEQUENCE = re.compile(
    r":\s*(dropped|kept as written|left out|treated as [\w ]+|left as unknown|"
    r"the address will be hidden to be safe)\.?$"
)
NOTHING = "Nothing was changed, so nothing was saved."


@dataclass
class EditOutcome:
    listing: str  # SOURCE:ID
    values: dict[str, str]
    version: str
    saved: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # form field → what to do
    warnings: list[str] = field(default_factory=list)
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    message: str = ""


def edit_view(store: Store, listing_id: str) -> EditOutcome:
    """The form as it opens: the listing's current values and version token."""
    with store.read() as session:
        service = resolve_listing(session, listing_id)
        values = form_values(current_record(service))
        return EditOutcome(listing_ref(service), values, version_token(service))


def save_edit(
    store: Store,
    settings: Settings,
    listing_id: str,
    form: dict[str, Any],
    actor: str,
    outcodes: OutcodeTable,
) -> EditOutcome:
    """Validate and save an edit. Raises ListingNotFound or ChangedMeanwhile; otherwise returns the
    outcome (saved, or errors by field with nothing saved)."""
    values = submitted_values(form)
    with store.write() as session:
        service = resolve_listing(session, listing_id)
        check_version(service, form.get("version"))
        old = current_record(service)
        outcome = EditOutcome(listing_ref(service), values, version_token(service))
        baseline = form_values(old)
        changed = {f.group for f in FIELDS if values[f.name] != tidy(baseline[f.name])}
        if not changed:
            outcome.message = NOTHING
            return outcome
        fresh = _check(outcome, service.source_id, old, changed, settings, outcodes)
        if fresh is None:
            return outcome
        record = _combine(old, fresh, changed)
        outcome.changes = save_record(session, service, record, actor=actor, note="edited by a curator")
        outcome.saved = bool(outcome.changes)
        outcome.version = version_token(service)
        outcome.values = form_values(record)
        outcome.message = f"Saved {len(outcome.changes)} change(s)." if outcome.saved else NOTHING
        return outcome


def _check(
    outcome: EditOutcome,
    source_id: str,
    old: ServiceRecord,
    changed: set[str],
    settings: Settings,
    outcodes: OutcodeTable,
) -> ServiceRecord | None:
    """The form's values as a normalised record, or None with `outcome.errors` set (in page order)."""
    values = outcome.values
    errors = _form_errors(values, changed)
    raw, not_understood = raw_record(source_id, values, _main_taxonomy(old))
    if not_understood and "times" in changed:
        parts = "; ".join(f"“{p}”" for p in not_understood[:3])
        errors.setdefault(
            "opening_times",
            f"Not understood: {parts}. Write each part like “Tue 10:00-12:00” or “Mon-Fri 09:00-17:00”, "
            "separated by “;”, and put anything else in the notes below.",
        )
    fresh: ServiceRecord | None = None
    try:
        fresh, issues = normalise(raw, outcodes=outcodes, max_field_chars=settings.max_field_chars)
    except Rejected as exc:
        errors.setdefault(form_field_for(exc.issue.field) or "name", _sentence(exc.issue.message))
    if fresh is not None:
        rejections, warnings = validate(fresh)
        for issue in [*rejections, *issues, *(w for w in warnings if w.field in _BLOCKING_WARNINGS)]:
            _blame(outcome, errors, issue, changed)
        outcome.warnings += [_sentence(w.message) for w in warnings if w.field not in _BLOCKING_WARNINGS]
    order = [f.name for f in FIELDS]  # the error summary lists them in page order
    outcome.errors = dict(sorted(errors.items(), key=lambda kv: order.index(kv[0])))
    return None if outcome.errors else fresh


def _form_errors(v: dict[str, str], changed: set[str]) -> dict[str, str]:
    """Checks the normaliser cannot make because it is lenient with files (it drops and warns)."""
    errors: dict[str, str] = {}
    for f in FIELDS:
        if f.group in changed and len(v[f.name]) > f.limit:
            errors[f.name] = f"This is {len(v[f.name]):,} characters long: please keep it under {f.limit:,}."
    if not v["name"]:
        errors["name"] = "Give the service a name: people see it first."
    if v["status"] not in STATUSES:
        errors["status"] = "Choose one of the statuses in the list."
    if v["free"] not in FREE_CHOICES:
        errors["free"] = "Choose free, there is a charge, or not known."
    if any(d not in DELIVERY for d in filter(None, v["delivery"].split(","))):
        errors["delivery"] = "Tick only the ways of delivery listed."
    for name in ("min_age", "max_age"):
        if v[name] and not (re.fullmatch(r"\d{1,3}", v[name]) and int(v[name]) <= 120):
            errors[name] = "Give a whole number of years from 0 to 120, or leave it empty."
    if v["last_verified"]:
        try:
            when = date.fromisoformat(v["last_verified"])
        except ValueError:
            errors["last_verified"] = "Give a date as YYYY-MM-DD (for example 2026-03-31)."
        else:
            if when > date.today():
                errors["last_verified"] = "The date is in the future: give the day it was last checked."
    return {k: e for k, e in errors.items() if BY_NAME[k].group in changed or k in ("name", "status")}


def _blame(outcome: EditOutcome, errors: dict[str, str], issue: Issue, changed: set[str]) -> None:
    """Put an import issue beside the field it is about, if the curator changed that field."""
    name = form_field_for(issue.field)
    if name is None:
        outcome.warnings.append(_sentence(issue.message))
    elif BY_NAME[name].group in changed:
        errors.setdefault(name, _sentence(issue.message))


def _sentence(message: str) -> str:
    text = _CONSEQUENCE.sub("", message.strip())
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _main_taxonomy(record: ServiceRecord) -> str:
    counts = Counter(t.taxonomy for t in record.taxonomy_terms)
    return counts.most_common(1)[0][0] if counts else "local"


def _combine(old: ServiceRecord, fresh: ServiceRecord, changed: set[str]) -> ServiceRecord:
    """The old record with the changed groups' fields taken from the form's record; what the form
    cannot show (other venues, term codes, area extents, phone descriptions) carried over."""
    data = old.model_dump(mode="json")
    new = fresh.model_dump(mode="json")
    for group in sorted(changed):
        for key in GROUP_KEYS[group]:
            data[key] = new[key]
    if "address" in changed:
        data["locations"] = _first_location(data, old, new)
    if "categories" in changed:
        known = {fold_key(t["term"]): t for t in old.model_dump(mode="json")["taxonomy_terms"]}
        data["taxonomy_terms"] = [known.get(fold_key(t["term"]), t) for t in new["taxonomy_terms"]]
    if "service_area" in changed:
        areas = {fold_key(a.name): a.model_dump(mode="json") for a in old.service_areas}
        data["service_areas"] = [areas.get(fold_key(a["name"]), a) for a in new["service_areas"]]
    if "phone" in changed:
        phones = {p.number: p.model_dump(mode="json") for p in old.phones}
        data["phones"] = [phones.get(p["number"], p) for p in new["phones"]]
    return ServiceRecord.model_validate(data)


def _first_location(data: dict[str, Any], old: ServiceRecord, new: dict[str, Any]) -> list[Any]:
    """The form edits the first venue only; the others stay. Where the postcode is unchanged, the
    publisher's coordinates (often more exact than a postcode centroid) are kept."""
    rest = [loc.model_dump(mode="json") for loc in old.locations[1:]]
    if not new["locations"]:
        return rest
    first = new["locations"][0]
    if old.locations:
        before = old.locations[0]
        postcode = [a.postal_code for a in before.addresses[:1]]
        if postcode == [a.get("postal_code") for a in first["addresses"][:1]] and before.latitude is not None:
            first |= {"latitude": before.latitude, "longitude": before.longitude}
            first["geo_precision"] = before.geo_precision
    return [first, *rest]
