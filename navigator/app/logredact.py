"""Keep what people type, and what the store holds, out of the logs — even at DEBUG.

- uvicorn's access log: a search is a GET (so results can be bookmarked and the back button
  works), which puts the words someone typed — often about their health or safety — into the URL,
  and the access log writes every URL. Query values become `…` (the parameter names stay, enough to
  tell requests apart) and the secret part of capability links (a shared shortlist's token) becomes
  `[token]`.
- SQLAlchemy's engine log: at INFO it writes every statement's parameters, at DEBUG every row read —
  names, contact details, hand-off notes, password hashes. Turning logging up to find a fault must
  not copy personal data into log files, so the values (`%r` arguments) are replaced by `[hidden]`;
  the SQL statements themselves are still logged.

The filters sit on the loggers themselves, so they apply whatever handlers a deployment adds.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl

ACCESS_LOGGER = "uvicorn.access"
SQL_LOGGER = "sqlalchemy.engine.Engine"
HIDDEN = "…"
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrifxXeEgGc%]")
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


class HideSqlValues(logging.Filter):
    """For SQLAlchemy's engine records: every `%r` argument (parameters, rows) becomes `[hidden]`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or "%r" not in record.msg:
            return True
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        kept: list[object] = []
        position = 0

        def keep_or_hide(match: re.Match[str]) -> str:
            nonlocal position
            if match.group() == "%%":
                return "%%"
            value = args[position]
            position += 1
            if match.group().endswith("r"):
                return "[hidden]"
            kept.append(value)
            return match.group()

        try:
            record.msg = _PLACEHOLDER.sub(keep_or_hide, record.msg)
            record.args = tuple(kept)
        except (IndexError, TypeError):  # a message we can't take apart: drop its values entirely
            record.msg, record.args = "[SQL log message hidden]", ()
        return True


def install_log_redaction() -> None:
    """Add the filters to uvicorn's access logger and SQLAlchemy's engine logger, once per process
    (loggers are process-wide, so this is idempotent rather than per app)."""
    for name, kind in ((ACCESS_LOGGER, RedactAccessLog), (SQL_LOGGER, HideSqlValues)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
