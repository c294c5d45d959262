"""Shared reading of tabular files (CSV/TSV and XLSX) into `Grid`s of cells with their line numbers.

Readers build on this: it checks the file (exists, not a folder, not empty, not too big, not
binary), decodes its bytes (UTF-8, else the detected encoding, line by line when the encodings
are mixed), and returns every non-blank row with its physical line number (the spreadsheet row
number for XLSX). It never evaluates anything: a cell "=1+2" stays the text "=1+2", and an XLSX
formula gives its cached value or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from navigator.ingest.readers.base import FileUnreadable, ReadProblem

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# A real description cell can be megabytes long (pasted documents); csv's default is 128 kB.
CSV_FIELD_LIMIT = 64 * 1024 * 1024
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
_CONTROL = re.compile(rb"[\x01-\x08\x0e-\x1f]")
# Single-byte encodings charset-normalizer may offer for Western text; cp1252 is what Excel on
# Windows writes, so it wins whenever it decodes the bytes.
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "cp850"})


@dataclass(frozen=True)
class Row:
    line: int  # physical line (CSV) or row number (XLSX) where the row starts
    cells: list[str]


@dataclass
class Grid:
    """One sheet of cells. `name` is how people should see it: "services.csv", "book.xlsx [Services]"."""

    name: str
    rows: list[Row]
    encoding: str = "utf-8"
    warnings: list[ReadProblem] = field(default_factory=list)


def header_key(name: str) -> str:
    """Compare column names loosely: "Post code", "POSTCODE" and "post_code" are all "postcode"."""
    return re.sub(r"[^0-9a-z]+", "", name.casefold())


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """Raise FileUnreadable unless `path` is a non-empty file within `max_bytes`; return its size."""
    if not path.exists():
        raise FileUnreadable(str(path), "file not found; check the path")
    if path.is_dir():
        raise FileUnreadable(str(path), "is a folder, but a file was expected; give the path of the file")
    size = path.stat().st_size
    if size == 0:
        raise FileUnreadable(path.name, "the file is empty (0 bytes); export it again from its source")
    if size > max_bytes:
        raise FileUnreadable(
            path.name,
            f"the file is {size / 1e6:,.1f} MB, over the {max_bytes / 1e6:,.1f} MB limit; "
            "split it, or raise the import size limit",
        )
    return size


def read_grids(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Grid]:
    """All sheets of a CSV/TSV or XLSX file, chosen by content first (an XLSX named .csv still reads)."""
    check_file(path, max_bytes)
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic == _OLE_MAGIC:
        raise FileUnreadable(
            path.name, "is an old Excel .xls workbook; save it as .xlsx or CSV (UTF-8) and import that"
        )
    if magic == _ZIP_MAGIC or path.suffix.lower() in XLSX_SUFFIXES:
        return read_xlsx(path)
    return [read_csv(path, max_bytes)]


def read_csv(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, delimiter: str | None = None) -> Grid:
    check_file(path, max_bytes)
    text, encoding, warnings = decode_bytes(path.read_bytes(), path.name)
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else _guess_delimiter(text)
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            # line_num is the line where the record *ended*; a quoted multi-line cell spans several.
            if any(c.strip() for c in cells):
                rows.append(Row(start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileUnreadable(path.name, f"not valid CSV: {exc}", f"line {start}") from exc
    return Grid(path.name, rows, encoding, warnings)


def decode_bytes(data: bytes, name: str) -> tuple[str, str, list[ReadProblem]]:
    """Bytes → text, the encoding used, and warnings for anything not plain UTF-8."""
    warnings: list[ReadProblem] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        return data.decode("utf-16"), "utf-16", warnings
    sample = data[:65536]
    if (
        sample.count(b"\x00") > max(2, len(sample) // 100)
        or len(_CONTROL.findall(sample)) > len(sample) // 20
    ):
        raise FileUnreadable(
            name, "does not look like a text CSV (it holds binary data); export the sheet as CSV (UTF-8)"
        )
    if b"\x00" in data:
        lines = [i for i, line in enumerate(data.split(b"\n"), start=1) if b"\x00" in line]
        warnings.append(ReadProblem(name, describe_lines(lines), "NUL bytes removed"))
        data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8-sig"), "utf-8", warnings
    except UnicodeDecodeError:
        pass
    raw_lines = data.split(b"\n")
    bad: list[int] = []
    decoded: list[str] = []
    utf8_non_ascii = 0
    for number, raw in enumerate(raw_lines, start=1):
        try:
            decoded.append(raw.decode("utf-8"))
            utf8_non_ascii += not raw.isascii()
        except UnicodeDecodeError:
            bad.append(number)
            decoded.append(_cp1252(raw))
    if utf8_non_ascii:  # some lines really are UTF-8: a file pasted together from two sources
        warnings.append(
            ReadProblem(
                name,
                describe_lines(bad),
                f"mixed encodings: {len(bad)} line(s) are not UTF-8, read as cp1252",
            )
        )
        return "\n".join(decoded).removeprefix("\ufeff"), "utf-8+cp1252", warnings
    encoding = _detect(data, name)
    text = _cp1252(data) if encoding == "cp1252" else data.decode(encoding, errors="replace")
    warnings.append(
        ReadProblem(name, "encoding", f"not UTF-8; read as {encoding}. Save as CSV (UTF-8) to be sure")
    )
    return text, encoding, warnings


def _detect(data: bytes, name: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise FileUnreadable(name, "does not look like a text CSV (no text encoding fits its bytes)")
    if best.encoding in _WESTERN or "cp1252" in best.could_be_from_charset:
        return "cp1252"
    return best.encoding


def _cp1252(raw: bytes) -> str:
    # cp1252 leaves five bytes undefined; latin-1 maps every byte, so nothing is ever lost.
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _guess_delimiter(text: str) -> str:
    """Comma unless the header line clearly uses semicolons (European Excel) or tabs."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def counted(n: int, one: str, many: str) -> str:
    """counted(1, "row has", "rows have") → "1 row has"; 2244 → "2,244 rows have"."""
    return f"{n:,} {one if n == 1 else many}"


