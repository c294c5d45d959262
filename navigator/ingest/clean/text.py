"""Text cleaning: HTML to readable plain text, entity decoding, whitespace, length limits.

Multi-line fields (descriptions, notes) keep their paragraphs and list items; single-line fields
(names, address lines) become one tidy line. Plain text without tags is never parsed as HTML.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, NavigableString, Tag

from navigator.ingest.clean.mojibake import fix_escapes, fix_mojibake

BULLET = "•"
_TAG_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|/[A-Za-z][A-Za-z0-9]*\s*>|!--)")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_PROCESSING = re.compile(r"<\?[^<>]*>")
_DROP = frozenset({"script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "main", "nav", "ol", "p", "pre", "section", "table", "ul",
    }
)  # fmt: skip
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
# Zero-width characters, BOMs, lone surrogates and control characters other than newline.
_INVISIBLE = re.compile(r"[\u200b\u200c\u2060\ufeff\ud800-\udfff\x00-\x08\x0e-\x1f\x7f]")
_RUNS = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")
_EMPTY_BULLET = re.compile(rf"^{BULLET}[ ]*\n+(?=[^\n{BULLET}])", re.MULTILINE)


def has_tags(text: str) -> bool:
    return _TAG_RE.search(text) is not None


def decode_entities(text: str) -> str:
    """&amp; &nbsp; &#39; ... decoded; a bare "&" (as in "Tea & chat") is left alone."""
    if "&" not in text:
        return text
    return _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)


def tidy_whitespace(text: str, *, single_line: bool = False) -> str:
    """Odd spaces to plain ones, runs collapsed, lines stripped, at most one blank line in a row."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _ODD_SPACES.sub(" ", text)
    if single_line:
        return " ".join(text.split())
    lines = [_RUNS.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(text: str) -> str | None:
    """Readable plain text from an HTML fragment (or plain text, which is only tidied).

    Paragraphs and headings are separated by a blank line, list items become "• item" lines,
    <br> a newline; scripts and styles are dropped. Empty results (e.g. "<p><br></p>") are None.
    """
    if not has_tags(text):
        return tidy_whitespace(decode_entities(text)) or None
    # Processing instructions ("<?xml ...?>") are never content, and are what makes bs4 warn that
    # it is parsing XML as HTML. Removing them beats silencing warnings, which is not thread-safe.
    text = _PROCESSING.sub("", text)
    try:
        flat = _flatten(BeautifulSoup(text, "html.parser"))
    except Exception:  # a parser failure must not lose the record: fall back to stripping tags
        flat = decode_entities(re.sub(r"<[^<>]*>", " ", text))
    flat = _EMPTY_BULLET.sub(f"{BULLET} ", tidy_whitespace(flat))
    # List items stay together even when each was wrapped in its own <p>.
    return _join_list_items(flat) or None


def _join_list_items(text: str) -> str:
    lines = text.split("\n")
    kept = [
        line
        for i, line in enumerate(lines)
        if line
        or not (
            0 < i < len(lines) - 1 and lines[i - 1].startswith(BULLET) and lines[i + 1].startswith(BULLET)
        )
    ]
    return "\n".join(kept)


def _flatten(soup: BeautifulSoup) -> str:
    """Walk the tree without recursion (deeply nested markup must not hit the recursion limit)."""
    parts: list[str] = []
    stack: list[tuple[object, bool]] = [(soup, False)]
    while stack:
        node, closing = stack.pop()
        if isinstance(node, NavigableString):
            # Subclasses are comments, doctypes, CDATA and processing instructions: not content.
            if type(node) is NavigableString:
                parts.append(re.sub(r"\s+", " ", str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = (node.name or "").lower()
        if closing:
            parts.append(_after(name))
            continue
        if name in _DROP:
            continue
        parts.append(_before(name))
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    return "".join(parts)


def _before(name: str) -> str:
    if name == "li":
        return f"\n{BULLET} "
    if name == "br":
        return "\n"
    return "\n\n" if name in _BLOCKS else ""


def _after(name: str) -> str:
    if name in _BLOCKS:
        return "\n\n"
    if name in ("li", "tr"):
        return "\n"
    return " " if name in ("td", "th") else ""


def clean_text(text: str, *, single_line: bool = False) -> str | None:
    """Everything a free-text value needs: mojibake, literal "\\n", HTML, entities, whitespace."""
    text = fix_escapes(fix_mojibake(text))
    cleaned = html_to_text(text)
    if cleaned is None:
        return None
    if single_line:
        lines = (line.removeprefix(BULLET).strip() for line in cleaned.split("\n"))
        cleaned = " ".join(line for line in lines if line)
    return cleaned or None


def limit_text(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary near the end when there is one, ending "…"."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return text[: max(limit, 0)]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"
