"""The value cleaners, one at a time, on inputs shaped like real listings (all invented)."""

from __future__ import annotations

import csv
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from navigator.ingest.clean import (
    ages_from_text,
    clean_email,
    clean_text,
    clean_url,
    decode_entities,
    fix_escapes,
    fix_mojibake,
    html_to_text,
    is_parsed,
    limit_text,
    looks_american,
    parse_age,
    parse_amount,
    parse_bool,
    parse_byday,
    parse_bymonthday,
    parse_country,
    parse_date,
    parse_datetime,
    parse_delivery,
    parse_free,
    parse_freq,
    parse_language,
    parse_languages,
    parse_phone,
    parse_phones,
    parse_status,
    parse_time,
    split_emails,
    tidy_whitespace,
)
from navigator.ingest.record import CostOption

# --- text -------------------------------------------------------------------------------------------


def test_html_paragraphs_lists_and_breaks() -> None:
    html = (
        "<h3>What we do</h3><p>Friendly&nbsp;support for carers.</p>"
        "<ul><li>Peer groups</li><li><p>Advice line</p></li></ul>"
        "<p>Open Monday<br>and Thursday</p>"
    )
    assert html_to_text(html) == (
        "What we do\n\nFriendly support for carers.\n\n• Peer groups\n• Advice line"
        "\n\nOpen Monday\nand Thursday"
    )


def test_html_drops_scripts_styles_and_comments() -> None:
    html = "<style>p{color:red}</style><!-- note --><p>Hello</p><script>alert('x')</script>"
    assert html_to_text(html) == "Hello"


def test_html_that_is_empty_is_none() -> None:
    assert html_to_text("<p><br></p>") is None
    assert html_to_text("<div> &nbsp; </div>") is None
    assert html_to_text("   ") is None


def test_html_entities_decoded() -> None:
    assert html_to_text("<p>Tea &amp; cake &#39;every&#39; week &pound;2</p>") == "Tea & cake 'every' week £2"


def test_html_tables_become_lines() -> None:
    html = "<table><tr><td>Mon</td><td>10-12</td></tr><tr><td>Thu</td><td>2-4</td></tr></table>"
    assert html_to_text(html) == "Mon 10-12\nThu 2-4"


def test_plain_text_passes_through() -> None:
    text = "Meet at 10. Bring a friend & a flask: 5 < 6 isn't markup."
    assert html_to_text(text) == text
    assert html_to_text("Line one\n\n\n\nLine two\n  indented  ") == "Line one\n\nLine two\nindented"


def test_deeply_nested_markup_does_not_recurse() -> None:
    html = "<div>" * 20_000 + "deep" + "</div>" * 20_000
    assert html_to_text(html) == "deep"


def test_decode_entities_leaves_bare_ampersands() -> None:
    assert decode_entities("Fish & chips &amp; peas &copy") == "Fish & chips & peas &copy"


def test_tidy_whitespace() -> None:
    messy = "  a\u00a0\u00a0b\t\tc \r\n\r\n\r\n\r\n d\u200b "
    assert tidy_whitespace(messy) == "a b c\n\nd"
    assert tidy_whitespace(messy, single_line=True) == "a b c d"
    assert tidy_whitespace("x\x00y\ud800z") == "xyz"


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("Weâ€™re open", "We’re open"),
        ("GÇÖs GÇ£quotedGÇ¥ GÇô dash GÇª", "’s “quoted” – dash …"),
        ("CafÃ© costs Â£2", "Café costs £2"),
        ("â€œHelloâ€\x9d", "“Hello”"),
        ("Naïve café — fine already", "Naïve café — fine already"),
        ("GOLF Çlub", "GOLF Çlub"),
    ],
)
def test_fix_mojibake(raw: str, fixed: str) -> None:
    assert fix_mojibake(raw) == fixed


def test_fix_escapes() -> None:
    assert fix_escapes("One\\nTwo\\r\\nThree\\tfour") == "One\nTwo\nThree four"
    assert fix_escapes("no escapes") == "no escapes"


def test_clean_text_multi_and_single_line() -> None:
    raw = "<p>CafÃ© &amp; chat</p><ul><li>Tea</li><li>Cake</li></ul>"
    assert clean_text(raw) == "Café & chat\n\n• Tea\n• Cake"
    assert clean_text(raw, single_line=True) == "Café & chat Tea Cake"
    assert clean_text("  The   Beehive\nCentre ", single_line=True) == "The Beehive Centre"
    assert clean_text("<p><br></p>") is None


