"""Safety first: crisis detection for every chat message, and the UK crisis help to show.

Three votes: phrase rules over a normalised text, similarity to curated examples (with an embedder),
and an n-gram classifier scored with numpy from data/classifier.npz, trained on data/training/*.jsonl
(`python -m navigator.chat.safety.classifier_train` after editing them; holdout_v2 is never used).
With the message's embedding the classifier reads meaning too, and when it is sure a message is
ordinary (a past or resolved situation, a course, a story) it overrules a semantic match
(p >= 0.9) or a phrase rule (p >= 0.95); the reason then says so. Without an embedder the phrase
rules and the n-gram classifier decide, and nothing is overruled.

The chat engine calls, for every message, before anything else::

    from navigator.chat.safety import safe_detect, crisis_response, classify_medical_advice

    result = safe_detect(message, embedder=embedder)   # SafetyResult; never raises, never hangs
    reply = crisis_response(result)                    # CrisisReply | None
    if reply is not None:
        ...  # lead with reply.heading, reply.text, reply.resources; then offer reply.carry_on
    elif classify_medical_advice(message):
        ...  # decline kindly: GP, pharmacist or NHS 111

`safe_detect(message, *, embedder=None, timeout_s=1.0) -> SafetyResult`
    `SafetyResult(category, confidence, matched, reason, subject="self", also=())`. `category` is None
    (no risk), one of "suicide", "self_harm", "domestic_abuse", "child_at_risk", "medical_emergency",
    or "unknown_error" when detection itself failed (then the general help is shown). `subject` is
    "other" when the message is about someone else; `also` lists further categories signalled.
    Pass the app's embedder (anything with `embed_query(text) -> unit np.ndarray`; `embed_documents`
    is used when present): the example vectors are cached per embedder, so after the first call a
    message costs one small embedding batch plus the phrase rules (a few ms). Without an embedder
    the phrase rules and the n-gram classifier run.
`warm_up(embedder=None) -> None`
    Load the word lists, rules and example vectors at start-up so the first message is fast.
`detect(message, *, embedder=None) -> SafetyResult`
    The same without the safety net (may raise); for tests and the bench.
`crisis_response(result) -> CrisisReply | None`
    `CrisisReply(category, heading, text, resources, carry_on)`, each resource a
    `Resource(label, href, kind, detail)` with kind "call" (tel:), "text" (sms:), "web" (https:) or
    "info" (no link: the 999-then-55 silent call explanation). `as_dict()` gives the JSON shape for
    the API's `safety` field. None when the result is not a crisis.
`classify_medical_advice(message) -> bool`
    Diagnosis, dosing and triage questions, to be declined kindly (not crises).
`normalise_for_safety(text) -> str`
    The robust normaliser (text-speak, leetspeak, spacing, misspellings, Unicode tricks).

Everything people may want to change is data: data/crisis_resources.toml (the UK crisis help,
wording and numbers), data/patterns.toml (phrase rules, masks, text-speak), data/examples.toml
(example phrasings and thresholds for the semantic match). Measure changes with
`python bench/safety_eval.py` against data/training/labelled.jsonl.
"""

from navigator.chat.safety.config import SafetyConfigError
from navigator.chat.safety.detector import detect, safe_detect, warm_up
from navigator.chat.safety.medical import classify_medical_advice
from navigator.chat.safety.normalise import normalise_for_safety
from navigator.chat.safety.resources import CrisisReply, Resource, crisis_response
from navigator.chat.safety.result import GENERAL, UNKNOWN_ERROR, SafetyResult
from navigator.chat.safety.rules import CATEGORIES

__all__ = [
    "CATEGORIES",
    "GENERAL",
    "UNKNOWN_ERROR",
    "CrisisReply",
    "Resource",
    "SafetyConfigError",
    "SafetyResult",
    "classify_medical_advice",
    "crisis_response",
    "detect",
    "normalise_for_safety",
    "safe_detect",
    "warm_up",
]
