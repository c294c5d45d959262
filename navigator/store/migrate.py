"""Schema migrations (Alembic, named and ordered under migrations/versions), applied on start."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's config is a ConfigParser: a literal % (an encoded URL, a password) must be doubled.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    # "heads": each area adds its tables on its own branch (down_revision 0001), all applied.
    command.upgrade(alembic_config(engine), "heads")
