"""Saved workspaces: an uploaded corpus, its corrections and its settings, behind an unguessable key.

A share link carries only `ws=<key>`; the key opens a workspace in this
store, which holds everything a session built that a URL cannot: the
articles as loaded (every field, `extra` columns included) with their load
report, the articles the user pasted, the user's corrections (as typed,
checked again by `corrections.apply_corrections` when applied) and the
options chosen on the Settings page (a JSON object of `Settings` field
names, so a field added to Settings later travels without a schema change;
the lexicon in use is one of them: a bundled lexicon by name, the user's own
as its TOML text). The analysis is not stored: it is a cache rebuilt from
the workspace.

Why SQLite and not DuckDB: what is written here are small row-oriented
transactions (one workspace created, a correction or a pasted article
updated) from many sessions of one server, sometimes at the same moment;
nothing is ever aggregated over columns. SQLite is made for exactly that: in
WAL mode readers never block, writers queue behind a busy timeout, every
save is one transaction that either commits whole or leaves nothing, and a
crash never leaves a half-written workspace. It ships with Python (no new
dependency to install on Community Cloud), its file format is stable, and
`PRAGMA max_page_count` gives the file a hard cap. SQLite's busy
timeout is not a queue, though: a waiting writer sleeps and polls (up to
100 ms between tries) and any writer that asks at the right moment gets the
lock first, so one session could starve while the others save in turn. The
sessions of one server are threads of one process, so they take turns at
writing in arrival order here (WriterQueue) and only writers of other
processes meet the busy timeout. DuckDB is a columnar
engine for analytical scans; it allows one writing process per database
file, which two server processes on one volume would trip over.

Keys come from `secrets.token_urlsafe` (192 bits), never from the content:
knowing an article does not let anyone find the workspace holding it.

Limits (named constants below, each also a setting; see SETTINGS): the
whole store, one workspace, and retention (a workspace not opened or saved
for that many days is deleted; expiry runs inside each save and each open,
an indexed delete). A save that would pass a limit is rolled back and the
user told; nothing already saved changes. A store that is missing,
read-only, full, corrupt or busy raises StoreUnavailable (the app then
keeps working on the session's own copy); an unknown, malformed or expired
key raises WorkspaceNotFound. Every one of these is a FramelensError with a
message for the user; the file's path and SQLite's own words go to the log
for the operator.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import re
import secrets
import sqlite3
import threading
import time
import weakref
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from .errors import FramelensError
from .models import Article, LoadIssue, Settings

log = logging.getLogger(__name__)

MB = 1024 * 1024
DAY = 86_400.0

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1] / "data"  # beside app.py; gitignored
FILE_NAME = "workspaces.sqlite3"
MAX_STORE_MB = 2000  # every workspace together (stored, compressed bytes)
MAX_WORKSPACE_MB = 200  # one workspace: the 37,554 AllSides articles (215 MB of text) take 109 MB
RETENTION_DAYS = 30  # a workspace neither opened nor saved for this long is deleted
FILE_FACTOR = 1.5  # the database file may grow to this times the store limit (pages, indexes, free space) ...
FILE_SLACK_MB = 64  # ... plus this much; past it SQLite itself refuses to write (the store is "full")
BUSY_TIMEOUT_S = 15.0  # a writer waits this long for other sessions' saves (its turn, then SQLite's lock) before giving up
KEY_BYTES = 24  # secrets.token_urlsafe(24): 192 random bits, 32 characters
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")
SCHEMA_VERSION = 1
COMPRESS_LEVEL = 6

BASES = ("upload", "sample", "path")  # what the articles are: stored here, the bundled sample, the server's --corpus
SIDEBAR_FIELDS = ("unit", "method", "k", "stories")  # Settings fields that are view parameters in the URL, not workspace options

# Setting name in .streamlit/secrets.toml -> environment variable (the environment wins).
SETTINGS = {
    "data_dir": "FRAMELENS_DATA_DIR",
    "save_workspaces": "FRAMELENS_SAVE_WORKSPACES",
    "max_store_mb": "FRAMELENS_MAX_STORE_MB",
    "max_workspace_mb": "FRAMELENS_MAX_WORKSPACE_MB",
    "retention_days": "FRAMELENS_RETENTION_DAYS",
}
OFF = {"0", "false", "no", "off"}
ON = {"1", "true", "yes", "on"}


# ---------------------------------------------------------------- errors


class WorkspaceError(FramelensError):
    """A workspace cannot be saved or opened; str(error) says why, for the user."""


class WorkspaceNotFound(WorkspaceError):
    """The key names no workspace: mistyped, never made, or expired."""


class WorkspaceLimitError(WorkspaceError):
    """Saving would pass a size limit; nothing was written."""


class SavingDisabled(WorkspaceError):
    """This server is set not to save workspaces (save_workspaces = false)."""


class StoreUnavailable(WorkspaceError):
    """The store cannot be used: `kind` is missing, read-only, full, corrupt, busy, newer or error."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class StoreConfig:
    """Where the store lives and its limits; from the environment and secrets (see from_settings)."""

    data_dir: Path = DEFAULT_DATA_DIR
    enabled: bool = True
    max_store_bytes: int = MAX_STORE_MB * MB
    max_workspace_bytes: int = MAX_WORKSPACE_MB * MB
    retention_days: float = RETENTION_DAYS
    max_file_bytes: int | None = None  # hard cap of the database file; None: from FILE_FACTOR and FILE_SLACK_MB

    @property
    def path(self) -> Path:
        return self.data_dir / FILE_NAME

    @property
    def file_cap_bytes(self) -> int:
        if self.max_file_bytes is not None:
            return self.max_file_bytes
        return int(self.max_store_bytes * FILE_FACTOR) + FILE_SLACK_MB * MB

    @classmethod
    def from_settings(cls, environ: Mapping[str, str], secrets_: Mapping[str, object],
                      root: Path = DEFAULT_DATA_DIR.parent) -> tuple["StoreConfig", list[str]]:
        """The configuration and a message for every setting that could not be used (its default applies).

        Each setting is read from its environment variable, else from the
        secret of the same name in lower case (SETTINGS). A relative data_dir
        is relative to `root`, the folder of app.py.
        """
        problems: list[str] = []

        def raw(name: str) -> object | None:
            value = environ.get(SETTINGS[name])
            if value is not None and str(value).strip() != "":
                return value
            value = secrets_.get(name)
            return None if value is None or str(value).strip() == "" else value

        def where(name: str) -> str:
            return f"{SETTINGS[name]} / {name}"

        def number(name: str, default: float, minimum: float) -> float:
            value = raw(name)
            if value is None:
                return default
            try:
                out = float(value)
            except (TypeError, ValueError):
                out = math.nan
            if not math.isfinite(out) or out < minimum:
                problems.append(f"The setting {where(name)} must be a number of at least {minimum:g}; "
                                f"the default {default:g} is used.")
                return default
            return out

        enabled = True
        value = raw("save_workspaces")
        if isinstance(value, bool):
            enabled = value
        elif value is not None:
            text = str(value).strip().lower()
            if text in OFF or text in ON:
                enabled = text in ON
            else:
                problems.append(f"The setting {where('save_workspaces')} must be true or false (or 1 or 0); "
                                "workspaces are saved.")
        data_dir = Path(str(raw("data_dir") or DEFAULT_DATA_DIR)).expanduser()
        if not data_dir.is_absolute():
            data_dir = root / data_dir
        store_mb = number("max_store_mb", MAX_STORE_MB, 1)
        workspace_mb = number("max_workspace_mb", MAX_WORKSPACE_MB, 0.01)
        days = number("retention_days", RETENTION_DAYS, 0.01)
        return cls(data_dir=data_dir, enabled=enabled, max_store_bytes=int(store_mb * MB),
                   max_workspace_bytes=int(workspace_mb * MB), retention_days=days), problems


