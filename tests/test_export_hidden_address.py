"""A refuge with everything that could give it away (street, full postcode, exact coordinates, venue
name and description, an address-like location id, a map link, a free column naming the lane) never
shows any of it: not through any ORUK API endpoint, not in any export format."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.config import Settings
from navigator.export.run import export
from navigator.ingest.pipeline import import_paths
from navigator.store.db import Store

FIXTURE = Path(__file__).parent / "fixtures" / "export" / "refuge.oruk.json"
SECRETS = (
    "Quiet Lane",
    "14 Quiet",
    "Upper Flat",
    "CT20 2QX",
    "2QX",
    "51.08123",
    "1.16987",
    "Marram House",
    "blue door",
    "UPRN-100062555001",
    "maps.example.org",
    "gate code",
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Store]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("refuge") / "data", embedding_backend="fake")
    store = Store.open(settings)
    report = import_paths(store, [FIXTURE], settings=settings, source="fixture")
    assert report.added == 2
    yield settings, store
    store.dispose()


def assert_no_secret(text: str, where: str) -> None:
    found = [s for s in SECRETS if s in text]
    assert found == [], f"{where} reveals {found}"


def test_the_fixture_really_holds_the_secrets(loaded: tuple[Settings, Store]) -> None:
    from sqlalchemy import select

    from navigator.store import models as m

    with loaded[1].read() as session:
        stored = json.dumps([s.record_json for s in session.scalars(select(m.Service))])
    assert all(secret in stored for secret in SECRETS)


def test_no_api_endpoint_reveals_the_refuge(loaded: tuple[Settings, Store]) -> None:
    settings, _ = loaded
    with TestClient(create_app(settings)) as client:
        refuge = client.get("/oruk/services/TEST-REFUGE-1").json()
        org_id = refuge["organization_id"]
        paths = [
            "/oruk/services/TEST-REFUGE-1",
            "/oruk/services/fixture:TEST-REFUGE-1",
            "/oruk/services?per_page=200",
            "/oruk/services?search=refuge",
            "/oruk/service_at_locations?per_page=200",
            "/oruk/service_at_locations?postcode=CT20%202QX&proximity=500",
            "/oruk/service_at_locations?postcode=CT20",
            f"/oruk/organizations/{org_id}",
            "/oruk/organizations",
        ]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert_no_secret(response.text, path)
        (address,) = refuge["service_at_locations"][0]["location"]["addresses"]
        assert address["city"] == "Folkestone" and address["postal_code"] == "CT20"
        assert refuge["service_at_locations"][0]["location"]["accessibility"][0]["description"]
        # The café next door is not hidden: its exact place is public.
        cafe = client.get("/oruk/services/TEST-CAFE-1").json()
        assert cafe["service_at_locations"][0]["location"]["latitude"] == 51.0779
        near = client.get("/oruk/service_at_locations", params={"postcode": "CT20", "proximity": 500}).json()
        # Measured from CT20's centre, where it is published, not from its real place (~350 m away).
        distances = {i["service_id"]: i["distance"] for i in near["contents"]}
        assert distances["TEST-REFUGE-1"] == 0


@pytest.mark.parametrize(
    ("fmt", "name", "xlsx"),
    [
        ("oruk-json", "out.json", False),
        ("hsds-csv", "package", False),
        ("hsds-csv", "package.zip", False),
        ("spreadsheet", "services.csv", False),
        ("spreadsheet", "services.xlsx", True),
    ],
)
def test_no_export_reveals_the_refuge(loaded: tuple[Settings, Store], tmp_path: Path, fmt: str, name: str,
                                      xlsx: bool) -> None:  # fmt: skip
    target = tmp_path / name
    export(loaded[1], fmt, target, xlsx=xlsx)
    texts = _texts(target)
    assert texts
    for where, text in texts.items():
        assert_no_secret(text, where)
    joined = "\n".join(texts.values())
    assert "Harbour Light Refuge" in joined and "Folkestone" in joined
    assert "1 Harbour Arm" in joined  # the café's street is not hidden


def _texts(target: Path) -> dict[str, str]:
    if target.is_dir():
        return {p.name: p.read_text(encoding="utf-8") for p in target.iterdir()}
    if target.suffix == ".zip":
        with zipfile.ZipFile(target) as archive:
            return {n: archive.read(n).decode("utf-8") for n in archive.namelist()}
    if target.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(target, read_only=True)
        out = io.StringIO()
        writer = csv.writer(out)
        for row in book["services"].iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in row])
        book.close()
        # openpyxl reads cell text; the raw XML is checked too (nothing hides in shared strings)
        with zipfile.ZipFile(target) as archive:
            raw = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        return {"sheet": out.getvalue(), "xml": raw}
    return {target.name: target.read_text(encoding="utf-8")}


def test_re_importing_an_export_keeps_the_refuge_hidden(
    loaded: tuple[Settings, Store], tmp_path: Path
) -> None:
    for fmt, name, xlsx in (("oruk-json", "o.json", False), ("spreadsheet", "s.csv", False),
                            ("spreadsheet", "s.xlsx", True)):  # fmt: skip
        target = tmp_path / name
        export(loaded[1], fmt, target, xlsx=xlsx)
        settings = Settings(data_dir=tmp_path / f"back-{name}")
        store = Store.open(settings)
        import_paths(store, [target], settings=settings, source="back")
        with TestClient(create_app(settings)) as client:
            body = client.get("/oruk/services/TEST-REFUGE-1").json()
        store.dispose()
        assert body["hide_exact_address"] is True, fmt
        assert_no_secret(json.dumps(body), f"re-imported {fmt}")
