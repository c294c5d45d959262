"""Bad uploads are refused clearly and leave nothing behind: over the size limit (413, counted while
streaming), wrong types (415), zip bombs and hostile zips (422), missing CSRF (403), wrong roles."""

from __future__ import annotations

import io
import stat
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client, make_user, sign_in
from navigator.config import Settings
from navigator.curation import staging
from navigator.curation.uploads import display_name, safe_name
from navigator.store import models as m
from navigator.store.db import Store

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "curator_import"))

from curator_support import (
    HTML,
    JSON,
    FakeSearch,
    app_settings,
    apply,
    fixture_file,
    signed_in_client,
    soup,
    token,
    upload,
    upload_and_preview,
    zip_bytes,
)


@pytest.fixture
def curator_settings(tmp_path: Path) -> Settings:
    return app_settings(
        tmp_path, max_upload_bytes=200_000, max_upload_unpacked_bytes=2_000_000, max_upload_members=20
    )


@pytest.fixture
def client(curator_settings: Settings) -> Iterator[TestClient]:
    yield from signed_in_client(curator_settings)


def nothing_staged(settings: Settings) -> bool:
    root = staging.uploads_root(settings)
    return not root.exists() or not any(root.iterdir())


def services(settings: Settings) -> int:
    store = Store.open(settings)
    with store.read() as s:
        n = s.scalar(select(func.count()).select_from(m.Service)) or 0
    store.dispose()
    return n


def error_text(response: object) -> str:
    summary = soup(response).select_one("[data-upload-error]")
    assert summary is not None
    return summary.get_text(" ", strip=True)


def test_over_the_size_limit_is_refused_while_streaming(
    client: TestClient, curator_settings: Settings
) -> None:
    apply(client, upload_and_preview(client, [fixture_file("riverside_v1.json")]))
    big = b"[" + b" " * 300_000 + b"]"
    refused = upload(client, [("big.json", big)])
    assert refused.status_code == 413
    assert "larger than the limit" in error_text(refused) and "Nothing was imported" in error_text(refused)
    as_json = upload(client, [("big.json", big)], headers=JSON)
    assert as_json.status_code == 413 and "NAVIGATOR_MAX_UPLOAD_BYTES" in as_json.json()["detail"]
    assert services(curator_settings) == 3  # what was there before is untouched
    declared = upload(client, [("bigger.json", b"[" + b" " * 1_500_000 + b"]")])  # refused by Content-Length
    assert declared.status_code == 413 and "larger than the limit" in error_text(declared)
    root = staging.uploads_root(curator_settings)
    assert [p.name for p in root.iterdir() if not (p / "meta.json").exists()] == []


@pytest.mark.parametrize("name", ["setup.exe", "listings.pdf", "page.html", "macro.xlsm", "noextension"])
def test_wrong_file_types_are_refused(client: TestClient, curator_settings: Settings, name: str) -> None:
    refused = upload(client, [(name, b"MZ\x90\x00 not a directory file")])
    assert refused.status_code == 415
    assert f"'{name}' is not a file Navigator can import" in error_text(refused)
    assert nothing_staged(curator_settings)


def test_a_zip_bomb_is_refused(client: TestClient, curator_settings: Settings) -> None:
    bomb = zip_bytes({"services.csv": b"0" * 1_500_000})  # ~1,000 times over
    refused = upload(client, [("bomb.zip", bomb)])
    assert refused.status_code == 422 and "possible zip bomb" in error_text(refused)
    too_much = zip_bytes({f"part{i}.csv": b"0" * 900_000 for i in range(3)})  # small members, 2.7 MB in all
    refused = upload(client, [("much.zip", too_much)])
    assert refused.status_code == 422 and "would unpack to 2,700,000 bytes, over the limit" in error_text(
        refused
    )
    many = zip_bytes({f"f{i}.json": b"[]" for i in range(25)})
    refused = upload(client, [("many.zip", many)])
    assert refused.status_code == 422 and "at most 20 are allowed" in error_text(refused)
    assert nothing_staged(curator_settings)


def test_an_xlsx_bomb_is_refused(client: TestClient) -> None:
    bomb = zip_bytes({"xl/worksheets/sheet1.xml": b"<c>" * 600_000, "[Content_Types].xml": b"<x/>"})
    refused = upload(client, [("sheet.xlsx", bomb)])
    assert refused.status_code == 422 and "zip bomb" in error_text(refused)


def _zip_with(info: zipfile.ZipInfo, body: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, body)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("member", "words"),
    [("../../escape.json", "climbs out of its folder"), ("/etc/cron.d/evil.json", "absolute path")],
)
def test_hostile_zip_paths_are_refused(
    client: TestClient, curator_settings: Settings, member: str, words: str
) -> None:
    refused = upload(client, [("evil.zip", _zip_with(zipfile.ZipInfo(member), b"[]"))])
    assert refused.status_code == 422 and words in error_text(refused)
    assert not (curator_settings.data_dir / "escape.json").exists() and nothing_staged(curator_settings)


