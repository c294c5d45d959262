"""`navigator export` and the curators' download page: every format, --source, --xlsx, standard output,
atomic writes, refusals in plain words; downloads only for curators."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from navigator.config import Settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "directory_data" / "sample-services.csv"
REFUGE = Path(__file__).parent / "fixtures" / "export" / "refuge.oruk.json"


@pytest.fixture
def loaded(cli: Any, settings: Settings) -> Any:
    """The small refuge fixture only (2 listings): quick for the command's own behaviour."""
    assert cli("import", str(REFUGE), "--source", "fixture", "--no-index").exit_code == 0
    return cli


def test_export_each_format(loaded: Any, tmp_path: Path) -> None:
    assert loaded("import", str(SAMPLE), "--source", "sample", "--no-index").exit_code == 0
    out = tmp_path / "o.json"
    result = loaded("export", "--format", "oruk-json", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 281 listings" in result.output
    page = json.loads(out.read_text(encoding="utf-8"))
    assert page["total_items"] == len(page["contents"]) == 281 and page["last_page"] is True

    package = tmp_path / "pkg"
    assert loaded("export", "--format", "hsds-csv", "--output", str(package)).exit_code == 0
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    names = {r["name"] for r in descriptor["resources"]}
    assert {"services", "organizations", "locations", "service_at_location", "address", "schedule",
            "taxonomy_terms", "attribute"} <= names  # fmt: skip
    assert all((package / r["path"]).is_file() for r in descriptor["resources"])
    assert (package / "services.csv").read_text(encoding="utf-8").count("\n") == 282

    zipped = tmp_path / "pkg.zip"
    assert loaded("export", "--format", "hsds-csv", "--output", str(zipped)).exit_code == 0
    with zipfile.ZipFile(zipped) as archive:
        assert "datapackage.json" in archive.namelist() and "services.csv" in archive.namelist()

    sheet = tmp_path / "s.csv"
    assert loaded("export", "--format", "spreadsheet", "--output", str(sheet)).exit_code == 0
    assert sheet.read_text(encoding="utf-8-sig").startswith("service_id,service_name,organisation,")

    book = tmp_path / "s.xlsx"
    assert loaded("export", "--format", "spreadsheet", "--xlsx", "--output", str(book)).exit_code == 0
    assert book.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary files left


def test_export_one_source_to_standard_output(loaded: Any) -> None:
    result = loaded("export", "--format", "oruk-json", "--source", "fixture", "--output", "-")
    assert result.exit_code == 0, result.output
    page = json.loads(result.stdout)
    assert {s["id"] for s in page["contents"]} == {"TEST-REFUGE-1", "TEST-CAFE-1"}
    sheet = loaded("export", "--format", "spreadsheet", "--source", "fixture", "--output", "-")
    assert sheet.stdout.lstrip("\ufeff").splitlines()[0].startswith("service_id,")


def test_export_default_output_in_the_current_folder(loaded: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert loaded("export", "--format", "spreadsheet", "--source", "fixture").exit_code == 0
    assert (tmp_path / "navigator-services.csv").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "pdf"], "unknown format 'pdf'"),
        (["--format", "oruk-json", "--source", "nowhere"], "no listings come from the source 'nowhere'"),
        (["--format", "oruk-json", "--xlsx"], "--xlsx only applies to --format spreadsheet"),
        (["--format", "hsds-csv", "--output", "-"], "cannot go to standard output"),
        (["--format", "spreadsheet", "--xlsx", "--output", "-"], "cannot go to standard output"),
    ],
)
def test_export_refuses_clearly(loaded: Any, args: list[str], message: str) -> None:
    result = loaded("export", *args)
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_export_never_overwrites_a_folder_that_is_not_an_export(loaded: Any, tmp_path: Path) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "letter.txt").write_text("keep me", encoding="utf-8")
    result = loaded("export", "--format", "hsds-csv", "--output", str(precious))
    assert result.exit_code == 1 and "is not an earlier export" in " ".join(result.output.split())
    assert (precious / "letter.txt").read_text(encoding="utf-8") == "keep me"
    # ...but an earlier export is replaced whole.
    package = tmp_path / "pkg"
    assert loaded("export", "--format", "hsds-csv", "--output", str(package)).exit_code == 0
    (package / "stale.csv").write_text("old", encoding="utf-8")
    assert (
        loaded("export", "--format", "hsds-csv", "--output", str(package), "--source", "fixture").exit_code
        == 0
    )
    assert not (package / "stale.csv").exists()
    assert (package / "services.csv").read_text(encoding="utf-8").count("\n") == 3
    folder_as_file = loaded("export", "--format", "oruk-json", "--output", str(package))
    assert folder_as_file.exit_code == 1 and "is a folder" in folder_as_file.output


