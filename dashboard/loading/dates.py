"""Dates as people export them, as ISO dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .records import MISSING


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_YMD_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s].*)?", re.S)
_DMY_DOT_RE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s.*)?", re.S)
_SLASH_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?", re.S)
_MDY_WORDS_RE = re.compile(
    r"(?:[A-Za-z]+,?\s+)?([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b.*", re.S
)
# Also covers RFC 2822 ("Thu, 06 Jan 2022 10:00:00 +0000"): the date as written.
_DMY_WORDS_RE = re.compile(
    r"(?:[A-Za-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})\b.*", re.S
)


def _iso(year: int | str, month: int | str, day: int | str) -> str:
    return dt.date(int(year), int(month), int(day)).isoformat()  # ValueError if impossible


def parse_date(value: object) -> str | None:
    """ISO date from the forms people export; None when the value says "not known".

    Raises ValueError with a user-facing reason when the value is not a date.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if text.casefold() in MISSING:
        return None
    if m := _YMD_RE.fullmatch(text):
        return _iso(*m.groups())
    if m := _DMY_DOT_RE.fullmatch(text):
        return _iso(m[3], m[2], m[1])
    if m := _SLASH_RE.fullmatch(text):
        first, second = int(m[1]), int(m[2])
        if first > 12:
            return _iso(m[3], second, first)
        if second > 12:
            return _iso(m[3], first, second)
        raise ValueError(f"{text!r} could be day/month or month/day")
    if (m := _MDY_WORDS_RE.fullmatch(text)) and m[1].lower() in _MONTHS:
        return _iso(m[3], _MONTHS[m[1].lower()], m[2])
    if (m := _DMY_WORDS_RE.fullmatch(text)) and m[2].lower() in _MONTHS:
        return _iso(m[3], _MONTHS[m[2].lower()], m[1])
    raise ValueError(f"{text!r} is not a date format this loader knows")


class AmbiguousDate(ValueError):
    """Never raised yet: every date is read on its own."""


@dataclass(frozen=True)
class DateReading:
    iso: str | None
    order: None = None


def read_date(value: object) -> DateReading:
    return DateReading(parse_date(value))


class DayMonthOrder:
    def note(self, reading: DateReading) -> None:
        pass

    def settle(self, ambiguous: AmbiguousDate) -> str:
        raise ambiguous
