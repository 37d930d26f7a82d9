"""Passages follow the author's paragraphs; sentences survive news abbreviations."""

from pathlib import Path

import pytest

from dashboard.cleaning import clean_text
from dashboard.segmenting import segment, split_sentences

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


def seed_text(prefix: str) -> str:
    return next(p for p in SEEDS if p.name.startswith(prefix)).read_text("utf-8")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        ("About 2.5 thousand people will be sent. More may follow.",
         ["About 2.5 thousand people will be sent.", "More may follow."]),
        ("Gen. Smith and Pres. Tokayev met on Jan. 5 at St. Mary's. It rained.",
         ["Gen. Smith and Pres. Tokayev met on Jan. 5 at St. Mary's.", "It rained."]),
        ("The U.S. Army arrived. It was late.", ["The U.S. Army arrived.", "It was late."]),
        ("He moved to the U.S. The move was hard.", ["He moved to the U.S.", "The move was hard."]),
        ("It ranked No. 1 in the poll. J. Scott Applewhite took the photo.",
         ["It ranked No. 1 in the poll.", "J. Scott Applewhite took the photo."]),
        ('"We expect it to be short." He left.', ['"We expect it to be short."', "He left."]),
        ("Kazakhstan “lacks its own forces.” “Let’s resort to help,” he said.",
         ["Kazakhstan “lacks its own forces.”", "“Let’s resort to help,” he said."]),
        ("forces will be brought in, ”the deputy said. At the same time, he spoke.",
         ["forces will be brought in, ”the deputy said.", "At the same time, he spoke."]),
        ("It is reported by RIA News… The document was signed.",
         ["It is reported by RIA News…", "The document was signed."]),
        ("Wait... what? Yes! The intl. force arrived.", ["Wait... what?", "Yes!", "The intl. force arrived."]),
        ("It was founded in 2005. It grew.", ["It was founded in 2005.", "It grew."]),
        ("It began in the 1990s. Then it grew.", ["It began in the 1990s.", "Then it grew."]),
        ("A Headline Without a Stop\nThe first sentence. The second.",
         ["A Headline Without a Stop", "The first sentence.", "The second."]),
        ("", []),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_blank_line_paragraphs_and_inner_newlines_join():
    passages = segment("d", "First para line one\ncontinues here.\n\nSecond para.\n\n\n")
    assert [p.text for p in passages] == ["First para line one continues here.", "Second para."]
    assert [p.index for p in passages] == [0, 1]
    assert all(p.doc_id == "d" for p in passages)


def test_single_newline_text_gives_one_passage_per_line():
    text, _ = clean_text(seed_text("001"))
    passages = segment("d", text)
    lines = [line for line in text.split("\n") if line.strip()]
    assert len(passages) == len(lines) > 5
    assert passages[0].text == lines[0]


def test_headings_attach_to_the_following_passage():
    text = seed_text("003")
    passages = segment("d", text)
    headings = {p.heading: p.text for p in passages if p.heading}
    assert set(headings) == {"The tasks of the peacekeepers", "Doubts about legitimacy", "Who is behind the riots"}
    assert headings["Who is behind the riots"].startswith("Trained militants")
    assert not any(p.text in headings for p in passages)
    passages = segment("d", seed_text("002"))
    assert [p.heading for p in passages if p.heading] == ["Collective help", "The protests continue for several days"]


def test_a_heading_titles_every_passage_of_its_section():
    passages = segment("d", seed_text("003"))
    sections = {}
    for p in passages:
        sections.setdefault(p.section, []).append(p.text)
    doubts = sections["Doubts about legitimacy"]
    assert len(doubts) == 3
    assert doubts[0].startswith("Earlier, the American") and doubts[2].startswith("Later, the official")
    assert sections["Who is behind the riots"][0].startswith("Trained militants")
    assert all(p.section == "" for p in passages[:3])  # before the first heading
    assert all(p.heading in ("", p.section) for p in passages)


def test_trailing_short_line_is_kept_not_lost():
    passages = segment("d", "A paragraph.\n\nThe end")
    assert [p.text for p in passages] == ["A paragraph.", "The end"]


def test_long_paragraph_splits_at_sentences_within_limit():
    sentence = "This sentence has exactly some words in it for the test. "
    paragraph = sentence * 100
    passages = segment("d", paragraph, max_chars=300)
    assert len(passages) > 1
    assert all(len(p.text) <= 300 for p in passages)
    assert all(p.text.endswith(".") for p in passages)
    assert " ".join(p.text for p in passages).split() == paragraph.split()
    assert [p.index for p in passages] == list(range(len(passages)))


def test_run_on_sentence_splits_on_whitespace():
    text = "word " * 1000
    passages = segment("d", text, max_chars=200)
    assert all(len(p.text) <= 200 for p in passages)
    assert " ".join(p.text for p in passages).split() == text.split()


def test_one_megabyte_paragraph_is_cut_within_the_limit_and_keeps_every_word():
    # (How long it takes: `python -m dashboard.bench --limits`.)
    text = ("Officials said the talks went on. " * 10 + "x" * 50 + " ") * 2500
    text = text[:1_000_000]
    passages = segment("d", text)
    assert all(len(p.text) <= 1200 for p in passages)
    assert " ".join(p.text for p in passages).split() == text.split()


def test_empty_passages_dropped():
    assert segment("d", "\n\n   \n\n") == ()


def test_invalid_max_chars():
    with pytest.raises(ValueError, match="max_chars"):
        segment("d", "text", max_chars=0)