# ---------------------------------------------------------------- what a workspace holds


@dataclass
class Workspace:
    """Everything a session built that a URL cannot carry."""

    base: str  # one of BASES
    base_hash: str  # content hash of the base corpus as loaded (a sample or --corpus that changed is noticed)
    articles: list[Article] = field(default_factory=list)  # the upload as loaded; empty for sample and path
    issues: list[LoadIssue] = field(default_factory=list)  # the upload's load report
    encodings: dict[str, str] = field(default_factory=dict)  # item -> encoding assumed
    upload_names: list[str] = field(default_factory=list)  # file names of the upload
    pasted: list[Article] = field(default_factory=list)
    corrections: dict[str, dict[str, object]] = field(default_factory=dict)  # article id -> field -> as typed
    options: dict[str, object] = field(default_factory=dict)  # Settings-page options (Settings field -> value)
    problems: list[str] = field(default_factory=list)  # what could not be restored (filled by load)

    def __post_init__(self) -> None:
        if self.base not in BASES:
            raise ValueError(f"base must be one of {BASES}, not {self.base!r}")


def new_key() -> str:
    """A fresh workspace key: random, unrelated to the content."""
    return secrets.token_urlsafe(KEY_BYTES)


def is_key(text: str) -> bool:
    return bool(KEY_PATTERN.fullmatch(text or ""))


