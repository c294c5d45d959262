"""From phrase matches (and optional semantic scores) to the 0–3 needs reported.

Rules, in order: confidence per need (noisy-or of its matches); the threshold; a need that
supersedes another removes it; a generic need ("a group") gives way to a specific service; then
conditions and groups are folded into the service asked for, so "something musical for dad, he has
Alzheimer's" is ONE need (arts, for dementia) rather than two, as the search notes found best.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from navigator.search.understand.match import Match
from navigator.search.understand.model import Need
from navigator.search.understand.vocabulary import NeedSpec, Vocabulary


@dataclass
class Candidate:
    spec: NeedSpec
    score: float
    position: int  # first word that signalled it (for folding into the nearest need)
    asked: bool  # a direct request for this kind of help was matched
    matches: list[Match] = field(default_factory=list)
    qualifiers: list[NeedSpec] = field(default_factory=list)


def _noisy_or(weights: list[float]) -> float:
    remaining = 1.0
    for w in weights:
        remaining *= 1.0 - w
    return 1.0 - remaining


CARERS = "carers"


def _independent_weights(matches: list[Match]) -> list[float]:
    """Weights of the need's matches that add evidence: "two kids" and "kids" are one signal, not two."""
    counted: list[set[int]] = []
    weights: list[float] = []
    for m in sorted(matches, key=lambda m: (-m.phrase.weight, -m.size)):
        words = set(m.positions)
        if any(words & seen for seen in counted):
            continue
        counted.append(words)
        weights.append(m.phrase.weight)
    return weights


def score_matches(
    vocabulary: Vocabulary, matches: list[Match], semantic: dict[str, float] | None = None
) -> dict[str, Candidate]:
    by_need: dict[str, list[Match]] = {}
    for m in matches:
        by_need.setdefault(m.need, []).append(m)
    candidates: dict[str, Candidate] = {}
    for key in set(by_need) | set(semantic or {}):
        ms = by_need.get(key, [])
        weights = _independent_weights(ms)
        if semantic and key in semantic:
            weights.append(semantic[key])
        score = min(0.99, _noisy_or(weights))
        position = min((m.first for m in ms), default=10**6)
        asked = any(m.phrase.strength == "asks" for m in ms)
        candidates[key] = Candidate(vocabulary.needs[key], score, position, asked, ms)
    return candidates


def choose(vocabulary: Vocabulary, candidates: dict[str, Candidate]) -> list[Candidate]:
    """Apply threshold, supersedes, generic and folding; most confident first, at most max_needs."""
    settings = vocabulary.settings
    kept = {k: c for k, c in candidates.items() if c.score >= settings.threshold}
    for c in list(kept.values()):
        for other in c.spec.supersedes:
            if other in kept and c.spec.key in kept:
                _absorb(c, kept.pop(other))
    # "stuck indoors with a toddler ... any groups we could go to?": the group asked for also meets the
    # isolation described, so that is not searched for separately.
    for c in list(kept.values()):
        if c.asked and c.spec.key in kept:
            for other in c.spec.also_meets:
                if other in kept and not kept[other].asked:
                    _absorb(c, kept.pop(other))
    # "meet other autistic adults": the subject (autism) is the need and "a group" its form, so a
    # generic need gives way to anything specific, and what it asked for now counts as asked there.
    specific = [c for c in kept.values() if not c.spec.generic]
    if specific:
        for key in [k for k, c in kept.items() if c.spec.generic]:
            generic = kept.pop(key)
            target = _nearest(specific, generic.position)
            target.asked = target.asked or generic.asked
            _absorb(target, generic, as_qualifier=False)
    # A condition folds into a service the message asks for ("something musical ... he has
    # Alzheimer's"), or into a carer's need (it is the cared-for person's); beside a service that was
    # only described ("stopped going out") it stays a need of its own.
    targets = [c for c in kept.values() if c.spec.kind == "service" and (c.asked or c.spec.key == CARERS)]
    for key in [k for k, c in kept.items() if c.spec.fold == "service" and not c.asked]:
        if targets:
            _absorb(_nearest(targets, kept[key].position), kept.pop(key), as_qualifier=True)
    # Groups and states ("any") qualify whatever else is there; the most confident of them stays
    # when nothing else is.
    for key in sorted(
        (k for k, c in kept.items() if c.spec.fold == "any" and not c.asked), key=lambda k: kept[k].score
    ):
        me = kept[key]
        others = [c for k, c in kept.items() if k != key and c.spec.kind != "group"]
        if not others:  # only groups left: the weaker folds into the stronger ("trans", "I'm 17")
            others = [
                c for k, c in kept.items() if k != key and (c.score, -c.position) > (me.score, -me.position)
            ]
        if others:
            _absorb(_nearest(others, kept[key].position), kept.pop(key), as_qualifier=True)
    ranked = sorted(kept.values(), key=lambda c: (-c.score, c.position))
    return ranked[: settings.max_needs]


def _nearest(options: list[Candidate], position: int) -> Candidate:
    return min(options, key=lambda c: (abs(c.position - position), -c.score))


def _absorb(target: Candidate, other: Candidate, as_qualifier: bool = False) -> None:
    target.matches.extend(other.matches)
    if as_qualifier:
        target.qualifiers.append(other.spec)
        target.qualifiers.extend(other.qualifiers)


def to_need(
    candidate: Candidate, matched_text: Callable[[list[Match]], str], life_stage_words: str | None = None
) -> Need:
    """The reported need; folded conditions and the person's life stage ("young people") narrow its
    expansion to services for them."""
    spec = candidate.spec
    quals = list(dict.fromkeys(q.key for q in candidate.qualifiers))
    qual_specs = [next(q for q in candidate.qualifiers if q.key == k) for k in quals]
    expansion = spec.expansion
    who = [q.core for q in qual_specs]
    if life_stage_words and spec.kind != "group" and "young_people" not in quals:
        who.append(life_stage_words)
    if who:
        expansion += "; for " + ", ".join(who)
    own = [m for m in candidate.matches if m.need == spec.key] or candidate.matches
    return Need(
        key=spec.key,
        label=spec.label,
        expansion=expansion,
        matched=matched_text(own),
        score=round(candidate.score, 3),
        qualifiers=tuple(quals),
        qualifier_labels=tuple(q.label for q in qual_specs),
        categories=spec.categories
        + tuple(c for q in qual_specs for c in q.categories if c not in spec.categories),
    )
