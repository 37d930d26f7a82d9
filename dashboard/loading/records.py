"""One input record (a table row, a JSON object, a text file) before it becomes an Article.

Tables and JSON name their fields many ways ("Headline", "body", "Outlet"):
`role_columns` finds which field plays which role, and every other field is
kept as an extra value the dashboard can filter on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Sequence

# Column / field names per role, in order of preference (matched after norm_name).
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "full_text", "fulltext", "article_text"),
    "source": ("source", "outlet", "publisher", "site", "publication", "media"),
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "pubdate", "datetime"),
    "url": ("url", "link"),
}
FILE_COLUMN_NAMES = ("file", "filename", "file_name")  # a metadata.csv sidecar's key column
# Cell values that mean "not known" rather than a value.
MISSING = frozenset({"", "unknown", "none", "null", "nan", "n/a"})


@dataclass
class Fields:
    """One input record's values by role, as given (not yet checked)."""

    text: object
    source: object = None
    title: object = None
    date: object = None
    url: object = None
    extra: dict | None = None


def norm_name(name: object) -> str:
    """A column or key name compared case- and spacing-blind: "Published At" -> "published_at"."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().casefold())


def role_columns(names: Sequence[str]) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Which position holds which role; the rest are extra fields (position, name)."""
    position: dict[str, int] = {}
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


def row_fields(cells: Sequence[str], roles: dict[str, int], extra: list[tuple[int, str]]) -> Fields:
    """A table row's cells by role; empty extra cells become None."""

    def cell(role: str) -> str | None:
        return cells[roles[role]] if role in roles else None

    return Fields(
        cell("text"), cell("source"), cell("title"), cell("date"), cell("url"),
        {key: (cells[i] if cells[i].strip() else None) for i, key in extra},
    )


def clean_value(value: object) -> str | None:
    """A metadata value as text; None when it says nothing."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return None if text.casefold() in MISSING else text


def simple_value(value: object) -> object:
    """Extra-field values kept as simple values the UI can filter on."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value):
        return "; ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
