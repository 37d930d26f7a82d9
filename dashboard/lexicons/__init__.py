"""Bundled frame lexicons, chosen by name, and the measure that picks one for a corpus.

Three lexicons ship with Framelens:
- ``crisis``: the framings of one crisis, unrest or foreign intervention
  (``crisis.toml``, the lexicon the sample corpus was written with);
- ``policy``: the 14 dimensions of the Policy Frames Codebook (Boydstun et al. 2014);
- ``news``: the five generic news frames (Semetko & Valkenburg 2000).

A lexicon written for one story leaves most of another corpus without a frame,
so with no choice made ("auto") the lexicon that gives a clear frame to the
largest share of the corpus' units is used, and the Overview can say why.
"Clear frame" is the lexicon's own rule (MIN_HITS hits and MIN_SCORE per 100
tokens for some frame): a share measured here is the share of units whose
words alone give them a frame, which the analysis never calls "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

from ..frame_model import SCORE_THRESHOLD, lexicon_probability
from ..frames import (
    BUNDLED_LEXICON,
    Frame,
    FrameLexiconError,
    lexicon_hits,
    load_frames,
    read_lexicon,
)
from ..tokens import TokenTable

_HERE = Path(__file__).resolve().parent

# Name -> TOML file. The order breaks ties in `choose_lexicon`: the story-specific
# lexicon first, then the richer generic one.
BUNDLED: dict[str, Path] = {
    "crisis": BUNDLED_LEXICON,
    "policy": _HERE / "policy.toml",
    "news": _HERE / "news.toml",
}
AUTO = "auto"  # not a lexicon: "let choose_lexicon pick one of BUNDLED for this corpus"


class UnknownLexiconError(FrameLexiconError):
    """A lexicon name that is not bundled (a file that cannot be used raises FrameLexiconError)."""


def _names() -> str:
    return ", ".join(BUNDLED)


def lexicon_text(name_or_path: str | Path) -> str:
    """TOML text of a bundled lexicon by name, or of a user's lexicon file by path.

    A bare word is a name, in any case ("Policy" from a URL is policy). A path
    (a Path, or text ending in .toml or with a folder in it) is read and
    checked by `frames.read_lexicon`. "auto" is refused: it is not a lexicon
    but the request to call `choose_lexicon`.
    """
    key = str(name_or_path).strip()
    if not isinstance(name_or_path, Path) and key.lower() in BUNDLED:
        return BUNDLED[key.lower()].read_text(encoding="utf-8")
    if key.lower() == AUTO and not isinstance(name_or_path, Path):
        raise UnknownLexiconError(
            f'"{AUTO}" is not a lexicon: it asks for the bundled lexicon ({_names()}) '
            "that covers the corpus best (choose_lexicon)"
        )
    path = Path(key)
    if isinstance(name_or_path, Path) or path.suffix.lower() == ".toml" or len(path.parts) > 1:
        return read_lexicon(path)
    raise UnknownLexiconError(
        f'unknown frame lexicon "{key}": the bundled lexicons are {_names()}; '
        "or give the path of a .toml lexicon file"
    )


def bundled_frames(name: str) -> list[Frame]:
    """The frames of a bundled lexicon (bundled lexicons load without warnings; tests hold them to it)."""
    frames, _warnings = load_frames(lexicon_text(name))
    return frames


def coverage(frames: Sequence[Frame], tokens: TokenTable, aliases: Mapping[str, str] | None = None) -> float:
    """Share of units (rows of `tokens`) to which the words of `frames` alone give a frame.

    A unit counts when some frame has at least MIN_HITS hits and MIN_SCORE
    hits per 100 tokens, counted as the analysis counts them
    (`frames.lexicon_hits` on its token and alias tables): exactly the units
    whose lexicon score (`frame_model.lexicon_probability`) reaches the
    threshold, which the analysis therefore never calls "none" (its context
    model can only add frames). 0.0 for an empty corpus.
    """
    return coverage_of_hits(lexicon_hits(tokens, frames, aliases), tokens.lengths())


def coverage_of_hits(hits: np.ndarray, n_tokens: np.ndarray) -> float:
    """`coverage` from already counted (units x frames) hits and the units' content-token counts."""
    if len(n_tokens) == 0:
        return 0.0
    clear = lexicon_probability(hits, n_tokens) >= SCORE_THRESHOLD
    return float(clear.any(axis=1).mean()) if clear.shape[1] else 0.0


@dataclass(frozen=True)
class LexiconChoice:
    name: str  # the bundled lexicon to use
    reason: str  # one sentence for the Overview
    coverage: dict[str, float]  # every candidate -> share of units it gives a clear frame


def choose_lexicon(
    tokens: TokenTable,
    aliases: Mapping[str, str] | None = None,
    unit: str = "passage",
    candidates: Sequence[str] | None = None,
) -> LexiconChoice:
    """The bundled lexicon that gives a clear frame to the most units, and why.

    `tokens` and `aliases` are the analysis' units and alias table (the
    pipeline's ``Units.tokens`` and ``AliasTable.table``); `unit` ("article"
    or "passage") only words the reason. Ties go to the candidate listed
    first (BUNDLED order by default). The reason reads like
    "policy: 73% of articles carry a frame, against 66% for news and 31% for crisis."
    """
    names = list(BUNDLED) if candidates is None else list(dict.fromkeys(candidates))
    if not names:
        raise ValueError("choose_lexicon needs at least one candidate lexicon")
    unknown = [n for n in names if n not in BUNDLED]
    if unknown:
        raise UnknownLexiconError(f'unknown frame lexicon "{unknown[0]}": the bundled lexicons are {_names()}')
    if unit not in ("article", "passage"):
        raise ValueError(f'unit must be "article" or "passage", not {unit!r}')
    return _choose({name: coverage(bundled_frames(name), tokens, aliases) for name in names}, names, unit)


