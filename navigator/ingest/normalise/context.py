"""What every part of the normaliser shares: the warnings list, the length limit, and safe coercions.

Raw values can be anything a file held (strings, numbers, lists, objects, null). Every helper here
turns a raw value into a clean one or None, recording a warning for a curator when something was
there but could not be used. None of them raises.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, TypeVar

from navigator.geo.outcodes import OutcodeTable
from navigator.ingest.clean import (
    clean_email,
    clean_text,
    clean_url,
    is_parsed,
    limit_text,
    parse_phones,
    split_emails,
)
from navigator.ingest.problems import Issue
from navigator.ingest.record import Phone

T = TypeVar("T")
_INTERNAL = "please report this to the Navigator developers"


class NotText(ValueError):
    """A raw value that should have been text (or a number) but was a list or an object."""


def type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    names: dict[type, str] = {str: "text", list: "a list", tuple: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def as_str(value: object, joiner: str = "\n") -> str | None:
    """Text from a raw scalar; a list of scalars is joined. Raises NotText for objects and nesting."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise NotText(f"expected text, found {'true' if value else 'false'}")
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than Python will print
            raise NotText("expected text, found an impossibly long number") from None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, list | tuple):
        parts = [as_str(v, joiner) for v in value if not isinstance(v, list | tuple | dict)]
        if len(parts) != len(value):
            raise NotText("expected text, found a list of objects")
        return joiner.join(p for p in parts if p)
    raise NotText(f"expected text, found {type_name(value)}")


def as_number(value: object) -> float | None:
    """A finite float from a number or numeric text; None when empty; ValueError when not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number, found {type_name(value)}")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        raise ValueError(f"'{value}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"'{value}' is not a number")
    return number


def label(field: str) -> str:
    """The last part of a field path, for messages: "phones[0].number" → "number"."""
    return field.rsplit(".", 1)[-1].split("[", 1)[0].replace("_", " ")


class Context:
    """Per-record state while normalising: warnings so far, the text limit, the outcode table."""

    def __init__(self, outcodes: OutcodeTable, max_field_chars: int) -> None:
        self.outcodes = outcodes
        self.limit = max(1, max_field_chars)
        self.issues: list[Issue] = []
        self.phone_region = "GB"

    def warn(self, field: str | None, message: str) -> None:
        issue = Issue(field, message)
        if issue not in self.issues:
            self.issues.append(issue)

    def attempt(self, field: str, fn: Callable[..., T], *args: Any, then: str = "left out") -> T | None:
        """fn(*args), or None with a warning when it says the value is unusable (or fails outright)."""
        try:
            return fn(*args)
        except ValueError as exc:
            self.warn(field, f"{exc}: {then}")
        except Exception as exc:  # a cleaner bug must cost one field, not the record
            self.warn(field, f"could not read this value ({type(exc).__name__}): {then}; {_INTERNAL}")
        return None

    def raw_text(self, value: object, field: str, joiner: str = "\n") -> str | None:
        """The raw value as text, or None with a warning when it is a list or object."""
        try:
            return as_str(value, joiner)
        except NotText as exc:
            self.warn(field, f"{exc}: left out")
            return None

    def text(self, value: object, field: str, *, single_line: bool = False) -> str | None:
        """Clean text (HTML, mojibake, whitespace), cut to the limit with a warning when too long."""
        raw = self.raw_text(value, field, "; " if single_line else "\n")
        if not raw:
            return None
        original = len(raw)
        # Cut before cleaning: a 10 MB description must not be parsed as HTML in full.
        raw = raw[: self.limit * 4]
        cleaned = self.attempt(field, lambda: clean_text(raw, single_line=single_line))
        if cleaned and (len(cleaned) > self.limit or original > len(raw)):
            cleaned = limit_text(cleaned, self.limit)
            self.warn(field, f"{label(field)} was {original:,} characters: cut to {self.limit:,}")
        return cleaned

    def line(self, value: object, field: str) -> str | None:
        return self.text(value, field, single_line=True)

    def verbatim(self, value: object, field: str) -> str | None:
        """Text kept as given apart from invisible characters (extras, GeoJSON extents)."""
        if isinstance(value, dict | list):
            try:
                text = json.dumps(value, ensure_ascii=False, default=str)
            except (ValueError, TypeError, RecursionError):
                self.warn(field, f"could not keep {type_name(value)}: left out")
                return None
        else:
            text = self.raw_text(value, field) or ""
        text = text.strip()
        if len(text) > self.limit:
            self.warn(field, f"{label(field)} was {len(text):,} characters: cut to {self.limit:,}")
            text = text[: self.limit]
        return safe_text(text) or None

    def items(self, value: object, field: str) -> list[tuple[str, Any]]:
        """The items of a raw list, each with its path; a lone value counts as a list of one."""
        if value is None or value == "" or value == [] or value == {}:
            return []
        if isinstance(value, list | tuple):
            return [(f"{field}[{i}]", item) for i, item in enumerate(value) if item not in (None, "")]
        return [(field, value)]

    def email(self, value: object, field: str) -> str | None:
        """The first valid address in a cell; invalid ones are dropped with a warning quoting them."""
        text = self.line(value, field)
        if not text:
            return None
        candidates = [c for c in split_emails(text) if "@" in c] or [text]
        valid = [e for e in (self.attempt(field, clean_email, c, then="dropped") for c in candidates) if e]
        if len(valid) > 1:
            self.warn(field, f"several email addresses ({', '.join(valid)}): kept the first, {valid[0]}")
        return valid[0] if valid else None

    def url(self, value: object, field: str) -> str | None:
        text = self.line(value, field)
        return self.attempt(field, clean_url, text, then="dropped") if text else None

    def phones(self, value: object, field: str) -> list[Phone]:
        """Phones from a raw list of {number, description} objects or plain strings."""
        found: list[Phone] = []
        for path, item in self.items(value, field):
            if isinstance(item, dict):
                number_path, raw_number = f"{path}.number", item.get("number")
                description = self.line(item.get("description"), f"{path}.description")
            else:
                number_path, raw_number, description = path, item, None
            text = self.line(raw_number, number_path)
            if not text:
                continue
            parsed = self.attempt(number_path, parse_phones, text, self.phone_region) or []
            if not parsed:
                self.warn(number_path, f"'{text}' has no phone number in it: dropped")
            for phone in parsed:
                if not is_parsed(phone):
                    country = "UK" if self.phone_region == "GB" else self.phone_region
                    self.warn(number_path, f"phone '{text}' is not a {country} number: kept as written")
                phone.description = description
                if phone.number not in {p.number for p in found}:
                    found.append(phone)
        return found


def safe_text(text: str) -> str:
    """Text that can be stored and hashed: no NUL characters, lone surrogates replaced."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
