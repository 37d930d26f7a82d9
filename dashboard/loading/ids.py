"""Stable names for articles and corpora: article ids and the corpus content hash."""

from __future__ import annotations

import hashlib
from typing import Sequence

from ..models import Article, UNKNOWN


def article_id(text: str, source: str = UNKNOWN) -> str:
    """12 hex digits from the text (spacing ignored) and the outlet (case ignored).

    The same article loaded again, from any file or in any order, keeps its id,
    so links, corrections and selections survive a reload.
    """
    norm = " ".join(text.split())
    return hashlib.sha1(f"{norm}\x1f{source.strip().lower()}".encode("utf-8")).hexdigest()[:12]


def corpus_hash(articles: Sequence[Article]) -> str:
    """16 hex digits over every field of every article, in order: the key of cached analyses.

    Two corpora share a key only when everything an analysis reads or shows is
    the same: text as written (ids ignore spacing, cleaning does not), outlet,
    title, date, url, origin and every extra column, in their order (extra
    columns become document columns). Each article is its fields as a Python
    literal holding the text's length, then the text's UTF-8 bytes, so no field
    can run into the next.
    """
    digest = hashlib.sha1()
    for a in articles:
        text = a.text.encode("utf-8", "surrogatepass")
        meta = (len(text), a.id, a.source, a.title, a.date, a.url, a.origin, a.extra)
        digest.update(repr(meta).encode("utf-8", "surrogatepass"))  # a literal: ends unambiguously
        digest.update(text)
    return digest.hexdigest()[:16]
