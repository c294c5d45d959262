"""Tables for curation: problem reports about listings (from navigators, residents and curators),
and whatever the curator workflows add (see navigator/store/all_models.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
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
