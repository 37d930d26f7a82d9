"""The only place the dashboard builds HTML, so escaping is checked in one spot.

Article text, titles, outlet names, terms and file names come from whoever
made the corpus. Streamlit's markdown renders links and images even when raw
HTML is escaped, and plotly renders some tags in hover text, so corpus text
reaches the page either through inert elements (st.text, st.dataframe,
st.code) or through these functions, which escape every corpus piece and add
only their own fixed tags. The HTML goes out through st.html, which does not
interpret markdown.
"""

from __future__ import annotations

import html
from typing import Iterable, Mapping, Sequence

import pandas as pd
import streamlit as st

from dashboard import tokens

# Highlight classes -> inline style (st.html keeps inline styles).
STYLES = {
    "a": "background:#dbeafe;border-radius:3px;padding:0 2px",  # distinctive of article A
    "b": "background:#fde68a;border-radius:3px;padding:0 2px",  # distinctive of article B
    "frame": "text-decoration:underline 2px #7c3aed;text-underline-offset:3px",  # frame lexicon term
    "differs": "font-weight:600;color:#b91c1c",  # in this sentence, not in the sentence matched with it
}
UNIQUE_BG = "#fff7ed"  # a sentence the other article has no match for
MATCH_BG = "#f0fdf4"
CELL = "padding:6px 10px;vertical-align:top;border-bottom:1px solid #e5e7eb;font-size:0.92rem;line-height:1.45"