def test_limit_text() -> None:
    assert limit_text("short", 10) == "short"
    cut = limit_text("one two three four five six seven", 20)
    assert len(cut) <= 20 and cut.endswith("…") and cut == "one two three four…"
    assert len(limit_text("x" * 100, 20)) == 20


def test_big_text_is_fast_when_cut_first() -> None:
    big = "<p>" + "word " * 2_000_000 + "</p>"  # 10 MB
    start = time.perf_counter()
    out = clean_text(big[:80_000])
    assert out is not None and time.perf_counter() - start < 2


# --- phones -----------------------------------------------------------------------------------------


def test_phone_uk_landline() -> None:
    phone = parse_phone("01303 123456")
    assert phone is not None and (phone.number, phone.display) == ("+441303123456", "01303 123456")
    assert is_parsed(phone)


def test_phone_international_prefix_and_extension() -> None:
    assert parse_phone("+44 (0)20 7946 0000").number == "+442079460000"  # type: ignore[union-attr]
    phone = parse_phone("01303 654321 ext 4")
    assert phone is not None and phone.number == "+441303654321" and phone.display == "01303 654321 ext. 4"


def test_several_numbers_in_one_cell() -> None:
    phones = parse_phones("01303 123456 / 07700 900123")
    assert [p.number for p in phones] == ["+441303123456", "+447700900123"]
    phones = parse_phones("Tel: 0117 496 0000 or 0117 496 0001")
    assert [p.display for p in phones] == ["0117 496 0000", "0117 496 0001"]


def test_phone_short_codes_are_kept() -> None:
    phone = parse_phone("116 123")
    assert phone is not None and (phone.number, phone.display) == ("116123", "116 123")
    assert parse_phone("111").number == "111"  # type: ignore[union-attr]


def test_unparseable_phone_kept_as_written() -> None:
    phone = parse_phone("  12 ")
    assert phone is not None and phone.number == "12" and not is_parsed(phone)
    assert parse_phones("Ask at reception") == []
    assert parse_phones("") == []


def test_us_number_needs_us_region() -> None:
    us = parse_phone("(305) 555-0142", region="US")
    assert us is not None and (us.number, us.display) == ("+13055550142", "(305) 555-0142")
    foreign = parse_phone("+1 305 555 0142")
    assert foreign is not None and foreign.number == "+13055550142" and foreign.display.startswith("+1")  # type: ignore[union-attr]


@given(st.text(max_size=80))
def test_parse_phone_never_raises(text: str) -> None:
    for phone in parse_phones(text):
        assert phone.number


# --- email and web addresses ------------------------------------------------------------------------


def test_clean_email() -> None:
    assert clean_email(" Hello@Example.ORG ") == "Hello@example.org"
    assert clean_email("mailto:team@walks.example.org?subject=Hi") == "team@walks.example.org"
    assert clean_email("first.last+tag@sub.example.co.uk") == "first.last+tag@sub.example.co.uk"
    assert clean_email("") is None


@pytest.mark.parametrize(
    "bad", ["not-an-email", "bob@", "a b@x.org", "x@y", "two@@x.org", "dot.@x.org", "a@-x.org"]
)
def test_invalid_emails_raise_with_the_value(bad: str) -> None:
    with pytest.raises(ValueError, match="not an email address"):
        clean_email(bad)


def test_split_emails() -> None:
    assert split_emails("a@x.org; <b@y.org>, mailto:c@z.org") == ["a@x.org", "b@y.org", "c@z.org"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("www.example.org", "https://www.example.org"),
        ("WWW.Example.ORG/Path?q=1", "https://www.example.org/Path?q=1"),
        ("http://example.org/a page", "http://example.org/a%20page"),
        ("//cdn.example.org/x", "https://cdn.example.org/x"),
        ("https://example.org:8080/a#b", "https://example.org:8080/a#b"),
        ("example.org/groups/walks.", "https://example.org/groups/walks"),
        ("http:www.example.org", "http://www.example.org"),  # common slips
        ("https:/example.org/a", "https://example.org/a"),
        ("example.org\\help\\", "https://example.org/help/"),
        ("", None),
    ],
)
def test_clean_url(raw: str, clean: str | None) -> None:
    assert clean_url(raw) == clean


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("javascript:alert(1)", "only http and https"),
        ("ftp://files.example.org", "only http and https"),
        ("mailto:a@example.org", "email link"),
        ("info@example.org", "email address"),
        ("see our facebook page", "not a web address"),
        ("https://", "not a web address"),
        ("http://[::1", "not a web address"),
    ],
)
def test_bad_urls_raise(bad: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        clean_url(bad)


# --- ages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "age"),
    [("16", 16), ("16+", 16), ("18 years", 18), ("0", 0), ("", None), ("adults", None), ("16.0", 16),
     (25, 25), (18.0, 18), (None, None), ("aged 11", 11)],
)  # fmt: skip
def test_parse_age(raw: object, age: int | None) -> None:
    assert parse_age(raw) == age


