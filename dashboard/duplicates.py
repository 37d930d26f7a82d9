"""Copies and light edits of one text across a corpus.

Syndicated wire copy, aggregator re-posts and lightly edited translations would
otherwise count as several outlets framing a story the same way. Each text is
cut into word shingles (runs of SHINGLE_WORDS content tokens), candidate pairs
come from MinHash LSH, and every candidate is verified on the exact shingle
sets, so the result does not depend on MinHash luck except for what is missed.

Why a numpy MinHash and not datasketch: datasketch builds one MinHash object
per document from Python; on the 5,083 AllSides event articles its MinHash
step took 4.6 s against 0.26 s here for the same 64 permutations (the whole
`find_duplicates` takes ~1 s), and every step here is linear in the number of
shingles or a sort, so 37,554 articles take ~15 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain, combinations
from typing import Sequence

import numpy as np
import pandas as pd

from .tokens import TokenTable

# 3 content words: with stop words gone, a 3-shingle is specific enough that
# two unrelated articles rarely share one, yet one reworded word only breaks 3.
SHINGLE_WORDS = 3
# Verified similarity (see `_similarity`) at which two texts are one text.
# The seeds' two versions of one article (photo captions, an aggregator
# notice, a reworded translation) score 0.67; different articles quoting the
# same statement score <= 0.05. In the AllSides corpus wire copies score >= 0.8,
# while pages that share only site furniture (photo-gallery captions) reach 0.5.
DEFAULT_THRESHOLD = 0.6
# Verifying by containment needs the smaller text to be a real share of the
# larger: a one-paragraph brief inside a long round-up is a quoted passage
# (see `find_passage_duplicates`), not a copy of the article.
MIN_SIZE_RATIO = 0.5
# LSH: 32 bands of 2 rows over 64 permutations. The chance that a pair becomes a
# candidate is 1-(1-J^2)^32: 0.95 at Jaccard 0.3, 0.9993 at 0.47, 0.077 at 0.05.
N_PERMUTATIONS = 64
ROWS_PER_BAND = 2
# A bucket larger than this is checked as a star (first member against each
# other) rather than all pairs, so a text repeated 1,000 times costs 999 checks.
MAX_CLIQUE_BUCKET = 30

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_RNG_SEED = 20220106  # fixed: the same corpus always gives the same candidates


@dataclass
class DuplicateReport:
    groups: list[list[str]]  # doc ids, each group in input order, first = canonical
    duplicate_of: dict[str, str]  # non-canonical id -> canonical id
    originality: dict[str, float]  # id -> share of its shingles found in no other text
    similarity: dict[tuple[str, str], float]  # verified similarity of each reported pair
    candidates: int = field(default=0)  # LSH candidate pairs checked (for scaling checks)


@dataclass
class _Shingles:
    """Distinct shingle hashes of every text, sorted by text then hash."""

    hashes: np.ndarray  # uint64
    starts: np.ndarray  # int64, n_texts + 1; text i is hashes[starts[i]:starts[i+1]]

    def of(self, i: int) -> np.ndarray:
        return self.hashes[self.starts[i] : self.starts[i + 1]]

    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)


def _splitmix(x: np.ndarray) -> np.ndarray:
    """Scramble 64-bit values so combined token hashes spread over all bits."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _token_hashes(token_lists: Sequence[Sequence[str]] | TokenTable):
    """Offsets and a function giving the content-derived 64-bit hashes of a token range.

    Hashes come from the token text, so input order cannot change them; they
    are produced a range at a time so 40,000 articles never need every
    token's hash in memory at once.
    """
    if isinstance(token_lists, TokenTable):
        vocab_hash = pd.util.hash_array(np.asarray(token_lists.vocab, dtype=object))
        ids = token_lists.ids
        return np.asarray(token_lists.offsets, dtype=np.int64), lambda lo, hi: vocab_hash[ids[lo:hi]]
    lengths = np.fromiter((len(t) for t in token_lists), dtype=np.int64, count=len(token_lists))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.fromiter(chain.from_iterable(token_lists), dtype=object, count=int(offsets[-1]))
    hashes = pd.util.hash_array(flat) if len(flat) else np.zeros(0, dtype=np.uint64)
    return offsets, lambda lo, hi: hashes[lo:hi]


