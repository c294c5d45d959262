"""The safety normaliser: any text → plain lower-case words, so one phrase rule meets many spellings.

    normalise_for_safety("I wanna k1ll myseeelf 😢") == "i want to kill myself"

Steps, in order (each one is there because people write risk that way):
Unicode NFKC, zero-width/bidi/control characters removed, combining marks dropped (Zalgo text, accents),
look-alike Cyrillic/Greek letters inside Latin words mapped back, apostrophes dropped ("don't" → "dont"),
a few meaningful emoji turned into words (💊 → pills), censored words restored against the risk lexicon
("su*cide"), spaced or dotted letters joined ("s u i c i d e", "k.i.l.l"), leetspeak repaired when the
repair is a real word ("d13", "su1c1de"), stretched letters collapsed ("diiieee" → "die", "kill" kept),
risk words broken in two by a stray space rejoined ("sui cidal", "over dose"),
known misspellings and near-misses of risk words repaired ("suicidle", "wnat"), then text-speak expanded
("kms" → "kill myself", "wanna" → "want to") and multi-word slang replaced ("sewer slide" → "suicide").
Sentence ends become " . " so phrase gaps never cross them.

It never raises on text (non-text is turned into text first) and its time is linear in the length,
which is bounded: beyond MAX_CHARS only the head and the tail are read (risk often comes last).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import product

from navigator.chat.safety.lexicon import Lexicon, load_lexicon

MAX_CHARS = 12_000  # the chat bounds messages well below this; a pasted essay keeps its head and tail

_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)
_APOSTROPHES = re.compile(r"(?<=\w)['’‘`´](?=\w)")
_SENTENCE_END = re.compile(r"[.!?;\n]+(?=\s|$)|[!?;\n]+")
# Letters written one by one: "s u i c i d e", "k.i.l.l", "s-e-l-f h-a-r-m" (three or more).
_SPACED = re.compile(r"(?<![^\W\d_])(?:[a-z][ .\-_*]{1,2}){2,}[a-z](?![^\W\d_])")
_RAW_TOKEN = re.compile(r"[^\s]+")
_LEET_CHARS = set("0134578@$!|")
_LEET: dict[str, tuple[str, ...]] = {
    "0": ("o",),
    "1": ("i", "l"),
    "3": ("e",),
    "4": ("a",),
    "5": ("s",),
    "7": ("t",),
    "8": ("b",),
    "@": ("a",),
    "$": ("s",),
    "!": ("i", "l"),
    "|": ("l", "i"),
}
_STRETCH = re.compile(r"([a-z])\1{2,}")
_DOUBLE = re.compile(r"([a-z])\1")
_WORD = re.compile(r"[a-z0-9]+|\.")

# Latin look-alikes from Cyrillic and Greek, used only inside words that also hold Latin letters.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
        "ѕ": "s", "һ": "h", "ԁ": "d", "ӏ": "l", "к": "k", "м": "m", "т": "t", "в": "b", "н": "h",
        "α": "a", "ε": "e", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u",
    }
)  # fmt: skip
_EMOJI_WORDS = {
    "💊": " pills ", "🔪": " knife ", "🩸": " blood ", "⚰": " coffin ", "🪦": " grave ",
    "🔫": " gun ", "🪢": " rope ", "💉": " needle ", "🚑": " ambulance ",
    "😂": " lol ", "🤣": " lol ", "😆": " lol ", "😹": " lol ",
}  # fmt: skip
_EMOJI = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))


def normalise_for_safety(text: object, lexicon: Lexicon | None = None) -> str:
    """Plain words for the safety rules; see the module docstring. Never raises on text input."""
    lex = lexicon or load_lexicon()
    if not isinstance(text, str):
        text = text.decode("utf-8", "replace") if isinstance(text, bytes | bytearray) else str(text)
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = text[:half] + " . " + text[-half:]
    text = _unicode_clean(text)
    text = _EMOJI.sub(lambda m: _EMOJI_WORDS[m.group()], text)
    text = _APOSTROPHES.sub("", text)
    text = _SENTENCE_END.sub(" . ", text)
    text = _SPACED.sub(lambda m: _join_spaced(m.group(), lex), text)
    words: list[str] = []
    for raw in _RAW_TOKEN.findall(text):
        words.extend(_repair_token(raw, lex))
    words = _join_split_words(words, lex)
    out: list[str] = []
    for i, word in enumerate(words):
        out.append(lex.expand(word, words[i - 1] if i else "", words[i + 1] if i + 1 < len(words) else ""))
    return _tidy(lex.rephrase(" ".join(out)))


def _unicode_clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for ch in decomposed:
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Me"):  # combining marks: accents and stacked "Zalgo" noise
            continue
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\n\t":
            kept.append(" ")
            continue
        kept.append(ch)
    text = unicodedata.normalize("NFKC", "".join(kept)).lower()
    return " ".join(_unconfuse(w) for w in text.split(" "))


def _unconfuse(word: str) -> str:
    # Only words that mix in Latin letters (or are a lone letter) are meant to be read as English.
    if word.isascii() or (len(word) > 1 and not any("a" <= c <= "z" for c in word)):
        return word
    return word.translate(_CONFUSABLES)


def _join_spaced(run: str, lex: Lexicon) -> str:
    letters = re.sub(r"[^a-z]", "", run)
    return " " + " ".join(lex.segment(letters)) + " "


def _repair_token(raw: str, lex: Lexicon) -> list[str]:
    """One whitespace-separated chunk → zero or more plain words (and "." for sentence ends)."""
    if raw == ".":
        return ["."]
    core = raw.strip("\"'()[]{}<>,:«»“”‘’…-–—~^_=+")
    if not core:
        return []
    # Censored or leet words first, while their symbols are still there.
    if any(c in "*#" for c in core.strip("*#")) and any(c.isalpha() for c in core):
        restored = lex.uncensor(core.strip(".,"))
        if restored:
            return [restored]
    if any(c in _LEET_CHARS for c in core) and any("a" <= c <= "z" for c in core):
        restored = _unleet(core.strip(".,!?"), lex)
        if restored:
            return [restored]
    words: list[str] = []
    for piece in _WORD.findall(core.replace("&", " and ")):
        if piece == ".":
            words.append(piece)
            continue
        repaired = _repair_word(piece, lex)
        joined = lex.unjoin(repaired) if repaired == piece else None
        words.extend(joined or [repaired])
    return words


_SELF_NOUNS = ("harm", "injur", "hat", "loath", "destruct", "mutilat", "poison", "medicat", "neglect")


def _join_split_words(words: list[str], lex: Lexicon) -> list[str]:
    """'sui cidal' → 'suicidal', 'over dose' → 'overdose': a risk word broken in two by a stray space."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and words[i].isalpha() and words[i + 1].isalpha():
            a, b = words[i], words[i + 1]
            joined = a + b
            # Both halves real pieces (three letters or more for a repaired join), or "i" and "a"
            # would be swallowed into the word before them ("bleeding a lot" is not "bleeding lot").
            exact = len(a) >= 2 and len(b) >= 2 and lex.is_risk(joined)
            repaired = (
                len(a) >= 3
                and len(b) >= 3
                and (not lex.is_word(a) or not lex.is_word(b))
                and lex.is_risk(lex.respell(joined))
            )
            # "my self harm" is "my self-harm", not "myself harm" ("kill my self" still joins).
            self_compound = b == "self" and i + 2 < len(words) and words[i + 2].startswith(_SELF_NOUNS)
            if len(joined) >= 6 and (exact or repaired) and not self_compound:
                out.append(joined if lex.is_risk(joined) else lex.respell(joined))
                i += 2
                continue
        out.append(words[i])
        i += 1
    return out


