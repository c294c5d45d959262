"""Load a whole JSON file safely: size cap, encoding fallback, nesting-depth cap, clear errors.

Every failure is a `FileUnreadable` naming the file and, where known, the line and column, so a
curator can open the file and fix it. Never raises `RecursionError`, `UnicodeDecodeError` or
`json.JSONDecodeError` to the caller.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from navigator.ingest.readers.base import FileUnreadable

DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_BYTES = 200 * 1024 * 1024  # same default as Settings.max_import_file_bytes

# A JSON string literal, written "unrolled" so long strings don't backtrack.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class LoadedJson:
    value: Any
    encoding: str  # "utf-8", "utf-16" or "cp1252"
    # Set when the text was not UTF-8: where the first undecodable byte was, for the warning.
    bad_utf8_offset: int | None = None


def load_json(
    path: Path, *, max_depth: int = DEFAULT_MAX_DEPTH, max_bytes: int | None = DEFAULT_MAX_BYTES
) -> LoadedJson:
    """Read and parse `path`, refusing empty, oversized, undecodable, malformed or too-deep files."""
    name = str(path)
    raw = _read_bytes(path, max_bytes)
    if not raw.strip():
        raise FileUnreadable(name, "the file is empty: there is nothing to import")
    text, encoding, bad_offset = decode_text(raw, name)
    if not text.strip():
        raise FileUnreadable(name, "the file is empty: there is nothing to import")
    check_depth(text, name, max_depth)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileUnreadable(
            name,
            f"malformed JSON: {exc.msg}. Fix the file there (or export it again) and retry",
            locator=f"line {exc.lineno}, column {exc.colno}",
        ) from None
    except (ValueError, RecursionError) as exc:
        # e.g. an integer longer than Python's 4300-digit limit
        raise FileUnreadable(name, f"malformed JSON: {exc}") from None
    return LoadedJson(value=value, encoding=encoding, bad_utf8_offset=bad_offset)


def _read_bytes(path: Path, max_bytes: int | None) -> bytes:
    name = str(path)
    if path.is_dir():
        raise FileUnreadable(name, "this is a folder, not a JSON file: give the path of the .json file")
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise FileUnreadable(
                name,
                f"the file is {size:,} bytes, over the import limit of {max_bytes:,} bytes; "
                "split it or raise NAVIGATOR_MAX_IMPORT_FILE_BYTES",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise FileUnreadable(name, "no such file") from None
    except PermissionError:
        raise FileUnreadable(name, "permission denied: this user cannot read the file") from None
    except OSError as exc:
        raise FileUnreadable(name, f"cannot read the file: {exc.strerror or exc}") from None


def decode_text(raw: bytes, name: str) -> tuple[str, str, int | None]:
    """Decode as UTF-8 (BOM allowed), UTF-16 when it has a UTF-16 BOM, else Windows-1252.

    Returns (text, encoding used, offset of the first byte that was not UTF-8 or None).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError as exc:
            raise FileUnreadable(name, f"starts as UTF-16 but is not valid UTF-16: {exc.reason}") from None
    try:
        return raw.decode("utf-8-sig"), "utf-8", None
    except UnicodeDecodeError as exc:
        bad_offset = exc.start
    try:
        # Windows-1252 is what spreadsheet tools and old CMSs save "£" and "’" as.
        return raw.decode("cp1252"), "cp1252", bad_offset
    except UnicodeDecodeError as exc:
        raise FileUnreadable(
            name,
            f"the text is neither UTF-8 nor Windows-1252 (byte 0x{raw[exc.start]:02x} at offset "
            f"{exc.start}); save the file as UTF-8 and retry",
        ) from None


def check_depth(text: str, name: str, max_depth: int) -> None:
    """Refuse JSON nested deeper than `max_depth` before parsing it (the parser would recurse).

    Brackets inside string literals are ignored. Unbalanced brackets are left for the parser to report.
    """
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                line, column = _line_column_of_depth(text, max_depth + 1)
                raise FileUnreadable(
                    name,
                    f"JSON is nested more than {max_depth} levels deep; an Open Referral feed "
                    "never needs that, so the file is refused",
                    locator=f"line {line}, column {column}",
                )
        else:
            depth -= 1


def _line_column_of_depth(text: str, target: int) -> tuple[int, int]:
    """Line and column (1-based) in the original text where nesting first reaches `target`."""
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth >= target:
                line = text.count("\n", 0, index) + 1
                return line, index - (text.rfind("\n", 0, index) + 1) + 1
        elif char in "]}":
            depth -= 1
    return 1, 1