def esc(value: object) -> str:
    """Any value as inert HTML text (quotes too, so it is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def truncate(text: object, limit: int) -> str:
    """One line of at most `limit` characters; long text ends with an ellipsis."""
    flat = " ".join(str("" if text is None else text).split())
    return flat if len(flat) <= limit else flat[: max(0, limit - 1)].rstrip() + "…"


def esc_series(values: pd.Series) -> pd.Series:
    """esc() for a whole column at once (the map's hover text for 40,000 units)."""
    out = values.fillna("").astype(str)
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")):
        out = out.str.replace(raw, escaped, regex=False)
    return out


def truncate_series(values: pd.Series, limit: int) -> pd.Series:
    """truncate() for a whole column: whitespace collapsed, long values cut with an ellipsis."""
    flat = values.fillna("").astype(str).str.slice(0, limit * 2).str.split().str.join(" ")
    return flat.where(flat.str.len() <= limit, flat.str.slice(0, limit - 1).str.rstrip() + "…")


def tail(text: object, limit: int) -> str:
    """The last `limit` characters of one line (the words nearest a match), ellipsis first."""
    flat = " ".join(str("" if text is None else text).split())
    return flat if len(flat) <= limit else "…" + flat[-(limit - 1):].lstrip()


def hover(parts: Sequence[tuple[str, object]], limit: int = 160) -> str:
    """Plotly hover text: fixed field names, escaped and truncated values, <br> between."""
    return "<br>".join(f"{esc(name)}: {esc(truncate(value, limit))}" if name else esc(truncate(value, limit))
                       for name, value in parts)


def plot_label(text: object, limit: int = 40) -> str:
    """A corpus string used as a plotly axis tick, legend entry or text label."""
    return esc(truncate(text, limit))


def highlight(
    text: str,
    marks: Mapping[str, str],
    aliases: Mapping[str, str] | None = None,
    stop_words: frozenset[str] = tokens.STOP_WORDS,
) -> str:
    """Escaped text with vocabulary terms wrapped in styled spans.

    `marks` maps a term as the core writes it (content words joined by spaces,
    e.g. "state emergency") to a STYLES key. Words are matched the way the
    tokenizer sees them (pass the analysis' aliases and stop words), so a
    highlighted word is the one the analysis counted.
    """
    spans = [(m.start(), m.end()) for m in tokens.TOKEN_RE.finditer(text)]
    content: list[tuple[str, int]] = []  # (normalised word, index into spans)
    for pos, (start, end) in enumerate(spans):
        word = tokens.tokenize(text[start:end], aliases, stop_words)
        if word:
            content.append((word[0], pos))
    longest = max((len(t.split(" ")) for t in marks), default=0)
    styled: list[tuple[int, int, str]] = []  # (char start, char end, style key)
    k = 0
    while k < len(content):
        for size in range(min(longest, len(content) - k), 0, -1):
            term = " ".join(w for w, _ in content[k : k + size])
            if term in marks:
                styled.append((spans[content[k][1]][0], spans[content[k + size - 1][1]][1], marks[term]))
                k += size
                break
        else:
            k += 1
    out, cursor = [], 0
    for start, end, key in styled:
        out.append(esc(text[cursor:start]))
        out.append(f'<span style="{STYLES[key]}">{esc(text[start:end])}</span>')
        cursor = end
    out.append(esc(text[cursor:]))
    return "".join(out)


def aligned_table(rows: Iterable[tuple[str | None, str | None, str, str]], head_a: str, head_b: str) -> str:
    """Two articles as a three-column table: A sentence, what links them, B sentence.

    Each row is (A cell, B cell, middle text, kind). Cells arrive as HTML built
    by highlight(); None leaves that side empty. kind "match" tints both
    sides green, "unique" shades the one sentence the other article lacks,
    "echo" marks a sentence already matched elsewhere (left unshaded).
    """
    shade = {"match": MATCH_BG, "unique": UNIQUE_BG, "echo": "#f9fafb"}
    body = []
    for a_html, b_html, middle, kind in rows:
        bg = shade.get(kind, "#ffffff")
        a_bg = bg if a_html is not None else "#ffffff"
        b_bg = bg if b_html is not None else "#ffffff"
        body.append(
            f'<tr><td style="{CELL};background:{a_bg};width:46%">{a_html or ""}</td>'
            f'<td style="{CELL};text-align:center;color:#6b7280;white-space:nowrap;width:8%">{esc(middle)}</td>'
            f'<td style="{CELL};background:{b_bg};width:46%">{b_html or ""}</td></tr>'
        )
    head = (
        f'<tr><th style="{CELL};text-align:left">{esc(head_a)}</th>'
        f'<th style="{CELL}">match</th><th style="{CELL};text-align:left">{esc(head_b)}</th></tr>'
    )
    return f'<table style="width:100%;border-collapse:collapse">{head}{"".join(body)}</table>'


def legend() -> str:
    """Key to the highlight colours (fixed text only)."""
    items = [
        (STYLES["a"], "distinctive of A"),
        (STYLES["b"], "distinctive of B"),
        (STYLES["frame"], "frame lexicon term"),
        (STYLES["differs"], "word its matched sentence lacks"),
        (f"background:{MATCH_BG};padding:0 4px", "shared sentence"),
        (f"background:{UNIQUE_BG};padding:0 4px", "sentence only one article has"),
    ]
    return " &nbsp; ".join(f'<span style="{style}">{esc(text)}</span>' for style, text in items)


def badge(text: str, colour: str = "#b91c1c") -> str:
    """A small coloured pill with escaped text."""
    return (f'<span style="display:inline-block;background:{esc(colour)};color:white;border-radius:999px;'
            f'padding:2px 10px;font-size:0.85rem">{esc(text)}</span>')


def chips(terms: Iterable[str]) -> str:
    """Terms as light grey chips (a cluster's top terms)."""
    return " ".join(
        f'<span style="display:inline-block;background:#f3f4f6;border-radius:4px;padding:1px 6px;'
        f'margin:1px;font-size:0.88rem">{esc(t)}</span>'
        for t in terms
    )


def note_box(lines: Sequence[str], title: str) -> str:
    """A warning-coloured box listing messages that may quote user input."""
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return (f'<div style="background:#fffbeb;border:1px solid #fcd34d;border-radius:6px;padding:8px 14px;'
            f'font-size:0.9rem"><b>{esc(title)}</b><ul style="margin:4px 0 0 0">{items}</ul></div>')


def render(markup: str) -> None:
    """Send HTML built by this module to the page (st.html does not read markdown)."""
    st.html(markup)


def kwic_table(lines, max_height: int = 420, context_chars: int = 70) -> str:
    """Keyword-in-context lines: left context right-aligned, the match bold, the outlet first."""
    nowrap = "white-space:nowrap;overflow:hidden"
    rows = []
    sources = lines["source"] if "source" in lines else [""] * len(lines)
    for source, left, match, right in zip(sources, lines["left"], lines["match"], lines["right"]):
        rows.append(
            f'<tr><td style="{CELL};{nowrap};color:#6b7280;width:14%">{esc(truncate(source, 22))}</td>'
            f'<td style="{CELL};{nowrap};text-align:right;width:40%">{esc(tail(left, context_chars))}</td>'
            f'<td style="{CELL};{nowrap};font-weight:700;text-align:center;width:10%">{esc(match)}</td>'
            f'<td style="{CELL};{nowrap};width:36%">{esc(truncate(right, context_chars))}</td></tr>'
        )
    return (f'<div style="max-height:{int(max_height)}px;overflow-y:auto">'
            f'<table style="width:100%;border-collapse:collapse;table-layout:fixed">{"".join(rows)}</table></div>')


def link(url: str, text: str) -> str:
    """A link that opens in a new tab; `url` must already be a web address (tables.link_url), else plain text."""
    if not url.lower().startswith(("http://", "https://")):
        return esc(text)
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(text)}</a>'


