"""Keep what people type out of the server's access log.

A search is a GET (so results can be bookmarked and the back button works), which puts the words
someone typed — often about their health or safety — into the URL, and uvicorn's access log writes
every URL. This filter rewrites the logged path before any handler sees it: query values become
`…` (the parameter names stay, which is enough to tell requests apart), and the secret part of
capability links (a shared shortlist's token) becomes `[token]`.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl

ACCESS_LOGGER = "uvicorn.access"
HIDDEN = "…"
# Paths whose next segment is a secret that grants access (shared shortlists).
_CAPABILITY = re.compile(r"^(/s/|/shortlist/share/|/api/shortlists/)[^/?]+")


def redact_target(target: str) -> str:
    """ "/?q=domestic+abuse&postcode=DN15" → "/?q=…&postcode=…"; "/s/AbC123/qr.svg" → "/s/[token]/qr.svg"."""
    path, sep, query = target.partition("?")
    path = _CAPABILITY.sub(lambda m: m.group(1) + "[token]", path)
    if not sep:
        return path
    names = [name[:40] for name, _ in parse_qsl(query, keep_blank_values=True)]
    return f"{path}?{'&'.join(f'{name}={HIDDEN}' for name in names)}" if names else f"{path}?{HIDDEN}"


class RedactAccessLog(logging.Filter):
    """For uvicorn's access records: args are (client, method, path with query, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_target(args[2]), *args[3:])
        return True


def install_access_log_redaction() -> None:
    """Add the filter to uvicorn's access logger once per process (the logger is process-wide)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactAccessLog) for f in logger.filters):
        logger.addFilter(RedactAccessLog())