@pytest.mark.parametrize("bad", ["150", 121, "-1", 16.5])
def test_implausible_ages_raise(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_age(bad)


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("Young people aged 16 to 25", (16, 25)),
        ("For over 50s", (50, None)),
        ("65+", (65, None)),
        ("Children under 18", (None, 17)),
        ("18-25", (18, 25)),
        ("between 11 and 18", (11, 18)),
        ("over 16 and under 25", (16, 24)),
        ("Adults 18 and over", (18, None)),
        ("Parents of children up to 11", (None, 11)),
        ("Babies 0-6 months and their carers", (None, None)),
        ("under 5s and over 65s", (None, None)),
        ("Sessions 10:00-12:00, cost £2-3", (None, None)),
        ("Anyone welcome", (None, None)),
    ],
)
def test_ages_from_text(text: str, ages: tuple[int | None, int | None]) -> None:
    assert ages_from_text(text) == ages


# --- cost -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "fees", "free"),
    [
        ("TRUE", None, True), ("yes", None, True), ("y", None, True), ("1", None, True), (1, None, True),
        ("Free", None, True), ("free of charge", None, True), ("no charge", None, True), ("£0", None, True),
        ("FALSE", "£3 per session", False), ("no", None, False), ("0", None, False), (False, None, False),
        (None, "Free", True), (None, "£3 per session", False), (None, "50p a cup", False),
        (None, "Free for under 5s, £2 for adults", None), (None, "Donations welcome", None),
        (None, "Not free", False), ("", "", None), ("maybe", None, None),
    ],
)  # fmt: skip
def test_parse_free(flag: object, fees: str | None, free: bool | None) -> None:
    assert parse_free(flag, fees) is free


def test_parse_free_from_cost_options() -> None:
    assert parse_free(None, None, [CostOption(amount=0)]) is True
    assert parse_free(None, None, [CostOption(amount=35)]) is False
    assert parse_free(None, None, [CostOption(amount=0), CostOption(amount=5)]) is None
    assert parse_free(None, None, [CostOption(option="Free for members")]) is True
    assert parse_free(None, None, []) is None


@pytest.mark.parametrize(
    ("raw", "amount"),
    [(3.5, 3.5), ("3.50", 3.5), ("£3.50", 3.5), ("1,200", 1200.0), ("free", 0.0), ("50p", 0.5)],
)
def test_parse_amount(raw: object, amount: float) -> None:
    assert parse_amount(raw) == amount


@pytest.mark.parametrize("bad", ["about a fiver", -1, float("nan")])
def test_bad_amounts_raise(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_amount(bad)


# --- times and days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "hhmm"),
    [("10:30am", "10:30"), ("2pm", "14:00"), ("14.30", "14:30"), ("1400", "14:00"), ("noon", "12:00"),
     ("midday", "12:00"), ("midnight", "00:00"), ("10:00:00", "10:00"), ("9:00a", "09:00"),
     ("830am", "08:30"), (" 7:30 am ", "07:30"), ("12pm", "12:00"), ("12am", "00:00"),
     ("9.30 p.m.", "21:30"), ("12:00pm (dispensing)", "12:00"), ("09:00Z", "09:00"),
     ("18:00:00+01:00", "18:00"), ("24:00", "24:00"),
     ("", None), (None, None)],
)  # fmt: skip
def test_parse_time(raw: str | None, hhmm: str | None) -> None:
    assert parse_time(raw) == hhmm


@pytest.mark.parametrize("bad", ["25:00", "13pm", "10:75", "soon", "9-5"])
def test_bad_times_raise(bad: str) -> None:
    with pytest.raises(ValueError, match="not a time of day"):
        parse_time(bad)


