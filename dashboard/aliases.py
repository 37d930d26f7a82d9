"""Spelling variants of one name ("Kassym-Jomart" / "Kasim-Jomart") counted as one term.

Transliterated names are spelt differently by different outlets; left alone,
each spelling becomes its own term and outlets look as if they talk about
different people. Detection is deliberately strict (a wrong merge silently
fuses two people), and the user's alias table always has the last word.

Counting (one pass over the texts, C-speed Counter updates) is separate from
detection (work per distinct name, compared only inside blocks of the same
transliteration key), so detection on a counted corpus takes well under a second.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from .errors import SettingsError
from .parallel import in_halves
from .tokens import STOP_WORDS, TOKEN_RE


@dataclass(frozen=True)
class AliasMerge:
    variant: str
    canonical: str
    reason: str
    variant_count: int
    canonical_count: int


@dataclass
class NameCounts:
    """Occurrence counts needed to decide which tokens are names and which names are variants.

    Keys are lower-case tokens as tokens.tokenize sees them before alias folding.
    `lower` is counted on a deterministic sample of at most LOWER_SAMPLE_CHARS
    characters and scaled by `lower_scale`: it only has to tell common words
    ("Minister", "Will") from names, and common words are frequent.
    """

    capitalised: Counter = field(default_factory=Counter)  # token -> capitalised occurrences
    mid_sentence: Counter = field(default_factory=Counter)  # ... not at a sentence start
    neighbours: Counter = field(default_factory=Counter)  # (name, adjacent capitalised word) -> n
    lower: Counter = field(default_factory=Counter)  # token -> lower-case occurrences (sampled)
    lower_scale: float = 1.0

    def lower_estimate(self, token: str) -> float:
        return self.lower[token] * self.lower_scale


LOWER_SAMPLE_CHARS = 20_000_000
# A run of capitalised words ("Lukashenko and Kasim-Jomart Tokayev" -> ("Kasim-Jomart Tokayev", " ")).
# The pattern starts with its capital letter, so the regex engine skips ahead to
# the next capital in C instead of trying a match at every character; what comes
# before the run is only looked at (lookbehind), not matched:
_NAME_RUN_RE = re.compile(
    r"([A-Z](?<![\w'’-].)"  # a capitalised word that does not start inside another word,
    r"(?:(?<=[a-z0-9,;]( ).)|)"  # group 2 is " " when it follows a word mid-sentence ("word ", "3 ", ", ")
    r"[\w'’-]*(?: [A-Z][\w'’-]*)*)"  # ... with the capitalised words that follow it, space-separated;
    # and the two characters after the run are taken with it, so a run starting a
    # single character after another ("Foo,Bar", "U.S.") is not one: counts stay as
    # they were when the pattern matched two characters before each run.
    r"[\s\S]{0,2}"
)
_LOWER_TOKEN_RE = re.compile(r"(?<![\w'’-])[a-z][\w'’-]*")

_MIN_NAME_SHARE = 0.8  # capitalised in at least this share of occurrences
_MAX_DISTANCE = 0.34  # normalised edit distance between raw spellings
_MIN_CONTEXT_SIMILARITY = 0.3  # cosine of neighbouring-name profiles
_MIN_LENGTH = 4  # "Si" / "Sai": too short to tell apart by spelling
_MIN_UNSUPPORTED_LENGTH = 7  # without shared neighbours the longer spelling needs 7+ letters
_MAX_UNSUPPORTED_COUNT = 3  # ... and the variant must be rare
_MIN_UNSUPPORTED_RATIO = 4  # ... and the canonical at least this many times more frequent
_SHORT_NAME = 6  # names shorter than this merge only with shared neighbours
_MAX_BLOCK = 40  # names per key compared; larger blocks keep their most frequent


def _key(token: str) -> str:
    """A token as tokens.tokenize sees it before alias folding."""
    token = token.lower().replace("’", "'")
    return token[:-2] if token.endswith("'s") else token


class _KeyCache(dict):
    """raw token -> _key(token), each computed once: a name recurs in many different runs."""

    def __missing__(self, token: str) -> str:
        key = self[token] = _key(token)
        return key


def count_name_tokens(texts: Iterable[str]) -> NameCounts:
    """C-speed counting of raw capitalised runs, folded to token keys once at the end.

    A large corpus is counted in two processes (parallel.in_halves): the raw
    counts add up, and the texts sampled for lower-case counts are the same.
    """
    texts = list(texts)
    total_chars = sum(len(t) for t in texts) or 1
    stride = max(1, -(-total_chars // LOWER_SAMPLE_CHARS))

    def raw_counts(rows: range) -> tuple[Counter, Counter, int]:
        runs, lower, sampled = Counter(), Counter(), 0
        for i in rows:
            runs.update(_NAME_RUN_RE.findall(texts[i]))
            if i % stride == 0:
                lower.update(_LOWER_TOKEN_RE.findall(texts[i]))
                sampled += len(texts[i])
        return runs, lower, sampled

    halves = in_halves(raw_counts, range(len(texts)))
    raw_runs, raw_lower, sampled_chars = halves[0]
    for runs, lower, sampled in halves[1:]:
        raw_runs.update(runs)
        raw_lower.update(lower)
        sampled_chars += sampled
    counts = NameCounts(lower_scale=total_chars / max(sampled_chars, 1))
    key_of = _KeyCache()
    capitalised, mid_sentence, neighbours = counts.capitalised, counts.mid_sentence, counts.neighbours
    for (run, after_word), n in raw_runs.items():
        names = [key_of[t] for t in TOKEN_RE.findall(run)]
        if not names:
            continue
        capitalised[names[0]] += n
        if after_word:  # the first name is mid-sentence only after "word ", "3 ", ", "; the others always are
            mid_sentence[names[0]] += n
        for left, right in zip(names, names[1:]):
            capitalised[right] += n
            mid_sentence[right] += n
            neighbours[(left, right)] += n
            neighbours[(right, left)] += n
    for token, n in raw_lower.items():
        for k in TOKEN_RE.findall(token):
            counts.lower[key_of[k]] += n
    return counts


_VOWELS_RE = re.compile(r"(?<=.)[aeiou]")
_DOUBLED_RE = re.compile(r"(.)(?=\1)")  # a letter the same letter follows: dropped, one is kept


def transliterated(token: str) -> str:
    """A spelling with the usual transliteration choices folded (zh/j, kh/k, y/i, double letters)."""
    s = token.replace("-", "").replace("'", "").replace("zh", "j").replace("kh", "k").replace("y", "i")
    return _DOUBLED_RE.sub("", s)


def skeleton(token: str) -> str:
    """Blocking key: spellings of one name share it ("kassym-zhomart" ~ "kasim-jomart")."""
    return _VOWELS_RE.sub("", transliterated(token))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance. A start and an end the two share cost no edit, so the table
    covers only the part between them (spellings of one name differ in a letter or two)."""
    shared_start = 0
    while shared_start < min(len(a), len(b)) and a[shared_start] == b[shared_start]:
        shared_start += 1
    a, b = a[shared_start:], b[shared_start:]
    shared_end = 0
    while shared_end < min(len(a), len(b)) and a[-1 - shared_end] == b[-1 - shared_end]:
        shared_end += 1
    a, b = a[: len(a) - shared_end], b[: len(b) - shared_end]
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _neighbour_profile(counts: NameCounts, names: set[str]) -> dict[str, Counter]:
    profiles: dict[str, Counter] = defaultdict(Counter)
    for (name, other), n in counts.neighbours.items():
        if name in names and other not in STOP_WORDS:
            profiles[name][other] += n
    return profiles


