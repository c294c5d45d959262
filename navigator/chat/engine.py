"""The conversation engine behind POST /api/chat: safety first, then need → place → options →
follow-ups, as changes to one search. No language model: a small, predictable conversation over
the search engine, with every word it says in data/wording.toml.

Every message, whatever the step:
  1. is checked for risk (navigator.chat.safety.safe_detect) before anything else; a hit leads the
     reply with that category's help and offers to carry on (the search is kept, not shown);
  2. diagnosis, dosing and triage questions are declined kindly (GP, pharmacist, NHS 111);
  3. short replies ("something else", "none of these", "talk to a person") are steps;
  4. anything else goes through the search's own query understanding: a need starts a search,
     a place, age, "free", "online" or a day changes the current one.
The engine holds nothing between messages: the state comes in and goes out in the sealed token.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from navigator.chat.replies import Turn
from navigator.chat.safety import (
    UNKNOWN_ERROR,
    SafetyResult,
    classify_medical_advice,
    crisis_response,
    safe_detect,
)
from navigator.chat.searching import ChatSearch
from navigator.chat.showing import Shower
from navigator.chat.state import ChatState
from navigator.chat.token import TokenCodec, TokenError
from navigator.chat.wording import Phrases, Wording
from navigator.search.service import IndexUnavailable

log = logging.getLogger(__name__)
MAX_AREA_CHARS = 120
SAFETY_TIMEOUT_S = 3.0
WARMING_TIMEOUT_S = 90.0
_CONTROL = dict.fromkeys(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)) | {0x7F: None}

# The last resort if even the crisis configuration cannot be read: never show nothing.
FALLBACK_CRISIS = {
    "kind": "crisis",
    "category": "general",
    "heading": "If you need help now",
    "text": "If you or someone else is in danger, call 999. Samaritans are there day and night on 116 123.",
    "resources": [
        {"label": "Call 999", "href": "tel:999", "kind": "call", "detail": "Emergency services."},
        {"label": "Call Samaritans on 116 123", "href": "tel:116123", "kind": "call", "detail": "Any time."},
        {"label": "Call NHS 111", "href": "tel:111", "kind": "call", "detail": "Urgent help, any time."},
    ],
}


@dataclass(frozen=True)
class ChatRequest:
    message: str
    conversation: str | None = None
    area: str | None = None
    base_url: str = ""  # for links to Navigator's own listing pages


def clean_message(text: str) -> str:
    """NFC, no control characters, single spaces. What was typed is otherwise left alone."""
    text = unicodedata.normalize("NFC", text).translate(_CONTROL).replace("\ufffd", " ")
    return " ".join(text.split())


def clean_area(area: object) -> str | None:
    if not isinstance(area, str):
        return None
    text = clean_message(area)[:MAX_AREA_CHARS]
    return text or None


class ChatEngine:
    def __init__(
        self,
        search: Any,
        wording: Wording,
        phrases: Phrases,
        codec: TokenCodec,
        *,
        handoff_days: int = 14,
        safety_embedder: Any = None,
        safety_ready: threading.Event | None = None,
    ) -> None:
        self.search = ChatSearch(search)
        self.wording = wording
        self.phrases = phrases
        self.codec = codec
        self.handoff_days = handoff_days
        self._safety_embedder = safety_embedder
        self._safety_ready = safety_ready
        self.show = Shower(self.search, wording)

    # ---- tokens --------------------------------------------------------------------------------
    def open(self, token: str | None) -> tuple[ChatState | None, str | None]:
        """(state, None) for a good token; (None, "expired" | "invalid") for a bad one; (None, None)
        when there is none (a new conversation)."""
        if not token:
            return None, None
        try:
            return ChatState.from_dict(self.codec.open(token)), None
        except TokenError as exc:
            return None, exc.reason

    def seal(self, state: ChatState) -> str:
        return self.codec.seal(state.to_dict())

    # ---- safety ----------------------------------------------------------------------------------
    def check_safety(self, message: str) -> SafetyResult:
        """safe_detect with a deadline: generous while the example vectors are still being computed
        (a first message waits for them instead of timing out into a false alarm), then a few
        seconds — far above the usual few milliseconds, so only a hung model ever reaches it."""
        warming = self._safety_ready is not None and not self._safety_ready.is_set()
        timeout = WARMING_TIMEOUT_S if warming else SAFETY_TIMEOUT_S
        return safe_detect(message, embedder=self._safety_embedder, timeout_s=timeout)

    def add_crisis(self, turn: Turn, result: SafetyResult) -> None:
        """Lead with the help for this category; whatever fails, still show help."""
        try:
            reply = crisis_response(result) or crisis_response(SafetyResult(UNKNOWN_ERROR, 1.0, None, "none"))
            if reply is None:  # pragma: no cover - crisis_response always answers for UNKNOWN_ERROR
                raise LookupError("no crisis reply")
            turn.crisis(reply)
            turn.add("text", reply.carry_on)
        except Exception:
            log.exception("chat: crisis help could not be built; showing the built-in fallback")
            turn.messages.append(dict(FALLBACK_CRISIS))
            turn.safety = {"category": "general", "resources": FALLBACK_CRISIS["resources"]}

    # ---- one message -----------------------------------------------------------------------------
    def reply(self, request: ChatRequest) -> tuple[Turn, ChatState]:
        turn = Turn()
        state, problem = self.open(request.conversation)
        fresh = state is None
        if state is None:
            state = ChatState()
        state.area = state.area or clean_area(request.area)
        state.turns += 1
        message = clean_message(request.message or "")
        if problem:
            turn.add("text", self.wording.say(f"problems.restart_{problem}"))
        if fresh:
            turn.add("disclosure", self.wording.say("disclosure.text"))
        if message:
            result = self.check_safety(message)
            if result.is_crisis:
                self._crisis(turn, state, result, message, request)
                return turn, state
        if not message:
            key = "ask.need" if fresh else "ask.empty"
            turn.add("question", self.wording.say(key), asks="need")
            state.step = "need" if not state.has_search else state.step
            return turn, state
        if classify_medical_advice(message):
            turn.add("text", self.wording.say("medical.decline"), links=self._medical_links())
            turn.add("text", self.wording.say("medical.carry_on"))
            turn.suggest(self.wording.say("suggestions.person"))
            return turn, state
        try:
            self._converse(turn, state, message, request.base_url, fresh or bool(problem))
        except IndexUnavailable as exc:
            log.warning("chat: search unavailable: %s", exc)
            turn.add("error", self.wording.say("problems.unavailable"))
            turn.suggest(self.wording.say("suggestions.person"))
        return turn, state

    def _crisis(
        self, turn: Turn, state: ChatState, result: SafetyResult, message: str, request: ChatRequest
    ) -> None:
        self.add_crisis(turn, result)
        # Keep what they were looking for, so "carry on" can continue; show no list now.
        try:
            self.show.apply(state, self.show.understand(message))  # need, place, age...: kept, not shown
        except Exception:  # understanding is a nicety here; the help above is what matters
            log.warning("chat: could not read the need in a message that signalled risk")
        state.step = "paused"
        turn.suggest(self.wording.say("suggestions.carry_on"), self.wording.say("suggestions.person"))

    def _medical_links(self) -> list[dict[str, str]]:
        say = self.wording.say
        return [
            {"label": say("medical.call_111"), "href": "tel:111", "kind": "call"},
            {"label": say("medical.online_111"), "href": "https://111.nhs.uk/", "kind": "web"},
            {"label": say("medical.call_999"), "href": "tel:999", "kind": "call"},
        ]

    def _converse(self, turn: Turn, state: ChatState, message: str, base_url: str, fresh: bool) -> None:
        say = self.wording.say
        intent = self.phrases.intent(message)
        if intent == "start_again":
            area, turns = state.area, state.turns
            state.__init__()  # type: ignore[misc]
            state.area, state.turns, state.step = area, turns, "need"
            turn.add("text", say("followup.start_again"))
            turn.add("question", say("ask.need"), asks="need")
            return
        if intent == "person":
            self.offer_handoff(turn, state)
            return
        if intent == "no_thanks":
            key = "handoff.declined" if state.step == "handoff" else "followup.goodbye"
            state.step = "results" if state.has_search else "need"
            turn.add("text", say(key))
            if state.has_search:
                self.show.suggest(turn, state)
            return
        if intent == "thanks":
            turn.add("text", say("followup.thanks"))
            turn.suggest(say("suggestions.start_again"), say("suggestions.person"))
            return
        if intent == "skip_place" and state.step == "place":
            state.no_place = True
            self.show.results(turn, state, base_url, lead=say("results.no_place"))
            return
        if intent == "carry_on" and state.has_search:
            turn.add("text", say("followup.carry_on"))
            self.show.results(turn, state, base_url)
            return
        if intent in ("something_else", "none_of_these", "closer", "further") and state.has_search:
            self.show.follow_up(turn, state, intent, base_url)
            return
        self.show.understood(turn, state, message, base_url, fresh)

    # ---- talk to a person --------------------------------------------------------------------------
    def offer_handoff(self, turn: Turn, state: ChatState) -> None:
        from navigator.chat.handoff import NOTE_CHARS, form_labels

        state.step = "handoff"
        turn.add(
            "handoff",
            self.wording.say("handoff.offer", days=self.handoff_days),
            form=form_labels(self.wording, self.handoff_days, NOTE_CHARS),
        )
        turn.suggest(self.wording.say("suggestions.no_thanks"))