SHINGLE_CHUNK_TOKENS = 2_000_000  # tokens hashed at once: bounds this stage's memory


def _shingle_keys(tok: np.ndarray, offsets: np.ndarray, first_text: int, text_bits: int, n: int) -> np.ndarray:
    """Sorted distinct (text << shift | shingle hash) keys of consecutive texts."""
    n_texts = len(offsets) - 1
    lengths = np.diff(offsets)
    total = len(tok)
    text_of = np.repeat(np.arange(n_texts, dtype=np.int64), lengths)
    pos = np.arange(total, dtype=np.int64) - offsets[:-1][text_of]
    room = lengths[text_of] - pos  # tokens left in the text from each position
    padded = np.concatenate([tok, np.zeros(n, dtype=np.uint64)])
    combined = np.zeros(total, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            word = np.where(room > k, padded[k : k + total], np.uint64(0))
            combined = _splitmix(combined + word + np.uint64(k + 1))
    keep = pos <= np.maximum(lengths - n, 0)[text_of]
    text_of, combined = text_of[keep] + first_text, combined[keep]
    shift = np.uint64(64 - text_bits)
    keys = np.sort((text_of.astype(np.uint64) << shift) | (combined >> np.uint64(text_bits)))
    distinct = np.ones(len(keys), dtype=bool)
    distinct[1:] = keys[1:] != keys[:-1]
    return keys[distinct]


def _shingles(token_lists: Sequence[Sequence[str]] | TokenTable, n: int = SHINGLE_WORDS) -> _Shingles:
    """Hash every run of n tokens; a text shorter than n is one shingle of all its tokens."""
    offsets, hashes_of = _token_hashes(token_lists)
    n_texts = len(offsets) - 1
    text_bits = max(1, int(max(n_texts - 1, 0)).bit_length())
    shift = np.uint64(64 - text_bits)
    parts: list[np.ndarray] = []
    start = 0
    while start < n_texts:
        # Whole texts per chunk; keys carry the text number in their high bits,
        # so chunks taken in text order concatenate into one sorted array.
        end = int(np.searchsorted(offsets, offsets[start] + SHINGLE_CHUNK_TOKENS, side="right")) - 1
        end = min(max(end, start + 1), n_texts)
        lo, hi = int(offsets[start]), int(offsets[end])
        parts.append(_shingle_keys(hashes_of(lo, hi), offsets[start : end + 1] - lo, start, text_bits, n))
        start = end
    keys = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    del parts
    # Each text's first key, found on the keys themselves; then the text bits are masked off in place
    # (no second array of the corpus' size: on 37,554 articles each holds 27 M shingles, 220 MB).
    starts = np.searchsorted(keys, np.arange(n_texts + 1, dtype=np.uint64) << shift, side="left").astype(np.int64)
    starts[-1] = len(keys)
    np.bitwise_and(keys, (np.uint64(1) << shift) - np.uint64(1), out=keys)
    return _Shingles(keys, starts)


def shingle_sets(token_lists: Sequence[Sequence[str]] | TokenTable, text_bits: int = 20) -> list[np.ndarray]:
    """Each text's distinct shingle hashes (sorted uint64), the same for a text whatever it is hashed with.

    `_shingles` packs the text number into a key's high bits, so how many
    bits a hash keeps depends on how many texts are hashed together. Here
    that width is fixed: (64 - text_bits)-bit hashes, comparable between
    texts hashed in different calls (the Spark engine hashes each partition
    apart). Up to 2**text_bits texts per call.
    """
    offsets, hashes_of = _token_hashes(token_lists)
    n_texts = len(offsets) - 1
    if n_texts >= 2**text_bits:
        raise ValueError(f"{n_texts} texts do not fit {text_bits} bits; hash them in smaller batches")
    if n_texts == 0:
        return []
    keys = _shingle_keys(hashes_of(0, int(offsets[-1])), offsets, 0, text_bits, SHINGLE_WORDS)
    shift = np.uint64(64 - text_bits)
    owner = (keys >> shift).astype(np.int64)
    hashes = keys & ((np.uint64(1) << shift) - np.uint64(1))
    starts = np.searchsorted(owner, np.arange(n_texts + 1), side="left")
    return [hashes[starts[i] : starts[i + 1]] for i in range(n_texts)]


def _originality(sh: _Shingles) -> np.ndarray:
    """Share of each text's distinct shingles that occur in no other text (1.0 for an empty text)."""
    sizes = sh.sizes()
    if len(sh.hashes) == 0:
        return np.ones(len(sizes))
    # Hashes that occur more than once, found with a plain sort: numpy's np.unique and
    # argsort were each ~10x slower than np.sort on 17 M hashes.
    ordered = np.sort(sh.hashes)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if len(repeated):
        keep = np.ones(len(repeated), dtype=bool)
        keep[1:] = repeated[1:] != repeated[:-1]
        repeated = repeated[keep]
        del ordered
        alone = np.empty(len(sh.hashes), dtype=bool)
        for lo in range(0, len(sh.hashes), SHINGLE_CHUNK_TOKENS):  # positions are int64: a chunk at a time
            part = sh.hashes[lo : lo + SHINGLE_CHUNK_TOKENS]
            at = np.minimum(np.searchsorted(repeated, part), len(repeated) - 1)
            alone[lo : lo + len(part)] = repeated[at] != part
    else:
        alone = np.ones(len(sh.hashes), dtype=bool)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    unique_here = np.bincount(owner, weights=alone, minlength=len(sizes))
    return np.where(sizes > 0, unique_here / np.maximum(sizes, 1), 1.0)


def _minhash(sh: _Shingles, texts: np.ndarray) -> np.ndarray:
    """MinHash signatures (len(texts) x N_PERMUTATIONS) of the non-empty `texts`.

    Permutation k maps a shingle hash h to a*h + b mod 2^64 with odd a: a
    bijection, and h is already a scrambled hash, so the minima behave as
    independent samples of the shingle set. One permutation at a time over
    the flat hash array with a 1-D reduceat is ~4x faster than a 2-D block.
    """
    rng = np.random.default_rng(_RNG_SEED)
    a = rng.integers(0, 2**63, N_PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, N_PERMUTATIONS, dtype=np.uint64)
    sig = np.empty((len(texts), N_PERMUTATIONS), dtype=np.uint64)
    starts = sh.starts[texts]  # non-empty texts' shingles are contiguous and in order
    permuted = np.empty(len(sh.hashes), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(N_PERMUTATIONS):
            np.multiply(sh.hashes, a[k], out=permuted)
            np.add(permuted, b[k], out=permuted)
            sig[:, k] = np.minimum.reduceat(permuted, starts)
    return sig


def _candidate_pairs(sig: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """Pairs (i < j, as text numbers) sharing at least one LSH band bucket; sorted, distinct."""
    n_bands = N_PERMUTATIONS // ROWS_PER_BAND
    found: list[np.ndarray] = []
    for band in range(n_bands):
        cols = sig[:, band * ROWS_PER_BAND : (band + 1) * ROWS_PER_BAND]
        key = cols[:, 0]
        with np.errstate(over="ignore"):
            for r in range(1, ROWS_PER_BAND):
                key = _splitmix(key * np.uint64(0x9E3779B97F4A7C15) + cols[:, r])
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        boundary = np.flatnonzero(np.diff(sorted_key) != 0) + 1
        run_starts = np.concatenate([[0], boundary])
        run_ends = np.concatenate([boundary, [len(sorted_key)]])
        for s, e in zip(run_starts[run_ends - run_starts > 1], run_ends[run_ends - run_starts > 1]):
            members = np.sort(texts[order[s:e]])
            if len(members) <= MAX_CLIQUE_BUCKET:
                pairs = np.array(list(combinations(members, 2)), dtype=np.int64)
            else:
                pairs = np.column_stack([np.full(len(members) - 1, members[0]), members[1:]])
            found.append(pairs)
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    return np.unique(pairs, axis=0)


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Containment of the smaller shingle set in the larger, if sizes are comparable; else Jaccard.

    Containment rather than Jaccard because a re-post that adds photo captions,
    a "this article was indexed" notice or a few sentences is still the same
    text, and Jaccard falls with every added line while containment does not.
    When one text is less than MIN_SIZE_RATIO of the other, Jaccard is used so
    a short excerpt does not make the long article a "copy".
    """
    inter = len(np.intersect1d(a, b, assume_unique=True))
    small, large = sorted((len(a), len(b)))
    if small == 0:
        return 0.0
    if small >= MIN_SIZE_RATIO * large:
        return inter / small
    return inter / (small + large - inter)


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            # The smaller input position is the root, so the root is the canonical text.
            self.parent[max(ri, rj)] = min(ri, rj)


def _report(
    ids: Sequence[str],
    token_lists: Sequence[Sequence[str]] | TokenTable,
    threshold: float,
    owners: Sequence[str] | None,
) -> DuplicateReport:
    if len(ids) != len(token_lists):
        raise ValueError(f"{len(ids)} ids but {len(token_lists)} token lists: they must pair up one to one")
    keys = [str(i) for i in ids]
    if len(set(keys)) != len(keys):
        raise ValueError("ids must be distinct: a duplicate report names each text once")
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    sh = _shingles(token_lists)
    originality = _originality(sh)
    texts = np.flatnonzero(sh.sizes() > 0)
    pairs = _candidate_pairs(_minhash(sh, texts), texts) if len(texts) > 1 else np.zeros((0, 2), np.int64)
    uf = _UnionFind(len(keys))
    similarity: dict[tuple[str, str], float] = {}
    for i, j in pairs.tolist():
        if owners is not None and owners[i] == owners[j]:
            continue
        s = _similarity(sh.of(i), sh.of(j))
        if s >= threshold:
            similarity[(keys[i], keys[j])] = round(s, 4)
            uf.union(i, j)
    members: dict[int, list[int]] = {}
    for i in range(len(keys)):
        members.setdefault(uf.find(i), []).append(i)
    groups = [[keys[i] for i in m] for root, m in sorted(members.items()) if len(m) > 1]
    return DuplicateReport(
        groups=groups,
        duplicate_of={d: g[0] for g in groups for d in g[1:]},
        originality={k: float(o) for k, o in zip(keys, originality)},
        similarity=similarity,
        candidates=len(pairs),
    )


def find_duplicates(
    ids: Sequence[str],
    token_lists: Sequence[Sequence[str]] | TokenTable,
    threshold: float = DEFAULT_THRESHOLD,
) -> DuplicateReport:
    """Group texts that are copies or light edits of each other; the first of a group is canonical.

    `token_lists` are the content tokens from `tokens.tokenize` (or the
    pipeline's TokenTable, which skips re-hashing token strings). Groups are
    connected components of verified pairs, so A~B and B~C put A, B, C in one
    group even if A and C differ more.
    """
    return _report(ids, token_lists, threshold, owners=None)


def find_passage_duplicates(
    ids: Sequence[str | int],
    token_lists: Sequence[Sequence[str]] | TokenTable,
    owners: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> DuplicateReport:
    """The same mechanism over passages, for "copied passage" flags.

    `owners` (the article id of each passage) makes passages of one article
    never count as copies of each other; originality still counts them, so a
    paragraph repeated inside its own article is not "original" either.
    """
    if owners is not None and len(owners) != len(ids):
        raise ValueError(f"{len(ids)} passages but {len(owners)} owners: they must pair up one to one")
    return _report([str(i) for i in ids], token_lists, threshold, owners)
