"""The assistant's wording (data/wording.toml) and short-reply phrases (data/followups.toml).

Both files are meant to be edited by people who know the service, not only developers, so they
are checked when loaded: every line the engine uses must be there, and every {placeholder} must be
one Navigator fills in. A mistake stops the app at start-up with the file, the line's name and
what to do, instead of surfacing as a broken reply to a resident.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
WORDING_FILE = DATA / "wording.toml"
FOLLOWUPS_FILE = DATA / "followups.toml"

PLACEHOLDERS = frozenset(
    [
        "need",
        "near",
        "place",
        "area",
        "radius",
        "count",
        "age",
        "who",
        "changes",
        "days",
        "name",
        "method",
        "limit",
        "length",
        "seconds",
        "note_chars",
        "phone",
        "distance",
        "when",
    ]
)
# Every line the engine says. A missing one is an error at start-up, not a KeyError mid-chat.
REQUIRED = {
    "disclosure": ("text",),
    "ask": [
        "need",
        "need_again",
        "need_english",
        "no_words",
        "need_for_filters",
        "empty",
        "place",
        "place_in_area",
        "place_unknown",
        "place_give_up",
    ],
    "results": [
        "near",
        "intro_one",
        "intro_many",
        "more_one",
        "more_many",
        "nothing",
        "no_more",
        "no_place",
        "changed",
        "widened",
        "widened_filters",
        "closer",
        "closest",
        "stale",
        "your_search",
        "and",
    ],
    "changes": ["free", "online", "phone", "home_visit", "in_person", "age", "who", "days", "place"],
    "followup": ["none_of_these", "not_understood", "start_again", "thanks", "carry_on", "goodbye"],
    "suggestions": [
        "free",
        "closer",
        "online",
        "something_else",
        "none_of_these",
        "person",
        "start_again",
        "carry_on",
        "further",
        "skip_place",
        "no_thanks",
    ],
    "medical": ["decline", "carry_on", "call_111", "online_111", "call_999"],
    "handoff": [
        "offer",
        "heading",
        "consent_label",
        "name_label",
        "method_legend",
        "phone_label",
        "email_label",
        "contact_label",
        "note_label",
        "note_hint",
        "submit",
        "cancel",
        "sent",
        "no_consent",
        "declined",
        "bad_name",
        "bad_method",
        "bad_phone",
        "bad_email",
        "bad_note",
    ],
    "option": [
        "call",
        "website",
        "email",
        "details",
        "free",
        "charge",
        "cost_unknown",
        "distance",
        "very_close",
        "next",
    ],
    "widget": [
        "launcher",
        "close",
        "quick_exit",
        "quick_exit_hint",
        "log_label",
        "input_label",
        "send",
        "suggestions_label",
        "you",
        "replying",
        "new_tab",
        "network_error",
        "no_script",
        "panel_title",
    ],
    "problems": [
        "restart_expired",
        "restart_invalid",
        "too_long",
        "too_big",
        "not_json",
        "rate_limited",
        "origin",
        "unavailable",
    ],
}
INTENTS = [
    "start_again",
    "person",
    "something_else",
    "none_of_these",
    "closer",
    "further",
    "carry_on",
    "skip_place",
    "thanks",
    "no_thanks",
]


class WordingError(ValueError):
    """The wording or phrases file has a mistake; the message names the file and line to fix."""


def _fields(template: str, where: str) -> set[str]:
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise WordingError(f"{where}: {exc}. Curly brackets must come in pairs around a name.") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            raise WordingError(
                f"{where}: {{{name}}} is not something Navigator fills in. Use one of {allowed}."
            )
        names.add(name)
    return names


@dataclass(frozen=True)
class Wording:
    lines: dict[str, str]  # "section.key" → template
    source: str = str(WORDING_FILE)

    def say(self, key: str, **values: object) -> str:
        """One line, with its placeholders filled. Values are plain text (shown as text, never HTML)."""
        template = self.lines[key]
        return template.format(**{k: ("" if v is None else str(v)) for k, v in values.items()})

    def placeholders(self, key: str) -> set[str]:
        return _fields(self.lines[key], key)


def load_wording(path: Path | None = None) -> Wording:
    path = path or WORDING_FILE
    data = _read(path)
    lines: dict[str, str] = {}
    for section, keys in REQUIRED.items():
        table = data.get(section)
        if not isinstance(table, dict):
            raise WordingError(f"{path}: the [{section}] section is missing.")
        for key in keys:
            value = table.get(key)
            where = f"{path.name} [{section}] {key}"
            if not isinstance(value, str) or not value.strip():
                raise WordingError(f'{where}: this line is missing or empty; add {key} = "...".')
            _fields(value, where)
            # "near" and "and" are joined to other words: their spaces matter
            lines[f"{section}.{key}"] = value if key in ("near", "and") else value.strip()
    return Wording(lines, str(path))


@dataclass(frozen=True)
class Phrases:
    intents: dict[str, frozenset[str]]
    polite: frozenset[str]

    def intent(self, message: str) -> str | None:
        """The step a short reply asks for ("something_else", "person", ...), or None."""
        words = normalise(message).split()
        if not words or len(words) > 12:
            return None
        candidates = [" ".join(words)]
        start, end = 0, len(words)
        while start < end and words[start] in self.polite:
            start += 1
        while end > start and words[end - 1] in self.polite:
            end -= 1
        if start < end:
            candidates.append(" ".join(words[start:end]))
        for text in candidates:
            for name in INTENTS:
                if text in self.intents[name]:
                    return name
        if start >= end and any(w in {"thanks", "thank", "cheers", "ta"} for w in words):
            return "thanks"
        return None


_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^\w\s]+")


def normalise(text: str) -> str:
    text = _APOSTROPHES.sub("", text.lower())
    return " ".join(_NOT_WORD.sub(" ", text).replace("_", " ").split())


def load_phrases(path: Path | None = None) -> Phrases:
    path = path or FOLLOWUPS_FILE
    data = _read(path)
    table = data.get("intents")
    if not isinstance(table, dict):
        raise WordingError(f"{path}: the [intents] section is missing.")
    intents: dict[str, frozenset[str]] = {}
    for name in INTENTS:
        values = table.get(name)
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise WordingError(
                f'{path.name} [intents] {name}: give a list of phrases, e.g. {name} = ["..."].'
            )
        intents[name] = frozenset(normalise(v) for v in values)
    seen: dict[str, str] = {}
    for name, phrases in intents.items():
        for phrase in phrases:
            if phrase in seen:
                raise WordingError(
                    f"{path.name} [intents]: “{phrase}” is listed under both {seen[phrase]} and {name}; "
                    "keep it in one."
                )
            seen[phrase] = name
    polite = data.get("polite", {}).get("words", [])
    if not isinstance(polite, list) or not all(isinstance(w, str) for w in polite):
        raise WordingError(f"{path.name} [polite] words: give a list of words.")
    return Phrases(intents, frozenset(normalise(w) for w in polite if normalise(w)))


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise WordingError(f"{path} is missing.") from None
    except tomllib.TOMLDecodeError as exc:
        raise WordingError(f"{path}: {exc}. Check the quotes and brackets on that line.") from None
