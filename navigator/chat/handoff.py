"""Talk to a person: the consent step, checking what was typed, and the request in the inbox.

Nothing is kept unless the resident ticked the consent box; then only their name, how to reach
them, their short note, the search the conversation arrived at (needs, place, filters — not what
they typed) and the widget's area. Requests are deleted `handoff_retention_days` after they are
made: on a schedule while the app runs, whenever the inbox is opened, and by
`navigator handoffs purge`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from navigator.chat.state import ChatState
from navigator.chat.wording import Wording
from navigator.store import chat_queries
from navigator.store.db import Store

NAME_CHARS = 80
NOTE_CHARS = 500
CONTACT_CHARS = 254
_EMAIL = re.compile(r"^[^@\s<>()\[\]\\,;:\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ConsentMissing(ValueError):
    """The consent box was not ticked: nothing is stored."""


class HandoffInvalid(ValueError):
    """A field is missing or not usable; `field` names it and the message says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class HandoffInput:
    name: str
    method: str  # "phone" | "email"
    contact: str  # normalised: "01632 960014", "name@example.org"
    note: str | None


def _text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(_CONTROL.sub(" ", value).split())


def check_phone(value: str) -> str | None:
    """A UK (or +international) number people could ring, formatted; None if it can't be one."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
    # "possible" (the right length for its country), not "valid": the validity tables lag behind
    # new number ranges, and a real person's number must never be refused for that.
    if not phonenumbers.is_possible_number(number):
        return None
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, style))


def check_email(value: str) -> str | None:
    text = value.strip()
    if len(text) > CONTACT_CHARS or not _EMAIL.match(text):
        return None
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def validate(data: dict[str, Any], wording: Wording) -> HandoffInput:
    """Check a hand-off form. Consent first: without it nothing else is even looked at."""
    if data.get("consent") is not True:
        raise ConsentMissing(wording.say("handoff.no_consent"))
    name = _text(data.get("name"))
    if not name or len(name) > NAME_CHARS or not any(c.isalnum() for c in name):
        raise HandoffInvalid("name", wording.say("handoff.bad_name"))
    method = data.get("contact_method")
    if method not in ("phone", "email"):
        raise HandoffInvalid("contact_method", wording.say("handoff.bad_method"))
    raw = _text(data.get("contact"))[:CONTACT_CHARS]
    contact = check_phone(raw) if method == "phone" else check_email(raw)
    if contact is None:
        raise HandoffInvalid("contact", wording.say(f"handoff.bad_{method}"))
    note_value = data.get("note")
    note = _text(note_value) if note_value is not None else ""
    if note_value is not None and not isinstance(note_value, str):
        raise HandoffInvalid("note", wording.say("handoff.bad_note", note_chars=NOTE_CHARS))
    if len(note) > NOTE_CHARS:
        raise HandoffInvalid("note", wording.say("handoff.bad_note", note_chars=NOTE_CHARS))
    return HandoffInput(name=name, method=method, contact=contact, note=note or None)


def looking_for(state: ChatState | None) -> str | None:
    """The search the conversation arrived at, for the navigator: needs, place and filters."""
    if state is None:
        return None
    parts: list[str] = []
    if state.needs:
        parts.append(", ".join(state.needs))
    if state.place:
        parts.append(f"near {state.place}")
    if state.age is not None:
        parts.append(f"age {state.age}")
    if state.who:
        parts.append(f"for {state.who}")
    if state.free:
        parts.append("free")
    if state.modes:
        parts.append(", ".join(m.replace("_", " ") for m in state.modes))
    if state.days:
        parts.append("on " + ", ".join(state.days))
    return " · ".join(parts) or None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # the store keeps naive UTC


def save_handoff(
    store: Store,
    form: HandoffInput,
    state: ChatState | None,
    *,
    area: str | None,
    urgent: str | None,
    now: datetime | None = None,
) -> int:
    with store.write() as session:
        row = chat_queries.add_handoff(
            session,
            created_at=now or _now(),
            name=form.name,
            contact_method=form.method,
            contact=form.contact,
            note=form.note,
            looking_for=looking_for(state),
            area=area,
            urgent=urgent,
        )
        return row.id


def purge_expired(store: Store, days: int, now: datetime | None = None) -> int:
    """Delete hand-off requests older than `days`; returns how many were deleted."""
    before = (now or _now()) - timedelta(days=days)
    with store.write() as session:
        return chat_queries.purge_handoffs(session, before=before)


def form_labels(wording: Wording, days: int, note_chars: int) -> dict[str, Any]:
    """Everything the widget needs to draw the hand-off form, in the wording file's words."""
    say = wording.say
    return {
        "heading": say("handoff.heading"),
        "consent": say("handoff.consent_label", days=days),
        "name": say("handoff.name_label"),
        "method": say("handoff.method_legend"),
        "phone": say("handoff.phone_label"),
        "email": say("handoff.email_label"),
        "contact": say("handoff.contact_label"),
        "note": say("handoff.note_label", note_chars=note_chars),
        "note_hint": say("handoff.note_hint"),
        "submit": say("handoff.submit"),
        "cancel": say("handoff.cancel"),
        "limits": {"name": NAME_CHARS, "contact": CONTACT_CHARS, "note": note_chars},
    }
