"""Languages by name or code ("English", "en", "eng", "en-GB") → Language(name, ISO 639 code).

The table covers English, the UK's own languages, the community languages most spoken in England
and Wales (Census 2021), sign languages and the common US 211 ones. A language not in it is kept
by name with no code.
"""

from __future__ import annotations

import re

from navigator.ingest.record import Language

# name, ISO 639-1 (or 639-3 where there is no 639-1), other spellings and codes
_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("English", "en", ("eng",)),
    ("Welsh", "cy", ("cym", "wel", "cymraeg")),
    ("Scottish Gaelic", "gd", ("gla", "gaelic")),
    ("Irish", "ga", ("gle",)),
    ("Cornish", "kw", ("cor",)),
    ("British Sign Language", "bfi", ("bsl",)),
    ("American Sign Language", "ase", ("asl",)),
    ("Makaton", "", ()),  # a signing system, no ISO code
    ("Polish", "pl", ("pol",)),
    ("Romanian", "ro", ("ron", "rum")),
    ("Punjabi", "pa", ("pan", "panjabi")),
    ("Urdu", "ur", ("urd",)),
    ("Portuguese", "pt", ("por",)),
    ("Spanish", "es", ("spa", "espanol", "español", "castilian")),
    ("Arabic", "ar", ("ara",)),
    ("Bengali", "bn", ("ben", "bangla")),
    ("Sylheti", "syl", ()),
    ("Gujarati", "gu", ("guj",)),
    ("Italian", "it", ("ita",)),
    ("Chinese", "zh", ("zho", "chi")),
    ("Mandarin", "cmn", ("mandarin chinese",)),
    ("Cantonese", "yue", ()),
    ("French", "fr", ("fra", "fre", "francais", "français")),
    ("German", "de", ("deu", "ger")),
    ("Lithuanian", "lt", ("lit",)),
    ("Latvian", "lv", ("lav",)),
    ("Bulgarian", "bg", ("bul",)),
    ("Russian", "ru", ("rus",)),
    ("Ukrainian", "uk", ("ukr",)),
    ("Tamil", "ta", ("tam",)),
    ("Turkish", "tr", ("tur",)),
    ("Persian", "fa", ("fas", "per", "farsi")),
    ("Dari", "prs", ()),
    ("Pashto", "ps", ("pus", "pushto")),
    ("Kurdish", "ku", ("kur", "kurdi")),
    ("Somali", "so", ("som",)),
    ("Tigrinya", "ti", ("tir",)),
    ("Amharic", "am", ("amh",)),
    ("Hindi", "hi", ("hin",)),
    ("Nepali", "ne", ("nep",)),
    ("Malayalam", "ml", ("mal",)),
    ("Telugu", "te", ("tel",)),
    ("Sinhala", "si", ("sin", "sinhalese")),
    ("Greek", "el", ("ell", "gre")),
    ("Albanian", "sq", ("sqi", "alb")),
    ("Hungarian", "hu", ("hun",)),
    ("Czech", "cs", ("ces", "cze")),
    ("Slovak", "sk", ("slk", "slo")),
    ("Dutch", "nl", ("nld", "dut")),
    ("Vietnamese", "vi", ("vie",)),
    ("Tagalog", "tl", ("tgl", "filipino")),
    ("Yoruba", "yo", ("yor",)),
    ("Swahili", "sw", ("swa", "kiswahili")),
    ("Hebrew", "he", ("heb",)),
    ("Japanese", "ja", ("jpn",)),
    ("Korean", "ko", ("kor",)),
    ("Haitian Creole", "ht", ("hat", "creole", "kreyol")),
)
# Reversed so that, should two rows share a spelling, the earlier (more common) language wins.
_LOOKUP: dict[str, tuple[str, str | None]] = {
    key: (name, code or None)
    for name, code, others in reversed(_TABLE)
    for key in (name.lower(), code, *others)
    if key
}


def parse_language(value: str, code: str | None = None) -> Language | None:
    """One language from its name or code; an explicit `code` is used when the name is unknown."""
    text = " ".join(value.split()).strip(" .;,")
    hint = " ".join((code or "").split()).lower() or None
    if not text and not hint:
        return None
    for key in (text.lower(), _base_code(text), hint, _base_code(hint or "")):
        if key and key in _LOOKUP:
            name, known_code = _LOOKUP[key]
            return Language(name=name, code=known_code)
    return Language(name=text or (code or "").strip(), code=hint if text else None)


def parse_languages(value: str) -> list[Language]:
    """Several languages in one cell: "English, Spanish; Polish" or "English and Welsh"."""
    parts = re.split(r"\s*(?:[,;/|\n]|\band\b|&)\s*", value)
    found: list[Language] = []
    for part in parts:
        language = parse_language(part) if part.strip() else None
        if language is not None and language.name.lower() not in {f.name.lower() for f in found}:
            found.append(language)
    return found


def _base_code(text: str) -> str | None:
    """ "en-GB" / "en_gb" → "en"."""
    match = re.fullmatch(r"([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*", text.lower())
    return match.group(1) if match else None
