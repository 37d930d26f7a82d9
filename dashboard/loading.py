"""Loading a corpus from files, folders, archives, uploads and pasted text.

Every input item either becomes an Article or leaves a LoadIssue saying why
not, so a user can always see what was used.  Metadata given explicitly
(columns, JSON fields, a `metadata.csv` sidecar) always wins over what is
guessed from the text (a `date YYYY-MM-DD` header, a `/Outlet` signature, a
dateline, a title line).  Article.text is the decoded text as it was, except
that line endings are made `\\n` (cleaning relies on blank lines).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Callable, Iterable, Iterator, Sequence

from .errors import FramelensError
from .models import Article, Corpus, LoadIssue, UNKNOWN

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

MB = 1024 * 1024
MAX_FILE_BYTES = 200 * MB  # one file or upload as stored (compressed or not)
MAX_EXPANDED_BYTES = 1024 * MB  # what one .gz file or archive member may expand to
MAX_JSONL_LINE_BYTES = 32 * MB  # one JSON Lines record
MAX_ARTICLE_CHARS = 1_000_000  # longer articles are truncated, with a warning
MAX_ARTICLES = 100_000  # the rest of the input is reported, not loaded
MAX_ZIP_DEPTH = 3  # archives inside archives, levels deep
MAX_ZIP_MEMBERS = 20_000  # files read from one archive
MAX_TITLE_CHARS = 150  # a guessed title line is at most this long

SIDECAR_NAME = "metadata.csv"
TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".text")
SUPPORTED = "  ".join(
    (".txt .md", ".csv .tsv", ".json .jsonl", "their .gz forms", ".zip archives")
)

# Column / field names per role, in order of preference (matched after _norm_name).
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "article_text"),
    "source": ("source", "outlet", "publisher", "site", "publication", "media"),
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "pubdate", "datetime"),
    "url": ("url", "link"),
}
FILE_COLUMN_NAMES = ("file", "filename", "file_name")
# Cell values that mean "not known" rather than a value.
_MISSING = frozenset({"", "unknown", "none", "null", "nan", "n/a"})

_READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError)


class CorpusError(FramelensError):
    """The input as a whole cannot be analysed; the message is for the user.

    `issues` carries the per-item report so the UI can still show it.
    """

    def __init__(self, message: str, issues: Sequence[LoadIssue] = ()):
        super().__init__(message)
        self.issues = list(issues)


def article_id(text: str, source: str = UNKNOWN) -> str:
    norm = " ".join(text.split())
    return hashlib.sha1(f"{norm}\x1f{source.strip().lower()}".encode("utf-8")).hexdigest()[:12]


def corpus_hash(articles: Sequence[Article]) -> str:
    h = hashlib.sha1()
    for a in articles:
        h.update(f"{a.id}|{a.source}|{a.title}|{a.date}\n".encode("utf-8"))
    return h.hexdigest()[:16]


# --------------------------------------------------------------------------- dates

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
    if text.casefold() in _MISSING:
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


# ---------------------------------------------------------------- text metadata

_HEADER_DATE_RE = re.compile(r"[ \t]*date:?[ \t]+(\d{4}-\d{1,2}-\d{1,2})\b[ \t]*(.*)", re.I)
_DATELINE_RE = re.compile(
    r"(?m)(?:^[ \t]*|\b[A-Z][^\W\d_]+,?[ \t]+)(\d{1,2})\.(\d{1,2})\.(\d{4})\b"
)
_SIGNATURE_RE = re.compile(r"/[ \t]?([^\W\d_][\w .&'’-]{0,40})")
_HEAD_CHARS = 2000  # guesses only look at the start ...
_DATELINE_CHARS = 300
_TAIL_CHARS = 300  # ... and the end of an article


def _title_candidate(line: str) -> str | None:
    title = line.strip().lstrip("#").strip()
    if not 3 <= len(title) <= MAX_TITLE_CHARS:
        return None
    if title[-1] in ".!?…:;," or sum(c.isalpha() for c in title) < 3:
        return None
    if _DATELINE_RE.search(title):
        return None
    return title


def guess_metadata(text: str) -> dict[str, str]:
    """Date, title and source as far as the text itself tells; only found keys."""
    found: dict[str, str] = {}
    lines = text[:_HEAD_CHARS].split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return found
    title_line = lines[first]
    if m := _HEADER_DATE_RE.fullmatch(lines[first]):
        try:
            found["date"] = _iso(*m[1].split("-"))
        except ValueError:
            pass  # "date 2022-13-45" is no date; the dateline may still give one
        title_line = m[2]
    if "date" not in found:
        for m in _DATELINE_RE.finditer(text[:_DATELINE_CHARS]):
            try:
                found["date"] = _iso(m[3], m[2], m[1])
                break
            except ValueError:
                continue
    followed_by_blank = first + 1 < len(lines) - 1 and not lines[first + 1].strip()
    if followed_by_blank and (title := _title_candidate(title_line)):
        found["title"] = title
    tail = text[-_TAIL_CHARS:].rstrip().rsplit("\n", 1)[-1].strip()
    if (m := _SIGNATURE_RE.fullmatch(tail)) and "/" not in m[1]:
        found["source"] = m[1].strip()
    return found


# -------------------------------------------------------------------- encodings

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (name it .zip)"),
    (b"\x1f\x8b", "gzip-compressed (name it .gz)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b") + b"\x7f"
_SAMPLE_BYTES = 65536
_WORD_RE = re.compile(r"[^\W\d_]{2,}")


class _NotText(Exception):
    """The bytes are not text in any encoding we read; the message says why."""


def _utf16_by_nuls(sample: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL in every other byte of mostly-ASCII text."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.3 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even > 0.3 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def _plausibility(text: str) -> int:
    """Letters in words that look like real Cyrillic or Latin words (vs mojibake)."""
    score = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        cyrillic = sum("\u0400" <= c <= "\u04ff" for c in word)
        ascii_letters = sum(c.isascii() for c in word)
        other = len(word) - cyrillic - ascii_letters
        if cyrillic == len(word):
            score += len(word)
        elif cyrillic or ascii_letters < other:
            score -= len(word)  # scripts mixed in a word, or runs of accents: mojibake
        else:
            score += other
    return score


def decode_bytes(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding assumed, lossy).  Raises _NotText for binary data.

    Order: BOM, BOM-less UTF-16, strict UTF-8, mostly-UTF-8 with a few bad
    bytes, then cp1251 vs cp1252 by which gives more plausible words.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec, False
            except UnicodeDecodeError:
                if codec != "utf-32":
                    return data.decode(codec, errors="replace"), codec, True
    sample = data[:_SAMPLE_BYTES]
    if codec := _utf16_by_nuls(sample[: len(sample) & ~1]):
        try:
            return data.decode(codec), codec, False
        except UnicodeDecodeError:
            text = data.decode(codec, errors="replace")
            if text.count("\ufffd") * 100 < len(text):
                return text, codec, True
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _NotText(f"looks like {what}, not text")
    if b"\x00" in data:
        raise _NotText("contains NUL bytes: a binary file, not text")
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if control * 10 > len(sample):
        raise _NotText("mostly non-text bytes: a binary file")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    lossy_utf8 = data.decode("utf-8", errors="replace")
    bad = lossy_utf8.count("\ufffd")
    good = len(lossy_utf8) - len(lossy_utf8.encode("ascii", "ignore")) - bad
    if good >= 10 * bad:
        return lossy_utf8, "utf-8", True
    return _decode_legacy(data)


def _decode_legacy(data: bytes) -> tuple[str, str, bool]:
    sample = data[:_SAMPLE_BYTES]
    cyrillic = _plausibility(sample.decode("cp1251", errors="replace"))
    western = _plausibility(sample.decode("cp1252", errors="replace"))
    if cyrillic > western:
        try:
            return data.decode("cp1251"), "cp1251", False
        except UnicodeDecodeError:
            return data.decode("cp1251", errors="replace"), "cp1251", True
    try:
        return data.decode("cp1252"), "cp1252", False
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", False


# ------------------------------------------------------------------- records


def _norm_name(name: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().casefold())


def _role_columns(names: Sequence[str]) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Which position holds which role; the rest are extra fields (position, name)."""
    position = {}
    for i, name in enumerate(names):
        position.setdefault(name, i)
    roles: dict[str, int] = {}
    for role, synonyms in ROLE_NAMES.items():
        for synonym in synonyms:
            if synonym in position:
                roles[role] = position[synonym]
                break
    used = set(roles.values())
    extra = [(i, name) for i, name in enumerate(names) if i not in used]
    return roles, extra


