"""Tables for curation: problem reports about listings (from navigators, residents and curators),
curator-held field values that survive re-imports, and curators' duplicate decisions
(see navigator/store/all_models.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from navigator.store.models import Base


class ProblemReport(Base):
    """ "Report a problem with this listing": what is wrong, from whom (a role, never a person's
    details), and how a curator resolved it."""

    __tablename__ = "problem_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(40))  # a key of PROBLEM_REASONS
    details: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(20))  # navigator / resident / curator
    created_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)  # open / resolved
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


PROBLEM_REASONS = {
    "closed": "The service has closed or stopped",
    "wrong_contact": "Phone, email or website is wrong",
    "wrong_times": "Opening times are wrong",
    "wrong_place": "Address or area is wrong",
    "wrong_details": "Description, cost or who it is for is wrong",
    "other": "Something else",
}


class CuratorOverride(Base):
    """A field a curator set by hand (edit, merge, "still correct", "closed"): imports of the same
    source apply it on top of the publisher's record, so a correction is not silently lost when the
    publisher's old value arrives again. `value` is the field as it appears in the normalised record
    (JSON); `source_value` what the publisher said when the curator took the field over."""

    __tablename__ = "curator_override"
    __table_args__ = (UniqueConstraint("service_id", "field", name="uq_curator_override_field"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(60))  # a top-level ServiceRecord field
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    source_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(String(200))  # "edited", "merged from SOURCE:ID", ...


class DuplicateDecision(Base):
    """What a curator decided about a possible duplicate pair, and (for a merge) which listing was
    kept and which field came from which side, so a merge can be traced and undone."""

    __tablename__ = "duplicate_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    duplicate_id: Mapped[int] = mapped_column(
        ForeignKey("possible_duplicate.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(20))  # not_duplicate / merged
    kept_service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    merged_service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"))
    choices: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # merge field → "kept" / "other"
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime)
