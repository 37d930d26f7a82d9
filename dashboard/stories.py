"""Stories: articles grouped by the event or development they report.

Framing is compared between outlets telling the same story, so the corpus is
first cut into stories, with no story count given. The method follows the
topic detection and tracking (TDT) literature on news event detection.

Representation. Each article is a TF-IDF vector (sublinear tf) of its content
tokens from the project's tokenizer, so a story speaks the same words as the
rest of the dashboard. Zone weighting: a title word counts TITLE_WEIGHT times
a body word, a word of the lead (the first LEAD_TOKENS content words, two or
three sentences) 1 + LEAD_WEIGHT times, and the body is read only up to
BODY_TOKENS words. News is an inverted pyramid: who, what, where and when are
in the title and lead, while the tail of a long article drifts into background
the whole topic shares. Figures in the title and lead ("69K jobs", "8.2
percent"), which the tokenizer drops as bare numbers, are added as terms of
their own. Names and places need no rule of their own: they are the rare
terms inverse document frequency already weighs most (a boost for capitalised
words was tried and changed nothing on AllSides). Each vector keeps only its
TOP_TERMS heaviest terms, as the TDT systems of Allan, Papka & Lavrenko (1998,
"On-line new event detection and tracking", SIGIR) and Yang, Pierce &
Carbonell (1998, "A study on retrospective and on-line event detection",
SIGIR) did: what identifies the event stays, and comparisons stay sparse.
Zone and entity weighting follow the feature design of multilingual news
stream clustering (Miranda et al. 2018, EMNLP), kept to one vector.

Time. Both 1998 papers found a time window and a penalty growing with the gap
essential: the same words a year apart are another event. Dated articles are
compared only within WINDOW_DAYS, and their similarity is multiplied by
exp(-max(0, gap - 1) / DECAY_DAYS): same or next day counts fully (time
zones, print editions); a week apart needs a much closer text. An article
without a date is compared with every article on its text alone. So that such
articles cannot bridge the same words months apart into one story, a story's
dated members never span more than MAX_SPAN_DAYS: a merge that would stretch
it further is refused.

Candidates, never all pairs. Similarities come from one sparse product of the
truncated vectors whose columns are (term, time bucket) keys: each article is
indexed under its own WINDOW_DAYS-wide bucket and asks its own and the two
neighbouring buckets, so only articles within the window that share a top
term ever meet. Undated articles ask every bucket through the plain term
index. A key held by more than MAX_POSTINGS articles is too common at that
time (or, for undated articles, in the corpus) to mark a story and is left
out, which bounds the work per article: the cost is linear in the number of
articles. DuplicateReport's MinHash index was not reused: its 3-word shingles
find copies, while outlets reporting one event share names, not phrasing.

Clustering. Group-average agglomerative clustering, the retrospective method
of Yang et al. (1998), on the sparse similarity graph: groups merge while
their average pairwise similarity (pairs never compared count as 0) is at
least THRESHOLD. No count is needed; unlike connected components (where one
similar pair joins two stories) a chain of loosely related articles cannot
glue a topic together; and unlike single-pass clustering (the on-line method
of the same papers) the result does not depend on input order. Since an
average never exceeds its largest term, stories lie within the connected
components of the pairs at or above THRESHOLD, which keeps the merging loop
to the edges that matter.

THRESHOLD is a cosine between truncated vectors. On the AllSides event corpus
(noisy inferred groups) same-event pairs have a median similarity of 0.25,
while nine in ten pairs of different events within the window that share a
term stay below 0.14; 0.15 sits between them. NMI there moves by less than
0.01 when any parameter is varied by 30% (`python -m dashboard.bench events
--stories --vary 0.3`). TOP_TERMS is 80 rather than the 40 that would be
cheaper because in a small corpus inverse document frequency hardly ranks
terms, so 40 terms of each article overlapped too little: the five sample
articles (one crisis) split in two at 40 and are one story at 80, and AllSides
NMI rose from 0.977 to 0.980.

Stories are numbered like clusters: 1 = largest, ties by first appearance.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .clusters import canonical_ids
from .models import StoryInfo
from .tokens import STOP_WORDS, TokenTable, tokenize_many

STORY_COLUMNS = ("event_id", "event", "story")  # corpus fields that name a story, in order of preference


@dataclass(frozen=True)
class StoryParams:
    """The knobs of automatic stories; the defaults are argued in the module docstring."""

    title_weight: float = 3.0  # a title word counts this many times a body word
    lead_weight: float = 2.0  # a lead word counts this many times (on top of its body count)
    lead_tokens: int = 60  # content words in the lead: about the first two or three sentences
    body_tokens: int = 400  # content words of the text read at all
    top_terms: int = 80  # heaviest terms kept per article
    threshold: float = 0.15  # average similarity at which two groups are one story
    window_days: int = 7  # dated articles further apart are never one story
    decay_days: float = 7.0  # similarity falls by e every this many days beyond the first
    max_span_days: int = 14  # dated members of one story lie within this many days
    max_postings: int = 200  # a term in more articles of one bucket is not a story's mark
    edge_floor: float = 0.5  # similarities below edge_floor * threshold are not kept

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be {rule}, got {getattr(self, name)!r}"
            for name, rule, ok in (
                ("title_weight", "at least 0", self.title_weight >= 0),
                ("lead_weight", "at least 0", self.lead_weight >= 0),
                ("lead_tokens", "at least 0", self.lead_tokens >= 0),
                ("body_tokens", "at least 1", self.body_tokens >= 1),
                ("top_terms", "at least 1", self.top_terms >= 1),
                ("threshold", "in (0, 1]", 0 < self.threshold <= 1),
                ("window_days", "at least 0", self.window_days >= 0),
                ("decay_days", "above 0", self.decay_days > 0),
                ("max_span_days", "at least window_days", self.max_span_days >= self.window_days),
                ("max_postings", "at least 2", self.max_postings >= 2),
                ("edge_floor", "in [0, 1]", 0 <= self.edge_floor <= 1),
            )
            if not ok
        ]
        if problems:
            raise ValueError("story parameters: " + "; ".join(problems))


@dataclass
class Story:
    id: int  # canonical: 1 = largest, ties by first appearance
    label: str  # "Senate passes stimulus bill · 2020-03-25 to 2020-03-27"
    title: str  # the representative (most central) article's title, or key terms
    first_date: str | None
    last_date: str | None
    size: int
    members: list[int]  # article positions, ascending
    representative: int  # the most central member


@dataclass
class StoryResult:
    labels: np.ndarray  # story id per article
    stories: list[Story]  # in id order
    origin: Literal["auto", "column"]
    notices: list[str] = field(default_factory=list)
    candidate_pairs: int = 0  # pairs ever compared (for scaling checks)


# ------------------------------------------------------------------ inputs

_NUMBER_RE = re.compile(r"[0-9][0-9.,]*")  # plain, so the scan is fast; trailing punctuation is cut after
NUMBER_CHARS = 600  # numbers are read from the title and this much of the text's start
_MISSING_TITLES = frozenset({"", "unknown", "none", "nan", "null"})


def _is_missing(value: object) -> bool:
    """None, NaN, NA, NaT or a blank string."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or other container: a value, if an odd one
        return False


