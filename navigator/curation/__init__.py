"""Curator workflows: bringing listings in (imports) and keeping them true (review)."""
