"""problem reports about listings

Revision ID: 0002_problem_reports
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_problem_reports"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = ("curation",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "problem_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_problem_report_service_id", "problem_report", ["service_id"])
    op.create_index("ix_problem_report_status", "problem_report", ["status"])


def downgrade() -> None:
    op.drop_table("problem_report")
