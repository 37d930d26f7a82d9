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
    h = hashlib.sha1()
    for a in articles:
        h.update(f"{a.id}|{a.source}|{a.title}|{a.date}\n".encode("utf-8"))
    return h.hexdigest()[:16]
