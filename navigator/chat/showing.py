"""Turning a message into a change of the search, and the search into options to show.

`understood` reads a message with the search's own query understanding (needs, place, age, free,
online, days) and either starts a search, changes the current one, or asks the one question that
is missing. `results` asks for a place only when it matters, then shows 3–5 options per need.
`follow_up` handles "something else", "none of these", "closer to home" and "look further away".
"""

from __future__ import annotations

import re

from navigator.chat.language import why_unclear
from navigator.chat.replies import Turn, option_item
from navigator.chat.searching import (
    REMOTE_MODES,
    ChatSearch,
    Found,
    closer_radius,
    wider_radius,
)
from navigator.chat.state import ChatState
from navigator.chat.wording import Wording
from navigator.search.understand.model import UnderstoodQuery

MODE_WORDS = ("online", "phone", "home_visit", "in_person")
_CLAUSE = re.compile(r"[.!?;:,]+\s*|\s+(?:and|but)\s+", re.IGNORECASE)
# Clauses that say who is writing, not what they need: not kept in the conversation state.
_INTRODUCTION = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b.*"
    r"|(?:my name is|my names|my name's|i am called|i'm called|im called|call me)\s+"
    r"[a-z'’-]+(?:\s+[a-z'’-]+)?(?:\s+here)?"
    r"|thanks?\b.*|thank you\b.*|cheers\b.*)$",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"\S+@\S+|\+?\d[\d\s()-]{7,}\d")


def need_words(u: UnderstoodQuery) -> str:
    """What the state keeps to search with: the cleaned message (place and age already taken out)
    without greetings, self-introductions ("my name is Sam Jones") or contact details, so a name,
    an email or a phone number is never carried from one message to the next."""
    text = _CONTACT.sub(" ", u.text)
    clauses = [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]
    keep = [c for c in clauses if not _INTRODUCTION.match(c)]
    if len(keep) == len(clauses) and text == u.text:
        return u.text  # as understood: the search then reuses this message's understanding and vector
    return ", ".join(keep) if keep else u.text


