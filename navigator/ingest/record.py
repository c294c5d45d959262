"""The normalised listing: what every reader's output becomes after cleaning.

This is the one contract between ingest and the store. Field names follow Open Referral UK 3.0
(HSDS 3.0 UK profile); the few Navigator additions are marked. Values here are already clean:
plain text (no HTML), UK postcodes in canonical form, phone numbers parsed, ages as integers.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["active", "inactive", "defunct", "temporarily closed"]
DeliveryMode = Literal["in_person", "online", "phone", "home_visit"]
Weekday = Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
GeoPrecision = Literal["source", "postcode", "outcode"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Organization(_Model):
    source_id: str | None = None
    name: str
    description: str | None = None
    email: str | None = None
    website: str | None = None
    logo: str | None = None


class Address(_Model):
    address_1: str | None = None
    address_2: str | None = None
    city: str | None = None
    region: str | None = None
    state_province: str | None = None
    postal_code: str | None = None  # canonical UK form "CT19 5AE" when it parses as one
    country: str = "GB"
    address_type: str = "physical"


class Accessibility(_Model):
    description: str | None = None
    details: str | None = None
    url: str | None = None


class Location(_Model):
    source_id: str | None = None
    location_type: str = "physical"
    name: str | None = None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    # Navigator: where the coordinates came from; "outcode" means approximate (district centroid).
    geo_precision: GeoPrecision | None = None
    addresses: list[Address] = Field(default_factory=list)
    accessibility: list[Accessibility] = Field(default_factory=list)


class Phone(_Model):
    number: str  # E.164 when it parses ("+441303123456"), else the cleaned original
    display: str | None = None  # national format for people ("01303 123456")
    description: str | None = None


class Contact(_Model):
    name: str | None = None
    title: str | None = None
    email: str | None = None
    phones: list[Phone] = Field(default_factory=list)


class Schedule(_Model):
    freq: str | None = None  # "WEEKLY" / "MONTHLY" (RFC 5545)
    interval: int | None = None
    byday: list[str] = Field(default_factory=list)  # "MO".."SU", optionally with an ordinal ("2SU")
    bymonthday: list[int] = Field(default_factory=list)
    opens_at: str | None = None  # "HH:MM"
    closes_at: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    description: str | None = None  # the human wording ("10:30am - 12:30pm every 2nd Sunday")
    notes: str | None = None


class CostOption(_Model):
    option: str | None = None
    amount: float | None = None
    amount_description: str | None = None


class Eligibility(_Model):
    description: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None


class Language(_Model):
    name: str
    code: str | None = None  # ISO 639 where known


class ServiceArea(_Model):
    name: str
    extent: str | None = None
    extent_type: str | None = None
    uri: str | None = None


class TaxonomyTerm(_Model):
    term: str  # the human label ("Mental Health")
    code: str | None = None  # the vocabulary's own id for it, when it has one
    taxonomy: str = "local"  # which vocabulary ("oruk-v1-target-audience", "airs", "folkestone", ...)
    parent: str | None = None


class ServiceRecord(_Model):
    """One service, normalised. `source_id` is the id its publisher gave it."""

    source_id: str
    name: str
    alternate_name: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    status: Status = "active"
    fees: str | None = None
    accreditations: str | None = None
    alert: str | None = None
    assured_date: date | None = None  # last verified by its publisher or a curator
    last_modified: datetime | None = None  # as the source stated it
    organization: Organization | None = None
    locations: list[Location] = Field(default_factory=list)
    phones: list[Phone] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    schedules: list[Schedule] = Field(default_factory=list)
    cost_options: list[CostOption] = Field(default_factory=list)
    eligibility: Eligibility | None = None
    languages: list[Language] = Field(default_factory=list)
    service_areas: list[ServiceArea] = Field(default_factory=list)
    taxonomy_terms: list[TaxonomyTerm] = Field(default_factory=list)
    # Navigator additions
    is_free: bool | None = None  # True free, False charges, None unknown
    delivery_modes: list[DeliveryMode] = Field(default_factory=list)
    hide_exact_address: bool = False  # e.g. refuges: the address is never shown or exported
    extras: dict[str, str] = Field(default_factory=dict)  # source fields with no ORUK home, kept verbatim

    def content_hash(self) -> str:
        """Stable hash of the content, so an unchanged re-import can be skipped cheaply."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def postcodes(self) -> list[str]:
        return [a.postal_code for loc in self.locations for a in loc.addresses if a.postal_code]
