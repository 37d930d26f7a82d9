"""Evidence you can cite: the Key terms page's evidence pack, downloaded as a visitor does, reopens its view."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from playwright.sync_api import Page

from dashboard.evidence import md
from streamlit_page import main, no_exception, open_view, value

pytestmark = pytest.mark.browser


def download(page: Page, label: str) -> str:
    button = main(page).get_by_role("button", name=label)
    button.scroll_into_view_if_needed()
    with page.expect_download() as info:
        button.click()
    return open(info.value.path(), encoding="utf-8").read()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "a":
            self.hrefs.append(dict(attrs)["href"])


def test_the_evidence_pack_names_the_groups_and_links_back_to_the_view(page, server):
    open_view(page, f"{server.url}/terms?group_a=source:Dnevnik&group_b=rest")
    no_exception(page)
    html = download(page, "Evidence pack (HTML)")
    markdown = download(page, "Evidence pack (Markdown)")
    parser = Links()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags
    view = next(h for h in parser.hrefs if h.startswith(server.url))
    assert "/terms?" in view and "group_a=source:Dnevnik" in view  # B is the default (rest): left out
    assert f"<{view}>" in markdown
    for document in (html, markdown):
        assert "Key terms: Dnevnik against everything not in group A" in document
        assert "Monroe, Colaresi and Quinn 2008" in document
    # The page's default term is A's most distinctive: the pack's first term of A, with its context line.
    term = value(main(page), "Term")
    assert f"| 1 | {md(term)} |" in markdown
    assert f"- **{md(term)}** (A):" in markdown
