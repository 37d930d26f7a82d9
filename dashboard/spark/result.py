"""A Spark result folder read back as an Analysis, with key terms from its count tables; no Spark needed.

The folder (written by engine.write_result) holds Parquet tables and a
manifest. Opening it builds the Analysis the dashboard and the CLI already
read: documents, units (one per article), clusters, stories, copies,
aliases, notices, the frame lexicon and model, the corpus as loaded and its
load report. The TF-IDF rows are read only when a view asks for them
(article similarity, learned words), so a large result opens on its
documents alone. Key terms between two groups read the two groups' counts
from `term_counts/` and the background's (read once), so a comparison costs
two filtered reads and one log-odds, not an analysis; groups the folder has
no counts for (dates, chosen articles) are counted from its tokens.

Only pyarrow, pandas and numpy are imported here: the dashboard does not get
pyspark (Community Cloud must not install it).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from functools import cached_property
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import scipy.sparse as sp

from .. import frame_model as fm
from .. import keyterms
from ..errors import FramelensError
from ..frames import load_frames
from ..groups import GroupSpec, _spellings
from ..models import Analysis, Article, ClusterInfo, Corpus, LoadIssue, Removal, Settings
from ..tokens import stop_words_with

MANIFEST = "manifest.json"
FORMAT = 1  # bumped when the tables change shape


class ResultFolderError(FramelensError):
    """A folder that should hold a Spark result cannot be read as one; the message says why."""


def is_result_folder(path: str | Path) -> bool:
    return (Path(path) / MANIFEST).is_file()


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResultFolderError(f"{folder} is not a readable Framelens result folder: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise ResultFolderError(f"{folder} was written in result format {manifest.get('format')!r}; "
                                f"this version reads format {FORMAT}: analyse the corpus again")
    return manifest


def _table(folder: Path, name: str, columns: Sequence[str] | None = None) -> pa.Table:
    path = folder / name
    if not path.exists():
        raise ResultFolderError(f"{folder} lacks its {name} table: the result folder is incomplete")
    return pq.read_table(path, columns=list(columns) if columns else None)


def _settings(values: dict) -> Settings:
    known = {f.name for f in dataclasses.fields(Settings)}
    given = {k: (tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v)
             for k, v in values.items() if k in known}
    return Settings(**given)


class ResultVectors:
    """What an Analysis' `vectors` offers, from the folder: token counts at once, TF-IDF rows when first asked for."""

    def __init__(self, folder: Path, n_tokens: np.ndarray, terms_count: int):
        self.folder = folder
        self.n_tokens = n_tokens
        self._terms_count = terms_count
        self._lock = threading.Lock()

    @cached_property
    def terms(self) -> np.ndarray:
        return np.asarray(_table(self.folder, "vocabulary.parquet", ["term"]).column("term").to_pylist(), dtype=str)

    @property
    def tfidf(self) -> sp.csr_matrix:
        with self._lock:
            if "_tfidf" not in self.__dict__:
                table = _table(self.folder, "tfidf", ["pos", "tfidf"]).sort_by("pos")
                rows = table.column("tfidf").combine_chunks()
                indices, values = rows.field("indices"), rows.field("values")
                indptr = np.asarray(indices.offsets, dtype=np.int64)
                self.__dict__["_tfidf"] = sp.csr_matrix(
                    (np.asarray(values.flatten(), dtype=np.float32), np.asarray(indices.flatten(), dtype=np.int32),
                     indptr - indptr[0]), shape=(len(self.n_tokens), self._terms_count))
            return self.__dict__["_tfidf"]

    def column(self, term: str) -> int | None:
        i = int(np.searchsorted(self.terms, term))
        return i if i < len(self.terms) and self.terms[i] == term else None


@dataclasses.dataclass
class _Counts:
    hashes: np.ndarray  # int64, sorted, distinct
    counts: np.ndarray  # int64
    terms: pa.Array  # strings, aligned with hashes
    n_tokens: int


LOCAL_TOKENS_MAX = 200_000  # articles whose tokens the dashboard will hold for views that read them one by one


