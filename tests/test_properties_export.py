"""Properties of spreadsheet export escaping (navigator/util/cells.py, navigator/export/spreadsheet.py).

For any text: `restore(neutralise(s)) == s`, and a neutralised cell is never one a spreadsheet
program would run as a formula. Through the whole path too: listings whose text is generated to
start formulas (=, +, -, @, tab, carriage return, after spaces or quotes) are imported from a
spreadsheet, exported as CSV and as XLSX, and imported again: no exported cell can start a formula,
every XLSX cell is stored as text, and the second import is the first, field for field.
"""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st
from test_fuzz_support import property_settings

from navigator.util.cells import neutralise, restore

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")  # what a spreadsheet reads as just a number


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet program would take this CSV cell for a formula (OWASP's rule, stated
    independently of cells.py): after leading spaces it starts with a trigger, and it is not
    simply a number."""
    return cell.lstrip(" \u00a0").startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(cell)


# Text that tries hard to be a formula: triggers, quotes and spaces in front, numbers, any Unicode.
HOSTILE = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from([*"=+-@\t\r '\u00a01.2aZ\n\"", "٣", "１"]), max_size=10),
    st.tuples(
        st.sampled_from(["", " ", "  ", "'", "''", " '", "\u00a0"]),
        st.sampled_from(TRIGGERS),
        st.text(max_size=20),
    ).map("".join),
)


@property_settings(2000)
@given(HOSTILE)
@example("-2\n")
@example("-٣")
@example("'=1")
@example(" -1")
def test_neutralise_round_trips_and_never_leaves_a_formula(text: str) -> None:
    cell = neutralise(text)
    assert restore(cell) == text
    assert not runs_as_formula(cell), repr(cell)
    assert cell in (text, "'" + text)  # at most one quote is added, nothing else changes


@property_settings(1000)
@given(st.text())
def test_restore_undoes_only_what_neutralise_adds(text: str) -> None:
    """Importing a cell nobody neutralised keeps it, unless it reads exactly like a neutralised one."""
    back = restore(text)
    assert back == text or (text.startswith("'") and neutralise(back) == text)


def test_a_dash_before_a_line_end_or_other_digits_is_not_a_plain_number() -> None:
    """Found by the properties: "-2\\n" passed as a number ("$" matches before a final newline) and
    "-٣" too (\\d is any Unicode digit), so neither was neutralised."""
    assert neutralise("-2\\n") == "'-2\\n" and restore("'-2\\n") == "-2\\n"
    assert neutralise("-٣") == "'-٣"
    assert neutralise("-2.5891") == "-2.5891" and neutralise("-17") == "-17"  # real numbers stay