def test_zip_symlinks_and_non_zips_are_refused(client: TestClient) -> None:
    link = zipfile.ZipInfo("services.csv")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    refused = upload(client, [("links.zip", _zip_with(link, b"/etc/passwd"))])
    assert refused.status_code == 422 and "symbolic link" in error_text(refused)
    refused = upload(client, [("fake.zip", b"this is not a zip at all")])
    assert refused.status_code == 422 and "not a valid zip file" in error_text(refused)
    refused = upload(
        client, [("inner.zip", zip_bytes({"nested.zip": zip_bytes({"a.json": b"[]"}), "readme.txt": b"hi"}))]
    )
    assert refused.status_code == 422 and "holds no file Navigator can import" in error_text(refused)


def test_missing_pieces_are_refused(client: TestClient, curator_settings: Settings) -> None:
    no_source = upload(client, [fixture_file("riverside_v1.json")], source="  ")
    assert no_source.status_code == 422 and "which source" in error_text(no_source)
    empty = upload(client, [("empty.json", b"")])
    assert empty.status_code == 400 and "'empty.json' is empty" in error_text(empty)
    no_files = client.post(
        "/curator/import",
        data={"csrf_token": token(client), "source": "x"},
        files=[("files", ("", b"", "application/octet-stream"))],
        headers=HTML,
    )
    assert no_files.status_code == 422 and "Choose at least one file" in no_files.text
    not_a_form = client.post(
        "/curator/import",
        content=b"{}",
        headers={**HTML, "content-type": "application/json", "x-csrf-token": token(client)},
    )
    assert not_a_form.status_code == 400
    assert nothing_staged(curator_settings)


def test_csrf_is_required_for_uploads_and_every_action(
    client: TestClient, curator_settings: Settings
) -> None:
    missing = upload(client, [fixture_file("riverside_v1.json")], csrf=None)
    assert missing.status_code == 403 and "security token" in missing.text
    forged = upload(
        client, [fixture_file("riverside_v1.json")], csrf=None, headers={**JSON, "x-csrf-token": "forged"}
    )
    assert forged.status_code == 403
    assert nothing_staged(curator_settings)
    preview_url = upload_and_preview(client, [fixture_file("riverside_v1.json")])
    assert client.post(preview_url + "/apply", headers=HTML).status_code == 403
    assert client.post(preview_url + "/apply", data={"csrf_token": "forged"}, headers=HTML).status_code == 403
    assert client.post(preview_url + "/cancel", headers=HTML).status_code == 403
    assert services(curator_settings) == 0
    assert client.get(preview_url, headers=HTML).status_code == 200  # still there, still previewable


def test_anonymous_and_navigators_are_kept_out(curator_settings: Settings) -> None:
    with auth_client(create_app(curator_settings, search_service=FakeSearch())) as c:
        make_user(c, "navigator")
        for path in (
            "/curator",
            "/curator/import",
            "/curator/imports",
            "/curator/feeds",
            "/api/curator/imports",
        ):
            assert c.get(path, headers=HTML).status_code == 401, path
        assert upload(c, [fixture_file("riverside_v1.json")], csrf=None).status_code == 401
        sign_in(c, "navigator@example.org")
        assert c.get("/curator/import", headers=HTML).status_code == 403
        assert upload(c, [fixture_file("riverside_v1.json")], csrf=None).status_code == 403
    assert nothing_staged(curator_settings)


def test_client_file_names_are_never_trusted() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\Users\\cora\\Services List.CSV") == "Services-List.csv"
    assert safe_name("...") == "upload" and safe_name("") == "upload"
    assert safe_name(".hidden.json") == "hidden.json"
    assert safe_name("café–list.json") == "cafe-list.json"
    assert safe_name("a" * 500 + ".json") == "a" * 90 + ".json"
    assert display_name("../../x/<b>list.csv") == "<b>list.csv"  # shown escaped, never used as a path


def test_a_traversal_file_name_is_staged_inside_its_folder(
    client: TestClient, curator_settings: Settings
) -> None:
    name, body = fixture_file("riverside_v1.json")
    preview_url = upload_and_preview(client, [("../../../" + name, body)])
    root = staging.uploads_root(curator_settings)
    staged = staging.load(root, preview_url.rsplit("/", 1)[-1])
    assert staged is not None and staged.paths == ["files/json/riverside_v1.json"]
    assert not (curator_settings.data_dir.parent / name).exists()
