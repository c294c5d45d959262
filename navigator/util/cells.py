"""Spreadsheet cells that a spreadsheet program would run as a formula, made inert (CSV injection).

OWASP's advice: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading single
quote, which Excel, LibreOffice and Google Sheets show as text. Leading spaces are looked through,
because spreadsheet programs skip them before deciding that a cell is a formula.

A plain number ("-2.5891", a longitude) is left alone: a spreadsheet reads it as that number and
there is no formula to run. XLSX exports do not change the text at all: they store every cell as a
string marked `quotePrefix`, Excel's own "this is text" flag, which readers give back unchanged.
"""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# ASCII digits, the whole cell: "-2\n" (a "$" match) or "-٣" (a Unicode digit) is not a plain number.
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def needs_neutralising(value: str) -> bool:
    """Whether a spreadsheet could take the cell for a formula (quotes already in front don't count:
    a cell that starts with them is escaped once more, so `restore` is an exact inverse)."""
    bare = value.lstrip("'")
    stripped = bare.lstrip(" \u00a0")
    return stripped.startswith(TRIGGERS) and not _NUMBER.fullmatch(bare)


def neutralise(value: str) -> str:
    """The cell as a CSV may safely hold it: `'` + value when it could start a formula."""
    return "'" + value if needs_neutralising(value) else value


def restore(value: str) -> str:
    """The exact inverse of `neutralise`: what an importer should do with every CSV cell."""
    if value.startswith("'") and needs_neutralising(value[1:]):
        return value[1:]
    return value