def _day_numbers(dates: Sequence[object], notices: list[str]) -> np.ndarray:
    """Day ordinals (0001-01-01 is 1) per article; -1 for missing or unreadable dates (unreadable ones reported)."""
    days = np.full(len(dates), -1, dtype=np.int64)
    bad = 0
    for i, d in enumerate(dates):
        if _is_missing(d):
            continue
        try:
            days[i] = dt.date.fromisoformat(str(d).strip()[:10]).toordinal()
        except ValueError:
            bad += 1
    if bad:
        notices.append(f"{bad} article date(s) could not be read as ISO dates (YYYY-MM-DD) and count as missing.")
    return days


COUNT_CHUNK_UNITS = 2_000  # articles per block while counting: bounds temporary arrays


def _weighted_counts(
    text_tokens: TokenTable, title_tokens: TokenTable, numbers: TokenTable, p: StoryParams
) -> tuple[list[sp.csr_matrix], np.ndarray]:
    """Zone-weighted term counts, in blocks of articles: body words 1, lead words
    1 + LEAD_WEIGHT, title words TITLE_WEIGHT, figures of the title and lead 1 + LEAD_WEIGHT.

    Blocks keep the temporary per-token arrays small on a large corpus; the
    text's own vocabulary keeps its ids, title and figure terms new to it are
    appended.
    """
    n = len(text_tokens)
    vocab = pd.Index(text_tokens.vocab)
    extra = pd.Index(np.concatenate([title_tokens.vocab, numbers.vocab])).unique().difference(vocab, sort=False)
    vocab = vocab.append(extra)
    title_map = vocab.get_indexer(title_tokens.vocab)
    number_map = vocab.get_indexer(numbers.vocab)
    blocks = []
    for lo in range(0, n, COUNT_CHUNK_UNITS):
        hi = min(lo + COUNT_CHUNK_UNITS, n)
        kept = np.minimum(np.diff(text_tokens.offsets[lo : hi + 1]), p.body_tokens)
        indptr = np.concatenate([[0], np.cumsum(kept)])
        within = np.arange(indptr[-1]) - np.repeat(indptr[:-1], kept)  # position in its article
        cols = text_tokens.ids[np.repeat(text_tokens.offsets[lo:hi], kept) + within]
        weight = np.where(within < p.lead_tokens, 1.0 + p.lead_weight, 1.0).astype(np.float32)
        block = sp.csr_matrix((weight, cols, indptr), shape=(hi - lo, len(vocab)))
        for table, remap, w in ((title_tokens, title_map, p.title_weight), (numbers, number_map, 1.0 + p.lead_weight)):
            a, b = table.offsets[lo], table.offsets[hi]
            zone = sp.csr_matrix(
                (np.full(b - a, w, dtype=np.float32), remap[table.ids[a:b]].astype(np.int32), table.offsets[lo : hi + 1] - a),
                shape=block.shape,
            )
            block = block + zone
        block.sum_duplicates()
        blocks.append(block)
    return blocks, np.asarray(vocab, dtype=object)


