"""The one path from a loaded corpus to a full Analysis.

corpus -> cleaned articles -> aliases -> units and tokens (once) -> stories
-> duplicates -> vectors -> frames -> clusters -> 2D map -> tables.
Each stage is one short function with typed inputs and outputs, so it can be
read, tested and replaced on its own; `analyze` only composes them. Each stage
is timed and reported to an optional progress callback, so the UI can say what
is running and the benchmark can say what it costs.
"""

from __future__ import annotations

import ctypes
import functools
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, NamedTuple, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from . import aliases as alias_mod
from . import clusters as cl
from . import frame_lift as lift_mod
from . import frame_model as fm
from . import frames as fr
from . import languages as lang_mod
from . import lexicons
from . import stories as story_mod
from .cleaning import clean_corpus
from .duplicates import DuplicateReport, find_duplicates, find_passage_duplicates
from .errors import FramelensError
from .keyterms import NgramCounter
from .models import Analysis, Article, CleanedArticle, ClusterInfo, Corpus, Settings, StoryInfo
from .tokens import TokenTable, language_stop_words, stop_words_with, tokenize_many
from .vectors import EmptyVocabularyError, Vectors, build_vectors, pooled_tfidf

PASSAGE_UNIT_MAX_ARTICLES = 300  # "auto" analyses passages up to this many articles
STAGES = ("clean", "languages", "aliases", "tokens", "stories", "duplicates", "vectors", "frames", "clusters", "layout", "tables")

Progress = Callable[[str, float], None]


class AnalysisError(FramelensError, ValueError):
    """The corpus cannot be analysed as asked; the message is for the user."""


def choose_unit(settings: Settings, n_articles: int) -> str:
    if settings.unit in ("article", "passage"):
        return settings.unit
    return "passage" if n_articles <= PASSAGE_UNIT_MAX_ARTICLES else "article"


# ---------------------------------------------------------------- what the stages hand on


@dataclass(frozen=True)
class AliasTable:
    table: dict[str, str]  # variant -> final canonical, detected and user-given
    detected: list[alias_mod.AliasMerge]  # what detection proposed, with its reasons
    notices: list[str]


class UnitRow(NamedTuple):
    doc_pos: int  # position of the article in the corpus
    index: int  # position of the passage in its article (0 for a whole article)
    text: str
    is_quote: bool
    heading: str  # the heading right above this passage, if any
    section: str  # the heading of its section (its own or the last one above it)


@dataclass
class Units:
    rows: list[UnitRow]
    tokens: TokenTable  # one row per unit
    doc_pos: np.ndarray  # int64: the article of each unit
    doc_tokens: TokenTable  # one row per article (the same ids, regrouped)
    # What frames are read from: a passage with its section's heading, as a reader takes it. The same
    # table as `tokens` when no passage sits under a heading of another passage.
    frame_tokens: TokenTable | None = None


@dataclass
class Stories:
    doc_story: np.ndarray  # int64 story id per article (1 = largest story)
    infos: list[StoryInfo]  # in id order
    column: str | None  # the corpus field followed, None when found from the text
    notices: list[str]


@dataclass
class Copies:
    report: DuplicateReport  # syndicated copies among whole articles
    canonical_doc: np.ndarray  # bool per article: not a copy of an earlier one
    passage_group: np.ndarray  # int64 per unit: copy group of a copied passage, 0 if none


@dataclass
class FittedVectors:
    vectors: Vectors
    fit_mask: np.ndarray  # bool per unit: used to learn vocabulary, IDF and clusters


@dataclass
class FrameScores:
    lexicon: lexicons.LexiconInUse
    frames: list[fr.Frame]
    model: fm.FrameModel  # the context models the lexicon seeded
    unit_hits: np.ndarray  # (units x frames) lexicon hits: they add up over articles and clusters
    term_hits: sp.csr_matrix  # (units x lexicon entries) occurrences: the lexicon evidence per term
    terms: list[tuple[str, str]]  # the lexicon entries, columns of term_hits: (frame name, term as written)
    unit_scores: pd.DataFrame  # score in [0, 1] per frame (frame_model.frame_scores)
    unit_frame: np.ndarray  # dominant frame per unit or "none"
    doc_scores: pd.DataFrame
    doc_frame: np.ndarray
    notices: list[str]


