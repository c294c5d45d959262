"""The outgoing-request guard: every request Navigator makes to a feed goes through `SafeHttp`.

A curator types a URL and the server fetches it, so without care a feed address could make the
server reach its own network (cloud metadata at 169.254.169.254, admin ports on 127.0.0.1, the
office LAN) — server-side request forgery. So:

- https only; no user:password@ in URLs;
- the host is resolved here and EVERY address it resolves to must be public (not private, loopback,
  link-local, multicast, reserved, unspecified or otherwise non-global, IPv4 and IPv6, including
  IPv4-mapped/6to4/Teredo IPv6 forms of such addresses);
- the connection is made to the address that was checked (the URL's host is replaced by that IP;
  TLS still verifies the certificate against the host name through SNI), so a DNS answer that
  changes between check and connect (DNS rebinding) cannot redirect it; where the transport
  exposes the peer address it is checked again after connecting;
- redirects are followed by hand, each hop checked the same way, at most `max_redirects`;
- connect and read timeouts; environment proxies are ignored (a proxy would connect elsewhere);
- a response larger than `max_bytes` is refused, by its Content-Length or while streaming;
- only JSON is accepted, with a clear message for the classic mistake of an HTML page.

Tests reach a local feed server through `HttpPolicy.allow_loopback` (from the test-only setting
`feed_allow_loopback_for_tests`), which admits loopback addresses and nothing else.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from navigator.config import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # (host, port) → IP address strings
REDIRECTS = (301, 302, 303, 307, 308)


class FetchRefused(Exception):
    """The guard refused the request or its response; the message says why, for people."""


class FetchFailed(Exception):
    """The feed could not be fetched (network, HTTP status, invalid JSON); the message says why."""


@dataclass(frozen=True)
class HttpPolicy:
    max_bytes: int = 50 * 1024 * 1024
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_redirects: int = 5
    allow_loopback: bool = False  # tests only: see the module docstring
    ca_file: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpPolicy:
        return cls(
            max_bytes=settings.feed_max_response_bytes,
            connect_timeout=settings.feed_connect_timeout_s,
            read_timeout=settings.feed_read_timeout_s,
            allow_loopback=settings.feed_allow_loopback_for_tests,
            ca_file=settings.feed_ca_file,
        )


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"could not find the address of {host}; check the URL") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_problem(address: IPAddress, allow_loopback: bool = False) -> str | None:
    """Why Navigator must not connect to this address, or None when it is a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        for embedded in (address.ipv4_mapped, address.sixtofour, (address.teredo or (None, None))[1]):
            if embedded is not None:
                return address_problem(embedded, allow_loopback)
    if address.is_loopback:
        return None if allow_loopback else "a loopback address (this server itself)"
    checks = (
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address (such as a cloud metadata service)"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private network address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, words in checks:
        if getattr(address, attribute):
            return words
    if not address.is_global:
        return "an address that is not on the public internet"
    return None


def check_url(url: str | httpx.URL) -> httpx.URL:
    """The URL parsed, if its form is acceptable (https, a host, no credentials)."""
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchRefused(f"'{url}' is not a valid URL ({exc})") from exc
    if parsed.scheme != "https":
        raise FetchRefused(
            f"'{url}' does not use https; Navigator only fetches feeds over https (an encrypted "
            "connection), so use the https:// address of the feed"
        )
    if not parsed.host:
        raise FetchRefused(f"'{url}' has no host name")
    if parsed.userinfo:
        raise FetchRefused("feed URLs may not contain a user name or password")
    return parsed


def ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    try:
        import certifi

        context.load_verify_locations(certifi.where())
    except ImportError:  # system CAs alone are fine
        pass
    if ca_file is not None:
        context.load_verify_locations(str(ca_file))
    return context


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes


class SafeHttp:
    """Guarded GETs. `resolver` and `transport` are injectable for tests; both default to the real ones."""

    def __init__(
        self,
        policy: HttpPolicy,
        *,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.policy = policy
        self.resolver = resolver
        timeout = httpx.Timeout(policy.read_timeout, connect=policy.connect_timeout)
        transport = transport or httpx.HTTPTransport(verify=ssl_context(policy.ca_file), retries=0)
        self.client = httpx.Client(
            transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> SafeHttp:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- public ---------------------------------------------------------------------------------
    def get_json(self, url: str) -> Any:
        fetched = self.fetch(url)
        try:
            return json.loads(fetched.body.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise FetchFailed(f"the response from {fetched.url} is not UTF-8 text ({exc.reason})") from exc
        except json.JSONDecodeError as exc:
            raise FetchFailed(
                f"the response from {fetched.url} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                f"column {exc.colno}"
            ) from exc
        except RecursionError as exc:
            raise FetchRefused(f"the response from {fetched.url} is nested too deeply to read") from exc

    def fetch(self, url: str) -> Fetched:
        current = check_url(url)
        for _hop in range(self.policy.max_redirects + 1):
            response = self._send(current)
            try:
                if response.status_code in REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchFailed(f"{current} redirected without saying where to")
                    current = check_url(current.join(location))
                    continue
                return self._read(current, response)
            finally:
                response.close()
        raise FetchRefused(f"{url} redirected more than {self.policy.max_redirects} times; giving up")

    # -- internals ------------------------------------------------------------------------------
    def _pinned_address(self, url: httpx.URL) -> str:
        host = url.host
        port = url.port or 443
        addresses = self.resolver(host, port)
        if not addresses:
            raise FetchFailed(f"could not find the address of {host}")
        for text in addresses:
            address = ipaddress.ip_address(text.split("%")[0])
            problem = address_problem(address, self.policy.allow_loopback)
            if problem:
                where = host if host == str(address) else f"{host} ({address})"
                raise FetchRefused(
                    f"refused to connect to {where}: it is {problem}. Navigator only fetches feeds "
                    "from public internet addresses"
                )
        return addresses[0].split("%")[0]

    def _send(self, url: httpx.URL) -> httpx.Response:
        address = self._pinned_address(url)
        pinned = url.copy_with(host=address)
        host_header = url.netloc.decode("ascii")
        request = self.client.build_request(
            "GET",
            pinned,
            headers={
                "Host": host_header,
                "Accept": "application/json",
                # Uncompressed, so the size limit counts what is really held; a server that
                # compresses anyway is decoded chunk by chunk and counted after decoding.
                "Accept-Encoding": "identity",
                "User-Agent": "Navigator-feed-sync",
            },
            extensions={"sni_hostname": url.host},
        )
        try:
            response = self.client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"{url.host} did not answer in time ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"could not fetch {url}: {exc}") from exc
        self._check_peer(response, url)
        return response

    def _check_peer(self, response: httpx.Response, url: httpx.URL) -> None:
        """Check again after connecting, on the address actually connected to."""
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if not peer:
            return
        address = ipaddress.ip_address(str(peer[0]).split("%")[0])
        problem = address_problem(address, self.policy.allow_loopback)
        if problem:
            response.close()
            raise FetchRefused(f"refused: {url.host} connected to {peer[0]}, which is {problem}")

    def _read(self, url: httpx.URL, response: httpx.Response) -> Fetched:
        if response.status_code != 200:
            reason = response.reason_phrase or ""
            raise FetchFailed(f"{url} answered {response.status_code} {reason}".rstrip())
        limit = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchRefused(
                f"the response from {url} is {int(declared):,} bytes, over the limit of {limit:,} "
                "(NAVIGATOR_FEED_MAX_RESPONSE_BYTES)"
            )
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        _check_content_type(url, content_type)
        body = bytearray()
        try:
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FetchRefused(
                        f"the response from {url} is larger than the limit of {limit:,} bytes "
                        "(NAVIGATOR_FEED_MAX_RESPONSE_BYTES); stopped reading it"
                    )
        except httpx.TimeoutException as exc:
            raise FetchFailed(f"{url.host} stopped sending in the middle of a response") from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(f"reading the response from {url} failed: {exc}") from exc
        return Fetched(str(url), response.status_code, content_type, bytes(body))


def _check_content_type(url: httpx.URL, content_type: str) -> None:
    if content_type in ("", "application/json", "text/json") or content_type.endswith("+json"):
        return
    if content_type in ("text/html", "application/xhtml+xml"):
        raise FetchRefused(
            f"the feed returned an HTML page, not JSON ({url}). Check that the address is the feed's "
            "API base URL (the one whose /services answers with JSON), not its website"
        )
    raise FetchRefused(f"the feed returned {content_type}, not JSON ({url})")