def _table_from_lists(lists: list[list[str]]) -> TokenTable:
    flat = [w for ws in lists for w in ws]
    codes, uniq = pd.factorize(np.array(flat, dtype=object)) if flat else (np.zeros(0, np.int64), np.array([], dtype=object))
    offsets = np.concatenate([[0], np.cumsum([len(ws) for ws in lists])]).astype(np.int64)
    return TokenTable(np.asarray(codes, dtype=np.int32), offsets, np.asarray(uniq, dtype=object))


def _numbers(title: str, text: str) -> list[str]:
    """Figures in the title and the start of the text, as terms ("#69", "#8.2"); one-digit ones left out."""
    out = []
    for m in _NUMBER_RE.findall(f"{title}\n{text[:NUMBER_CHARS]}"):
        m = m.rstrip(".,").replace(",", "")
        if len(m) >= 2:  # "1" and "9" name nothing; "69" or "2020" might
            out.append("#" + m)
    return out


def _weights(blocks: list[sp.csr_matrix], n_terms: int, top_terms: int) -> sp.csr_matrix:
    """Sublinear TF-IDF, rows truncated to their top terms and L2-normalised.

    Terms in a single article cannot join two articles and are dropped first.
    Ties in weight keep the lower column, so the result is deterministic.
    """
    n = sum(b.shape[0] for b in blocks)
    df = sum((np.bincount(b.indices, minlength=n_terms) for b in blocks), np.zeros(n_terms, dtype=np.int64))
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    idf[df < 2] = 0.0
    return sp.vstack([_top_terms(b, idf, top_terms) for b in blocks], format="csr") if blocks else sp.csr_matrix((0, n_terms))


