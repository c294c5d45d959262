"""normalise(): one reader's raw service dict → a clean `ServiceRecord` plus warnings.

Only `Rejected` ever leaves `normalise`: a record without an id or a name (after cleaning), or data
that is not an object. Every other problem costs at most the value concerned, with a warning that
says what was wrong and what was done about it.
"""

from __future__ import annotations

from typing import Any

from navigator.geo.outcodes import OutcodeTable
from navigator.ingest.clean import (
    clean_email,
    clean_url,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_delivery,
    parse_free,
    parse_status,
)
from navigator.ingest.normalise import locations as loc
from navigator.ingest.normalise import parts
from navigator.ingest.normalise.context import Context, as_str, safe_text, type_name
from navigator.ingest.problems import NO_ID, NO_NAME, Issue
from navigator.ingest.record import Location, ServiceRecord, Status

_KNOWN = frozenset(
    {
        "id", "name", "alternate_name", "description", "url", "email", "status", "fees", "accreditations",
        "alert", "assured_date", "last_modified", "minimum_age", "maximum_age", "eligibility_description",
        "organization", "service_at_locations", "phones", "contacts", "schedules", "cost_options",
        "languages", "service_areas", "taxonomy_terms", "free", "delivery", "hide_exact_address", "extras",
    }
)  # fmt: skip
_MAX_ID = 300  # the store's source id column