def _choose(shares: dict[str, float], names: list[str], unit: str) -> LexiconChoice:
    """The choice and its reason from each candidate's coverage (ties: the one listed first)."""
    ranked = sorted(names, key=lambda n: (-shares[n], names.index(n)))
    best = ranked[0]
    units = f"{unit}s"
    if shares[best] == 0.0:
        reason = f"{best}: no bundled lexicon gives any of the {units} a clear frame, so the first one is used."
        return LexiconChoice(best, reason, shares)
    reason = f"{best}: {_percent(shares[best])} of {units} carry a frame"
    others = [f"{_percent(shares[n])} for {n}" for n in ranked[1:]]
    if others:
        reason += ", against " + (others[0] if len(others) == 1 else ", ".join(others[:-1]) + " and " + others[-1])
    tied = [n for n in ranked[1:] if shares[n] == shares[best]]
    if tied:
        reason += f" ({best} is listed before {', '.join(tied)})"
    return LexiconChoice(best, reason + ".", shares)


def _percent(share: float) -> str:
    """Whole percent, except that a share above 0 never shows as 0% nor one below 1 as 100%."""
    value = round(100 * share)
    if share > 0 and value == 0:
        return "<1%"
    if share < 1 and value == 100:
        return ">99%"
    return f"{value}%"


CUSTOM = "custom"  # what an analysis records as the name of a user's own lexicon
CHOICES = (AUTO, *BUNDLED)  # what Settings.lexicon, `--frames NAME` and the `lexicon` URL parameter accept


def normalise_choice(choice: str) -> str:
    """A lexicon choice in its canonical form ("Policy " -> "policy"); UnknownLexiconError if it is none of CHOICES."""
    key = str(choice).strip().lower()
    if key not in CHOICES:
        raise UnknownLexiconError(
            f'unknown frame lexicon "{str(choice).strip()}": choose {AUTO} or one of the bundled lexicons ({_names()})'
        )
    return key


@dataclass(frozen=True)
class LexiconInUse:
    name: str  # a bundled name, or CUSTOM
    toml: str  # its TOML text, as used (what Settings exports)
    reason: str  # one sentence for the Overview: which lexicon and why
    coverage: dict[str, float]  # every bundled lexicon -> share of units its words give a frame
    hits: np.ndarray  # (units x frames) lexicon hits of this lexicon, counted once here for the analysis


def resolve_lexicon(
    choice: str,
    user_toml: str | None,
    tokens: TokenTable,
    aliases: Mapping[str, str] | None = None,
    unit: str = "passage",
) -> LexiconInUse:
    """The lexicon an analysis uses, the sentence that says why, and its hits.

    A user's TOML (`user_toml`) wins over any name; otherwise `choice` is a
    bundled name or "auto" (the `choose_lexicon` rule on these units). The
    coverage of every bundled lexicon is measured in every case, so the
    Overview can suggest another lexicon when the one in use leaves most
    units without a frame; each lexicon is counted once.
    """
    n_tokens = tokens.lengths()
    hits = {name: lexicon_hits(tokens, bundled_frames(name), aliases) for name in BUNDLED}
    shares = {name: coverage_of_hits(h, n_tokens) for name, h in hits.items()}
    mine = None
    if user_toml is not None:
        frames, _warnings = load_frames(user_toml)
        mine = lexicon_hits(tokens, frames, aliases)
    name, toml, reason = lexicon_choice(choice, user_toml, shares, unit,
                                        None if mine is None else coverage_of_hits(mine, n_tokens))
    return LexiconInUse(name, toml, reason, shares, mine if mine is not None else hits[name])


def lexicon_choice(
    choice: str, user_toml: str | None, shares: Mapping[str, float], unit: str = "passage", own_share: float | None = None,
) -> tuple[str, str, str]:
    """(name, TOML text, reason) of the lexicon an analysis uses, from each bundled lexicon's coverage.

    `own_share` is the coverage of the user's lexicon when `user_toml` is
    given. The rule of `resolve_lexicon`, for callers that measured the
    coverages themselves (the Spark engine counts them as an aggregation).
    """
    units = f"{unit}s"
    if user_toml is not None:
        reason = (f"Your own frame lexicon is in use: its words give a clear frame to "
                  f"{_percent(own_share or 0.0)} of {units}.")
        return CUSTOM, user_toml, reason
    key = normalise_choice(choice)
    if key == AUTO:
        chosen = _choose(dict(shares), list(BUNDLED), unit)
        reason = (
            f"The {chosen.name} frame lexicon was chosen automatically, as the bundled lexicon whose words "
            f"give a clear frame to the most {units} ({chosen.reason.rstrip('.')})."
        )
        return chosen.name, lexicon_text(chosen.name), reason
    reason = f"The {key} frame lexicon is in use, as chosen: its words give a clear frame to {_percent(shares[key])} of {units}."
    return key, lexicon_text(key), reason