def _clean(value: object) -> str | None:
    """A metadata value as text; None when it says nothing."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return None if text.casefold() in _MISSING else text


def _simple(value: object) -> object:
    """Extra-field values kept as simple values the UI can filter on."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value):
        return "; ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass
class _Fields:
    """One input record before it becomes an Article."""

    text: object
    source: object = None
    title: object = None
    date: object = None
    url: object = None
    extra: dict | None = None


@dataclass
class _Entry:
    """One file-like input: on disk, uploaded, or inside an archive."""

    name: str  # shown in origins and issues
    group: str  # the folder it sits in: the scope of a metadata.csv sidecar
    basename: str
    size: int | None  # bytes, when known before reading
    size_limit: int
    limit_name: str
    open: Callable[[], IO[bytes]]
    seekable: bool  # open() gives a seekable stream (zip can read it in place)


def _is_hidden(part: str) -> bool:
    return part.startswith(".") or part == "__MACOSX"


def _kind(basename: str) -> tuple[str | None, bool, str]:
    """(kind, gzip-compressed, extension) from a file name."""
    lower = basename.casefold()
    compressed = lower.endswith(".gz")
    if compressed:
        lower = lower[:-3]
    ext = os.path.splitext(lower)[1]
    if ext in TEXT_EXTENSIONS:
        return "text", compressed, ext
    kinds = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json",
             ".jsonl": "jsonl", ".ndjson": "jsonl", ".zip": "zip"}
    return kinds.get(ext), compressed, (ext or lower) + (".gz" if compressed else "")


