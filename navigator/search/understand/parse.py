"""`understand(text)`: a "what matters to you" message → needs, place, age, constraints, clean text.

Order matters: places and postcodes are found on the text as written (capitals are evidence);
then each word is repaired (text-speak table, then spelling against the need vocabulary, the
directory's words and English); needs, constraints and who-it's-for are read from the repaired
words; finally the text to embed is rebuilt without place, age and filler words.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from navigator.search.understand import age as age_mod
from navigator.search.understand.choose import choose, score_matches, to_need
from navigator.search.understand.constraints import find_constraints
from navigator.search.understand.match import Match, PhraseMatcher
from navigator.search.understand.model import Gazetteer, QueryEmbedder, UnderstoodQuery
from navigator.search.understand.place import FoundPlace, PlaceIndex, find_place
from navigator.search.understand.semantic import phrase_vectors, semantic_scores
from navigator.search.understand.spelling import Speller
from navigator.search.understand.textspeak import TextSpeak, load_textspeak
from navigator.search.understand.tokens import Token, stem, tokenise
from navigator.search.understand.vocabulary import Vocabulary, load_vocabulary

MAX_CHARS = 2000  # longer messages are read up to here (the need is nearly always stated early)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_FILLER_START = re.compile(
    r"^\s*(?:(?:case ?note|notes?|referral)\s*[:\-–]\s*|"
    r"(?:hi|hello|hiya|hey|dear sir|good (?:morning|afternoon|"
    r"evening))\b[\s,!.]*|(?:please|pls)\b[\s,]*)+",
    re.IGNORECASE,
)
_PERSON_NOUNS = frozenset(
    (  # noqa: SIM905 - a word list reads better as one string
        "man woman male female lady gentleman boy girl son daughter lad guy person widow widower mum dad "
        "mother father grandad grandma"
    ).split()
)


@dataclass
class _Word:
    norm: str
    stem: str
    token: int  # index into the token list


@lru_cache(maxsize=1)
def _default_speller() -> Speller:
    vocabulary = load_vocabulary()
    return Speller((), vocabulary.domain_words() | _textspeak_words(load_textspeak()))


def _textspeak_words(table: TextSpeak) -> set[str]:
    return {
        w.lower() for plain in [*table.words.values(), *table.case_sensitive.values()] for w in plain.split()
    }


class Understander:
    """Holds what understanding reuses between messages: vocabulary, speller, place index, vectors.

    Build one per published index (the speller indexes the directory's words) and call it per message.
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        vocabulary: Iterable[str] | None = None,
        embedder: QueryEmbedder | None = None,
        needs: Vocabulary | None = None,
        textspeak: TextSpeak | None = None,
    ) -> None:
        self.needs = needs if needs is not None else load_vocabulary()
        self.textspeak = textspeak if textspeak is not None else load_textspeak()
        self.matcher = _matcher(self.needs)
        if isinstance(vocabulary, Speller):
            self.speller = vocabulary
        elif vocabulary is not None:
            self.speller = Speller(vocabulary, self.needs.domain_words() | _textspeak_words(self.textspeak))
        else:
            self.speller = _default_speller()
        self.places = _place_index(gazetteer) if gazetteer is not None else None
        self.embedder = embedder

    def warm(self) -> None:
        """Do the one-off work now (phrasing vectors: a few seconds with the real model) rather than
        in the first person's request."""
        if self.embedder is not None:
            phrase_vectors(self.needs, self.embedder)
        self("warm up")

    def __call__(self, text: str) -> UnderstoodQuery:
        original = text if isinstance(text, str) else ""
        working = _CONTROL.sub(" ", original[:MAX_CHARS])
        tokens = tokenise(working)
        found_place = find_place(working, tokens, self.places)
        found_age = age_mod.find_age(working)
        protected = self._protected(tokens, found_place)
        replacements, repairs = self._repair(tokens, protected)
        words = self._words(tokens, replacements)
        repaired_text = _rebuild(working, tokens, replacements, ())
        matches = self.matcher.find([w.norm for w in words], [w.stem for w in words])

        removals: list[tuple[int, int, str]] = []
        if found_place is not None:
            removals.append((found_place.start, found_place.end, ""))
        if found_age is not None:
            removals.append((found_age.start, found_age.end, _age_stand_in(working, found_age)))
        filler = _FILLER_START.match(working)
        if filler and filler.end() > 0:
            removals.append((0, filler.end(), ""))
        clean = _rebuild(working, tokens, replacements, removals)

        semantic = None
        if self.embedder is not None and clean.strip():
            vectors = phrase_vectors(self.needs, self.embedder)
            semantic = semantic_scores(vectors, np.asarray(self.embedder.embed_query(clean)))
        candidates = score_matches(self.needs, matches, semantic)
        chosen = choose(self.needs, candidates)

        def matched_text(ms: list[Match]) -> str:
            return _matched_spans(working, tokens, words, ms)

        constraints = find_constraints(repaired_text)
        relation = age_mod.about_someone_else(repaired_text)
        age_value = found_age.age if found_age else None
        about_child = relation is not None and bool(
            re.search(r"son|daughter|child|kid|boy|girl|teen", relation)
        )
        stage = age_mod.life_stage(repaired_text, age_value, about_child)
        stage_words = self.needs.life_stages.get(stage) if stage else None
        needs = [to_need(c, matched_text, stage_words) for c in chosen]
        return UnderstoodQuery(
            original=original,
            text=clean,
            needs=needs,
            place=found_place.place if found_place else None,
            age=age_value,
            life_stage=stage,
            free=constraints.free,
            days=constraints.days,
            times=constraints.times,
            modes=constraints.modes,
            about_someone_else=relation,
            is_case_note=age_mod.is_case_note(working),
            repairs=tuple(repairs),
        )

    def _protected(self, tokens: list[Token], place: FoundPlace | None) -> set[int]:
        """Tokens never spell-corrected: the place, names mid-sentence, place names, shouting aside."""
        keep: set[int] = set()
        place_words = self.places.words if self.places else frozenset()
        for i, t in enumerate(tokens):
            in_place = place is not None and place.start <= t.start < place.end
            a_name = t.capitalised and not t.sentence_start and not t.text.isupper()
            if in_place or a_name:
                keep.add(i)
            elif t.norm in place_words or "'" in t.text or "’" in t.text:
                keep.add(i)  # contractions ("we've") are not typos
        return keep

    def _repair(
        self, tokens: list[Token], protected: set[int]
    ) -> tuple[dict[int, str], list[tuple[str, str]]]:
        replacements: dict[int, str] = {}
        repairs: list[tuple[str, str]] = []
        for i, t in enumerate(tokens):
            plain = self.textspeak.replacement(t)
            if plain is None and i not in protected:
                plain = self.speller.repair(t.norm)
                if plain is not None:
                    repairs.append((t.text, plain))
            if plain is not None:
                replacements[i] = plain
        return replacements, repairs

    @staticmethod
    def _words(tokens: list[Token], replacements: dict[int, str]) -> list[_Word]:
        words: list[_Word] = []
        for i, t in enumerate(tokens):
            if i in replacements:
                for part in tokenise(replacements[i]):
                    words.append(_Word(part.norm, stem(part.norm), i))
            else:
                words.append(_Word(t.norm, stem(t.norm), i))
        return words


