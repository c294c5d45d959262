"""Locust load for Navigator: three kinds of people at once, weighted as a live service would see them.

- `ApiClient` (weight 4): other systems and the widget's search box calling GET /api/search with a
  "what matters to you" text, often a postcode or town and sometimes filters (free, age, day, mode,
  category, radius, the next page).
- `Browser` (weight 4): a navigator on the website: the home page, a results page (with a place and
  now and then a filter or page 2), then one or two listings clicked from those results.
- `ChatResident` (weight 2): a resident in the chat widget on a council's site (its Origin, allowed
  by the server): open → need → place when asked → one or two follow-ups, the conversation token
  carried from turn to turn.

Texts come from the workload file named by NAVIGATOR_LOAD_WORKLOAD (written by bench/load/run.py
from the store under test: its categories, towns, postcodes and the need vocabulary), else from the
built-in lists. Half the searches are popular requests sent verbatim (as many people send them);
the rest are composed (greeting + need + wish), so the query embedding and parsing run too.
A reply that is not what a person would need (wrong status, no results list, no chat messages, a
listing link that 404s) counts as a failure.

    locust -f bench/load/locustfile.py --host http://127.0.0.1:8000 --headless -u 20 -r 5 -t 60s
"""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path
from typing import Any

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).parent))
from load_workload import CHAT_FOLLOW, CHAT_NEED, CHAT_OPEN, CHAT_PLACE, HOME, LISTING, RESULTS, SEARCH, load

WORKLOAD = load(os.environ.get("NAVIGATOR_LOAD_WORKLOAD"))
ORIGIN = os.environ.get("NAVIGATOR_LOAD_ORIGIN", "https://council.example")
LISTING_LINK = re.compile(r'href="(/listing/[^"#?]+)"')
RNG = random.Random()
FIRST_NEED = "I need a food bank"  # the chat asks where for this one


def need_text(rng: random.Random) -> str:
    """A request as someone types it: popular verbatim half the time, else composed."""
    if rng.random() < 0.5:
        return rng.choice(WORKLOAD["popular"])
    pool = WORKLOAD["needs"] + WORKLOAD["phrasings"]
    return (rng.choice(WORKLOAD["prefixes"]) + rng.choice(pool) + rng.choice(WORKLOAD["suffixes"])).strip()


def search_params(rng: random.Random) -> dict[str, Any]:
    params: dict[str, Any] = {"q": need_text(rng)}
    if rng.random() < 0.6:
        params["postcode"] = rng.choice(WORKLOAD["places"])
        if rng.random() < 0.5:
            params["radius_km"] = rng.choice([2, 5, 10, 16, 25])
    for name, chance, values in (
        ("free", 0.15, [True]),
        ("age", 0.1, [8, 15, 30, 72, 85]),
        ("day", 0.1, ["monday", "sat", "WE"]),
        ("mode", 0.08, ["in_person", "online", "phone"]),
        ("category", 0.08, WORKLOAD["categories"]),
    ):
        if rng.random() < chance:
            params[name] = rng.choice(values)
    if rng.random() < 0.1:
        params["offset"] = 10
    return params


class ApiClient(FastHttpUser):
    weight = 4
    wait_time = between(0.5, 2.0)

    @task
    def search(self) -> None:
        with self.client.get("/api/search", params=search_params(RNG), name=SEARCH, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}: {r.text[:200]}")
            elif not isinstance(r.json().get("results"), list):
                r.failure("no results list in the answer")


class Browser(FastHttpUser):
    weight = 4
    wait_time = between(0.5, 2.0)

    first = True

    @task
    def visit(self) -> None:
        rng = RNG
        first, self.first = self.first, False
        if first or rng.random() < 0.3:  # a first visit starts at home; later ones mostly from a search
            self._page("/", HOME)
            self.wait()
        form: dict[str, Any] = {"q": rng.choice(WORKLOAD["popular"]) if first else need_text(rng)}
        if not first:
            if rng.random() < 0.7:
                form["where"] = rng.choice(WORKLOAD["places"])
                if rng.random() < 0.4:
                    form["radius"] = rng.choice([2, 5, 10, 20])
            if rng.random() < 0.15:
                form["free"] = "1"
            if rng.random() < 0.1:
                form["page"] = 2
        html = self._page("/", RESULTS, form, links=first)
        links = LISTING_LINK.findall(html)
        for path in rng.sample(links, min(len(links), rng.choice([1, 1, 2]))):
            self.wait()
            self._page(path, LISTING)

    def _page(self, path: str, name: str, params: dict[str, Any] | None = None, links: bool = False) -> str:
        """GET a page; a failure unless it is HTML (and, with `links`, lists at least one listing:
        a first search with no place or filter that finds nothing means the directory is not served)."""
        with self.client.get(path, params=params, name=name, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code} for {path}")
                return ""
            body = r.text or ""
            if "<html" not in body[:500].lower():
                r.failure("not an HTML page")
            elif links and not LISTING_LINK.search(body):
                r.failure(f"no listing links on the results page for {params}")
            return body


class ChatResident(FastHttpUser):
    weight = 2
    wait_time = between(0.5, 2.0)

    first = True

    @task
    def conversation(self) -> None:
        rng = RNG
        token: str | None = None
        # A first conversation opens the widget (the disclosure), names a need the chat must place
        # and follows up: every kind of turn, early. Later ones vary.
        first, self.first = self.first, False
        if first or rng.random() < 0.5:
            token, _ = self._say("", token, CHAT_OPEN)
            self.wait()
        message = FIRST_NEED if first else need_text(rng)
        if not first and rng.random() < 0.4:
            message = f"{message} in {rng.choice(WORKLOAD['places'])}"
        token, body = self._say(message, token, CHAT_NEED)
        if body is not None and _asks_place(body):
            self.wait()
            token, body = self._say(rng.choice(WORKLOAD["places"]), token, CHAT_PLACE)
        for _ in range(rng.choice([1, 1, 2])):
            if body is None:
                return
            self.wait()
            token, body = self._say(rng.choice(WORKLOAD["follow_ups"]), token, CHAT_FOLLOW)

    def _say(self, message: str, token: str | None, name: str) -> tuple[str | None, dict[str, Any] | None]:
        payload = {"message": message, "conversation": token}
        headers = {"Origin": ORIGIN}
        with self.client.post(
            "/api/chat", json=payload, headers=headers, name=name, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"status {r.status_code}: {r.text[:200]}")
                return token, None
            body: dict[str, Any] = r.json()
            if not body.get("messages") or not isinstance(body.get("conversation"), str):
                r.failure("a chat answer without messages or conversation token")
                return token, None
            return body["conversation"], body


def _asks_place(body: dict[str, Any]) -> bool:
    return any(m.get("asks") == "place" for m in body.get("messages", []))
