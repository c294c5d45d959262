"""What a search is asked (`SearchRequest`) and what it answers (`SearchResponse`), for the API, CLI,
eval and chat alike. Validation messages are written for the person who sent the request."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

MAX_LIMIT = 50
MAX_OFFSET = 500
MAX_RADIUS_KM = 200.0
MAX_QUERY_CHARS = 1000  # longer messages are cut at a sentence/word boundary before this
DAY_ALIASES = {
    "mo": "MO",
    "mon": "MO",
    "monday": "MO",
    "tu": "TU",
    "tue": "TU",
    "tues": "TU",
    "tuesday": "TU",
    "we": "WE",
    "wed": "WE",
    "wednesday": "WE",
    "th": "TH",
    "thu": "TH",
    "thur": "TH",
    "thurs": "TH",
    "thursday": "TH",
    "fr": "FR",
    "fri": "FR",
    "friday": "FR",
    "sa": "SA",
    "sat": "SA",
    "saturday": "SA",
    "su": "SU",
    "sun": "SU",
    "sunday": "SU",
}
MODE_ALIASES = {
    "in_person": "in_person",
    "in-person": "in_person",
    "in person": "in_person",
    "inperson": "in_person",
    "online": "online",
    "phone": "phone",
    "telephone": "phone",
    "home_visit": "home_visit",
    "home visit": "home_visit",
    "home-visit": "home_visit",
}


class SearchInputError(ValueError):
    """A request that cannot be searched as given; `field` names the parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class SearchRequest(BaseModel):
    q: str = ""
    postcode: str | None = None
    radius_km: float | None = None
    radius_miles: float | None = None
    free: bool | None = None
    age: int | None = None
    day: str | None = None
    category: str | None = None
    mode: str | None = None
    limit: int = 10
    offset: int = 0
    include_inactive: bool = False


class Why(BaseModel):
    need: str | None = Field(None, description="The need this result answers, as shown to people.")
    sentence: str | None = Field(None, description="The sentence of the description that best matches.")
    facts: list[str] = Field(default_factory=list, description='What qualified it: "2.1 km away", "free".')
    text: str = Field("", description="All of the above as one line.")


class Contacts(BaseModel):
    phones: list[str] = Field(default_factory=list)
    email: str | None = None
    website: str | None = None
    address: str | None = None


class SearchResult(BaseModel):
    id: str = Field(description="The id the listing's source published.")
    source: str
    name: str
    organisation: str | None = None
    score: float
    need: str | None = None
    why: Why
    distance_km: float | None = None
    contacts: Contacts
    next_opening: str | None = None
    last_verified: str | None = None
    possibly_out_of_date: bool = False
    categories: list[str] = Field(default_factory=list)


class NeedOut(BaseModel):
    key: str
    label: str
    matched: str


class PlaceOut(BaseModel):
    label: str
    kind: str
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None


class UnderstoodOut(BaseModel):
    text: str
    needs: list[NeedOut] = Field(default_factory=list)
    place: PlaceOut | None = None
    age: int | None = None
    life_stage: str | None = None
    filters: dict[str, Any] = Field(default_factory=dict, description="Filters applied (hard constraints).")
    preferences: dict[str, Any] = Field(default_factory=dict, description="Wishes that ranked, not filtered.")
    repairs: list[list[str]] = Field(default_factory=list)
    messages: list[str] = Field(
        default_factory=list, description="Notes for the person (unknown postcode ...)."
    )
    mode: str = Field("search", description='"search", or "browse" when only filters were given.')


class IndexInfo(BaseModel):
    build_id: str | None
    built_at: str | None = None
    count: int = 0
    stale: bool = Field(
        default=False, description="The directory has changed since this index build (a rebuild follows)."
    )
    backend: str | None = None
    fallback: bool = Field(
        default=False,
        description="An older build is serving: the newest published one could not be loaded (see note).",
    )
    note: str | None = Field(
        default=None,
        description=(
            "Why these results may not reflect the newest data, for the people running the service: "
            "an older build is serving because the newest could not be loaded, or the directory changed."
        ),
    )


class SearchResponse(BaseModel):
    results: list[SearchResult]
    total: int = Field(description="How many listings passed the filters and matched (before paging).")
    limit: int
    offset: int
    query: UnderstoodOut
    index: IndexInfo
    took_ms: float = 0.0