def describe_lines(numbers: list[int], shown: int = 10) -> str:
    """ "lines 3, 9, 12 and 40 more": for warnings that aggregate many rows."""
    head = ", ".join(str(n) for n in numbers[:shown])
    more = f" and {len(numbers) - shown:,} more" if len(numbers) > shown else ""
    return f"line{'s' if len(numbers) != 1 else ''} {head}{more}"


# --- header and rows ----------------------------------------------------------------------


@dataclass
class Table:
    """A grid with its header row applied. Every row in `rows` has exactly `len(header)` cells."""

    name: str
    header: list[str]
    header_line: int
    rows: list[Row]
    bad_rows: list[ReadProblem] = field(default_factory=list)  # wrong number of cells, skipped
    warnings: list[ReadProblem] = field(default_factory=list)

    def column(self, *names: str) -> int | None:
        """Index of the first column whose name matches one of `names` loosely (see header_key)."""
        keys = [header_key(h) for h in self.header]
        for name in names:
            if header_key(name) in keys:
                return keys.index(header_key(name))
        return None

    def locator(self, row: Row) -> str:
        return f"{self.name} line {row.line}"


def to_table(grid: Grid, header_index: int = 0, ragged: bool | None = None) -> Table:
    """Use row `header_index` of `grid` as the header. `ragged` rows (XLSX) are padded, not rejected."""
    if not grid.rows or header_index >= len(grid.rows):
        raise FileUnreadable(grid.name, "has no rows at all; it needs a header row naming the columns")
    if ragged is None:
        ragged = grid.encoding == "xlsx"
    head = grid.rows[header_index]
    header = [c.strip() for c in head.cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise FileUnreadable(grid.name, "the header row is blank; the first row must name the columns")
    table = Table(grid.name, header, head.line, [], [], list(grid.warnings))
    _name_columns(table)
    width = len(header)
    for row in grid.rows[header_index + 1 :]:
        cells = row.cells
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]  # trailing empty cells, as Excel often writes
        if len(cells) < width and ragged:
            cells = cells + [""] * (width - len(cells))
        if len(cells) != width:
            table.bad_rows.append(
                ReadProblem(
                    grid.name,
                    f"{grid.name} line {row.line}",
                    f"has {len(cells)} cells but the header (line {head.line}) names {width} columns; "
                    "check for an unquoted comma or a missing cell",
                )
            )
            continue
        table.rows.append(Row(row.line, cells))
    return table


def _name_columns(table: Table) -> None:
    """Give blank and repeated column names a usable name, and say so once."""
    seen: dict[str, int] = {}
    renamed: list[str] = []
    for i, name in enumerate(table.header):
        new = name or f"column {i + 1}"
        key = header_key(new)
        if key in seen:
            seen[key] += 1
            new = f"{new} ({seen[key]})"
        else:
            seen[key] = 1
        if new != name:
            renamed.append(f"{name or '(blank)'} → {new}")
        table.header[i] = new
    if renamed:
        table.warnings.append(
            ReadProblem(
                table.name,
                f"line {table.header_line}",
                "blank or repeated column names were renamed: " + "; ".join(renamed),
            )
        )


# --- XLSX -------------------------------------------------------------------------------------


def read_xlsx(path: Path) -> list[Grid]:
    from openpyxl import load_workbook

    try:
        # data_only: a formula cell gives the value Excel cached when saving; we never evaluate.
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged or non-workbook zips
        raise FileUnreadable(
            path.name, f"could not be opened as an Excel workbook ({exc}); save it again as .xlsx or CSV"
        ) from exc
    grids: list[Grid] = []
    try:
        for sheet in book.worksheets:
            sheet.reset_dimensions()  # some writers store a wrong sheet size; read every row
            rows: list[Row] = []
            number = 0
            try:
                # read-only mode parses each sheet's XML only now, as its rows are read
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    cells = [xlsx_cell_text(v) for v in values]
                    if any(c.strip() for c in cells):
                        rows.append(Row(number, cells))
            except Exception as exc:  # damaged sheet XML: ParseError, bad cell references, ...
                raise FileUnreadable(
                    f"{path.name} [{sheet.title}]",
                    f"the sheet is damaged after row {number} ({exc}); open the workbook in Excel or "
                    "LibreOffice, save it again as .xlsx (or export CSV) and import that",
                ) from exc
            grids.append(Grid(f"{path.name} [{sheet.title}]", rows, "xlsx"))
    finally:
        book.close()
    return grids


def xlsx_cell_text(value: object) -> str:
    """A cell as the text a person sees: TRUE/FALSE, 7700900123 (not 7700900123.0), 2024-05-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)
