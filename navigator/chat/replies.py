"""One reply being put together (`Turn`), and the JSON shape of its parts.

A reply is a list of message parts, in the order they are shown:
  {"kind": "disclosure", "text"}                       the opening: an automated assistant, not a person
  {"kind": "crisis", "category", "heading", "text", "resources": [{label, href, kind, detail}]}
  {"kind": "text", "text", "links"?: [{label, href, kind}]}
  {"kind": "question", "text", "asks": "need" | "place"}
  {"kind": "options", "text", "need", "group"}         group = index into the reply's "options"
  {"kind": "handoff", "text", "form": {...labels...}}  the consent step and hand-off form
  {"kind": "error", "text"}                            something went wrong; what to do
plus "options" (per need: {"need", "items": [...]}), "safety" (null or the crisis shown) and
"suggestions" (short replies offered as buttons). Every string is plain text for `textContent`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from navigator.app.templating import safe_href
from navigator.chat.listing_info import ListingInfo
from navigator.chat.safety import CrisisReply
from navigator.chat.wording import Wording
from navigator.search.schema import SearchResult

_EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[^@\s<>\"'/]{1,190}\.[A-Za-z]{2,}$")
_PHONE_CHARS = re.compile(r"[^\d+]")
MAX_SUGGESTIONS = 6


@dataclass
class Turn:
    messages: list[dict[str, Any]] = field(default_factory=list)
    options: list[dict[str, Any]] = field(default_factory=list)
    safety: dict[str, Any] | None = None
    suggestions: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str, **extra: Any) -> None:
        self.messages.append({"kind": kind, "text": text, **extra})

    def crisis(self, reply: CrisisReply) -> None:
        data = reply.as_dict()
        self.messages.append(
            {
                "kind": "crisis",
                "category": data["category"],
                "heading": data["heading"],
                "text": data["text"],
                "resources": data["resources"],
            }
        )
        self.safety = {"category": data["category"], "resources": data["resources"]}

    def group(self, need: str, text: str, items: list[dict[str, Any]]) -> None:
        self.options.append({"need": need, "items": items})
        self.messages.append({"kind": "options", "text": text, "need": need, "group": len(self.options) - 1})

    def suggest(self, *labels: str) -> None:
        for label in labels:
            if label not in self.suggestions and len(self.suggestions) < MAX_SUGGESTIONS:
                self.suggestions.append(label)

    def as_json(self, conversation: str | None) -> dict[str, Any]:
        return {
            "conversation": conversation,
            "messages": self.messages,
            "options": self.options,
            "safety": self.safety,
            "suggestions": self.suggestions,
        }


def tel_href(phone: str) -> str | None:
    digits = _PHONE_CHARS.sub("", phone or "")
    if digits.count("+") > 1 or ("+" in digits and not digits.startswith("+")):
        return None
    return f"tel:{digits}" if 3 <= len(digits.lstrip("+")) <= 15 else None


def mailto_href(email: str | None) -> str | None:
    text = (email or "").strip()
    return f"mailto:{text}" if _EMAIL.match(text) else None


def web_href(url: str | None) -> str | None:
    href = safe_href(url)
    return href if href and href.lower().startswith(("https://", "http://")) else None


def option_item(result: SearchResult, info: ListingInfo, wording: Wording, base_url: str) -> dict[str, Any]:
    """One service as the chat shows it: what it is, why it fits, how far, cost, when, and actions."""
    actions: list[dict[str, str]] = []
    for phone in result.contacts.phones[:2]:
        href = tel_href(phone)
        if href:
            actions.append({"kind": "call", "label": wording.say("option.call", phone=phone), "href": href})
    website = web_href(result.contacts.website)
    if website:
        actions.append({"kind": "website", "label": wording.say("option.website"), "href": website})
    email = mailto_href(result.contacts.email)
    if email:
        actions.append({"kind": "email", "label": wording.say("option.email"), "href": email})
    distance = None
    if result.distance_km is not None:
        distance = (
            wording.say("option.very_close")
            if result.distance_km < 0.1
            else wording.say("option.distance", distance=f"{result.distance_km:.1f}")
        )
    if info.free or "free" in result.why.facts:
        cost = wording.say("option.free")
    elif info.fees:
        cost = info.fees
    elif info.free is False:
        cost = wording.say("option.charge")
    else:
        cost = wording.say("option.cost_unknown")
    when_parts = [p for p in (info.schedule,) if p]
    if result.next_opening:
        when_parts.append(wording.say("option.next", when=result.next_opening))
    return {
        "id": result.id,
        "source": result.source,
        "name": result.name,
        "organisation": result.organisation,
        "need": result.need,
        "why": result.why.sentence,
        "distance": distance,
        "distance_km": result.distance_km,
        "cost": cost,
        "when": " · ".join(when_parts) or None,
        "address": result.contacts.address,
        "actions": actions,
        "details": {
            "label": wording.say("option.details"),
            "href": f"{base_url.rstrip('/')}/listing/{quote(result.id, safe='')}",
        },
        "possibly_out_of_date": result.possibly_out_of_date,
    }