def _top_terms(counts: sp.csr_matrix, idf: np.ndarray, top_terms: int) -> sp.csr_matrix:
    n = counts.shape[0]
    X = sp.csr_matrix(
        ((1.0 + np.log(counts.data.astype(np.float64))) * idf[counts.indices], counts.indices, counts.indptr), shape=counts.shape
    )
    X.eliminate_zeros()
    lengths = np.diff(X.indptr)
    if (lengths > top_terms).any():
        # Rank within row by weight: one stable sort on row + (a fraction falling with weight).
        row = np.repeat(np.arange(n), lengths)
        key = row + (1.0 - X.data / (X.data.max() * (1.0 + 1e-9)))
        order = np.argsort(key, kind="stable")
        rank = np.arange(len(order)) - X.indptr[row[order]]
        keep = np.sort(order[rank < top_terms])
        indptr = np.concatenate([[0], np.cumsum(np.minimum(lengths, top_terms))])
        X = sp.csr_matrix((X.data[keep], X.indices[keep], indptr), shape=X.shape)
    norms = np.sqrt(np.bincount(np.repeat(np.arange(n), np.diff(X.indptr)), weights=X.data**2, minlength=n))
    norms[norms == 0] = 1.0
    X.data /= np.repeat(norms, np.diff(X.indptr))
    return X


# ------------------------------------------------------------------ candidates

PAIR_CHUNK_WORK = 1_000_000  # products of postings per block: bounds the memory of one product


def _chunked_products(Q: sp.csr_matrix, P: sp.csr_matrix, row_ids: np.ndarray | None = None):
    """Yield (i, j, dot) of Q @ P, in blocks of Q's rows of bounded work.

    A row's work is the total length of the index rows it asks for, an upper
    bound on its share of the output, so no block's output exceeds about
    PAIR_CHUNK_WORK entries however the postings are spread. `row_ids` names
    Q's rows (article positions) when Q holds only some articles.
    """
    lengths = np.diff(P.indptr)
    work = np.bincount(np.repeat(np.arange(Q.shape[0]), np.diff(Q.indptr)), weights=lengths[Q.indices], minlength=Q.shape[0])
    present = np.flatnonzero(work > 0)
    cum = np.cumsum(work[present])
    start = 0
    while start < len(present):
        done = cum[start - 1] if start else 0.0
        stop = max(int(np.searchsorted(cum, done + PAIR_CHUNK_WORK, side="right")), start + 1)
        chunk = present[start:stop]
        S = (Q[chunk] @ P).tocoo()
        rows = chunk[S.row]
        yield (rows if row_ids is None else row_ids[rows]), S.col.astype(np.int64), S.data
        start = stop


DATED_BLOCK = 4_000  # dated articles whose keys are built at once: bounds the index's memory


def _dated_products(X: sp.csr_matrix, days: np.ndarray, dated: np.ndarray, p: StoryParams):
    """Products of dated articles with the dated articles of their own and neighbouring buckets.

    Buckets are window_days wide. Articles are taken in blocks of whole,
    consecutive buckets (about DATED_BLOCK articles); a block's articles ask
    an index of the block plus the bucket on either side, so memory follows
    the block, not the corpus, and every pair at most one bucket apart is met.
    """
    window = max(int(p.window_days), 1)
    bucket = days // window
    by_time = dated[np.argsort(bucket[dated], kind="stable")]
    b = bucket[by_time]
    edges = np.flatnonzero(np.diff(b)) + 1  # where a new bucket starts
    bucket_starts = np.concatenate([[0], edges]) if len(b) else np.zeros(0, dtype=np.int64)
    start = 0
    while start < len(bucket_starts):
        # Whole buckets up to DATED_BLOCK articles (at least one bucket).
        limit = bucket_starts[start] + DATED_BLOCK
        stop = max(int(np.searchsorted(bucket_starts, limit, side="right")), start + 1)
        lo = bucket_starts[start]
        hi = bucket_starts[stop] if stop < len(bucket_starts) else len(by_time)
        b_lo, b_hi = b[lo], b[hi - 1]
        around = slice(int(np.searchsorted(b, b_lo - 1)), int(np.searchsorted(b, b_hi + 1, side="right")))
        yield from _window_products(X, bucket, by_time[lo:hi], by_time[around], p)
        start = stop


