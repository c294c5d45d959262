"""What a conversation remembers between messages — and nothing more.

The state is the search the conversation has arrived at (the words that describe the need, with
place, age and filler taken out), the place and filters, which listings were already shown and
which step it is at. Never a transcript: each message is read, acted on and forgotten. It travels
sealed in the conversation token (navigator.chat.token), so the server keeps nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

STEPS = ("start", "need", "place", "results", "paused", "widen", "handoff")
MAX_TEXT_CHARS = 300  # the need words; the longest need statements fit with room to spare
MAX_SHOWN = 60  # listings remembered as shown (oldest forgotten first)
MAX_LABELS = 3


@dataclass
class ChatState:
    step: str = "start"
    text: str = ""  # the words that describe the need(s), as searched
    needs: list[str] = field(default_factory=list)  # need labels as shown ("bereavement support")
    need_keys: list[str] = field(default_factory=list)  # vocabulary keys, for hand-off summaries
    place: str | None = None  # what to search near: "CT21 5AQ", "CT21", "Hythe"
    place_kind: str | None = None  # "postcode" | "outcode" | "town"
    no_place: bool = False  # the person would rather not say where
    place_tries: int = 0  # place questions answered with something we could not find
    age: int | None = None
    who: str | None = None  # "my daughter": who the help is for, if not the person writing
    free: bool = False
    modes: list[str] = field(default_factory=list)
    days: list[str] = field(default_factory=list)
    radius_km: float | None = None
    shown: list[str] = field(default_factory=list)  # listing ids already shown
    area: str | None = None  # the widget's data-area (which site/team the chat sits on)
    turns: int = 0

    @property
    def has_search(self) -> bool:
        return bool(self.text)

    def remember_shown(self, ids: list[str]) -> None:
        for listing_id in ids:
            if listing_id not in self.shown:
                self.shown.append(listing_id)
        del self.shown[:-MAX_SHOWN]

    def clear_filters(self) -> None:
        self.free, self.modes, self.days = False, [], []

    def new_search(self, text: str, needs: list[str], keys: list[str]) -> None:
        self.text = text[:MAX_TEXT_CHARS]
        self.needs, self.need_keys = needs[:MAX_LABELS], keys[:MAX_LABELS]
        self.shown, self.radius_km = [], None
        # A new need is a new search: only the place carries over. ("It's for my daughter, she's 13"
        # said about food banks must not filter debt advice to 13-year-olds.)
        self.age, self.who = None, None
        self.clear_filters()

    def to_dict(self) -> dict[str, Any]:
        """Compact: fields at their default are left out of the token."""
        default = ChatState()
        return {k: v for k, v in asdict(self).items() if v != getattr(default, k)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatState:
        """Rebuild from a token; anything of the wrong shape falls back to its default."""
        state = cls()
        for f in fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            current = getattr(state, f.name)
            if isinstance(current, list):
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    setattr(state, f.name, value)
            elif f.name in ("age", "radius_km"):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    setattr(state, f.name, int(value) if f.name == "age" else float(value))
            elif f.name in ("place", "place_kind", "who", "area"):
                if isinstance(value, str):
                    setattr(state, f.name, value)
            elif isinstance(current, bool):
                if isinstance(value, bool):
                    setattr(state, f.name, value)
            elif isinstance(current, int):
                if isinstance(value, int) and not isinstance(value, bool):
                    setattr(state, f.name, value)
            elif isinstance(current, str) and isinstance(value, str):
                setattr(state, f.name, value)
        if state.step not in STEPS:
            state.step = "start"
        return state