class GroupTermCounts:
    """Key terms between two groups from the folder's per-group n-gram counts (keyterms.log_odds on them).

    Stands where an Analysis keeps its NgramCounter; queries.key_terms asks it
    through `compare_specs`. Groups it can answer: cluster, frame, story,
    source, language, the counted corpus columns, all and rest. Views that
    count words article by article (a story's outlets against each other,
    side by side, suggested frames) get the NgramCounter itself, built from
    the folder's tokens when first asked: every other attribute is that
    counter's, for results of up to LOCAL_TOKENS_MAX articles.
    """

    def __init__(self, folder: Path, columns: list[str], background_tokens: int, ngram_max: int,
                 in_fit: np.ndarray):
        self.folder = folder
        self.columns = list(columns)
        self.background_tokens = int(background_tokens)
        self.ngram_max = ngram_max
        self.in_fit = np.asarray(in_fit, dtype=bool)
        self._background: _Counts | None = None
        self._lock = threading.Lock()
        self._sizes = pq.read_table(folder / "group_sizes.parquet").to_pandas()

    @cached_property
    def counter(self) -> keyterms.NgramCounter:
        """The local engine's counter over the folder's stored tokens (read once, when a view needs it)."""
        from .batches import token_table

        if len(self.in_fit) > LOCAL_TOKENS_MAX:
            raise ResultFolderError(
                f"this view counts words article by article, and this Spark result has {len(self.in_fit):,} "
                f"articles (the dashboard holds the words of at most {LOCAL_TOKENS_MAX:,}): compare groups on "
                "Key terms instead, or analyse a part of the corpus")
        table = _table(self.folder, "tokens", ["pos", "tokens", "breaks"]).sort_by("pos")
        tokens = token_table(table.column("tokens").combine_chunks(), table.column("breaks").combine_chunks())
        return keyterms.NgramCounter(tokens, self.ngram_max, self.in_fit)

    def __getattr__(self, name: str):
        if name.startswith("_") or name == "counter":
            raise AttributeError(name)
        return getattr(self.counter, name)

    @property
    def stored_background(self) -> _Counts:
        """The background's stored counts (every n-gram used twice or more, copies left out), read once."""
        with self._lock:
            if self._background is None:
                table = pq.read_table(self.folder / "background.parquet", columns=["hash", "term", "count"])
                self._background = _Counts(np.asarray(table.column("hash")), np.asarray(table.column("count")),
                                           table.column("term").combine_chunks(), self.background_tokens)
            return self._background

    @cached_property
    def _dataset(self) -> ds.Dataset:
        return ds.dataset(self.folder / "term_counts", format="parquet", partitioning="hive")

    def _rows(self, column: str, values: list[str], fields: list[str]) -> pa.Table:
        """The stored rows of some values of one column (a filtered read: the rows are sorted by value)."""
        chosen = ds.field("value") == values[0] if len(values) == 1 else ds.field("value").isin(values)
        return self._dataset.to_table(columns=fields, filter=(ds.field("column") == column) & chosen)

    def _group(self, column: str, values: list[str]) -> _Counts:
        table = self._rows(column, values, ["hash", "count"])
        if len(values) > 1 and len(table):
            table = table.group_by(["hash"]).aggregate([("count", "sum")]).rename_columns(["hash", "count"])
        table = table.sort_by("hash")
        sizes = self._sizes[(self._sizes["column"] == column) & self._sizes["value"].isin(values)]
        return _Counts(np.asarray(table.column("hash")), np.asarray(table.column("count"), dtype=np.int64),
                       None, int(sizes["tokens"].sum()))

    def _stored(self, analysis: Analysis, spec: GroupSpec) -> bool:
        """Whether a group's counts are in the folder (else the stored tokens answer: a date range, some articles,
        a story of one article, a column not counted by value)."""
        kind = spec.kind
        if kind in ("all", "rest", "cluster", "frame"):
            return True
        if kind in ("date", "doc"):
            return False
        column = "source" if kind == "source" else spec.canonical(analysis).kind
        if column not in ("source", "story", "language", *self.columns):
            return False
        values = set(_spellings(analysis, column, spec.value))
        stored = self._sizes[self._sizes["column"] == column]["value"]
        return values <= set(stored)

    def _side(self, analysis: Analysis, spec: GroupSpec) -> _Counts:
        """A stored group's counts ("rest", group B only, is taken from the background in compare_specs)."""
        kind = spec.kind
        if kind == "all":
            return self.stored_background
        if kind == "cluster":
            return self._group("cluster", [spec.value])
        if kind == "frame":
            return self._group("frame", [spec.canonical(analysis).value])
        column = "source" if kind == "source" else spec.canonical(analysis).kind
        return self._group(column, _spellings(analysis, column, spec.value))

    def compare_specs(self, analysis: Analysis, spec_a: GroupSpec, spec_b: GroupSpec, mask_a: np.ndarray,
                      mask_b: np.ndarray, min_count: int = keyterms.MIN_TERM_COUNT) -> pd.DataFrame:
        """keyterms.compare_groups and mark_outlet_names for two group specs, from the stored counts.

        `mask_a` and `mask_b` are the groups' units (queries.group_masks),
        for naming the outlets in play.
        """
        if not (self._stored(analysis, spec_a) and self._stored(analysis, spec_b)):
            # Groups the folder has no counts for are counted from its tokens, as the local engine counts.
            terms = keyterms.compare_groups(self.counter, mask_a, mask_b)
            source_of = dict(zip(analysis.documents["id"], analysis.documents["source"]))
            unit_sources = analysis.units["doc_id"].map(source_of).to_numpy(dtype=object)
            return keyterms.mark_outlet_names(self.counter, terms, mask_a, mask_b, unit_sources)
        a = self._side(analysis, spec_a)
        if spec_b.kind == "rest":
            # A against the rest: every term is in the background, so B's counts are the background's less A's,
            # aligned with the background as they are: one lookup instead of a union and four.
            bg = self.stored_background
            y_a = _lookup(a, bg.hashes)
            y_b = np.maximum(bg.counts - y_a, 0)
            at_bg = np.flatnonzero(y_a + y_b >= max(int(min_count), 1))
            hashes, y_a, y_b, background = bg.hashes[at_bg], y_a[at_bg], y_b[at_bg], bg.counts[at_bg]
            texts = pd.array(bg.terms.take(pa.array(at_bg)), dtype="str")
            b = _Counts(np.zeros(0, np.int64), np.zeros(0, np.int64), None, bg.n_tokens - a.n_tokens)
        else:
            b = self._side(analysis, spec_b)
            hashes = _union(a.hashes, b.hashes)
            y_a, y_b = _lookup(a, hashes), _lookup(b, hashes)
            keep = y_a + y_b >= max(int(min_count), 1)
            hashes, y_a, y_b = hashes[keep], y_a[keep], y_b[keep]
            texts = self._texts(hashes)
            background = _lookup(self.stored_background, hashes)
        # Positions stand in for the terms while log_odds orders the rows; the texts are put back after.
        terms = keyterms.log_odds(y_a, y_b, background, np.arange(len(hashes)), token_totals=(a.n_tokens, b.n_tokens),
                                  background_total=self.background_tokens)
        at = terms["term"].to_numpy(dtype=np.int64)
        terms["term"] = texts.take(at)
        return self._mark_outlet_names(analysis, terms, hashes[at], mask_a, mask_b)

    def _mark_outlet_names(self, analysis: Analysis, terms: pd.DataFrame, hashes: np.ndarray, mask_a: np.ndarray,
                           mask_b: np.ndarray) -> pd.DataFrame:
        """keyterms.mark_outlet_names with the outlets' stored counts.

        A listed term naming outlets in play is their self-reference when
        those outlets supply at least OUTLET_SHARE of its uses in the two
        groups. The outlets' counts are over all their (uncopied) articles,
        so this is exact when the groups hold all of a named outlet's
        articles (comparisons by outlet, rating, cluster or story, and A
        against the rest), as it is in the local engine.
        """
        either = np.asarray(mask_a, dtype=bool) | np.asarray(mask_b, dtype=bool)
        unit_sources = self._unit_sources(analysis)
        word_outlets: dict[str, set[str]] = {}
        for source in pd.unique(unit_sources[either]):
            for word in keyterms.outlet_name_words(str(source)):
                word_outlets.setdefault(word, set()).add(source)
        names_outlet = np.zeros(len(terms), dtype=bool)
        z = terms["z"].to_numpy()
        n = keyterms.SELF_REFERENCE_CANDIDATES
        shown = np.concatenate([np.flatnonzero(z > 0)[:n], np.flatnonzero(z < 0)[::-1][:n]])
        texts = terms["term"].to_numpy(dtype=object)
        by_outlets: dict[frozenset, list[int]] = {}
        for row in shown:
            named = set().union(*(word_outlets.get(w, set()) for w in str(texts[row]).split()))
            if named:
                by_outlets.setdefault(frozenset(named), []).append(int(row))
        if not by_outlets:
            return terms.assign(names_outlet=names_outlet)
        overlap = bool((np.asarray(mask_a, dtype=bool) & np.asarray(mask_b, dtype=bool)).any())
        total = (terms["count_a"] + terms["count_b"]).to_numpy()
        if overlap:  # a unit in both groups counts once among the uses (at most the background's count)
            total = np.minimum(total, _lookup(self.stored_background, hashes))
        named = sorted({o for outlets in by_outlets for o in outlets})
        wanted = np.unique(hashes[[r for rows in by_outlets.values() for r in rows]])
        # One read for every outlet named: their counts of the listed terms, per outlet.
        table = self._rows("source", named, ["value", "hash", "count"])
        table = table.filter(pc.is_in(table.column("hash"), pa.array(wanted)))
        own: dict[tuple[str, int], int] = {}
        for value, h, count in zip(table.column("value").to_pylist(), table.column("hash").to_pylist(),
                                   table.column("count").to_pylist()):
            own[(value, h)] = own.get((value, h), 0) + count
        for outlets, rows in by_outlets.items():
            for row in rows:
                count = sum(own.get((o, int(hashes[row])), 0) for o in outlets)
                names_outlet[row] = total[row] > 0 and count >= keyterms.OUTLET_SHARE * total[row]
        return terms.assign(names_outlet=names_outlet)

    def _unit_sources(self, analysis: Analysis) -> np.ndarray:
        """Each unit's outlet, computed once."""
        if "_sources" not in self.__dict__:
            source_of = dict(zip(analysis.documents["id"], analysis.documents["source"]))
            self.__dict__["_sources"] = analysis.units["doc_id"].map(source_of).to_numpy(dtype=object)
        return self.__dict__["_sources"]

    def _texts(self, hashes: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """The text of each hash (every counted term is in the background, which keeps the texts)."""
        bg = self.stored_background
        at = np.minimum(np.searchsorted(bg.hashes, hashes), max(len(bg.hashes) - 1, 0))
        return pd.array(bg.terms.take(pa.array(at)), dtype="str")


def _union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted distinct values of two sorted arrays."""
    both = np.concatenate([a, b])
    both.sort(kind="stable")
    return both[np.concatenate([[True], both[1:] != both[:-1]])] if len(both) else both


def _lookup(counts: _Counts | None, hashes: np.ndarray) -> np.ndarray:
    if counts is None or len(counts.hashes) == 0:
        return np.zeros(len(hashes), dtype=np.int64)
    at = np.minimum(np.searchsorted(counts.hashes, hashes), len(counts.hashes) - 1)
    return np.where(counts.hashes[at] == hashes, counts.counts[at], 0).astype(np.int64)




def open_result(folder: str | Path) -> Analysis:
    """The Analysis a Spark result folder holds (see the module docstring)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    names = manifest["frame_names"]
    docs = _table(folder, "documents").to_pandas().sort_values("pos", kind="stable").reset_index(drop=True)
    texts = _table(folder, "texts", ["pos", "text", "cleaned"]).to_pandas().set_index("pos").reindex(docs["pos"])
    extra_keys = manifest["extra_columns"]
    documents = pd.DataFrame({
        "id": docs["id"], "source": docs["source"], "title": docs["title"],
        "date": docs["date"].astype(object).where(docs["date"].notna(), None),
        "url": docs["url"], "language": docs["language"], "origin": docs["origin"], "length": docs["length"],
        "duplicate_of": docs["duplicate_of"].astype(object).where(docs["duplicate_of"].notna(), None),
        "dup_group": docs["dup_group"].astype(object).where(docs["dup_group"].notna(), None),
        "originality": docs["originality"], "cluster": docs["cluster"], "frame": docs["frame"].astype(object),
        "frames": [list(f) for f in docs["frames"]], "story": docs["story"], "units": 1,
    })
    scores = np.asarray([list(s) for s in docs["scores"]], dtype=float).reshape(len(docs), len(names))
    for j, name in enumerate(names):
        documents[f"frame:{name}"] = scores[:, j]
    for key in extra_keys:
        name = key if key not in documents.columns else f"{key}_given"
        documents[name] = docs[f"extra:{key}"].astype(object).where(docs[f"extra:{key}"].notna(), None)
    units = pd.DataFrame({
        "unit": np.arange(len(docs)), "doc_id": pd.Series(docs["id"].to_numpy(dtype=object), dtype=object), "index": 0,
        "text": pd.Series(texts["cleaned"].to_numpy(), dtype=object), "is_quote": False, "heading": "",
        "copy_group": 0, "cluster": docs["cluster"].to_numpy(), "frame": docs["frame"].to_numpy(dtype=object),
        "frames": documents["frames"], "story": docs["story"].to_numpy(), "x": docs["x"].to_numpy(),
        "y": docs["y"].to_numpy(), "in_fit": docs["in_fit"].to_numpy(dtype=bool),
    })
    for j, name in enumerate(names):
        units[f"frame:{name}"] = scores[:, j]
    settings = _settings(manifest["settings"])
    lexicon_toml = manifest["lexicon"]["toml"]
    frames, _ = load_frames(lexicon_toml)
    entries = [tuple(e) for e in manifest["lexicon_entries"]]
    hits = sp.csr_matrix((len(docs), len(entries)), dtype=np.int64)
    if len(docs):
        entry_lists = docs["entries"]
        lengths = np.array([len(e) for e in entry_lists], dtype=np.int64)
        if lengths.sum():
            hits = sp.csr_matrix((np.concatenate([np.asarray(c, dtype=np.int64) for c in docs["entry_counts"]]),
                                  np.concatenate([np.asarray(e, dtype=np.int64) for e in entry_lists]),
                                  np.concatenate([[0], np.cumsum(lengths)])), shape=(len(docs), len(entries)))
    removed_table = _table(folder, "removed.parquet").to_pandas()
    removed: dict[str, list[Removal]] = {}
    for doc_id, kind, text in zip(removed_table["id"], removed_table["kind"], removed_table["text"]):
        removed.setdefault(doc_id, []).append(Removal(kind, text))
    clusters = [
        ClusterInfo(id=int(r["id"]), label=r["label"], frame=r["frame"], size=int(r["size"]),
                    top_terms=list(r["top_terms"]), sources=json.loads(r["sources"]),
                    representatives=[int(x) for x in r["representatives"]], frame_test=json.loads(r["frame_test"]),
                    stories={int(k): v for k, v in json.loads(r["stories"]).items()})
        for r in _table(folder, "clusters.parquet").to_pylist()
    ]
    groups_table = _table(folder, "duplicate_groups.parquet").to_pandas().sort_values(["group", "member"])
    duplicate_groups = [list(g["id"]) for _, g in groups_table.groupby("group", sort=True)]
    extra_values = [docs[f"extra:{k}"].astype(object).where(docs[f"extra:{k}"].notna(), None) for k in extra_keys]
    corpus = Corpus(
        [Article(id=i, text=t, source=s, title=ti, date=d, url=u, origin=o,
                 extra={k: v for k, v in zip(extra_keys, vals) if v is not None})
         for i, t, s, ti, d, u, o, *vals in zip(
             docs["id"], texts["text"], docs["source"], docs["title"], documents["date"], docs["url"], docs["origin"],
             *extra_values)],
        [LoadIssue(r["item"], r["problem"], r["action"]) for r in _table(folder, "load_report.parquet").to_pylist()],
        {r["item"]: r["encoding"] for r in _table(folder, "encodings.parquet").to_pylist()},
        manifest["content_hash"],
    )
    model = _frame_model(folder, names)
    analysis = Analysis(
        settings=settings, unit="article", documents=documents, units=units, clusters=clusters,
        duplicate_groups=duplicate_groups, aliases=dict(manifest["aliases"]), frame_names=names,
        frame_labels=manifest["frame_labels"], removed=removed, notices=list(manifest["notices"]),
        vectors=ResultVectors(folder, docs["n_tokens"].to_numpy(dtype=np.int64), int(manifest["vocabulary_size"])),
        timings=dict(manifest["timings"]), corpus=corpus, k_scores={int(k): v for k, v in manifest["k_scores"].items()},
        method=manifest["method"], frames=frames, frame_model=model, lexicon_hits=None, lexicon_term_hits=hits,
        lexicon_terms=entries, lexicon=manifest["lexicon"]["name"], lexicon_reason=manifest["lexicon"]["reason"],
        lexicon_coverage=manifest["lexicon"]["coverage"], lexicon_toml=lexicon_toml,
        term_counter=GroupTermCounts(folder, manifest["group_columns"], manifest["background_tokens"],
                                     int(manifest["ngram_max"]), units["in_fit"].to_numpy()),
        language_stop_words={code: stop_words_with(settings.extra_stop_words, code) for code in manifest["languages"]},
    )
    for name, value in (("stories", manifest.get("stories")), ("story_column", manifest.get("story_column"))):
        if name in {f.name for f in dataclasses.fields(Analysis)}:
            setattr(analysis, name, _story_infos(value) if name == "stories" else value)
    return analysis


def _story_infos(rows):
    from .. import models

    info = getattr(models, "StoryInfo", None)
    if info is None or rows is None:
        return []
    known = {f.name for f in dataclasses.fields(info)}
    return [info(**{k: v for k, v in row.items() if k in known}) for row in rows]


def _frame_model(folder: Path, names: list[str]) -> fm.FrameModel | None:
    path = folder / "frame_model.npz"
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as data:
        return fm.FrameModel(
            list(names), data["fitted"].astype(bool), data["n_positive"], data["n_negative"], data["columns"],
            data["coef"], data["intercept"], data["slope"], data["offset"], None, [])