def _article_record(a: Article) -> dict:
    return {"id": a.id, "text": a.text, "source": a.source, "title": a.title, "date": a.date, "url": a.url,
            "origin": a.origin, "extra": a.extra}


def _pack(value: object) -> bytes:
    """JSON, compressed. Lone surrogates (undecodable input kept as is) survive."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), COMPRESS_LEVEL)


@dataclass(frozen=True)
class PackedEdits:
    """A session's edits as they are stored, made before the write transaction so the turn stays short."""

    pasted: list[bytes]  # compressed records of the pasted articles, in order
    corrections_json: str
    options_json: str

    @property
    def size(self) -> int:
        """Stored bytes, as the limits count them."""
        return (sum(map(len, self.pasted)) + len(self.corrections_json.encode("utf-8", "surrogatepass"))
                + len(self.options_json.encode("utf-8")))


def pack_edits(pasted: Sequence[Article], corrections: Mapping[str, Mapping[str, object]],
               options: Mapping[str, object]) -> PackedEdits:
    """The edits compressed and serialised as the store keeps them (see PackedEdits)."""
    return PackedEdits(pasted=[_pack(_article_record(a)) for a in pasted],
                       corrections_json=json.dumps({k: dict(v) for k, v in corrections.items()}, ensure_ascii=False),
                       options_json=encode_options(options))


def _unpack(blob: bytes) -> object:
    return json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))


def _article(record: dict) -> Article:
    return Article(id=record["id"], text=record["text"], source=record["source"], title=record["title"],
                   date=record["date"], url=record["url"], origin=record["origin"], extra=dict(record["extra"]))


def _freeze(value: object) -> object:
    """JSON lists back to the tuples Settings holds (Settings must stay hashable)."""
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


SETTINGS_FIELDS = tuple(f.name for f in dataclasses.fields(Settings) if f.name not in SIDEBAR_FIELDS)


def encode_options(options: Mapping[str, object]) -> str:
    """The Settings-page options as JSON (tuples become lists)."""
    return json.dumps(dict(options), ensure_ascii=False, sort_keys=True)


def decode_options(text: str) -> tuple[dict[str, object], list[str]]:
    """Options a Settings can take, and a message for each saved one that cannot be used any more.

    A field Settings no longer has (or one the sidebar owns) is left out and
    reported, so an old workspace still opens.
    """
    raw = json.loads(text) if text else {}
    options, problems = {}, []
    for name, value in raw.items():
        if name not in SETTINGS_FIELDS:
            problems.append(f"The saved option `{name}` is not a setting of this version; it was left out.")
            continue
        options[name] = _freeze(value)
    try:
        hash(Settings(**options))
    except (TypeError, ValueError) as exc:  # a value Settings cannot hold: the defaults apply
        problems.append(f"The saved Settings-page options could not be used ({exc}); the defaults apply.")
        options = {}
    return options, problems


# ---------------------------------------------------------------- writers take turns


class TurnTimeout(Exception):
    """A writer's turn did not come within its wait; the store reports it as busy."""