@contextmanager
def _opened(entry: _Entry, compressed: bool) -> Iterator[IO[bytes]]:
    with entry.open() as raw:
        if compressed:
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield unzipped
        else:
            yield raw


class _TooMany(Exception):
    """MAX_ARTICLES reached; loading stops here."""


class _Loader:
    def __init__(self) -> None:
        self.articles: list[Article] = []
        self.issues: list[LoadIssue] = []
        self.encodings: dict[str, str] = {}
        self._first_origin: dict[str, str] = {}  # article id -> where it came first
        self._roles_by_keys: dict[tuple, tuple] = {}  # JSON key order -> role mapping

    def issue(self, item: str, problem: str, action: str = "skipped") -> None:
        self.issues.append(LoadIssue(item, problem, action))  # type: ignore[arg-type]

    def corpus(self) -> Corpus:
        return Corpus(self.articles, self.issues, self.encodings, corpus_hash(self.articles))

    def run(self, entries: Iterable[_Entry]) -> Corpus:
        try:
            self.load_entries(list(entries), depth=0)
        except _TooMany as stop:
            self.issue(
                str(stop),
                f"the limit of {MAX_ARTICLES:,} articles (MAX_ARTICLES) was reached here; "
                "this item and everything after it was not loaded",
            )
        return self.corpus()

    # ---- entries

    def load_entries(self, entries: list[_Entry], depth: int) -> None:
        sidecars: dict[str, dict[str, dict]] = {}
        sidecar_entries = set()
        for i, entry in enumerate(entries):
            if entry.basename.casefold() == SIDECAR_NAME and entry.group not in sidecars:
                table = self._sidecar(entry)
                if table is not None:
                    sidecars[entry.group] = table
                    sidecar_entries.add(i)
        for i, entry in enumerate(entries):
            if i in sidecar_entries:
                continue
            meta = sidecars.get(entry.group, {}).get(entry.basename.casefold())
            if meta is not None:
                meta["used"] = True
            self.load_entry(entry, depth, meta)
        for table in sidecars.values():
            for meta in table.values():
                if not meta["used"]:
                    self.issue(meta["item"], f"names {meta['file']!r}, which is not beside it",
                               "warning")

    def load_entry(self, entry: _Entry, depth: int, meta: dict | None = None) -> None:
        kind, compressed, ext = _kind(entry.basename)
        if kind is None:
            self.issue(entry.name, f"unsupported file type {ext or '(no extension)'!r}; "
                                   f"supported: {SUPPORTED}")
            return
        if entry.size is not None and entry.size > entry.size_limit:
            self.issue(entry.name, f"is {entry.size / MB:,.1f} MB; the limit is "
                                   f"{entry.size_limit / MB:,.0f} MB ({entry.limit_name})")
            return
        if meta is not None and kind != "text":
            self.issue(meta["item"], "per-file metadata applies to text files only; "
                                     f"{entry.basename} is a {kind} file", "warning")
            meta = None
        try:
            if kind == "jsonl":
                with _opened(entry, compressed) as stream:
                    self.load_jsonl(entry.name, stream)
                return
            if kind == "zip" and not compressed and entry.seekable:
                with entry.open() as stream:
                    self.load_zip(entry.name, stream, depth)
                return
            data = self._read(entry, compressed)
        except _READ_ERRORS as exc:
            self.issue(entry.name, f"could not be read: {exc}")
            return
        if data is None:
            return
        if kind == "zip":
            self.load_zip(entry.name, io.BytesIO(data), depth)
        elif kind == "text":
            self.load_text(entry.name, data, meta)
        elif kind in ("csv", "tsv"):
            self.load_table(entry.name, data, tab=kind == "tsv")
        else:
            self.load_json(entry.name, data)

    def _read(self, entry: _Entry, compressed: bool) -> bytes | None:
        with _opened(entry, compressed) as stream:
            data = stream.read(MAX_EXPANDED_BYTES + 1)
        if len(data) > MAX_EXPANDED_BYTES:
            self.issue(entry.name, f"expands to more than {MAX_EXPANDED_BYTES / MB:,.0f} MB "
                                   "(MAX_EXPANDED_BYTES)")
            return None
        return data

    def _decode(self, name: str, data: bytes) -> str | None:
        try:
            text, encoding, lossy = decode_bytes(data)
        except _NotText as exc:
            self.issue(name, str(exc))
            return None
        self.encodings[name] = encoding
        if lossy:
            self.issue(name, f"some bytes are not valid {encoding}; they were replaced by �",
                       "warning")
        return text

    # ---- formats

    def load_text(self, name: str, data: bytes, meta: dict | None) -> None:
        if not data:
            self.issue(name, "empty file")
            return
        text = self._decode(name, data)
        if text is None:
            return
        if meta is None:
            self.add(name, _Fields(text))
        else:
            fields = meta["fields"]
            self.add(name, _Fields(text, fields.source, fields.title, fields.date, fields.url,
                                   fields.extra), date_item=meta["item"])

    def _table_rows(self, name: str, data: bytes, tab: bool):
        """(column names, iterator of (row number, cells)) or None when unreadable."""
        if not data.strip():
            self.issue(name, "empty file")
            return None
        text = self._decode(name, data)
        if text is None:
            return None
        header_line = text.split("\n", 1)[0]
        delimiter = "\t" if tab else max(",;\t|", key=header_line.count)
        if not header_line.count(delimiter):
            delimiter = "\t" if tab else ","
        csv.field_size_limit(MAX_EXPANDED_BYTES)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        header = None
        while header is None:
            try:
                header = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self.issue(name, f"the header row is malformed ({exc})")
                return None
            if not any(cell.strip() for cell in header):
                header = None
        if header is None:
            self.issue(name, "holds no rows")
            return None
        names = []
        for i, cell in enumerate(header):
            norm = _norm_name(cell) or f"column_{i + 1}"
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
                    self.issue(f"{name} row {number}", f"malformed CSV row ({exc})")
                    continue
                if not cells:
                    continue  # a blank line
                number += 1
                if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                    self.issue(f"{name} row {number}",
                               f"has {len(cells)} cells but the header has {len(names)} "
                               "(an unquoted delimiter in the text?)")
                    continue
                yield number, cells + [""] * (len(names) - len(cells))

        return names, rows()

    def load_table(self, name: str, data: bytes, tab: bool) -> None:
        table = self._table_rows(name, data, tab)
        if table is None:
            return
        names, rows = table
        roles, extra = _role_columns(names)
        if "text" not in roles:
            self.issue(name, "has no text column (expected one of "
                             f"{', '.join(ROLE_NAMES['text'])}); columns: {', '.join(names)}")
            return
        for number, cells in rows:
            self.add(f"{name} row {number}", self._row_fields(cells, roles, extra))

    @staticmethod
    def _row_fields(cells: list[str], roles: dict[str, int], extra) -> _Fields:
        def cell(role: str) -> str | None:
            return cells[roles[role]] if role in roles else None

        return _Fields(
            cell("text"), cell("source"), cell("title"), cell("date"), cell("url"),
            {key: (cells[i] if cells[i].strip() else None) for i, key in extra},
        )

    def _sidecar(self, entry: _Entry) -> dict[str, dict] | None:
        """Per-file metadata from metadata.csv; None when it is an article table instead."""
        try:
            data = self._read(entry, compressed=False)
        except _READ_ERRORS as exc:
            self.issue(entry.name, f"could not be read: {exc}")
            return {}
        if data is None:
            return {}
        issues_before = len(self.issues)
        table = self._table_rows(entry.name, data, tab=False)
        if table is None:
            return {}
        names, rows = table
        file_col = next((names.index(n) for n in FILE_COLUMN_NAMES if n in names), None)
        if file_col is None:
            del self.issues[issues_before:]  # it is read again as an article table
            self.encodings.pop(entry.name, None)
            return None
        roles, extra = _role_columns(names)
        roles.pop("text", None)
        extra = [(i, key) for i, key in extra if i != file_col]
        table_by_file: dict[str, dict] = {}
        for number, cells in rows:
            item = f"{entry.name} row {number}"
            file_name = PurePosixPath(cells[file_col].strip().replace("\\", "/")).name
            if not file_name:
                self.issue(item, "has no file name")
                continue
            if file_name.casefold() in table_by_file:
                self.issue(item, f"repeats {file_name!r}; the first row for it is used")
                continue
            table_by_file[file_name.casefold()] = {
                "item": item, "file": file_name, "used": False,
                "fields": self._row_fields(cells, roles, extra),
            }
        return table_by_file

    def load_json(self, name: str, data: bytes) -> None:
        if not data.strip():
            self.issue(name, "empty file")
            return
        text = self._decode(name, data)
        if text is None:
            return
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data":  # JSON Lines saved as .json
                self._load_json_lines(name, enumerate(text.splitlines(), start=1))
            else:
                self.issue(name, f"is not valid JSON: {exc.msg} at line {exc.lineno} "
                                 f"column {exc.colno}")
            return
        except RecursionError:
            self.issue(name, "is nested too deeply to read as JSON")
            return
        if isinstance(doc, dict):
            if any(_norm_name(k) in ROLE_NAMES["text"] for k in doc):
                doc = [doc]  # one article
            else:
                lists = [k for k, v in doc.items()
                         if isinstance(v, list) and any(isinstance(x, dict) for x in v)]
                if not lists:
                    self.issue(name, "holds no list of articles (top-level keys: "
                                     f"{', '.join(map(str, doc)) or 'none'})")
                    return
                if len(lists) > 1:
                    self.issue(name, f"holds several lists ({', '.join(lists)}); "
                                     f"read {lists[0]!r}", "warning")
                doc = doc[lists[0]]
        if not isinstance(doc, list):
            self.issue(name, f"holds a JSON {type(doc).__name__}, not a list of articles")
            return
        for number, value in enumerate(doc, start=1):
            self._add_json_value(f"{name} item {number}", value)

    def _add_json_value(self, item: str, value: object) -> None:
        if isinstance(value, str):
            self.add(item, _Fields(value))
        elif isinstance(value, dict):
            self.add(item, self._record_fields(value))
        else:
            self.issue(item, f"is a JSON {type(value).__name__}, not an article object")

    def _record_fields(self, record: dict) -> _Fields:
        keys = tuple(record)
        mapping = self._roles_by_keys.get(keys)
        if mapping is None:
            names = [_norm_name(k) for k in keys]
            roles, extra = _role_columns(names)
            mapping = ({role: keys[i] for role, i in roles.items()},
                       [(keys[i], name) for i, name in extra])
            if len(self._roles_by_keys) < 1000:
                self._roles_by_keys[keys] = mapping
        roles, extra = mapping
        text = record.get(roles["text"]) if "text" in roles else None
        if isinstance(text, list) and all(isinstance(p, str) for p in text):
            text = "\n\n".join(text)
        return _Fields(
            text,
            *(record.get(roles[r]) if r in roles else None for r in ("source", "title", "date", "url")),
            {name: _simple(record[key]) for key, name in extra},
        )

    def load_jsonl(self, name: str, stream: IO[bytes]) -> None:
        first = stream.readline(MAX_JSONL_LINE_BYTES + 1)
        if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in first:
            data = first + stream.read(MAX_EXPANDED_BYTES + 1 - len(first))
            if len(data) > MAX_EXPANDED_BYTES:
                self.issue(name, f"expands to more than {MAX_EXPANDED_BYTES / MB:,.0f} MB "
                                 "(MAX_EXPANDED_BYTES)")
                return
            text = self._decode(name, data)
            if text is not None:
                self._load_json_lines(name, enumerate(text.splitlines(), start=1))
            return
        self.encodings[name] = "utf-8"
        legacy_lines: list[int] = []
        legacy_encoding = ""
        total = 0
        number = 0
        line = first.removeprefix(codecs.BOM_UTF8)
        try:
            while line:
                number += 1
                total += len(line)
                if total > MAX_EXPANDED_BYTES:
                    self.issue(name, f"stopped at line {number}: the file expands to more "
                                     f"than {MAX_EXPANDED_BYTES / MB:,.0f} MB (MAX_EXPANDED_BYTES)")
                    break
                if len(line) > MAX_JSONL_LINE_BYTES:
                    while line and not line.endswith(b"\n"):
                        line = stream.readline(MAX_JSONL_LINE_BYTES)
                    self.issue(f"{name} line {number}", f"is longer than "
                               f"{MAX_JSONL_LINE_BYTES / MB:,.0f} MB (MAX_JSONL_LINE_BYTES)")
                elif line.strip():
                    try:
                        text = line.decode("utf-8")
                    except UnicodeDecodeError:
                        text, legacy_encoding, _ = _decode_legacy(line)
                        legacy_lines.append(number)
                        self.encodings[name] = f"utf-8; some lines {legacy_encoding}"
                    self._load_json_lines(name, [(number, text)])
                line = stream.readline(MAX_JSONL_LINE_BYTES + 1)
        except _READ_ERRORS as exc:
            self.issue(name, f"could not be read after line {number}: {exc}")
        if legacy_lines:
            self.issue(name, f"{len(legacy_lines)} line(s) are not UTF-8 (first: line "
                             f"{legacy_lines[0]}); read as {legacy_encoding}", "warning")

    def _load_json_lines(self, name: str, lines: Iterable[tuple[int, str]]) -> None:
        for number, line in lines:
            if not line.strip():
                continue
            item = f"{name} line {number}"
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                self.issue(item, f"is not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            except RecursionError:
                self.issue(item, "is nested too deeply to read as JSON")
                continue
            self._add_json_value(item, value)

    def load_zip(self, name: str, stream: IO[bytes], depth: int) -> None:
        if depth >= MAX_ZIP_DEPTH:
            self.issue(name, f"is an archive nested more than {MAX_ZIP_DEPTH} levels deep "
                             "(MAX_ZIP_DEPTH)")
            return
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            self.issue(name, f"is not a readable zip archive ({exc})")
            return
        with archive:
            members = []
            for info in sorted(archive.infolist(), key=lambda i: i.filename.split("/")):
                if info.is_dir():
                    continue
                hidden = next((p for p in info.filename.split("/") if _is_hidden(p)), None)
                if hidden is not None:
                    self.issue(f"{name}:{info.filename}",
                               f"hidden or system file ({hidden}) ignored")
                    continue
                if info.flag_bits & 0x1:
                    self.issue(f"{name}:{info.filename}", "is encrypted (password-protected)")
                    continue
                members.append(info)
            if len(members) > MAX_ZIP_MEMBERS:
                self.issue(name, f"holds {len(members):,} files; only the first "
                                 f"{MAX_ZIP_MEMBERS:,} were read (MAX_ZIP_MEMBERS)")
                members = members[:MAX_ZIP_MEMBERS]

            def member_entry(info: zipfile.ZipInfo) -> _Entry:
                path = PurePosixPath(info.filename)
                return _Entry(
                    name=f"{name}:{info.filename}", group=f"{name}:{path.parent}",
                    basename=path.name, size=info.file_size, size_limit=MAX_EXPANDED_BYTES,
                    limit_name="MAX_EXPANDED_BYTES", open=lambda: archive.open(info),
                    seekable=False,
                )

            self.load_entries([member_entry(info) for info in members], depth + 1)

    # ---- articles

    def add(self, origin: str, fields: _Fields, date_item: str | None = None) -> None:
        """Turn one record into an Article, or report why not."""
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
        if len(text) > MAX_ARTICLE_CHARS:
            self.issue(origin, f"is {len(text):,} characters long; truncated to "
                               f"{MAX_ARTICLE_CHARS:,} (MAX_ARTICLE_CHARS)", "warning")
            text = text[:MAX_ARTICLE_CHARS]
        date = None
        if fields.date is not None:
            try:
                date = parse_date(fields.date)
            except ValueError as exc:
                self.issue(date_item or origin, f"date {exc}; left empty", "warning")
        source, title = _clean(fields.source), _clean(fields.title)
        if source is None or title is None or date is None:
            guessed = guess_metadata(text)
            source = source or guessed.get("source")
            title = title or guessed.get("title")
            date = date or guessed.get("date")
        source = source or UNKNOWN
        ident = article_id(text, source)
        if ident in self._first_origin:
            self.issue(origin, f"exact duplicate of {ident} ({self._first_origin[ident]})")
            return
        if len(self.articles) >= MAX_ARTICLES:
            raise _TooMany(origin)
        self._first_origin[ident] = origin
        self.articles.append(Article(
            id=ident, text=text, source=source, title=title or UNKNOWN, date=date,
            url=_clean(fields.url) or "", origin=origin, extra=fields.extra or {},
        ))


# ---------------------------------------------------------------- entry points


def _path_entry(path: Path, name: str, group: str) -> _Entry:
    return _Entry(name=name, group=group, basename=path.name, size=path.stat().st_size,
                  size_limit=MAX_FILE_BYTES, limit_name="MAX_FILE_BYTES",
                  open=lambda: open(path, "rb"), seekable=True)


def _walk(root: Path, loader: _Loader) -> list[_Entry]:
    """Files under a folder in sorted order; hidden files and __MACOSX reported and skipped."""
    found: list[tuple[tuple[str, ...], _Entry]] = []

    def report(error: OSError) -> None:
        loader.issue(f"{error.filename}", f"could not be read: {error.strerror}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=report):
        rel_dir = Path(dirpath).relative_to(root)
        shown_dir = (Path(root.resolve().name) / rel_dir).as_posix()
        for dirname in sorted(dirnames):
            if _is_hidden(dirname):
                loader.issue(f"{shown_dir}/{dirname}/", "hidden or system folder ignored")
        dirnames[:] = sorted(d for d in dirnames if not _is_hidden(d))
        for filename in filenames:
            shown = f"{shown_dir}/{filename}"
            if _is_hidden(filename):
                loader.issue(shown, "hidden or system file ignored")
                continue
            parts = (*rel_dir.parts, filename)
            found.append((parts, _path_entry(Path(dirpath) / filename, shown, shown_dir)))
    found.sort(key=lambda pair: pair[0])
    return [entry for _, entry in found]


def require_usable(corpus: Corpus, minimum: int = 2) -> Corpus:
    """The corpus itself, or CorpusError (carrying the report) when too few articles loaded."""
    n = len(corpus.articles)
    if n >= minimum:
        return corpus
    message = (f"Found {n} usable article{'s' if n != 1 else ''}; at least {minimum} are "
               "needed to compare how sources frame a story.")
    skipped = [i for i in corpus.issues if i.action == "skipped"]
    if skipped:
        message += (f" {len(skipped)} item(s) could not be used, e.g. "
                    f"{skipped[0].item}: {skipped[0].problem}.")
    raise CorpusError(message, corpus.issues)


def read_corpus(paths: Sequence[str | Path]) -> Corpus:
    """Everything usable under the given files and folders, with the report; no minimum."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    roots = [Path(p) for p in paths]
    for root in roots:
        if not root.exists():
            raise CorpusError(f"{root} does not exist (no such file or folder).")
    loader = _Loader()
    entries: list[_Entry] = []
    for root in roots:
        if root.is_dir():
            entries.extend(_walk(root, loader))
        else:
            entries.append(_path_entry(root, root.name, str(root.resolve().parent)))
    return loader.run(entries)


def load_corpus(paths: Sequence[str | Path]) -> Corpus:
    """Files and folders (walked recursively, sorted) -> Corpus of at least 2 articles."""
    return require_usable(read_corpus(paths))


def read_uploads(files: Sequence[tuple[str, bytes]]) -> Corpus:
    """Uploaded (name, bytes) pairs, parsed like files on disk; no minimum."""
    loader = _Loader()
    entries = []
    for name, data in files:
        path = PurePosixPath(name.replace("\\", "/"))
        if any(_is_hidden(part) for part in path.parts):
            loader.issue(name, "hidden or system file ignored")
            continue
        entries.append(_Entry(
            name=name, group=str(path.parent), basename=path.name, size=len(data),
            size_limit=MAX_FILE_BYTES, limit_name="MAX_FILE_BYTES",
            open=lambda data=data: io.BytesIO(data), seekable=True,
        ))
    return loader.run(entries)


def load_uploads(files: Sequence[tuple[str, bytes]]) -> Corpus:
    """Streamlit uploads as (name, bytes) -> Corpus of at least 2 articles."""
    return require_usable(read_uploads(files))


def load_seed_corpus() -> Corpus:
    return load_corpus([SEEDS_DIR])


def article_from_paste(
    text: str,
    source: str = UNKNOWN,
    title: str = UNKNOWN,
    date: str | None = None,
    origin: str = "pasted",
) -> Article:
    """A pasted article through the same metadata and id path as files.

    Raises CorpusError when the text is empty, too long, or the date unreadable,
    because the user typed it and can fix it.
    """
    loader = _Loader()
    loader.add(origin, _Fields(text, source, title, date))
    if loader.issues:  # a warning here is something the user can fix before adding it
        raise CorpusError(f"The pasted article cannot be used: it {loader.issues[0].problem}.",
                          loader.issues)
    return loader.articles[0]
