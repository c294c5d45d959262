"""What every reader yields, and the errors a reader raises.

A reader understands one file format and nothing else: it turns a file (or a folder, for a data
package) into `RawRecord`s whose `data` is a dict in the *ORUK 3.0 compiled service shape*
(see `navigator/ingest/record.py` for the field names) holding the source's values as found
(HTML, odd phone formats and all). Cleaning is the normaliser's job, not the reader's.

Shape of `RawRecord.data` (every key optional except `id`; unknown keys are not allowed):
    id, name, alternate_name, description, url, email, status, fees, accreditations, alert,
    assured_date, last_modified, minimum_age, maximum_age, eligibility_description,
    organization: {id, name, description, email, website, logo},
    service_at_locations: [{location: {id, location_type, name, description, latitude, longitude,
        addresses: [{address_1, address_2, city, region, state_province, postal_code, country}],
        accessibility: [{description, details, url}]}}],
    phones: [{number, description}],
    contacts: [{name, title, email, phones: [{number, description}]}],
    schedules: [{freq, interval, byday, bymonthday, opens_at, closes_at, valid_from, valid_to,
        description, notes}],           # byday "MO,TU" or a list; times as found
    cost_options: [{option, amount, amount_description}],
    languages: [{name, code}] or [str],
    service_areas: [{name, extent, extent_type, uri}] or [str],
    taxonomy_terms: [{term, code, taxonomy, parent}],
    free: raw "free" indicator as found (TRUE/yes/"Free"/1...),
    delivery: raw delivery/attending wording as found ("Online", "In person; Telephone", ...),
    hide_exact_address: raw flag as found,
    extras: {name: str}   # source fields with no home above, kept so nothing is lost
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class RawRecord:
    """One service as a reader found it. `locator` says where: "services.csv line 12", "$[41]"."""

    file: str
    locator: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ReadProblem:
    """A record (or part of a file) the reader could not turn into a RawRecord, and why."""

    file: str
    locator: str
    reason: str


@dataclass
class ReadResult:
    records: list[RawRecord] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)  # become rejections in the report
    warnings: list[ReadProblem] = field(default_factory=list)  # do not block anything


class FileUnreadable(Exception):
    """The whole file cannot be read (empty, not this format, malformed, too deep...).

    The message is for people: say what is wrong and what to do. Nothing from the file is imported.
    """

    def __init__(self, file: str, reason: str, locator: str | None = None) -> None:
        self.file = file
        self.reason = reason
        self.locator = locator
        where = f"{file} ({locator})" if locator else file
        super().__init__(f"{where}: {reason}")


class Reader(Protocol):
    """A format reader. `sniff` is cheap and decides whether `read` should be tried."""

    format_name: str  # "oruk", "hsds-csv", "spreadsheet"

    def sniff(self, path: Path) -> bool: ...

    def read(self, path: Path) -> ReadResult: ...


def iter_records(result: ReadResult) -> Iterator[RawRecord]:
    yield from result.records