def _similarity(a: Counter, b: Counter) -> float:
    """Cosine of two neighbour profiles: do the two spellings keep the same company?"""
    dot = sum(n * b[w] for w, n in a.items() if w in b)
    if not dot:
        return 0.0
    norm_a = sum(n * n for n in a.values()) ** 0.5
    norm_b = sum(n * n for n in b.values()) ** 0.5
    return dot / (norm_a * norm_b)


def _is_name(counts: NameCounts, token: str) -> bool:
    capitalised = counts.capitalised[token]
    return (
        counts.mid_sentence[token] > 0
        and capitalised >= _MIN_NAME_SHARE * (capitalised + counts.lower_estimate(token))
        and any(c.isalpha() for c in token)
        and token not in STOP_WORDS
    )


def _judge(a: str, b: str, count_a: int, count_b: int, profiles: dict[str, Counter]) -> str | None:
    """Why b is a spelling of name a, or None. a is the more frequent one.

    Differences that transliteration explains (zh/j, y/i, doubled letters) are
    free; at most one other edit is allowed (two in names of 10+ letters). A
    name seen next to other names must share that company with the canonical
    (Cohn/Cohen, Robart/Robert are different people with different first names).
    Without that evidence only a rare spelling of a much more frequent name
    (6+ letters) merges on spelling alone.
    """
    plain_a, plain_b = a.replace("-", ""), b.replace("-", "")
    if plain_a == plain_b:  # "Nur-Sultan" (city) vs "Nursultan" (a first name)
        return None
    if plain_a.startswith(plain_b) or plain_b.startswith(plain_a):  # Russia/Russian, Kazakh/Kazakhs
        return None
    shortest = min(len(plain_a), len(plain_b))
    if shortest < _MIN_LENGTH:
        return None
    trans_a, trans_b = transliterated(a), transliterated(b)
    max_edits = 2 if shortest >= 10 else 1
    if abs(len(trans_a) - len(trans_b)) > max_edits:  # needs more edits than that: skip the distance
        return None
    distance = edit_distance(trans_a, trans_b)
    if distance > max_edits:
        return None
    if edit_distance(plain_a, plain_b) / max(len(plain_a), len(plain_b)) > _MAX_DISTANCE:
        return None
    prof_a, prof_b = profiles.get(a, Counter()), profiles.get(b, Counter())
    similarity = _similarity(prof_a, prof_b) if prof_a and prof_b else None
    evidence = f"spelling key '{skeleton(a)}', {distance} edit(s) beyond transliteration"
    if similarity is not None:
        shared = sorted(set(prof_a) & set(prof_b))
        if similarity < _MIN_CONTEXT_SIMILARITY:
            return None
        return evidence + f", same neighbouring names ({', '.join(shared[:3])}; cosine {similarity:.2f})"
    longest = max(len(plain_a), len(plain_b))
    if shortest < _SHORT_NAME or longest < _MIN_UNSUPPORTED_LENGTH:
        return None
    # A spelling alone is evidence only for a rare form of a common name (a
    # typo or a one-off transliteration), not for two established names.
    if count_b > _MAX_UNSUPPORTED_COUNT or count_a < _MIN_UNSUPPORTED_RATIO * count_b:
        return None
    return evidence


