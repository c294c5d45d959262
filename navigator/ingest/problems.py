"""What cleaning and validation say about a record: one `Issue` per problem, written for a curator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """One problem with one record.

    `field` is a path into the record as the reader gave it ("postcode" or
    "service_at_locations[0].location.addresses[0].postal_code"), None for the record as a whole.
    `message` is plain English: what is wrong and what to do about it.
    """

    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


NO_ID = "the service has no id: every listing needs the id its source gave it"
NO_NAME = "the service has no name: add one in the source (people see it first)"
