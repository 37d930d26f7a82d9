"""Cleaning takes out page furniture, records every cut, and leaves article sentences alone."""

import dataclasses
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
        ("The Associated Press contributed to this report.", "credit line"),
        ("Fox News' Chad Pergram contributed to this report.", "credit line"),
        ("• Stephen Dinan contributed to this report.", "credit line"),
        ("Reporting by Steve Holland and Jeff Mason in Washington; Editing by Peter Cooney", "credit line"),
        ("Peter Baker contributed reporting from Washington.", "credit line"),
        ("Jordain Carney contributed.", "credit line"),
        ("Contributing: The Associated Press", "credit line"),
        ("This article is based in part on wire service reports.", "credit line"),
        ("By JULIE PACE, Associated Press", "byline"),
        ("David Jackson and Alan Gomez", "byline"),
        ("Hide caption Protesters march in Cairo. Previous Next Khaled Desouki/AFP/Getty Images", "photo caption"),
        ("toggle caption Mark Ralston/AFP/Getty Images", "image credit"),
        ("FILE PHOTO: A participant waves a flag during the parade in New York, June 26, 2016.", "photo caption"),
        ("Facebook Twitter Pinterest Nancy Pelosi was scathing about the bill.", "photo caption"),
        ("Photos: Photos: Key players Photos: Photos: Key players The game is the same.", "photo gallery"),
        ("Click here to read more", "promotion"),
        ("For the latest from State of the Union click here.", "promotion"),
        ("SEE ALSO: Senator undergoing self-quarantine after contact with patient", "promotion"),
        ("Fed chief says interest rates will rise 'in coming months' Read more", "promotion"),
        ("Read or Share this story:", "share widget"),
        ("Related Coverage Army chief had no advance knowledge of the ban", "sidebar box"),
        ("Play Video 0:40 Las Vegas gunman 'demented' - video", "video widget"),
        ("From the NPR Newscast: Jim Hawk reports Listen · 0:36 0:36", "audio widget"),
        ("Updated at 8:18 p.m. ET on 7/16", "update stamp"),
        ("CORRECTION: This story was updated to correct the congressman's home state.", "correction notice"),
        ("[Editor’s note: As a public service, all our coronavirus coverage is free. There is no paywall.]",
         "correction notice"),
        ("Enlarge this image Ken Rudin collection Ken Rudin collection", "image credit"),
    ],
)
def test_boilerplate_lines(line, kind):
    text, removed = clean_text(f"First real sentence here.\n\n{line}\n\nLast real sentence here.")
    assert text.split() == "First real sentence here. Last real sentence here.".split()
    assert [(r.kind, r.text) for r in removed] == [(kind, line)]


def test_newsletter_phrases_each_on_their_own_line_go_once_the_article_has_a_newsletter():
    lines = ["Sign up for our newsletter today", "By signing up, you agree to our Terms of Use.",
             "Get it delivered to your inbox every morning.", "All Rights Reserved 2021 Some Outlet LLC."]
    text, removed = clean_text("First real sentence here.\n\n" + "\n\n".join(lines) + "\n\nLast real sentence here.")
    assert text.split() == "First real sentence here. Last real sentence here.".split()
    assert [(r.kind, r.text) for r in removed] == [("newsletter blurb", lines[0]), ("newsletter blurb", lines[1]),
                                                   ("newsletter blurb", lines[2]), ("copyright notice", lines[3])]