def test_a_failed_export_leaves_the_old_file_whole(loaded: Any, tmp_path: Path, monkeypatch: Any) -> None:
    target = tmp_path / "o.json"
    assert loaded("export", "--format", "oruk-json", "--output", str(target)).exit_code == 0
    before = target.read_bytes()
    import navigator.export.oruk_json as oruk_json

    def explode(item: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(oruk_json, "export_object", explode)
    result = loaded("export", "--format", "oruk-json", "--output", str(target))
    assert result.exit_code == 1 and "disk full" in result.output
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.json"] or all(
        not p.name.endswith(".tmp") for p in tmp_path.iterdir()
    )


# -- the download page ----------------------------------------------------------------------------


@pytest.fixture
def web(tmp_path: Path) -> Iterator[TestClient]:
    from navigator.app.factory import create_app
    from navigator.auth.testing import auth_client
    from navigator.ingest.pipeline import import_paths
    from navigator.store.db import Store

    settings = Settings(data_dir=tmp_path / "web", embedding_backend="fake")  # no model to load
    store = Store.open(settings)
    import_paths(store, [REFUGE], settings=settings, source="fixture")
    store.dispose()
    with auth_client(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def sign_in_as(client: TestClient, role: str) -> None:
    from navigator.auth.testing import make_user, sign_in

    make_user(client, role)
    sign_in(client, f"{role}@example.org")


def test_exports_need_a_curator(web: TestClient) -> None:
    paths = ["/exports", "/exports/oruk-json", "/exports/spreadsheet", "/api/curator/exports"]
    for path in paths:
        assert web.get(path, headers={"accept": "application/json"}).status_code == 401, path
    sign_in_as(web, "navigator")
    for path in paths:
        assert web.get(path, headers={"accept": "application/json"}).status_code == 403, path


def test_curator_downloads_every_format(web: TestClient) -> None:
    sign_in_as(web, "curator")
    page = web.get("/exports", headers={"accept": "text/html"})
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1 is not None and soup.h1.get_text() == "Exports"
    links = [a["href"] for a in soup.select("a[download]")]
    assert links == [
        "/exports/oruk-json",
        "/exports/hsds-csv",
        "/exports/spreadsheet",
        "/exports/spreadsheet-xlsx",
    ]
    assert soup.select_one('nav.curator-nav a[aria-current="page"]').get_text() == "Exports"  # type: ignore[union-attr]
    twin = web.get("/api/curator/exports").json()
    assert twin["total"] == 2 and [d["format"] for d in twin["downloads"]] == [
        "oruk-json", "hsds-csv", "spreadsheet", "spreadsheet-xlsx"]  # fmt: skip

    oruk = web.get("/exports/oruk-json")
    assert oruk.status_code == 200 and oruk.headers["content-type"].startswith("application/json")
    assert "attachment" in oruk.headers["content-disposition"] and oruk.headers["cache-control"] == "no-store"
    assert oruk.json()["total_items"] == 2
    package = web.get("/exports/hsds-csv")
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        assert "datapackage.json" in archive.namelist()
    sheet = web.get("/exports/spreadsheet")
    assert sheet.headers["content-type"].startswith("text/csv")
    assert sheet.content.startswith(b"\xef\xbb\xbf")
    book = web.get("/exports/spreadsheet-xlsx")
    assert book.content[:2] == b"PK" and ".xlsx" in book.headers["content-disposition"]
    same = web.get("/exports/spreadsheet", params={"xlsx": "1"})
    assert same.content[:2] == b"PK"
    one = web.get("/exports/oruk-json", params={"source": "fixture"}).json()
    assert one["total_items"] == 2
    assert "Quiet Lane" not in oruk.text and "Quiet Lane" not in sheet.text


def test_download_bad_input(web: TestClient) -> None:
    sign_in_as(web, "curator")
    missing = web.get("/exports/pdf")
    assert missing.status_code == 404 and "oruk-json" in missing.json()["detail"]
    unknown = web.get("/exports/oruk-json", params={"source": "nowhere"})
    assert unknown.status_code == 422 and "nowhere" in unknown.json()["detail"]
    page = web.get("/exports", params={"source": "nowhere"}, headers={"accept": "text/html"})
    assert page.status_code == 200 and "No listings come from a source called" in page.text
