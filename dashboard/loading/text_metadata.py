"""Date, title and outlet as far as an article's own text tells.

Only used when the input gives no such field. The leading "date 2022-01-06"
header understood here is the one cleaning takes out of the analysed text
(cleaning imports DATE_HEADER_RE), so what is read as metadata is never also
analysed as prose.
"""

from __future__ import annotations

import datetime as dt
import re

MAX_TITLE_CHARS = 150  # a guessed title line is at most this long

# The first line of a scraped article: " date 2022-01-06 Headline", "Date: 2022-01-06".
# Match a single line with fullmatch.
DATE_HEADER_RE = re.compile(
    r"[ \t]*(?P<header>date:?[ \t]+(?P<date>\d{4}-\d{1,2}-\d{1,2}))\b[ \t]*(?P<rest>.*)", re.I
)
_DATELINE_RE = re.compile(
    r"(?m)(?:^[ \t]*|\b[A-Z][^\W\d_]+,?[ \t]+)(\d{1,2})\.(\d{1,2})\.(\d{4})\b"
)
_SIGNATURE_RE = re.compile(r"/[ \t]?([^\W\d_][\w .&'’-]{0,40})")
_HEAD_CHARS = 2000  # guesses only look at the start ...
_DATELINE_CHARS = 300
_TAIL_CHARS = 300  # ... and the end of an article


def _iso(year: str, month: str, day: str) -> str:
    return dt.date(int(year), int(month), int(day)).isoformat()  # ValueError if impossible


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
    if m := DATE_HEADER_RE.fullmatch(lines[first]):
        try:
            found["date"] = _iso(*m["date"].split("-"))
        except ValueError:
            pass  # "date 2022-13-45" is no date; the dateline may still give one
        title_line = m["rest"]
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
