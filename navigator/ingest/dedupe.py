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


def judge(a: DedupeEntry, b: DedupeEntry, name_threshold: float) -> DuplicatePair | None:
    """Are two listings possibly the same service? Alike names plus at least one shared fact,
    and no contradicting address (site-level listings of one organisation are not duplicates)."""
    name_score = fuzz.token_sort_ratio(fold(a.name), fold(b.name))
    if name_score < name_threshold:
        return None
    reasons = [f"names {name_score:.0f}% alike"]
    org_score = (
        fuzz.token_sort_ratio(fold(a.organisation), fold(b.organisation))
        if a.organisation and b.organisation
        else 0.0
    )
    same_org = org_score >= 90
    shared_postcode = a.postcodes & b.postcodes
    shared_phone = a.phones & b.phones
    shared_host = a.hosts & b.hosts
    if a.postcodes and b.postcodes and not shared_postcode:
        return None  # same name at different addresses: separate sites
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
        for t in _name_tokens(e.name):
            token_freq[t] += 1
    rare_limit = max(50, len(everyone) // 200)

    def keys(e: DedupeEntry) -> set[str]:
        ks = {f"pc:{p}" for p in e.postcodes} | {f"ph:{p}" for p in e.phones} | {f"web:{h}" for h in e.hosts}
        ks |= {f"name:{t}" for t in _name_tokens(e.name) if token_freq.get(t, 0) <= rare_limit}
        if not ks and fold(e.name):
            ks.add(f"full:{fold(e.name)}")
        return ks

    for e in everyone:
        for k in keys(e):
            blocks[k].append(e)
    ignore = ignore_pairs or set()
    seen: set[tuple[int, int]] = set()
    found: list[DuplicatePair] = []
    for t in touched:
        for k in keys(t):
            for other in blocks.get(k, ()):
                if other.service_id == t.service_id:
                    continue
                pair = (min(t.service_id, other.service_id), max(t.service_id, other.service_id))
                if pair in seen or pair in ignore:
                    continue
                seen.add(pair)
                verdict = judge(t, other, name_threshold)
                if verdict:
                    found.append(verdict)
    found.sort(key=lambda p: -p.score)
    return found
