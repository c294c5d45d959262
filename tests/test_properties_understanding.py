"""Properties of query understanding (navigator/search/understand)."""

from __future__ import annotations

from test_understand_support import understander


def test_gir_0aa_is_a_place_like_any_other_postcode() -> None:
    """Found by the properties: geo.postcodes accepts GIR 0AA, but understanding did not see it."""
    q = understander()("parcel help near gir0aa")
    assert q.place is not None and q.place.kind == "postcode" and q.place.label == "GIR 0AA"
    assert q.place.outcodes == ("GIR",) and q.place.matched == "gir0aa"
