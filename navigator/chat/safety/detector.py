"""Crisis detection: phrase rules, semantic similarity and a learned n-gram classifier combined, and a
fail-safe wrapper."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from navigator.chat.safety.classifier import Classifier, load_classifier
from navigator.chat.safety.lexicon import load_lexicon
from navigator.chat.safety.normalise import normalise_for_safety
from navigator.chat.safety.result import UNKNOWN_ERROR, SafetyResult
from navigator.chat.safety.rules import CATEGORIES, MASK_WORD, Hit, RuleSet, load_rules
from navigator.chat.safety.semantic import (
    Examples,
    QueryEmbedder,
    embed_parts,
    message_parts,
    prepare,
    semantic_matches,
)

# When two categories are equally sure, the one whose help is most urgent leads.
SEVERITY = ("medical_emergency", "suicide", "child_at_risk", "self_harm", "domestic_abuse")
SEMANTIC_CAP = 0.85  # a semantic match alone is never as sure as a clear phrase
ALSO_FLOOR = 0.6  # a second category is listed (and its help merged) from this confidence up
# The classifier's vote ranks under a clear phrase or a close example, but at or above ALSO_FLOOR so
# its category is always listed: its help is merged even when another signal leads.
CLASSIFIER_CAP = 0.8
# From this probability of "ordinary" the joint classifier overrules a semantic match that no phrase
# rule backs (bench/safety_classifier_cv.py: leave-one-file-out, no recall lost, FPR down a point).
SEMANTIC_VETO = 0.9
# From this probability of "ordinary" the joint classifier also overrules a phrase rule: the rules read
# words, not time or purpose ("I had a heart attack in March, where is cardiac rehab?", "I self harmed
# as a teenager, now I'd like to train as a peer supporter"). Stricter than SEMANTIC_VETO: a rule names
# what was said. Leave-one-file-out over 22 files (joint vote at 0.6): FPR 11.6% -> 8.6%, recall
# 91.2% -> 91.1% (3 of 7,111 risk messages, none must-catch); overruling only the rules under 0.9
# confidence kept half of those false alarms.
RULE_VETO = 0.95

log = logging.getLogger(__name__)


def detect(
    message: str,
    *,
    embedder: QueryEmbedder | None = None,
    rules: RuleSet | None = None,
    examples: Examples | None = None,
    classifier: Classifier | bool = True,
) -> SafetyResult:
    """Does this message signal a crisis? Phrase rules always; semantic similarity when an embedder is
    given; the n-gram classifier (classifier.py) unless `classifier=False` (or the one given).
    May raise (a broken embedder, say): the chat should call `safe_detect`, which cannot. A broken
    classifier never raises: the other signals' answer stands and the failure is logged."""
    rules = rules or load_rules()
    text = normalise_for_safety(message)
    if not text:
        return SafetyResult(None, 0.0, None, "empty message")
    masked = rules.mask(text)
    hits = rules.match(masked)
    found: dict[str, SafetyResult] = {}
    # Negated mentions ("im not suicidal, just lonely") are blanked so their words don't pull.
    semantic_text = _semantic_text(masked, [h for h in hits if h.negated])
    subject = _subject(hits)
    parts = message_parts(semantic_text)
    # The message's vectors, once: the semantic match and the classifier's joint model share them.
    queries = None
    if embedder is not None and parts:
        queries = embed_parts(parts, embedder)
    # Like the semantic match, the classifier needs some words to go on: on "my husband" (what is
    # left of "my husband collapsed in laughter" once the idiom is masked) it only sees the prior.
    ordinary: float | None = None  # the joint model's probability that the message is ordinary
    votes: list[SafetyResult] = []
    if classifier is not False and parts:
        whole = None if queries is None else queries[0]
        model_id = getattr(embedder, "model_id", None)
        votes, ordinary = _classifier_votes(semantic_text, classifier, subject, whole, model_id)
    overruled = ""
    ruled: set[str] = set()
    for hit in hits:
        if hit.negated:
            continue
        reason = f"phrase rule ({hit.category}): {hit.matched!r}"
        if hit.rule.startswith("signals:"):
            reason += f" ({hit.rule})"
        if ordinary is not None and ordinary >= RULE_VETO:
            overruled = (
                overruled or f"{reason}, overruled: the classifier reads it as ordinary ({ordinary:.2f})"
            )
            continue
        ruled.add(hit.category)
        _keep(found, SafetyResult(hit.category, hit.confidence, hit.matched, reason, hit.subject))
    for vote in votes:  # after the rules: on a tie the phrase, which names what was said, leads
        _keep(found, vote)
    if embedder is not None:
        for match in semantic_matches(semantic_text, embedder, examples, queries):
            reason = f"like {match.example!r} ({match.similarity:.2f}; near miss {match.near_miss:.2f})"
            # A semantic match alone is the weakest signal ("tried to k*ll myself in 2016, 8 years on
            # and doing great" is close to risk examples); the joint model has read thousands of
            # such harmless messages and overrules it when it is sure, unless a phrase rule that
            # stands (RULE_VETO is stricter) backs the same category.
            if ordinary is not None and ordinary >= SEMANTIC_VETO and match.category not in ruled:
                overruled = (
                    overruled or f"{reason}, overruled: the classifier reads it as ordinary ({ordinary:.2f})"
                )
                continue
            confidence = round(min(SEMANTIC_CAP, match.similarity), 3)
            _keep(found, SafetyResult(match.category, confidence, match.example, reason, subject))
    if not found:
        negated = [h for h in hits if h.negated]
        if negated:
            return SafetyResult(None, 0.0, negated[0].matched, f"negated mention {negated[0].matched!r}")
        return SafetyResult(None, 0.0, None, overruled or "no risk signal")
    ranked = sorted(found.values(), key=lambda r: (-r.confidence, SEVERITY.index(r.category or "")))
    best = ranked[0]
    also = tuple(r.category for r in ranked[1:] if r.category and r.confidence >= ALSO_FLOOR)
    return SafetyResult(best.category, best.confidence, best.matched, best.reason, best.subject, also)


