"""The public ORUK 3.0 API under /oruk over the sample directory: every answer validates against the
UK profile's compiled JSON Schemas, filters and paging behave, hidden addresses never show, bad
input is a 4xx in JSON with CORS headers, never a 500."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.config import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"
SCHEMA = REPO.parent / "shared" / "data" / "oruk-schema" / "uk-profile-3.0" / "schema"
HIDDEN = {"NNS-031", "NNS-117", "NNS-203"}  # the sample's refuges
HIDDEN_STREETS = ("Confidential address",)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from navigator.ingest.pipeline import import_paths
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path_factory.mktemp("oruk") / "data", embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [SAMPLE], settings=settings, source="sample")
    store.dispose()
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def get(client: TestClient, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == "*"
    return response.json()


def all_pages(client: TestClient, path: str, **params: object) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = get(client, path, page=page, per_page=200, **params)
        items += body["contents"]
        if body["last_page"]:
            return items
        page += 1


# -- schema validation ------------------------------------------------------------------------


def schema_validators(published_ids: set[str]) -> dict[str, Any]:
    """Validators for the compiled schemas. `uuid` ids must be UUIDs unless they are ids a source
    published (Navigator keeps those: see navigator/oruk/ids.py). `date-time` and `uri` are checked
    here because jsonschema's own checks need packages we do not install."""
    from jsonschema import Draft202012Validator, FormatChecker

    if not (SCHEMA / "compiled" / "service.json").is_file():
        pytest.skip("../shared ORUK schema is not present")
    checker = FormatChecker(
        formats=[f for f in FormatChecker.checkers if f not in ("uuid", "date-time", "uri")]
    )

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        if not isinstance(value, str) or value in published_ids:
            return True
        uuid.UUID(value)
        return True

    @checker.checks("date-time", raises=ValueError)
    def _datetime(value: object) -> bool:
        return (
            not isinstance(value, str)
            or datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None
        )

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(urlsplit(value).scheme and urlsplit(value).netloc)

    def load(name: str) -> Any:
        return json.loads((SCHEMA / name).read_text(encoding="utf-8"))

    openapi = load("openapi.json")
    page = openapi["components"]["schemas"]["Page"] | {
        "required": ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"]
    }
    names = {
        "service": "compiled/service.json",
        "service_list": "compiled/service_list.json",
        "organization": "compiled/organization.json",
        "organization_list": "compiled/organization_list.json",
        "service_at_location_list": "compiled/service_at_location_list.json",
        "taxonomy": "taxonomy.json",
    }
    validators = {
        key: Draft202012Validator(load(path), format_checker=checker) for key, path in names.items()
    }
    term = load("taxonomy_term.json")
    validators["taxonomy_term"] = Draft202012Validator(term, format_checker=checker)
    validators["page"] = Draft202012Validator(page)
    return validators


def errors_of(validator: Any, instance: Any, label: str) -> list[str]:
    return [f"{label} {e.json_path}: {e.message}" for e in validator.iter_errors(instance)]


def published(client: TestClient) -> set[str]:
    return {s["id"] for s in all_pages(client, "/oruk/services")}


def test_root_names_version_and_profile(client: TestClient) -> None:
    for path in ("/oruk/", "/oruk"):
        body = get(client, path)
        assert body["version"] == "3.0"
        assert body["profile"].startswith("https://") and "uk-profile" in body["profile"]
        assert body["openapi_url"].endswith("openapi.json")


