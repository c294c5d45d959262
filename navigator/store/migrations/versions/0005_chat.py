"""hand-off requests from the resident chat

Revision ID: 0005_chat
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_chat"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("chat",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handoff_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("contact_method", sa.String(length=10), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("looking_for", sa.Text(), nullable=True),
        sa.Column("area", sa.String(length=120), nullable=True),
        sa.Column("urgent", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_request_created_at", "handoff_request", ["created_at"])
    op.create_index("ix_handoff_request_status", "handoff_request", ["status"])


def downgrade() -> None:
    op.drop_table("handoff_request")