@pytest.mark.parametrize(
    "sentence",
    [
        "The last day to sign up for Obamacare is Jan. 31, and officials urged people to subscribe early.",
        "Foreign policy has not been a focus, but the winner will have a messy inbox in the Middle East.",
        "He said the newsletter, which he wrote himself, was read by thousands.",
        "Photos of the rally were shared widely.",
        "Advertisement spending rose by 4 percent.",
        "Reporting by the Times showed that the agency had been warned.",
        "Russia said it contributed to the report.",
        "Thanks to a telephoto lens, Getty Images' Alex Wong captured the moment.",
        "He played AC/DC songs and and/or jokes.",
        "More than 200 people died: officials said so on Friday.",
        "Photos of the rally were shared widely, and the caption was wrong.",
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


@pytest.mark.parametrize(
    "line, kept, kind, cut",
    [
        ("WASHINGTON (Reuters) - The senator said no.", "The senator said no.", "dateline", "WASHINGTON (Reuters) -"),
        ("Kiev, Ukraine (CNN) -- Just before midnight.", "Just before midnight.", "dateline", "Kiev, Ukraine (CNN) --"),
        ("(CNN) Two senators joined forces.", "Two senators joined forces.", "dateline", "(CNN)"),
        ("Story highlights The agency will act", "The agency will act", "section label", "Story highlights"),
        ("AMY GOODMAN: Welcome back.", "Welcome back.", "speaker label", "AMY GOODMAN:"),
        ("[Updated 8:32 p.m. ET] Agents interviewed him.", "Agents interviewed him.", "update stamp",
         "[Updated 8:32 p.m. ET]"),
        ("The rally in Cairo. | Jim Watson/Getty Images", "The rally in Cairo.", "image credit",
         "| Jim Watson/Getty Images"),
        ("He spoke in Irvine on August 7. REUTERS/Mike Blake", "He spoke in Irvine on August 7.", "image credit",
         "REUTERS/Mike Blake"),
        ("The Globe estimated it. (AP Photo/Mark Lennihan)", "The Globe estimated it.", "image credit",
         "(AP Photo/Mark Lennihan)"),
        ("He quit. ( PHOTOS: Fiscal cliff's key players) Then more.", "He quit. Then more.", "promotion",
         "( PHOTOS: Fiscal cliff's key players)"),
        ("He left. Photos: Title One caption. Hide Caption 1 of 2 Photos: Title Two. Hide Caption 2 of 2 After.",
         "He left. After.", "photo gallery",
         "Photos: Title One caption. Hide Caption 1 of 2 Photos: Title Two. Hide Caption 2 of 2"),
        ("Chief of staff John Kelly John Francis KellyMORE told reporters.", "Chief of staff John Kelly told reporters.",
         "hover card", "John Francis KellyMORE"),
        ("Thank you. archived recording (lester holt) Mayor, your answer?", "Thank you. Mayor, your answer?",
         "speaker label", "archived recording (lester holt)"),
        ("What did I miss? [CROWD MURMURING] Well, nothing.", "What did I miss? Well, nothing.", "transcript cue",
         "[CROWD MURMURING]"),
        ("A soldier destroys weapons. Story Highlights Declaration meets the deadline",
         "A soldier destroys weapons. Declaration meets the deadline", "section label", "Story Highlights"),
        ("Sources: Ballotpedia | Jacob Turcotte and Noah Robertson/Staff", "Sources: Ballotpedia", "image credit",
         "| Jacob Turcotte and Noah Robertson/Staff"),
    ],
)
def test_furniture_inside_a_line_goes_and_the_article_text_stays(line, kept, kind, cut):
    text, removed = clean_text(f"First real sentence here.\n\n{line}")
    assert text == f"First real sentence here.\n\n{kept}"
    assert [(r.kind, r.text) for r in removed] == [(kind, cut)]


def test_html_tags_go_entities_are_decoded_and_the_words_between_stay():
    raw = ("<p>Protesters gathered in <b>Almaty</b> on Thursday.</p><p>Police said &quot;calm&quot; returned "
           "&amp;amp; shops reopened.</p><script>var x = 1;</script><!-- ad -->Prices fell when a &lt; b.")
    text, removed = clean_text(raw)
    assert [line for line in text.split("\n") if line] == [  # block tags keep paragraphs apart
        "Protesters gathered in Almaty on Thursday.", "Police said \"calm\" returned & shops reopened.",
        "Prices fell when a < b."]
    by_kind = kinds(removed)
    assert by_kind["html tag"] == ["<p>", "<b>", "</b>", "</p>", "<p>", "</p>"]
    assert by_kind["html script"] == ["<script>var x = 1;</script>"]
    assert by_kind["html comment"] == ["<!-- ad -->"]
    assert set(by_kind["html entity"]) == {"&quot;", "&amp;", "&lt;"}


def test_angle_brackets_that_are_not_html_stay():
    text, removed = clean_text("The vote was <unknown> and a < b > c held.")
    assert text == "The vote was <unknown> and a < b > c held." and removed == []


# --- the corpus pass: each outlet's recurring boilerplate ------------------------------------------------------

WORDS = ("budget senate vote tariff border court ruling strike protest minister election campaign governor "
         "pipeline refinery harvest drought hospital vaccine teacher union merger lawsuit verdict treaty "
         "embassy sanctions convoy ceasefire parliament coalition").split()


def prose(seed: int, sentences: int = 3) -> str:
    """A paragraph no other article shares: words picked by the seed."""
    picked = [WORDS[(seed * 7 + k * 11) % len(WORDS)] for k in range(sentences * 6)]
    return " ".join(f"The {' '.join(picked[i:i + 6])} story number {seed}-{i}." for i in range(0, len(picked), 6))


def outlet_articles(source: str, n: int, lines_for, first_day: int = 1, days_apart: int = 20, dated: bool = True):
    """n articles of one outlet, `days_apart` days apart; lines_for(i) gives article i's extra lines (start, middle, end)."""
    import datetime

    out = []
    for i in range(n):
        start, middle, end = lines_for(i)
        day = datetime.date(2019, 1, 1) + datetime.timedelta(days=first_day + i * days_apart)
        own = [prose(1000 * len(source) + 10 * i + k) for k in range(6)]
        paragraphs = [*start, *own[:3], *middle, *own[3:], *end]
        out.append(Article(id=f"{source}-{i}", text="\n\n".join(paragraphs), source=source,
                           date=day.isoformat() if dated else None))
    return out


def outlet_cuts(articles) -> dict[str, list[str]]:
    from dashboard.cleaning import clean_corpus

    return {c.doc_id: [r.text for r in c.removed if r.kind == "outlet boilerplate"]
            for c in clean_corpus(articles, passages=False)}


def test_a_line_recurring_across_an_outlets_articles_over_months_is_cut_from_each():
    arts = outlet_articles("Daily", 12, lambda i: ([], [], ["Follow the Ticker on Twitter for updates."]))
    arts += outlet_articles("Herald", 12, lambda i: ([f"Our LIVE coverage continues on channel {i % 5 + 2} tonight"], [], []))
    cuts = outlet_cuts(arts)
    assert all(cuts[a.id] == ["Follow the Ticker on Twitter for updates."] for a in arts if a.source == "Daily")
    # Blind to numbers and case: the same stamp with other times is one line.
    assert all(cuts[a.id] and cuts[a.id][0].startswith("Our LIVE coverage") for a in arts if a.source == "Herald")
    cleaned = {c.doc_id: c.text for c in __import__("dashboard.cleaning", fromlist=["x"]).clean_corpus(arts, False)}
    assert all("story number" in text and "Follow the Ticker" not in text for text in cleaned.values())


def test_a_line_is_one_outlets_boilerplate_not_anothers():
    line = "Send tips to the newsroom at any hour."
    arts = outlet_articles("Daily", 10, lambda i: ([], [], [line]))
    arts += outlet_articles("Herald", 10, lambda i: ([], [], [line] if i < 2 else []))
    cuts = outlet_cuts(arts)
    assert all(cuts[a.id] == [line] for a in arts if a.source == "Daily")
    assert all(cuts[a.id] == [] for a in arts if a.source == "Herald")  # twice in ten is not its boilerplate


def test_a_quotation_repeated_in_the_body_of_many_reports_stays():
    quote = '"We will not back down from this fight," the governor said in her address.'
    arts = outlet_articles("Daily", 10, lambda i: ([], [quote] if i < 6 else [], []))
    assert all(cuts == [] for cuts in outlet_cuts(arts).values())


def test_a_quotation_in_a_promo_at_the_end_of_articles_goes():
    promo = 'Her new book, "How the Senate Really Works," is out now.'
    arts = outlet_articles("Daily", 10, lambda i: ([], [], [promo]))
    assert all(cuts == [promo] for cuts in outlet_cuts(arts).values())


def test_one_story_told_in_several_reports_keeps_the_sentences_they_share():
    background = "The refinery fire began on Monday and has burned across three counties since then."
    arts = outlet_articles("Daily", 6, lambda i: ([], [background], []), days_apart=2)  # one story, ten days
    arts += outlet_articles("Daily", 6, lambda i: ([], [], []), first_day=200)
    assert all(cuts == [] for cuts in outlet_cuts(arts).values())


def test_an_article_that_is_nothing_but_the_recurring_line_keeps_it():
    line = "This is a rush transcript. Copy may not be in its final form."
    arts = outlet_articles("Daily", 8, lambda i: ([line], [], []))
    arts.append(Article(id="only-line", text=line, source="Daily", date="2019-06-01"))
    cuts = outlet_cuts(arts)
    assert cuts["only-line"] == [] and all(cuts[a.id] == [line] for a in arts[:8])


def test_exact_copies_of_one_article_count_once():
    line = "Read the full coverage in our special section."
    arts = outlet_articles("Daily", 2, lambda i: ([], [], [line]))
    arts += [dataclasses.replace(arts[0], id=f"copy-{k}") for k in range(3)]
    arts += outlet_articles("Daily", 6, lambda i: ([], [], []), first_day=300)
    assert all(cuts == [] for cuts in outlet_cuts(arts).values())


def test_without_dates_only_lines_at_the_start_or_end_of_articles_are_boilerplate():
    end_line = "Send letters to the editor at our office."
    middle_line = "The council meets again next month to vote on the plan."
    arts = outlet_articles("Daily", 8, lambda i: ([], [middle_line], [end_line]), dated=False)
    assert all(cuts == [end_line] for cuts in outlet_cuts(arts).values())


def test_articles_without_a_known_outlet_are_left_alone():
    line = "Send letters to the editor at our office."
    arts = [dataclasses.replace(a, source="unknown") for a in outlet_articles("Daily", 8, lambda i: ([], [], [line]))]
    assert all(cuts == [] for cuts in outlet_cuts(arts).values())


def test_an_article_cleaned_alone_drops_the_outlet_lines_the_analysis_listed():
    line = "Follow the Ticker on Twitter for updates."
    arts = outlet_articles("Daily", 10, lambda i: ([], [], [line]))
    alone = clean_article(arts[0], passages=True, outlet_lines=[line])
    assert line not in alone.text and ("outlet boilerplate", line) in [(r.kind, r.text) for r in alone.removed]
    assert all(line not in s for p in alone.passages for s in p.sentences)


def test_real_corpus_outlet_pass_cuts_little_and_never_empties_an_article(shared_corpus):
    from dashboard.cleaning import clean_corpus
    from dashboard.loading import load_corpus

    corpus = load_corpus([shared_corpus("allsides_events.jsonl.gz")])
    cleaned = clean_corpus(corpus.articles, passages=False)
    total = sum(len(a.text) for a in corpus.articles)
    cut = {}
    for article, c in zip(corpus.articles, cleaned):
        lines = [r.text for r in c.removed if r.kind == "outlet boilerplate"]
        if lines:
            assert c.text.strip(), article.id
            cut.setdefault(article.source, []).extend(lines)
    assert sum(len(t) for lines in cut.values() for t in lines) < 0.01 * total
    assert len(cut) >= 10  # many outlets have recurring furniture
    # What goes is short furniture, not paragraphs of reporting.
    lengths = sorted(len(t) for lines in cut.values() for t in lines)
    assert lengths[len(lengths) // 2] < 80


def test_a_short_line_repeated_through_one_article_is_a_transcript_speaker():
    turns = ["Welcome to the show, it is Monday.", "Thanks for having me on today.", "Let us begin with Iowa.",
             "The count is still going on there.", "Who is ahead?", "Two candidates, nearly tied."]
    names = ["michael barbaro", "alex burns"] * 3
    text = "\n\n".join(f"{name}\n\n{turn}" for name, turn in zip(names, turns))
    cleaned, removed = clean_text(text)
    assert [line for line in cleaned.split("\n") if line] == turns
    assert kinds(removed)["speaker label"] == names
    # Furniture that repeats keeps its own kind.
    assert kinds(clean_text("Advertisement\n\nA.\n\nAdvertisement\n\nB.\n\nAdvertisement\n\nC.")[1]) == {
        "advertisement marker": ["Advertisement"] * 3}
    # Said twice is not a transcript; a repeated sentence is not a name.
    text = "Breaking news\n\nThe vote passed.\n\nBreaking news\n\nNo, it did not.\n\nNo, it did not."
    assert clean_text(text) == (text.replace("\n\n", "\n\n"), [])


def test_windows_and_old_mac_line_ends_clean_like_unix_ones():
    unix = "First real sentence here.\n\nADVERTISEMENT\n\nReporting by Jane Doe; Editing by John Roe\nLast real sentence here."
    expected = clean_text(unix)
    assert expected[0].split() == "First real sentence here. Last real sentence here.".split()
    assert [r.kind for r in expected[1]] == ["advertisement marker", "credit line"]
    assert clean_text(unix.replace("\n", "\r\n")) == expected
    assert clean_text(unix.replace("\n", "\r")) == expected
