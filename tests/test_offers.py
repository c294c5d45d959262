"""Recording what was offered (signed-in navigators only) and the counts report with its JSON twin
and CSV download: no personal data can be stored, and spreadsheet formulas are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_pages_support import HTML, build_directory, csrf

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client, make_user, sign_in
from navigator.config import Settings
from navigator.geo.outcodes import OutcodeTable
from navigator.navigator_app import offers
from navigator.store.models_navigator import OfferNeed, OfferRecord, OfferService


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("offers") / "data", embedding_backend="fake")
    build_directory(settings)
    with auth_client(create_app(settings), raise_server_exceptions=False) as test_client:
        make_user(test_client, "navigator", "nav@example.org")
        yield test_client


@pytest.fixture
def client(app_client: TestClient) -> TestClient:
    app_client.cookies.clear()
    return app_client


@pytest.fixture
def navigator(client: TestClient) -> TestClient:
    sign_in(client, "nav@example.org")
    return client


def shortlist(client: TestClient, *items: tuple[str, str]) -> None:
    for listing_id, need in items:
        data = {"id": listing_id, "need": need, "area": "CT21 5AQ", "csrf_token": csrf(client)}
        assert client.post("/shortlist/add", data=data, follow_redirects=False).status_code == 303


def save(client: TestClient, **data: object):  # type: ignore[no-untyped-def]
    return client.post(
        "/navigator/records",
        data={**data, "csrf_token": csrf(client, "/navigator/records")},
        headers=HTML,
        follow_redirects=False,
    )


def records(client: TestClient) -> list[OfferRecord]:
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.read() as session:
        return list(session.scalars(select(OfferRecord).order_by(OfferRecord.id)))


def test_records_need_a_signed_in_navigator(client: TestClient) -> None:
    for path in ("/navigator/records", "/navigator/records/report", "/navigator/records/report.csv"):
        response = client.get(path, headers=HTML)
        assert response.status_code == 401, path
        assert "sign-in" in response.text
    assert client.get("/api/records/report").status_code == 401
    assert client.post("/api/records", json={"needs": ["food"]}).status_code == 401


def test_record_form_is_prefilled_from_the_shortlist(navigator: TestClient) -> None:
    shortlist(navigator, ("NNS-001", "loneliness"), ("NNS-006", "bereavement"))
    soup = BeautifulSoup(navigator.get("/navigator/records", headers=HTML).text, "html.parser")
    checked = {i["value"] for i in soup.find_all("input", attrs={"name": "need"}) if i.has_attr("checked")}
    assert checked == {"loneliness", "bereavement"}
    services = {
        i["value"] for i in soup.find_all("input", attrs={"name": "service"}) if i.has_attr("checked")
    }
    assert services == {"NNS-001", "NNS-006"}
    assert soup.find("input", id="area")["value"] == "CT21"
    others = soup.select("details input[name=need]")
    assert len(others) > 20, "the whole need vocabulary is offered"
    assert not soup.find("textarea"), "no free text: nothing personal can be written down"


def test_saving_a_record_keeps_only_needs_services_and_an_outward_code(navigator: TestClient) -> None:
    before = len(records(navigator))
    response = save(
        navigator, need=["bereavement", "loneliness", "no-such-need"], service=["NNS-001"], area="CT21 5AQ"
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/navigator/records?saved=1&note=postcode"
    page = BeautifulSoup(navigator.get(response.headers["location"], headers=HTML).text, "html.parser")
    assert "Recorded" in page.get_text() and "first half of the postcode" in page.get_text()
    assert page.find("form", action="/shortlist/clear")
    rows = records(navigator)
    assert len(rows) == before + 1
    record = rows[-1]
    assert record.area == "CT21" and record.week == offers.iso_week(date.today())
    assert sorted(n.need_key for n in record.needs) == ["bereavement", "loneliness"]
    assert [(s.listing_id, s.listing_name) for s in record.services] == [
        ("NNS-001", "Home Befriending Visits")
    ]
    assert set(OfferRecord.__table__.columns.keys()) == {"id", "created_at", "week", "area"}
    assert set(OfferNeed.__table__.columns.keys()) == {"id", "record_id", "need_key"}
    assert set(OfferService.__table__.columns.keys()) == {"id", "record_id", "listing_id", "listing_name"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"area": "CT21"}, "Tick at least one need"),
        ({"need": ["food"], "area": "Atlantis"}, "don't know the area"),
        ({"need": ["food"], "area": "<script>alert(1)</script>"}, "don't know the area"),
        ({"need": ["nope"], "service": ["NOPE-1"], "area": ""}, "Tick at least one need"),
    ],
)
def test_bad_records_are_explained(navigator: TestClient, data: dict[str, object], message: str) -> None:
    before = len(records(navigator))
    response = save(navigator, **data)
    assert response.status_code == 400
    soup = BeautifulSoup(response.text, "html.parser")
    assert message in soup.select_one(".error-summary").get_text()
    assert len(records(navigator)) == before


def test_record_json_twin(navigator: TestClient) -> None:
    token = csrf(navigator, "/navigator/records")
    response = navigator.post(
        "/api/records",
        json={"needs": ["food"], "services": ["NNS-001"], "area": "scunthorpe"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 201, response.text
    assert response.json()["area"] == "Scunthorpe"
    bad = navigator.post("/api/records", json={"needs": [], "area": "x"}, headers={"X-CSRF-Token": token})
    assert bad.status_code == 400 and {p["field"] for p in bad.json()["problems"]} == {"needs", "area"}
    assert navigator.post("/api/records", json={"needs": ["food"]}).status_code == 403, "CSRF is checked"


def test_report_counts_by_need_area_week_and_service(navigator: TestClient) -> None:
    save(navigator, need=["food"], service=["NNS-001", "HOSTILE-2"], area="DN15")
    save(navigator, need=["food", "debt"], area="DN15 6AA")
    body = navigator.get("/api/records/report?period=4").json()
    needs = {row["need"]: row["records"] for row in body["by_need"]}
    assert needs["food"] >= 2 and needs["debt"] >= 1
    assert {row["label"] for row in body["by_need"] if row["need"] == "food"} == {offers.need_label("food")}
    areas = {row["area"]: row["records"] for row in body["by_area"]}
    assert areas["DN15"] >= 2
    assert body["by_week"][0]["week"] == offers.iso_week(date.today())
    services = {row["id"]: row["offered"] for row in body["by_service"]}
    assert services["NNS-001"] >= 1
    soup = BeautifulSoup(navigator.get("/navigator/records/report", headers=HTML).text, "html.parser")
    assert soup.h1.get_text(strip=True) == "What was offered"
    assert [h.get_text(strip=True) for h in soup.select("section h2")] == [
        "By need",
        "By area",
        "By week",
        "Services offered",
    ]
    for table in soup.find_all("table"):
        assert table.find_all("th", attrs={"scope": "col"})


def test_report_csv_neutralises_formulas(navigator: TestClient) -> None:
    save(navigator, need=["loneliness"], service=["HOSTILE-2"], area="CT21")
    response = navigator.get("/navigator/records/report.csv?period=all&table=services")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["service_id", "service_name", "times_offered"]
    names = [r[1] for r in rows[1:]]
    hostile = next(n for n in names if "HYPERLINK" in n)
    assert hostile.startswith("'="), hostile
    needs = list(csv.reader(io.StringIO(navigator.get("/navigator/records/report.csv").text)))
    assert needs[0] == ["week", "area", "need", "need_label", "records"]
    assert all(len(r) == 5 for r in needs)


def test_report_period_garbage_falls_back_to_twelve_weeks(navigator: TestClient) -> None:
    for period in ("x", "-1", "99999", ""):
        response = navigator.get(f"/api/records/report?period={period}")
        assert response.status_code == 200 and response.json()["period"] == "12"


def test_check_area_rules() -> None:
    table = OutcodeTable.load_default()
    assert offers.check_area("dn15 6aa", table)[:2] == (
        "DN15",
        "Only the first half of the postcode (DN15) was kept.",
    )
    assert offers.check_area("dn15", table) == ("DN15", None, None)
    assert offers.check_area("folkestone", table) == ("Folkestone", None, None)
    assert offers.check_area("", table) == (offers.UNKNOWN_AREA, None, None)
    assert offers.check_area("Mrs Smith, 4 Acacia Avenue", table)[2] is not None


def test_neutralise() -> None:
    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert offers.neutralise(bad).startswith("'")
    assert offers.neutralise("Food bank") == "Food bank" and offers.neutralise(None) == ""