def _age_stand_in(text: str, found: age_mod.FoundAge) -> str:
    """ "my 13 year old is bullied" → "my teenager is bullied"; "I'm 81" → "" (the age is a filter)."""
    span = text[found.start : found.end].lower()
    if not re.search(r"old$", span):
        return ""
    following = re.match(r"\s*([a-z]+)", text[found.end :].lower())
    if following and following.group(1) in _PERSON_NOUNS:
        return ""
    if found.age < 13:
        return "child"
    if found.age < 18:
        return "teenager"
    return "person" if found.age < 65 else "older person"


def _rebuild(
    text: str, tokens: list[Token], replacements: dict[int, str], removals: Iterable[tuple[int, int, str]]
) -> str:
    """The text with repaired words and the removed spans gone (their stand-ins written instead)."""
    cuts = sorted(removals)
    out: list[str] = []
    position = 0
    for start, end, stand_in in cuts:
        if start < position:
            continue
        out.append(_rewrite(text, tokens, replacements, position, start))
        out.append(f" {stand_in} " if stand_in else " ")
        position = end
    out.append(_rewrite(text, tokens, replacements, position, len(text)))
    joined = "".join(out)
    joined = re.sub(r"\s+([,.;:!?])", r"\1", joined)
    joined = re.sub(r"\b(?:and|but|or|so)\s*([,.;:!?])", r"\1", joined, flags=re.IGNORECASE)
    joined = re.sub(r"^[\s,.;:!?\-–]+", "", joined)
    joined = re.sub(r"^(?:and|but|or|so)\b\s*", "", joined, flags=re.IGNORECASE)
    joined = re.sub(r"([,.;:])(?:\s*[,.;:])+", r"\1", joined)
    return " ".join(joined.split())


def _rewrite(text: str, tokens: list[Token], replacements: dict[int, str], start: int, end: int) -> str:
    out: list[str] = []
    position = start
    for i, t in enumerate(tokens):
        if t.start < start or t.end > end:
            continue
        out.append(text[position : t.start])
        out.append(replacements.get(i, t.text))
        position = t.end
    out.append(text[position:end])
    return "".join(out)


def _matched_spans(text: str, tokens: list[Token], words: list[_Word], matches: list[Match]) -> str:
    """The message's own words for the strongest matches ("since the funeral"), at most two spans."""
    spans: list[tuple[int, int]] = []
    for m in sorted(matches, key=lambda m: (-m.phrase.weight, -m.size, m.first)):
        span = (tokens[words[m.first].token].start, tokens[words[m.last].token].end)
        if not any(a <= span[0] and span[1] <= b for a, b in spans):
            spans.append(span)
        if len(spans) == 2:
            break
    return " … ".join(text[a:b] for a, b in sorted(spans))


# Building a matcher or a place index takes milliseconds; keep them with their (immutable) source.
_PLACE_INDEXES: weakref.WeakKeyDictionary[object, PlaceIndex] = weakref.WeakKeyDictionary()


@lru_cache(maxsize=4)
def _matcher(vocabulary: Vocabulary) -> PhraseMatcher:
    return PhraseMatcher(vocabulary)


def _place_index(gazetteer: Gazetteer) -> PlaceIndex:
    try:
        index = _PLACE_INDEXES.get(gazetteer)
    except TypeError:
        return PlaceIndex(gazetteer)
    if index is None:
        index = PlaceIndex(gazetteer)
        _PLACE_INDEXES[gazetteer] = index
    return index


def understand(
    text: str,
    gazetteer: Gazetteer | None = None,
    vocabulary: Iterable[str] | None = None,
    embedder: QueryEmbedder | None = None,
) -> UnderstoodQuery:
    """Understand one message. For many messages build an `Understander` once (or pass a `Speller`
    as `vocabulary`): a plain word list is indexed afresh on every call."""
    return Understander(gazetteer, vocabulary, embedder)(text)