class WriterQueue:
    """Turns at writing one store file for the threads of this process, first come first served.

    A ticket lock: each writer draws the next ticket and waits until it is
    served. threading.Lock makes no promise of order, and SQLite's busy
    handler polls, so with either a writer can be overtaken again and again
    while its wait runs out (seen as 'database is locked' when eight threads
    saved at once on a loaded machine). With tickets a writer waits for at
    most the writers that came before it. A writer that gives up (timeout or
    interrupt) leaves its ticket behind and the queue skips it, so nobody
    waits for a turn that no one will take.
    """

    def __init__(self) -> None:
        self._turns = threading.Condition()
        self._next_ticket = 0
        self._serving = 0
        self._given_up: set[int] = set()

    @contextmanager
    def turn(self, timeout: float) -> Iterator[None]:
        """Hold the turn for the block; TurnTimeout if it did not come within timeout seconds."""
        with self._turns:
            ticket = self._next_ticket
            self._next_ticket += 1
            served = False
            try:
                served = self._turns.wait_for(lambda: self._serving == ticket, max(0.0, timeout))
            finally:
                if not served:  # timed out or interrupted: hand on the turn if it came, else leave the ticket
                    if self._serving == ticket:
                        self._advance()
                    else:
                        self._given_up.add(ticket)
            if not served:
                raise TurnTimeout(f"no turn to write within {timeout:.1f} s")
        try:
            yield
        finally:
            with self._turns:
                self._advance()

    def waiting(self) -> int:
        """How many writers wait for their turn (not counting the one writing)."""
        with self._turns:
            return max(0, self._next_ticket - self._serving - 1 - len(self._given_up))

    def _advance(self) -> None:
        self._serving += 1
        while self._serving in self._given_up:
            self._given_up.remove(self._serving)
            self._serving += 1
        self._turns.notify_all()


_WRITER_QUEUES: "weakref.WeakValueDictionary[str, WriterQueue]" = weakref.WeakValueDictionary()
_WRITER_QUEUES_LOCK = threading.Lock()


def writer_queue(path: Path) -> WriterQueue:
    """The one queue of this process for the store file at path (any spelling of it; every WorkspaceStore of it).

    Kept only while some writer holds it, so a server that saw many data
    folders does not keep a queue for each.
    """
    name = os.path.realpath(path)
    with _WRITER_QUEUES_LOCK:
        queue = _WRITER_QUEUES.get(name)
        if queue is None:
            queue = _WRITER_QUEUES[name] = WriterQueue()
        return queue


# ---------------------------------------------------------------- the store


SCHEMA = """
CREATE TABLE IF NOT EXISTS workspaces (
    key TEXT PRIMARY KEY,
    created REAL NOT NULL,
    last_used REAL NOT NULL,      -- opened or saved; retention counts from here
    base TEXT NOT NULL,           -- upload, sample or path
    base_hash TEXT NOT NULL,
    report BLOB NOT NULL,         -- compressed JSON: upload names, load report, encodings
    corrections TEXT NOT NULL,    -- JSON: article id -> field -> value as typed
    options TEXT NOT NULL,        -- JSON: Settings field -> value (the Settings page's choices)
    corpus_bytes INTEGER NOT NULL, -- stored bytes of the loaded articles and the report
    size INTEGER NOT NULL         -- stored bytes of the whole workspace: what the limits count
);
CREATE INDEX IF NOT EXISTS workspaces_last_used ON workspaces (last_used);
CREATE TABLE IF NOT EXISTS articles (
    workspace TEXT NOT NULL,
    pasted INTEGER NOT NULL,      -- 0: as loaded, 1: pasted by the user
    position INTEGER NOT NULL,
    data BLOB NOT NULL,           -- compressed JSON of every Article field
    PRIMARY KEY (workspace, pasted, position)
);
"""

_KIND_MESSAGES = {
    "missing": "its data folder does not exist and cannot be created",
    "read-only": "its data folder or file is read-only",
    "full": "the disk or the store is full",
    "corrupt": "its database file is damaged",
    "busy": "other sessions kept it busy too long; try again",
    "newer": "it was written by a newer version of Framelens",
    "error": "it could not be read or written",
}