def test_every_answer_validates_against_the_compiled_schemas(client: TestClient) -> None:
    ids = published(client)
    v = schema_validators(ids)
    problems: list[str] = []
    for path, kind in (
        ("/oruk/services", "service_list"),
        ("/oruk/service_at_locations", "service_at_location_list"),
        ("/oruk/organizations", "organization_list"),
        ("/oruk/taxonomies", "taxonomy"),
        ("/oruk/taxonomy_terms", "taxonomy_term"),
    ):
        body = get(client, path, per_page=200)
        problems += errors_of(v["page"], body, path)
        for item in all_pages(client, path):
            problems += errors_of(v[kind], item, f"{path} {item['id']}")
    for sid in sorted(ids):
        problems += errors_of(v["service"], get(client, f"/oruk/services/{sid}"), sid)
    for org in all_pages(client, "/oruk/organizations")[:40]:
        problems += errors_of(v["organization"], get(client, f"/oruk/organizations/{org['id']}"), org["id"])
    assert problems == []
    assert len(ids) == 279


def test_schema_check_is_real(client: TestClient) -> None:
    v = schema_validators(set())
    good = get(client, "/oruk/services/NNS-001")
    broken = {**good, "status": "closed"}
    broken["schedules"] = [{"id": "not-a-uuid", "freq": "DAILY"}]
    messages = " | ".join(errors_of(v["service"], broken, "x"))
    assert "'closed' is not one of" in messages and "'DAILY' is not one of" in messages
    assert "is not a 'uuid'" in messages  # NNS-001 is not in the published set given here


def test_fully_nested_service(client: TestClient) -> None:
    body = get(client, "/oruk/services/NNS-001")
    assert body["id"] == "NNS-001" and body["status"] == "active"
    assert body["organization"]["name"] == "Hythe Good Neighbours"
    assert body["organization_id"] == body["organization"]["id"]
    (link,) = body["service_at_locations"]
    assert link["service_id"] == "NNS-001" and link["location_id"] == link["location"]["id"]
    location = link["location"]
    assert (location["latitude"], location["longitude"]) == (51.0722, 1.0831)
    assert location["geo_precision"] == "source"
    (address,) = location["addresses"]
    assert address["address_1"] == "The Old Reading Room, 12 Chapel Street"
    assert address["postal_code"] == "CT21 5AQ" and address["city"] == "Hythe"
    assert location["accessibility"][0]["description"] == "Volunteers visit you at home"
    assert body["phones"][0]["number"] == "01632 960014"
    assert [s.get("byday") for s in body["schedules"]] == ["MO,TU,WE,TH", None]
    assert body["schedules"][0]["opens_at"] == "09:30" and body["schedules"][0]["freq"] == "WEEKLY"
    (language,) = body["languages"]
    assert (language["service_id"], language["name"], language["code"]) == ("NNS-001", "English", "en")
    assert body["service_areas"][0]["name"] == "Hythe and surrounding villages"
    terms = [a["taxonomy_term"]["name"] for a in body["attributes"]]
    assert terms == ["Loneliness & befriending", "Older people"]
    assert all(a["taxonomy_term_id"] == a["taxonomy_term"]["id"] for a in body["attributes"])
    assert body["minimum_age"] == 60 and "maximum_age" not in body
    assert body["is_free"] is True and body["delivery_modes"] == ["home_visit"]
    assert body["last_modified"].endswith("Z")


def test_child_ids_are_stable_and_unique(client: TestClient, tmp_path: Path) -> None:
    first = get(client, "/oruk/services/NNS-082")
    again = get(client, "/oruk/services/NNS-082")
    assert first == again
    # A fresh store and app, the same data: the same ids (nothing depends on store row numbers).
    from navigator.ingest.pipeline import import_paths
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path / "data", embedding_backend="fake")
    store = Store.open(settings)
    import_paths(store, [SAMPLE], settings=settings, source="sample")
    store.dispose()
    with TestClient(create_app(settings)) as other:
        elsewhere = other.get("/oruk/services/NNS-082").json()
    strip = {"last_modified"}
    assert {k: v for k, v in elsewhere.items() if k not in strip} == {
        k: v for k, v in first.items() if k not in strip
    }
    seen: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "id" in value and isinstance(value["id"], str) and value is not first.get("organization"):
                seen.append(value["id"])
            for key, inner in value.items():
                if key not in ("organization", "taxonomy_term"):
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(first)
    assert len(seen) == len(set(seen)) > 10


