"""curator overrides and duplicate decisions (review queues)

Revision ID: 0007_curation_review
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_curation_review"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("review",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "curator_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("source_value", sa.JSON(), nullable=True),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("service_id", "field", name="uq_curator_override_field"),
    )
    op.create_index("ix_curator_override_service_id", "curator_override", ["service_id"])
    op.create_table(
        "duplicate_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duplicate_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("kept_service_id", sa.Integer(), nullable=True),
        sa.Column("merged_service_id", sa.Integer(), nullable=True),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["duplicate_id"], ["possible_duplicate.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kept_service_id"], ["service.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["merged_service_id"], ["service.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_duplicate_decision_duplicate_id", "duplicate_decision", ["duplicate_id"])


def downgrade() -> None:
    op.drop_table("duplicate_decision")
    op.drop_table("curator_override")
