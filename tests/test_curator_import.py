"""Bulk import in the browser over HTTP: upload → dry-run preview with the CLI's numbers → apply (as
the curator, once) or cancel; a store change between preview and apply re-previews."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from navigator.config import Settings
from navigator.curation import staging
from navigator.ingest.pipeline import import_paths
from navigator.store import models as m
from navigator.store.db import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "curator_import"))

from curator_support import (
    CURATOR,
    FIX,
    HTML,
    JSON,
    app_settings,
    apply,
    cli_counts,
    fixture_file,
    page_counts,
    signed_in_client,
    soup,
    token,
    upload,
    upload_and_preview,
    wait_for_job,
    zip_folder,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def curator_settings(tmp_path: Path) -> Settings:
    return app_settings(tmp_path)


@pytest.fixture
def client(curator_settings: Settings) -> Iterator[TestClient]:
    yield from signed_in_client(curator_settings)


def cli_dry_run(settings: Settings, paths: list[Path], source: str = "riverside") -> dict[str, int]:
    """What `navigator import --dry-run` reports for the same files against the same store."""
    store = Store.open(settings)
    try:
        return import_paths(store, paths, settings=settings, source=source, dry_run=True).counts()
    finally:
        store.dispose()


def test_upload_preview_apply_has_the_cli_numbers_and_records_the_curator(
    client: TestClient, curator_settings: Settings
) -> None:
    expected = cli_dry_run(curator_settings, [FIX / "riverside_v1.json"])
    preview_url = upload_and_preview(client, [fixture_file("riverside_v1.json")])
    preview = client.get(preview_url, headers=HTML)
    assert preview.status_code == 200
    assert page_counts(preview) == cli_counts(expected)
    assert "Dry run — nothing has been changed yet" in preview.text
    twin = client.get("/api" + preview_url).json()
    assert twin["preview"]["counts"] == expected and twin["files"] == ["riverside_v1.json"]
    assert twin["preview"]["files"] == ["riverside_v1.json"]  # no staging paths shown

    job = apply(client, preview_url)
    assert job["state"] == "done", job
    batch_id = int(job["result_url"].split("/")[3].split("?")[0])
    page = client.get(job["result_url"], headers=HTML)
    assert f"Import #{batch_id} was applied" in page.text
    assert page_counts(page) == cli_counts(expected)
    with Store.open(curator_settings).read() as s:
        batch = s.get_one(m.ImportBatch, batch_id)
        assert batch.actor == CURATOR and batch.files == ["riverside_v1.json"]
        assert sorted(s.scalars(select(m.Service.source_id))) == ["RV-001", "RV-002", "RV-003"]
    root = staging.uploads_root(curator_settings)
    staged_id = preview_url.rsplit("/", 1)[-1]
    assert not (root / staged_id / "files").exists() and not (root / staged_id / "incoming").exists()
    assert (curator_settings.data_dir / "index" / "CURRENT").exists() or any(
        (curator_settings.data_dir / "index").iterdir()
    )

    again = client.post(
        preview_url + "/apply", data={"csrf_token": token(client)}, headers=HTML, follow_redirects=False
    )
    assert again.status_code == 409
    assert f"already applied as import #{batch_id}" in again.text
    with Store.open(curator_settings).read() as s:
        assert len(s.scalars(select(m.ImportBatch)).all()) == 1
    assert (
        client.get(preview_url, headers=HTML, follow_redirects=False).headers["location"]
        == f"/curator/imports/{batch_id}"
    )


def test_preview_shows_field_diffs_rejections_and_grouped_warnings(
    client: TestClient, curator_settings: Settings
) -> None:
    apply(client, upload_and_preview(client, [fixture_file("riverside_v1.json")]))
    expected = cli_dry_run(curator_settings, [FIX / "riverside_v2.json"])
    preview = client.get(upload_and_preview(client, [fixture_file("riverside_v2.json")]), headers=HTML)
    assert page_counts(preview) == cli_counts(expected)
    assert expected["updated"] == 1 and expected["added"] == 1 and expected["rejected"] == 1
    page = soup(preview)
    rejected = page.select_one("#rejected-h").find_parent("section")
    row = [td.get_text(" ", strip=True) for td in rejected.select("tbody td")]
    assert row[0] == "riverside_v2.json $.contents[3]" and row[1] == "RV-005" and "no name" in row[3]
    updated = page.select_one("#updates-h").find_parent("section")
    diff = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in updated.select("tbody tr")
    }
    assert diff["description"][0].startswith("Gentle guided walks along the river path every Monday morning")
    assert "every Monday and Friday morning" in diff["description"][1]
    assert "01632960701" in diff["contacts"][0].replace(" ", "") or "960701" in diff["contacts"][0]


def test_store_change_between_preview_and_apply_re_previews(
    client: TestClient, curator_settings: Settings
) -> None:
    preview_url = upload_and_preview(client, [fixture_file("riverside_v1.json")])
    store = Store.open(curator_settings)
    import_paths(
        store, [FIX / "riverside_v2.json"], settings=curator_settings, source="riverside"
    )  # the CLI, meanwhile
    store.dispose()
    job = apply(client, preview_url)
    assert job["state"] == "done" and job["result_url"] == preview_url + "?changed=1"
    fresh = client.get(job["result_url"], headers=HTML)
    assert "The directory changed after the first preview" in fresh.text
    assert page_counts(fresh)["Added"] == 1  # RV-003 only: the CLI import added the others
    applied = apply(client, preview_url)
    assert applied["state"] == "done" and "/curator/imports/" in applied["result_url"]


def test_cancel_deletes_the_files_and_a_later_apply_is_refused(
    client: TestClient, curator_settings: Settings
) -> None:
    preview_url = upload_and_preview(client, [fixture_file("riverside_v1.json")])
    folder = staging.uploads_root(curator_settings) / preview_url.rsplit("/", 1)[-1]
    cancelled = client.post(preview_url + "/cancel", data={"csrf_token": token(client)}, headers=HTML)
    assert cancelled.status_code == 200 and "cancelled and its files deleted" in cancelled.text
    assert not (folder / "files").exists() and not (folder / "preview.json").exists()
    late = client.post(preview_url + "/apply", data={"csrf_token": token(client)}, headers=HTML)
    assert late.status_code == 410 and "cancelled" in late.text
    assert client.get(preview_url, headers=HTML).status_code == 410


def test_expired_preview_cannot_be_applied(client: TestClient, curator_settings: Settings) -> None:
    preview_url = upload_and_preview(client, [fixture_file("riverside_v1.json")])
    root = staging.uploads_root(curator_settings)
    staged = staging.load(root, preview_url.rsplit("/", 1)[-1])
    assert staged is not None
    staged.expires = 0
    staging.save(root, staged)
    refused = client.post(preview_url + "/apply", data={"csrf_token": token(client)}, headers=HTML)
    assert refused.status_code == 410 and "expired" in refused.text and "nothing was imported" in refused.text
    with Store.open(curator_settings).read() as s:
        assert s.scalars(select(m.Service)).first() is None
    assert staging.sweep_expired(root) == 1 and not (root / staged.id).exists()


def test_three_tables_as_separate_files_and_a_zipped_package_match_the_cli(
    client: TestClient, curator_settings: Settings
) -> None:
    tables = FIX / "tables"
    expected = cli_dry_run(curator_settings, [tables], "shoreline")
    files = [(p.name, p.read_bytes()) for p in sorted(tables.iterdir())]
    preview = client.get(upload_and_preview(client, files, "shoreline"), headers=HTML)
    assert page_counts(preview) == cli_counts(expected) and expected["added"] == 3

    package = REPO / "tests" / "fixtures" / "hsds_csv" / "package"
    expected = cli_dry_run(curator_settings, [package], "hsds")
    zipped = ("package.zip", zip_folder(package, prefix="export/"))
    preview = client.get(upload_and_preview(client, [zipped], "hsds"), headers=HTML)
    assert page_counts(preview) == cli_counts(expected) and expected["added"] > 0
    assert "Files: package.zip/export — read as hsds-csv" in preview.text


def test_sample_directory_upload_matches_the_cli(client: TestClient, curator_settings: Settings) -> None:
    sample = REPO / "directory_data" / "sample-services.csv"
    expected = cli_dry_run(curator_settings, [sample], "sample")
    preview = client.get(
        upload_and_preview(client, [(sample.name, sample.read_bytes())], "sample"), headers=HTML
    )
    assert page_counts(preview) == cli_counts(expected) and expected["added"] > 200


def test_json_clients_get_202_and_a_status_url(client: TestClient) -> None:
    response = upload(client, [fixture_file("riverside_v1.json")], headers=JSON)
    assert response.status_code == 202
    body = response.json()
    assert body["status_url"].startswith("/api/curator/jobs/")
    job = wait_for_job(client, body["job_url"])
    assert job["state"] == "done" and job["percent"] in (None, 100)


def test_another_curator_cannot_see_or_apply_my_upload(client: TestClient) -> None:
    from navigator.auth.testing import make_user, sign_in

    make_user(client, "curator", "other.curator@example.org")
    preview_url = upload_and_preview(client, [fixture_file("riverside_v1.json")])
    client.post("/sign-out", data={"csrf_token": token(client)})
    sign_in(client, "other.curator@example.org")
    assert client.get(preview_url, headers=HTML).status_code == 404
    refused = client.post(preview_url + "/apply", data={"csrf_token": token(client)}, headers=HTML)
    assert refused.status_code == 404


def test_history_pages_list_every_import(client: TestClient, curator_settings: Settings) -> None:
    store = Store.open(curator_settings)
    import_paths(store, [FIX / "riverside_v1.json"], settings=curator_settings, source="riverside")
    store.dispose()
    apply(client, upload_and_preview(client, [fixture_file("riverside_v2.json")]))
    page = client.get("/curator/imports", headers=HTML)
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in soup(page).select("tbody tr")]
    assert [r[2] for r in rows] == [CURATOR, "cli"]
    assert rows[0][4] == "riverside_v2.json" and "1 added, 1 updated, 1 unchanged, 1 rejected" in rows[0][5]
    assert rows[1][6] == "applied"
    listing = client.get("/api/curator/imports").json()
    assert listing["total"] == 2 and listing["imports"][0]["counts"]["updated"] == 1
    detail = client.get(f"/api/curator/imports/{listing['imports'][0]['id']}").json()
    assert detail["report"]["rejected"][0]["source_id"] == "RV-005"
    home = soup(client.get("/curator", headers=HTML))
    links = {a["href"] for a in home.select("nav[aria-label=Curator] a")}
    assert links >= {
        "/curator/import",
        "/curator/imports",
        "/curator/feeds",
        "/curator/duplicates",
        "/curator/stale",
        "/curator/problems",
        "/exports",
    }
    assert json.loads(client.get("/api/curator").text)["areas"][0]["url"] == "/curator/import"
