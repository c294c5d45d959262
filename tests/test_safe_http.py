"""The outgoing-request guard: https only, public addresses only (checked on the connected address),
redirects re-checked, size limit while streaming, JSON only. A real local HTTPS server where a
connection is needed; the default policy (no loopback) wherever the point is a refusal."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from navigator.config import Settings
from navigator.curation.safe_http import (
    FetchFailed,
    FetchRefused,
    HttpPolicy,
    SafeHttp,
    address_problem,
    check_url,
)

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "feeds"))

from feed_server import FeedServer, Reply, json_reply, make_certificate, resolver_for


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("cert"))


@pytest.fixture
def server(certificate: tuple[Path, Path]) -> Iterator[FeedServer]:
    with FeedServer(*certificate) as s:
        yield s


def loopback_client(certificate: tuple[Path, Path], **policy: object) -> SafeHttp:
    """The test-only allowance: loopback admitted, the throwaway certificate trusted."""
    return SafeHttp(
        HttpPolicy(allow_loopback=True, ca_file=certificate[0], **policy),  # type: ignore[arg-type]
        resolver=resolver_for({"feed.test": "127.0.0.1"}),
    )


def default_client(resolver: dict[str, str] | None = None) -> SafeHttp:
    policy = HttpPolicy.from_settings(Settings())
    assert policy.allow_loopback is False  # the default settings
    return SafeHttp(policy, resolver=resolver_for(resolver or {}))


def test_fetches_json_over_https_from_the_local_server(server: FeedServer, certificate) -> None:  # type: ignore[no-untyped-def]
    server.routes["/services"] = lambda path, q: json_reply({"contents": [{"id": "a"}], "page": q["page"]})
    with loopback_client(certificate) as client:
        assert client.get_json(server.base + "/services?page=2") == {"contents": [{"id": "a"}], "page": ["2"]}


def test_certificate_not_trusted_is_an_error(server: FeedServer) -> None:
    server.routes["/services"] = lambda path, q: json_reply([])
    client = SafeHttp(HttpPolicy(allow_loopback=True), resolver=resolver_for({"feed.test": "127.0.0.1"}))
    with client, pytest.raises(FetchFailed, match="certificate"):
        client.get_json(server.base + "/services")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://127.0.0.1/services", "loopback"),
        ("https://[::1]/services", "loopback"),
        ("https://[::ffff:127.0.0.1]/services", "loopback"),
        ("https://[::ffff:10.1.2.3]/services", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://0.0.0.0/services", "unspecified"),
        ("https://224.0.0.1/services", "multicast"),
        ("https://[fe80::1]/services", "link-local"),
        ("https://[fc00::1]/services", "private"),
        ("https://100.64.0.1/services", "not on the public internet"),
    ],
)
def test_default_policy_refuses_non_public_addresses(url: str, words: str) -> None:
    with default_client() as client, pytest.raises(FetchRefused, match=words) as caught:
        client.get_json(url)
    assert "public internet addresses" in str(caught.value) or "public internet" in words


def test_default_policy_refuses_loopback_even_with_a_name(server: FeedServer) -> None:
    server.routes["/services"] = lambda path, q: json_reply([])
    with default_client({"feed.test": "127.0.0.1"}) as client, pytest.raises(FetchRefused, match="loopback"):
        client.get_json(server.base + "/services")
    assert server.requests == []  # refused before connecting


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    words = r"directory\.example\.org \(10\.0\.0\.5\).*private"
    with (
        default_client({"directory.example.org": "10.0.0.5"}) as client,
        pytest.raises(FetchRefused, match=words),
    ):
        client.get_json("https://directory.example.org/services")


def test_http_and_credentials_are_refused() -> None:
    with default_client() as client:
        with pytest.raises(FetchRefused, match="https"):
            client.get_json("http://directory.example.org/services")
        with pytest.raises(FetchRefused, match="user name or password"):
            client.get_json("https://user:secret@directory.example.org/services")
        with pytest.raises(FetchRefused, match="https"):
            client.get_json("file:///etc/passwd")


def test_redirect_to_metadata_address_is_refused(server: FeedServer, certificate) -> None:  # type: ignore[no-untyped-def]
    target = "https://169.254.169.254/latest/meta-data/"
    server.routes["/services"] = lambda p, q: Reply(302, b"", headers={"Location": target})
    with loopback_client(certificate) as client, pytest.raises(FetchRefused, match="link-local"):
        client.get_json(server.base + "/services")


def test_redirect_to_http_is_refused(server: FeedServer, certificate) -> None:  # type: ignore[no-untyped-def]
    server.routes["/services"] = lambda p, q: Reply(301, b"", headers={"Location": "http://feed.test/x"})
    with loopback_client(certificate) as client, pytest.raises(FetchRefused, match="https"):
        client.get_json(server.base + "/services")


def test_redirects_are_followed_and_counted(server: FeedServer, certificate) -> None:  # type: ignore[no-untyped-def]
    server.routes["/old"] = lambda p, q: Reply(301, b"", headers={"Location": "/services"})
    server.routes["/services"] = lambda p, q: json_reply({"ok": True})
    server.routes["/loop"] = lambda p, q: Reply(302, b"", headers={"Location": "/loop"})
    with loopback_client(certificate) as client:
        assert client.get_json(server.base + "/old") == {"ok": True}
        with pytest.raises(FetchRefused, match="more than 5 times"):
            client.get_json(server.base + "/loop")
    assert server.requests.count("/loop") == 6


def test_ten_gigabytes_declared_is_refused_before_reading(server: FeedServer, certificate) -> None:  # type: ignore[no-untyped-def]
    huge = str(10 * 1024**3)
    server.routes["/services"] = lambda p, q: Reply(200, b"", headers={"Content-Length": huge})
    with loopback_client(certificate) as client, pytest.raises(FetchRefused, match="10,737,418,240 bytes"):
        client.get_json(server.base + "/services")


def test_endless_stream_is_cut_at_the_limit(server: FeedServer, certificate) -> None:  # type: ignore[no-untyped-def]
    sent: list[int] = []

    def endless() -> Iterator[bytes]:
        chunk = b"[" + b"0," * 32_000
        for _ in range(10_000):  # 640 MB if nobody stopped it
            sent.append(len(chunk))
            yield chunk

    server.routes["/services"] = lambda p, q: Reply(200, endless())
    client = loopback_client(certificate, max_bytes=1_000_000)
    with client, pytest.raises(FetchRefused, match="larger than the limit of 1,000,000 bytes"):
        client.get_json(server.base + "/services")
    assert sum(sent) < 20_000_000


def test_html_is_refused_with_a_clear_message(server: FeedServer, certificate) -> None:  # type: ignore[no-untyped-def]
    page = b"<!doctype html><title>Our directory</title>"
    server.routes["/services"] = lambda p, q: Reply(200, page, content_type="text/html; charset=utf-8")
    with loopback_client(certificate) as client, pytest.raises(FetchRefused) as caught:
        client.get_json(server.base + "/services")
    assert "the feed returned an HTML page, not JSON" in str(caught.value)


def test_other_types_statuses_and_bad_json(server: FeedServer, certificate) -> None:  # type: ignore[no-untyped-def]
    server.routes["/csv"] = lambda p, q: Reply(200, b"a,b", content_type="text/csv")
    server.routes["/broken"] = lambda p, q: Reply(200, b'{"contents": [')
    server.routes["/gone"] = lambda p, q: Reply(503, b"{}")
    with loopback_client(certificate) as client:
        with pytest.raises(FetchRefused, match="returned text/csv, not JSON"):
            client.get_json(server.base + "/csv")
        with pytest.raises(FetchFailed, match="not valid JSON"):
            client.get_json(server.base + "/broken")
        with pytest.raises(FetchFailed, match="503"):
            client.get_json(server.base + "/gone")
        with pytest.raises(FetchFailed, match="404"):
            client.get_json(server.base + "/nothing-here")


def test_unresolvable_host_and_slow_server() -> None:
    with default_client() as client, pytest.raises(FetchFailed, match="could not find the address"):
        client.get_json("https://no-such-host.invalid/services")

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    client = SafeHttp(
        HttpPolicy(),
        resolver=resolver_for({"slow.example": "93.184.216.34"}),
        transport=httpx.MockTransport(slow),
    )
    with client, pytest.raises(FetchFailed, match="did not answer in time"):
        client.get_json("https://slow.example/services")


def test_connection_goes_to_the_checked_address_with_the_host_name_kept() -> None:
    """DNS rebinding: the request is sent to the IP that was checked, Host/SNI keep the name."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": 1}, headers={"content-type": "application/json"})

    answers = iter([["93.184.216.34"], ["127.0.0.1"]])  # a rebinding resolver: public, then loopback
    client = SafeHttp(
        HttpPolicy(), resolver=lambda host, port: next(answers), transport=httpx.MockTransport(record)
    )
    with client:
        assert client.get_json("https://rebind.example/services") == {"ok": 1}
        with pytest.raises(FetchRefused, match="loopback"):
            client.get_json("https://rebind.example/services")
    assert len(seen) == 1
    assert seen[0].url.host == "93.184.216.34"
    assert seen[0].headers["host"] == "rebind.example"
    assert seen[0].extensions["sni_hostname"] == "rebind.example"


