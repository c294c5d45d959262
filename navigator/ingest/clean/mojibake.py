"""Repair text that was UTF-8 but got read as Windows-1252, Latin-1 or the old DOS code page 437.

The table is generated, not hand-typed: for each character that commonly suffers (curly quotes,
dashes, ellipsis, £, €, accented letters, no-break space) we take its UTF-8 bytes, decode them the
wrong way, and map the garbage back. Real 211 data also shows a cp437 variant where the leading
"Γ" was later flattened to "G" ("GÇÖ" for ’), so that spelling is included. The fixer only runs
when one of the garbage sequences is present, so clean text is returned untouched.
"""

from __future__ import annotations

import re

_PUNCTUATION = "’‘‚“”„–—‑…•·€£¥©®™°±×÷§¶«»¡¿½¼¾²³¹µ"
_SPACES = "\u00a0\u200b\u2032\u2033"
_LETTERS = "".join(chr(c) for c in range(0xC0, 0x100) if chr(c) not in "×÷")
_WRONG_CODECS = ("cp1252", "latin-1", "cp437")


def _build_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for char in _PUNCTUATION + _SPACES + _LETTERS:
        raw = char.encode("utf-8")
        for codec in _WRONG_CODECS:
            try:
                garbled = raw.decode(codec)
            except UnicodeDecodeError:
                continue  # cp1252 leaves a few bytes undefined
            if garbled != char:
                table.setdefault(garbled, char)
            if codec == "cp437" and garbled.startswith("Γ"):
                table.setdefault("G" + garbled[1:], char)
    # ” is E2 80 9D and 0x9D is undefined in cp1252; Windows tools often keep it as a C1 control.
    table["â€\x9d"] = "”"
    return table


_TABLE = _build_table()
# Longest first, so a three-character sequence wins over a two-character prefix of it.
_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_TABLE, key=len, reverse=True)))
# Every garbled sequence starts with one of these followed by a non-ASCII character: a cheap pre-check.
_MAYBE = re.compile("[" + re.escape("".join(sorted({k[0] for k in _TABLE}))) + "][^\x00-\x7f]")


def fix_mojibake(text: str) -> str:
    """ "â€™" → ’, "GÇÖ" → ’, "GÇô" → –, "Ã©" → é ... ; text without such patterns is returned as is."""
    if not _MAYBE.search(text):
        return text
    return _PATTERN.sub(lambda m: _TABLE[m.group(0)], text)


def fix_escapes(text: str) -> str:
    """Literal backslash escapes left by a bad export ("line one\\nline two") become real ones."""
    if "\\" not in text:
        return text
    return text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n").replace("\\t", " ")
