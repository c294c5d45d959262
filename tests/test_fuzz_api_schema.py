"""schemathesis over the app's own OpenAPI schema: every operation, public and signed-in, answers
without a 5xx and exactly as the schema says (declared status, declared content type, body matching
the declared schema).

One app (fake embedder, the sample directory imported and indexed) serves three callers:
`anonymous` (with an anonymous CSRF cookie and token, so forms get past the CSRF check), `navigator`
and `admin` (API tokens, as scripts call the API). Path ids are drawn from what schemathesis
generates *and* from ids that exist (listings, the import, a hand-off, a problem report, a staged
upload...), so handlers run past their "not found" branch. Generation is derandomised and seeded:
a failure reproduces on the next run. FUZZ_SCALE=K multiplies the examples per operation.

Regression tests for what this fuzz found follow the fuzz itself.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient, shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from test_fuzz_support import FUZZ_SCALE, examples

from navigator.app.factory import create_app
from navigator.config import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"
UPLOAD = Path(__file__).parent / "fixtures" / "fuzz" / "upload.csv"
BASE = "https://testserver"  # session cookies are Secure: the client must look like HTTPS
PASSWORD = "correct horse battery staple 42"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Examples per operation (times FUZZ_SCALE): public operations for anonymous callers, signed-in ones
# for an admin, and a couple each for callers who are refused (or, for navigators, served).
PUBLIC_EXAMPLES, ADMIN_EXAMPLES, OUTSIDER_EXAMPLES = 8, 6, 2

# The schema is the app's own: made here at import (nothing is opened until a request arrives),
# so pytest sees one test per operation. The requests go to the fixture's app, with its own store.
_SHAPE = create_app(Settings(data_dir=Path(tempfile.gettempdir()) / "navigator-fuzz-schema-only"))
schema = schemathesis.openapi.from_dict(_SHAPE.openapi())
schema.app = _SHAPE  # an ASGI app: schemathesis sends in-process (the fixture's client decides which)
schema.config.seed = 20240601
# The coverage phase (schemathesis's own boundary and wrong-type cases, hundreds per operation) is
# too slow for CI; a local FUZZ_SCALE=2 or more turns it on.
schema.config.phases.coverage.enabled = FUZZ_SCALE > 1


@dataclass
class Known:
    """Ids that exist in the fixture's store, offered for path parameters of the same name."""

    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, *values: object) -> None:
        self.ids.setdefault(name, []).extend(str(v) for v in values if v not in (None, ""))


KNOWN = Known()