def test_any_non_public_answer_among_several_is_refused() -> None:
    client = SafeHttp(HttpPolicy(), resolver=lambda host, port: ["93.184.216.34", "192.168.1.4"])
    with client, pytest.raises(FetchRefused, match="private"):
        client.get_json("https://mixed.example/services")


def test_address_rules() -> None:
    ip = ipaddress.ip_address
    assert address_problem(ip("93.184.216.34")) is None
    assert address_problem(ip("2606:2800:220:1:248:1893:25c8:1946")) is None
    assert address_problem(ip("127.0.0.1"), allow_loopback=True) is None
    assert address_problem(ip("10.0.0.1"), allow_loopback=True) == "a private network address"
    assert address_problem(ip("2002:0a00:0001::1")) == "a private network address"  # 6to4 of 10.0.0.1
    assert check_url("https://Feed.Example.org:8443/api").host == "feed.example.org"
    with pytest.raises(FetchRefused, match="no host"):
        check_url("https:///services")


def test_the_real_resolver_is_used_by_default() -> None:
    with SafeHttp(HttpPolicy()) as client, pytest.raises(FetchRefused, match=r"localhost .*loopback"):
        client.get_json("https://localhost/services")


def test_the_connected_address_is_checked_again_after_connecting(
    server: FeedServer, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Belt and braces behind the pinning: the peer of the open connection is checked too."""
    import navigator.curation.safe_http as guard

    server.routes["/services"] = lambda p, q: json_reply([])
    calls: list[str] = []
    real = guard.address_problem

    def second_opinion(
        address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool = False
    ) -> str | None:
        calls.append(str(address))
        return (
            "a loopback address (seen after connecting)" if len(calls) > 1 else real(address, allow_loopback)
        )

    monkeypatch.setattr(guard, "address_problem", second_opinion)
    with loopback_client(certificate) as client, pytest.raises(FetchRefused, match="seen after connecting"):
        client.get_json(server.base + "/services")
    assert calls == ["127.0.0.1", "127.0.0.1"]  # before connecting (resolved) and after (the socket's peer)
