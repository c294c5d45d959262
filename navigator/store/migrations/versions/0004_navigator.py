"""navigator: shared shortlists and records of what was offered

Revision ID: 0004_navigator
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_navigator"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("navigator",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_shortlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("listing_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_shared_shortlist_expires_at", "shared_shortlist", ["expires_at"])
    op.create_table(
        "offer_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_record_week", "offer_record", ["week"])
    op.create_index("ix_offer_record_area", "offer_record", ["area"])
    op.create_table(
        "offer_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("need_key", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["offer_record.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_need_record_id", "offer_need", ["record_id"])
    op.create_index("ix_offer_need_need_key", "offer_need", ["need_key"])
    op.create_table(
        "offer_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.String(length=300), nullable=False),
        sa.Column("listing_name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["offer_record.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_offer_service_record_id", "offer_service", ["record_id"])
    op.create_index("ix_offer_service_listing_id", "offer_service", ["listing_id"])


def downgrade() -> None:
    op.drop_table("offer_service")
    op.drop_table("offer_need")
    op.drop_table("offer_record")
    op.drop_table("shared_shortlist")
