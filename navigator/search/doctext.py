"""The text a listing is embedded and keyword-indexed by: name, organisation, categories, description.

The categories add signal; the description is cut by the tokenizer at 256 tokens (chunking with
max-pooling measured slightly worse). One function so the index and the benchmarks agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from navigator.ingest.record import ServiceRecord

MAX_DESCRIPTION_CHARS = 2000  # ~256 tokens and then some; the rest never reaches the model


def document_text(
    name: str | None, organisation: str | None, categories: Iterable[str], description: str | None
) -> str:
    parts: list[str] = []
    if name:
        parts.append(name.strip())
    if organisation and organisation.strip().casefold() != (name or "").strip().casefold():
        parts.append(organisation.strip())
    cats = [c.strip() for c in dict.fromkeys(categories) if c and c.strip()]
    if cats:
        parts.append(", ".join(cats))
    if description:
        parts.append(" ".join(description.split())[:MAX_DESCRIPTION_CHARS])
    return ". ".join(parts)


def record_categories(record: ServiceRecord) -> list[str]:
    return [t.term for t in record.taxonomy_terms]


def document_text_from_record(record: ServiceRecord) -> str:
    org = record.organization.name if record.organization else None
    return document_text(record.name, org, record_categories(record), record.description)


def document_text_from_common(row: Mapping[str, Any]) -> str:
    """For rows of ../shared/data/real/*/services_common.jsonl (benchmarks only)."""
    return document_text(
        row.get("name"), row.get("organisation"), row.get("categories") or [], row.get("description")
    )


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
