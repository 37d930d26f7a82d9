"""Cleaning takes out page furniture, records every cut, and leaves article sentences alone."""

import gzip
import json
from pathlib import Path

import pytest

from dashboard.cleaning import clean_article, clean_text, is_social_post
from dashboard.models import Article

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


def seed(prefix: str) -> Article:
    path = next(p for p in SEEDS if p.name.startswith(prefix))
    return Article(id=path.stem, text=path.read_text("utf-8"), origin=path.name)


def kinds(removed) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in removed:
        out.setdefault(r.kind, []).append(r.text)
    return out


def test_seed_001_loses_script_notice_credits_and_caption():
    article = seed("001")
    text, removed = clean_text(article.text)
    by_kind = kinds(removed)
    assert "adsbygoogle" not in text
    assert "indexed to our site" not in text
    assert "©" not in text
    assert "Exercise of the Russian army to repel the attack of a sabotage group." not in text
    assert by_kind["ad script"] == ["(adsbygoogle=window.adsbygoogle || ).push();"]
    assert len(by_kind["aggregator notice"]) == 1
    assert by_kind["image credit"] == ["© Mil.ru", "© Mil.ru"]
    assert by_kind["photo caption"] == ["Exercise of the Russian army to repel the attack of a sabotage group."]
    assert by_kind["lone punctuation"] == [")"]
    # The long sentence after the second credit is article text, not a caption.
    assert "In November 2020, almost 2,000 troops from the brigade" in text
    assert text.startswith("Foreign troops will be stationed")


def test_no_silent_edits_every_removed_piece_comes_from_the_input():
    for article in (seed(p.name[:3]) for p in SEEDS):
        text, removed = clean_text(article.text)
        for r in removed:
            assert r.text and r.text in article.text, r
        # What is left plus what was cut accounts for all the words of the input.
        words_in = len(article.text.split())
        words_out = len(text.split()) + sum(len(r.text.split()) for r in removed)
        assert words_out == words_in, article.origin


def test_header_title_and_signature():
    text, removed = clean_text(seed("000").text)
    by_kind = kinds(removed)
    assert by_kind["metadata"] == ["date 2022-01-06"]
    assert by_kind["title"] == [
        "Grenades, Tear Gas, State of Emergency. New clashes over Increase of LPG Prices in Kazakhstan"
    ]
    assert by_kind["signature"] == ["/Dnevnik"]
    assert text.startswith("Foreign troops")
    assert "/Dnevnik" not in text


@pytest.mark.parametrize("header", ["date 2022-01-06", "Date: 2022-01-06", "DATE 2022-1-6"])
def test_a_date_header_the_loader_reads_is_cut_from_the_analysed_text(header):
    """What the loader takes as the article's date must not also be analysed as its prose."""
    from dashboard.loading import read_uploads

    raw = f" {header} Clashes over Fuel Prices\n\nProtesters gathered in the square on Thursday.\n"
    article = read_uploads([("a.txt", raw.encode())]).articles[0]
    assert article.date == "2022-01-06"
    cleaned = clean_article(article)
    assert header not in cleaned.text and cleaned.text.startswith("Protesters")
    assert kinds(cleaned.removed)["metadata"] == [header]


def test_long_first_line_after_header_is_body_not_title():
    text, removed = clean_text(seed("003").text)
    assert "title" not in kinds(removed)
    assert text.startswith("The Permanent Mission of Armenia")


def test_dateline_with_name_is_removed_conservatively():
    text, removed = clean_text(seed("004").text)
    assert kinds(removed)["dateline"] == ["Brussels 06.01.2022 Anna van Densky"]
    assert text.startswith("The Collective Security Council")
    # One capitalised word after the date is the sentence, not a name.
    text, removed = clean_text("Paris 01.02.2020 The minister resigned today.")
    assert kinds(removed)["dateline"] == ["Paris 01.02.2020"]
    assert text == "The minister resigned today."


def test_links_go_but_surrounding_words_stay():
    text, removed = clean_text(
        "Very strong piece, by @joshuakucera https://t.co/0KDyc5WaBH Note the contrast.\n"
        "He said so. pic.twitter.com/wruGldcbv8 — TOLOnews (@TOLOnews) January 6, 2022"
    )
    assert text.split("\n")[0] == "Very strong piece, by @joshuakucera Note the contrast."
    assert "pic.twitter.com" not in text and "He said so. — TOLOnews" in text
    assert kinds(removed)["url"] == ["https://t.co/0KDyc5WaBH", "pic.twitter.com/wruGldcbv8"]


