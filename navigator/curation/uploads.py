"""Receiving a browser upload safely: the multipart body is parsed as it streams in and each file is
written straight to disk under a name Navigator chose, counting bytes, so an over-size upload is
refused without ever being held whole (in memory or in a temporary file).

Nothing the client says is trusted: its file names are reduced to a safe basename (no folders, no
"..", no control characters, no leading dots), file types are decided by the name's suffix from a
short allow-list, and the CSRF token must arrive before any file data (the form puts its hidden
`csrf_token` field first; scripts send the X-CSRF-Token header).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

ALLOWED_SUFFIXES = (".json", ".csv", ".tsv", ".xlsx", ".zip")
ACCEPT_TEXT = (
    "Open Referral UK JSON (.json), spreadsheets (.csv, .tsv, .xlsx) or a .zip of an HSDS CSV package"
)
MAX_FIELD_BYTES = 10_000  # a text field (source name, token) is small; a big one is an attack or a slip
MAX_FIELDS = 20
MAX_FILES = 50
DRAIN_FACTOR = 4  # past the limit, read and discard up to 4x the limit so a browser sees our 413 page


class UploadRefused(Exception):
    """The upload cannot be used; `status` is the HTTP status, the message says why and what to do."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ReceivedFile:
    name: str  # the safe name it was saved under (unique within the upload)
    original: str  # what the client called it, cleaned for display only
    path: Path
    size: int


@dataclass
class ReceivedForm:
    fields: dict[str, str] = field(default_factory=dict)
    files: list[ReceivedFile] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def safe_name(client_name: str, fallback: str = "upload") -> str:
    """A file name safe to create: the basename only, letters/digits/._- , no leading dot, ≤ 100 chars."""
    base = re.split(r"[\\/]", client_name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFKD", base) if not unicodedata.combining(ch))
    # The suffix is split off first: cleaning "日本.csv" whole left "-.csv", whose stripped lead
    # took the dot with it ("csv", refused as not importable).
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_ ")
    stem = re.sub(r"\.{2,}", ".", stem)
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)
    stem = stem[:90] or fallback
    return f"{stem}.{suffix.lower()[:8]}" if suffix else stem


def display_name(client_name: str) -> str:
    """The client's file name for showing back (basename, printable, ≤ 120 chars); never a path."""
    base = re.split(r"[\\/]", client_name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable())
    return base[:120] or "unnamed file"


