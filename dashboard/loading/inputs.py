"""File-like inputs: files on disk, uploads and archive members, with the limits of one load."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Callable, Iterator, Sequence

MB = 1024 * 1024

# What reading an input can raise besides our own checks: reported per item, never fatal.
READ_ERRORS = (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError)


@dataclass(frozen=True)
class Limits:
    """The size limits of one load (dashboard.loading's MAX_* constants at the time of the call)."""

    file_bytes: int  # one file or upload as stored (compressed or not)
    expanded_bytes: int  # what one .gz file or archive member may expand to
    jsonl_line_bytes: int  # one JSON Lines record
    article_chars: int  # longer articles are truncated, with a warning
    articles: int  # the rest of the input is reported, not loaded
    zip_depth: int  # archives inside archives, levels deep
    zip_members: int  # files read from one archive


@dataclass
class SidecarRow:
    """Metadata for one text file, from a metadata.csv row beside it."""

    item: str  # "metadata.csv row 3": where a problem with it is reported
    file: str
    fields: object  # records.Fields without text
    table: str  # the metadata.csv it is in: the scope of its date column
    found: bool = False  # a file of that name is beside the sidecar
    applied: bool = False  # a reader used it


@dataclass
class Entry:
    """One file-like input: on disk, uploaded, or inside an archive."""

    name: str  # shown in origins and issues
    group: str  # the folder it sits in: the scope of a metadata.csv sidecar
    basename: str
    size: int | None  # bytes, when known before reading
    size_limit: int
    limit_name: str
    open: Callable[[], IO[bytes]]
    seekable: bool  # open() gives a seekable stream (zip can read it in place)
    depth: int = 0  # archives it sits in
    sidecar: SidecarRow | None = None  # per-file metadata, for readers of one-article files

    @property
    def compressed(self) -> bool:
        return self.basename.casefold().endswith(".gz")

    @property
    def extension(self) -> str:
        """".txt" for "a.TXT" and "a.txt.gz"; "" when there is none."""
        lower = self.basename.casefold()
        return os.path.splitext(lower[:-3] if self.compressed else lower)[1]

    @property
    def shown_extension(self) -> str:
        """The extension as a user sees it in a message: ".txt.gz", ".pdf", or the name."""
        lower = self.basename.casefold()
        stem = lower[:-3] if self.compressed else lower
        return (os.path.splitext(stem)[1] or stem) + (".gz" if self.compressed else "")

    @contextmanager
    def stream(self) -> Iterator[IO[bytes]]:
        """The bytes of the input, gunzipped when its name ends in .gz."""
        with self.open() as raw:
            if self.compressed:
                with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                    yield unzipped
            else:
                yield raw


def is_hidden(part: str) -> bool:
    return part.startswith(".") or part == "__MACOSX"


def path_entry(path: Path, name: str, group: str, limits: Limits) -> Entry:
    return Entry(name=name, group=group, basename=path.name, size=path.stat().st_size,
                 size_limit=limits.file_bytes, limit_name="MAX_FILE_BYTES",
                 open=lambda: open(path, "rb"), seekable=True)


def folder_entries(root: Path, limits: Limits, report: Callable[[str, str], None]) -> list[Entry]:
    """Files under a folder in sorted order; hidden files and __MACOSX reported and skipped."""
    found: list[tuple[tuple[str, ...], Entry]] = []

    def unreadable(error: OSError) -> None:
        report(f"{error.filename}", f"could not be read: {error.strerror}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        rel_dir = Path(dirpath).relative_to(root)
        shown_dir = (Path(root.resolve().name) / rel_dir).as_posix()
        for dirname in sorted(dirnames):
            if is_hidden(dirname):
                report(f"{shown_dir}/{dirname}/", "hidden or system folder ignored")
        dirnames[:] = sorted(d for d in dirnames if not is_hidden(d))
        for filename in filenames:
            shown = f"{shown_dir}/{filename}"
            if is_hidden(filename):
                report(shown, "hidden or system file ignored")
                continue
            parts = (*rel_dir.parts, filename)
            found.append((parts, path_entry(Path(dirpath) / filename, shown, shown_dir, limits)))
    found.sort(key=lambda pair: pair[0])
    return [entry for _, entry in found]


def upload_entries(files: Sequence[tuple[str, bytes]], limits: Limits,
                   report: Callable[[str, str], None]) -> list[Entry]:
    """Uploaded (name, bytes) pairs as entries; hidden files reported and skipped."""
    entries = []
    for name, data in files:
        path = PurePosixPath(name.replace("\\", "/"))
        if any(is_hidden(part) for part in path.parts):
            report(name, "hidden or system file ignored")
            continue
        entries.append(Entry(
            name=name, group=str(path.parent), basename=path.name, size=len(data),
            size_limit=limits.file_bytes, limit_name="MAX_FILE_BYTES",
            open=lambda data=data: io.BytesIO(data), seekable=True,
        ))
    return entries


def member_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, archive_entry: Entry,
                 limits: Limits) -> Entry:
    """A file inside a zip archive, named "archive.zip:folder/file.txt"."""
    path = PurePosixPath(info.filename)
    name = archive_entry.name
    return Entry(
        name=f"{name}:{info.filename}", group=f"{name}:{path.parent}", basename=path.name,
        size=info.file_size, size_limit=limits.expanded_bytes, limit_name="MAX_EXPANDED_BYTES",
        open=lambda: archive.open(info), seekable=False, depth=archive_entry.depth + 1,
    )
