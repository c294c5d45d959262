"""Tables for the navigator area: shortlists shared with residents by link/QR code, and records of
what was offered (see navigator/store/all_models.py).

Neither holds personal data. A shared shortlist is listing ids, a creation time and an expiry,
found by the SHA-256 of its link token (the token itself is never stored). A record of what was
offered is needs from the vocabulary, listing ids and an area no finer than an outward code or town.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from navigator.store.models import Base


class SharedShortlist(Base):
    """A read-only shortlist a resident opens from a link or QR code until it expires."""

    __tablename__ = "shared_shortlist"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the link token
    listing_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # published ids, in order
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class OfferRecord(Base):
    """One conversation's outcome: which needs came up and which services were offered, and where."""

    __tablename__ = "offer_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    week: Mapped[str] = mapped_column(String(8), index=True)  # ISO week, "2026-W05"
    area: Mapped[str] = mapped_column(String(100), index=True)  # outward code or town, or "unknown"
    needs: Mapped[list[OfferNeed]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    services: Mapped[list[OfferService]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class OfferNeed(Base):
    __tablename__ = "offer_need"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("offer_record.id", ondelete="CASCADE"), index=True)
    need_key: Mapped[str] = mapped_column(String(80), index=True)  # a key of the need vocabulary


class OfferService(Base):
    __tablename__ = "offer_service"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("offer_record.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[str] = mapped_column(String(300), index=True)  # the published id
    listing_name: Mapped[str] = mapped_column(Text)  # as it was when offered (listings get renamed)
