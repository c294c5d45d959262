"""Possible duplicates, within and across sources: alike names plus shared evidence.

Nothing is merged automatically: pairs are reported and stored for a curator to review.
Candidate pairs come from blocking keys (postcode, phone, website, rare name words) so the cost
grows with the batch, not with the square of the directory.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from navigator.geo.postcodes import normalise_postcode

# Hosts shared by unrelated services: a shared one proves nothing.
_SHARED_HOSTS = {
    "facebook.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "linktr.ee",
    "eventbrite.co.uk",
    "eventbrite.com",
    "sites.google.com",
    "google.com",
    "docs.google.com",
    "forms.gle",
    "wixsite.com",
    "gov.uk",
    "nhs.uk",
    "bristol.gov.uk",
    "northlincs.gov.uk",
    "wordpress.com",
    "meetup.com",
    "youtube.com",
    "bit.ly",
    "example.org",
    "example.com",
}
_NAME_STOP = {
    "the",
    "and",
    "of",
    "for",
    "in",
    "at",
    "a",
    "an",
    "to",
    "service",
    "services",
    "group",
    "club",
    "support",
    "centre",
    "center",
    "project",
    "inc",
    "ltd",
    "cic",
    "charity",
    "trust",
    "uk",
    "&",
}


@dataclass
class DedupeEntry:
    service_id: int
    source: str
    source_id: str
    name: str
    organisation: str | None = None
    postcodes: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)
    description: str | None = None  # the first few hundred characters are enough to tell services apart


@dataclass(frozen=True)
class DuplicatePair:
    a: DedupeEntry
    b: DedupeEntry
    score: float
    reasons: tuple[str, ...]


def fold(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def website_host(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    host = host.removeprefix("www.")
    if not host or host in _SHARED_HOSTS or any(host.endswith("." + h) for h in _SHARED_HOSTS):
        return None
    return host


def _name_tokens(name: str) -> set[str]:
    return {t for t in fold(name).split() if t not in _NAME_STOP and len(t) > 2}


def _is_uk_unit_postcode(code: str) -> bool:
    """A full UK postcode names a few dozen addresses; a US ZIP or an outward code a whole district."""
    return normalise_postcode(code) == code


def judge(
    a: DedupeEntry, b: DedupeEntry, name_threshold: float, common: frozenset[str] = frozenset()
) -> DuplicatePair | None:
    """Are two listings possibly the same service? Alike names plus at least one shared fact,
    and no contradicting address (site-level listings of one organisation are not duplicates)."""
    name_score = fuzz.token_sort_ratio(fold(a.name), fold(b.name))
    if name_score < name_threshold or _names_differ_where_it_matters(a.name, b.name):
        return None
    reasons = [f"names {name_score:.0f}% alike"]
    both_orgs = bool(a.organisation and b.organisation)
    org_score = fuzz.token_sort_ratio(fold(a.organisation), fold(b.organisation)) if both_orgs else 0.0
    if both_orgs and org_score < 60:
        return None  # one name, two providers: e.g. site names such as "HIALEAH" used by many agencies
    same_org = org_score >= 90
    if a.description and b.description:
        described = fuzz.token_sort_ratio(fold(a.description[:400]), fold(b.description[:400]))
        if a.source == b.source and described < 85:
            return None  # one publisher, one (site) name, different services described
        if described >= 80:
            reasons.append(f"descriptions {described:.0f}% alike")
    if a.postcodes and b.postcodes and not a.postcodes & b.postcodes:
        return None  # same name at different addresses: separate sites
    # Shared facts count as evidence only when specific: a switchboard number or an umbrella
    # website used by many listings proves nothing.
    shared_postcode = {p for p in a.postcodes & b.postcodes if _is_uk_unit_postcode(p)}
    shared_phone = (a.phones & b.phones) - common
    shared_host = (a.hosts & b.hosts) - common
    if shared_postcode:
        reasons.append(f"same postcode {sorted(shared_postcode)[0]}")
    if shared_phone:
        reasons.append(f"same phone {sorted(shared_phone)[0]}")
    if shared_host:
        reasons.append(f"same website {sorted(shared_host)[0]}")
    if same_org:
        reasons.append("same organisation")
    evidence = bool(shared_postcode or shared_phone or shared_host)
    if not (evidence or (same_org and name_score >= 97)):
        return None
    score = round(0.7 * name_score + 0.3 * (org_score if same_org else 50.0), 1)
    return DuplicatePair(a, b, score, tuple(reasons))


def _names_differ_where_it_matters(a: str, b: str) -> bool:
    """Alike overall but with different distinguishing words: "Tai Chi (6-8 year olds)" vs
    "(9-11 year olds)", "U3A - Qi Gong" vs "U3A - Quiz Group" are sibling services, not copies."""
    ta, tb = set(fold(a).split()), set(fold(b).split())
    only_a, only_b = ta - tb, tb - ta
    if not only_a or not only_b:
        return False
    return fuzz.ratio(" ".join(sorted(only_a)), " ".join(sorted(only_b))) < 75


def find_duplicates(
    touched: Iterable[DedupeEntry],
    everyone: Iterable[DedupeEntry],
    name_threshold: float = 88.0,
    ignore_pairs: set[tuple[int, int]] | None = None,
) -> list[DuplicatePair]:
    """Pairs (touched × everyone) that look like the same service. `ignore_pairs` holds
    (smaller id, larger id) pairs a curator already judged."""
    everyone = list(everyone)
    blocks: dict[str, list[DedupeEntry]] = defaultdict(list)
    token_freq: dict[str, int] = defaultdict(int)
    for e in everyone:
        for token in _name_tokens(e.name):
            token_freq[token] += 1
    rare_limit = max(50, len(everyone) // 200)

    def keys(e: DedupeEntry) -> set[str]:
        ks = {f"pc:{p}" for p in e.postcodes} | {f"ph:{p}" for p in e.phones} | {f"web:{h}" for h in e.hosts}
        ks |= {f"name:{w}" for w in _name_tokens(e.name) if token_freq.get(w, 0) <= rare_limit}
        if not ks and fold(e.name):
            ks.add(f"full:{fold(e.name)}")
        return ks

    for e in everyone:
        for k in keys(e):
            blocks[k].append(e)
    common = frozenset(
        k.split(":", 1)[1] for k, members in blocks.items() if k[:3] in ("ph:", "web") and len(members) > 5
    )
    ignore = ignore_pairs or set()
    seen: set[tuple[int, int]] = set()
    found: list[DuplicatePair] = []
    for mine in touched:
        for k in keys(mine):
            for other in blocks.get(k, ()):
                if other.service_id == mine.service_id:
                    continue
                pair = (min(mine.service_id, other.service_id), max(mine.service_id, other.service_id))
                if pair in seen or pair in ignore:
                    continue
                seen.add(pair)
                verdict = judge(mine, other, name_threshold, common)
                if verdict:
                    found.append(verdict)
    found.sort(key=lambda p: -p.score)
    return found