def _window_products(X: sp.csr_matrix, bucket: np.ndarray, asking: np.ndarray, indexed: np.ndarray, p: StoryParams):
    """Products of `asking` articles with the `indexed` ones (a superset) at most one bucket away.

    Columns are (term, bucket) keys. The index row of a key lists the articles
    holding that term in that bucket or the bucket before or after, so an
    article asking its own keys meets exactly the articles at most one bucket
    away that share a top term. A key held by more than max_postings articles
    is left out of the index.
    """
    n = X.shape[0]
    sub = X[indexed]
    if sub.nnz == 0:
        return
    b = bucket[indexed]
    b = b - b.min()
    nb = int(b.max()) + 2  # a gap, so the last bucket of a term never neighbours the next term
    base = sub.indices.astype(np.int64) * nb + np.repeat(b, np.diff(sub.indptr))
    order = np.argsort(base)
    ordered = base[order]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(first)
    keys = ordered[starts]
    n_keys = len(keys)
    key_sorted = (np.cumsum(first) - 1).astype(np.int32)
    del ordered, first, base
    held = (np.diff(np.append(starts, len(order))) <= p.max_postings)[key_sorted]
    owner = np.repeat(indexed.astype(np.int32), np.diff(sub.indptr))
    own_index = sp.csr_matrix(
        (sub.data[order[held]], owner[order[held]],
         np.concatenate([[0], np.cumsum(np.bincount(key_sorted[held], minlength=n_keys))])),
        shape=(n_keys, n),
    )
    # Keys k and k + 1 of one term in neighbouring buckets are neighbours in sorted order:
    # adding each key's neighbours' rows is one product with a tridiagonal matrix.
    pair = np.flatnonzero(keys[1:] == keys[:-1] + 1)
    near = sp.csr_matrix(
        (np.ones(n_keys + 2 * len(pair)),
         (np.concatenate([np.arange(n_keys), pair, pair + 1]), np.concatenate([np.arange(n_keys), pair + 1, pair]))),
        shape=(n_keys, n_keys),
    )
    index = (near @ own_index).tocsr()
    del near, own_index
    key_of = np.empty(len(order), dtype=np.int32)
    key_of[order] = key_sorted
    queries = sp.csr_matrix((sub.data, key_of, sub.indptr), shape=(len(indexed), n_keys))
    asks = np.flatnonzero(np.isin(indexed, asking))
    yield from _chunked_products(queries[asks], index, indexed[asks])


def _undated_products(X: sp.csr_matrix, undated: np.ndarray, p: StoryParams):
    """Products of undated articles with every article, over terms in at most max_postings articles."""
    df = np.bincount(X.indices, minlength=X.shape[1])
    P = X.copy()
    P.data[df[P.indices] > p.max_postings] = 0.0
    P.eliminate_zeros()
    only_undated = np.zeros(X.shape[0])
    only_undated[undated] = 1.0
    Q = (sp.diags(only_undated) @ P).tocsr()
    return _chunked_products(Q, P.T.tocsr())


