"""Taxonomies and taxonomy terms as ORUK 3.0 objects.

A taxonomy is one vocabulary (Navigator's name for it: "local" for a spreadsheet's own categories,
"oruk-v1-target-audience", ...); its id is a UUID 5 of that name. A term's id is a UUID 5 of its
taxonomy and its key there (the vocabulary's own code when it has one, else the folded label), so the
same term has the same id in every listing, page and export.
"""

from __future__ import annotations

from typing import Any

from navigator.ingest import record as rec
from navigator.oruk import ids
from navigator.store import models as m


def _term(taxonomy: str, key: str, label: str, code: str | None, parent: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ids.term_id(taxonomy, key),
        "name": label,
        "description": "",  # required by the profile; Navigator keeps no wording for terms
        "taxonomy": taxonomy,
        "taxonomy_id": ids.taxonomy_id(taxonomy),
        "term": label,
    }
    if code:
        out["code"] = code
    if parent:
        out["parent_id"] = parent
    return out


def term_object(term: rec.TaxonomyTerm) -> dict[str, Any]:
    return _term(term.taxonomy, ids.term_key(term), term.term, term.code, term.parent)


def stored_term_object(term: m.TaxonomyTerm) -> dict[str, Any]:
    return _term(term.taxonomy.name, term.term_key, term.term, term.code, term.parent)


def taxonomy_object(taxonomy: m.Taxonomy) -> dict[str, Any]:
    return {
        "id": ids.taxonomy_id(taxonomy.name),
        "name": taxonomy.name,
        "description": taxonomy.description or "",
    }
