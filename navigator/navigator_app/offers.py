"""Records of what was offered, and their counts: which needs come up, where, each week, and which
services are offered.

A record holds no personal data by construction: needs are keys of the need vocabulary (ticked, not
typed), services are listing ids from the directory, the area is an outward code or a town (a full
postcode is cut to its outward code), and there is no free text at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from navigator.geo.outcodes import OutcodeTable
from navigator.geo.postcodes import normalise_postcode, outward_code
from navigator.search.understand.vocabulary import load_vocabulary
from navigator.store import navigator_queries as nq
from navigator.store.db import Store

UNKNOWN_AREA = "not recorded"
REPORT_PERIODS = {"4": 4, "12": 12, "26": 26, "52": 52, "all": None}
MAX_SERVICES = 30


def need_choices() -> list[tuple[str, str]]:
    """(key, label) of every need in the vocabulary, by label."""
    needs = load_vocabulary().needs
    return sorted(((k, spec.label) for k, spec in needs.items()), key=lambda kv: kv[1].lower())


def need_label(key: str) -> str:
    spec = load_vocabulary().needs.get(key)
    return spec.label if spec else key


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class RecordForm:
    needs: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    area: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def check_area(
    value: str, table: OutcodeTable, towns: Iterable[str] = ()
) -> tuple[str, str | None, str | None]:
    """(area to keep, note, error). A postcode becomes its outward code; a town must be known to
    the outcode table or be a town of the directory's listings (`towns`)."""
    text = " ".join((value or "").split())[:100]
    if not text:
        return UNKNOWN_AREA, None, None
    if normalise_postcode(text):
        outward = outward_code(text) or ""
        return outward, f"Only the first half of the postcode ({outward}) was kept.", None
    code = outward_code(text)
    if code and code in table:
        return code, None, None
    place = table.find_place(text)
    if place is not None and place.kind == "town":
        return place.label, None, None
    folded = text.casefold()
    for town in towns:
        if town.casefold() == folded:
            return town, None, None
    return (
        "",
        None,
        (
            f"We don't know the area “{text[:40]}”. Give the first half of a postcode (for example DN15) "
            "or a town, or leave it empty."
        ),
    )


def check_record(
    needs: Sequence[str],
    services: Sequence[str],
    area: str,
    known_services: dict[str, str],
    table: OutcodeTable,
    towns: Iterable[str] = (),
) -> RecordForm:
    """Check a submitted record; `known_services` maps listing id → name for ids that exist."""
    vocabulary = load_vocabulary().needs
    form = RecordForm(area=" ".join((area or "").split())[:100])
    form.needs = [k for k in dict.fromkeys(needs) if k in vocabulary]
    if len(form.needs) < len([n for n in needs if n]):
        form.notes.append("Needs we did not recognise were left out.")
    form.services = [s for s in dict.fromkeys(services) if s in known_services][:MAX_SERVICES]
    if len(form.services) < len([s for s in services if s]):
        form.notes.append("Services that are no longer in the directory were left out.")
    if not form.needs and not form.services:
        form.errors["needs"] = "Tick at least one need that was discussed or one service that was offered."
    kept, note, error = check_area(area, table, towns)
    if error:
        form.errors["area"] = error
    else:
        form.area = kept
        if note:
            form.notes.append(note)
    return form


def save_record(store: Store, form: RecordForm, names: dict[str, str], now: datetime | None = None) -> int:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    with store.write() as session:
        record = nq.add_offer_record(
            session,
            now,
            iso_week(now.date()),
            form.area or UNKNOWN_AREA,
            form.needs,
            [(s, names.get(s, s)) for s in form.services],
        )
        return record.id


@dataclass
class Report:
    period: str
    since_week: str | None
    records: int
    by_need: list[tuple[str, str, int]]  # key, label, count
    by_area: list[tuple[str, int]]
    by_week: list[tuple[str, int]]
    by_service: list[tuple[str, str, int]]
    rows: list[tuple[str, str, str, str, int]]  # week, area, need key, need label, count

    def as_json(self) -> dict[str, object]:
        return {
            "period": self.period,
            "since_week": self.since_week,
            "records": self.records,
            "by_need": [{"need": k, "label": label, "records": n} for k, label, n in self.by_need],
            "by_area": [{"area": a, "records": n} for a, n in self.by_area],
            "by_week": [{"week": w, "records": n} for w, n in self.by_week],
            "by_service": [{"id": i, "name": name, "offered": n} for i, name, n in self.by_service],
            "rows": [
                {"week": w, "area": a, "need": k, "label": label, "records": n}
                for w, a, k, label, n in self.rows
            ],
        }


def report(store: Store, period: str, today: date | None = None) -> Report:
    """Counts for the last N weeks (`period` a key of REPORT_PERIODS; unknown means 12)."""
    period = period if period in REPORT_PERIODS else "12"
    weeks = REPORT_PERIODS[period]
    since = iso_week((today or date.today()) - timedelta(weeks=weeks - 1)) if weeks else None
    with store.read() as session:
        counts = nq.offer_counts(session, since)
    return Report(
        period=period,
        since_week=since,
        records=counts.records,
        by_need=[(k, need_label(k), n) for k, n in counts.by_need],
        by_area=counts.by_area,
        by_week=counts.by_week,
        by_service=counts.by_service,
        rows=[(w, a, k, need_label(k), n) for w, a, k, n in counts.need_area_week],
    )


def neutralise(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (=, +, -, @, tab, CR at the start)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_TABLES = ("needs", "services")


def report_csv(rep: Report, table: str = "needs") -> str:
    """ "needs": one row per week × area × need with its number of records (ready for a pivot
    table); "services": how often each service was offered."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "services":
        writer.writerow(["service_id", "service_name", "times_offered"])
        for listing_id, name, n in rep.by_service:
            writer.writerow([neutralise(listing_id), neutralise(name), n])
        return out.getvalue()
    writer.writerow(["week", "area", "need", "need_label", "records"])
    for week, area, key, label, n in rep.rows:
        writer.writerow([neutralise(week), neutralise(area), neutralise(key), neutralise(label), n])
    return out.getvalue()