@dataclass
class Tables:
    units: pd.DataFrame
    documents: pd.DataFrame
    clusters: list[ClusterInfo]


# ---------------------------------------------------------------- the stages


def clean_stage(articles: Sequence[Article], unit: str) -> list[CleanedArticle]:
    """Ads, notices, credits and each outlet's recurring boilerplate out before anything is counted.

    Passages are cut only when they are the unit.
    """
    return clean_corpus(articles, passages=unit == "passage")


@dataclass(frozen=True)
class Languages:
    codes: list[str]  # per article: ISO 639-1, "" when it cannot be told
    stop_words: dict[str, frozenset[str]]  # language -> the stop words its articles are tokenised with
    notices: list[str]


def language_stage(articles: Sequence[Article], cleaned: Sequence[CleanedArticle], extra: Sequence[str]) -> Languages:
    """Each article's language (its own column, else detected on the cleaned text) and its stop words."""
    codes, notices = lang_mod.article_languages([c.text for c in cleaned], [a.extra.get("language") for a in articles])
    stop_words = {code: stop_words_with(extra, code) for code in sorted(set(codes))}  # one set object per language
    without_list = {code for code in stop_words if code and language_stop_words(code) is None}
    return Languages(codes, stop_words, notices + lang_mod.language_notices(codes, without_list))


def alias_stage(cleaned: Sequence[CleanedArticle], user_aliases: Sequence[tuple[str, str]]) -> AliasTable:
    """Fold spellings of one name before tokenising, so every later count sees one term.

    A user table that cannot be applied (a cycle) is ignored with a notice
    rather than failing the analysis: the detected merges still help.
    """
    detected = alias_mod.detect_aliases([c.text for c in cleaned])
    try:
        return AliasTable(alias_mod.merge_tables(detected, user_aliases), detected, [])
    except ValueError as exc:
        return AliasTable(alias_mod.merge_tables(detected, ()), detected, [f"Alias table ignored: {exc}"])


def unit_stage(
    cleaned: Sequence[CleanedArticle], unit: str, aliases: dict[str, str],
    stop_words: frozenset[str] | Sequence[frozenset[str]],
) -> Units:
    """Cut articles into units and tokenise each unit once; every later stage reuses these token ids.

    `stop_words`: one set, or one per article (its language's).
    """
    rows: list[UnitRow] = []
    for pos, c in enumerate(cleaned):
        if unit == "article":
            rows.append(UnitRow(pos, 0, c.text, False, "", ""))
        else:
            rows.extend(UnitRow(pos, p.index, p.text, p.is_quote, p.heading, p.section) for p in c.passages)
    if not rows:
        raise AnalysisError("No passages with text were found in the corpus.")
    if not isinstance(stop_words, (frozenset, set)):
        stop_words = [stop_words[r.doc_pos] for r in rows]
    # Counted words (key terms, vectors, stories, copies) are each passage's own, its heading once: the
    # text a reader can find it in. A section heading ("Doubts about legitimacy") frames every passage of
    # its section, so frames read each passage with it; counting it again in every passage would inflate
    # key terms with words keyword in context cannot show there.
    table = tokenize_many([f"{r.heading}\n{r.text}" if r.heading else r.text for r in rows], aliases, stop_words)
    if len(table.ids) == 0:
        raise AnalysisError("The articles contain no words to analyse (only numbers, punctuation or stop words).")
    if any(r.section != r.heading for r in rows):
        frame_table = tokenize_many([f"{r.section}\n{r.text}" if r.section else r.text for r in rows], aliases,
                                    stop_words)
    else:
        frame_table = table
    doc_pos = np.fromiter((r.doc_pos for r in rows), dtype=np.int64, count=len(rows))
    doc_tokens = table if unit == "article" else table.regroup(doc_pos, len(cleaned))
    return Units(rows, table, doc_pos, doc_tokens, frame_table)


STORY_CHOICES = ("column", "auto")