def _classifier_votes(
    text: str,
    classifier: Classifier | bool,
    subject: str,
    vector: np.ndarray | None = None,
    model_id: str | None = None,
) -> tuple[list[SafetyResult], float | None]:
    """The categories the classifier is sure of (probability at or above its threshold); with the
    message's vector from the model it was trained with, the joint model's opinion, and then also its
    probability that the message is ordinary (None otherwise: only the joint model may overrule)."""
    try:
        model = classifier if isinstance(classifier, Classifier) else load_classifier()
        probabilities, threshold, joint = model.vote(text, vector, model_id)
        name = "classifier+embedding" if joint else "classifier"
        votes = []
        for category, probability in probabilities.items():
            if category and probability >= threshold:
                confidence = round(min(CLASSIFIER_CAP, probability), 3)
                reason = f"{name} ({category}): probability {probability:.2f}"
                votes.append(SafetyResult(category, confidence, None, reason, subject))
        return votes, (probabilities.get("") if joint else None)
    except Exception:  # by design: the classifier is an extra vote, never a reason to fail
        log.exception("safety classifier failed; using the phrase rules and semantic match alone")
        return [], None


def _keep(found: dict[str, SafetyResult], result: SafetyResult) -> None:
    key = result.category or ""
    current = found.get(key)
    if current is None or result.confidence > current.confidence:
        found[key] = result


def _semantic_text(masked: str, negated: list[Hit]) -> str:
    """The text to compare with the examples: negated mentions and masked idioms/topics left out
    entirely (a placeholder word would itself pull the vector somewhere)."""
    for hit in sorted(negated, key=lambda h: -h.start):
        masked = masked[: hit.start] + MASK_WORD + masked[hit.end :]
    return " ".join(w for w in masked.split() if w != MASK_WORD)


def classifier_text(message: str, rules: RuleSet | None = None) -> str:
    """The text the semantic match and the classifier see: normalised, idioms and topics masked,
    negated mentions left out. The classifier is trained on this same preparation."""
    rules = rules or load_rules()
    masked = rules.mask(normalise_for_safety(message))
    return _semantic_text(masked, [h for h in rules.match(masked) if h.negated])


