"""Cost: whether a service is free, and amounts written as text ("£3.50")."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from navigator.ingest.record import CostOption

_TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t", "free", "free of charge", "no charge", "no cost"})
_FALSE_WORDS = frozenset({"false", "no", "n", "0", "f", "paid", "charged", "charges apply", "not free"})
_FREE_WORDING = re.compile(
    r"\b(?:free(?:\s+of\s+charge)?|no\s+(?:charge|cost|fee)s?|without\s+charge|nil|gratis)\b"
    r"|(?<![\d.])[£$€]\s?0+(?:\.0+)?(?![\d.])",
    re.IGNORECASE,
)
_NOT_FREE = re.compile(r"\bnot\s+free\b|\bisn'?t\s+free\b", re.IGNORECASE)
_PRICE = re.compile(
    r"[£$€]\s?(?:0*[1-9]\d*(?:[.,]\d+)?|0+[.,]\d*[1-9]\d*)|\b\d+(?:\.\d{2})?\s?(?:p|pence|pounds?|gbp)\b"
)
_AMOUNT = re.compile(r"^[£$€]?\s?(\d{1,9}(?:,\d{3})*(?:\.\d+)?)\s?(?:p|gbp|pounds?)?$", re.IGNORECASE)


def parse_amount(value: object) -> float | None:
    """A cost amount from 3.5, "3.50", "£3.50", "1,200", "free" (0.0). ValueError when unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        amount = float(value)
    else:
        text = " ".join(str(value).split())
        if not text:
            return None
        if text.lower() in ("free", "nil", "none", "no charge"):
            return 0.0
        match = _AMOUNT.match(text)
        if not match:
            raise ValueError(f"cost amount '{text}' is not a number: kept in the amount description")
        amount = float(match.group(1).replace(",", ""))
        if text.lower().endswith(("p", "pence")) and "." not in match.group(1):
            amount /= 100
    if math.isnan(amount) or math.isinf(amount) or amount < 0:
        raise ValueError(f"cost amount '{value}' is not a possible price")
    return amount


def parse_free(
    value: object, fees_text: str | None = None, cost_options: Sequence[CostOption] = ()
) -> bool | None:
    """True free, False charges, None unknown.

    An explicit free indicator (TRUE/yes/"Free"/1 or FALSE/no/0) wins. Otherwise the fees wording
    decides ("Free", "no charge", "£0" → True; "£3 per session" → False; both kinds of wording, as in
    "free for under 5s, £2 for adults", → unknown), then the cost options' amounts and wording.
    """
    flag = _flag(value)
    if flag is not None:
        return flag
    from_fees = _from_wording(fees_text) if fees_text else None
    if from_fees is not None:
        return from_fees
    return _from_cost_options(cost_options)


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None if math.isnan(value) else value != 0
    if isinstance(value, str):
        word = " ".join(value.lower().split()).strip(".!")
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        return _from_wording(value)
    return None


def _from_wording(text: str) -> bool | None:
    if _NOT_FREE.search(text):
        return False
    free, priced = bool(_FREE_WORDING.search(text)), bool(_PRICE.search(text))
    if free != priced:
        return free
    return None


def _from_cost_options(options: Sequence[CostOption]) -> bool | None:
    verdicts: set[bool] = set()
    for option in options:
        label = " ".join((option.option or "").lower().split())
        if option.amount is not None:
            verdicts.add(option.amount == 0)
        elif label in _TRUE_WORDS or label in _FALSE_WORDS or label in ("charge", "fee"):
            verdicts.add(label in _TRUE_WORDS)  # the option's own label is the publisher's verdict
        else:
            wording = " ".join(filter(None, (option.option, option.amount_description)))
            verdict = _from_wording(wording) if wording else None
            if verdict is not None:
                verdicts.add(verdict)
    return verdicts.pop() if len(verdicts) == 1 else None
