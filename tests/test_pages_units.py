"""The navigator pages' small pieces on their own: highlighting (escape first, then mark), the
search form's checks, one-tap corrections, contact links and formatters."""

from __future__ import annotations

from datetime import date

import pytest

from navigator.navigator_app.corrections import (
    tidy,
    understood_parts,
    without_age,
    without_place,
    without_spans,
)
from navigator.navigator_app.display import (
    ages_text,
    cost_text,
    date_text,
    directions_href,
    distance_text,
    email_link,
    is_stale,
    phone_link,
    website_link,
)
from navigator.navigator_app.highlight import highlight, stems
from navigator.navigator_app.search_form import MAX_PAGE, SearchForm, parse_form
from navigator.search.schema import NeedOut, PlaceOut, UnderstoodOut


def test_highlight_escapes_first_then_marks() -> None:
    wanted = stems(["bereavement support"])
    out = highlight('Bereaved? <script>alert("x")</script> We offer bereavement <b>groups</b>.', wanted)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<mark>Bereaved</mark>" in out and "<mark>bereavement</mark>" in out
    assert "&lt;b&gt;groups&lt;/b&gt;" in out
    assert str(highlight("<img src=x onerror=alert(1)>", frozenset())) == "&lt;img src=x onerror=alert(1)&gt;"


def test_stems_skip_short_and_common_words() -> None:
    assert stems(["I need help with the food bank"]) == frozenset({"food", "bank"})
    assert "suppor" not in stems(["bereavement support"])


def test_parse_form_reads_every_field() -> None:
    form = parse_form(
        {
            "q": ["  lonely\x00 since   the funeral "],
            "where": ["DN15"],
            "radius": ["4"],
            "free": ["on"],
            "age": ["82"],
            "day": ["tue"],
            "mode": ["online", "phone,home visit"],
            "category": ["Bereaved"],
            "page": ["2"],
        }
    )
    assert form.q == "lonely since the funeral" and form.radius == 5 and form.free and form.age == 82
    assert form.day == "TU" and form.modes == ("online", "phone", "home_visit") and form.page == 2
    assert not form.notes
    request = form.to_request()
    assert request.offset == 10 and request.mode == "online,phone,home_visit" and request.postcode == "DN15"
    assert request.radius_km == pytest.approx(8.05, abs=0.01)


@pytest.mark.parametrize(
    ("params", "field", "value"),
    [
        ({"age": ["-1"]}, "age", None),
        ({"age": ["121"]}, "age", None),
        ({"radius": ["9999"]}, "radius", 50),
        ({"radius": ["nan"]}, "radius", None),
        ({"day": ["funday"]}, "day", None),
        ({"mode": ["fax"]}, "modes", ()),
        ({"page": ["0"]}, "page", 1),
        ({"page": ["9" * 30]}, "page", MAX_PAGE),
    ],
)
def test_parse_form_drops_bad_values_with_a_note(
    params: dict[str, list[str]], field: str, value: object
) -> None:
    form = parse_form({"q": ["food"], **params})
    assert getattr(form, field) == value and form.notes


def test_form_urls_change_one_thing() -> None:
    form = SearchForm(q="food bank", where="DN15", free=True, modes=("online", "phone"), page=3)
    assert form.url() == "/?q=food+bank&where=DN15&free=1&mode=online&mode=phone"
    assert form.url(where="") == "/?q=food+bank&free=1&mode=online&mode=phone"
    assert form.url(page=4).endswith("&page=4")


def test_text_surgery_for_corrections() -> None:
    assert (
        without_spans("lonely since my wife died, near Hythe", "since my wife died") == "lonely, near Hythe"
    )
    assert without_spans("a … b", "x") is None
    assert without_place("lonely since my wife died, near Hythe", "Hythe") == "lonely since my wife died"
    assert without_place("food in dn15 6aa please", "DN15 6AA") == "food please"
    assert without_place("food", "Hythe") is None
    assert without_age("I'm 82 and lonely") == "lonely"
    assert without_age("lonely") is None
    assert tidy(" , and food ,") == "food"


def test_understood_parts_link_to_searches_without_each_part() -> None:
    form = SearchForm(q="lonely since my wife died, I'm 82, near Hythe", age=None, free=True)
    query = UnderstoodOut(
        text="lonely since my wife died",
        needs=[NeedOut(key="bereavement", label="bereavement support", matched="since my wife died")],
        place=PlaceOut(label="Hythe", kind="town", radius_km=16.0),
        age=82,
        filters={"free": True},
    )
    parts = {p.label: p for p in understood_parts(form, query)}
    assert set(parts) == {"bereavement support", "near Hythe (within 10 miles)", "age 82", "free only"}
    assert "since" not in (parts["bereavement support"].remove_url or "")
    assert parts["free only"].remove_url == "/?q=lonely+since+my+wife+died%2C+I%27m+82%2C+near+Hythe"
    assert parts["age 82"].remove_label == "Remove the age, 82"


def test_contact_links() -> None:
    assert phone_link("01632 960014").href == "tel:01632960014"
    assert phone_link("+44 1632 960014 (option 2)").href == "tel:+441632960014"
    assert phone_link("call us").href is None and phone_link("javascript:alert(1)").href is None
    assert email_link("a@example.org").href == "mailto:a@example.org"  # type: ignore[union-attr]
    assert email_link("x@example.org?body=<script>").href is None  # type: ignore[union-attr]
    assert email_link("") is None
    assert website_link("javascript:alert(1)").href is None  # type: ignore[union-attr]
    assert website_link("mailto:a@example.org").href is None  # type: ignore[union-attr]
    site = website_link("https://www.example.org/path")
    assert site is not None and site.href == "https://www.example.org/path" and site.text == "example.org"
    assert directions_href("CT21 5AQ") == "https://www.google.com/maps/dir/?api=1&destination=CT21%205AQ"
    assert directions_href("<script>") is None


def test_formatters() -> None:
    assert (
        ages_text(65, None) == "Ages 65+"
        and ages_text(5, 12) == "Ages 5–12"
        and ages_text(None, 18) == "Up to age 18"
    )
    assert ages_text(0, None) is None and ages_text(None, None) is None
    assert cost_text(True, "£5", []) == "Free"
    assert cost_text(None, "£3 a session", ["£3"]) == "£3; £3 a session"
    assert cost_text(False, None, []) == "There is a charge: ask the service"
    assert cost_text(None, None, []) == "Cost not stated: ask the service"
    assert distance_text(None) is None and distance_text(0.05) == "Very close"
    assert distance_text(3.2) == "2.0 miles away" and distance_text(40) == "25 miles away"
    assert date_text("2026-01-10") == "10 January 2026" and date_text("junk") is None
    assert is_stale(None, 365) and not is_stale(date(2026, 1, 1), 365, today=date(2026, 6, 1))
    assert is_stale(date(2024, 1, 1), 365, today=date(2026, 6, 1))


def test_summary_lists_each_opening_time_once() -> None:
    from navigator.navigator_app.listing import summary
    from navigator.store import models as m

    service = m.Service(name="Club", source="t", source_id="T-1", status="active", delivery_modes=[])
    service.schedules = [
        m.Schedule(byday="MO", opens_at="14:00", closes_at="16:00"),
        m.Schedule(byday="MO", opens_at="14:00", closes_at="16:00", description="Mondays 2 till 4"),
    ]
    assert summary("T-1", service).when == "Mondays 14:00–16:00"
