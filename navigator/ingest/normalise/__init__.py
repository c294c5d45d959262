"""The normaliser: a reader's raw ORUK-shaped dict → a clean `ServiceRecord` and warnings.

    record, warnings = normalise(raw.data, outcodes=OutcodeTable.load_default())

`normalise` raises nothing but `Rejected` (whose `.issue` says why), whatever it is given.
"""

from navigator.ingest.normalise.service import Rejected, normalise

__all__ = ["Rejected", "normalise"]