def test_services_paging_envelope(client: TestClient) -> None:
    body = get(client, "/oruk/services", page=2, per_page=100)
    assert body["total_items"] == 279 and body["total_pages"] == 3
    assert body["page_number"] == 2 and body["size"] == 100 == len(body["contents"])
    assert body["first_page"] is False and body["last_page"] is False and body["empty"] is False
    last = get(client, "/oruk/services", page=3, per_page=100)
    assert last["size"] == 79 and last["last_page"] is True
    beyond = get(client, "/oruk/services", page=9, per_page=100)
    assert beyond["contents"] == [] and beyond["empty"] is True and beyond["total_items"] == 279
    default = get(client, "/oruk/services")
    assert default["size"] == 50
    ids = [
        s["id"]
        for page in (1, 2, 3)
        for s in get(client, "/oruk/services", page=page, per_page=100)["contents"]
    ]
    assert len(ids) == len(set(ids)) == 279


def ids_of(body: dict[str, Any]) -> set[str]:
    return {item["id"] for item in body["contents"]}


def test_search_matches_every_word_in_name_description_or_organisation(client: TestClient) -> None:
    body = get(client, "/oruk/services", search="refuge")
    assert ids_of(body) >= HIDDEN
    both = get(client, "/oruk/services", search="  Lunch   CLUB ")
    assert both["total_items"] >= 2
    assert all("lunch" in (s["name"] + s.get("description", "")).lower() for s in both["contents"])
    by_org = get(client, "/oruk/services", search="Hythe Good Neighbours", per_page=200)
    assert {"NNS-001", "NNS-002", "NNS-003"} <= ids_of(by_org)
    assert get(client, "/oruk/services", search="100%_\\")["total_items"] == 0  # wildcards are literal


def test_taxonomy_and_organisation_filters(client: TestClient) -> None:
    service = get(client, "/oruk/services/NNS-031")
    term = next(
        a["taxonomy_term"] for a in service["attributes"] if a["taxonomy_term"]["name"] == "Domestic abuse"
    )
    body = get(client, "/oruk/services", taxonomy_term_id=term["id"], per_page=200)
    assert ids_of(body) >= HIDDEN
    for sid in list(ids_of(body))[:5]:
        names = [a["taxonomy_term"]["name"] for a in get(client, f"/oruk/services/{sid}")["attributes"]]
        assert "Domestic abuse" in names
    assert get(client, "/oruk/services", taxonomy_term_id="no-such-term")["total_items"] == 0
    everything = get(client, "/oruk/services", taxonomy_id=term["taxonomy_id"])
    assert everything["total_items"] == 279
    org = get(client, "/oruk/services", organization_id=service["organization_id"])
    assert ids_of(org) == {"NNS-031"} or "NNS-031" in ids_of(org)
    assert all(s["organization_id"] == service["organization_id"] for s in org["contents"])
    terms = all_pages(client, "/oruk/taxonomy_terms")
    assert len(terms) == 29 and term["id"] in {t["id"] for t in terms}
    assert get(client, f"/oruk/taxonomy_terms/{term['id']}")["name"] == "Domestic abuse"
    assert get(client, f"/oruk/taxonomies/{term['taxonomy_id']}")["name"] == "local"
    assert get(client, "/oruk/taxonomy_terms", taxonomy_id="local")["total_items"] == 29


def test_age_filters_follow_the_spec(client: TestClient) -> None:
    """minimum_age=N: services whose minimum age is at least N; maximum_age=N: at most N."""
    older = all_pages(client, "/oruk/services", minimum_age=60)
    assert older and all(s["minimum_age"] >= 60 for s in older)
    young = all_pages(client, "/oruk/services", maximum_age=18)
    assert young and all(s["maximum_age"] <= 18 for s in young)
    assert get(client, "/oruk/services", minimum_age="18.5")["total_items"] >= 1


