"""Alembic environment: runs against the engine the app or CLI already built."""

from __future__ import annotations

from alembic import context

from navigator.store.all_models import models  # noqa: F401
from navigator.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite can't ALTER most things in place
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
