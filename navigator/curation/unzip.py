"""Opening an uploaded .zip (and checking an .xlsx, which is a zip too) without being fooled.

Refused: more members than allowed, more unpacked bytes than allowed (declared sizes are checked
first, then actual bytes are counted while extracting, because a zip's header can lie), members
that compress suspiciously well (a zip bomb), absolute or ".." paths, symbolic links, encrypted
members. Mac and Windows clutter (__MACOSX/, ._files, .DS_Store, Thumbs.db) is skipped.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from navigator.curation.uploads import UploadRefused

MAX_RATIO = 250  # text compresses 5-50x; hundreds of times means a bomb
RATIO_FLOOR = 1_000_000  # tiny members may compress absurdly well without harm
CHUNK = 1 << 16


@dataclass(frozen=True)
class ZipLimits:
    max_unpacked_bytes: int
    max_members: int


def _skipped(parts: tuple[str, ...]) -> bool:
    name = parts[-1]
    return (
        parts[0] == "__MACOSX" or name.startswith("._") or name in (".DS_Store", "Thumbs.db", "desktop.ini")
    )


def _member_path(info: zipfile.ZipInfo, shown: str) -> PurePosixPath | None:
    """The member's relative path, or None to skip it; refuses anything that could escape."""
    raw = info.filename.replace("\\", "/")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        raise UploadRefused(422, f"{shown} holds a file with an absolute path ({raw[:80]}); refused.")
    parts = tuple(p for p in raw.split("/") if p not in ("", "."))
    if any(p == ".." for p in parts):
        raise UploadRefused(422, f"{shown} holds a path that climbs out of its folder ({raw[:80]}); refused.")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UploadRefused(422, f"{shown} holds a symbolic link ({raw[:80]}); refused.")
    if info.flag_bits & 0x1:
        raise UploadRefused(422, f"{shown} is password-protected; upload an unprotected zip.")
    if info.is_dir() or not parts or _skipped(parts):
        return None
    return PurePosixPath(*parts)


def check_zip(path: Path, shown: str, limits: ZipLimits) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The members worth extracting, after every check that can be made without unpacking."""
    if not zipfile.is_zipfile(path):
        raise UploadRefused(422, f"{shown} is not a valid zip file.")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(422, f"{shown} could not be opened as a zip ({exc}).") from exc
    if len(infos) > limits.max_members:
        raise UploadRefused(
            422, f"{shown} holds {len(infos):,} files; at most {limits.max_members:,} are allowed."
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise UploadRefused(
            422,
            f"{shown} would unpack to {total:,} bytes, over the limit of {limits.max_unpacked_bytes:,} "
            "(NAVIGATOR_MAX_UPLOAD_UNPACKED_BYTES). Refused as a possible zip bomb.",
        )
    members = []
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise UploadRefused(
                422,
                f"{shown}: '{info.filename[:80]}' is compressed {ratio:,} times over; refused as a "
                "possible zip bomb.",
            )
        target = _member_path(info, shown)
        if target is not None:
            members.append((info, target))
    return members


def extract_zip(path: Path, shown: str, dest: Path, limits: ZipLimits) -> list[Path]:
    """Extract the checked members under `dest`, counting real bytes; returns the files written."""
    members = check_zip(path, shown, limits)
    written: list[Path] = []
    total = 0
    dest.mkdir(parents=True, exist_ok=True)
    root = dest.resolve()
    with zipfile.ZipFile(path) as archive:
        for info, relative in members:
            target = (dest / Path(*relative.parts)).resolve()
            if not target.is_relative_to(root):  # belt and braces after _member_path
                raise UploadRefused(422, f"{shown} holds a path outside its folder; refused.")
            target.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            try:
                with archive.open(info) as source, target.open("xb") as out:
                    while chunk := source.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > info.file_size or total > limits.max_unpacked_bytes:
                            raise UploadRefused(
                                422,
                                f"{shown} unpacks to more than it declares or than the limit of "
                                f"{limits.max_unpacked_bytes:,} bytes; refused as a possible zip bomb.",
                            )
                        out.write(chunk)
            except FileExistsError as exc:
                raise UploadRefused(422, f"{shown} holds '{relative}' twice; refused.") from exc
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise UploadRefused(422, f"{shown}: '{relative}' could not be unpacked ({exc}).") from exc
            written.append(target)
    return written