def story_stage(
    articles: Sequence[Article], cleaned: Sequence[CleanedArticle], units: Units, aliases: dict[str, str],
    stop_words: Sequence[frozenset[str]], settings: Settings,
) -> Stories:
    """Group the articles into stories before anything is compared: framing differs between outlets on one story.

    "column" (the default) follows the corpus's story field (event_id, event or
    story) when it has one, else finds stories from the text and says so;
    "auto" always finds them from the text (automatic stories). From the text,
    the pipeline's own article tokens, alias table and stop words (one set
    per article, its language's) are reused, so stories see the same words as
    every other count.
    """
    if settings.stories not in STORY_CHOICES:
        raise AnalysisError(f"stories must be one of {', '.join(STORY_CHOICES)}, got {settings.stories!r}")
    extras = [a.extra for a in articles]
    titles = [a.title for a in articles]
    dates = [a.date for a in articles]
    notices: list[str] = []
    column = story_mod.find_story_column(extras) if settings.stories == "column" else None
    if settings.stories == "column" and column is None:
        notices.append(f"No article has a story field ({', '.join(story_mod.STORY_COLUMNS)}), "
                       "so stories were found from the text: titles, texts and dates.")
    if column is not None:
        result = story_mod.stories_from_column([e.get(column) for e in extras], titles, dates)
    else:
        result = story_mod.find_stories(
            titles, [c.text for c in cleaned], dates, text_tokens=units.doc_tokens, aliases=aliases,
            stop_words=stop_words,
        )
    ratings = story_mod.rating_columns(extras)
    infos = story_mod.describe_stories(result, [a.source for a in articles], extras, ratings)
    return Stories(np.asarray(result.labels, dtype=np.int64), infos, column, notices + result.notices)


def duplicate_stage(doc_ids: list[str], units: Units, unit: str) -> Copies:
    """Syndicated copies, and at passage level passages copied between otherwise different articles.

    Found on the token ids, so the alias folding and stop words of the
    analysis apply to what counts as the same text.
    """
    report = find_duplicates(doc_ids, units.doc_tokens)
    canonical_doc = np.array([d not in report.duplicate_of for d in doc_ids])
    passage_group = np.zeros(len(units.rows), dtype=np.int64)
    if unit == "passage":
        copies = find_passage_duplicates(
            range(len(units.rows)), units.tokens, owners=[doc_ids[p] for p in units.doc_pos]
        )
        for number, members in enumerate(copies.groups, start=1):
            passage_group[[int(m) for m in members]] = number
    return Copies(report, canonical_doc, passage_group)


def units_to_fit(units: Units, copies: Copies, settings: Settings) -> np.ndarray:
    """bool per unit: has words and (collapse_duplicates) is not a syndicated copy; every unit with
    words when that would leave fewer than two."""
    has_tokens = units.tokens.lengths() > 0
    fit_mask = has_tokens & (copies.canonical_doc[units.doc_pos] if settings.collapse_duplicates else True)
    return fit_mask if fit_mask.sum() >= 2 else has_tokens


def vector_stage(units: Units, copies: Copies, settings: Settings) -> FittedVectors:
    """Counts and TF-IDF, learnt without the copies so one text printed five times weighs once.

    If leaving copies out would leave fewer than two units, every unit with
    words is used instead.
    """
    fit_mask = units_to_fit(units, copies, settings)
    try:
        vectors = build_vectors(
            units.tokens, settings, np.flatnonzero(fit_mask), n_documents=int(copies.canonical_doc.sum())
        )
    except EmptyVocabularyError as exc:
        raise AnalysisError(str(exc)) from None
    return FittedVectors(vectors, fit_mask)