def _unleet(token: str, lex: Lexicon) -> str | None:
    """'k1ll' → 'kill', 'd13' → 'die', 'su1c1de' → 'suicide'; None unless the repair is a known word."""
    if len(token) > 24 or not re.fullmatch(r"[a-z0-9@$!|]+", token):
        return None
    if token.isdigit() or not re.search(r"[a-z]", token):
        return None
    options = [_LEET.get(c, (c,)) for c in token]
    if sum(len(o) > 1 for o in options) > 5:
        return None
    best: str | None = None
    for combo in product(*options):
        candidate = _repair_word("".join(combo), lex)
        if lex.is_risk(candidate):
            return candidate
        if best is None and lex.is_word(candidate) and not re.search(r"\d", candidate):
            best = candidate
    return best


def _repair_word(word: str, lex: Lexicon) -> str:
    if _STRETCH.search(word):
        word = _unstretch(word, lex)
    return lex.respell(word)


def _unstretch(word: str, lex: Lexicon) -> str:
    """'soooo' → 'so', 'kiiiilll' → 'kill', 'pleeeease' → 'please' (choose a known word)."""
    squeezed = _STRETCH.sub(r"\1\1", word)
    doubles = [m.start() for m in _DOUBLE.finditer(squeezed)]
    if len(doubles) > 6:
        return _STRETCH.sub(r"\1", word)
    candidates = []
    for keep in product((True, False), repeat=len(doubles)):
        chars = list(squeezed)
        for pos, k in zip(reversed(doubles), reversed(keep), strict=True):
            if not k:
                del chars[pos]
        candidates.append("".join(chars))
    for c in candidates:
        if lex.is_risk(c):
            return c
    known = [c for c in candidates if lex.is_word(c)]
    if known:
        return min(known, key=lex.rank)
    return _STRETCH.sub(r"\1", word)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?:\. )+\.", ".", text)
    return text.strip(" .") if text.replace(".", "").strip() else ""
