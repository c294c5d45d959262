"""Every model module, imported once so Alembic and `Base.metadata` see all tables.

Each area keeps its tables in its own module (one owner each) on the shared `Base`.
"""

from navigator.store import (
    models,  # noqa: F401  (core ORUK tables and curation metadata)
    models_accounts,  # noqa: F401  (users, sessions, API tokens, sign-in throttling)
    models_chat,  # noqa: F401  (hand-off requests to a person)
    models_curation,  # noqa: F401  (problem reports, review decisions, curator edits)
    models_feeds,  # noqa: F401  (ORUK feeds pulled by `navigator sync`)
    models_navigator,  # noqa: F401  (shared shortlists, records of what was offered)
)
