"""The detector's answer."""

from __future__ import annotations

from dataclasses import dataclass

GENERAL = "general"  # the crisis help shown when the detector itself failed
UNKNOWN_ERROR = "unknown_error"  # the category safe_detect returns when detection failed


@dataclass(frozen=True)
class SafetyResult:
    """`category` is None (no risk found), one of CATEGORIES, or "unknown_error" (show general help).

    `confidence` is 0..1; `matched` the words that decided it (normalised); `reason` says how it was
    decided, for logs and tests (never shown to the resident). `subject` is "self" or "other" (the
    message is about someone else: "my friend said she wants to die"); `also` lists any further
    categories the same message signalled ("he hit me and I'm bleeding heavily").
    """

    category: str | None
    confidence: float
    matched: str | None
    reason: str
    subject: str = "self"
    also: tuple[str, ...] = ()

    @property
    def is_crisis(self) -> bool:
        return self.category is not None