def _similar_pairs(X: sp.csr_matrix, days: np.ndarray, p: StoryParams) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Pairs (i < j) of articles whose time-weighted similarity reaches the edge floor."""
    floor = p.edge_floor * p.threshold
    dated = np.flatnonzero(days >= 0)
    undated = np.flatnonzero(days < 0)
    is_undated = days < 0
    found_i, found_j, found_s = [], [], []
    compared = 0
    if len(dated) > 1:
        for i, j, s in _dated_products(X, days, dated, p):
            compared += len(i)
            gap = np.abs(days[i] - days[j])
            s = s * np.exp(-np.maximum(gap - 1, 0) / p.decay_days)
            ok = (j > i) & (gap <= p.window_days) & (s >= floor)
            found_i.append(i[ok]), found_j.append(j[ok]), found_s.append(s[ok])
    if len(undated):
        for i, j, s in _undated_products(X, undated, p):
            compared += len(i)
            ok = (j != i) & (~is_undated[j] | (j > i)) & (s >= floor)  # an undated pair once
            found_i.append(np.minimum(i[ok], j[ok])), found_j.append(np.maximum(i[ok], j[ok])), found_s.append(s[ok])
    cat = lambda parts, dtype: np.concatenate(parts) if parts else np.zeros(0, dtype)  # noqa: E731
    return cat(found_i, np.int64), cat(found_j, np.int64), cat(found_s, np.float64), compared


# ------------------------------------------------------------------ clustering


def _average_linkage(
    n: int, i: np.ndarray, j: np.ndarray, s: np.ndarray, threshold: float,
    days: np.ndarray | None = None, max_span: float = math.inf,
) -> np.ndarray:
    """Group-average agglomerative clustering on a sparse similarity graph; a group number per article.

    Missing pairs count as similarity 0, so this is exact average linkage over
    the full matrix, stopped at `threshold`, computed only from the edges. A
    merge whose dated members (days >= 0) would span more than max_span days
    is refused. The heap holds (-average, a, b); entries made stale by a merge
    are recognised by the clusters' version numbers. Ties break on cluster
    numbers, so the result is deterministic.
    """
    # Two groups merge only if some pair across them reaches the threshold (an
    # average never exceeds its largest term), so stories lie inside the
    # connected components of the strong edges: weaker edges elsewhere are dropped.
    strong = s >= threshold
    _, component = connected_components(sp.coo_matrix((np.ones(int(strong.sum())), (i[strong], j[strong])), shape=(n, n)), directed=False)
    inside = component[i] == component[j]
    i, j, s = i[inside], j[inside], s[inside]
    adj: list[dict[int, float]] = [dict() for _ in range(n)]
    for a, b, w in zip(i.tolist(), j.tolist(), s.tolist()):
        if a != b:
            adj[a][b] = adj[a].get(b, 0.0) + w
            adj[b][a] = adj[b].get(a, 0.0) + w
    size = [1] * n
    version = [0] * n
    known = days.tolist() if days is not None else [-1] * n
    lo = [d if d >= 0 else math.inf for d in known]  # first and last day of each group's dated members
    hi = [d if d >= 0 else -math.inf for d in known]
    heap = [(-w, a, b, 0, 0) for a in range(n) for b, w in adj[a].items() if a < b and w >= threshold]
    heapq.heapify(heap)
    parent = list(range(n))
    while heap:
        neg, a, b, va, vb = heapq.heappop(heap)
        if version[a] != va or version[b] != vb or size[a] == 0 or size[b] == 0:
            continue
        if -neg < threshold:
            break
        if max(hi[a], hi[b]) - min(lo[a], lo[b]) > max_span:
            continue  # the same words too far apart in time: this pair of groups stays apart
        if len(adj[a]) < len(adj[b]):
            a, b = b, a  # merge the smaller neighbourhood into the larger
        parent[b] = a
        del adj[a][b], adj[b][a]
        for c, w in adj[b].items():
            del adj[c][b]
            adj[a][c] = adj[a].get(c, 0.0) + w
            adj[c][a] = adj[a][c]
        adj[b] = {}
        size[a] += size[b]
        size[b] = 0
        lo[a], hi[a] = min(lo[a], lo[b]), max(hi[a], hi[b])
        version[a] += 1
        for c, w in adj[a].items():
            avg = w / (size[a] * size[c])
            if avg >= threshold:
                x, y = (a, c) if a < c else (c, a)
                heapq.heappush(heap, (-avg, x, y, version[x], version[y]))
    root = np.array(parent)
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            return root
        root = nxt


# ------------------------------------------------------------------ results


def _title_or_none(title: object) -> str | None:
    if _is_missing(title):
        return None
    t = " ".join(str(title).split())
    return None if t.casefold() in _MISSING_TITLES else t


def _iso_day(day: int) -> str:
    return dt.date.fromordinal(int(day)).isoformat()


def _label(title: str, first: str | None, last: str | None) -> str:
    if first is None:
        return f"{title} · undated"
    return f"{title} · {first}" if first == last else f"{title} · {first} to {last}"


def _build_stories(
    labels: np.ndarray,
    titles: Sequence[object],
    days: np.ndarray,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    X: sp.csr_matrix | None = None,
    vocab: np.ndarray | None = None,
) -> list[Story]:
    """Per story: its most central titled member, date span, members.

    The most central member is the one with the largest summed similarity to
    the rest of its story (its weighted degree inside the story): the article
    that best speaks for the others. Without edges (a story column) it is the
    first titled member.
    """
    n = len(labels)
    if n == 0:
        return []
    n_stories = int(labels.max())
    clean = [_title_or_none(t) for t in titles]
    titled = np.array([t is not None for t in clean])
    centrality = np.zeros(n)
    if edges is not None:
        i, j, s = edges
        same = labels[i] == labels[j]
        centrality = np.bincount(i[same], weights=s[same], minlength=n) + np.bincount(j[same], weights=s[same], minlength=n)
    # Representative: titled before untitled, then most central, then first in the corpus.
    ranked = np.lexsort((np.arange(n), -centrality, ~titled, labels))
    starts = np.searchsorted(labels[ranked], np.arange(1, n_stories + 1))
    reps = ranked[starts]
    by_story = np.argsort(labels, kind="stable")  # members of a story stay in corpus order
    members = np.split(by_story, starts[1:])
    d = days[by_story]
    big = np.iinfo(np.int64).max
    first = np.minimum.reduceat(np.where(d >= 0, d, big), starts)
    last = np.maximum.reduceat(d, starts)
    stories = []
    for sid in range(1, n_stories + 1):
        rep = int(reps[sid - 1])
        title = clean[rep]
        m = members[sid - 1]
        if title is None:
            title = (_key_terms(X, vocab, m) if X is not None and vocab is not None else "") or f"story {sid}"
        lo, hi = (None, None) if last[sid - 1] < 0 else (_iso_day(first[sid - 1]), _iso_day(last[sid - 1]))
        stories.append(Story(sid, _label(title, lo, hi), title, lo, hi, len(m), m.tolist(), rep))
    return stories


def _key_terms(X: sp.csr_matrix, vocab: np.ndarray, members: np.ndarray, n: int = 4) -> str:
    """The heaviest terms of a story's summed vectors: a name for a story without titles."""
    total = np.asarray(X[members].sum(axis=0)).ravel()
    top = np.lexsort((np.arange(len(total)), -total))[:n]
    return ", ".join(str(vocab[t]).lstrip("#") for t in top if total[t] > 0)


