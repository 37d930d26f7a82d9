"""An evidence pack for one Key terms comparison: what a journalist cites, in Markdown and in HTML.

One comparison of group A with group B, written out so a reader who never
opens the dashboard can check it: the two groups and their sizes, the most
distinctive terms of each side with z-scores and counts, one sentence in
context per term (outlet, date, web address), the frame shares of both
groups with their counts, the method and the settings in effect, and the
link that reopens the view.

Everything from the corpus (outlet names, titles, article text, terms,
urls) is untrusted. The HTML escapes every such string, carries no script,
no external resource and a Content-Security-Policy that forbids both, and
links only http(s) addresses. The Markdown escapes every such string, so no
renderer turns article text into a link, an image or HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import keyterms, queries
from .frames import NO_FRAME
from .groups import GroupSpec
from .models import Analysis
from .tables import frame_label, link_url

TERMS_PER_SIDE = 15
CONTEXT_WORDS = 12  # words either side of a term in its context line

TERM_COLUMNS = ["side", "rank", "term", "z", "count_a", "count_b", "rate_a", "rate_b", "significant"]
CONTEXT_COLUMNS = ["term", "side", "source", "date", "title", "url", "left", "match", "right"]
FRAME_COLUMNS = ["frame", "label", "units_a", "share_a", "units_b", "share_b"]


@dataclass(frozen=True)
class Group:
    """One side of the comparison as the pack describes it."""

    spec: str  # the group spec, as in the link and the CLI
    description: str  # GroupSpec.describe: "bias: left", "cluster 2 · ..."
    units: int  # units compared (syndicated copies left out, as in the key terms)
    articles: int
    words: int  # content words: the n behind every rate


@dataclass(frozen=True)
class Evidence:
    a: Group
    b: Group
    terms: pd.DataFrame  # TERM_COLUMNS: the top terms of A, then of B, each by rank
    contexts: pd.DataFrame  # CONTEXT_COLUMNS: one occurrence per term, in the group it favours
    frames: pd.DataFrame  # FRAME_COLUMNS: units by dominant frame in each group (frames neither group has left out)
    method: str  # the method and its effective settings, one paragraph
    link: str  # the address that reopens the view ("" when none was given or it is not a web address)
    corpus_articles: int  # articles in the analysis (after any filters the link carries)
    unit: str  # "article" or "passage"
    notice: str | None  # why no term is distinctive, when none is


def _group(analysis: Analysis, spec: str, mask: np.ndarray) -> Group:
    n_tokens = np.asarray(analysis.vectors.n_tokens)
    return Group(spec, GroupSpec.parse(spec).describe(analysis), int(mask.sum()),
                 int(analysis.units.loc[mask, "doc_id"].nunique()), int(n_tokens[mask].sum()))


def _top(terms: pd.DataFrame, per_side: int) -> pd.DataFrame:
    parts = []
    for side in ("a", "b"):
        top = keyterms.top_terms(terms, per_side, side)
        parts.append(top.assign(side=side.upper(), rank=np.arange(1, len(top) + 1)))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return table.reindex(columns=TERM_COLUMNS)


def _contexts(analysis: Analysis, top: pd.DataFrame, masks: dict[str, np.ndarray]) -> pd.DataFrame:
    """The first occurrence of each term, in corpus order, among the units of the group it favours."""
    docs = analysis.documents.set_index("id")
    rows = []
    for term, side in zip(top["term"], top["side"]):
        found = queries.keyword_in_context(analysis, term, masks[side], limit=1)
        if found.empty:
            continue
        hit = found.iloc[0]
        doc = docs.loc[hit["doc_id"]]
        left = " ".join(str(hit["left"]).split()[-CONTEXT_WORDS:])
        right = " ".join(str(hit["right"]).split()[:CONTEXT_WORDS])
        rows.append({"term": term, "side": side, "source": str(doc["source"]),
                     "date": "" if pd.isna(doc["date"]) else str(doc["date"]), "title": str(doc["title"]),
                     "url": link_url(doc["url"]), "left": left, "match": str(hit["match"]), "right": right})
    return pd.DataFrame(rows, columns=CONTEXT_COLUMNS)


def _frames(analysis: Analysis, mask_a: np.ndarray, mask_b: np.ndarray) -> pd.DataFrame:
    frame = analysis.units["frame"]
    names = [*analysis.frame_names, NO_FRAME]
    count_a, count_b = frame[mask_a].value_counts(), frame[mask_b].value_counts()
    total_a, total_b = max(int(mask_a.sum()), 1), max(int(mask_b.sum()), 1)
    rows = [{"frame": n, "label": frame_label(analysis, n) if n != NO_FRAME else "none (no clear frame)",
             "units_a": int(count_a.get(n, 0)), "share_a": count_a.get(n, 0) / total_a,
             "units_b": int(count_b.get(n, 0)), "share_b": count_b.get(n, 0) / total_b} for n in names]
    table = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    return table[(table["units_a"] > 0) | (table["units_b"] > 0)].reset_index(drop=True)


def method_text(analysis: Analysis) -> str:
    """The method and the settings in effect for this analysis, one paragraph of plain text."""
    s = analysis.settings
    extra = len(s.extra_stop_words)
    unit = "passage (paragraph)" if analysis.unit == "passage" else "article"
    lexicon = analysis.lexicon or s.lexicon
    return (
        "Key terms are found with the weighted log-odds ratio with an informative Dirichlet prior "
        "(Monroe, Colaresi and Quinn 2008, \"Fightin' Words\", section 3.5). For each term the difference in "
        "log-odds between group A and group B is divided by its standard error, giving a z-score; "
        f"|z| ≥ {keyterms.Z_CRITICAL} is marked significant (a two-sided 5% test for one term, not corrected "
        "for the number of terms compared). The prior has the proportions of the whole analysed corpus, "
        "with syndicated copies counted once, and weighs as much as the two groups together, so rare words "
        "are pulled towards the corpus rate. "
        f"Settings: unit of analysis {unit}; every word and phrase of up to {analysis.ngram_max} content "
        f"words that the two groups use at least {keyterms.MIN_TERM_COUNT} times together is compared; "
        f"rates are per 1,000 content words of the group; stop words, numbers and punctuation are dropped"
        + (f" (plus {extra} stop word{'s' if extra != 1 else ''} of the user's)" if extra else "")
        + f"; {len(analysis.aliases):,} spelling variant{'s' if len(analysis.aliases) != 1 else ''} of names "
        "merged; "
        + ("syndicated copies left out of both groups unless named by article id"
           if s.collapse_duplicates else "syndicated copies counted like other articles")
        + f"; frames from the {lexicon} lexicon, a unit's frame being its dominant one (\"none\": no clear frame)."
    )


def build(analysis: Analysis, spec_a: str, spec_b: str, terms: pd.DataFrame, link: str = "",
          per_side: int = TERMS_PER_SIDE) -> Evidence:
    """The evidence pack for A against B; `terms` is queries.key_terms(analysis, spec_a, spec_b) or its top rows.

    Raises SpecError when the specs name nothing (as the key terms do).
    """
    mask_a, mask_b = queries.group_masks(analysis, spec_a, spec_b)
    top = _top(terms, per_side)
    return Evidence(
        a=_group(analysis, spec_a, mask_a), b=_group(analysis, spec_b, mask_b), terms=top,
        contexts=_contexts(analysis, top, {"A": mask_a, "B": mask_b}), frames=_frames(analysis, mask_a, mask_b),
        method=method_text(analysis), link=link_url(link), corpus_articles=len(analysis.documents),
        unit=analysis.unit, notice=queries.why_no_term_is_distinctive(analysis, spec_a, spec_b, terms),
    )


# ---------------------------------------------------------------- Markdown

# Characters that start Markdown (CommonMark and GitHub's) inside a line: emphasis, code, links and
# images (the brackets), raw HTML and autolinks (< >), entities, table cells, strikethrough. Line-start
# markers (#, -, +, >) cannot occur: corpus text is always put inside a line.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>&|~!])")
# GitHub also links bare addresses: "https://...", "www.example.org", "someone@example.org".
_MD_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)|(@)")


def md(text: object) -> str:
    """Corpus text as literal Markdown on one line: nothing in it can become a link, an image, HTML or a cell."""
    flat = " ".join(str("" if text is None else text).split())
    return _MD_AUTOLINK.sub(lambda m: "\\" + m.group(0), _MD_SPECIAL.sub(r"\\\1", flat))


def _md_url(url: str) -> str:
    """An http(s) address as a Markdown link destination in angle brackets (nothing in it can close them)."""
    return "<" + url.replace("<", "%3C").replace(">", "%3E").replace("\\", "%5C") + ">"


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _before(left: str) -> str:
    return f"…{left} " if left else ""


def _after(right: str) -> str:
    return f" {right}…" if right else ""


def _share(x: float) -> str:
    return f"{x:.0%}"


def _units(ev: Evidence) -> str:
    return f"{ev.unit}s"


def _size_header(ev: Evidence) -> list[str]:
    return ["passages", "articles", "words"] if ev.unit == "passage" else ["articles", "words"]


def _sizes(ev: Evidence, g: Group) -> list[str]:
    return ([f"{g.units:,}"] if ev.unit == "passage" else []) + [f"{g.articles:,}", f"{g.words:,}"]


def _title(ev: Evidence, escape) -> str:
    return f"Key terms: {escape(ev.a.description)} against {escape(ev.b.description)}"


def to_markdown(ev: Evidence) -> str:
    """The pack as a Markdown document."""
    out = [f"# {_title(ev, md)}", ""]
    if ev.link:
        out += [f"Reopen this view: {_md_url(ev.link)}", ""]
    out += ["## The two groups", "",
            _md_table(["", "group", "spec", *_size_header(ev)],
                      [[side, md(g.description), md(g.spec), *_sizes(ev, g)] for side, g in (("A", ev.a), ("B", ev.b))]),
            "", f"Corpus analysed: {ev.corpus_articles:,} articles.", ""]
    if ev.notice:
        out += [f"**{md(ev.notice)}**", ""]
    for side, group in (("A", ev.a), ("B", ev.b)):
        rows = ev.terms[ev.terms["side"] == side]
        out += [f"## Most distinctive of {side}: {md(group.description)}", ""]
        if rows.empty:
            out += ["No term leans this way.", ""]
            continue
        out += [_md_table(["#", "term", "z", "count in A", "count in B", "per 1,000 in A", "per 1,000 in B",
                           "significant"],
                          [[str(r.rank), md(r.term), f"{r.z:.2f}", f"{r.count_a:,}", f"{r.count_b:,}",
                            f"{r.rate_a:.2f}", f"{r.rate_b:.2f}", "yes" if r.significant else "no"]
                           for r in rows.itertuples(index=False)]), ""]
    out += ["## Each term in context", "",
            "The first occurrence of each term in the group it favours (copies left out).", ""]
    for r in ev.contexts.itertuples(index=False):
        where = f"{md(r.source)}, {md(r.date) if r.date else 'no date'}"
        link = f" [{md(r.title)}]({_md_url(r.url)})" if r.url else f" {md(r.title)}"
        out.append(f"- **{md(r.term)}** ({r.side}): {_before(md(r.left))}**{md(r.match)}**{_after(md(r.right))} "
                   f"({where};{link})")
    out += ["", f"## Frames in the two groups ({_units(ev)} by dominant frame)", "",
            _md_table(["frame", f"{_units(ev)} in A", "share of A", f"{_units(ev)} in B", "share of B"],
                      [[md(r.label), f"{r.units_a:,}", _share(r.share_a), f"{r.units_b:,}", _share(r.share_b)]
                       for r in ev.frames.itertuples(index=False)]),
            "", "## Method and settings", "", md(ev.method), ""]
    return "\n".join(out)


# ---------------------------------------------------------------- HTML

# No script, no external resource: only inline styles. Links still open (navigation is not a fetch).
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2937; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 4px 8px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.kwic { margin: 0.3rem 0; } .kwic b { background: #fde68a; } .src { color: #6b7280; }
.note { background: #fffbeb; border: 1px solid #fcd34d; padding: 6px 10px; border-radius: 4px; }
"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _a(url: str, text: str) -> str:
    """A link to an http(s) address (checked again here), else the text alone."""
    url = link_url(url)
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text)}</a>' if url else esc(text)


def _html_table(header: list[tuple[str, bool]], rows: list[list[str]]) -> str:
    """Cells arrive escaped; (heading, numeric) per column."""
    head = "".join(f'<th{" class=n" if numeric else ""}>{esc(h)}</th>' for h, numeric in header)
    body = "".join("<tr>" + "".join(f'<td{" class=n" if numeric else ""}>{cell}</td>'
                                    for cell, (_h, numeric) in zip(row, header)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def to_html(ev: Evidence) -> str:
    """The pack as one self-contained HTML page."""
    title = _title(ev, str)
    parts = [f"<h1>{esc(title)}</h1>"]
    if ev.link:
        parts.append(f"<p>Reopen this view: {_a(ev.link, ev.link)}</p>")
    parts += ["<h2>The two groups</h2>", _html_table(
        [("", False), ("group", False), ("spec", False), *((h, True) for h in _size_header(ev))],
        [[side, esc(g.description), f"<code>{esc(g.spec)}</code>", *_sizes(ev, g)]
         for side, g in (("A", ev.a), ("B", ev.b))]),
        f"<p>Corpus analysed: {ev.corpus_articles:,} articles.</p>"]
    if ev.notice:
        parts.append(f'<p class="note">{esc(ev.notice)}</p>')
    for side, group in (("A", ev.a), ("B", ev.b)):
        rows = ev.terms[ev.terms["side"] == side]
        parts.append(f"<h2>Most distinctive of {side}: {esc(group.description)}</h2>")
        if rows.empty:
            parts.append("<p>No term leans this way.</p>")
            continue
        parts.append(_html_table(
            [("#", True), ("term", False), ("z", True), ("count in A", True), ("count in B", True),
             ("per 1,000 in A", True), ("per 1,000 in B", True), ("significant", False)],
            [[str(r.rank), esc(r.term), f"{r.z:.2f}", f"{r.count_a:,}", f"{r.count_b:,}", f"{r.rate_a:.2f}",
              f"{r.rate_b:.2f}", "yes" if r.significant else "no"] for r in rows.itertuples(index=False)]))
    parts += ["<h2>Each term in context</h2>",
              "<p>The first occurrence of each term in the group it favours (copies left out).</p>"]
    for r in ev.contexts.itertuples(index=False):
        parts.append(
            f'<p class="kwic"><b>{esc(r.term)}</b> ({esc(r.side)}): {_before(esc(r.left))}<b>{esc(r.match)}</b>'
            f'{_after(esc(r.right))} <span class="src">({esc(r.source)}, {esc(r.date or "no date")}; '
            f"{_a(r.url, r.title)})</span></p>")
    parts += [f"<h2>Frames in the two groups ({esc(_units(ev))} by dominant frame)</h2>", _html_table(
        [("frame", False), (f"{_units(ev)} in A", True), ("share of A", True), (f"{_units(ev)} in B", True),
         ("share of B", True)],
        [[esc(r.label), f"{r.units_a:,}", _share(r.share_a), f"{r.units_b:,}", _share(r.share_b)]
         for r in ev.frames.itertuples(index=False)]),
        "<h2>Method and settings</h2>", f"<p>{esc(ev.method)}</p>"]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>{esc(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(parts) + "\n</body></html>\n")
