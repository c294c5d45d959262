"""Pulling a published ORUK feed (API v1 or 3.0) into a staged import.

All pages of `GET {base}/services` are fetched (v1 `content`/`totalPages`/`number`, 3.0
`contents`/`total_pages`/`page_number`; 0- and 1-based page numbers both handled). A v1 list gives
no locations, so each service lacking `service_at_locations` is fetched from `/services/{id}`, a
few at a time, within a per-sync request cap. The services are written to one JSON file and
imported through the ordinary pipeline — the same report, preview, history and rollback.

"Complete" means every page and every detail arrived. Only a complete fetch may mark listings that
left the feed inactive; a partial one imports what it got (never a degraded record: a service
whose details failed is left out) and deactivates nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from navigator.config import Settings
from navigator.curation import staging
from navigator.curation.safe_http import FetchFailed, FetchRefused, HttpPolicy, SafeHttp, check_url
from navigator.curation.staging import Staged
from navigator.ingest.readers.oruk_json import detect_version
from navigator.store import feeds_queries as fq
from navigator.store.db import Store
from navigator.util.atomic import atomic_write_text

Progress = Callable[[str, int, int], None]
PER_PAGE = 100
LIST_KEYS = ("contents", "content", "items", "data")


class FeedProblem(Exception):
    """The feed could not be used at all; the message says why."""


def base_url(url: str) -> str:
    """The API base a curator gave, normalised: https checked, trailing '/' and '/services' removed."""
    text = url.strip().rstrip("/")
    if text.lower().endswith("/services"):
        text = text[: -len("/services")]
    try:
        check_url(text)
    except FetchRefused as exc:
        raise FeedProblem(str(exc)) from exc
    return text


@dataclass
class FetchResult:
    version: str = "3.0"
    services: list[dict[str, Any]] = field(default_factory=list)
    listed_ids: list[str] = field(default_factory=list)
    pages: int = 0
    requests: int = 0
    complete: bool = True
    problems: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        self.complete = False
        if len(self.problems) < 50:
            self.problems.append(problem)


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self) -> bool:
        if self.used >= self.limit:
            return False
        self.used += 1
        return True


def _page_items(data: Any) -> tuple[list[Any], dict[str, Any]]:
    if isinstance(data, list):
        return data, {}
    if isinstance(data, dict):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                return data[key], data
    raise FeedProblem("the feed's /services did not return a list of services (no 'contents' or 'content')")


def _total_pages(envelope: dict[str, Any]) -> int | None:
    for key in ("total_pages", "totalPages"):
        value = envelope.get(key)
        if isinstance(value, int) and value >= 0:
            return value
    return None


def fetch_feed(
    client: SafeHttp, base: str, *, max_requests: int, concurrency: int, progress: Progress | None = None
) -> FetchResult:
    tick = progress or (lambda stage, done, total: None)
    result = FetchResult()
    budget = _Budget(max_requests)
    seen: set[str] = set()
    page, first_page, total = 1, True, None
    while True:
        if not budget.take():
            result.note(f"stopped after {max_requests:,} requests (NAVIGATOR_FEED_MAX_REQUESTS)")
            break
        try:
            data = client.get_json(f"{base}/services?page={page}&per_page={PER_PAGE}")
        except (FetchFailed, FetchRefused) as exc:
            if first_page:
                raise FeedProblem(str(exc)) from exc
            result.note(f"page {page}: {exc}")
            break
        items, envelope = _page_items(data)
        if first_page:
            result.version = detect_version(data, items)
            # A 0-based API (Spring style) answers page=1 with its second page: go back for page 0.
            if (
                envelope.get("first", envelope.get("first_page")) is False
                and envelope.get("number", envelope.get("page_number")) == 1
            ):
                page = 0
                first_page = False
                continue
        first_page = False
        total = _total_pages(envelope)
        result.pages += 1
        fresh = [i for i in items if isinstance(i, dict) and str(i.get("id", "")) not in seen]
        for item in fresh:
            seen.add(str(item.get("id", "")))
            result.services.append(item)
        tick("fetching", result.pages, total or result.pages)
        last = envelope.get("last", envelope.get("last_page")) is True
        if not envelope or last or not items or not fresh or (total is not None and result.pages >= total):
            break
        page += 1
    result.listed_ids = [str(s.get("id")) for s in result.services if s.get("id") not in (None, "")]
    if result.version == "1.0":
        _fetch_details(client, base, result, budget, concurrency, tick)
    result.requests = budget.used
    return result


def _fetch_details(
    client: SafeHttp, base: str, result: FetchResult, budget: _Budget, concurrency: int, tick: Progress
) -> None:
    wanted = [i for i, s in enumerate(result.services) if "service_at_locations" not in s and s.get("id")]
    if not wanted:
        return
    done = 0
    failed: set[int] = set()

    def one(index: int) -> tuple[int, Any, str | None]:
        sid = str(result.services[index]["id"])
        if not budget.take():
            return index, None, "request cap reached"
        try:
            return index, client.get_json(f"{base}/services/{quote(sid, safe='')}"), None
        except (FetchFailed, FetchRefused) as exc:
            return index, None, str(exc)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="feed-detail") as pool:
        for index, detail, problem in pool.map(one, wanted):
            done += 1
            tick("details", done, len(wanted))
            if isinstance(detail, dict) and isinstance(detail.get("content"), dict):
                detail = detail["content"]  # some APIs wrap a single object
            if (
                problem
                or not isinstance(detail, dict)
                or str(detail.get("id")) != str(result.services[index]["id"])
            ):
                failed.add(index)
                result.note(
                    f"service {result.services[index]['id']}: {problem or 'detail was not that service'}"
                )
                continue
            result.services[index] = detail
    if failed:
        result.services = [s for i, s in enumerate(result.services) if i not in failed]


def fetch_to_staged(
    store: Store,
    settings: Settings,
    feed_name: str,
    *,
    actor: str,
    client: SafeHttp | None = None,
    progress: Progress | None = None,
) -> Staged:
    """Fetch a registered feed into a new staged import (kind "feed"). Raises FeedProblem."""
    with store.write() as session:
        feed = fq.feed_by_name(session, feed_name)
        if feed is None:
            raise FeedProblem(f"there is no feed called '{feed_name}'; add it first")
        feed_id, base = feed.id, feed.base_url
        sync_id = fq.start_sync(session, feed.id, actor).id
    owned = client is None
    client = client or SafeHttp(HttpPolicy.from_settings(settings))
    try:
        result = fetch_feed(
            client, base, max_requests=settings.feed_max_requests, concurrency=settings.feed_concurrency,
            progress=progress,
        )  # fmt: skip
    except FeedProblem as exc:
        with store.write() as session:
            fq.update_sync(session, sync_id, status="failed", message=str(exc))
        raise
    finally:
        if owned:
            client.close()
    staged = staging.new_staged(settings, actor, feed_name, kind="feed")
    folder = staged.folder(staging.uploads_root(settings))
    envelope = "content" if result.version == "1.0" else "contents"
    atomic_write_text(folder / "files" / "json" / "feed.json", json.dumps({envelope: result.services}))
    atomic_write_text(folder / "feed_ids.json", json.dumps(result.listed_ids))
    staged.paths = ["files/json/feed.json"]
    staged.names = [base + "/services"]
    staged.feed_id, staged.feed_sync_id, staged.feed_complete = feed_id, sync_id, result.complete
    staged.extra = {
        "display": {"files/json/feed.json": base + "/services"},
        "feed": {
            "url": base,
            "version": result.version,
            "pages": result.pages,
            "requests": result.requests,
            "services": len(result.services),
            "problems": result.problems,
        },
    }
    staging.save(staging.uploads_root(settings), staged)
    with store.write() as session:
        fq.update_sync(
            session,
            sync_id,
            status="fetched",
            oruk_version=result.version,
            pages=result.pages,
            services=len(result.services),
            requests=result.requests,
            message="; ".join(result.problems[:5]) or None,
        )
    return staged
