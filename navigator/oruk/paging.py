"""The ORUK paging envelope every list answers with."""

from __future__ import annotations

import math
from typing import Any

from navigator.oruk.params import PageRequest


def envelope(contents: list[dict[str, Any]], total: int, page: PageRequest) -> dict[str, Any]:
    """`size` is how many items this page holds; a page past the end is empty, not an error."""
    total_pages = math.ceil(total / page.per_page) if total else 0
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page.page,
        "size": len(contents),
        "first_page": page.page == 1,
        "last_page": page.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
