"""Value cleaners: small pure functions, one job each, used by the normaliser.

Conventions: empty input gives None (or []); input that is present but unusable raises
`ValueError` whose message tells a curator what was wrong (the normaliser turns it into a
warning). Nothing here does I/O or touches the network.
"""

from navigator.ingest.clean.ages import ages_from_text, parse_age
from navigator.ingest.clean.contact import (
    clean_email,
    clean_url,
    is_parsed,
    parse_phone,
    parse_phones,
    split_emails,
)
from navigator.ingest.clean.dates import parse_date, parse_datetime
from navigator.ingest.clean.languages import parse_language, parse_languages
from navigator.ingest.clean.mojibake import fix_escapes, fix_mojibake
from navigator.ingest.clean.money import parse_amount, parse_free
from navigator.ingest.clean.schedule import parse_byday, parse_bymonthday, parse_freq, parse_time
from navigator.ingest.clean.text import clean_text, decode_entities, html_to_text, limit_text, tidy_whitespace
from navigator.ingest.clean.values import (
    is_us_state,
    looks_american,
    parse_bool,
    parse_country,
    parse_delivery,
    parse_status,
)

__all__ = [
    "ages_from_text",
    "clean_email",
    "clean_text",
    "clean_url",
    "decode_entities",
    "fix_escapes",
    "fix_mojibake",
    "html_to_text",
    "is_parsed",
    "is_us_state",
    "limit_text",
    "looks_american",
    "parse_age",
    "parse_amount",
    "parse_bool",
    "parse_byday",
    "parse_bymonthday",
    "parse_country",
    "parse_date",
    "parse_datetime",
    "parse_delivery",
    "parse_free",
    "parse_freq",
    "parse_language",
    "parse_languages",
    "parse_phone",
    "parse_phones",
    "parse_status",
    "parse_time",
    "split_emails",
    "tidy_whitespace",
]
