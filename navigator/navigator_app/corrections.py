"""The understood query shown back as parts ("bereavement support", "near DN15", "65+", "free"),
each with a one-tap link that searches again without it.

A part that came from a form field is dropped by clearing the field. A part understood from the
typed words is dropped by cutting those words out of the text: a need by the words that signalled
it (`matched`), a place by its name (and the "near"/"in" before it), an age by the words that
stated it. When the words cannot be found again, the part is shown without a link rather than with
one that would not work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from navigator.navigator_app.search_form import DAY_LABELS, MODE_LABELS, SearchForm
from navigator.search.schema import UnderstoodOut
from navigator.search.understand.age import find_age

_PREPOSITION = r"(?:(?:i\s+)?(?:live|living|based|am|'m)\s+)?(?:in|near|around|at|from|nr\.?|by)?\s*"
_TIDY_EDGES = re.compile(r"^[\s,.;:&+\-–—]*(?:and\s+|or\s+)?|(?:\s+(?:and|or))?[\s,.;:&+\-–—]*$", re.I)


@dataclass(frozen=True)
class Part:
    kind: str  # "need" | "place" | "age" | "filter"
    label: str  # shown: "bereavement support", "near DN15", "65+"
    remove_url: str | None  # the search without this part
    remove_label: str  # for screen readers: "Remove bereavement support"


def tidy(text: str) -> str:
    """Whitespace folded and dangling connectors ("and", commas) trimmed from both ends."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return _TIDY_EDGES.sub("", text).strip()


def without_spans(text: str, matched: str) -> str | None:
    """`text` without each span of `matched` (spans joined by " … "); None if one is not there."""
    out = text
    for span in (s.strip() for s in matched.split("…")):
        if not span:
            continue
        found = re.search(re.escape(span), out, re.I)
        if found is None:
            return None
        out = out[: found.start()] + " " + out[found.end() :]
    return tidy(out)


def without_place(text: str, label: str) -> str | None:
    """`text` without the place `label` ("DN15 6AA", "Hythe") and the preposition before it."""
    words = [re.escape(w) for w in re.split(r"[\s\-]+", label.strip()) if w]
    if not words:
        return None
    name = r"[\s\-]*".join(words)
    pattern = re.compile(rf"{_PREPOSITION}(?<![A-Za-z0-9]){name}(?![A-Za-z0-9])", re.I)
    found = pattern.search(text)
    if found is None:
        return None
    return tidy(text[: found.start()] + " " + text[found.end() :])


def without_age(text: str) -> str | None:
    found = find_age(text)
    if found is None:
        return None
    return tidy(text[: found.start] + " " + text[found.end :])


def understood_parts(form: SearchForm, query: UnderstoodOut) -> list[Part]:
    """Every part of what was understood, in reading order, with its removal link."""
    q = " ".join(form.q.split())
    parts: list[Part] = []
    url: str | None
    text: str | None
    for need in query.needs:
        text = without_spans(q, need.matched) if need.matched else None
        url = form.url(q=text) if text is not None else None
        parts.append(Part("need", need.label, url, f"Remove {need.label}"))
    if query.place is not None:
        label = query.place.label
        if form.where:
            url = form.url(where="", radius=None)
        else:
            text = without_place(q, label)
            url = form.url(q=text) if text is not None else None
        radius = query.place.radius_km
        shown = f"near {label}" + (f" (within {radius / 1.609344:.0f} miles)" if radius else "")
        parts.append(Part("place", shown, url, f"Remove the place, {label}"))
    if query.age is not None:
        if form.age is not None:
            url = form.url(age=None)
        else:
            text = without_age(q)
            url = form.url(q=text) if text is not None else None
        parts.append(Part("age", f"age {query.age}", url, f"Remove the age, {query.age}"))
    if form.free:
        parts.append(Part("filter", "free only", form.url(free=False), "Remove free only"))
    if form.day:
        day = DAY_LABELS.get(form.day, form.day)
        parts.append(Part("filter", f"open {day}s", form.url(day=None), f"Remove open {day}s"))
    for mode in form.modes:
        label = MODE_LABELS.get(mode, mode).lower()
        rest = tuple(m for m in form.modes if m != mode)
        parts.append(Part("filter", label, form.url(modes=rest), f"Remove {label}"))
    if form.category and query.filters.get("category"):
        parts.append(
            Part("filter", form.category, form.url(category=""), f"Remove the category {form.category}")
        )
    return parts


def preferences_text(query: UnderstoodOut) -> str | None:
    """Wishes that ranked without filtering ("prefers free, Saturdays, online"), for display."""
    prefs = query.preferences
    bits: list[str] = []
    if prefs.get("free"):
        bits.append("free")
    days = {code: label for code, label in DAY_LABELS.items()}
    bits += [f"{days.get(d, d)}s" for d in prefs.get("days", [])]
    bits += list(prefs.get("times", []))
    bits += [MODE_LABELS.get(m, m).lower() for m in prefs.get("modes", [])]
    return ", ".join(bits) or None
