"""Tables for published feeds Navigator pulls from (see navigator/store/all_models.py).

A feed is an ORUK API whose services are imported under one source name, so its listings, history
and rollback are those of any other import. Each sync attempt is kept, including failed ones that
never reached an import, so a curator can see why a feed stopped updating.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from navigator.store.models import Base

__all__ = ["Base", "FeedSource", "FeedSync"]


class FeedSource(Base):
    __tablename__ = "feed_source"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # the import source name
    base_url: Mapped[str] = mapped_column(Text)  # ORUK API base; services at {base_url}/services
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    last_sync_id: Mapped[int | None] = mapped_column(Integer)  # newest FeedSync.id (no FK: no cycle)


class FeedSync(Base):
    """One attempt to pull a feed: what was fetched, whether it was whole, and what it led to."""

    __tablename__ = "feed_sync"
    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_source.id", ondelete="CASCADE"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # running / fetched (staged for preview) / applied / partial / failed / cancelled
    status: Mapped[str] = mapped_column(String(20), default="running")
    oruk_version: Mapped[str | None] = mapped_column(String(10))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    services: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    deactivated: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