@pytest.mark.parametrize(
    ("raw", "days"),
    [
        ("Monday", ["MO"]), ("Mon", ["MO"]), ("mon-fri", ["MO", "TU", "WE", "TH", "FR"]),
        ("MO,TU", ["MO", "TU"]), ("Mon, Tue, Thu & Fri", ["MO", "TU", "TH", "FR"]),
        ("weekdays", ["MO", "TU", "WE", "TH", "FR"]), ("weekends", ["SA", "SU"]),
        ("Every day", ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]),
        ("Sundays & Tuesdays", ["TU", "SU"]), ("Fri to Mon", ["MO", "FR", "SA", "SU"]),
        ("Thurs", ["TH"]), ("Weds", ["WE"]), ("Sat/Sun", ["SA", "SU"]),
        ("Every 2nd Sunday of the month", ["2SU"]), ("1st and 3rd Monday", ["1MO", "3MO"]),
        ("last Friday", ["-1FR"]), ("2SU", ["2SU"]), ("-1FR", ["-1FR"]),
        ("We meet on Mondays", ["MO"]),
        (1, ["MO"]), ("7", ["SU"]), (0, ["SU"]), ("1,2,3", ["MO", "TU", "WE"]),
        (["WE", "Monday"], ["MO", "WE"]), ("", []), (None, []),
    ],
)  # fmt: skip
def test_parse_byday(raw: object, days: list[str]) -> None:
    assert parse_byday(raw) == days


def test_byday_without_a_day_raises() -> None:
    with pytest.raises(ValueError, match="day of the week"):
        parse_byday("Check our website")


def test_bymonthday_and_freq() -> None:
    assert parse_bymonthday("2,3, 4") == [2, 3, 4]
    assert parse_bymonthday([1, "15th", -1]) == [1, 15, -1]
    with pytest.raises(ValueError):
        parse_bymonthday("32")
    assert parse_freq(" weekly ") == "WEEKLY"
    assert parse_freq("") is None
    with pytest.raises(ValueError):
        parse_freq("now and then")


# --- dates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "day"),
    [("2023-04-13", date(2023, 4, 13)), ("2023-04-13T10:00:00Z", date(2023, 4, 13)),
     ("13/04/2023", date(2023, 4, 13)), ("01/02/2023", date(2023, 2, 1)), ("04/13/2023", date(2023, 4, 13)),
     ("13-04-23", date(2023, 4, 13)), ("45029", date(2023, 4, 13)), (45029, date(2023, 4, 13)),
     ("13 April 2023", date(2023, 4, 13)), ("April 13, 2023", date(2023, 4, 13)),
     ("1st Sept 2023", date(2023, 9, 1)), ("", None), (None, None)],
)  # fmt: skip
def test_parse_date(raw: object, day: date | None) -> None:
    assert parse_date(raw) == day


@pytest.mark.parametrize("bad", ["2023", "soon", "2023-02-30", "31/31/2023", True, 12])
def test_bad_dates_raise(bad: object) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date(bad)


def test_parse_datetime_is_naive_utc() -> None:
    assert parse_datetime("2023-04-13T10:00:00Z") == datetime(2023, 4, 13, 10, 0)
    assert parse_datetime("2023-04-13T10:00:00+01:00") == datetime(2023, 4, 13, 9, 0)
    assert parse_datetime("2023-03-15T10:30:45.123Z") == datetime(2023, 3, 15, 10, 30, 45, 123000)
    assert parse_datetime("13/04/2023 10:00") == datetime(2023, 4, 13, 10, 0)
    assert parse_datetime("2023-04-13") == datetime(2023, 4, 13)
    assert parse_datetime("") is None
    with pytest.raises(ValueError):
        parse_datetime("13/04/2023 25:00")


# --- vocabularies -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [("active", "active"), ("Active", "active"), ("inactive", "inactive"), ("defunct", "defunct"),
     ("closed", "defunct"), ("Temporarily Closed", "temporarily closed"),
     ("temporarily_closed", "temporarily closed"), ("true", "active"), ("false", "inactive"),
     (True, "active"), ("pending review", None)],
)  # fmt: skip
def test_parse_status(raw: object, status: str | None) -> None:
    assert parse_status(raw) == status


@pytest.mark.parametrize(
    ("raw", "flag"),
    [("yes", True), ("TRUE", True), ("Y", True), ("1", True), (1, True), (True, True), ("x", True),
     ("no", False), ("FALSE", False), ("0", False), (0, False), ("", None), ("perhaps", None), (None, None)],
)  # fmt: skip
def test_parse_bool(raw: object, flag: bool | None) -> None:
    assert parse_bool(raw) is flag


