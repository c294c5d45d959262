"""The smaller parts of a service: organisation, contacts, schedules, costs, eligibility, languages,
service areas and taxonomy terms. Each builder takes the raw value and its field path."""

from __future__ import annotations

from typing import Any

from navigator.ingest.clean import (
    ages_from_text,
    parse_age,
    parse_amount,
    parse_byday,
    parse_bymonthday,
    parse_date,
    parse_freq,
    parse_language,
    parse_languages,
    parse_time,
)
from navigator.ingest.normalise.context import Context, as_number, type_name
from navigator.ingest.record import (
    Contact,
    CostOption,
    Eligibility,
    Language,
    Organization,
    Schedule,
    ServiceArea,
    TaxonomyTerm,
)

# Age cells that say "no particular age" in words: not worth a warning.
_AGE_WORDS = frozenset({"adult", "adults", "all", "any", "all ages", "none", "n/a", "na", "-", "no limit"})


def organization(ctx: Context, value: object, field: str = "organization") -> Organization | None:
    if value is None or value == "" or value == {}:
        return None
    if not isinstance(value, dict):
        name = ctx.line(value, field)
        return Organization(name=name) if name else None
    name = ctx.line(value.get("name"), f"{field}.name")
    if not name:
        ctx.warn(f"{field}.name", "the organisation has no name: organisation left out")
        return None
    return Organization(
        source_id=ctx.line(value.get("id"), f"{field}.id"),
        name=name,
        description=ctx.text(value.get("description"), f"{field}.description"),
        email=ctx.email(value.get("email"), f"{field}.email"),
        website=ctx.url(value.get("website"), f"{field}.website"),
        logo=ctx.url(value.get("logo"), f"{field}.logo"),
    )


def contacts(ctx: Context, value: object, field: str = "contacts") -> list[Contact]:
    found: list[Contact] = []
    for path, item in ctx.items(value, field):
        if not isinstance(item, dict):
            ctx.warn(path, f"expected a contact object, found {type_name(item)}: left out")
            continue
        contact = Contact(
            name=ctx.line(item.get("name"), f"{path}.name"),
            title=ctx.line(item.get("title"), f"{path}.title"),
            email=ctx.email(item.get("email"), f"{path}.email"),
            phones=ctx.phones(item.get("phones"), f"{path}.phones"),
        )
        if contact.name or contact.title or contact.email or contact.phones:
            found.append(contact)
    return found


def schedules(ctx: Context, value: object, field: str = "schedules") -> list[Schedule]:
    found: list[Schedule] = []
    for path, item in ctx.items(value, field):
        if not isinstance(item, dict):
            text = ctx.text(item, path)  # a bare string is the human wording of the hours
            if text:
                found.append(Schedule(description=text))
            continue
        schedule = _schedule(ctx, item, path)
        if schedule.model_dump(exclude_defaults=True):
            found.append(schedule)
    return found


def _schedule(ctx: Context, item: dict[str, Any], path: str) -> Schedule:
    raw_freq = ctx.line(item.get("freq"), f"{path}.freq")
    interval = ctx.attempt(f"{path}.interval", _interval, item.get("interval"))
    if raw_freq and raw_freq.strip().lower() in ("fortnightly", "biweekly") and interval is None:
        interval = 2
    byday_raw = item.get("byday")
    byday = ctx.attempt(f"{path}.byday", parse_byday, byday_raw) or []
    description = ctx.text(item.get("description"), f"{path}.description")
    if not byday and not description and isinstance(byday_raw, str):
        description = ctx.line(byday_raw, f"{path}.byday")  # keep the wording people wrote
    return Schedule(
        freq=ctx.attempt(f"{path}.freq", parse_freq, raw_freq),
        interval=interval,
        byday=byday,
        bymonthday=ctx.attempt(f"{path}.bymonthday", parse_bymonthday, item.get("bymonthday")) or [],
        opens_at=_time(ctx, item.get("opens_at"), f"{path}.opens_at"),
        closes_at=_time(ctx, item.get("closes_at"), f"{path}.closes_at"),
        valid_from=ctx.attempt(f"{path}.valid_from", parse_date, item.get("valid_from")),
        valid_to=ctx.attempt(f"{path}.valid_to", parse_date, item.get("valid_to")),
        description=description,
        notes=ctx.text(item.get("notes"), f"{path}.notes"),
    )


