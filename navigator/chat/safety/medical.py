"""Diagnosis, dosing and triage questions: the chat declines them kindly (GP, pharmacist, NHS 111)."""

from __future__ import annotations

from navigator.chat.safety.lexicon import load_lexicon
from navigator.chat.safety.normalise import normalise_for_safety
from navigator.chat.safety.rules import RuleSet, load_rules


def classify_medical_advice(message: str, *, rules: RuleSet | None = None) -> bool:
    """True when the message asks for a diagnosis, a dose or triage ("how many paracetamol can I take",
    "is this rash meningitis", "should I go to A&E or wait"). Not a crisis check: call `safe_detect`
    first ("how many paracetamol would kill me" is a crisis, and `detect` says so). Never raises."""
    try:
        rules = rules or load_rules()
        text = rules.mask(normalise_for_safety(message, load_lexicon()))
        return any(p.search(text) for p in rules.medical_advice)
    except Exception:  # a failed check just means no refusal; safety is checked separately
        return False