@pytest.mark.parametrize(
    ("text", "modes"),
    [
        ("In person", ["in_person"]), ("Face to face", ["in_person"]), ("Venue", ["in_person"]),
        ("Online", ["online"]), ("Video calls", ["online"]), ("Telephone", ["phone"]), ("Phone", ["phone"]),
        ("Home visits", ["home_visit"]), ("Home visit", ["home_visit"]),
        ("In person; Telephone", ["in_person", "phone"]),
        ("You can attend in-person or remotely via video conferencing", ["in_person", "online"]),
        ("Information advice and guidance", []), ("Check our website", []), (None, []),
    ],
)  # fmt: skip
def test_parse_delivery(text: str | None, modes: list[str]) -> None:
    assert parse_delivery(text) == modes


def test_virtual_location_means_online() -> None:
    assert parse_delivery(None, ("physical", "virtual")) == ["online"]
    assert parse_delivery("Phone", ("Virtual",)) == ["online", "phone"]


def test_countries_and_us_addresses() -> None:
    assert parse_country("United Kingdom") == "GB"
    assert parse_country("england") == "GB"
    assert parse_country("USA") == "US"
    assert parse_country("fr") == "FR"
    assert parse_country("Narnia") is None
    assert looks_american("FL", "33157")
    assert looks_american("Florida", "33157-1234")
    assert not looks_american("Kent", "33157")
    assert not looks_american("FL", "CT19 5AE")
    assert not looks_american(None, "33157")


@pytest.mark.parametrize(
    ("raw", "name", "code"),
    [("English", "English", "en"), ("en", "English", "en"), ("eng", "English", "en"),
     ("en-GB", "English", "en"), ("POLISH", "Polish", "pl"), ("Farsi", "Persian", "fa"),
     ("BSL", "British Sign Language", "bfi"), ("Klingon", "Klingon", None)],
)  # fmt: skip
def test_parse_language(raw: str, name: str, code: str | None) -> None:
    language = parse_language(raw)
    assert language is not None and (language.name, language.code) == (name, code)


def test_parse_languages_splits_and_dedupes() -> None:
    found = parse_languages("English, Polish; Welsh and english / Haitian Creole")
    assert [lang.name for lang in found] == ["English", "Polish", "Welsh", "Haitian Creole"]
    assert parse_language("", "cy").name == "Welsh"  # type: ignore[union-attr]
    assert parse_language("") is None


# --- real data (../shared/data, skipped when absent) -------------------------------------------------


@pytest.mark.realdata
def test_real_hsds_times_and_days_parse(shared_data: Path) -> None:
    """211 Miami's regular_schedules.csv: nearly every opens/closes time and weekday is readable."""
    with open(shared_data / "real/miami-211-hsds/raw/data/regular_schedules.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    times = [r[k] for r in rows for k in ("opens_at", "closes_at") if r[k].strip()]
    failures = 0
    for value in times:
        try:
            parse_time(value)
        except ValueError:
            failures += 1
    assert len(times) > 20_000 and failures / len(times) < 0.001
    assert all(len(parse_byday(r["weekday"])) == 1 for r in rows)  # day names, not numbers


@pytest.mark.realdata
def test_real_mojibake_is_repaired(shared_data: Path) -> None:
    with open(shared_data / "real/miami-211-hsds/raw/data/services.csv", encoding="utf-8") as f:
        descriptions = [r["description"] for r in csv.DictReader(f)]
    garbled = [d for d in descriptions if "GÇ" in d]
    assert len(garbled) > 100
    assert not any("GÇ" in (clean_text(d) or "") for d in garbled)


@pytest.mark.realdata
def test_real_uk_postcodes_and_phones(shared_data: Path) -> None:
    from navigator.geo import normalise_postcode

    with open(shared_data / "real/folkestone-hythe/raw/locations.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    postcodes = [r["Postcode"] for r in rows if r["Postcode"].strip()]
    assert postcodes and all(normalise_postcode(p) for p in postcodes)
    phones = [r["Phone"] for r in rows if r["Phone"].strip()]
    assert phones and all(is_parsed(p) for cell in phones for p in parse_phones(cell))


@pytest.mark.realdata
def test_real_oruk_html_descriptions_become_text(shared_data: Path) -> None:
    import json

    services = json.loads(
        (shared_data / "real/oruk-bristol-northlincs/raw/bristol_council_services.json").read_text()
    )
    texts = [clean_text(s["description"][:80_000]) for s in services if s.get("description")]
    assert not any(t and ("<p>" in t or "&nbsp;" in t) for t in texts)


def test_xml_looking_markup_is_still_read_without_warnings() -> None:
    # pytest turns warnings into errors here, so this also proves bs4 stays quiet.
    assert html_to_text('<?xml version="1.0"?><entry><p>Lunch club</p></entry>') == "Lunch club"
