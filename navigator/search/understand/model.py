"""What query understanding returns, and the small protocols it accepts (gazetteer, embedder).

The search core and the chat engine code against these types; fields may be added, never renamed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class Need:
    """One thing the person is looking for, with the words that find services meeting it."""

    key: str  # "bereavement"
    label: str  # "bereavement support" — shown to people: "Looking for: bereavement support"
    expansion: str  # words real listings use for services that meet this need (embed / BM25 these)
    matched: str  # the words in the message that signalled it ("since the funeral")
    score: float  # confidence 0–1
    # Conditions folded into this need rather than listed as separate needs: "something musical for
    # dad, he has Alzheimer's" is ONE need (arts) with a condition (dementia). Their core words are
    # already in `expansion`; keys/labels are here for display ("music and arts — dementia").
    qualifiers: tuple[str, ...] = ()
    qualifier_labels: tuple[str, ...] = ()
    # Directory categories / taxonomy terms that commonly mark services meeting this need
    # ("Bereaved", "Carers"); a ranking hint for the search core, not a filter.
    categories: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        """The label with any folded conditions: "social groups (autism)"."""
        if not self.qualifier_labels:
            return self.label
        return f"{self.label} ({', '.join(self.qualifier_labels)})"


@dataclass(frozen=True)
class Place:
    """A place named in the message: a full postcode, an outward code or a town/area."""

    kind: str  # "postcode" | "outcode" | "town"
    label: str  # "DN15", "Hythe", "CT21 5AB"
    lat: float | None
    lon: float | None
    outcodes: tuple[str, ...]
    matched: str  # the span of the message that named it


@runtime_checkable
class Gazetteer(Protocol):
    def find_place(self, name: str) -> Place | None:
        """A town/area present in the directory, or a UK outward code / postcode; None if unknown."""
        ...

    def place_names(self) -> Iterable[str]:
        """Lower-cased place names to scan messages for."""
        ...


@runtime_checkable
class QueryEmbedder(Protocol):
    """Anything with `embed_query(text) -> unit vector`; `navigator.search.embedder.Embedder` fits.

    If it also has `embed_documents(texts)` and `model_id`, phrasing vectors are batched and
    cached per model."""

    def embed_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class UnderstoodQuery:
    original: str
    text: str  # cleaned text to embed: place words, ages, filler removed; typos/text-speak repaired
    needs: list[Need]  # 0..3, most confident first; genuinely separate needs only
    place: Place | None
    age: int | None
    life_stage: str | None  # "new parent" | "parent" | "child" | "young person" | "older person" ...
    free: bool | None
    days: list[str]  # ORUK/iCal day codes: "MO" ... "SU"
    times: list[str]  # "morning" | "afternoon" | "evening"
    modes: list[str]  # "online" | "phone" | "home_visit" | "in_person"
    about_someone_else: str | None  # "my daughter", "mum" — who the support is for, if not the writer
    is_case_note: bool = False  # written by a worker about a client ("Case note: 82F ...")
    repairs: tuple[tuple[str, str], ...] = field(default=())  # (typed, repaired) pairs, for "did you mean"

    @property
    def need_keys(self) -> list[str]:
        return [n.key for n in self.needs]

    def expansion_text(self) -> str:
        """`text` followed by every need's expansion: one string to embed when not retrieving per need."""
        parts = [self.text, *(n.expansion for n in self.needs)]
        return ". ".join(p for p in parts if p)
