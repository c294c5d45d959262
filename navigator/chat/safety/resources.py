"""Crisis replies built from data/crisis_resources.toml, the one editable file of UK crisis help."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from navigator.chat.safety.config import SafetyConfigError, read_toml
from navigator.chat.safety.result import GENERAL, UNKNOWN_ERROR, SafetyResult
from navigator.chat.safety.rules import CATEGORIES

KINDS = ("call", "text", "web", "info")
AUDIENCES = ("any", "self", "other")
_SCHEMES = {"call": ("tel:",), "text": ("sms:",), "web": ("https://",), "info": ("",)}


@dataclass(frozen=True)
class Resource:
    label: str
    href: str | None  # tel:/sms:/https: link; None for "info" (an explanation, not a link)
    kind: str  # "call", "text", "web" or "info"
    detail: str
    audience: str = "any"


@dataclass(frozen=True)
class CrisisReply:
    """What the chat shows first when a message signals risk (render every field as text, not HTML)."""

    category: str  # a detector category, or "general" when the detector failed
    heading: str
    text: str
    resources: tuple[Resource, ...]
    carry_on: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "heading": self.heading,
            "text": self.text,
            "resources": [
                {"label": r.label, "href": r.href, "kind": r.kind, "detail": r.detail} for r in self.resources
            ],
            "carry_on": self.carry_on,
        }


@dataclass(frozen=True)
class _Category:
    heading: str
    text: str
    heading_other: str
    text_other: str
    resources: tuple[Resource, ...]


@dataclass(frozen=True)
class CrisisResources:
    categories: dict[str, _Category]
    carry_on: str

    def reply(self, category: str, subject: str = "self", also: tuple[str, ...] = ()) -> CrisisReply:
        key = category if category in self.categories else GENERAL
        spec = self.categories[key]
        audience = "other" if subject == "other" else "self"
        seen: set[tuple[str, str | None]] = set()
        chosen: list[Resource] = []
        for source in (key, *(c for c in also if c in self.categories and c != key)):
            for r in self.categories[source].resources:
                if r.audience not in ("any", audience) or (r.label, r.href) in seen:
                    continue
                if r.href is not None and any(c.href == r.href for c in chosen):
                    continue  # one button per number even when two categories list it
                seen.add((r.label, r.href))
                chosen.append(r)
        if audience == "other":
            return CrisisReply(key, spec.heading_other, spec.text_other, tuple(chosen), self.carry_on)
        return CrisisReply(key, spec.heading, spec.text, tuple(chosen), self.carry_on)


def crisis_response(result: SafetyResult, resources: CrisisResources | None = None) -> CrisisReply | None:
    """The crisis reply for a detector result: None when there is no risk, the general help (999,
    Samaritans, NHS 111) when the detector failed, else the category's help (plus any other category
    the message also signalled, without repeating a number)."""
    if result.category is None:
        return None
    config = resources or load_crisis_resources()
    if result.category == UNKNOWN_ERROR:
        return config.reply(GENERAL)
    return config.reply(result.category, result.subject, result.also)


@lru_cache(maxsize=1)
def load_crisis_resources() -> CrisisResources:
    data, where = read_toml("crisis_resources.toml")
    return build_crisis_resources(data, where)


def load_crisis_resources_file(path: Path) -> CrisisResources:
    data, where = read_toml(path.name, path)
    return build_crisis_resources(data, where)


def build_crisis_resources(data: dict[str, Any], where: str) -> CrisisResources:
    """Check every entry so a bad edit fails at start-up with the file and entry named."""
    raw = data.get("categories")
    if not isinstance(raw, dict):
        raise SafetyConfigError(f"{where}: needs [categories.<name>] tables.")
    missing = [c for c in (GENERAL, *CATEGORIES) if c not in raw]
    if missing:
        raise SafetyConfigError(
            f"{where}: [categories] is missing {', '.join(missing)}; every one is needed."
        )
    categories: dict[str, _Category] = {}
    for name, spec in raw.items():
        place = f"{where}: [categories.{name}]"
        if not isinstance(spec, dict):
            raise SafetyConfigError(f"{place} must be a table.")
        heading, text = _text(spec, "heading", place), _text(spec, "text", place)
        text_other = str(spec.get("text_other", text))
        heading_other = str(spec.get("heading_other", heading))
        resources = tuple(
            _resource(r, f"{place} resource #{i + 1}") for i, r in enumerate(spec.get("resources", []))
        )
        if not resources:
            raise SafetyConfigError(f"{place} has no [[categories.{name}.resources]]; add at least one.")
        categories[name] = _Category(heading, text, heading_other, text_other, resources)
    carry_on = data.get("defaults", {}).get("carry_on", "")
    if not isinstance(carry_on, str) or not carry_on.strip():
        raise SafetyConfigError(f'{where}: [defaults] needs carry_on = "..." (the offer to carry on).')
    return CrisisResources(categories, carry_on)


def _text(spec: dict[str, Any], key: str, place: str) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SafetyConfigError(f'{place}: {key} = "..." is missing or empty.')
    return value.strip()


def _resource(spec: dict[str, Any], place: str) -> Resource:
    label, detail = _text(spec, "label", place), _text(spec, "detail", place)
    kind = spec.get("kind")
    if kind not in KINDS:
        raise SafetyConfigError(f"{place} ({label}): kind {kind!r} must be one of {KINDS}.")
    audience = spec.get("audience", "any")
    if audience not in AUDIENCES:
        raise SafetyConfigError(f"{place} ({label}): audience {audience!r} must be one of {AUDIENCES}.")
    href = spec.get("href")
    if kind == "info":
        if href is not None:
            raise SafetyConfigError(f"{place} ({label}): an 'info' entry is an explanation; remove its href.")
        return Resource(label, None, kind, detail, audience)
    if not isinstance(href, str) or not href.startswith(_SCHEMES[kind]):
        raise SafetyConfigError(
            f"{place} ({label}): href {href!r} must start with {' or '.join(_SCHEMES[kind])} "
            f"for kind {kind!r}."
        )
    return Resource(label, href, kind, detail, audience)