def copy_group_table(members: pd.DataFrame) -> str:
    """One duplicate group: role, outlet, date, title (wrapped, never cut), originality, link to the article.

    `members` holds tables.copy_table's columns for one group (role may be
    renumbered by the page); the link shows the address's host.
    """
    head = "".join(f'<th style="{CELL};text-align:left;width:{width}">{esc(name)}</th>'
                   for name, width in (("role", "8%"), ("outlet", "15%"), ("date", "11%"), ("title", "40%"),
                                       ("originality", "10%"), ("link", "16%")))
    body = []
    for row in members.itertuples(index=False):
        host = row.url.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.") if row.url else ""
        body.append(
            f'<tr><td style="{CELL}">{esc(row.role)}</td><td style="{CELL}">{esc(row.source)}</td>'
            f'<td style="{CELL};white-space:nowrap">{esc(row.date or "no date")}</td>'
            f'<td style="{CELL}">{esc(row.title)}</td>'
            f'<td style="{CELL}">{float(row.originality):.2f}</td>'
            f'<td style="{CELL};overflow-wrap:anywhere">{link(row.url, host) if row.url else ""}</td></tr>'
        )
    return (f'<table style="width:100%;border-collapse:collapse;table-layout:fixed"><tr>{head}</tr>'
            f'{"".join(body)}</table>')

# ---------------------------------------------------------------- links and outlets (Stories)

RATING_COLOURS = {"left": "#1d4ed8", "lean left": "#3b82f6", "center": "#6b7280", "lean right": "#ef4444",
                  "right": "#b91c1c"}  # AllSides' bias ratings; any other value is grey


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def rating_badge(value: object) -> str:
    """A rating such as an outlet's bias as a small pill; nothing for a missing value."""
    if _missing(value):
        return ""
    colour = RATING_COLOURS.get(str(value).strip().lower(), "#6b7280")
    return (f'<span style="display:inline-block;background:{colour};color:white;border-radius:999px;'
            f'padding:0 8px;font-size:0.8rem;margin-left:6px">{esc(truncate(value, 30))}</span>')