def frame_stage(
    units: Units, fitted: FittedVectors, n_docs: int, settings: Settings, aliases: dict[str, str], unit: str
) -> FrameScores:
    """Frame scores per unit and per whole article: lexicon evidence, extended by a model of the corpus' context.

    The lexicon is the user's TOML, a bundled one by name, or with "auto" the
    bundled one whose words give a clear frame to most units; which one and
    why is the first notice. Lexicon hits are counted on the tokens (a long
    phrase or a word pruned from clustering still counts); they seed one
    calibrated context model per frame (frame_model), and a score is the
    stronger of the lexicon's and the model's evidence. An article is scored
    on its pooled text (its units' hits and counts summed), as a unit is.
    """
    read = units.frame_tokens if units.frame_tokens is not None else units.tokens
    in_use = lexicons.resolve_lexicon(settings.lexicon, settings.frames_toml, read, aliases, unit)
    frames, warnings = fr.load_frames(in_use.toml)
    names = [f.name for f in frames]
    vectors = fitted.vectors
    unit_hits = in_use.hits
    term_hits, terms = fr.lexicon_term_hits(read, frames, aliases)
    n_tokens = read.lengths()
    model = fm.fit_frame_model(vectors.tfidf, unit_hits, n_tokens, fitted.fit_mask, names, settings.seed)
    unit_scores = fm.frame_scores(model, None, unit_hits, n_tokens)
    unit_lexicon = fm.lexicon_probability(unit_hits, n_tokens)
    if unit == "article":
        doc_scores, doc_lexicon = unit_scores, unit_lexicon
    else:
        doc_tfidf = pooled_tfidf(vectors, units.doc_pos, n_docs, settings.sublinear_tf)
        doc_hits = _sum_rows(unit_hits, units.doc_pos, n_docs)
        doc_tokens = _sum_rows(n_tokens, units.doc_pos, n_docs)
        doc_scores = fm.frame_scores(model, doc_tfidf, doc_hits, doc_tokens)
        doc_lexicon = fm.lexicon_probability(doc_hits, doc_tokens)
    return FrameScores(
        in_use, frames, model, unit_hits, term_hits, terms,
        pd.DataFrame(unit_scores, columns=names), fm.dominant(unit_scores, names, unit_lexicon),
        pd.DataFrame(doc_scores, columns=names), fm.dominant(doc_scores, names, doc_lexicon),
        [in_use.reason, *warnings, *model.notices],
    )


def cluster_stage(fitted: FittedVectors, scores: FrameScores, settings: Settings, unit_story: np.ndarray) -> cl.ClusterResult:
    """Clusters of units on the ways they tell their stories plus the frames they carry.

    With Settings.remove_story_content (the default) each story's shared
    content is taken out of its units' words first (clusters.framing_features),
    so on a corpus of many stories a cluster is a way of telling them, not one
    of them; a corpus of one story is clustered as it would be without.
    Frames weigh Settings.frame_weight.
    """
    names = [f.name for f in scores.frames]
    carried = scores.unit_scores[names].to_numpy()
    # The frames a unit carries (scores below the threshold are no frame): normalised, a profile of
    # sub-threshold scores would point every unit without a frame the same arbitrary way.
    profile = np.where(carried >= fm.SCORE_THRESHOLD, carried, 0.0)
    features = cl.framing_features(fitted.vectors.tfidf, profile, settings.frame_weight,
                                   unit_story if settings.remove_story_content else None, settings.seed)
    return cl.fit_clusters(features, np.flatnonzero(fitted.fit_mask), settings.method, settings.k, settings.seed)


def layout_stage(result: cl.ClusterResult, seed: int) -> np.ndarray:
    """2D positions of the units for the map, from the space they were clustered in."""
    return cl.layout_2d(result.embedding, seed)


@dataclass
class UnitTexts:
    """The cleaned texts once the stages that read them are done, held once and compactly.

    Until then each cleaned text is a Python string (held by its
    CleanedArticle and its UnitRow); most news texts hold a curly quote or a
    dash, so Python stores them at two bytes per character. From the stories
    stage on they live only in the units table's Arrow-backed column, in
    UTF-8 (on 37,554 articles 450 MB became about 230 MB), before the
    duplicates, vectors and clusters stages reach the analysis' peak memory.
    """

    units: pd.Series  # dtype "str" (Arrow): one text per unit
    article_lengths: list[int]  # characters of each cleaned article
    removed: dict[str, list]  # doc_id -> what cleaning took out (Analysis.removed)


def hand_over_texts(cleaned: list[CleanedArticle], units: Units) -> UnitTexts:
    """The texts as UnitTexts; `cleaned` is emptied and the units' rows lose their text, so only the
    Arrow copy stays alive."""
    texts = UnitTexts(
        _arrow_texts([r.text for r in units.rows]),
        [len(c.text) for c in cleaned],
        {c.doc_id: list(c.removed) for c in cleaned if c.removed},
    )
    units.rows = [r._replace(text="") for r in units.rows]
    cleaned.clear()
    return texts