def _time(ctx: Context, value: object, field: str) -> str | None:
    text = ctx.line(value, field)
    return ctx.attempt(field, parse_time, text) if text else None


def _interval(value: object) -> int | None:
    number = as_number(value)
    if number is None:
        return None
    if number < 1 or not number.is_integer() or number > 1000:
        raise ValueError(f"repeat interval '{value}' is not a whole number of 1 or more")
    return int(number)


def cost_options(ctx: Context, value: object, field: str = "cost_options") -> list[CostOption]:
    found: list[CostOption] = []
    for path, item in ctx.items(value, field):
        if not isinstance(item, dict):
            text = ctx.text(item, path)
            if text:
                found.append(CostOption(amount_description=text))
            continue
        description = ctx.text(item.get("amount_description"), f"{path}.amount_description")
        amount_raw = item.get("amount")
        amount = ctx.attempt(f"{path}.amount", parse_amount, amount_raw, then="left out")
        if amount is None and description is None and isinstance(amount_raw, str):
            description = ctx.line(amount_raw, f"{path}.amount")
        option = CostOption(
            option=ctx.line(item.get("option"), f"{path}.option"),
            amount=amount,
            amount_description=description,
        )
        if option.option or option.amount is not None or option.amount_description:
            found.append(option)
    return found


def eligibility(ctx: Context, data: dict[str, Any]) -> Eligibility | None:
    description = ctx.text(data.get("eligibility_description"), "eligibility_description")
    minimum = _age(ctx, data.get("minimum_age"), "minimum_age")
    maximum = _age(ctx, data.get("maximum_age"), "maximum_age")
    if minimum is None and maximum is None and description:
        minimum, maximum = ages_from_text(description)
    if description is None and minimum is None and maximum is None:
        return None
    return Eligibility(description=description, minimum_age=minimum, maximum_age=maximum)


def _age(ctx: Context, value: object, field: str) -> int | None:
    warned = len(ctx.issues)
    age = ctx.attempt(field, parse_age, value)
    text = value.strip().lower() if isinstance(value, str) else ""
    if age is None and text and text not in _AGE_WORDS and len(ctx.issues) == warned:
        ctx.warn(field, f"'{value}' is not an age in years: left out")
    return age


def languages(ctx: Context, value: object, field: str = "languages") -> list[Language]:
    found: list[Language] = []
    for path, item in ctx.items(value, field):
        if isinstance(item, dict):
            name = ctx.line(item.get("name"), f"{path}.name") or ""
            code = ctx.line(item.get("code"), f"{path}.code")
            one = parse_language(name, code) if name or code else None
            candidates = [one] if one else []
        else:
            text = ctx.line(item, path)
            candidates = list(parse_languages(text)) if text else []
        for language in candidates:
            if language.name.lower() not in {f.name.lower() for f in found}:
                found.append(language)
    return found


def service_areas(ctx: Context, value: object, field: str = "service_areas") -> list[ServiceArea]:
    found: list[ServiceArea] = []
    for path, item in ctx.items(value, field):
        if not isinstance(item, dict):
            name = ctx.line(item, path)
            if name:
                found.append(ServiceArea(name=name))
            continue
        name = ctx.line(item.get("name"), f"{path}.name")
        if not name:
            ctx.warn(f"{path}.name", "a service area has no name: left out")
            continue
        found.append(
            ServiceArea(
                name=name,
                extent=ctx.verbatim(item.get("extent"), f"{path}.extent") if item.get("extent") else None,
                extent_type=ctx.line(item.get("extent_type"), f"{path}.extent_type"),
                uri=ctx.url(item.get("uri"), f"{path}.uri"),
            )
        )
    return found


def taxonomy_terms(ctx: Context, value: object, field: str = "taxonomy_terms") -> list[TaxonomyTerm]:
    """Terms tidied; empty ones and exact repeats dropped."""
    found: list[TaxonomyTerm] = []
    for path, item in ctx.items(value, field):
        if isinstance(item, dict):
            term = ctx.line(item.get("term"), f"{path}.term")
            extra = {
                "code": ctx.line(item.get("code"), f"{path}.code"),
                "taxonomy": ctx.line(item.get("taxonomy"), f"{path}.taxonomy") or "local",
                "parent": ctx.line(item.get("parent"), f"{path}.parent"),
            }
        else:
            term, extra = ctx.line(item, path), {}
        if term:
            candidate = TaxonomyTerm(term=term, **extra)
            if candidate not in found:
                found.append(candidate)
    return found