class Shower:
    def __init__(self, search: ChatSearch, wording: Wording) -> None:
        self.search = search
        self.wording = wording

    # ---- reading a message -----------------------------------------------------------------------
    def understand(self, message: str) -> UnderstoodQuery:
        understander = self.search.search.searcher.understander
        result: UnderstoodQuery = understander(message)
        return result

    def _known_words(self) -> frozenset[str]:
        try:
            words = self.search.search.searcher.bundle.words
        except Exception:
            return frozenset()
        cached = getattr(self, "_words_cache", None)
        if cached is None or cached[0] is not words:
            cached = (words, frozenset(words))
            self._words_cache = cached
        return cached[1]

    def understood(self, turn: Turn, state: ChatState, message: str, base_url: str, fresh: bool) -> None:
        say = self.wording.say
        u = self.understand(message)
        changes = self.apply(state, u)
        if state.step == "place" and u.place is None and not u.needs and not changes:
            state.place_tries += 1
            if state.place_tries < 2:
                turn.add("question", say("ask.place_unknown"), asks="place")
                turn.suggest(say("suggestions.skip_place"), say("suggestions.online"))
                return
            state.no_place = True
            self.results(turn, state, base_url, lead=say("ask.place_give_up"))
            return
        if not state.has_search:
            state.step = "need"
            if changes:
                turn.add("question", say("ask.need_for_filters"), asks="need")
                return
            reason = why_unclear(message, self._known_words())
            key = {
                "no_words": "ask.no_words",
                "not_english": "ask.need_english",
                "greeting": "ask.need",
            }.get(reason, "ask.need" if fresh else "ask.need_again")
            turn.add("question", say(key), asks="need")
            turn.suggest(say("suggestions.person"))
            return
        if u.needs or (u.place is not None and state.step == "place"):
            self.results(turn, state, base_url)  # a new search, or the answer to "where?"
            return
        if changes:
            self.results(turn, state, base_url, lead=say("results.changed", changes=", ".join(changes)))
            return
        turn.add("text", say("followup.not_understood"))
        self.suggest(turn, state)

    def apply(self, state: ChatState, u: UnderstoodQuery) -> list[str]:
        """Fold what the message says into the state; returns the changes, in words."""
        say = self.wording.say
        if u.needs:
            state.new_search(need_words(u), [n.display for n in u.needs], [n.key for n in u.needs])
        changes: list[str] = []
        if u.place is not None:
            state.place, state.place_kind = u.place.label, u.place.kind
            state.no_place, state.radius_km, state.place_tries = False, None, 0
            changes.append(say("changes.place", place=u.place.label))
        if u.age is not None and 0 <= u.age <= 120 and u.age != state.age:
            state.age = u.age
            changes.append(say("changes.age", age=u.age))
        if u.about_someone_else and u.about_someone_else != state.who:
            state.who = u.about_someone_else[:60]
            if u.age is None:
                changes.append(say("changes.who", who=state.who))
        if u.free and not state.free:
            state.free = True
            changes.append(say("changes.free"))
        modes = [m for m in u.modes if m in MODE_WORDS]
        if modes and modes != state.modes:
            state.modes = modes
            changes.extend(say(f"changes.{m}") for m in modes)
        if u.days and list(u.days) != state.days:
            state.days = list(u.days)
            changes.append(say("changes.days"))
        return changes

    # ---- showing results -------------------------------------------------------------------------
    def results(self, turn: Turn, state: ChatState, base_url: str, *, lead: str | None = None) -> None:
        """Ask for a place if the answer depends on it; otherwise show the options."""
        say = self.wording.say
        if not state.place and not state.no_place:
            found = self.search.run(state, with_place=False)
            if ChatSearch.needs_place(state, found):
                need = self._need_words(found.needs or state.needs)
                key = "ask.place_in_area" if state.area else "ask.place"
                if lead:
                    turn.add("text", lead)
                turn.add("question", say(key, need=need, area=state.area), asks="place")
                turn.suggest(say("suggestions.skip_place"), say("suggestions.online"))
                self._remember_needs(state, found)
                state.step = "place"
                return
        else:
            found = self.search.run(state, exclude_shown=False)
        if lead:
            turn.add("text", lead)
        self.show(turn, state, found, base_url, more=False)

    def show(self, turn: Turn, state: ChatState, found: Found, base_url: str, *, more: bool) -> None:
        say = self.wording.say
        self._remember_needs(state, found)
        remote = bool(state.modes) and set(state.modes) <= REMOTE_MODES
        near = say("results.near", place=state.place) if state.place and not remote else ""
        if not found.count:
            key = "results.no_more" if more and found.any_results else "results.nothing"
            turn.add("text", say(key, need=self._need_words(found.needs or state.needs), near=near))
            state.step = "widen"
            turn.suggest(
                say("suggestions.further"), say("suggestions.person"), say("suggestions.start_again")
            )
            return
        stale = False
        for need, results in found.groups:
            label = need or self._need_words(found.needs or state.needs)
            which = ("more" if more else "intro") + ("_one" if len(results) == 1 else "_many")
            text = say(f"results.{which}", count=len(results), need=label, near=near)
            items = [option_item(r, found.infos[r.id], self.wording, base_url) for r in results]
            turn.group(label, text, items)
            state.remember_shown([r.id for r in results])
            stale = stale or any(r.possibly_out_of_date for r in results)
        if stale:
            turn.add("text", say("results.stale"))
        state.step = "results"
        self.suggest(turn, state)

    def follow_up(self, turn: Turn, state: ChatState, intent: str, base_url: str) -> None:
        say = self.wording.say
        if intent == "something_else":
            self.show(turn, state, self.search.run(state, exclude_shown=True), base_url, more=True)
        elif intent == "none_of_these":
            state.step = "widen"
            turn.add("text", say("followup.none_of_these"))
            turn.suggest(
                say("suggestions.further"), say("suggestions.person"), say("suggestions.start_again")
            )
        elif intent == "closer":
            if not state.place:  # closer to where? ask (if place matters for this search)
                state.no_place = False
                self.results(turn, state, base_url)
                return
            radius = closer_radius(state.radius_km)
            if radius is None:
                turn.add("text", say("results.closest"))
            else:
                state.radius_km = radius
                turn.add("text", say("results.closer", place=state.place, radius=f"{radius:g} km"))
            self.show(turn, state, self.search.run(state), base_url, more=False)
        else:  # further
            dropped = []
            if state.free:
                dropped.append(say("changes.free"))
            dropped.extend(say(f"changes.{m}") for m in state.modes)
            if state.days:
                dropped.append(say("changes.days"))
            state.clear_filters()
            if state.place:
                state.radius_km = wider_radius(state.radius_km)
            lead = say("results.widened_filters", changes=", ".join(dropped)) if dropped else None
            turn.add("text", lead or say("results.widened"))
            self.show(turn, state, self.search.run(state, exclude_shown=True), base_url, more=True)

    # ---- helpers ---------------------------------------------------------------------------------
    def suggest(self, turn: Turn, state: ChatState) -> None:
        say = self.wording.say
        labels = []
        if not state.free:
            labels.append(say("suggestions.free"))
        remote = bool(state.modes) and set(state.modes) <= REMOTE_MODES
        if closer_radius(state.radius_km) is not None and not state.no_place and not remote:
            labels.append(say("suggestions.closer"))
        if "online" not in state.modes:
            labels.append(say("suggestions.online"))
        labels += [say("suggestions.something_else"), say("suggestions.none_of_these")]
        labels.append(say("suggestions.person"))
        turn.suggest(*labels)

    def _suggest_widen(self, turn: Turn) -> None:
        say = self.wording.say
        turn.suggest(say("suggestions.further"), say("suggestions.person"), say("suggestions.start_again"))

    def _need_words(self, needs: list[str]) -> str:
        if not needs:
            return self.wording.say("results.your_search")
        if len(needs) == 1:
            return needs[0]
        return ", ".join(needs[:-1]) + self.wording.say("results.and") + needs[-1]

    @staticmethod
    def _remember_needs(state: ChatState, found: Found) -> None:
        if found.needs:
            state.needs, state.need_keys = found.needs[:3], found.need_keys[:3]