@schema.hook
def flatmap_path_parameters(
    context: Any, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Half the time, put ids that exist in place of the generated ones."""
    swaps = {name: KNOWN.ids[name] for name in (path_parameters or {}) if KNOWN.ids.get(name)}
    if not swaps:
        return st.just(path_parameters)
    real = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in swaps.items()})
    return st.one_of(st.just(path_parameters), real.map(lambda chosen: {**path_parameters, **chosen}))


@dataclass
class Api:
    client: ASGIClient
    headers: dict[str, dict[str, str]]
    app: Any


def _settings(**values: Any) -> Settings:
    # Rate limits are lifted for the run (their 429s have their own tests); fields a branch lacks are skipped.
    return Settings(**{k: v for k, v in values.items() if k in Settings.model_fields})


def _wait_for_jobs(app: Any, seconds: float = 60) -> None:
    """Let queued curator jobs (previews, rollbacks) finish: the runner has one worker, so a no-op
    job queued now is done once everything before it is."""
    runner = getattr(app.state, "curator_jobs", None)
    if runner is None:
        return
    marker = runner.submit("fuzz-barrier", "fuzz", "wait", lambda job: "")
    stop = time.monotonic() + seconds
    while runner.get(marker.id) is not None and runner.get(marker.id).state != "done":
        if time.monotonic() > stop:
            raise AssertionError(f"curator jobs still running after {seconds} s")
        time.sleep(0.02)


def _seed_known(client: ASGIClient, admin: dict[str, str], anonymous: dict[str, str]) -> None:
    """Make one of everything the API can look up, and remember the ids."""
    query: dict[str, Any] = {"q": "support", "limit": 5}
    listings = client.get("/api/search", params=query).json()["results"]
    KNOWN.add("listing_id", *[r["id"] for r in listings], "sample:" + listings[0]["id"])
    KNOWN.add(
        "batch_id", *[b["id"] for b in client.get("/api/curator/imports", headers=admin).json()["imports"]]
    )
    first = listings[0]["id"]
    reported = client.post(
        f"/listing/{first}/report", data={"reason": "closed", "details": "fuzz"}, headers=anonymous
    )
    assert reported.status_code in (200, 303), reported.text[:300]
    problems = client.get("/api/curator/problems", headers=admin).json()["items"]
    KNOWN.add("report_id", *[p["id"] for p in problems])
    handoff: dict[str, Any] = {
        "consent": True,
        "name": "Sam",
        "contact_method": "email",
        "contact": "sam@example.org",
    }
    assert client.post("/api/chat/handoff", json=handoff).status_code == 201
    KNOWN.add("handoff_id", *[h["id"] for h in client.get("/api/inbox", headers=admin).json()["requests"]])
    KNOWN.add(
        "pair_id", *[p["id"] for p in client.get("/api/curator/duplicates", headers=admin).json()["items"]]
    )
    upload = client.post(
        "/curator/import",
        files={"files": ("upload.csv", UPLOAD.read_bytes(), "text/csv")},
        data={"source": "fuzz-upload"},
        headers={**admin, "accept": "application/json"},
    )
    assert upload.status_code == 202, upload.text[:300]
    job = upload.json()["job_id"]
    KNOWN.add("job_id", job)
    _wait_for_jobs(client.app)
    status = client.get(f"/api/curator/jobs/{job}", headers=admin).json()
    KNOWN.add("staged_id", status["result_url"].rsplit("/", 1)[-1])
    KNOWN.add("action", "verify", "close")
    KNOWN.add("fmt", "oruk-json", "spreadsheet")
    page: dict[str, Any] = {"per_page": 3}
    oruk = client.get("/oruk/services", params=page).json()["contents"]
    KNOWN.add("service_id", *[s["id"] for s in oruk])
    KNOWN.add("organization_id", *[s["organization"]["id"] for s in oruk if s.get("organization")])
    terms = client.get("/oruk/taxonomy_terms", params=page).json()["contents"]
    KNOWN.add("term_id", *[t["id"] for t in terms])
    KNOWN.add("taxonomy_id", *[t["taxonomy_id"] for t in terms if t.get("taxonomy_id")])


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from navigator.auth.tokens import create_token
    from navigator.auth.users import create_user
    from navigator.ingest.pipeline import import_paths
    from navigator.search.index_build import build_index
    from navigator.store.db import Store

    many = 1_000_000
    config = _settings(
        data_dir=tmp_path_factory.mktemp("fuzz-api") / "data",
        embedding_backend="fake",
        chat_rate_per_minute=many,
        search_rate_per_minute=many,
        import_rate_per_minute=many,
    )
    store = Store.open(config)
    import_paths(store, [SAMPLE], settings=config, source="sample")
    build_index(config, store)
    create_user(store, "admin@example.org", PASSWORD, "admin")
    create_user(store, "ned@example.org", PASSWORD, "navigator")
    admin_token, _ = create_token(store, "admin@example.org", "fuzz")
    navigator_token, _ = create_token(store, "ned@example.org", "fuzz")
    store.dispose()
    app = create_app(config)
    try:
        with ASGIClient(cast(Any, app), base_url=BASE) as client:
            page = client.get("/sign-in", headers={"accept": "text/html"})
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert found, "no CSRF token on /sign-in"
            headers = {
                "anonymous": {"X-CSRF-Token": found.group(1)},  # the anonymous cookie is in the client
                "navigator": {"Authorization": f"Bearer {navigator_token}"},
                "admin": {"Authorization": f"Bearer {admin_token}"},
            }
            _seed_known(client, headers["admin"], headers["anonymous"])
            yield Api(client, headers, app)
            _wait_for_jobs(app)
    finally:
        KNOWN.ids.clear()
        shutdown_lifespans()  # closes the store and the search service


def _guarded(ctx: Any) -> bool:
    """Operations that need a signed-in caller: the ones that declare a 401."""
    return "401" in ctx.operation.definition.raw.get("responses", {})


PUBLIC = schema.exclude(func=_guarded)
GUARDED = schema.include(func=_guarded)
SETTINGS: dict[str, Any] = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}


def _call(api: Api, case: Any, caller: str) -> None:
    case.call_and_validate(session=api.client, base_url=BASE, headers=api.headers[caller], checks=CHECKS)
    _wait_for_jobs(api.app)  # a job started by this call must not overlap the next one's store writes


@PUBLIC.parametrize()
@settings(max_examples=examples(PUBLIC_EXAMPLES), **SETTINGS)
def test_public_operations_answer_as_the_schema_says(case: Any, api: Api) -> None:
    _call(api, case, "anonymous")


@GUARDED.parametrize()
@settings(max_examples=examples(ADMIN_EXAMPLES), **SETTINGS)
def test_signed_in_operations_answer_an_admin_as_the_schema_says(case: Any, api: Api) -> None:
    _call(api, case, "admin")


@pytest.fixture(scope="module", params=["anonymous", "navigator"])
def outsider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@GUARDED.parametrize()
@settings(max_examples=examples(OUTSIDER_EXAMPLES), **SETTINGS)
def test_signed_in_operations_refuse_or_serve_other_callers_as_the_schema_says(
    case: Any, api: Api, outsider: str
) -> None:
    """Anonymous callers get 401 and navigators 403 on curator operations (200 on their own inbox
    and records): in the declared shape either way."""
    _call(api, case, outsider)


def _labels(part: Any) -> set[str]:
    return {result.ok().label for result in part.get_all_operations()}


def test_the_fuzz_covers_every_operation_of_the_schema() -> None:
    """Public and signed-in together are the whole schema, and each part is non-trivial."""
    every, public, guarded = _labels(schema), _labels(PUBLIC), _labels(GUARDED)
    assert public | guarded == every and not public & guarded
    assert {"GET /api/search", "POST /api/chat", "GET /oruk/services"} <= public
    assert {"POST /curator/import", "GET /api/inbox", "GET /exports/{fmt}"} <= guarded
    assert len(every) >= 70
