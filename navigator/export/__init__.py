"""Exports of the directory: ORUK 3.0 JSON, an HSDS CSV data package and the Navigator spreadsheet
template (CSV or XLSX). Each one imports back into Navigator as the same listings (tested), except
for what its format cannot carry (listed in tests/test_export_roundtrip.py). Hidden addresses are
withheld in every format."""
