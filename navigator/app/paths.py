"""Path parameters several routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

# SQLite (and PostgreSQL's bigint) hold ids up to 2**63 - 1: a bigger number in a link must be a 422,
# not an OverflowError inside the query (a 500).
MAX_ROW_ID = 2**63 - 1

RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="The record's number (a whole number from 1).")]
