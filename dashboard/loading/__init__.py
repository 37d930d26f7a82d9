"""Loading a corpus from files, folders, archives, uploads and pasted text.

Every input item either becomes an Article or leaves a LoadIssue saying why
not, so a user can always see what was used. Metadata given explicitly
(columns, JSON fields, a `metadata.csv` sidecar) always wins over what is
guessed from the text (a `date YYYY-MM-DD` header, a `/Outlet` signature, a
dateline, a title line). Article.text is the decoded text as it was, except
that line endings are made `\\n` (cleaning relies on blank lines).

Where things are:
  readers.py        one reader per format, and READERS: extension -> reader
                    (a new input format is one function and one line there)
  loader.py         what every format shares: limits, sidecars, record -> Article
  inputs.py         files, uploads and archive members as entries
  records.py        which field of a row or JSON object plays which role
  encodings.py      bytes -> text (BOM, UTF-16, UTF-8, then charset-normalizer)
  dates.py          date values -> ISO dates, day/month order per column
  text_metadata.py  date, title and outlet guessed from the text
  ids.py            article ids and the corpus content hash
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..errors import FramelensError
from ..models import Article, Corpus, LoadIssue, UNKNOWN
from .dates import AmbiguousDate, parse_date
from .encodings import decode_bytes
from .ids import article_id, corpus_hash
from .inputs import MB, Limits, folder_entries, path_entry, upload_entries
from .loader import SIDECAR_NAME, Loader
from .readers import READERS, SUPPORTED, read_text_file
from .records import FILE_COLUMN_NAMES, ROLE_NAMES, Fields
from .text_metadata import MAX_TITLE_CHARS, guess_metadata

__all__ = [
    "AmbiguousDate", "CorpusError", "EXTENSIONS", "FILE_COLUMN_NAMES", "MAX_ARTICLES",
    "MAX_ARTICLE_CHARS", "MAX_EXPANDED_BYTES", "MAX_FILE_BYTES", "MAX_JSONL_LINE_BYTES",
    "MAX_TITLE_CHARS", "MAX_ZIP_DEPTH", "MAX_ZIP_MEMBERS", "MB", "READERS", "ROLE_NAMES",
    "SEEDS_DIR", "SIDECAR_NAME", "SUPPORTED", "TEXT_EXTENSIONS", "article_from_paste",
    "article_id", "corpus_hash", "decode_bytes", "guess_metadata", "load_corpus",
    "load_seed_corpus", "load_uploads", "parse_date", "read_corpus", "read_uploads",
    "require_usable",
]

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

# Limits of one load. Read at every call (a caller may lower one for a run).
MAX_FILE_BYTES = 200 * MB  # one file or upload as stored (compressed or not)
MAX_EXPANDED_BYTES = 1024 * MB  # what one .gz file or archive member may expand to
MAX_JSONL_LINE_BYTES = 32 * MB  # one JSON Lines record
MAX_ARTICLE_CHARS = 1_000_000  # longer articles are truncated, with a warning
MAX_ARTICLES = 100_000  # the rest of the input is reported, not loaded
MAX_ZIP_DEPTH = 3  # archives inside archives, levels deep
MAX_ZIP_MEMBERS = 20_000  # files read from one archive

EXTENSIONS = tuple(READERS)  # file types read, each also gzipped
TEXT_EXTENSIONS = tuple(ext for ext, reader in READERS.items() if reader is read_text_file)


class CorpusError(FramelensError):
    """The input as a whole cannot be analysed; the message is for the user.

    `issues` carries the per-item report so the UI can still show it.
    """

    def __init__(self, message: str, issues: Sequence[LoadIssue] = ()):
        super().__init__(message)
        self.issues = list(issues)


def _limits() -> Limits:
    return Limits(
        file_bytes=MAX_FILE_BYTES, expanded_bytes=MAX_EXPANDED_BYTES,
        jsonl_line_bytes=MAX_JSONL_LINE_BYTES, article_chars=MAX_ARTICLE_CHARS,
        articles=MAX_ARTICLES, zip_depth=MAX_ZIP_DEPTH, zip_members=MAX_ZIP_MEMBERS,
    )


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
    loader = Loader(_limits())
    entries = []
    for root in roots:
        if root.is_dir():
            entries.extend(folder_entries(root, loader.limits, loader.issue))
        else:
            entries.append(path_entry(root, root.name, str(root.resolve().parent), loader.limits))
    return loader.run(entries)


def load_corpus(paths: Sequence[str | Path]) -> Corpus:
    """Files and folders (walked recursively, sorted) -> Corpus of at least 2 articles."""
    return require_usable(read_corpus(paths))


def read_uploads(files: Sequence[tuple[str, bytes]]) -> Corpus:
    """Uploaded (name, bytes) pairs, parsed like files on disk; no minimum."""
    loader = Loader(_limits())
    return loader.run(upload_entries(files, loader.limits, loader.issue))


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

    Raises CorpusError when the text is empty, too long, or the date unreadable
    or ambiguous, because the user typed it and can fix it.
    """
    loader = Loader(_limits())
    loader.add(origin, Fields(text, source, title, date))
    if loader.issues:  # a warning here is something the user can fix before adding it
        raise CorpusError(f"The pasted article cannot be used: it {loader.issues[0].problem}.",
                          loader.issues)
    return loader.articles[0]
