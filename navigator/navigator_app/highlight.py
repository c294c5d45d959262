"""Mark the words of a listing's sentence that match what the person asked for.

Listing text is untrusted, so every piece is escaped first and only then wrapped in <mark>: the
Markup returned contains no markup but ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
STEM = 6  # as the search explainer compares words: "bereaved" and "bereavement" share "bereav"
_STOP_WORDS = """about after also because been before being could does each from have help into just like
    looking more much near need needs other over really since some someone something than that their them
    then there these they this those very want what when where which while with would your yours
    support supports service services people person"""
STOP = frozenset(_STOP_WORDS.split())


def stems(texts: Iterable[str | None]) -> frozenset[str]:
    """The stems (first letters) of the meaningful words in these texts."""
    out: set[str] = set()
    for text in texts:
        for word in _WORD.findall((text or "").lower()):
            word = word.strip("'")
            if len(word) >= 4 and word not in STOP:
                out.add(word[:STEM])
    return frozenset(out)


def highlight(sentence: str | None, wanted: frozenset[str]) -> Markup:
    """The sentence, escaped, with words whose stem is wanted wrapped in <mark>."""
    text = sentence or ""
    if not wanted:
        return escape(text)
    parts: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        if len(word) < 4 or word.lower().strip("'")[:STEM] not in wanted:
            continue
        parts.append(str(escape(text[last : match.start()])))
        parts.append(f"<mark>{escape(word)}</mark>")
        last = match.end()
    parts.append(str(escape(text[last:])))
    # Safe: every piece of listing text above went through escape(); only our <mark> tags are raw.
    return Markup("".join(parts))  # noqa: S704
