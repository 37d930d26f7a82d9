"""One reader per input format, and the table that picks one by file extension.

A reader gets the Loader and one Entry. It reads the entry through the
loader's helpers (read_bytes, read_text, decode: size limits, gunzipping and
encodings come with them), calls `loader.add(item, Fields(...))` for every
record and `loader.issue(item, why)` for every record it cannot use.
A new input format is one function here and one line in READERS.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .encodings import decode_legacy
from .inputs import MB, READ_ERRORS, Entry, is_hidden, member_entry
from .records import ROLE_NAMES, Fields, norm_name, role_columns, row_fields, simple_value

if TYPE_CHECKING:
    from .loader import Loader

Reader = Callable[["Loader", Entry], None]


# ------------------------------------------------------------------ text files


def read_text_file(loader: Loader, entry: Entry) -> None:
    """.txt, .md: the file is one article; a metadata.csv row beside it gives its fields."""
    data = loader.read_bytes(entry)
    if data is None:
        return
    if not data:
        loader.issue(entry.name, "empty file")
        return
    text = loader.decode(entry.name, data)
    if text is None:
        return
    row = entry.sidecar
    if row is None:
        loader.add(entry.name, Fields(text))
        return
    row.applied = True
    given = row.fields
    loader.add(entry.name, Fields(text, given.source, given.title, given.date, given.url, given.extra),
               date_item=row.item, date_column=row.table)


# ------------------------------------------------------------------ tables


def table_rows(loader: Loader, name: str, text: str, tab: bool):
    """(column names, iterator of (row number, cells)) or None after reporting why not.

    The delimiter of a .csv is whichever of , ; tab | its header holds most.
    Names are normalised (norm_name); a repeated name gets its position added.
    """
    header_line = text.split("\n", 1)[0]
    delimiter = "\t" if tab else max(",;\t|", key=header_line.count)
    if not header_line.count(delimiter):
        delimiter = "\t" if tab else ","
    csv.field_size_limit(loader.limits.expanded_bytes)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header = None
    while header is None:
        try:
            header = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            loader.issue(name, f"the header row is malformed ({exc})")
            return None
        if not any(cell.strip() for cell in header):
            header = None
    if header is None:
        loader.issue(name, "holds no rows")
        return None
    names: list[str] = []
    for i, cell in enumerate(header):
        norm = norm_name(cell) or f"column_{i + 1}"
        names.append(norm if norm not in names else f"{norm}_{i + 1}")

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                loader.issue(f"{name} row {number}", f"malformed CSV row ({exc})")
                continue
            if not cells:
                continue  # a blank line
            number += 1
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                loader.issue(f"{name} row {number}",
                             f"has {len(cells)} cells but the header has {len(names)} "
                             "(an unquoted delimiter in the text?)")
                continue
            yield number, cells + [""] * (len(names) - len(cells))

    return names, rows()


def _read_table(loader: Loader, entry: Entry, tab: bool) -> None:
    text = loader.read_text(entry)
    table = None if text is None else table_rows(loader, entry.name, text, tab)
    if table is None:
        return
    names, rows = table
    roles, extra = role_columns(names)
    if "text" not in roles:
        loader.issue(entry.name, "has no text column (expected one of "
                                 f"{', '.join(ROLE_NAMES['text'])}); columns: {', '.join(names)}")
        return
    for number, cells in rows:
        loader.add(f"{entry.name} row {number}", row_fields(cells, roles, extra),
                   date_column=entry.name)


def read_csv(loader: Loader, entry: Entry) -> None:
    """.csv: one article per row, with a header row naming the columns."""
    _read_table(loader, entry, tab=False)


def read_tsv(loader: Loader, entry: Entry) -> None:
    """.tsv, .tab: a tab-separated table."""
    _read_table(loader, entry, tab=True)


# ------------------------------------------------------------------ JSON


class _JsonRecords:
    """Turns the JSON values of one file into articles; the role mapping is kept per key order."""

    def __init__(self, loader: Loader, name: str) -> None:
        self.loader, self.name = loader, name
        self._roles_by_keys: dict[tuple, tuple] = {}

    def add_value(self, item: str, value: object) -> None:
        if isinstance(value, str):
            self.loader.add(item, Fields(value), date_column=self.name)
        elif isinstance(value, dict):
            self.loader.add(item, self._fields(value), date_column=self.name)
        else:
            self.loader.issue(item, f"is a JSON {type(value).__name__}, not an article object")

    def add_lines(self, lines: Iterable[tuple[int, str]]) -> None:
        for number, line in lines:
            if not line or line.isspace():
                continue
            item = f"{self.name} line {number}"
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                self.loader.issue(item, f"is not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            except RecursionError:
                self.loader.issue(item, "is nested too deeply to read as JSON")
                continue
            self.add_value(item, value)

    def _fields(self, record: dict) -> Fields:
        keys = tuple(record)
        mapping = self._roles_by_keys.get(keys)
        if mapping is None:
            names = [norm_name(k) for k in keys]
            roles, extra = role_columns(names)
            mapping = ({role: keys[i] for role, i in roles.items()},
                       [(keys[i], name) for i, name in extra])
            if len(self._roles_by_keys) < 1000:
                self._roles_by_keys[keys] = mapping
        roles, extra = mapping
        text = record.get(roles["text"]) if "text" in roles else None
        if isinstance(text, list) and all(isinstance(p, str) for p in text):
            text = "\n\n".join(text)
        return Fields(
            text,
            *(record.get(roles[r]) if r in roles else None for r in ("source", "title", "date", "url")),
            {name: simple_value(record[key]) for key, name in extra},
        )


def read_json(loader: Loader, entry: Entry) -> None:
    """.json: a list of articles, an object holding one, or one article object."""
    text = loader.read_text(entry)
    if text is None:
        return
    name = entry.name
    records = _JsonRecords(loader, name)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # JSON Lines saved as .json
            records.add_lines(_numbered_lines(text))
        else:
            loader.issue(name, f"is not valid JSON: {exc.msg} at line {exc.lineno} "
                               f"column {exc.colno}")
        return
    except RecursionError:
        loader.issue(name, "is nested too deeply to read as JSON")
        return
    if isinstance(doc, dict):
        if any(norm_name(k) in ROLE_NAMES["text"] for k in doc):
            doc = [doc]  # one article
        else:
            lists = [k for k, v in doc.items()
                     if isinstance(v, list) and any(isinstance(x, dict) for x in v)]
            if not lists:
                loader.issue(name, "holds no list of articles (top-level keys: "
                                   f"{', '.join(map(str, doc)) or 'none'})")
                return
            if len(lists) > 1:
                loader.issue(name, f"holds several lists ({', '.join(lists)}); "
                                   f"read {lists[0]!r}", "warning")
            doc = doc[lists[0]]
    if not isinstance(doc, list):
        loader.issue(name, f"holds a JSON {type(doc).__name__}, not a list of articles")
        return
    for number, value in enumerate(doc, start=1):
        records.add_value(f"{name} item {number}", value)


def read_jsonl(loader: Loader, entry: Entry) -> None:
    """.jsonl, .ndjson: one article per line, streamed (a corpus may be a gigabyte)."""
    name = entry.name
    limits = loader.limits
    records = _JsonRecords(loader, name)
    with entry.stream() as stream:
        first = stream.readline(limits.jsonl_line_bytes + 1)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in first:
            data = first + stream.read(limits.expanded_bytes + 1 - len(first))
            if len(data) > limits.expanded_bytes:
                loader.issue(name, f"expands to more than {limits.expanded_bytes / MB:,.0f} MB "
                                   "(MAX_EXPANDED_BYTES)")
                return
            text = loader.decode(name, data)
            if text is not None:
                records.add_lines(_numbered_lines(text))
            return
        records.add_lines(_utf8_lines(loader, name, stream, first))


def _numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """The numbered lines of decoded JSON Lines, cut at line feeds only.

    `str.splitlines` also cuts at U+2028, U+2029, U+0085 and \\x1c-\\x1e, which
    JSON allows unescaped inside strings: a record holding one would be cut in
    two and reported as invalid JSON. A carriage return before the line feed is
    whitespace to the JSON parser.
    """
    return enumerate(text.split("\n"), start=1)


def _utf8_lines(loader: Loader, name: str, stream, first: bytes) -> Iterator[tuple[int, str]]:
    """The numbered non-blank lines of JSON Lines in UTF-8, read as they are asked for.

    A line that is not UTF-8 is decoded on its own, and reported.
    """
    limits = loader.limits
    loader.encodings[name] = "utf-8"
    legacy_lines: list[int] = []
    legacy_encoding = None
    total = 0
    number = 0
    line = first.removeprefix(codecs.BOM_UTF8)
    try:
        while line:
            number += 1
            total += len(line)
            if total > limits.expanded_bytes:
                loader.issue(name, f"stopped at line {number}: the file expands to more "
                                   f"than {limits.expanded_bytes / MB:,.0f} MB (MAX_EXPANDED_BYTES)")
                break
            if len(line) > limits.jsonl_line_bytes:
                while line and not line.endswith(b"\n"):
                    line = stream.readline(limits.jsonl_line_bytes)
                loader.issue(f"{name} line {number}", f"is longer than "
                             f"{limits.jsonl_line_bytes / MB:,.0f} MB (MAX_JSONL_LINE_BYTES)")
            elif not line.isspace():
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError:
                    # The first such line names the encoding; the rest are read the same way.
                    text, legacy_encoding, _ = decode_legacy(line, legacy_encoding)
                    legacy_lines.append(number)
                    loader.encodings[name] = f"utf-8; some lines {legacy_encoding}"
                yield number, text
            line = stream.readline(limits.jsonl_line_bytes + 1)
    except READ_ERRORS as exc:
        loader.issue(name, f"could not be read after line {number}: {exc}")
    if legacy_lines:
        loader.issue(name, f"{len(legacy_lines)} line(s) are not UTF-8 (first: line "
                           f"{legacy_lines[0]}); read as {legacy_encoding}", "warning")


# ------------------------------------------------------------------ archives


def read_zip(loader: Loader, entry: Entry) -> None:
    """.zip: every file inside is read like a file on disk (archives in archives too)."""
    if entry.depth >= loader.limits.zip_depth:
        loader.issue(entry.name, f"is an archive nested more than {loader.limits.zip_depth} "
                                 "levels deep (MAX_ZIP_DEPTH)")
        return
    if entry.seekable and not entry.compressed:
        with entry.open() as stream:
            _read_archive(loader, entry, stream)
        return
    data = loader.read_bytes(entry)
    if data is not None:
        _read_archive(loader, entry, io.BytesIO(data))


def _read_archive(loader: Loader, entry: Entry, stream) -> None:
    name = entry.name
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        loader.issue(name, f"is not a readable zip archive ({exc})")
        return
    with archive:
        members = []
        for info in sorted(archive.infolist(), key=lambda i: i.filename.split("/")):
            if info.is_dir():
                continue
            hidden = next((p for p in info.filename.split("/") if is_hidden(p)), None)
            if hidden is not None:
                loader.issue(f"{name}:{info.filename}", f"hidden or system file ({hidden}) ignored")
                continue
            if info.flag_bits & 0x1:
                loader.issue(f"{name}:{info.filename}", "is encrypted (password-protected)")
                continue
            members.append(info)
        limit = loader.limits.zip_members
        if len(members) > limit:
            loader.issue(name, f"holds {len(members):,} files; only the first {limit:,} were read "
                               "(MAX_ZIP_MEMBERS)")
            members = members[:limit]
        loader.load_entries([member_entry(archive, info, entry, loader.limits) for info in members])


# ------------------------------------------------------------------ the table

# File extension (lower case, without .gz) -> reader. Any of them may also be gzipped.
READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".md": read_text_file,
    ".markdown": read_text_file,
    ".text": read_text_file,
    ".csv": read_csv,
    ".tsv": read_tsv,
    ".tab": read_tsv,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".zip": read_zip,
}
SUPPORTED = " ".join(READERS) + ", each also gzipped (.gz)"