def _arrow_texts(texts: list[str]) -> pd.Series:
    """The texts as pandas' Arrow-backed "str" column, made from their UTF-8 bytes in one piece.

    pd.Series(texts, dtype="str") goes through pyarrow's builder, which
    over-allocates and keeps what it frees (120 MB of memory for 28 MB of
    text on 5,083 articles); the buffers here are exactly the text's size.
    Without pyarrow, or for a text Arrow cannot hold (a lone surrogate from
    a broken file), the column keeps Python strings.
    """
    try:
        import pyarrow as pa

        encoded = [t.encode("utf-8") for t in texts]
    except (ImportError, UnicodeEncodeError):
        return pd.Series(texts, dtype=object)
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    data = b"".join(encoded)
    del encoded
    array = pa.LargeStringArray.from_buffers(len(texts), pa.py_buffer(offsets), pa.py_buffer(data))
    return pd.Series(pd.array(array, dtype=pd.StringDtype("pyarrow", na_value=np.nan)))


def _return_freed_memory() -> None:
    """Give the heap pages freed objects leave behind back to the system (glibc keeps them otherwise:
    the cleaned texts' 100 MB on 5,083 articles). Other C libraries have no malloc_trim, and nothing
    is kept there to give back this way."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def table_stage(
    articles: Sequence[Article],
    texts: "UnitTexts",
    units: Units,
    copies: Copies,
    fitted: FittedVectors,
    scores: FrameScores,
    result: cl.ClusterResult,
    coords: np.ndarray,
    stories: Stories,
    languages: Sequence[str] = (),
) -> Tables:
    """The units and documents tables and the cluster cards every view and the CLI read."""
    doc_ids = [a.id for a in articles]
    labels = result.labels
    frame_names = [f.name for f in scores.frames]
    unit_table = pd.DataFrame(
        {
            **_unit_metadata(doc_ids, texts, units, copies),
            "cluster": labels,
            "frame": np.asarray(scores.unit_frame),
            "frames": fm.frames_carried(scores.unit_scores.to_numpy(), frame_names, scores.unit_frame),  # every frame it carries
            "story": stories.doc_story[units.doc_pos],
            "x": coords[:, 0],
            "y": coords[:, 1],
            "in_fit": fitted.fit_mask,
        }
    )
    for name in frame_names:
        unit_table[f"frame:{name}"] = np.asarray(scores.unit_scores[name], dtype=float)

    documents = pd.DataFrame(
        {
            **_document_metadata(articles, texts, copies, languages),
            "cluster": _majority_cluster(units.doc_pos, labels, len(doc_ids)),
            "frame": np.asarray(scores.doc_frame),
            "frames": fm.frames_carried(scores.doc_scores.to_numpy(), frame_names, scores.doc_frame),
            "story": stories.doc_story,
            "units": np.bincount(units.doc_pos, minlength=len(doc_ids)),
        }
    )
    for name in frame_names:
        documents[f"frame:{name}"] = np.asarray(scores.doc_scores[name], dtype=float)
    _add_corpus_fields(documents, articles)

    infos = _cluster_infos(unit_table, documents, result.embedding, fitted.vectors, labels, scores)
    return Tables(unit_table, documents, infos)


def _unit_metadata(doc_ids: list[str], texts: UnitTexts, units: Units, copies: Copies) -> dict[str, object]:
    """The units table's columns that need no clustering, frames or stories (in_fit comes last, apart)."""
    return {
        "unit": np.arange(len(units.rows)),
        "doc_id": np.array(doc_ids, dtype=object)[units.doc_pos],
        "index": [r.index for r in units.rows],
        "text": texts.units,  # Arrow-backed: the only copy of the cleaned texts (see UnitTexts)
        "is_quote": [r.is_quote for r in units.rows],
        "heading": [r.section for r in units.rows],  # the section's heading: scored with the passage
        "copy_group": copies.passage_group,  # 0: not copied from or to another article
    }