def _fault_kind(exc: sqlite3.Error) -> str:
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly" in text or name.startswith("SQLITE_PERM"):
        return "read-only"
    if name.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        return "missing"
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text or "malformed" in text:
        return "corrupt"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return "busy"
    return "error"


def unavailable(kind: str, action: str) -> StoreUnavailable:
    return StoreUnavailable(f"The workspace store cannot be used to {action}: {_KIND_MESSAGES[kind]}.", kind)


class WorkspaceStore:
    """The workspaces of one data folder. Holds no connection: each call opens, works in one transaction, closes.

    Safe to share between threads and to use from several processes at once.
    """

    def __init__(self, config: StoreConfig, clock: Callable[[], float] = time.time):
        self.config = config
        self.clock = clock

    # ------------------------------------------------------------ public

    def create(self, workspace: Workspace) -> str:
        """Save a new workspace; its fresh key. Raises WorkspaceLimitError or StoreUnavailable; writes nothing then.

        Everything is compressed before the write transaction (the whole
        upload is then held compressed in memory once, about half its text):
        compressing the 37,554 AllSides articles takes seconds, and while a
        writer holds its turn every other session's save waits.
        """
        key = new_key()
        with self._faults("save the workspace"):
            report = _pack({"upload_names": workspace.upload_names, "encodings": workspace.encodings,
                            "issues": [dataclasses.asdict(i) for i in workspace.issues]})
            corpus_bytes = len(report)
            limit = self.config.max_workspace_bytes
            loaded: list[bytes] = []
            for article in workspace.articles:
                loaded.append(_pack(_article_record(article)))
                corpus_bytes += len(loaded[-1])
                if corpus_bytes > limit:  # stop early: a 200 MB upload need not be compressed whole to be refused
                    raise self._too_big(corpus_bytes)
            edits = pack_edits(workspace.pasted, workspace.corrections, workspace.options)
            with self._transaction() as db:
                now = self.clock()
                self._expire(db, now)
                db.executemany("INSERT INTO articles VALUES (?, 0, ?, ?)",
                               ((key, position, data) for position, data in enumerate(loaded)))
                db.execute("INSERT INTO workspaces VALUES (?, ?, ?, ?, ?, ?, '{}', '{}', ?, 0)",
                           (key, now, now, workspace.base, workspace.base_hash, report, corpus_bytes))
                self._write_edits(db, key, corpus_bytes, edits)
        return key

    def update(self, key: str, pasted: Sequence[Article], corrections: Mapping[str, Mapping[str, object]],
               options: Mapping[str, object]) -> None:
        """Replace a workspace's pasted articles, corrections and options; the loaded articles stay.

        Raises WorkspaceNotFound when the key is gone (expired meanwhile), and
        like create() when a limit or the store stops it.
        """
        with self._faults("save your changes"):
            edits = pack_edits(pasted, corrections, options)  # before the transaction: see create()
            with self._transaction() as db:
                now = self.clock()
                self._expire(db, now)
                row = db.execute("SELECT corpus_bytes FROM workspaces WHERE key = ?", (key,)).fetchone()
                if row is None:
                    raise self._not_found()
                self._write_edits(db, key, row[0], edits)
                db.execute("UPDATE workspaces SET last_used = ? WHERE key = ?", (now, key))

    def load(self, key: str) -> Workspace:
        """The workspace saved under key; opening it counts as a use (retention starts again)."""
        if not is_key(key):
            raise WorkspaceNotFound("The link's workspace key is not one this app makes (it may be cut short).")
        with self._faults("open the workspace"):
            with self._transaction() as db:  # expiry and the touch: one small write
                now = self.clock()
                self._expire(db, now)
                found = db.execute("UPDATE workspaces SET last_used = ? WHERE key = ?", (now, key)).rowcount
            if not found:
                raise self._not_found()
            with self._transaction(write=False) as db:
                row = db.execute("SELECT base, base_hash, report, corrections, options FROM workspaces "
                                 "WHERE key = ?", (key,)).fetchone()
                if row is None:  # deleted between the two transactions: expired that very moment
                    raise self._not_found()
                rows = db.execute("SELECT pasted, data FROM articles WHERE workspace = ? "
                                  "ORDER BY pasted, position", (key,)).fetchall()
            try:
                return self._decode(row, rows)
            except (zlib.error, ValueError, KeyError, TypeError) as exc:  # json errors are ValueErrors
                log.warning("workspace %s in %s cannot be decoded: %s", key, self.config.path, exc)
                raise unavailable("corrupt", "open the workspace") from exc

    def expire(self) -> int:
        """Delete every workspace unused for longer than the retention; how many went."""
        with self._faults("delete expired workspaces"), self._transaction() as db:
            return self._expire(db, self.clock())

    def usage(self) -> tuple[int, int]:
        """(workspaces, stored bytes) as the limits count them."""
        with self._faults("read its size"), self._transaction(write=False) as db:
            count, total = db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM workspaces").fetchone()
        return count, total

    # ------------------------------------------------------------ inside a transaction

    def _write_edits(self, db: sqlite3.Connection, key: str, corpus_bytes: int, edits: PackedEdits) -> None:
        """The session's edits and the checked size; the limits are checked before the caller commits."""
        size = corpus_bytes + edits.size
        if size > self.config.max_workspace_bytes:
            raise self._too_big(size)
        db.execute("DELETE FROM articles WHERE workspace = ? AND pasted = 1", (key,))
        db.executemany("INSERT INTO articles VALUES (?, 1, ?, ?)",
                       ((key, position, data) for position, data in enumerate(edits.pasted)))
        others = db.execute("SELECT COALESCE(SUM(size), 0) FROM workspaces WHERE key != ?", (key,)).fetchone()[0]
        if others + size > self.config.max_store_bytes:
            raise WorkspaceLimitError(
                f"The workspace store is full ({(others + size) / MB:,.1f} MB would pass its limit of "
                f"{self.config.max_store_bytes / MB:,.0f} MB), so this was not saved; what was saved before "
                "is unchanged. Older workspaces expire after "
                f"{self.config.retention_days:g} days without use.")
        db.execute("UPDATE workspaces SET corrections = ?, options = ?, size = ? WHERE key = ?",
                   (edits.corrections_json, edits.options_json, size, key))

    def _expire(self, db: sqlite3.Connection, now: float) -> int:
        cutoff = now - self.config.retention_days * DAY
        db.execute("DELETE FROM articles WHERE workspace IN (SELECT key FROM workspaces WHERE last_used < ?)",
                   (cutoff,))
        return db.execute("DELETE FROM workspaces WHERE last_used < ?", (cutoff,)).rowcount

    def _too_big(self, size: int) -> WorkspaceLimitError:
        return WorkspaceLimitError(
            f"This workspace is too large to save ({size / MB:,.1f} MB stored, more than the limit of "
            f"{self.config.max_workspace_bytes / MB:,.0f} MB per workspace), so a link cannot carry it; "
            "it stays in your session. What was saved before is unchanged.")

    def _not_found(self) -> WorkspaceNotFound:
        return WorkspaceNotFound(
            "The link's workspace was not found: it never existed here or it expired (workspaces unused for "
            f"{self.config.retention_days:g} days are deleted).")

    @staticmethod
    def _decode(row: tuple, rows: list[tuple]) -> Workspace:
        base, base_hash, report_blob, corrections_json, options_json = row
        report = _unpack(report_blob)
        loaded = [_article(_unpack(data)) for pasted, data in rows if not pasted]
        pasted = [_article(_unpack(data)) for pasted, data in rows if pasted]
        options, problems = decode_options(options_json)
        return Workspace(
            base=base, base_hash=base_hash, articles=loaded,
            issues=[LoadIssue(**issue) for issue in report["issues"]],
            encodings=dict(report["encodings"]), upload_names=list(report["upload_names"]),
            pasted=pasted, corrections=json.loads(corrections_json), options=options, problems=problems)

    # ------------------------------------------------------------ connections

    @contextmanager
    def _faults(self, action: str) -> Iterator[None]:
        """sqlite3 and file-system failures as StoreUnavailable; the details go to the log."""
        if not self.config.enabled:
            raise SavingDisabled("This server does not save workspaces (its operator turned saving off).")
        try:
            yield
        except sqlite3.Error as exc:
            kind = _fault_kind(exc)
            if kind == "missing" and self.config.data_dir.is_dir():
                kind = "read-only"  # the folder is there, but the file (or its -wal, -shm) cannot be opened or made
            log.warning("workspace store %s: cannot %s: %s (%s)", self.config.path, action, exc,
                        getattr(exc, "sqlite_errorname", ""))
            raise unavailable(kind, action) from exc
        except OSError as exc:
            log.warning("workspace store %s: cannot %s: %s", self.config.path, action, exc)
            raise unavailable("read-only" if isinstance(exc, PermissionError) else "missing", action) from exc
        except TurnTimeout as exc:
            log.warning("workspace store %s: cannot %s: %s behind this server's other saves", self.config.path,
                        action, exc)
            raise unavailable("busy", action) from exc

    def _connect(self, deadline: float) -> sqlite3.Connection:
        """A connection that waits for another process's writer until deadline (time.monotonic); the schema made if new.

        Making the schema is a write like any other: it takes this process's
        turn (a reader can be the first to find a new file).
        """
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.config.path, timeout=_seconds_left(deadline), isolation_level=None)
        try:
            _wait_for_locks_until(db, deadline)
            db.execute("PRAGMA journal_mode = WAL")  # readers do not block the writer; a crash loses no commit
            db.execute("PRAGMA synchronous = FULL")
            page_size = db.execute("PRAGMA page_size").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {max(1, self.config.file_cap_bytes // page_size)}")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                with writer_queue(self.config.path).turn(_seconds_left(deadline)):
                    _wait_for_locks_until(db, deadline)
                    with _committed(db, "BEGIN IMMEDIATE"):  # one process creates the schema; the others see it
                        if db.execute("PRAGMA user_version").fetchone()[0] == 0:
                            for statement in SCHEMA.split(";\n"):  # not executescript: it would commit first
                                if statement.strip():
                                    db.execute(statement)
                            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version > SCHEMA_VERSION:
                raise StoreUnavailable(f"The workspace store cannot be used: {_KIND_MESSAGES['newer']}.", "newer")
        except BaseException:
            db.close()
            raise
        return db

    @contextmanager
    def _transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction on a fresh connection: committed whole, or rolled back on any exception.

        A write waits for its turn among this process's writers
        (writer_queue) and holds it until its connection is closed, so no two
        threads of this server poll SQLite's busy handler against each other;
        only a writer of another process is waited for by the busy timeout.
        The turn and SQLite's lock together are waited for at most
        BUSY_TIMEOUT_S. The connection is opened before the turn: an open
        connection of a waiting writer keeps the one closing from being
        SQLite's last, which would copy the whole log into the database and
        delete it on every save (measured with eight threads saving: two to
        four times slower). Readers take no turn: in WAL mode they never wait for a writer.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        db = self._connect(deadline)
        try:
            if write:
                with writer_queue(self.config.path).turn(_seconds_left(deadline)):
                    _wait_for_locks_until(db, deadline)
                    with _committed(db, "BEGIN IMMEDIATE"):
                        yield db
                    db.close()  # within the turn: a last connection's checkpoint meets no writer of ours
            else:
                with _committed(db, "BEGIN"):
                    yield db
        finally:
            db.close()


def _seconds_left(deadline: float) -> float:
    return max(0.001, deadline - time.monotonic())


def _wait_for_locks_until(db: sqlite3.Connection, deadline: float) -> None:
    """SQLite's busy timeout: how long a statement may wait for another process's lock."""
    db.execute(f"PRAGMA busy_timeout = {max(1, round(_seconds_left(deadline) * 1000))}")


@contextmanager
def _committed(db: sqlite3.Connection, begin: str) -> Iterator[None]:
    """begin ... COMMIT around the block, or ROLLBACK if it raises."""
    db.execute(begin)
    try:
        yield
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