def find_stories(
    titles: Sequence[object],
    texts: Sequence[str],
    dates: Sequence[str | None],
    *,
    text_tokens: TokenTable | None = None,
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] | Sequence[frozenset[str]] = STOP_WORDS,
    params: StoryParams = StoryParams(),
) -> StoryResult:
    """Group articles into stories from their titles, texts and dates; no count is given.

    `texts` are the cleaned article texts. `text_tokens`, when given, are their
    content tokens as the pipeline made them (`tokenize_many` with the same
    aliases and stop words): they are reused, and only titles are tokenised
    here. Without them only the part of each text that is read (BODY_TOKENS
    content words, about 12 characters each) is tokenised. `stop_words` is one
    set, or one per article (its language's), as tokens.tokenize_many takes.
    """
    n = len(texts)
    if not (len(titles) == n == len(dates)):
        raise ValueError(f"{len(titles)} titles, {n} texts and {len(dates)} dates: they must pair up one to one")
    if text_tokens is not None and len(text_tokens) != n:
        raise ValueError(f"{len(text_tokens)} token lists for {n} texts: they must pair up one to one")
    notices: list[str] = []
    days = _day_numbers(dates, notices)
    if n == 0:
        return StoryResult(np.zeros(0, dtype=np.int64), [], "auto", notices, 0)
    clean_titles = [_title_or_none(t) or "" for t in titles]
    if text_tokens is None:
        head_chars = params.body_tokens * 12
        text_tokens = tokenize_many([t[:head_chars] for t in texts], aliases, stop_words)
    title_tokens = tokenize_many(clean_titles, aliases, stop_words)
    numbers = _table_from_lists([_numbers(t, x) for t, x in zip(clean_titles, texts)])
    blocks, vocab = _weighted_counts(text_tokens, title_tokens, numbers, params)
    X = _weights(blocks, len(vocab), params.top_terms)
    i, j, s, compared = _similar_pairs(X, days, params)
    groups = _average_linkage(n, i, j, s, params.threshold, days, params.max_span_days)
    labels = canonical_ids(groups)
    undated = int((days < 0).sum())
    if undated:
        notices.append(f"{undated} article(s) have no date; they were grouped into stories by their text alone.")
    return StoryResult(labels, _build_stories(labels, titles, days, (i, j, s), X, vocab), "auto", notices, compared)


