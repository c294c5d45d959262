"""The store of record: Open Referral UK 3.0 core tables plus curation metadata.

Internal integer keys keep joins and the search index's filter arrays cheap; every listing is
known to the outside world by (source, source_id), the id its publisher gave it. Child rows of a
service (phones, schedules, ...) are owned by it and replaced whole when its content changes, so an
update can never leave a mix of old and new children. `record_json` keeps the whole normalised
record, from which the child rows were written: it is what exports, diffs and rollback read.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


def _cascade() -> str:
    return "all, delete-orphan"


class ImportBatch(Base):
    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200), index=True)
    actor: Mapped[str] = mapped_column(String(200), default="cli")
    files: Mapped[list[str]] = mapped_column(JSON, default=list)
    format: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    report_json: Mapped[dict | None] = mapped_column(JSON)
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime)


class Organization(Base):
    __tablename__ = "organization"
    __table_args__ = (UniqueConstraint("source", "source_key", name="uq_organization_source_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    source_key: Mapped[str] = mapped_column(String(300))  # the source's org id, else its name folded
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    website: Mapped[str | None] = mapped_column(Text)
    logo: Mapped[str | None] = mapped_column(Text)


class Location(Base):
    __tablename__ = "location"
    __table_args__ = (UniqueConstraint("source", "source_key", name="uq_location_source_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    source_key: Mapped[str] = mapped_column(String(300))  # the source's location id, else a content key
    location_type: Mapped[str] = mapped_column(String(40), default="physical")
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    geo_precision: Mapped[str | None] = mapped_column(String(20))
    addresses: Mapped[list[Address]] = relationship(cascade=_cascade(), lazy="selectin")
    accessibility: Mapped[list[Accessibility]] = relationship(cascade=_cascade(), lazy="selectin")


class Address(Base):
    __tablename__ = "address"
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    address_1: Mapped[str | None] = mapped_column(Text)
    address_2: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    state_province: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20), index=True)
    country: Mapped[str] = mapped_column(String(2), default="GB")
    address_type: Mapped[str] = mapped_column(String(20), default="physical")


class Accessibility(Base):
    __tablename__ = "accessibility"
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)


class Service(Base):
    __tablename__ = "service"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_service_source_id"),
        Index("ix_service_status", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # curation metadata
    source: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[str] = mapped_column(String(300), index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    record_json: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # ORUK fields
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    alternate_name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(30), default="active")
    fees: Mapped[str | None] = mapped_column(Text)
    accreditations: Mapped[str | None] = mapped_column(Text)
    alert: Mapped[str | None] = mapped_column(Text)
    assured_date: Mapped[date | None] = mapped_column(Date)
    last_modified: Mapped[datetime | None] = mapped_column(DateTime)
    is_free: Mapped[bool | None] = mapped_column(Boolean)
    delivery_modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    hide_exact_address: Mapped[bool] = mapped_column(Boolean, default=False)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)

    organization: Mapped[Organization | None] = relationship(lazy="joined")
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(cascade=_cascade())
    phones: Mapped[list[Phone]] = relationship(cascade=_cascade())
    contacts: Mapped[list[Contact]] = relationship(cascade=_cascade())
    schedules: Mapped[list[Schedule]] = relationship(cascade=_cascade())
    cost_options: Mapped[list[CostOption]] = relationship(cascade=_cascade())
    eligibility: Mapped[list[Eligibility]] = relationship(cascade=_cascade())
    languages: Mapped[list[Language]] = relationship(cascade=_cascade())
    service_areas: Mapped[list[ServiceArea]] = relationship(cascade=_cascade())
    taxonomy_links: Mapped[list[ServiceTaxonomyTerm]] = relationship(cascade=_cascade())


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"
    __table_args__ = (UniqueConstraint("service_id", "location_id", name="uq_service_at_location"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    location: Mapped[Location] = relationship(lazy="joined")


class Phone(Base):
    __tablename__ = "phone"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    display: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)


class Contact(Base):
    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    phones: Mapped[list[Phone]] = relationship(cascade=_cascade())


class Schedule(Base):
    __tablename__ = "schedule"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    freq: Mapped[str | None] = mapped_column(String(20))
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = mapped_column(String(60))  # "MO,TU" as in ORUK
    bymonthday: Mapped[str | None] = mapped_column(String(120))
    opens_at: Mapped[str | None] = mapped_column(String(8))
    closes_at: Mapped[str | None] = mapped_column(String(8))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class CostOption(Base):
    __tablename__ = "cost_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    option: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Float)
    amount_description: Mapped[str | None] = mapped_column(Text)


class Eligibility(Base):
    __tablename__ = "eligibility"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)


class Language(Base):
    __tablename__ = "language"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    code: Mapped[str | None] = mapped_column(String(12))


class ServiceArea(Base):
    __tablename__ = "service_area"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    extent: Mapped[str | None] = mapped_column(Text)
    extent_type: Mapped[str | None] = mapped_column(String(40))
    uri: Mapped[str | None] = mapped_column(Text)


class Taxonomy(Base):
    __tablename__ = "taxonomy"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_term"
    __table_args__ = (UniqueConstraint("taxonomy_id", "term_key", name="uq_taxonomy_term_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomy.id"), index=True)
    term_key: Mapped[str] = mapped_column(String(300))  # code when the vocabulary has one, else folded term
    code: Mapped[str | None] = mapped_column(String(120))
    term: Mapped[str] = mapped_column(Text)
    parent: Mapped[str | None] = mapped_column(Text)
    taxonomy: Mapped[Taxonomy] = relationship(lazy="joined")


class ServiceTaxonomyTerm(Base):
    __tablename__ = "service_taxonomy_term"
    __table_args__ = (UniqueConstraint("service_id", "taxonomy_term_id", name="uq_service_term"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    taxonomy_term_id: Mapped[int] = mapped_column(ForeignKey("taxonomy_term.id"), index=True)
    taxonomy_term: Mapped[TaxonomyTerm] = relationship(lazy="joined")


class ServiceChange(Base):
    """Field-level history: which import or person changed what, from what to what."""

    __tablename__ = "service_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    field: Mapped[str] = mapped_column(String(100))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class ServiceVersion(Base):
    """The record as it was *before* a batch changed it (absent = the batch created it)."""

    __tablename__ = "service_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    created: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_record_json: Mapped[dict | None] = mapped_column(JSON)
    previous_status: Mapped[str | None] = mapped_column(String(30))
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    service: Mapped[Service] = relationship()


class PossibleDuplicate(Base):
    __tablename__ = "possible_duplicate"
    __table_args__ = (UniqueConstraint("service_a_id", "service_b_id", name="uq_duplicate_pair"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_a_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    service_b_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open / not_duplicate / merged
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    found_at: Mapped[datetime] = mapped_column(DateTime)


class Embedding(Base):
    """A text's vector under one model, keyed by the text's hash: re-imports only embed what changed."""

    __tablename__ = "embedding"
    __table_args__ = (UniqueConstraint("model", "text_hash", name="uq_embedding_model_hash"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    text_hash: Mapped[str] = mapped_column(String(64))
    dimensions: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StoreState(Base):
    """A counter bumped by every write that changes listings, so an index knows what it was built from."""

    __tablename__ = "store_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)