def detect_aliases_from_counts(counts: NameCounts, max_candidates: int = 3000) -> list[AliasMerge]:
    """Merges among names; canonicals are drawn from the max_candidates most frequent names."""
    names = [t for t in counts.capitalised if _is_name(counts, t)]
    names.sort(key=lambda t: (-counts.capitalised[t], t))
    top = set(names[:max_candidates])
    blocks: dict[str, list[str]] = defaultdict(list)
    for name in names:
        blocks[skeleton(name)].append(name)
    blocks = {k: v[:_MAX_BLOCK] for k, v in blocks.items() if len(v) > 1 and any(n in top for n in v)}
    profiles = _neighbour_profile(counts, {n for v in blocks.values() for n in v})

    # Leader clustering: each name, most frequent first, joins the first more
    # frequent name in its block that it matches directly, else leads its own
    # group. So every variant matches its canonical itself, never via a chain
    # (Kazakastan ~ Kazakhstan and Kazakastan ~ Kazakhstani must not join the two).
    merges = []
    for key in sorted(blocks):
        leaders: list[str] = []
        for name in blocks[key]:  # most frequent first
            for leader in leaders:
                reason = _judge(leader, name, counts.capitalised[leader], counts.capitalised[name], profiles)
                if reason:
                    merges.append(
                        AliasMerge(name, leader, reason, counts.capitalised[name], counts.capitalised[leader])
                    )
                    break
            else:
                if name in top:
                    leaders.append(name)
    merges.sort(key=lambda m: (m.canonical, m.variant))
    return merges