def _document_metadata(
    articles: Sequence[Article], texts: UnitTexts, copies: Copies, languages: Sequence[str]
) -> dict[str, list]:
    """The documents table's columns that need no clustering, frames or stories."""
    doc_ids = [a.id for a in articles]
    dup = copies.report
    return {
        "id": doc_ids,
        "source": [a.source for a in articles],
        "title": [a.title for a in articles],
        "date": [a.date for a in articles],
        "url": [a.url for a in articles],
        "language": list(languages) if languages else [""] * len(articles),  # a corpus' own column, read
        "origin": [a.origin for a in articles],
        "length": texts.article_lengths,
        "duplicate_of": [dup.duplicate_of.get(d) for d in doc_ids],
        "dup_group": _group_numbers(doc_ids, dup.groups),
        "originality": [round(float(dup.originality.get(d, 1.0)), 4) for d in doc_ids],
    }


COMPUTED_DOCUMENT_COLUMNS = ("cluster", "frame", "frames", "story", "units")  # what table_stage adds to the metadata


def _add_corpus_fields(documents: pd.DataFrame, articles: Sequence[Article]) -> None:
    """The corpus's own fields (bias, topic, event_id ...) as the last columns of the documents table.

    A field named like a computed column (a `story` field, say) is kept beside it as `<name>_given`,
    also where the column is not computed (analyze_for_terms), so a field has one name everywhere.
    """
    for key in sorted({k for a in articles for k in a.extra}):
        name = key if key not in documents.columns and key not in COMPUTED_DOCUMENT_COLUMNS else f"{key}_given"
        if name not in documents.columns:
            documents[name] = [a.extra.get(key) for a in articles]


# ---------------------------------------------------------------- composition


def _one_thread_per_library(run: Callable) -> Callable:
    """Run with BLAS and OpenMP (k-means) held to one thread each.

    On 2 cores shared with other work, their worker threads spin waiting for
    each other: k-means on 5,083 rows x 50 dimensions took 3.9 s with threads
    and 0.3 s without; the matrices here are too small for threads to pay.
    """

    @functools.wraps(run)
    def single_threaded(*args, **kwargs):
        with threadpool_limits(limits=1):
            return run(*args, **kwargs)

    return single_threaded


@_one_thread_per_library
def analyze(corpus: Corpus, settings: Settings = Settings(), progress: Progress | None = None) -> Analysis:
    """Run every stage; raises AnalysisError when nothing analysable remains."""
    articles = corpus.articles
    if len(articles) < 2:
        raise AnalysisError(f"The corpus has {len(articles)} usable article(s); at least 2 are needed.")
    unit = choose_unit(settings, len(articles))
    doc_ids = [a.id for a in articles]
    timings: dict[str, float] = {}
    stage = stage_timer(timings, progress)

    with stage("clean"):
        cleaned = clean_stage(articles, unit)
    with stage("languages"):
        langs = language_stage(articles, cleaned, settings.extra_stop_words)
    with stage("aliases"):
        aliases = alias_stage(cleaned, settings.aliases)
    with stage("tokens"):
        units = unit_stage(cleaned, unit, aliases.table, [langs.stop_words[code] for code in langs.codes])
    with stage("stories"):
        stories = story_stage(articles, cleaned, units, aliases.table, [langs.stop_words[code] for code in langs.codes],
                              settings)
        texts = hand_over_texts(cleaned, units)  # nothing below reads the cleaned texts but the tables
    with stage("duplicates"):
        copies = duplicate_stage(doc_ids, units, unit)
    with stage("vectors"):
        fitted = vector_stage(units, copies, settings)
    with stage("frames"):
        scores = frame_stage(units, fitted, len(doc_ids), settings, aliases.table, unit)
    with stage("clusters"):
        result = cluster_stage(fitted, scores, settings, stories.doc_story[units.doc_pos])
    with stage("layout"):
        coords = layout_stage(result, settings.seed)
    with stage("tables"):
        tables = table_stage(articles, texts, units, copies, fitted, scores, result, coords, stories, langs.codes)

    return Analysis(
        settings=settings,
        unit=unit,
        documents=tables.documents,
        units=tables.units,
        clusters=tables.clusters,
        duplicate_groups=[list(g) for g in copies.report.groups],
        aliases=dict(sorted(aliases.table.items())),
        frame_names=[f.name for f in scores.frames],
        frame_labels={f.name: f.label for f in scores.frames},
        removed=texts.removed,
        notices=langs.notices + aliases.notices + scores.notices + stories.notices + result.notices,
        vectors=fitted.vectors,
        timings=timings,
        corpus=corpus,
        k_scores=result.silhouettes,
        method=result.method,
        frames=scores.frames,
        frame_model=scores.model,
        lexicon_hits=scores.unit_hits,
        lexicon_term_hits=scores.term_hits,
        lexicon_terms=scores.terms,
        lexicon=scores.lexicon.name,
        lexicon_reason=scores.lexicon.reason,
        lexicon_coverage=dict(scores.lexicon.coverage),
        lexicon_toml=scores.lexicon.toml,
        alias_merges=aliases.detected,
        term_counter=NgramCounter(units.tokens, settings.ngram_max, fitted.fit_mask),
        language_stop_words=langs.stop_words,
        stories=stories.infos,
        story_column=stories.column,
    )


