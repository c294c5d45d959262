"""Tables for published feeds Navigator pulls from (see navigator/store/all_models.py)."""

from __future__ import annotations

from navigator.store.models import Base

__all__ = ["Base"]
