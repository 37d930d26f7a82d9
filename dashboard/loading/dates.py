"""Dates as people export them, as ISO dates; day/month order settled per column.

Dates written with a month name ("Jan. 6, 2022", "Thu, 06 Jan 2022 10:00:00
+0000", "6th January 2022") are read by dateutil. All-number dates are read
here, because no library says when "03/04/2022" could be either of two days:
ISO (year first) is unambiguous, dotted dates are day first (the European
convention), and a slashed or dashed date is read the only way it can be
(25/04/2022, 04/25/2022, 05/05/2022). When it could be both, the other dates of
the same column settle the order (25/04/2022 elsewhere means day first);
otherwise it stays unread and is reported.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass
from typing import Literal

from dateutil import parser as dateutil_parser

from .records import MISSING

Order = Literal["day_first", "month_first"]

# An all-number date (optionally after a weekday), then perhaps a time: "2022-01-06T10:30Z",
# "Thursday, 06.01.2022", "03/04/2022 10:00".
_NUMERIC_RE = re.compile(
    r"(?:[^\W\d_]+\.?,?\s+)?(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})(?:(?:T|\s|,).*)?", re.S
)
_MONTH_NAME_RE = re.compile(
    r"(?<![^\W\d_])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.I
)
# Two defaults that differ in every part: a date missing a part comes out differently.
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))


class AmbiguousDate(ValueError):
    """An all-number date that reads as two different days."""

    def __init__(self, text: str, day_first: str, month_first: str, why: str = ""):
        self.text, self.day_first, self.month_first = text, day_first, month_first
        super().__init__(f"{text!r} could be day/month ({day_first}) or month/day "
                         f"({month_first}){why}")


@dataclass(frozen=True)
class DateReading:
    iso: str | None  # None: the value says "not known"
    order: Order | None = None  # what an all-number date showed about its column's order


def _iso(text: str, year: str, month: str, day: str) -> str:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None


def _numeric(text: str, m: re.Match) -> DateReading:
    first, separator, second, third = m.groups()
    if len(first) == 4 and len(third) <= 2:
        return DateReading(_iso(text, first, second, third))
    if len(third) != 4 or len(first) > 2:
        raise ValueError(f"{text!r} is not a date format this loader knows "
                         "(write the year with four digits)")
    if separator == ".":
        return DateReading(_iso(text, third, second, first))
    a, b = int(first), int(second)
    if a > 12:
        return DateReading(_iso(text, third, second, first), "day_first")
    if b > 12:
        return DateReading(_iso(text, third, first, second), "month_first")
    if a == b:
        return DateReading(_iso(text, third, second, first))
    raise AmbiguousDate(text, _iso(text, third, second, first), _iso(text, third, first, second))


def read_date(value: object) -> DateReading:
    """The ISO date a value gives, and what it shows about day/month order.

    Raises ValueError (AmbiguousDate for 03/04/2022) with a user-facing reason.
    """
    if value is None:
        return DateReading(None)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if text.casefold() in MISSING:
        return DateReading(None)
    if m := _NUMERIC_RE.fullmatch(text):
        return _numeric(text, m)
    if not _MONTH_NAME_RE.search(text):  # never let a library guess the order of numbers
        raise ValueError(f"{text!r} is not a date format this loader knows")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an unknown zone name ("EST"): the date as written
            readings = {dateutil_parser.parse(text, default=d).date() for d in _DEFAULTS}
    except (ValueError, OverflowError):  # dateutil's ParserError is a ValueError
        raise ValueError(f"{text!r} is not a date format this loader knows") from None
    if len(readings) > 1:
        raise ValueError(f"{text!r} lacks a day, month or year")
    return DateReading(readings.pop().isoformat())


def parse_date(value: object) -> str | None:
    """ISO date from the forms people export; None when the value says "not known".

    Raises ValueError with a user-facing reason when the value is not a date,
    or could be two dates (AmbiguousDate).
    """
    return read_date(value).iso


class DayMonthOrder:
    """The day/month order of one column, from its dates that can be read only one way."""

    def __init__(self) -> None:
        self.day_first = 0
        self.month_first = 0

    def note(self, reading: DateReading) -> None:
        if reading.order == "day_first":
            self.day_first += 1
        elif reading.order == "month_first":
            self.month_first += 1

    def settle(self, ambiguous: AmbiguousDate) -> str:
        """The date the column's order gives; AmbiguousDate saying why when it gives none."""
        if self.day_first and not self.month_first:
            return ambiguous.day_first
        if self.month_first and not self.day_first:
            return ambiguous.month_first
        why = (", and other dates of this column are written both ways"
               if self.day_first else ", and no other date of this column tells which")
        raise AmbiguousDate(ambiguous.text, ambiguous.day_first, ambiguous.month_first, why)