@_one_thread_per_library
def analyze_for_terms(corpus: Corpus, settings: Settings = Settings(), progress: Progress | None = None) -> Analysis:
    """Only the stages key terms between groups of the corpus's own metadata need.

    Key terms count every n-gram of the two groups' tokens (keyterms.NgramCounter)
    with copies counted once: cleaning, languages, aliases, tokens and
    duplicates decide them, as in `analyze`; vectors, frames, stories, clusters
    and the map do not. The Analysis holds the documents' metadata and the
    units, but no clusters, frames or stories, so it answers only group specs
    that read metadata (groups.GroupSpec.reads_metadata): the CLI's `terms`
    uses it for those, with the terms and numbers `analyze` gives.
    """
    articles = corpus.articles
    if len(articles) < 2:
        raise AnalysisError(f"The corpus has {len(articles)} usable article(s); at least 2 are needed.")
    unit = choose_unit(settings, len(articles))
    doc_ids = [a.id for a in articles]
    timings: dict[str, float] = {}
    stage = stage_timer(timings, progress)

    with stage("clean"):
        cleaned = clean_stage(articles, unit)
    with stage("languages"):
        langs = language_stage(articles, cleaned, settings.extra_stop_words)
    with stage("aliases"):
        aliases = alias_stage(cleaned, settings.aliases)
    with stage("tokens"):
        units = unit_stage(cleaned, unit, aliases.table, [langs.stop_words[code] for code in langs.codes])
        texts = hand_over_texts(cleaned, units)
    with stage("duplicates"):
        copies = duplicate_stage(doc_ids, units, unit)
    with stage("tables"):
        fit_mask = units_to_fit(units, copies, settings)
        unit_table = pd.DataFrame({**_unit_metadata(doc_ids, texts, units, copies), "in_fit": fit_mask})
        documents = pd.DataFrame({**_document_metadata(articles, texts, copies, langs.codes),
                                  "units": np.bincount(units.doc_pos, minlength=len(doc_ids))})
        _add_corpus_fields(documents, articles)
    return Analysis(
        settings=settings,
        unit=unit,
        documents=documents,
        units=unit_table,
        clusters=[],
        duplicate_groups=[list(g) for g in copies.report.groups],
        aliases=dict(sorted(aliases.table.items())),
        frame_names=[],
        frame_labels={},
        removed=texts.removed,
        notices=langs.notices + aliases.notices,
        vectors=None,
        timings=timings,
        corpus=corpus,
        alias_merges=aliases.detected,
        term_counter=NgramCounter(units.tokens, settings.ngram_max, fit_mask),
        language_stop_words=langs.stop_words,
    )


def stage_timer(timings: dict[str, float], progress: Progress | None, stages: Sequence[str] = STAGES):
    """A context manager per stage: reports the stage to `progress` (its place in `stages`), records its seconds
    in `timings`. The Spark engine times its own stages with it.

    A stage's temporary arrays are freed when it ends, but glibc keeps most of
    what they occupied; that memory is given back before the next stage, which
    would otherwise reach its peak on top of it (about 250 MB after the
    duplicates, vectors and frames stages on 37,554 articles).
    """

    @contextmanager
    def stage(name: str):
        if progress:
            progress(name, stages.index(name) / len(stages))
        t0 = time.perf_counter()
        yield
        _return_freed_memory()
        timings[name] = time.perf_counter() - t0

    return stage


