"""Ways to hand a shortlist to the resident: plain text (to copy), an email and an SMS link carrying
that text, and a QR code of the shared link. Nothing here stores anything."""

from __future__ import annotations

import io
from collections.abc import Sequence
from urllib.parse import quote

from navigator.navigator_app.listing import Summary

SUBJECT = "Services we talked about"
MAX_SMS_CHARS = 1500  # long SMS bodies are split by phones; beyond this, send the link instead
MAX_MAILTO_CHARS = 1800  # some mail apps refuse longer mailto: links


def share_text(items: Sequence[Summary], link: str | None = None, expires: str | None = None) -> str:
    """The shortlist as plain text a person can read on a phone or paper."""
    lines = [f"{SUBJECT}:", ""]
    for n, s in enumerate(items, 1):
        lines.append(f"{n}. {s.name}" + (f" ({s.organisation})" if s.organisation else ""))
        lines += [f"   Phone: {p.text}" for p in s.phones[:2]]
        if s.email:
            lines.append(f"   Email: {s.email.text}")
        if s.website and s.website.href:
            lines.append(f"   Website: {s.website.href}")
        if s.where:
            lines.append(f"   Where: {s.where}")
        if s.when:
            lines.append(f"   When: {s.when}")
        lines.append("")
    if link:
        lines.append(f"Open this list on your phone: {link}" + (f" (until {expires})" if expires else ""))
    return "\n".join(lines).strip() + "\n"


def short_text(items: Sequence[Summary], link: str | None) -> str:
    """A shorter text for SMS: names and first phone numbers, then the link."""
    lines = [f"{SUBJECT}:"]
    for s in items:
        phone = f" – {s.phones[0].text}" if s.phones else ""
        lines.append(f"{s.name}{phone}")
    if link:
        lines.append(f"Details: {link}")
    return "\n".join(lines)


def mailto_href(text: str, link: str | None = None) -> str:
    body = text if len(text) <= MAX_MAILTO_CHARS or not link else f"{SUBJECT}: {link}\n"
    return f"mailto:?subject={quote(SUBJECT)}&body={quote(body)}"


def sms_href(items: Sequence[Summary], link: str | None) -> str:
    """`sms:?&body=` is the form both iOS and Android open with the body filled in."""
    body = short_text(items, link)
    if len(body) > MAX_SMS_CHARS and link:
        body = f"{SUBJECT}: {link}"
    return f"sms:?&body={quote(body[:MAX_SMS_CHARS])}"


def qr_svg(data: str) -> bytes:
    """A QR code (segno) as a standalone SVG with a title, dark on white, quiet zone included."""
    import segno

    code = segno.make(data, error="m")
    out = io.BytesIO()
    code.save(out, kind="svg", scale=6, border=4, dark="#000", light="#fff", title="QR code", xmldecl=False)
    return out.getvalue()
