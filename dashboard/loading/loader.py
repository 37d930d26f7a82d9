"""The load of one set of inputs: dispatch to readers, metadata sidecars, the report.

Every input item either becomes an Article or leaves a LoadIssue saying why
not. Formats are read by the functions in readers.READERS; this module holds
what every format shares: size limits, decoding, sidecar metadata, turning a
record into an Article (ids, duplicates, dates, guesses from the text).
"""

from __future__ import annotations

import dataclasses
from pathlib import PurePosixPath
from typing import Iterable

from ..models import Article, Corpus, LoadIssue, UNKNOWN
from .dates import AmbiguousDate, DayMonthOrder, read_date
from .encodings import NotText, decode_bytes
from .ids import article_id, corpus_hash
from .inputs import MB, READ_ERRORS, Entry, Limits, SidecarRow
from .readers import READERS, SUPPORTED, table_rows
from .records import FILE_COLUMN_NAMES, Fields, clean_value, role_columns, row_fields
from .text_metadata import guess_metadata

SIDECAR_NAME = "metadata.csv"


class TooMany(Exception):
    """MAX_ARTICLES reached; loading stops here."""


class Loader:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.articles: list[Article] = []
        self.issues: list[LoadIssue] = []
        self.encodings: dict[str, str] = {}  # item -> encoding assumed
        self._first_origin: dict[str, str] = {}  # article id -> where it came first
        # Date columns (named by their file) whose 03/04/2022s wait for the rest of the column.
        self._date_orders: dict[str, DayMonthOrder] = {}
        self._pending_dates: dict[str, list[tuple[int, str, AmbiguousDate]]] = {}

    def issue(self, item: str, problem: str, action: str = "skipped") -> None:
        self.issues.append(LoadIssue(item, problem, action))  # type: ignore[arg-type]

    def corpus(self) -> Corpus:
        return Corpus(self.articles, self.issues, self.encodings, corpus_hash(self.articles))

    def run(self, entries: Iterable[Entry]) -> Corpus:
        try:
            self.load_entries(list(entries))
        except TooMany as stop:
            self.issue(
                str(stop),
                f"the limit of {self.limits.articles:,} articles (MAX_ARTICLES) was reached "
                "here; this item and everything after it was not loaded",
            )
        for column in list(self._pending_dates):
            self.settle_dates(column)
        return self.corpus()

    # ---- entries

    def load_entries(self, entries: list[Entry]) -> None:
        """Entries of one folder level; a metadata.csv among them describes its neighbours."""
        sidecars: dict[str, tuple[Entry, dict[str, SidecarRow]]] = {}
        for entry in entries:
            if entry.basename.casefold() == SIDECAR_NAME and entry.group not in sidecars:
                table = self._sidecar(entry)
                if table is not None:
                    sidecars[entry.group] = (entry, table)
        sidecar_entries = {id(entry) for entry, _ in sidecars.values()}
        for entry in entries:
            if id(entry) in sidecar_entries:
                continue
            if entry.group in sidecars:
                entry.sidecar = sidecars[entry.group][1].get(entry.basename.casefold())
                if entry.sidecar is not None:
                    entry.sidecar.found = True
            self.load_entry(entry)
        for sidecar_entry, table in sidecars.values():
            for row in table.values():
                if not row.found:
                    self.issue(row.item, f"names {row.file!r}, which is not beside it", "warning")
            self.settle_dates(sidecar_entry.name)

    def load_entry(self, entry: Entry) -> None:
        reader = READERS.get(entry.extension)
        if reader is None:
            self.issue(entry.name, f"unsupported file type {entry.shown_extension or '(no extension)'!r}; "
                                   f"supported: {SUPPORTED}")
            return
        if entry.size is not None and entry.size > entry.size_limit:
            self.issue(entry.name, f"is {entry.size / MB:,.1f} MB; the limit is "
                                   f"{entry.size_limit / MB:,.0f} MB ({entry.limit_name})")
            return
        try:
            reader(self, entry)
        except READ_ERRORS as exc:
            self.issue(entry.name, f"could not be read: {exc}")
        self.settle_dates(entry.name)
        if entry.sidecar is not None and not entry.sidecar.applied:
            self.issue(entry.sidecar.item, "per-file metadata applies to text files only; "
                                           f"{entry.basename} holds its own fields", "warning")

    # ---- helpers for readers

    def read_bytes(self, entry: Entry) -> bytes | None:
        """The whole input (gunzipped), or None after reporting that it expands too far."""
        limit = self.limits.expanded_bytes
        with entry.stream() as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            self.issue(entry.name, f"expands to more than {limit / MB:,.0f} MB (MAX_EXPANDED_BYTES)")
            return None
        return data

    def decode(self, name: str, data: bytes) -> str | None:
        """Text of an input with the encoding recorded; None after reporting binary data."""
        try:
            text, encoding, lossy = decode_bytes(data)
        except NotText as exc:
            self.issue(name, str(exc))
            return None
        self.encodings[name] = encoding
        if lossy:
            self.issue(name, f"some bytes are not valid {encoding}; they were replaced by �",
                       "warning")
        return text

    def read_text(self, entry: Entry) -> str | None:
        """read_bytes and decode; None after reporting an empty or unreadable input."""
        data = self.read_bytes(entry)
        if data is None:
            return None
        if not data.strip():
            self.issue(entry.name, "empty file")
            return None
        return self.decode(entry.name, data)

    # ---- articles

    def add(self, origin: str, fields: Fields, *, date_item: str | None = None,
            date_column: str | None = None) -> None:
        """Turn one record into an Article, or report why not.

        `date_column` names the column the date came from (its file), so an
        ambiguous 03/04/2022 waits for the column's other dates (settle_dates).
        """
        text = fields.text
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str) or not text.strip():
            self.issue(origin, "has no text" if text is None
                       else "has only whitespace as text" if isinstance(text, str)
                       else f"has a {type(text).__name__} where the text should be")
            return
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if len(text) > self.limits.article_chars:
            self.issue(origin, f"is {len(text):,} characters long; truncated to "
                               f"{self.limits.article_chars:,} (MAX_ARTICLE_CHARS)", "warning")
            text = text[: self.limits.article_chars]
        date = None
        date_problem: ValueError | None = None
        waiting: AmbiguousDate | None = None
        if fields.date is not None:
            try:
                reading = read_date(fields.date)
            except AmbiguousDate as exc:
                if date_column is None:
                    date_problem = exc
                else:
                    waiting = exc
            except ValueError as exc:
                date_problem = exc
            else:
                date = reading.iso
                if date_column is not None:
                    self._date_orders.setdefault(date_column, DayMonthOrder()).note(reading)
        source, title = clean_value(fields.source), clean_value(fields.title)
        if source is None or title is None or date is None:
            guessed = guess_metadata(text)
            source = source or guessed.get("source")
            title = title or guessed.get("title")
            date = date or guessed.get("date")
        if date_problem is not None:
            self.issue(date_item or origin, f"date {date_problem}; {_date_fallback(date)}", "warning")
        source = source or UNKNOWN
        ident = article_id(text, source)
        if ident in self._first_origin:
            self.issue(origin, f"exact duplicate of {ident} ({self._first_origin[ident]})")
            return
        if len(self.articles) >= self.limits.articles:
            raise TooMany(origin)
        self._first_origin[ident] = origin
        if waiting is not None:
            self._pending_dates.setdefault(date_column, []).append(
                (len(self.articles), date_item or origin, waiting))
        self.articles.append(Article(
            id=ident, text=text, source=source, title=title or UNKNOWN, date=date,
            url=clean_value(fields.url) or "", origin=origin, extra=fields.extra or {},
        ))

    def settle_dates(self, column: str) -> None:
        """Read a column's ambiguous dates in the order its other dates show, or report them."""
        order = self._date_orders.pop(column, DayMonthOrder())
        for index, item, ambiguous in self._pending_dates.pop(column, []):
            article = self.articles[index]
            try:
                date = order.settle(ambiguous)
            except AmbiguousDate as exc:
                self.issue(item, f"date {exc}; {_date_fallback(article.date)}", "warning")
                continue
            self.articles[index] = dataclasses.replace(article, date=date)

    # ---- metadata.csv

    def _sidecar(self, entry: Entry) -> dict[str, SidecarRow] | None:
        """Per-file metadata from metadata.csv; None when it is an article table instead."""
        issues_before = len(self.issues)
        try:
            text = self.read_text(entry)
        except READ_ERRORS as exc:
            self.issue(entry.name, f"could not be read: {exc}")
            return {}
        table = None if text is None else table_rows(self, entry.name, text, tab=False)
        if table is None:
            return {}
        names, rows = table
        file_col = next((names.index(n) for n in FILE_COLUMN_NAMES if n in names), None)
        if file_col is None:
            del self.issues[issues_before:]  # it is read again as an article table
            self.encodings.pop(entry.name, None)
            return None
        roles, extra = role_columns(names)
        roles.pop("text", None)
        extra = [(i, key) for i, key in extra if i != file_col]
        by_file: dict[str, SidecarRow] = {}
        for number, cells in rows:
            item = f"{entry.name} row {number}"
            file_name = PurePosixPath(cells[file_col].strip().replace("\\", "/")).name
            if not file_name:
                self.issue(item, "has no file name")
                continue
            if file_name.casefold() in by_file:
                self.issue(item, f"repeats {file_name!r}; the first row for it is used")
                continue
            by_file[file_name.casefold()] = SidecarRow(
                item, file_name, row_fields(cells, roles, extra), table=entry.name)
        return by_file


def _date_fallback(date: str | None) -> str:
    return "the date in the text was used" if date else "the date was left empty"