def _subject(hits: list[Hit]) -> str:
    for hit in hits:
        if hit.subject == "other":
            return "other"
    return "self"


def warm_up(embedder: QueryEmbedder | None = None) -> None:
    """Load the rules, word lists and (with an embedder) the example vectors, so the first message
    is as fast as the rest. Call once at start-up; `safe_detect` also does it outside its deadline."""
    load_rules()
    load_lexicon()
    try:
        load_classifier()
    except Exception:  # a missing or broken weights file only loses the extra vote
        log.exception("safety classifier could not be loaded; detecting without it")
    if embedder is not None:
        prepare(embedder)


def safe_detect(
    message: Any,
    *,
    embedder: QueryEmbedder | None = None,
    timeout_s: float | None = 1.0,
    warm_up_timeout_s: float | None = 30.0,
    rules: RuleSet | None = None,
    examples: Examples | None = None,
    classifier: Classifier | bool = True,
) -> SafetyResult:
    """`detect` that never raises and never hangs. If detection fails (an exception, the embedder
    failing, or no answer within `timeout_s`), the answer still leads to help: the phrase rules' own
    category when they found one, otherwise category "unknown_error" (show the general crisis help).
    One-off loading (word lists, example vectors) has its own, longer deadline: a cold start is not
    a failure, but a model that never answers is."""
    try:
        text = message if isinstance(message, str) else _as_text(message)
        loaded = _run(lambda: _after(warm_up), warm_up_timeout_s)
        if isinstance(loaded, BaseException):
            return _failed(loaded)
        failure: BaseException | None = None
        if embedder is not None:
            prepared = _run(lambda: _after(lambda: prepare(embedder, examples)), warm_up_timeout_s)
            failure = prepared if isinstance(prepared, BaseException) else None
        if failure is None:
            outcome = _run(
                lambda: detect(
                    text, embedder=embedder, rules=rules, examples=examples, classifier=classifier
                ),
                timeout_s,
            )
            if isinstance(outcome, SafetyResult):
                return outcome
            failure = outcome
        if embedder is not None:
            # The semantic step failed or hung: the phrase rules alone may still name the right help.
            fallback = _run(lambda: detect(text, rules=rules, classifier=classifier), timeout_s)
            if isinstance(fallback, SafetyResult) and fallback.category is not None:
                return SafetyResult(
                    fallback.category,
                    fallback.confidence,
                    fallback.matched,
                    f"{fallback.reason}; semantic check failed ({type(failure).__name__})",
                    fallback.subject,
                    fallback.also,
                )
        return _failed(failure)
    except BaseException as exc:  # by design: any failure must still show help
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return _failed(exc)


def _after(step: Callable[[], None]) -> SafetyResult:
    """Run a preparation step in `_run`'s shape (it hands back a result or the exception)."""
    step()
    return SafetyResult(None, 0.0, None, "ready")


def _failed(exc: BaseException) -> SafetyResult:
    return SafetyResult(UNKNOWN_ERROR, 1.0, None, f"detector failed: {type(exc).__name__}: {exc}"[:300])


def _as_text(message: Any) -> str:
    if isinstance(message, bytes | bytearray):
        return bytes(message).decode("utf-8", "replace")
    return "" if message is None else str(message)


def _run(task: Callable[[], SafetyResult], timeout_s: float | None) -> SafetyResult | BaseException:
    """Run `task` with a deadline in a worker thread (a stuck embedder must not hold the reply)."""
    if timeout_s is None:
        try:
            return task()
        except Exception as exc:
            return exc
    box: list[SafetyResult | BaseException] = []

    def work() -> None:
        try:
            box.append(task())
        except BaseException as exc:  # handed back to the caller
            box.append(exc)

    # A daemon: a stuck embedder must hold neither the reply nor the process's exit. (The long-running
    # model work at start-up, the chat warm-up, is joined on shutdown instead.)
    worker = threading.Thread(target=work, name="safety-detect", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if not box:
        return TimeoutError(f"no answer within {timeout_s} s")
    return box[0]


__all__ = ["CATEGORIES", "SEVERITY", "detect", "safe_detect", "warm_up"]
