"""The input policy (`pointsbank.inputs`) as pydantic types, for every request body, query and path.

Text is cleaned by the policy itself before pydantic sees it, so a body field, a query parameter
and a sheet cell are refused for the same reasons; the bounds are also given to pydantic so that
the OpenAPI document states them. Every integer in a body is a JSON integer within bounds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any

import annotated_types as at
from pydantic import BeforeValidator, Strict, StringConstraints

from pointsbank import inputs
from pointsbank.inputs import MAX_POSITION, MAX_VERSION, TextKind


@dataclass(frozen=True)
class Policy(at.GroupedMetadata):
    """Text of one kind: cleaned and checked by the policy, its bounds published."""

    kind: TextKind
    required: bool = True

    def __iter__(self) -> Iterator[Any]:
        yield BeforeValidator(partial(inputs.clean_text, kind=self.kind, required=self.required))
        yield StringConstraints(
            min_length=1 if self.required else None,
            max_length=self.kind.max_length,
            pattern=f"^{self.kind.pattern}$" if self.kind.pattern else None,
        )


@dataclass(frozen=True)
class Whole(at.GroupedMetadata):
    """A body integer: a JSON integer only (never "10", 1.5 or true), within bounds."""

    low: int
    high: int

    def __iter__(self) -> Iterator[Any]:
        yield Strict()
        yield at.Interval(ge=self.low, le=self.high)


Code = Annotated[str, Policy(inputs.CODE)]
PersonName = Annotated[str, Policy(inputs.PERSON_NAME)]
Name = Annotated[str, Policy(inputs.NAME)]
Note = Annotated[str, Policy(inputs.NOTE, required=False)]
Reason = Annotated[str, Policy(inputs.NOTE)]
SearchText = Annotated[str, Policy(inputs.PERSON_NAME)]
Day = Annotated[date, BeforeValidator(inputs.parse_day)]
Moment = Annotated[datetime, BeforeValidator(inputs.parse_moment)]
Flag = Annotated[bool, Strict()]  # true or false, never "yes" or 1
Version = Annotated[int, Whole(1, MAX_VERSION)]
# Query and path integers arrive as text; only their range is ours to check.
Position = Annotated[int, at.Interval(ge=0, le=MAX_POSITION)]
VersionPath = Annotated[int, at.Interval(ge=1, le=MAX_VERSION)]
