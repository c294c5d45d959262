"""Tables for the chat area (see navigator/store/all_models.py).

Only one: requests to talk to a person. A row exists only when the resident agreed to Navigator
keeping their name, how to reach them and a short note; it is deleted automatically
`handoff_retention_days` after it was made. No chat transcript is ever stored: `looking_for` is
the search the conversation arrived at (needs, place, filters), not what was typed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from navigator.store.models import Base

HANDOFF_STATUSES = ("new", "done")
CONTACT_METHODS = ("phone", "email")


class HandoffRequest(Base):
    """ "Talk to a person": who to contact, how, and what about, for the navigators' inbox."""

    __tablename__ = "handoff_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)  # naive UTC; purge works from it
    name: Mapped[str] = mapped_column(String(80))
    contact_method: Mapped[str] = mapped_column(String(10))  # a CONTACT_METHODS value
    contact: Mapped[str] = mapped_column(String(254))  # a checked phone number or email address
    note: Mapped[str | None] = mapped_column(Text)  # the resident's own short note (bounded)
    looking_for: Mapped[str | None] = mapped_column(Text)  # "food support · near Hythe · free"
    area: Mapped[str | None] = mapped_column(String(120))  # the widget's data-area (which team)
    urgent: Mapped[str | None] = mapped_column(String(40))  # crisis category if the note signalled one
    status: Mapped[str] = mapped_column(String(10), default="new", index=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by: Mapped[str | None] = mapped_column(String(200))


__all__ = ["CONTACT_METHODS", "HANDOFF_STATUSES", "Base", "HandoffRequest"]
