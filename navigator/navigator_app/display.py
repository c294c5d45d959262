"""Small formatters shared by cards, the listing page and the shortlist: contact links that are safe
to put in an href, cost, ages, distance and dates in words people read aloud."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlsplit

from navigator.app.templating import safe_href

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_KM_PER_MILE = 1.609344


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None  # None: show the text only (the value is not safe or not usable as a link)


def phone_link(number: str) -> Link:
    """tel: link for a phone number as published ("01632 960014 (option 2)" dials the digits)."""
    text = " ".join(str(number or "").split())[:60]
    head = re.split(r"[a-zA-Z(]", text, maxsplit=1)[0]
    digits = re.sub(r"[^\d+]", "", head)
    # One leading "+" (international form) survives; any other "+" is noise.
    digits = ("+" if digits.startswith("+") else "") + digits.replace("+", "")
    return Link(text, f"tel:{digits}" if 6 <= len(digits.lstrip("+")) <= 15 else None)


def email_link(email: str | None) -> Link | None:
    text = (email or "").strip()
    if not text:
        return None
    return Link(
        text, f"mailto:{quote(text, safe='@.+-_')}" if _EMAIL.match(text) and len(text) <= 254 else None
    )


def website_link(url: str | None) -> Link | None:
    """The website as a link when it is http(s); `text` is its host name, which reads better."""
    href = safe_href(url)
    if not url or not url.strip():
        return None
    if href is None or urlsplit(href).scheme.lower() not in ("http", "https"):
        return Link(url.strip()[:120], None)
    host = urlsplit(href).hostname or href
    return Link(host.removeprefix("www."), href)


def ages_text(minimum: int | None, maximum: int | None) -> str | None:
    if minimum is not None and maximum is not None:
        return f"Ages {minimum}–{maximum}"
    if minimum is not None and minimum > 0:
        return f"Ages {minimum}+"
    if maximum is not None:
        return f"Up to age {maximum}"
    return None


def cost_text(is_free: bool | None, fees: str | None, costs: Sequence[str]) -> str:
    if is_free:
        return "Free"
    stated = [c for c in (*costs, fees or "") if c and c.strip()]
    if stated:
        return "; ".join(dict.fromkeys(" ".join(c.split()) for c in stated))[:200]
    if is_free is False:
        return "There is a charge: ask the service"
    return "Cost not stated: ask the service"


def distance_text(km: float | None) -> str | None:
    if km is None:
        return None
    miles = km / _KM_PER_MILE
    if miles < 0.1:
        return "Very close"
    return f"{miles:.1f} miles away" if miles < 10 else f"{miles:.0f} miles away"


def date_text(value: str | date | None) -> str | None:
    """ "10 January 2026" from an ISO date; None when absent or unreadable."""
    if value is None:
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return f"{day.day} {day:%B %Y}"


def is_stale(value: date | None, stale_after_days: int, today: date | None = None) -> bool:
    """Not verified within the staleness window (or never)."""
    if value is None:
        return True
    return ((today or date.today()) - value).days > stale_after_days


def directions_href(postcode: str | None) -> str | None:
    """An outbound directions link to a postcode (no map on our pages, nothing loaded from elsewhere)."""
    code = " ".join((postcode or "").split()).upper()
    if not code or not re.fullmatch(r"[A-Z0-9 ]{5,8}", code):
        return None
    return "https://www.google.com/maps/dir/?api=1&destination=" + quote(code)
