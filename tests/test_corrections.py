"""Metadata corrections: every valid field applied, every invalid one reported."""

from __future__ import annotations

from dashboard.corrections import apply_corrections
from dashboard.loading import load_seed_corpus

ARTICLES = load_seed_corpus().articles
FIRST, SECOND = ARTICLES[0], ARTICLES[1]


def test_outlet_correction_survives_a_bad_date_in_the_same_row():
    corrected, problems = apply_corrections(ARTICLES, {SECOND.id: {"source": "Corrected Outlet",
                                                                   "date": "not a date"}})
    fixed = corrected[1]
    assert (fixed.source, fixed.date) == ("Corrected Outlet", SECOND.date)
    assert [(p.article_id, p.field, p.value) for p in problems] == [(SECOND.id, "date", "not a date")]
    assert "not a date" in problems[0].problem


def test_valid_corrections_applied_without_changing_ids_or_order():
    corrected, problems = apply_corrections(ARTICLES, {
        FIRST.id: {"date": "9 January 2022"},
        SECOND.id: {"source": "  Two   Words ", "date": ""},
    })
    assert not problems
    assert [a.id for a in corrected] == [a.id for a in ARTICLES]
    assert corrected[0].date == "2022-01-09"
    assert (corrected[1].source, corrected[1].date) == ("Two Words", None)  # empty clears the date
    assert corrected[2:] == ARTICLES[2:]


def test_ambiguous_date_unknown_field_and_unknown_article_are_reported():
    corrected, problems = apply_corrections(ARTICLES, {
        FIRST.id: {"date": "03/04/2022", "title": "New title"},
        "no-such-id": {"source": "X"},
    })
    assert corrected == list(ARTICLES)
    assert [(p.article_id, p.field) for p in problems] == [
        (FIRST.id, "date"), (FIRST.id, "title"), ("no-such-id", "source")]
    assert "day/month" in problems[0].problem


def test_an_emptied_outlet_becomes_unknown():
    corrected, _ = apply_corrections(ARTICLES, {FIRST.id: {"source": "   "}})
    assert corrected[0].source == "unknown"