NAME_SAMPLE_CHARS = 12_000_000  # text scanned for names in a large corpus


def name_sample(texts: Sequence[str], budget: int = NAME_SAMPLE_CHARS) -> list[str]:
    """Every text when the corpus is small; else evenly spaced texts up to the budget.

    Scanning 223 M characters for capitalised runs took about 35 s (29 M: 6 s); names that
    matter recur, so an even sample finds their variants at a fraction of the
    cost. A variant seen only outside the sample stays unmerged (the user alias
    table can still merge it).
    """
    total = sum(len(t) for t in texts)
    if total <= budget:
        return list(texts)
    stride = -(-total // budget)
    return [t for i, t in enumerate(texts) if i % stride == 0]


def detect_aliases(texts: Sequence[str], max_candidates: int = 3000) -> list[AliasMerge]:
    return detect_aliases_from_counts(count_name_tokens(name_sample(texts)), max_candidates)


_REMOVE = ("", "-")


def merge_tables(detected: Sequence[AliasMerge], user: Sequence[tuple[str, str]]) -> dict[str, str]:
    """variant -> final canonical; user pairs override, "" or "-" as canonical cancels a merge.

    An empty variant or a cycle in the user's pairs raises SettingsError.
    """
    table = {m.variant: m.canonical for m in detected}
    for variant, canonical in user:
        variant, canonical = variant.strip().lower(), canonical.strip().lower()
        if not variant:
            raise SettingsError("An alias table entry has an empty variant.")
        if canonical in _REMOVE:
            table.pop(variant, None)
        elif canonical == variant:
            table.pop(variant, None)  # "x -> x": keep x as its own term
        else:
            table[variant] = canonical
    resolved = {}
    for variant in table:
        seen = [variant]
        target = table[variant]
        while target in table:
            if target in seen:
                cycle = " -> ".join(seen[seen.index(target) :] + [target])
                raise SettingsError(f"The alias table has a cycle: {cycle}. Remove one of these entries.")
            seen.append(target)
            target = table[target]
        resolved[variant] = target
    return resolved


_PAIR_RE = re.compile(r"^\s*(.+?)\s*(?:->|=>|→|,|;|\t)\s*(.*?)\s*$")


def parse_alias_table(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Pairs from "variant -> canonical" or CSV lines, and one message per unusable line."""
    pairs: list[tuple[str, str]] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _PAIR_RE.match(stripped)
        if not m:
            errors.append(f"Line {number}: expected 'variant -> canonical' or 'variant,canonical', got {stripped!r}.")
            continue
        variant, canonical = (part.strip().strip('"').strip().lower() for part in m.groups())
        if number == 1 and (variant, canonical) == ("variant", "canonical"):
            continue  # a CSV header
        if not variant:
            errors.append(f"Line {number}: the variant (left side) is empty.")
            continue
        if "," in canonical or "->" in canonical:
            errors.append(f"Line {number}: more than two fields in {stripped!r}.")
            continue
        pairs.append((variant, canonical))
    return pairs, errors
