"""The evidence pack of a Key terms comparison: what it holds, and that corpus text in it stays text."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest
from markdown_it import MarkdownIt

from dashboard import evidence, keyterms, queries
from dashboard.groups import GroupSpec
from dashboard.loading import article_id, corpus_hash
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import analyze

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
MD_IMG = "![x](http://evil.example/pixel.png)"
MD_LINK = "[click](javascript:alert(1))"
BARE = "www.evil.example and https://evil.example/x and spy@evil.example"
PAYLOAD = f"{SCRIPT} {IMG} {MD_IMG} {MD_LINK} {BARE} | a | b |"
LINK = "https://framelens.example/terms?group_a=bias:left&group_b=bias:right"

LEFT = [
    "Protesters demanded lower fuel prices in Almaty. The protesters said wages had not risen for years, "
    "and the protesters marched to the square.",
    "Fuel prices doubled and protesters blocked roads. Workers joined the protesters and demanded wages.",
    "The protesters gathered again on Tuesday. Fuel prices and wages were the protesters' demands.",
]
RIGHT = [
    "Terrorists attacked the airport, officials said. Troops arrived to fight the terrorists and restore order.",
    "The troops guarded the airport. Officials blamed foreign terrorists and gangs for the attacks.",
    "Gangs of terrorists looted shops, officials said, until the troops restored order in the city.",
]


def corpus() -> Corpus:
    articles = []
    for i, text in enumerate(LEFT):
        articles.append(dict(text=f"{PAYLOAD} {text}" if i == 0 else text, source=f"Left {SCRIPT} Daily",
                             title=f"Left story {i} {MD_IMG}", date=f"2022-01-0{i + 1}",
                             url="javascript:alert(1)" if i == 0 else f"https://left.example/{i}",
                             extra={"bias": "left"}))
    for i, text in enumerate(RIGHT):
        articles.append(dict(text=text, source="Right Times", title=f"Right story {i}", date=f"2022-01-0{i + 4}",
                             url=f"http://right.example/{i}?a=1&b=<2>", extra={"bias": "right"}))
    arts = [Article(id=article_id(a["text"], a["source"]), **a) for a in articles]
    return Corpus(arts, content_hash=corpus_hash(arts))


@pytest.fixture(scope="module")
def analysis():
    return analyze(corpus(), Settings(unit="article"))


@pytest.fixture(scope="module")
def pack(analysis):
    terms = queries.key_terms(analysis, "bias:left", "bias:right")
    return evidence.build(analysis, "bias:left", "bias:right", terms, LINK, per_side=5)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def tags(markup: str) -> Tags:
    parser = Tags()
    parser.feed(markup)
    return parser


# ---------------------------------------------------------------- contents


def test_the_pack_describes_both_groups_with_the_sizes_compared(analysis, pack):
    mask_a, mask_b = queries.group_masks(analysis, "bias:left", "bias:right")
    assert pack.a.description == GroupSpec.parse("bias:left").describe(analysis) == "bias: left"
    assert pack.b.description == "bias: right"
    assert (pack.a.units, pack.b.units) == (int(mask_a.sum()), int(mask_b.sum()))
    n_tokens = np.asarray(analysis.vectors.n_tokens)
    assert pack.a.words == int(n_tokens[mask_a].sum())
    assert (pack.a.articles, pack.b.articles) == (3, 3)
    assert pack.link == LINK


def test_the_top_terms_are_the_key_terms_with_their_z_and_counts(analysis, pack):
    terms = queries.key_terms(analysis, "bias:left", "bias:right")
    for side in ("a", "b"):
        expected = keyterms.top_terms(terms, 5, side)
        shown = pack.terms[pack.terms["side"] == side.upper()]
        assert shown["term"].tolist() == expected["term"].tolist()
        assert shown["z"].tolist() == expected["z"].tolist()
        assert shown["count_a"].tolist() == expected["count_a"].tolist()
        assert shown["rank"].tolist() == list(range(1, len(expected) + 1))
    assert "protesters" in pack.terms.loc[pack.terms["side"] == "A", "term"].tolist()
    assert "terrorists" in pack.terms.loc[pack.terms["side"] == "B", "term"].tolist()


def test_each_term_has_a_context_line_from_its_own_group_with_outlet_date_and_web_address(pack):
    assert pack.contexts["term"].tolist() == pack.terms["term"].tolist()  # every term occurs in its group
    for row in pack.contexts.itertuples(index=False):
        assert row.match.lower().startswith(row.term.split()[0][:5]), row
        assert row.source == ("Right Times" if row.side == "B" else f"Left {SCRIPT} Daily")
        assert row.date.startswith("2022-01-0")
        assert row.url == "" or row.url.startswith(("http://", "https://"))
    assert "javascript:alert(1)" not in pack.contexts["url"].tolist()  # the first left article's url is dropped


def test_frame_shares_count_every_unit_of_each_group(pack):
    assert pack.frames["units_a"].sum() == pack.a.units
    assert pack.frames["units_b"].sum() == pack.b.units
    assert pack.frames["share_a"].sum() == pytest.approx(1.0)
    assert ((pack.frames["units_a"] > 0) | (pack.frames["units_b"] > 0)).all()  # a frame neither has is left out


def test_the_method_paragraph_names_the_method_and_the_settings_in_effect(analysis, pack):
    assert "Monroe, Colaresi and Quinn 2008" in pack.method
    assert "informative Dirichlet prior" in pack.method
    assert f"at least {keyterms.MIN_TERM_COUNT} times" in pack.method
    assert f"up to {analysis.ngram_max} content words" in pack.method
    assert f"{keyterms.Z_CRITICAL}" in pack.method
    assert f"{analysis.lexicon} lexicon" in pack.method
    other = analyze(corpus(), Settings(unit="article", ngram_max=1, extra_stop_words=("order", "officials")))
    text = evidence.method_text(other)
    assert "up to 1 content words" in text and "plus 2 stop words of the user's" in text


def test_both_documents_carry_the_groups_terms_contexts_frames_method_and_link(pack):
    for document in (evidence.to_markdown(pack), evidence.to_html(pack)):
        assert "bias: left" in document and "bias: right" in document
        for term in pack.terms["term"]:
            assert term in document
        z = pack.terms["z"].iloc[0]
        assert f"{z:.2f}" in document
        assert "Monroe" in document
        assert "right.example" in document
        assert "framelens.example/terms" in document


def test_no_significant_term_is_said_in_the_pack(analysis):
    terms = queries.key_terms(analysis, "doc:" + analysis.documents["id"][0], "doc:" + analysis.documents["id"][3])
    pack = evidence.build(analysis, "doc:" + analysis.documents["id"][0], "doc:" + analysis.documents["id"][3], terms)
    assert pack.notice is not None and pack.notice.startswith("No term is distinctive")
    assert pack.link == ""  # none given
    assert "No term is distinctive" in evidence.to_markdown(pack) and "Reopen" not in evidence.to_markdown(pack)


def test_a_link_that_is_not_a_web_address_is_left_out(analysis):
    terms = queries.key_terms(analysis, "bias:left", "bias:right")
    pack = evidence.build(analysis, "bias:left", "bias:right", terms, "javascript:alert(1)")
    assert pack.link == "" and "javascript" not in evidence.to_html(pack)


# ---------------------------------------------------------------- untrusted text stays text


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "table", "thead", "tbody", "tr",
                "th", "td", "code", "b", "span", "a"}


def test_a_script_in_an_article_stays_inert_in_the_html(pack):
    page = evidence.to_html(pack)
    parsed = tags(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "src" not in attrs and "style" not in attrs, (tag, attrs)  # nothing fetched, no corpus styling
        if tag == "a":
            assert attrs["href"].startswith(("http://", "https://")), attrs
    assert "<script" not in page.lower()
    text = "".join(parsed.text)
    assert SCRIPT in text and MD_IMG in text  # shown, as text: the reader sees the outlet and title as written
    assert "spy@evil.example | a | b | Protesters" in text  # and the article's words before the term
    csp = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "script-src" not in csp
    hrefs = [a["href"] for t, a in parsed.tags if t == "a"]
    assert LINK in hrefs and "http://right.example/0?a=1&b=<2>" in hrefs


@pytest.mark.parametrize("render", [MarkdownIt("commonmark"), MarkdownIt("gfm-like", {"linkify": True})],
                         ids=["commonmark", "github"])
def test_markdown_from_a_hostile_corpus_renders_only_the_packs_own_links(pack, render):
    rendered = render.render(evidence.to_markdown(pack))
    parsed = tags(rendered)
    assert not {tag for tag, _ in parsed.tags} & {"img", "script", "style", "iframe", "div", "span"}
    hrefs = {a["href"] for t, a in parsed.tags if t == "a"}
    web = {u for u in pack.contexts["url"] if u}
    assert hrefs <= {LINK} | {render.normalizeLink(u) for u in web} | web, hrefs
    assert not any("evil" in h or h.startswith(("javascript", "mailto")) for h in hrefs)
    text = "".join(parsed.text)
    assert SCRIPT in text and MD_IMG in text  # the outlet and title, as written
    assert "spy@evil.example | a | b | " in text  # the article's words before a term, in one table-free line


def test_markdown_table_cells_hold_a_pipe_in_an_outlet_name():
    assert evidence.md("a | b") == "a \\| b"
    rendered = MarkdownIt("gfm-like").render("| x |\n|---|\n| " + evidence.md("a | b") + " |\n")
    assert rendered.count("<td>") == 1 and "a | b" in rendered
