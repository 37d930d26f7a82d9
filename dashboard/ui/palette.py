"""One colour per cluster (and per outlet or frame), the same in every chart and on every rerun.

A chart that colours by the order its traces happen to come in gives
cluster 3 a different colour on the map than in the profiles, and another
after a filter. Here a colour is a function of the cluster id (1 = the
largest cluster) or of a name's place in a fixed order, so it only changes
when the thing it names does.

The first colours are Tableau 10's (without its grey); each next one is chosen from a large set of candidates as
the one farthest, in CIELAB, from every colour already given, so colours
stay distinguishable well past ten clusters. No Streamlit import: it is
checked by tests/test_palette.py.
"""

from __future__ import annotations

import colorsys
from functools import lru_cache
from typing import Hashable, Iterable

from dashboard import tables
from dashboard.models import Analysis

# Tableau 10 without its grey (kept for OTHER's neighbourhood): well-separated, familiar hues.
BASE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"]
OTHER = "#d1d5db"  # "other clusters" / "other sources" / no clear frame: a light grey no palette colour is near
# A legend under the chart, in rows: it never takes the chart's width, however many entries it has.
BOTTOM_LEGEND = dict(orientation="h", yanchor="top", y=-0.08, x=0, xanchor="left", title_text="")
MAX_COLOURS = 256


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB colour."""
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def distance(a: str, b: str) -> float:
    """CIE76 colour difference: about 2 is just noticeable, 20 or more is clearly another colour."""
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b))) ** 0.5


def _candidates() -> list[str]:
    """Mid-light, saturated colours (readable on white, far from the grey of OTHER), in a fixed order."""
    out = []
    for h in range(0, 360, 6):
        for lightness, saturation in ((0.45, 0.75), (0.32, 0.65), (0.6, 0.7), (0.4, 0.45)):
            r, g, b = colorsys.hls_to_rgb(h / 360, lightness, saturation)
            out.append(f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}")
    return out


@lru_cache(maxsize=1)
def _sequence() -> tuple[str, ...]:
    """BASE, then farthest-point picks from the candidates: deterministic, computed once."""
    chosen = list(BASE)
    labs = [_lab(c) for c in chosen] + [_lab(OTHER)]  # keep away from the catch-all grey too
    pool = [(c, _lab(c)) for c in _candidates()]
    nearest = [min(sum((p - q) ** 2 for p, q in zip(lab, other)) for other in labs) for _c, lab in pool]
    while len(chosen) < MAX_COLOURS and pool:
        best = max(range(len(pool)), key=nearest.__getitem__)
        colour, lab = pool.pop(best)
        nearest.pop(best)
        chosen.append(colour)
        nearest = [min(d, sum((p - q) ** 2 for p, q in zip(lab, other))) for d, (_c, other) in zip(nearest, pool)]
    return tuple(chosen)


def colour(position: int) -> str:
    """The colour at a 0-based position of the sequence (it repeats after MAX_COLOURS)."""
    sequence = _sequence()
    return sequence[position % len(sequence)]


def cluster_colour(cluster_id: int) -> str:
    """Cluster 1's colour is the first; a cluster keeps its colour in every chart."""
    return colour(int(cluster_id) - 1)


def colour_map(names: Iterable[Hashable], other: str | None = None) -> dict:
    """name -> colour by each name's place in `names` (give them in a fixed order: largest first, say).

    `other` names a catch-all entry ("other sources") that gets the light grey.
    """
    out = {}
    for name in names:
        if name == other:
            out[name] = OTHER
        elif name not in out:
            out[name] = colour(len([n for n in out if n != other]))
    return out


def frame_colours(analysis: Analysis) -> dict[str, str]:
    """Frame label -> colour, in lexicon order; "none" (no clear frame) is grey. The same in every chart."""
    none = tables.frame_label(analysis, "none")
    return colour_map([tables.frame_label(analysis, f) for f in [*analysis.frame_names, "none"]], other=none)