def _article_lines(articles: Sequence[Mapping[str, object]]) -> str:
    items = []
    for art in articles:
        date = "no date" if _missing(art.get("date")) else esc(art.get("date"))
        opened = link(str(art.get("url")), "open ↗") if not _missing(art.get("url")) else ""
        items.append(f'<li style="margin-bottom:6px"><span style="color:#6b7280;font-size:0.85rem">{date}</span> '
                     f'{esc(art.get("title"))} {opened}</li>')
    return f'<ul style="margin:4px 0 0 0;padding-left:18px">{"".join(items)}</ul>'


def outlet_card(source: str, rating: object, articles: Sequence[Mapping[str, object]]) -> str:
    """One outlet on one story: its name, rating, and each article's date, title and link."""
    return (f'<div style="border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px;height:100%">'
            f'<div style="font-weight:700;font-size:1.02rem">{esc(source)}{rating_badge(rating)}</div>'
            f'{_article_lines(articles)}</div>')


def outlet_rows(outlets: Sequence[tuple[str, object, Sequence[Mapping[str, object]]]]) -> str:
    """Many outlets on one story: a row per outlet (name and rating, then its articles)."""
    rows = "".join(
        f'<tr><td style="{CELL};width:24%;font-weight:600">{esc(source)}<br>{rating_badge(rating)}</td>'
        f'<td style="{CELL}">{_article_lines(articles)}</td></tr>'
        for source, rating, articles in outlets
    )
    return f'<table style="width:100%;border-collapse:collapse">{rows}</table>'


def story_heading(label: str, facts: Sequence[str] = ()) -> str:
    """A story's full label as a heading (corpus text, escaped; never cut), with a line of facts under it."""
    line = " · ".join(esc(f) for f in facts)
    return (f'<div style="font-size:1.35rem;font-weight:700;line-height:1.3">{esc(label)}</div>'
            + (f'<div style="color:#4b5563;margin-top:4px">{line}</div>' if line else ""))


def text_table(rows: Sequence[Sequence[object]], headers: Sequence[str], widths: Sequence[int],
               max_height: int = 420) -> str:
    """Rows of corpus text as an escaped table whose cells wrap (a dataframe cuts long sentences to one line)."""
    head = "".join(f'<th style="{CELL};text-align:left;width:{int(w)}%">{esc(h)}</th>' for h, w in zip(headers, widths))
    body = "".join("<tr>" + "".join(f'<td style="{CELL}">{esc(v)}</td>' for v in row) + "</tr>" for row in rows)
    return (f'<div style="max-height:{int(max_height)}px;overflow-y:auto">'
            f'<table style="width:100%;border-collapse:collapse"><thead>{head}</thead><tbody>{body}</tbody>'
            '</table></div>')


def sentence(parts: Sequence[tuple[object, bool]]) -> str:
    """A line of text pieces, each escaped; (text, True) is bold. For corpus names inside a sentence
    (a widget label or caption would read them as markdown)."""
    return "<div>" + "".join(f"<b>{esc(text)}</b>" if bold else esc(text) for text, bold in parts) + "</div>"


# Fixed page CSS (no corpus text). A multiselect's dropdown is as wide as its box, and the sidebar is narrow:
# long choices (an event named by its story's title and dates) would be cut off. The dropdown is widened
# instead; its rows are virtualised at a fixed height, so the text cannot wrap.
PAGE_CSS = """<style>
[data-testid="stMultiSelectDropdown"] { width: max(100%, min(720px, 85vw)) !important; }
[data-testid="stMultiSelectDropdown"] [role="presentation"] { width: 100% !important; }
</style>"""


def chosen_list(labels: Sequence[str]) -> str:
    """Chosen values in full, one per line (a multiselect's chips cut long ones short)."""
    items = "".join(f'<li style="margin-bottom:2px">{esc(label)}</li>' for label in labels)
    return f'<ul style="margin:-6px 0 4px 0;padding-left:18px;font-size:0.82rem;color:#374151">{items}</ul>'
