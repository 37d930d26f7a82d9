"""Typed records that flow through the analysis core.

Data flows one way: Corpus -> units -> Vectors -> clusters/frames -> Analysis.
Everything here is plain data so the CLI, the tests and the UI share one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Literal

import pandas as pd

from .clusters import DEFAULT_METHOD
from .tokens import ngram_order, stop_words_with

if TYPE_CHECKING:  # imported for annotations only: those modules import this one
    from .aliases import AliasMerge
    from .frame_model import FrameModel
    from .frames import Frame

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Article:
    """One article as loaded. `text` is the raw body (never edited in place)."""

    id: str  # stable, derived from the content (see loading.article_id)
    text: str
    source: str = UNKNOWN
    title: str = UNKNOWN
    date: str | None = None  # ISO YYYY-MM-DD
    url: str = ""
    origin: str = ""  # where it came from: file name, "file.csv row 7", ...
    extra: dict = field(default_factory=dict, hash=False, compare=False)  # topic, bias, event_id ...


@dataclass(frozen=True)
class LoadIssue:
    """One thing the loader could not use, or had to guess, for one input item."""

    item: str  # "seeds/x.txt", "data.csv row 12", "bundle.zip:inner.json item 3"
    problem: str  # a sentence a user understands
    action: Literal["skipped", "warning"] = "skipped"


@dataclass
class Corpus:
    articles: list[Article]
    issues: list[LoadIssue] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)  # item -> encoding assumed
    content_hash: str = ""  # loading.corpus_hash: every field of every article; the cache key downstream

    def by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}


@dataclass(frozen=True)
class Removal:
    """A piece of raw text that cleaning took out, kept so no edit is silent."""

    kind: str  # "ad script", "aggregator notice", "image credit", "photo caption", "url", ...
    text: str


@dataclass(frozen=True)
class Passage:
    """A unit of analysis below the article: a paragraph (long ones split)."""

    doc_id: str
    index: int  # position within the article, 0-based
    text: str
    sentences: tuple[str, ...]
    is_quote: bool = False  # an embedded social post, not the outlet's own words
    heading: str = ""  # a one-line section heading attached to this passage
    section: str = ""  # the heading of the section the passage is in: its own, or the last one above it


@dataclass(frozen=True)
class CleanedArticle:
    doc_id: str
    text: str  # the article without ads, notices, credits, bare urls
    passages: tuple[Passage, ...]
    removed: tuple[Removal, ...]


@dataclass(frozen=True)
class Settings:
    """Everything that changes the analysis; hashable so it can key a cache."""

    unit: Literal["auto", "article", "passage"] = "auto"
    method: str = DEFAULT_METHOD  # a key of clusters.METHODS (validated there)
    k: int | None = None  # None: chosen automatically
    frame_weight: float = 0.5  # share of the clustering space given to frame profiles
    ngram_max: int = 2
    min_df: int | None = None  # None: adapts to corpus size
    max_df: float | None = None
    max_features: int | None = None
    sublinear_tf: bool = True
    extra_stop_words: tuple[str, ...] = ()
    collapse_duplicates: bool = True
    aliases: tuple[tuple[str, str], ...] = ()  # user alias table: (variant, canonical)
    lexicon: str = "auto"  # a bundled frame lexicon by name (crisis, policy, news) or "auto": the one covering the corpus best
    frames_toml: str | None = None  # a user's own lexicon (TOML text); when given it is used and `lexicon` is ignored
    # How articles are grouped into stories: "column" follows the corpus's story field (event_id, event,
    # story) when it has one and finds them from the text otherwise; "auto" always finds them from titles,
    # texts and dates (automatic stories), even when the corpus has a story field.
    stories: Literal["column", "auto"] = "column"
    # Framing clusters group the ways stories are told: each story's shared content is taken out of its
    # units before clustering (clusters.story_residuals). False clusters the plain words (topics, stories).
    remove_story_content: bool = True
    seed: int = 0


def _fields(info) -> dict:
    """A dataclass's fields as a dict for the analyze JSON, which only reads them.

    Its dicts and lists are the dataclass's own, not copies: asdict's deep
    copy cost half a second on 25,000 stories.
    """
    return {f.name: getattr(info, f.name) for f in fields(info)}


@dataclass
class ClusterInfo:
    id: int  # canonical: 1 = largest, ties by first appearance
    label: str  # readable: "Terrorism claims: terrorist, gangs, militants", or its key terms alone
    frame: str  # the frame it earned its name from (frame_lift), or "none"
    size: int  # units in it
    top_terms: list[str]
    sources: dict[str, int]  # outlet -> units, most first
    representatives: list[int]  # unit row numbers closest to the centroid
    # The test behind `frame`, for the frame that earned the name or else the closest candidate:
    # frame, units, group_units, share, corpus_share, lift, p, alpha, earned (see frame_lift).
    frame_test: dict = field(default_factory=dict)
    stories: dict[int, int] = field(default_factory=dict)  # story id -> units, most first: one story or many

    def to_dict(self) -> dict:
        return _fields(self)


@dataclass
class StoryInfo:
    """One story of an analysis: the articles reporting one event, and who reported it how often."""

    id: int  # canonical: 1 = largest, ties by first appearance; documents["story"] holds it
    label: str  # readable: "Senate passes stimulus bill · 2020-03-25 to 2020-03-27"
    title: str  # the representative article's title, or the story's key terms when untitled
    first_date: str | None  # ISO; None when no member has a date
    last_date: str | None
    size: int  # articles in it
    outlets: dict[str, int]  # source -> articles, most first
    ratings: dict[str, dict[str, int]]  # rating column (bias, ...) -> value -> articles
    source: Literal["column", "text"]  # how the stories were made: the corpus's story field, or from the text

    def to_dict(self) -> dict:
        return _fields(self)


@dataclass
class Analysis:
    """The whole result. DataFrames are keyed by plain columns, not indexes.

    documents: id, source, title, date, url, language (ISO 639-1, "" if unknown), origin, length, duplicate_of,
        dup_group, originality, cluster (majority cluster of its units),
        frame (dominant), frames (carried), story (id of its story in `stories`),
        plus one column per frame score ("frame:<name>").
    units: unit (row number), doc_id, index, text, is_quote, heading (its section's), cluster, frame, story,
        frames (every frame it carries: its dominant frame first, then by score), "frame:<name>"
        scores in [0, 1] (frame_model), x, y (2D layout).
    """

    settings: Settings
    unit: Literal["article", "passage"]
    documents: pd.DataFrame
    units: pd.DataFrame
    clusters: list[ClusterInfo]
    duplicate_groups: list[list[str]]
    aliases: dict[str, str]  # variant -> canonical (detected and user-given)
    frame_names: list[str]
    frame_labels: dict[str, str]
    removed: dict[str, list[Removal]]  # doc_id -> what cleaning took out
    notices: list[str]  # things the user should know (k clipped, method switched ...)
    vectors: "object"  # dashboard.vectors.Vectors: counts, tfidf, terms
    timings: dict[str, float] = field(default_factory=dict)
    corpus: Corpus | None = None  # the input, for alignment and keyword in context
    k_scores: dict[int, float] = field(default_factory=dict)  # silhouette per k tried
    method: str = ""  # the clustering method actually used
    frames: list["Frame"] = field(default_factory=list)  # the lexicon the frame scores came from
    frame_model: "FrameModel | None" = None  # the context models behind the frame scores, for explaining them
    lexicon_hits: "object" = None  # numpy (units x frames) lexicon hits: the evidence the frame model was seeded with
    lexicon_term_hits: "object" = None  # scipy sparse (units x lexicon entries) occurrences of each entry
    lexicon_terms: list[tuple[str, str]] = field(default_factory=list)  # those entries: (frame name, term as written)
    lexicon: str = ""  # name of that lexicon: crisis, policy, news, or "custom" for a user's own
    lexicon_reason: str = ""  # one sentence: which lexicon and why (auto: its coverage against the others)
    lexicon_coverage: dict[str, float] = field(default_factory=dict)  # bundled name -> share of units its words frame
    lexicon_toml: str = ""  # the lexicon's TOML text as used, for export
    alias_merges: list["AliasMerge"] = field(default_factory=list)  # detected merges with their reasons
    term_counter: "object" = None  # keyterms.NgramCounter: every n-gram of every unit, for key terms
    language_stop_words: dict[str, frozenset[str]] = field(default_factory=dict)  # language -> its stop words used
    stories: list[StoryInfo] = field(default_factory=list)  # in id order; documents["story"] points here
    story_column: str | None = None  # the corpus field the stories follow (event_id, ...), None when found from text

    @property
    def stop_words(self) -> frozenset[str]:
        """The stop words this analysis dropped: its language's list plus the user's extra words.

        Keyword in context, alignment and highlighting tokenise with these (and
        `aliases`), so a word the user removed is gone from every view. In a
        corpus of several languages these are its most common language's;
        `stop_words_of` gives each article's own.
        """
        if not self.language_stop_words or "language" not in self.documents:
            return stop_words_with(self.settings.extra_stop_words)
        main = self.documents["language"].value_counts().index[0]
        return self.language_stop_words.get(main, stop_words_with(self.settings.extra_stop_words))

    def stop_words_of(self, doc_id: str) -> frozenset[str]:
        """The stop words an article's units were tokenised with: those of its language."""
        if not self.language_stop_words or "language" not in self.documents:
            return self.stop_words
        language = self.documents.loc[self.documents["id"] == doc_id, "language"]
        return self.language_stop_words.get(language.iat[0], self.stop_words) if len(language) else self.stop_words

    @property
    def ngram_max(self) -> int:
        """The longest phrase, in content words, this analysis counts."""
        return ngram_order(self.settings.ngram_max)