# ---------------------------------------------------------------- helpers


def _sum_rows(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum the rows (or entries) of `values` per group: units into articles or clusters."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        return np.bincount(groups, weights=values, minlength=n_groups)
    columns = [np.bincount(groups, weights=values[:, j], minlength=n_groups) for j in range(values.shape[1])]
    return np.column_stack(columns) if columns else np.zeros((n_groups, 0))


def _majority_cluster(unit_doc_pos: np.ndarray, labels: np.ndarray, n_docs: int) -> np.ndarray:
    """Each document's most common cluster among its units (ties: lowest id)."""
    k = int(labels.max()) + 1
    table = np.zeros((n_docs, k), dtype=np.int64)
    np.add.at(table, (unit_doc_pos, labels), 1)
    return table.argmax(axis=1)


def _group_numbers(doc_ids: list[str], groups: list[list[str]]) -> list[int | None]:
    number = {d: g for g, members in enumerate(groups, start=1) for d in members}
    return [number.get(d) for d in doc_ids]


def _cluster_infos(units, documents, embedding, vectors, labels, scores: FrameScores) -> list[ClusterInfo]:
    """Cards for clusters; a cluster is named after a frame only when it earns it (frame_lift), else by its key terms.

    Earned: most of the cluster's units carry the frame, at least
    EARNED_MIN_LIFT times the corpus share, and a one-sided Fisher test
    significant after a Bonferroni bound over every cluster and frame.
    Syndicated copies are not counted, as they take no part in clustering.
    """
    frame_labels = {f.name: f.label for f in scores.frames}
    names = [f.name for f in scores.frames]
    source_of = dict(zip(documents["id"], documents["source"]))
    # Each unit's outlet and story as plain arrays: a cluster's rows of the units table would copy its texts.
    unit_source = np.array([source_of[d] for d in units["doc_id"]], dtype=object)
    unit_story = units["story"].to_numpy()
    k = int(labels.max())
    carried = scores.unit_scores[names].to_numpy() >= fm.SCORE_THRESHOLD
    lifts = lift_mod.frame_lifts(carried, labels, names, counted=units["in_fit"].to_numpy())
    best = lift_mod.best_frames(lifts)
    alpha = lift_mod.ALPHA / max(len(lifts), 1)
    infos = []
    for c in range(1, k + 1):
        rows = np.flatnonzero(labels == c)
        if len(rows) == 0:
            continue
        top_terms = cl.distinctive_terms(vectors.tfidf, vectors.terms, labels, c)
        head = ", ".join(top_terms[:3]) or "no distinctive terms"
        test = best.loc[c].to_dict() if c in best.index else {}
        frame = str(test["frame"]) if test.get("earned") else fr.NO_FRAME
        label = f"{frame_labels[frame]}: {head}" if frame != fr.NO_FRAME else head
        sources = Counter(unit_source[rows].tolist())
        stories = Counter(unit_story[rows].tolist())
        infos.append(
            ClusterInfo(
                id=c,
                label=label,
                frame=frame,
                size=len(rows),
                top_terms=top_terms,
                sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
                representatives=cl.representatives(embedding, labels, c),
                frame_test=_frame_test_record(test, alpha),
                stories=dict(sorted(stories.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return infos


def _frame_test_record(test: dict, alpha: float) -> dict:
    """A cluster's frame test as plain JSON-ready values (numbers rounded for reading, p kept small)."""
    if not test:
        return {}
    lift = test["lift"]
    return {
        "frame": str(test["frame"]),
        "units": int(test["units"]),
        "group_units": int(test["group_units"]),
        "share": round(float(test["share"]), 4),
        "corpus_share": round(float(test["corpus_share"]), 4),
        "lift": None if lift != lift else round(float(lift), 3),  # NaN: the frame is carried nowhere
        "p": float(f"{float(test['p']):.3g}"),
        "alpha": float(f"{alpha:.3g}"),
        "earned": bool(test["earned"]),
    }