def test_day_and_time_filters_hold_for_one_schedule(client: TestClient) -> None:
    tuesday = all_pages(client, "/oruk/services", day="tuesday")
    assert "NNS-003" in {s["id"] for s in tuesday}
    for name in ("TU", "tue", "Tuesday"):
        assert get(client, "/oruk/services", day=name)["total_items"] == len(tuesday)
    lunch = all_pages(client, "/oruk/services", day="TU", start_time="12:00", end_time="14:30")
    assert "NNS-003" in {s["id"] for s in lunch}
    for s in lunch[:10]:
        schedules = get(client, f"/oruk/services/{s['id']}")["schedules"]
        assert any(
            "TU" in (x.get("byday") or "") and x["opens_at"] >= "12:00" and x["closes_at"] <= "14:30"
            for x in schedules
        )
    assert "NNS-003" not in {
        s["id"] for s in all_pages(client, "/oruk/services", day="TU", start_time="12:30")
    }


def test_modified_after(client: TestClient) -> None:
    assert get(client, "/oruk/services", modified_after="2000-01-01")["total_items"] == 279
    assert get(client, "/oruk/services", modified_after="2999-01-01T00:00:00Z")["total_items"] == 0
    stamp = get(client, "/oruk/services/NNS-001")["last_modified"]
    assert get(client, "/oruk/services", modified_after=stamp)["total_items"] >= 1


def test_service_at_locations_near_a_postcode(client: TestClient) -> None:
    body = get(client, "/oruk/service_at_locations", postcode="CT20 1JR", proximity=3000, per_page=200)
    assert body["total_items"] == len(body["contents"]) > 5
    distances = [item["distance"] for item in body["contents"]]
    assert distances == sorted(distances) and all(0 <= d <= 3000 for d in distances)
    assert all(item["location_id"] == item["location"]["id"] for item in body["contents"])
    assert "NNS-031" in {item["service_id"] for item in body["contents"]}  # found by its outward code
    far = get(client, "/oruk/service_at_locations", postcode="CT20 1JR", proximity=100)
    assert far["total_items"] < body["total_items"]
    sorted_only = get(client, "/oruk/service_at_locations", postcode="BS5", per_page=5)
    assert sorted_only["total_items"] == get(client, "/oruk/service_at_locations")["total_items"]
    assert all(item["distance"] < 5000 for item in sorted_only["contents"])
    plain = all_pages(client, "/oruk/service_at_locations")
    assert len(plain) == len({item["id"] for item in plain}) == 261


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"per_page": "201"}, "per_page"),
        ({"per_page": "-1"}, "per_page"),
        ({"per_page": "1e3"}, "per_page"),
        ({"modified_after": "last tuesday"}, "modified_after"),
        ({"modified_after": "2025-13-45"}, "modified_after"),
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": "noonish"}, "end_time"),
        ({"day": "funday"}, "day"),
        ({"minimum_age": "old"}, "minimum_age"),
        ({"maximum_age": "-4"}, "maximum_age"),
        ({"maximum_age": "nan"}, "maximum_age"),
        ({"search": "x" * 201}, "search"),
        ({"search": " ".join("abcdefghijk")}, "search"),
    ],
)
def test_bad_parameters_are_422_with_the_field_named(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get("/oruk/services", params=params)
    assert response.status_code == 422
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.json()
    assert body["problems"][0]["field"] == field
    assert body["detail"].startswith(f"{field}: ") and "send" in body["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"postcode": "ZZ99 9ZZ"}, "postcode"),
        ({"postcode": "not a place at all, really"}, "postcode"),
        ({"proximity": "1000"}, "proximity"),
        ({"postcode": "CT20", "proximity": "far"}, "proximity"),
        ({"postcode": "CT20", "proximity": "0"}, "proximity"),
        ({"postcode": "CT20", "proximity": "inf"}, "proximity"),
    ],
)
def test_bad_place_parameters(client: TestClient, params: dict[str, str], field: str) -> None:
    response = client.get("/oruk/service_at_locations", params=params)
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == field


