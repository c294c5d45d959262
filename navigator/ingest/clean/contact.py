"""Phone numbers, email addresses and web addresses.

Phones: `phonenumbers` finds every number in a cell ("01303 123456 / 07700 900123" is two). A
parsed number is stored as E.164 in `number` and in national format, with any extension, in
`display` (E.164 itself has no room for an extension). A cell that holds no recognisable number is
kept as written in `number` with `display=None`: that is how callers tell "kept as written" apart.

Emails and URLs raise `ValueError` with a curator-facing reason when a value is present but
unusable; empty input gives None.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from navigator.ingest.clean.text import tidy_whitespace
from navigator.ingest.record import Phone

_MAX_PHONE_CELL = 500  # a phone cell longer than this is prose; only its start is searched
_MIN_NATIONAL_DIGITS = 9  # UK numbers have 9-10 digits after the 0; shorter "matches" are years etc.
_MAX_EMAIL = 254
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
_BROKEN_SLASHES = re.compile(r"^(https?):/{0,3}(?=[^/])", re.IGNORECASE)
_HOST_START = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:[/?#]|$)")


def parse_phones(value: str, region: str = "GB") -> list[Phone]:
    """Every phone number in a cell. Unparseable text with digits is kept as written (display None)."""
    text = tidy_whitespace(value, single_line=True)[:_MAX_PHONE_CELL]
    if not any(ch.isdigit() for ch in text):
        return []
    found: list[Phone] = []
    try:
        for match in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
            phone = _to_phone(match.number, region)
            if phone is not None and phone.number not in {p.number for p in found}:
                found.append(phone)
    except Exception:  # phonenumbers is robust, but a bad cell must never stop an import
        found = []
    if found:
        return found
    short = _short_number(text, region)
    return [short or Phone(number=text)]


def parse_phone(value: str, region: str = "GB") -> Phone | None:
    """The first phone number in a cell (see `parse_phones`), or None when it has no digits."""
    phones = parse_phones(value, region)
    return phones[0] if phones else None


def is_parsed(phone: Phone) -> bool:
    """False when the number was kept as written because it could not be understood."""
    return phone.display is not None


def _to_phone(number: phonenumbers.PhoneNumber, region: str) -> Phone | None:
    national = phonenumbers.national_significant_number(number)
    if not phonenumbers.is_valid_number(number) and len(national) < _MIN_NATIONAL_DIGITS:
        return None
    extension = number.extension
    number.extension = None
    home = phonenumbers.country_code_for_region(region)
    style = PhoneNumberFormat.NATIONAL if number.country_code == home else PhoneNumberFormat.INTERNATIONAL
    display = phonenumbers.format_number(number, style)
    if extension:
        display += f" ext. {extension}"
    return Phone(number=phonenumbers.format_number(number, PhoneNumberFormat.E164), display=display)


def _short_number(text: str, region: str) -> Phone | None:
    """Short codes people are told to ring (111, 999, 116 123) are not E.164 but are real numbers."""
    digits = re.sub(r"\D", "", text)
    if not 3 <= len(digits) <= 6 or len(text) > 20:
        return None
    try:
        parsed = phonenumbers.parse(digits, region)
        if phonenumbers.is_valid_short_number_for_region(parsed, region):
            return Phone(number=digits, display=text)
    except phonenumbers.NumberParseException:
        pass
    return None


def split_emails(value: str) -> list[str]:
    """The separate addresses in a cell ("a@x.org; b@y.org"), each stripped of "mailto:" and <>."""
    parts = re.split(r"[;,\s/]+", tidy_whitespace(value, single_line=True))
    cleaned = [_strip_mailto(p) for p in parts]
    return [p for p in cleaned if p]


def _strip_mailto(value: str) -> str:
    value = value.strip().strip("<>()[]\"'").rstrip(".")
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :].split("?", 1)[0]
    return value.strip()


def clean_email(value: str) -> str | None:
    """A syntactically valid address with its domain lower-cased; raises ValueError if invalid."""
    email = _strip_mailto(tidy_whitespace(value, single_line=True))
    if not email:
        return None
    if email.count("@") != 1 or len(email) > _MAX_EMAIL:
        raise ValueError(f"'{value}' is not an email address")
    local, domain = email.split("@")
    if len(local) > 64 or not _EMAIL_LOCAL.match(local) or not _valid_domain(domain):
        raise ValueError(f"'{value}' is not an email address")
    return f"{local}@{domain.lower()}"


def _valid_domain(domain: str) -> bool:
    labels = domain.rstrip(".").split(".")
    if len(labels) < 2 or len(domain) > 253:
        return False
    for label in labels:
        if not 1 <= len(label) <= 63 or label[0] == "-" or label[-1] == "-":
            return False
        if not all(ch.isalnum() or ch == "-" for ch in label):
            return False
    tld = labels[-1]
    return (tld.isalpha() and len(tld) >= 2) or tld.lower().startswith("xn--")


def clean_url(value: str) -> str | None:
    """An http(s) address ("www.x.org" gains "https://"); raises ValueError for anything else."""
    url = tidy_whitespace(value, single_line=True).strip("<>\"'").rstrip(".,;")
    if not url:
        return None
    url = url.replace("\\", "/")  # browsers read backslashes as slashes; so do we
    # "http:www.x.org" and "https:/x.org" are common slips for "https://".
    url = _BROKEN_SLASHES.sub(lambda m: f"{m.group(1).lower()}://", url)
    if url.startswith("//"):
        url = "https:" + url
    scheme = _SCHEME.match(url)
    if scheme and "." not in scheme.group(1):
        name = scheme.group(1).lower()
        if name == "mailto":
            raise ValueError(f"'{value}' is an email link, not a web address")
        if name not in ("http", "https"):
            raise ValueError(f"'{value}' is not a web address (only http and https links are kept)")
    elif "@" in url.split("/", 1)[0]:
        raise ValueError(f"'{value}' looks like an email address, not a web address")
    elif _HOST_START.match(url):
        url = "https://" + url
    else:
        raise ValueError(f"'{value}' is not a web address")
    return _rebuild(url, value)


def _rebuild(url: str, original: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        raise ValueError(f"'{original}' is not a web address") from None
    if " " in parts.netloc or not _valid_host(host):
        raise ValueError(f"'{original}' is not a web address")
    netloc = host + (f":{port}" if port else "")
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="=&%+/:@!$'()*,;-._~?")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, parts.fragment.replace(" ", "%20")))


def _valid_host(host: str) -> bool:
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", host):
        return all(int(octet) <= 255 for octet in host.split("."))
    return _valid_domain(host)
