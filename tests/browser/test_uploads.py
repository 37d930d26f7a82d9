"""Uploading through the browser: every supported format, and a batch with bad items in it."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from corpora import ARTICLES, FORMATS, write_corpus, write_files
from streamlit_page import main, metric, no_exception, sidebar, upload

pytestmark = pytest.mark.browser

WITH_METADATA = {"csv", "json", "jsonl", "jsonl.gz"}  # formats that carry the outlet, title and date


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_small_corpus_uploads_in_each_format(overview, tmp_path, fmt):
    page = overview
    upload(page, write_corpus(tmp_path, fmt))
    no_exception(page)
    expect(sidebar(page).get_by_text("Corpus: your upload, 3 articles.")).to_be_visible()
    assert metric(page, "Articles") == "3"
    assert int(metric(page, "Clusters")) >= 1
    assert metric(page, "Sources") == ("3" if fmt in WITH_METADATA else "1")
    assert not main(page).get_by_text("Load report").count()  # nothing skipped, nothing guessed


def csv_table(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["source", "title", "date", "text"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_bad_items_are_reported_and_the_good_ones_analysed(overview, tmp_path):
    no_text = {"source": "Empty Row News", "title": "No text here", "date": "2022-01-06", "text": "   "}
    files = write_files(tmp_path, {
        "empty.txt": b"",
        "binary.txt": bytes(range(256)) * 8,
        "table.csv": csv_table([ARTICLES[0], no_text, ARTICLES[1]]),
        "good.txt": f"{ARTICLES[2]['title']}\n\n{ARTICLES[2]['text']}\n".encode("utf-8"),
    })
    page = overview
    upload(page, files)
    no_exception(page)
    assert metric(page, "Articles") == "3"
    report = main(page).get_by_test_id("stExpander").filter(has_text="Load report")
    expect(report.locator("summary")).to_contain_text("Load report: 3 skipped")
    # The report lists every skipped item and why; the user gets it as the CSV beside the table.
    with page.expect_download() as download:
        report.get_by_role("button", name="Download (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    reasons = {row["item"]: row["why"] for row in rows if row["what happened"] == "skipped"}
    assert set(reasons) == {"empty.txt", "binary.txt", "table.csv row 2"}, rows
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "text" in reasons["table.csv row 2"]