def test_unknown_ids_and_paths_are_404_json(client: TestClient) -> None:
    for path in (
        "/oruk/services/NNS-999",
        "/oruk/services/sample:NNS-999",
        "/oruk/organizations/nobody",
        "/oruk/taxonomies/none",
        "/oruk/taxonomy_terms/none",
        "/oruk/locations",
        "/oruk/services/NNS-001/extra/parts",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.json()["detail"]


def test_cors_and_read_only(client: TestClient) -> None:
    response = client.options(
        "/oruk/services",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers
    for method in ("post", "put", "delete", "patch"):
        refused = getattr(client, method)("/oruk/services")
        assert refused.status_code == 405 and refused.headers["allow"] == "GET, OPTIONS"
        assert refused.headers["access-control-allow-origin"] == "*"


def test_a_listing_is_found_by_source_and_id_too(client: TestClient) -> None:
    assert get(client, "/oruk/services/sample:NNS-001")["id"] == "NNS-001"


# -- hidden addresses ---------------------------------------------------------------------------


def test_refuges_never_reveal_an_address_through_any_endpoint(client: TestClient) -> None:
    everything: list[str] = []  # every answer that can hold a refuge
    theirs: list[str] = []  # just the refuges' own parts of those answers
    for sid in sorted(HIDDEN):
        body = get(client, f"/oruk/services/{sid}")
        assert body["hide_exact_address"] is True
        theirs.append(json.dumps(body))
        for link in body["service_at_locations"]:
            location = link["location"]
            assert "latitude" not in location and "longitude" not in location and "name" not in location
            for address in location["addresses"]:
                assert address["address_1"] == "" and "address_2" not in address
                assert " " not in address["postal_code"] and address["city"]
    for path, params in (
        ("/oruk/services", {"search": "refuge"}),
        ("/oruk/service_at_locations", {"search": "refuge"}),
        ("/oruk/service_at_locations", {"postcode": "CT20", "proximity": "5000"}),
        ("/oruk/service_at_locations", {"postcode": "DN16"}),
    ):
        body = get(client, path, per_page=200, **params)
        everything.append(json.dumps(body))
        theirs += [json.dumps(i) for i in body["contents"] if i.get("service_id", i["id"]) in HIDDEN]
    for org_id in {get(client, f"/oruk/services/{sid}")["organization_id"] for sid in HIDDEN}:
        org = get(client, f"/oruk/organizations/{org_id}")
        everything.append(json.dumps(org))
        theirs += [json.dumps(s) for s in org["services"] if s["id"] in HIDDEN]
    assert len(theirs) >= 12
    assert not any(street in text for text in everything + theirs for street in HIDDEN_STREETS)
    for text in theirs:
        assert '"latitude"' not in text and '"longitude"' not in text


def test_hidden_listing_distance_uses_its_outward_code_only(client: TestClient) -> None:
    body = get(client, "/oruk/service_at_locations", postcode="CT20", search="refuge")
    item = next(i for i in body["contents"] if i["service_id"] == "NNS-031")
    assert item["distance"] == 0  # measured from CT20's centre, which is all it publishes


# -- ids when two sources publish the same id ---------------------------------------------------


def test_colliding_ids_the_first_source_keeps_the_bare_id(tmp_path: Path) -> None:
    from navigator.ingest.pipeline import import_paths
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path / "data", embedding_backend="fake")
    store = Store.open(settings)
    oruk_twin = REPO / "directory_data" / "sample-services.oruk.json"
    import_paths(store, [oruk_twin], settings=settings, source="first")
    import_paths(store, [oruk_twin], settings=settings, source="second")
    store.dispose()
    with TestClient(create_app(settings)) as c:
        ids = published(c)
        assert len(ids) == 558 and "NNS-001" in ids and "second:NNS-001" in ids
        first = get(c, "/oruk/services/NNS-001")
        second = get(c, "/oruk/services/second:NNS-001")
        assert get(c, "/oruk/services/first:NNS-001") == first
        assert first["id"] == "NNS-001" and second["id"] == "second:NNS-001"
        # Organisations and locations published by both sources: the same rule.
        assert first["organization_id"] == "NNS-ORG-hythe-good-neighbours"
        assert second["organization_id"] == "second:NNS-ORG-hythe-good-neighbours"
        assert first["service_at_locations"][0]["location_id"] == "NNS-001-loc-1"
        assert second["service_at_locations"][0]["location_id"] == "second:NNS-001-loc-1"
        assert {x["id"] for x in first["service_at_locations"]}.isdisjoint(
            {x["id"] for x in second["service_at_locations"]}
        )
        org = get(c, "/oruk/organizations/second:NNS-ORG-hythe-good-neighbours")
        assert {s["id"] for s in org["services"]} >= {"second:NNS-001", "second:NNS-002"}
        v = schema_validators(ids | {first["organization_id"], second["organization_id"]} | _location_ids(c))
        assert errors_of(v["service"], second, "second") == []


def _location_ids(client: TestClient) -> set[str]:
    return {item["location_id"] for item in all_pages(client, "/oruk/service_at_locations")}


def test_store_links_line_up_with_record_locations(client: TestClient) -> None:
    """The API maps each stored service_at_location to a record location by position; that needs the
    store's de-duplication (ListingWriter) and `ids.distinct_locations` to agree."""
    from sqlalchemy import select

    from navigator.ingest.record import ServiceRecord
    from navigator.oruk.ids import distinct_locations, location_key
    from navigator.store import models as m

    app: Any = client.app
    with app.state.store.read() as session:
        for service in session.scalars(select(m.Service)):
            record = ServiceRecord.model_validate(service.record_json)
            links = session.scalars(
                select(m.ServiceAtLocation)
                .where(m.ServiceAtLocation.service_id == service.id)
                .order_by(m.ServiceAtLocation.id)
            ).all()
            assert [link.location.source_key for link in links] == [
                location_key(loc) for loc in distinct_locations(record)
            ]


@pytest.mark.realdata
def test_folkestone_directory_validates_everywhere(shared_data: Path, tmp_path: Path) -> None:
    """The real three-table Folkestone & Hythe directory through every endpoint, against the schemas."""
    from navigator.ingest.pipeline import import_paths
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path / "data", embedding_backend="fake")
    store = Store.open(settings)
    report = import_paths(store, [shared_data / "real" / "folkestone-hythe" / "raw"], settings=settings,
                          source="folkestone")  # fmt: skip
    store.dispose()
    assert report.added > 100
    with TestClient(create_app(settings)) as c:
        services = all_pages(c, "/oruk/services")
        assert len(services) == report.added
        ids = {s["id"] for s in services} | _location_ids(c)
        ids |= {s["organization_id"] for s in services if "organization_id" in s}
        v = schema_validators(ids)
        problems: list[str] = []
        for path, kind in (
            ("/oruk/services", "service_list"),
            ("/oruk/service_at_locations", "service_at_location_list"),
            ("/oruk/organizations", "organization_list"),
            ("/oruk/taxonomy_terms", "taxonomy_term"),
            ("/oruk/taxonomies", "taxonomy"),
        ):
            problems += errors_of(v["page"], get(c, path), path)
            problems += [
                p for item in all_pages(c, path) for p in errors_of(v[kind], item, f"{path} {item['id']}")
            ]
        for service in services:
            full = get(c, f"/oruk/services/{service['id']}")
            problems += errors_of(v["service"], full, service["id"])
        for org in all_pages(c, "/oruk/organizations")[:30]:
            problems += errors_of(v["organization"], get(c, f"/oruk/organizations/{org['id']}"), org["id"])
        assert problems == []
        near = get(c, "/oruk/service_at_locations", postcode="CT20 1JR", proximity=2000)
        assert near["total_items"] > 0
