"""Frames the corpus suggests: terms that set a framing cluster apart within its stories, missing from the lexicon.

A lexicon finds only the framings its author thought of. Clusters group
units told alike (their words plus the frames they carry). Compared with the
other units *of the same stories*, a cluster's distinctive words are not
what its stories are about (that is shared and cancels out) but how it tells
them; those the lexicon does not know may be a framing it lacks.

For each cluster (syndicated copies left out, as in clustering):

1. Contrast. Group A: the cluster's units in stories where other clusters
   have units too; group B: the other clusters' units in those stories. A
   story told by one cluster only gives no contrast and is left out.
   Without a story column every unit is in one story.
2. Terms. Key terms of A against B (keyterms.compare_groups: weighted
   log-odds with an informative prior, every word and phrase used at least
   MIN_TERM_COUNT times), those favouring A with z >= Z_CRITICAL (the Key
   terms page's significance), minus
   - terms already in the lexicon: a term the lexicon would count a hit in,
     or a word or phrase inside one of its phrases ("collective" of
     "collective security");
   - names: a term whose words are mostly written with a capital letter
     inside sentences (people, places, organisations mark a story, not a
     way of telling it);
   - a term that contains, or is contained in, a term kept before it (the
     phrase and its word would say the same twice).
   At most SUGGESTION_TERMS, most distinctive first; a cluster with fewer
   than MIN_SUGGESTION_TERMS suggests nothing.
3. Examples. The cluster's units (of group A) using the most of those terms,
   weighted by their z, at most one per article.

Clusters not yet named after a frame (frame_lift) come first, then by the
summed z of their terms. Everything is computed from the Analysis and is
deterministic. `add_frame` turns an edited suggestion into a lexicon.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from . import frames as fr
from .errors import FramelensError
from .keyterms import MIN_TERM_COUNT, Z_CRITICAL, compare_groups
from .models import Analysis
from .tokens import capital_counts, tokenize_many

SUGGESTION_TERMS = 12  # terms proposed per suggested frame
MIN_SUGGESTION_TERMS = 3  # fewer significant new terms than this: the cluster suggests nothing
MIN_GROUP_UNITS = 3  # each side of the contrast needs at least this many units
EXAMPLES = 3  # example passages per suggestion
CANDIDATE_TERMS = 60  # distinctive terms looked at per cluster before filtering
NAME_SHARE = 0.5  # a word capitalised inside sentences at least this often is part of a name
NAME_SAMPLE_UNITS = 5  # units read per candidate word to tell whether it is a name (evenly spaced): bounded cost


@dataclass(frozen=True)
class SuggestedTerm:
    term: str  # in token form, as Key terms shows it ("state emergency")
    z: float  # how surely the cluster uses it more than the rest of its stories
    count_cluster: int  # occurrences in the cluster's units compared
    count_rest: int  # occurrences in the other units of those stories


@dataclass(frozen=True)
class ExamplePassage:
    unit: int  # row of analysis.units
    doc_id: str
    source: str
    title: str
    text: str  # article text: untrusted, show as text
    terms: tuple[str, ...]  # the suggested terms it uses


@dataclass(frozen=True)
class SuggestedFrame:
    key: str  # a proposed frame key ("suggested_3"); the user names it
    label: str  # a proposed label: its first terms
    cluster: int
    cluster_label: str
    named_after: str  # the frame the cluster already earned its name from, or "none"
    units: int  # group A: the cluster's units compared
    rest_units: int  # group B: the other units of the same stories
    stories: int  # stories the contrast was made in
    terms: tuple[SuggestedTerm, ...]
    examples: tuple[ExamplePassage, ...]

    @property
    def term_list(self) -> list[str]:
        return [t.term for t in self.terms]

    @property
    def description(self) -> str:
        """A starting description for the new frame; the user rewrites it once they have read the examples."""
        return (f"Suggested by Framelens: the words that set cluster {self.cluster}'s passages apart from the rest "
                f"of their stories ({self.units} against {self.rest_units} units).")

    @property
    def toml(self) -> str:
        """The suggestion as a [frames.KEY] section, as `add_frame` would add it unedited."""
        return frame_section(self.key, self.label, self.description, self.term_list)

    def to_dict(self) -> dict:
        """JSON-ready: every field, plus the description and TOML section it would be added with."""
        out = asdict(self)
        out["terms"] = [{**t, "z": round(t["z"], 3)} for t in out["terms"]]
        out["examples"] = [{**e, "terms": list(e["terms"])} for e in out["examples"]]
        out["description"] = self.description
        out["toml"] = self.toml
        return out


# ---------------------------------------------------------------- what the lexicon already has


def known_to_lexicon(terms: Sequence[str], frames: Sequence[fr.Frame], aliases: Mapping[str, str] | None = None) -> np.ndarray:
    """Per term (token form), whether the lexicon already has it.

    Yes when the lexicon would count a hit in the term (an entry matches
    inside it: "terrorist gangs" for "terror*"), or when the term is a word
    or run of words inside one of its phrases ("security treaty" in
    "collective security treaty"; a wildcard phrase's last word as a prefix).
    """
    terms = list(terms)
    if not terms:
        return np.zeros(0, dtype=bool)
    table = tokenize_many(terms, aliases, frozenset())  # terms are already content words: keep them all
    matched = fr.lexicon_hits(table, frames, aliases).sum(axis=1) > 0
    phrases = [e for e in fr.lexicon_entries(frames, aliases) if e.n_words > 1]
    inside = np.zeros(len(terms), dtype=bool)
    for i in range(len(terms)):
        words = table.unit_tokens(i)
        inside[i] = any(_runs_inside(words, e.form.split(" "), e.wildcard) for e in phrases)
    return matched | inside


def _runs_inside(words: list[str], entry: list[str], wildcard: bool) -> bool:
    """Whether `words` occur as consecutive words of the entry (its last word a prefix when wildcard)."""
    n = len(words)
    for start in range(len(entry) - n + 1):
        ok = True
        for k, word in enumerate(words):
            target = entry[start + k]
            last = start + k == len(entry) - 1
            if not (word == target or (wildcard and last and word.startswith(target))):
                ok = False
                break
        if ok:
            return True
    return False


# ---------------------------------------------------------------- names


def looks_like_name(term: str, capitals: Mapping[str, tuple[int, int]]) -> bool:
    """Whether any word of the term is capitalised inside sentences at least NAME_SHARE of the time.

    `capitals` is tokens.capital_counts of the texts the term comes from; a
    word never seen inside a sentence there is not taken for a name.
    """
    for word in term.split(" "):
        inside, capitalised = capitals.get(word, (0, 0))
        if inside and capitalised / inside >= NAME_SHARE:
            return True
    return False


# ---------------------------------------------------------------- suggestions


def unit_stories(analysis: Analysis) -> np.ndarray:
    """Each unit's story: the analysis' `story` column, or one story for the whole corpus when it has none."""
    if "story" in analysis.units.columns:
        return analysis.units["story"].astype(str).to_numpy()
    return np.zeros(len(analysis.units), dtype=object).astype(str)


def contrast_groups(analysis: Analysis, cluster: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(A, B, stories): the cluster's counted units and the other clusters' units in the stories they share."""
    units = analysis.units
    counted = units["in_fit"].to_numpy(dtype=bool) if analysis.settings.collapse_duplicates else np.ones(len(units), bool)
    story = unit_stories(analysis)
    in_cluster = counted & (units["cluster"].to_numpy() == cluster)
    others = counted & ~in_cluster
    shared = np.intersect1d(np.unique(story[in_cluster]), np.unique(story[others]))
    in_shared = np.isin(story, shared)
    return in_cluster & in_shared, others & in_shared, len(shared)


def suggest_frames(analysis: Analysis, limit: int | None = None) -> list[SuggestedFrame]:
    """Candidate frames the lexicon lacks, one per cluster that has them (see the module docstring)."""
    if analysis.term_counter is None or not analysis.clusters:
        return []
    labels = {c.id: c for c in analysis.clusters}
    found = []
    for cluster in sorted(labels):
        a, b, stories = contrast_groups(analysis, cluster)
        if a.sum() < MIN_GROUP_UNITS or b.sum() < MIN_GROUP_UNITS:
            continue
        terms = _new_terms(analysis, a, b)
        if len(terms) < MIN_SUGGESTION_TERMS:
            continue
        info = labels[cluster]
        found.append(SuggestedFrame(
            key=f"suggested_{cluster}",
            label=", ".join(t.term for t in terms[:3]),
            cluster=cluster,
            cluster_label=info.label,
            named_after=info.frame,
            units=int(a.sum()),
            rest_units=int(b.sum()),
            stories=stories,
            terms=tuple(terms),
            examples=tuple(_examples(analysis, a, terms)),
        ))
    found.sort(key=lambda s: (s.named_after != fr.NO_FRAME, -sum(t.z for t in s.terms), s.cluster))
    return found if limit is None else found[:limit]


def _new_terms(analysis: Analysis, a: np.ndarray, b: np.ndarray) -> list[SuggestedTerm]:
    """The distinctive terms of A against B that the lexicon lacks, without names or repeats."""
    table = compare_groups(analysis.term_counter, a, b, min_count=MIN_TERM_COUNT)
    table = table[(table["z"] >= Z_CRITICAL)].head(CANDIDATE_TERMS)
    if table.empty:
        return []
    table = table[~known_to_lexicon(list(table["term"]), analysis.frames, analysis.aliases)]
    words = sorted({w for term in table["term"] for w in str(term).split(" ")})
    capitals = {}
    for word, texts in _texts_using(analysis, a, words).items():
        capitals.update(capital_counts(texts, [word], analysis.aliases))
    kept: list[SuggestedTerm] = []
    for term, z, in_a, in_b in table[["term", "z", "count_a", "count_b"]].itertuples(index=False):
        words = f" {term} "
        if any(f" {k.term} " in words or words in f" {k.term} " for k in kept):
            continue
        if looks_like_name(str(term), capitals):
            continue
        kept.append(SuggestedTerm(str(term), float(z), int(in_a), int(in_b)))
        if len(kept) == SUGGESTION_TERMS:
            break
    return kept


def _texts_using(analysis: Analysis, group: np.ndarray, words: Sequence[str]) -> dict[str, list[str]]:
    """word -> texts of the group's units that use it: up to NAME_SAMPLE_UNITS, evenly spaced."""
    rows = np.flatnonzero(group)
    uses, entries = fr.lexicon_term_hits(analysis.term_counter.table, [fr.Frame("words", "words", "", tuple(words))],
                                         analysis.aliases)
    uses = uses[rows].tocsc()
    texts = analysis.units["text"].to_numpy()
    out = {}
    for j, (_frame, word) in enumerate(entries):
        having = np.sort(uses.indices[uses.indptr[j]:uses.indptr[j + 1]])
        out[word] = [str(t) for t in texts[rows[_evenly(having, NAME_SAMPLE_UNITS)]]]
    return out


def _evenly(rows: np.ndarray, limit: int) -> np.ndarray:
    if len(rows) <= limit:
        return rows
    return rows[np.unique(np.linspace(0, len(rows) - 1, limit).astype(np.int64))]


def _examples(analysis: Analysis, a: np.ndarray, terms: Sequence[SuggestedTerm]) -> list[ExamplePassage]:
    """The units of A using the most of the terms (weighted by z), one per article, best first."""
    rows = np.flatnonzero(a)
    probe = fr.Frame("suggested", "suggested", "", tuple(t.term for t in terms))
    uses, entries = fr.lexicon_term_hits(analysis.term_counter.table, [probe], analysis.aliases)
    present = uses[rows].toarray() > 0
    written = [term for _frame, term in entries]
    weight = np.array([next(t.z for t in terms if t.term == w) for w in written]) if written else np.zeros(0)
    strength = present @ weight if len(weight) else np.zeros(len(rows))
    order = np.lexsort((rows, -present.sum(axis=1), -strength))
    docs = analysis.documents.set_index("id")
    out, seen = [], set()
    for i in order:
        if strength[i] <= 0 or len(out) == EXAMPLES:
            break
        unit = int(rows[i])
        doc_id = str(analysis.units.at[unit, "doc_id"])
        if doc_id in seen:
            continue
        seen.add(doc_id)
        out.append(ExamplePassage(
            unit=unit, doc_id=doc_id, source=str(docs.at[doc_id, "source"]), title=str(docs.at[doc_id, "title"]),
            text=str(analysis.units.at[unit, "text"]),
            terms=tuple(w for w, used in zip(written, present[i]) if used),
        ))
    return out


def no_suggestion_reason(analysis: Analysis) -> str:
    """Why `suggest_frames` found nothing, in plain words (for an empty result)."""
    compared = [c.id for c in analysis.clusters
                if min(int(g.sum()) for g in contrast_groups(analysis, c.id)[:2]) >= MIN_GROUP_UNITS]
    if len(analysis.clusters) < 2:
        return "No frame is suggested: the analysis found a single cluster, so there is nothing to set apart."
    if not compared:
        return (f"No frame is suggested: no cluster shares its stories with at least {MIN_GROUP_UNITS} units of "
                "other clusters, so no cluster can be told apart from the rest of its stories.")
    return (f"No frame is suggested: in no cluster do at least {MIN_SUGGESTION_TERMS} words or phrases missing "
            f"from the lexicon stand out from the rest of its stories (z ≥ {Z_CRITICAL}, used at least "
            f"{MIN_TERM_COUNT} times, names left out). A small corpus rarely gives such evidence: this one has "
            f"{len(analysis.units):,} {analysis.unit}s.")


def suggestions_table(suggestions: Sequence[SuggestedFrame]) -> pd.DataFrame:
    """One row per suggested term: suggestion key, cluster, term, z and counts (for a download or a table)."""
    rows = [
        {"suggestion": s.key, "cluster": s.cluster, "term": t.term, "z": round(t.z, 3),
         "count_cluster": t.count_cluster, "count_rest": t.count_rest}
        for s in suggestions for t in s.terms
    ]
    return pd.DataFrame(rows, columns=["suggestion", "cluster", "term", "z", "count_cluster", "count_rest"])


# ---------------------------------------------------------------- into a lexicon


class SuggestionError(FramelensError, ValueError):
    """A suggested frame that cannot be added as given; the message says why."""


def frame_key(label: str, taken: Sequence[str] = ()) -> str:
    """A TOML bare key for a frame named `label`: lower case, words joined by "_", unique among `taken`.

    "Economic hardship" -> "economic_hardship"; a name with no letters or
    digits of the basic Latin alphabet becomes "frame"; a taken or reserved
    key gets "_2", "_3", ...
    """
    base = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "frame"
    if base[0].isdigit():
        base = f"frame_{base}"
    taken_set = set(taken) | set(fr.RESERVED_NAMES)
    key, n = base, 1
    while key in taken_set:
        n += 1
        key = f"{base}_{n}"
    return key


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped, the rest kept as written."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def frame_section(key: str, label: str, description: str, terms: Sequence[str]) -> str:
    """One [frames.KEY] section of a lexicon, in the bundled lexicons' layout."""
    listed = ",\n".join(f"  {toml_string(t)}" for t in terms)
    return (f"[frames.{key}]\nlabel = {toml_string(label)}\ndescription = {toml_string(description)}\n"
            f"terms = [\n{listed},\n]\n")


def add_frame(lexicon_toml: str, label: str, terms: Sequence[str], description: str = "") -> tuple[str, str, list[str]]:
    """(the lexicon with the new frame added at its end, the new frame's key, warnings about its terms).

    `label` names the frame (its key is derived with `frame_key`); `terms`
    are its entries as the user edited them, blank ones dropped and repeats
    kept once. The result is checked by `frames.load_frames`, so what is
    returned loads; SuggestionError says what is missing or wrong.
    """
    label = " ".join(str(label).split())
    if not label:
        raise SuggestionError("Give the new frame a name.")
    cleaned = list(dict.fromkeys(" ".join(str(t).split()) for t in terms if str(t).strip()))
    if not cleaned:
        raise SuggestionError(f'The frame "{label}" has no terms: give at least one word or phrase.')
    try:
        frames, _ = fr.load_frames(lexicon_toml)
    except fr.FrameLexiconError as exc:
        raise SuggestionError(f"The lexicon in use cannot take a new frame: {exc}") from None
    if label.lower() in {f.label.lower() for f in frames}:
        raise SuggestionError(f'The lexicon already has a frame labelled "{label}": choose another name.')
    key = frame_key(label, [f.name for f in frames])
    description = " ".join(str(description).split())
    text = lexicon_toml.rstrip("\n") + "\n\n" + frame_section(key, label, description, cleaned)
    try:
        _frames, warnings = fr.load_frames(text)
    except fr.FrameLexiconError as exc:
        raise SuggestionError(f'The frame "{label}" cannot be added: {exc}') from None
    mine = [w for w in warnings if f'Frame "{key}"' in w]
    return text, key, mine