def check_suffix(name: str, original: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        shown = f"'{original}'"
        raise UploadRefused(415, f"{shown} is not a file Navigator can import. Upload {ACCEPT_TEXT}.")
    return suffix


def _unique(folder: Path, name: str) -> Path:
    path = folder / name
    n = 2
    while path.exists():
        stem, suffix = Path(name).stem, Path(name).suffix
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


def too_big_message(limit: int) -> str:
    return (
        f"The upload is larger than the limit of {limit / 1_048_576:,.0f} MB ({limit:,} bytes). Nothing "
        "was imported. Split the file, or ask an administrator to raise NAVIGATOR_MAX_UPLOAD_BYTES."
    )


class _Receiver:
    """Callbacks for the streaming parser: one part at a time, files straight to disk."""

    def __init__(self, folder: Path, limit: int, token_ok: Callable[[str | None], bool], header_ok: bool):
        self.folder = folder
        self.limit = limit
        self.token_ok = token_ok
        self.verified = header_ok
        self.form = ReceivedForm()
        self.headers: dict[str, str] = {}
        self._field = bytearray()
        self._value = bytearray()
        self._name: str | None = None
        self._file: ReceivedFile | None = None
        self._handle: BinaryIO | None = None
        self._text = bytearray()
        self.error: UploadRefused | None = None

    # header callbacks
    def on_part_begin(self) -> None:
        self.headers = {}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        # Latin-1 keeps every byte as one character: the header parser (which encodes to Latin-1)
        # gets back the exact bytes, and a UTF-8 file name ("日本.csv", as browsers send it) is
        # decoded as UTF-8 below, from those bytes.
        self.headers[self._field.decode("latin-1").lower()] = self._value.decode("latin-1")
        self._field.clear()
        self._value.clear()

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.headers.get("content-disposition", ""))
        self._name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        self._text.clear()
        if filename is None:
            return
        original = filename.decode("utf-8", "replace")
        if not original:
            return  # an empty file input: the browser sends a part with no name and no data
        if not self.verified:
            raise UploadRefused(
                403, "The form's security token is missing or wrong; reload the page and try again."
            )
        if len(self.form.files) >= MAX_FILES:
            raise UploadRefused(400, f"Upload at most {MAX_FILES} files at a time.")
        name = safe_name(original)
        check_suffix(name, display_name(original))
        path = _unique(self.folder, name)
        self._file = ReceivedFile(path.name, display_name(original), path, 0)
        self._handle = path.open("xb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._handle is not None and self._file is not None:
            self._file.size += len(chunk)
            if self.form.total_bytes + self._file.size > self.limit:
                raise UploadRefused(413, too_big_message(self.limit))
            self._handle.write(chunk)
        elif self._name is not None:
            self._text += chunk
            if len(self._text) > MAX_FIELD_BYTES:
                raise UploadRefused(400, f"The form field '{self._name[:40]}' is too long.")

    def on_part_end(self) -> None:
        if self._handle is not None and self._file is not None:
            self._handle.close()
            self._handle = None
            if self._file.size == 0:
                raise UploadRefused(400, f"'{self._file.original}' is empty.")
            self.form.files.append(self._file)
            self._file = None
        elif self._name:
            if len(self.form.fields) >= MAX_FIELDS:
                raise UploadRefused(400, "The form has too many fields.")
            value = self._text.decode("utf-8", "replace")
            self.form.fields[self._name] = value
            if self._name == "csrf_token" and not self.verified:
                self.verified = self.token_ok(value)
        self._name = None

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


async def receive_multipart(
    stream: AsyncIterator[bytes],
    content_type: str,
    content_length: str | None,
    folder: Path,
    *,
    limit: int,
    token_ok: Callable[[str | None], bool],
    header_token: str | None,
) -> ReceivedForm:
    """Parse a multipart/form-data body into `folder`, refusing (UploadRefused) as soon as it can.

    On refusal the caller deletes `folder`. The rest of an over-size body is read and discarded
    (up to DRAIN_FACTOR x the limit) so a browser posting a plain form gets the 413 page rather
    than a reset connection.
    """
    mime, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise UploadRefused(400, "Send the files as a form upload (multipart/form-data).")
    # A bearer-token request passes with no token at all (token_ok says so), as everywhere else.
    header_ok = token_ok(header_token)
    if header_token and not header_ok:
        raise UploadRefused(403, "The form's security token is wrong; reload the page and try again.")
    folder.mkdir(parents=True, exist_ok=True)
    receiver = _Receiver(folder, limit, token_ok, header_ok)
    declared = int(content_length) if content_length and content_length.isdigit() else None
    parser = MultipartParser(boundary, callbacks=_callbacks(receiver))
    seen = 0
    try:
        if declared is not None and declared > limit + 1_000_000:  # fields and part headers are small
            raise UploadRefused(413, too_big_message(limit))
        async for chunk in stream:
            seen += len(chunk)
            parser.write(chunk)
        parser.finalize()
    except UploadRefused as exc:
        receiver.close()
        if exc.status == 413:
            async for chunk in stream:  # drain, bounded, so the browser reads our answer
                seen += len(chunk)
                if seen > limit * DRAIN_FACTOR:
                    break
        raise
    except FormParserError as exc:
        receiver.close()
        raise UploadRefused(400, f"The upload was cut short or malformed ({exc}); try again.") from exc
    if not receiver.verified:
        raise UploadRefused(
            403, "The form's security token is missing or wrong; reload the page and try again."
        )
    return receiver.form


def _callbacks(r: _Receiver) -> MultipartCallbacks:
    return {
        "on_part_begin": r.on_part_begin,
        "on_header_field": r.on_header_field,
        "on_header_value": r.on_header_value,
        "on_header_end": r.on_header_end,
        "on_headers_finished": r.on_headers_finished,
        "on_part_data": r.on_part_data,
        "on_part_end": r.on_part_end,
    }
