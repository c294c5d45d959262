"""Text-speak and shorthand repair ("cn u help wiv" → "can you help with") from data/textspeak.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from navigator.search.understand.tokens import Token, fold


class VocabularyFileError(ValueError):
    """A vocabulary TOML file is malformed; the message names the file and entry."""


@dataclass(frozen=True)
class TextSpeak:
    words: dict[str, str]  # folded shorthand -> plain words
    case_sensitive: dict[str, str]  # exact capitals -> plain words

    def replacement(self, token: Token) -> str | None:
        """The plain words for this token, or None when it is not shorthand."""
        exact = self.case_sensitive.get(token.text)
        if exact is not None:
            return exact
        plain = self.words.get(token.norm)
        # Keep what was written when the table only restores an apostrophe the matcher ignores anyway.
        if plain is None or fold(plain) == token.norm:
            return None
        return plain


def _table(data: dict[str, object], section: str, where: str, folded: bool) -> dict[str, str]:
    raw = data.get(section, {})
    if not isinstance(raw, dict):
        raise VocabularyFileError(f'{where}: [{section}] must be a table of `word = "replacement"` lines.')
    table: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip():
            raise VocabularyFileError(
                f"{where}: [{section}] {key!r} must map to non-empty text, got {value!r}."
            )
        table[fold(key) if folded else key] = value
    return table


def load_textspeak(path: Path | None = None) -> TextSpeak:
    """Read a text-speak table (default: the packaged data/textspeak.toml)."""
    if path is None:
        return _packaged()
    return _parse(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=1)
def _packaged() -> TextSpeak:
    ref = resources.files("navigator.search.understand") / "data" / "textspeak.toml"
    return _parse(ref.read_text(encoding="utf-8"), "navigator/search/understand/data/textspeak.toml")


def _parse(text: str, where: str) -> TextSpeak:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyFileError(
            f"{where}: not valid TOML ({exc}). Check quotes and `=` on that line."
        ) from exc
    return TextSpeak(
        words=_table(data, "words", where, folded=True),
        case_sensitive=_table(data, "case_sensitive", where, folded=False),
    )