def find_story_column(extras: Sequence[Mapping[str, object]]) -> str | None:
    """The corpus's story field (`event_id`, `event` or `story`, in that order), if any article has a value in it."""
    for name in STORY_COLUMNS:
        if any(not _is_missing(e.get(name)) for e in extras):
            return name
    return None


def stories_from_column(
    values: Sequence[object], titles: Sequence[object] | None = None, dates: Sequence[str | None] | None = None
) -> StoryResult:
    """Stories as a corpus's own story column (`event_id`, `event` or `story`) names them.

    An article with no value is a story of its own, and the notice says how
    many there were. Titles and dates, when given, make the labels readable.
    """
    n = len(values)
    titles = list(titles) if titles is not None else [None] * n
    dates = list(dates) if dates is not None else [None] * n
    if not (len(titles) == n == len(dates)):
        raise ValueError(f"{n} story values, {len(titles)} titles and {len(dates)} dates: they must pair up one to one")
    notices: list[str] = []
    days = _day_numbers(dates, notices)
    ids: dict[str, int] = {}
    raw = np.zeros(n, dtype=np.int64)
    missing = 0
    for pos, value in enumerate(values):
        if _is_missing(value):
            missing += 1
            raw[pos] = len(ids) + n + pos  # a story of its own, after every named one
        else:
            raw[pos] = ids.setdefault(str(value).strip(), len(ids))
    if missing:
        notices.append(f"{missing} article(s) have no story value; each is a story of its own.")
    labels = canonical_ids(raw) if n else np.zeros(0, dtype=np.int64)
    stories = _build_stories(labels, titles, days)
    return StoryResult(labels, stories, "column", notices, 0)


# ------------------------------------------------------------------ what each story holds

RATING_NAME_RE = re.compile(r"bias|lean|rating|slant|stance|ideolog", re.IGNORECASE)
RATING_MAX_VALUES = 10  # a rating is a short scale (left/center/right, 1..5), not a free field


def rating_columns(extras: Sequence[Mapping[str, object]]) -> list[str]:
    """The corpus fields that rate an outlet or article on a short scale (`bias`, `lean`, `rating`, ...).

    A field counts when its name says so and it holds 2 to RATING_MAX_VALUES
    distinct values. A field that only recodes one already kept (AllSides'
    `bias_num` 0/1/2 beside `bias` left/center/right) is left out: it would
    count the same articles twice under other names. Named fields come before
    numeric codes.
    """
    names = sorted({k for e in extras for k in e if isinstance(k, str) and RATING_NAME_RE.search(k)})
    candidates = []
    for name in names:
        values = [None if _is_missing(e.get(name)) else str(e.get(name)).strip() for e in extras]
        distinct = {v for v in values if v is not None}
        if 2 <= len(distinct) <= RATING_MAX_VALUES:
            numeric = all(re.fullmatch(r"-?[0-9.]+", v) for v in distinct)
            candidates.append((numeric, name, values))
    kept: list[tuple[str, np.ndarray]] = []
    for _numeric, name, values in sorted(candidates, key=lambda c: (c[0], c[1])):
        codes = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)[0]
        if not any(np.array_equal(codes, other) for _, other in kept):
            kept.append((name, codes))
    return [name for name, _ in kept]


def describe_stories(
    result: StoryResult, sources: Sequence[str], extras: Sequence[Mapping[str, object]], ratings: Sequence[str]
) -> list[StoryInfo]:
    """Each story's outlets (articles per source, most first) and counts per value of each rating column."""
    made_by = "column" if result.origin == "column" else "text"
    infos = []
    for story in result.stories:
        outlets = Counter(str(sources[m]) for m in story.members)
        counted = {}
        for column in ratings:
            values = Counter(str(extras[m][column]).strip() for m in story.members if not _is_missing(extras[m].get(column)))
            counted[column] = dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0])))
        infos.append(
            StoryInfo(
                id=story.id,
                label=story.label,
                title=story.title,
                first_date=story.first_date,
                last_date=story.last_date,
                size=story.size,
                outlets=dict(sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))),
                ratings=counted,
                source=made_by,
            )
        )
    return infos