class Rejected(Exception):
    """The record cannot be imported; `issue` says why."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def normalise(
    data: dict[str, Any], *, outcodes: OutcodeTable, max_field_chars: int = 20_000
) -> tuple[ServiceRecord, list[Issue]]:
    """The clean record and the warnings produced while cleaning; raises only `Rejected`."""
    if not isinstance(data, dict):
        raise Rejected(Issue(None, f"expected a service object, found {type_name(data)}: nothing to import"))
    try:
        return _normalise(data, Context(outcodes, max_field_chars))
    except Rejected:
        raise
    except Exception as exc:  # last line of defence: a bug must reject one record, not stop an import
        raise Rejected(
            Issue(
                None,
                f"this record could not be read because of an internal error ({type(exc).__name__}); "
                "please report it to the Navigator developers with the record",
            )
        ) from exc


def _normalise(data: dict[str, Any], ctx: Context) -> tuple[ServiceRecord, list[Issue]]:
    source_id = _source_id(data.get("id"))
    name = ctx.line(data.get("name"), "name")
    if not name:
        raise Rejected(Issue("name", NO_NAME))
    if loc.any_american(data.get("service_at_locations")):
        ctx.phone_region = "US"
    places = loc.locations(ctx, data.get("service_at_locations"))
    fees = ctx.text(data.get("fees"), "fees")
    cost_options = parts.cost_options(ctx, data.get("cost_options"))
    url, email = _url_and_email(ctx, data.get("url"), data.get("email"))
    record = ServiceRecord(
        source_id=source_id,
        name=name,
        alternate_name=ctx.line(data.get("alternate_name"), "alternate_name"),
        description=ctx.text(data.get("description"), "description"),
        url=url,
        email=email,
        status=_status(ctx, data.get("status")),
        fees=fees,
        accreditations=ctx.text(data.get("accreditations"), "accreditations"),
        alert=ctx.text(data.get("alert"), "alert"),
        assured_date=ctx.attempt("assured_date", parse_date, data.get("assured_date")),
        last_modified=ctx.attempt("last_modified", parse_datetime, data.get("last_modified")),
        organization=parts.organization(ctx, data.get("organization")),
        locations=places,
        phones=ctx.phones(data.get("phones"), "phones"),
        contacts=parts.contacts(ctx, data.get("contacts")),
        schedules=parts.schedules(ctx, data.get("schedules")),
        cost_options=cost_options,
        eligibility=parts.eligibility(ctx, data),
        languages=parts.languages(ctx, data.get("languages")),
        service_areas=parts.service_areas(ctx, data.get("service_areas")),
        taxonomy_terms=parts.taxonomy_terms(ctx, data.get("taxonomy_terms")),
        is_free=_free(ctx, data.get("free"), fees, cost_options),
        delivery_modes=_delivery(ctx, data.get("delivery"), places),
        hide_exact_address=_hide(ctx, data.get("hide_exact_address")),
        extras=_extras(ctx, data),
    )
    return record, ctx.issues


def _source_id(value: object) -> str:
    text = None if isinstance(value, bool) else _id_text(value)
    if not text:
        raise Rejected(Issue("id", NO_ID))
    if len(text) > _MAX_ID:
        raise Rejected(Issue("id", f"the id is {len(text):,} characters long: ids must be under {_MAX_ID}"))
    return text


def _id_text(value: object) -> str | None:
    try:
        text = as_str(value)
    except ValueError:
        return None
    return " ".join(safe_text(text).split()) if text else None


def _url_and_email(ctx: Context, url_raw: object, email_raw: object) -> tuple[str | None, str | None]:
    """The web address and email; an email address written as the web address becomes the email."""
    email = ctx.email(email_raw, "email")
    text = ctx.line(url_raw, "url")
    if not text:
        return None, email
    if "@" in text and "/" not in text.split("@", 1)[0].removeprefix("mailto:"):
        if email is not None:
            ctx.warn("url", f"'{text}' is an email address, not a web address: dropped")
            return None, email
        address = ctx.attempt("url", clean_email, text.removeprefix("mailto:"), then="dropped")
        if address:
            ctx.warn("url", f"'{text}' is an email address, not a web address: used as the email")
        return None, address
    return ctx.attempt("url", clean_url, text, then="dropped"), email


def _status(ctx: Context, value: object) -> Status:
    text = ctx.line(value, "status") if not isinstance(value, bool) else None
    if isinstance(value, bool):
        return "active" if value else "inactive"
    if not text:
        return "active"
    status = parse_status(text)
    if status is None:
        ctx.warn(
            "status",
            f"status '{text}' is not one of active, inactive, defunct, temporarily closed: treated as active",
        )
        return "active"
    return status


def _free(ctx: Context, value: object, fees: str | None, cost_options: list[Any]) -> bool | None:
    verdict = ctx.attempt("free", parse_free, value, fees, cost_options)
    flag_text = value if isinstance(value, str) else None
    if verdict is None and flag_text and flag_text.strip() and parse_free(value) is None:
        ctx.warn("free", f"'{flag_text.strip()}' does not say whether the service is free: left as unknown")
    return verdict


def _delivery(ctx: Context, value: object, places: list[Location]) -> list[Any]:
    text = ctx.line(value, "delivery")
    types = tuple(p.location_type for p in places)
    return ctx.attempt("delivery", parse_delivery, text, types) or []


def _hide(ctx: Context, value: object) -> bool:
    """Unknown wording counts as "hide": showing a refuge's address by mistake is the worse error."""
    if value is None or value == "":
        return False
    flag = parse_bool(value) if not isinstance(value, str) else parse_bool(value.strip())
    if flag is not None:
        return flag
    text = value.strip().lower() if isinstance(value, str) else ""
    if text in ("hide", "hidden", "confidential", "private", "secret", "withheld"):
        return True
    ctx.warn("hide_exact_address", f"'{value}' is not yes or no: the address will be hidden to be safe")
    return True


def _extras(ctx: Context, data: dict[str, Any]) -> dict[str, str]:
    extras: dict[str, str] = {}
    raw = data.get("extras")
    if isinstance(raw, dict):
        for key, value in raw.items():
            name = safe_text(str(key)).strip()[:200]
            text = ctx.verbatim(value, f"extras.{name}") if value not in (None, "") else None
            if name and text:
                extras[name] = text
    elif raw not in (None, "", []):
        ctx.warn("extras", f"expected an object of named values, found {type_name(raw)}: left out")
    for key in data:
        if key not in _KNOWN:
            name = safe_text(str(key)).strip()[:200]
            text = ctx.verbatim(data[key], name) if data[key] not in (None, "") else None
            if name and text and name not in extras:
                extras[name] = text
                ctx.warn(name, f"'{name}' is not a field of the record: kept in extras")
    return extras
