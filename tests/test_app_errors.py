"""Dead links give people a page that helps them on; API clients keep JSON."""

from __future__ import annotations

from fastapi.testclient import TestClient

from navigator.app.factory import create_app
from navigator.config import Settings


def test_unknown_page_is_a_friendly_html_404_and_json_for_api_clients(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        page = client.get("/no/such/page", headers={"accept": "text/html"})
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert "There is no page at this address" in page.text and 'href="/"' in page.text
        assert "content-security-policy" in page.headers
        api = client.get("/no/such/page")
        assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
