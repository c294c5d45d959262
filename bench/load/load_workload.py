"""What the simulated people ask for: hand-written "what matters to you" requests and chat lines,
plus the directory's own vocabulary (the need phrasings of needs.toml, the categories, towns and
postcodes in the store under test). Written to a JSON file that the locustfile reads, so the
load draws from the directory being served rather than one repeated string."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

# Request names in locust's statistics: one per kind of request the report breaks down.
SEARCH = "api: search"
HOME, RESULTS, LISTING = "page: home", "page: results", "page: listing"
CHAT_OPEN, CHAT_NEED, CHAT_PLACE, CHAT_FOLLOW = "chat: open", "chat: need", "chat: place", "chat: follow-up"
NAMES = [SEARCH, HOME, RESULTS, LISTING, CHAT_OPEN, CHAT_NEED, CHAT_PLACE, CHAT_FOLLOW]

# Requests in residents' and navigators' own words; the first ones double as the "popular" queries
# that many people send (answered from the server's caches), the rest are varied by compose().
NEEDS = [
    "food bank",
    "lonely since my wife died",
    "help with debt",
    "carers support group",
    "mental health support",
    "somewhere to talk about feeling anxious",
    "support for carers of someone with dementia",
    "help with my gas and electric bill",
    "parent and toddler group",
    "men's shed",
    "citizens advice",
    "a knitting group",
    "exercise class for older people",
    "youth club for my son",
    "bereavement support after losing my mum",
    "help filling in benefit forms",
    "somewhere warm to go in the day",
    "free legal advice about my housing",
    "walking group",
    "stop smoking",
    "support after a stroke",
    "someone to visit my dad at home, he's on his own",
    "my teenage daughter is being bullied and won't go to school",
    "I've just moved here and don't know anyone",
    "help getting back to work after being ill",
    "art class for people with low mood",
    "domestic abuse advice",
    "alcohol support for my partner",
    "English classes for refugees",
    "group for new mums feeling low",
    "memory cafe",
    "help with shopping, I can't get out much",
    "autism support for parents",
    "support for veterans",
    "singing group",
    "digital skills, help using a computer",
    "hearing loss support",
    "something to do on a Saturday with the kids",
    "help with rent arrears",
    "cooking on a budget",
]
POPULAR = 12  # NEEDS[:POPULAR] are also sent verbatim, as often as all composed queries together
PREFIXES = ["", "", "", "Hi, ", "Please help. ", "Looking for ", "Is there any ", "I need ", "any ideas? "]
SUFFIXES = ["", "", "", " please", " this week", " for my mum", " in the evenings", " if possible", " asap"]
CHAT_FOLLOW_UPS = [
    "anything free?",
    "something else",
    "closer to home",
    "what about weekends",
    "online instead",
    "look further away",
    "is there anything for a 14 year old?",
    "thanks",
]
# Used when the store offers no towns / postcodes (the locustfile run on its own).
DEFAULT_PLACES = ["Hythe", "Folkestone", "CT20", "CT21 5AQ", "Bristol", "BS5", "Scunthorpe", "DN15", "Leeds"]
DEFAULT_CATEGORIES = ["Food", "Older people", "Loneliness & befriending", "Mental health", "Money advice"]


def vocabulary_phrasings(limit: int = 400, seed: int = 3) -> list[str]:
    """A sample of every phrasing the need vocabulary lists (slots expanded), e.g. "lost my husband"."""
    from navigator.search.understand.vocabulary import load_vocabulary

    phrasings = sorted(
        {e for spec in load_vocabulary().needs.values() for e in spec.examples if "*" not in e}
    )
    random.Random(seed).shuffle(phrasings)
    return phrasings[:limit]


def directory_terms(data_dir: Path, limit: int = 60) -> dict[str, list[str]]:
    """The most used categories, and the towns and postcodes of venues, in the store at `data_dir`."""
    import sqlite3

    db = sqlite3.connect(f"file:{data_dir / 'navigator.db'}?mode=ro", uri=True)
    try:
        categories = [
            r[0]
            for r in db.execute(
                "SELECT t.term FROM service_taxonomy_term s "
                "JOIN taxonomy_term t ON t.id = s.taxonomy_term_id "
                "GROUP BY t.term ORDER BY count(*) DESC LIMIT ?",
                (limit,),
            )
        ]
        towns = [
            r[0]
            for r in db.execute("SELECT DISTINCT city FROM address WHERE city IS NOT NULL LIMIT ?", (limit,))
        ]
        postcodes = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT postal_code FROM address WHERE postal_code IS NOT NULL LIMIT ?", (limit,)
            )
        ]
    finally:
        db.close()
    outcodes = sorted({p.split(" ")[0] for p in postcodes})
    return {"categories": categories, "places": [*towns, *postcodes, *outcodes]}


def build(data_dir: Path | None, extra_places: list[str] | None = None) -> dict[str, Any]:
    """The workload for the store at `data_dir` (or the defaults alone when None)."""
    terms = directory_terms(data_dir) if data_dir else {"categories": [], "places": []}
    places = list(dict.fromkeys([*terms["places"], *(extra_places or [])])) or DEFAULT_PLACES
    return {
        "needs": NEEDS,
        "popular": NEEDS[:POPULAR],
        "phrasings": vocabulary_phrasings(),
        "prefixes": PREFIXES,
        "suffixes": SUFFIXES,
        "follow_ups": CHAT_FOLLOW_UPS,
        "places": places,
        "categories": terms["categories"] or DEFAULT_CATEGORIES,
    }


def write(path: Path, workload: dict[str, Any]) -> Path:
    path.write_text(json.dumps(workload, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def load(path: str | None) -> dict[str, Any]:
    """The workload file at `path`, or the built-in lists alone."""
    if path:
        data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
        return data
    return build(None)