def test_url_keeps_sentence_final_period():
    text, removed = clean_text("Read it at https://example.com/a/b. Then decide.")
    assert kinds(removed)["url"] == ["https://example.com/a/b"]
    assert text == "Read it at. Then decide."


def test_inline_image_credit_after_sentence_takes_its_period():
    text, removed = clean_text("He spoke on Thursday, January 6. (Image: social media).\n\nNext paragraph.")
    assert text.startswith("He spoke on Thursday, January 6.\n")
    assert kinds(removed)["image credit"] == ["(Image: social media)."]


def test_seed_004_keeps_tweets_and_marks_them_as_quotes():
    cleaned = clean_article(seed("004"))
    quotes = [p for p in cleaned.passages if p.is_quote]
    assert len(quotes) == 6  # six "— Name (@handle) Month D, YYYY" posts in the seed
    assert all("(@" in p.text for p in quotes)
    assert not any(p.is_quote for p in cleaned.passages if "(@" not in p.text)
    assert "BREAKING: Armenia agrees to deploy peacekeeping troops" in cleaned.text


def test_is_social_post():
    assert is_social_post("Big news today. — Conflict News (@Conflicts) January 5, 2022")
    assert not is_social_post("He wrote to @someone on January 5, 2022 about it.")
    assert not is_social_post("An ordinary paragraph — with a dash.")


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Sign up for Daily Newsletters Manage Newsletters", "newsletter blurb"),
        ("Get the Monitor Stories you care about delivered to your inbox. By signing up, you agree", "newsletter blurb"),
        ("ADVERTISEMENT", "advertisement marker"),
        ("Story Continued Below", "advertisement marker"),
        ("Copyright © 2019 The Washington Times, LLC. Click here for reprint permission.", "copyright notice"),
        ("Enlarge this image toggle caption Alex Wong/Getty Images Alex Wong/Getty Images", "image credit"),
        ("Photo: Reuters", "image credit"),
        ("var _ndnq = _ndnq || []; _ndnq.push(['embed']);", "ad script"),
        ("* * *", "lone punctuation"),
        ("https://example.com/page", "url"),
    ],
)
def test_boilerplate_lines(line, kind):
    text, removed = clean_text(f"First real sentence here.\n\n{line}\n\nLast real sentence here.")
    assert text.split() == "First real sentence here. Last real sentence here.".split()
    assert [(r.kind, r.text) for r in removed] == [(kind, line)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The last day to sign up for Obamacare is Jan. 31, and officials urged people to subscribe early.",
        "Foreign policy has not been a focus, but the winner will have a messy inbox in the Middle East.",
        "He said the newsletter, which he wrote himself, was read by thousands.",
        "Photos of the rally were shared widely.",
        "Advertisement spending rose by 4 percent.",
    ],
)
def test_article_sentences_about_the_same_things_stay(sentence):
    text, removed = clean_text(sentence)
    assert text == sentence
    assert removed == []


def test_hover_card_cut_visible_name_kept():
    line = (
        "Sen. Tom Carper Thomas (Tom) Richard CarperInstead of raising the gas tax, stop wasting money "
        "Overnight Energy: Trump tweets | Move comes as Trump visits state MORE (Del.), has yet to confirm."
    )
    text, removed = clean_text(line)
    assert text == "Sen. Tom Carper (Del.), has yet to confirm."
    assert kinds(removed)["hover card"][0].startswith("Thomas (Tom) Richard CarperInstead")


def test_empty_and_whitespace_text():
    assert clean_text("") == ("", [])
    assert clean_text("  \n\n ") == ("", [])


def test_clean_article_links_id_and_passages():
    article = seed("002")
    cleaned = clean_article(article)
    assert cleaned.doc_id == article.id
    assert [p.index for p in cleaned.passages] == list(range(len(cleaned.passages)))
    assert all(p.doc_id == article.id for p in cleaned.passages)


def test_real_corpus_sample_keeps_most_text_and_records_cuts(shared_corpus):
    with gzip.open(shared_corpus("allsides_events.jsonl.gz"), "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for _, line in zip(range(300), fh)]
    for row in rows:
        text, removed = clean_text(row["text"])
        for r in removed:
            assert r.text in row["text"]
        kept_words = len(text.split())
        assert kept_words + sum(len(r.text.split()) for r in removed) == len(row["text"].split())
