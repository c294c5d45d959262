"""Bugs the API fuzz (test_fuzz_api_schema.py) found, pinned one by one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.auth.testing import auth_client, make_user, sign_in
from navigator.auth.tokens import create_token
from navigator.config import Settings


@pytest.fixture
def admin(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with auth_client(create_app(settings), raise_server_exceptions=False) as client:
        make_user(client, "admin", "admin@example.org")
        token, _ = create_token(client.app.state.store, "admin@example.org", "regressions")  # type: ignore[attr-defined]
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/inbox/{n}"),
        ("POST", "/api/inbox/{n}/done"),
        ("GET", "/inbox/{n}"),
        ("GET", "/api/curator/imports/{n}"),
        ("GET", "/curator/imports/{n}/rollback"),
        ("POST", "/curator/imports/{n}/rollback"),
        ("POST", "/curator/feeds/{n}/sync"),
        ("POST", "/curator/feeds/{n}/remove"),
    ],
)
def test_an_id_too_big_for_the_store_is_a_422_not_a_500(
    admin: tuple[TestClient, dict[str, str]], method: str, path: str
) -> None:
    """2**63 and up overflowed SQLite's integer inside the query (OverflowError → 500)."""
    client, bearer = admin
    for n in (2**63, 10**30):
        response = client.request(method, path.format(n=n), headers=bearer)
        assert response.status_code == 422, (path, n, response.text[:200])
        assert "less than or equal to" in response.json()["detail"]
    largest = client.request(method, path.format(n=2**63 - 1), headers=bearer)
    assert largest.status_code == 404  # the largest id the store can hold is simply not there


def test_a_script_with_an_api_token_uploads_without_a_csrf_token(
    admin: tuple[TestClient, dict[str, str]],
) -> None:
    """Bearer requests are exempt from CSRF everywhere, but the streamed upload still wanted a token
    in the header or the form (403): found while seeding the API fuzz with an upload."""
    client, bearer = admin
    files = {"files": ("listings.csv", b"service_id,service_name\nX-1,Tea and chat\n", "text/csv")}
    started = client.post(
        "/curator/import",
        files=files,
        data={"source": "script"},
        headers={**bearer, "accept": "application/json"},
    )
    assert started.status_code == 202, started.text[:300]
    assert started.json()["status_url"].startswith("/api/curator/jobs/")
    # A signed-in browser (session cookie) still needs the token: the exemption is for bearer only.
    make_user(client, "curator", "cat@example.org")
    sign_in(client, "cat@example.org")
    browser = client.post("/curator/import", files=files, data={"source": "script"})
    assert browser.status_code == 403 and "security token" in browser.text


def _multipart(filename: str, content: bytes, source: str = "script") -> tuple[bytes, str]:
    """A multipart body written by hand: the file name as raw UTF-8, the way browsers send it."""
    boundary = "fuzzboundary1234"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\n{source}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("filename", ["日本 services.csv", "Café listings.csv", "\U0001d11e list.csv"])
def test_an_upload_named_in_any_script_is_taken_and_its_name_kept(
    admin: tuple[TestClient, dict[str, str]], filename: str
) -> None:
    """A file name outside Latin-1 in the part header crashed the upload (UnicodeEncodeError → 500),
    and a Latin-1 one came back mangled ("Caf�")."""
    client, bearer = admin
    body, content_type = _multipart(filename, b"service_id,service_name\nX-1,Tea and chat\n")
    headers = {**bearer, "accept": "application/json", "content-type": content_type}
    started = client.post("/curator/import", content=body, headers=headers)
    assert started.status_code == 202, started.text[:300]
    job = client.get(started.json()["status_url"], headers=bearer).json()
    assert filename in job["title"]


@pytest.mark.parametrize(
    ("filename", "stored"), [("日本.csv", "upload.csv"), ("Ελληνικά.json", "upload.json")]
)
def test_a_file_named_only_in_another_script_keeps_its_suffix(filename: str, stored: str) -> None:
    """Cleaning the whole name took the suffix's dot with the stripped lead: "日本.csv" became "csv"
    and was refused (415) as not a file Navigator imports."""
    from navigator.curation.uploads import safe_name

    assert safe_name(filename) == stored


def test_a_file_named_only_in_another_script_uploads(admin: tuple[TestClient, dict[str, str]]) -> None:
    client, bearer = admin
    body, content_type = _multipart("日本.csv", b"service_id,service_name\nX-1,Tea and chat\n")
    headers = {**bearer, "accept": "application/json", "content-type": content_type}
    assert client.post("/curator/import", content=body, headers=headers).status_code == 202
