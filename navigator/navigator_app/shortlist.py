"""The navigator's working shortlist, kept in one cookie so it survives reloads, needs no login and
works the same with and without JavaScript (the script only saves a page load).

The cookie holds public listing ids, each with the need it was added for (a vocabulary key), and
the area of the search (an outward code or town, never a full postcode): nothing about the person.
It is not signed because there is nothing to trust in it: every value is checked when read and
listing ids are looked up again, so an edited cookie can only change its owner's own shortlist.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field

from navigator.geo.postcodes import outward_code

COOKIE = "navigator_shortlist"
MAX_ITEMS = 30
MAX_AGE_SECONDS = 24 * 3600  # a tablet is shared: yesterday's resident's list should not linger
MAX_ID_CHARS = 300
_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,300}$")
_KEY = re.compile(r"^[a-z0-9_]{1,80}$")
_AREA = re.compile(r"^[A-Za-z0-9 ,.'&()\-]{1,100}$")


@dataclass(frozen=True)
class Item:
    listing_id: str
    need: str | None = None  # need vocabulary key it was added for


@dataclass
class Shortlist:
    items: list[Item] = field(default_factory=list)
    area: str | None = None  # outward code or town of the search it was built from

    @property
    def ids(self) -> list[str]:
        return [i.listing_id for i in self.items]

    def __contains__(self, listing_id: object) -> bool:
        return any(i.listing_id == listing_id for i in self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, listing_id: str, need: str | None = None, area: str | None = None) -> bool:
        """Add (or keep) a listing; False when the shortlist is full."""
        if not valid_id(listing_id):
            raise ValueError("not a listing id")
        if area:
            self.area = clean_area(area) or self.area
        for n, item in enumerate(self.items):
            if item.listing_id == listing_id:
                if need and not item.need:
                    self.items[n] = Item(listing_id, need)
                return True
        if len(self.items) >= MAX_ITEMS:
            return False
        self.items.append(Item(listing_id, need if need and _KEY.match(need) else None))
        return True

    def remove(self, listing_id: str) -> bool:
        before = len(self.items)
        self.items = [i for i in self.items if i.listing_id != listing_id]
        return len(self.items) < before

    def need_keys(self) -> list[str]:
        return list(dict.fromkeys(i.need for i in self.items if i.need))


def valid_id(value: object) -> bool:
    return isinstance(value, str) and bool(_ID.match(value)) and value == value.strip()


def clean_area(value: str | None) -> str | None:
    """An area fit to keep: a full postcode becomes its outward code; anything odd is dropped."""
    text = " ".join((value or "").split())[:100]
    if not text:
        return None
    code = outward_code(text)
    if code:
        return code
    return text if _AREA.match(text) else None


def decode(cookie: str | None) -> Shortlist:
    """The shortlist in a cookie value; an empty one for anything missing, old or malformed."""
    if not cookie or len(cookie) > 6000:
        return Shortlist()
    try:
        raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return Shortlist()
    if not isinstance(data, dict) or data.get("v") != 1 or not isinstance(data.get("i"), list):
        return Shortlist()
    shortlist = Shortlist(area=clean_area(data["a"]) if isinstance(data.get("a"), str) else None)
    for entry in data["i"][:MAX_ITEMS]:
        if isinstance(entry, list) and entry and valid_id(entry[0]):
            need = entry[1] if len(entry) > 1 and isinstance(entry[1], str) else None
            shortlist.add(entry[0], need)
    return shortlist


def encode(shortlist: Shortlist) -> str:
    data = {
        "v": 1,
        "i": [[i.listing_id, i.need] if i.need else [i.listing_id] for i in shortlist.items],
        "a": shortlist.area,
    }
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
