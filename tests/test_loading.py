"""Loading: every format, metadata priority, encodings, bad input reported, stable ids."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dashboard import loading
from dashboard.loading import (
    CorpusError,
    SEEDS_DIR,
    article_from_paste,
    article_id,
    corpus_hash,
    decode_bytes,
    guess_metadata,
    load_corpus,
    load_seed_corpus,
    load_uploads,
    parse_date,
    read_uploads,
    require_usable,
)

BODY_A = "The council decided to send forces.\n\nThe decision was announced on Thursday."
BODY_B = "Protests began over fuel prices.\n\nThey turned into riots within days."
BODY_C = "A third outlet wrote about the same event in its own words."


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def skipped_items(corpus) -> list[str]:
    return [i.item for i in corpus.issues if i.action == "skipped"]


# ------------------------------------------------------------------ formats


def test_txt_and_md_files_one_article_each(tmp_path):
    (tmp_path / "a.txt").write_text(BODY_A, "utf-8")
    (tmp_path / "b.md").write_text(BODY_B, "utf-8")
    corpus = load_corpus([tmp_path])
    assert [a.text for a in corpus.articles] == [BODY_A, BODY_B]
    assert [a.origin for a in corpus.articles] == [f"{tmp_path.name}/a.txt", f"{tmp_path.name}/b.md"]
    assert corpus.content_hash == corpus_hash(corpus.articles)


def test_csv_synonyms_case_insensitive_and_extra_columns():
    rows = [["Headline", "BODY", "Outlet", "Published", "Link", "Topic"],
            ["First", BODY_A, "Daily A", "06.01.2022", "http://a", "kz"],
            ["Second", BODY_B, "Daily B", "January 7, 2022", "http://b", "kz"]]
    corpus = load_uploads([("news.csv", csv_bytes(rows))])
    first, second = corpus.articles
    assert (first.title, first.source, first.date, first.url) == ("First", "Daily A", "2022-01-06", "http://a")
    assert (second.source, second.date) == ("Daily B", "2022-01-07")
    assert first.extra == {"topic": "kz"}
    assert first.origin == "news.csv row 1"


def test_tsv_and_semicolon_csv():
    tsv = csv_bytes([["full_text", "media"], [BODY_A, "A"], [BODY_B, "B"]], "\t")
    semicolon = csv_bytes([["Content", "Site"], [BODY_C, "C"]], ";")
    corpus = load_uploads([("t.tsv", tsv), ("s.csv", semicolon)])
    assert [a.source for a in corpus.articles] == ["A", "B", "C"]


def test_json_list_object_holding_list_and_jsonl():
    as_list = json.dumps([{"text": BODY_A, "source": "A"}, {"Text": BODY_B, "Source": "B"}])
    wrapped = json.dumps({"meta": {"n": 1}, "articles": [{"content": BODY_C, "publisher": "C"}]})
    jsonl = "\n".join(json.dumps({"article": t, "outlet": s}) for t, s in [(BODY_A, "D"), (BODY_B, "E")])
    corpus = load_uploads([("l.json", as_list.encode()), ("w.json", wrapped.encode()),
                           ("x.jsonl", jsonl.encode())])
    assert [a.source for a in corpus.articles] == ["A", "B", "C", "D", "E"]
    assert corpus.articles[3].origin == "x.jsonl line 1"


def test_gzipped_forms(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(BODY_A.encode()))
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(json.dumps({"text": BODY_B}).encode()))
    (tmp_path / "c.csv.gz").write_bytes(gzip.compress(f"text\n{BODY_C}\n".encode()))
    (tmp_path / "d.json.gz").write_bytes(gzip.compress(json.dumps([{"body": "Fourth text."}]).encode()))
    corpus = load_corpus([tmp_path])
    assert [a.text for a in corpus.articles] == [BODY_A, BODY_B, BODY_C, "Fourth text."]


def test_zip_nested_and_depth_limit(monkeypatch):
    inner = zip_bytes({"b.txt": BODY_B.encode()})
    outer = zip_bytes({"a.txt": BODY_A.encode(), "more/inner.zip": inner,
                       "__MACOSX/._a.txt": b"junk", "c.json": json.dumps([BODY_C]).encode()})
    corpus = load_uploads([("bundle.zip", outer)])
    assert sorted(a.text for a in corpus.articles) == sorted([BODY_A, BODY_B, BODY_C])
    assert "bundle.zip:more/inner.zip:b.txt" in [a.origin for a in corpus.articles]
    assert any("__MACOSX" in i.item for i in corpus.issues)  # reported, not silently dropped

    monkeypatch.setattr(loading, "MAX_ZIP_DEPTH", 1)
    corpus = load_uploads([("bundle.zip", outer)])
    assert BODY_B not in [a.text for a in corpus.articles]
    assert "bundle.zip:more/inner.zip" in skipped_items(corpus)


def test_folders_walked_recursively_sorted_hidden_reported(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(BODY_B)
    (tmp_path / "a.txt").write_text(BODY_A)
    (tmp_path / "c.txt").write_text(BODY_C)
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01junk")
    corpus = load_corpus([tmp_path])
    assert [a.text for a in corpus.articles] == [BODY_A, BODY_B, BODY_C]
    assert f"{tmp_path.name}/.DS_Store" in skipped_items(corpus)


# ------------------------------------------------------------------ metadata


def test_seeds_load_with_sidecar_metadata():
    corpus = load_seed_corpus()
    assert len(corpus.articles) == 5
    assert not corpus.issues
    with open(SEEDS_DIR / "metadata.csv", newline="", encoding="utf-8") as handle:
        expected = {row["file"]: row for row in csv.DictReader(handle)}
    for article in corpus.articles:
        row = expected[Path(article.origin).name]
        assert article.source == row["source"]
        assert article.title == row["title"]
        assert (article.date or "unknown") == row["date"]
    by_file = {Path(a.origin).name[:3]: a for a in corpus.articles}
    assert by_file["000"].source == "Dnevnik" and by_file["000"].date == "2022-01-06"
    assert by_file["003"].source == "unknown"  # cites RIA News, is not RIA
    assert by_file["000"].text == (SEEDS_DIR / "000_0dbdf6a9354c8a0d.txt").read_text("utf-8")


def test_sidecar_wins_over_guesses_and_reports_unknown_files(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2022-01-06 Guessed Title\n\n" + BODY_A + "\n\n/Guessed")
    (tmp_path / "b.txt").write_text(BODY_B)
    (tmp_path / "metadata.csv").write_text(
        "filename,Source,Title,Date,topic\n"
        "a.txt,Given Outlet,Given Title,2022-02-01,kz\n"
        "missing.txt,X,Y,2022-01-01,kz\n")
    corpus = load_corpus([tmp_path])
    a, b = corpus.articles
    assert (a.source, a.title, a.date, a.extra) == ("Given Outlet", "Given Title", "2022-02-01", {"topic": "kz"})
    assert b.source == "unknown"
    assert any("missing.txt" in i.problem and i.action == "warning" for i in corpus.issues)


def test_sidecar_inside_zip_applies_to_its_folder():
    archive = zip_bytes({"d/a.txt": BODY_A.encode(), "d/b.txt": BODY_B.encode(),
                         "d/metadata.csv": b"file,source\na.txt,Alpha\n", "e/a.txt": BODY_C.encode()})
    corpus = load_uploads([("x.zip", archive)])
    assert [(a.origin, a.source) for a in corpus.articles] == [
        ("x.zip:d/a.txt", "Alpha"), ("x.zip:d/b.txt", "unknown"), ("x.zip:e/a.txt", "unknown")]


def test_json_lines_saved_as_json_and_utf16_jsonl():
    lines = "\n".join(json.dumps({"text": t}) for t in (BODY_A, BODY_B))
    corpus = load_uploads([("lines.json", lines.encode()), ("wide.jsonl", lines.encode("utf-16"))])
    assert [a.origin for a in corpus.articles] == ["lines.json line 1", "lines.json line 2"]
    assert [i.item for i in corpus.issues] == ["wide.jsonl line 1", "wide.jsonl line 2"]  # duplicates
    assert corpus.encodings["wide.jsonl"] == "utf-16"


@pytest.mark.parametrize("name, encoding", [("lines.json", "utf-8"), ("wide.jsonl", "utf-16")])
def test_json_lines_keep_records_whose_text_holds_unicode_line_separators(name, encoding):
    # JSON allows U+2028, U+0085 and \x1e unescaped inside strings; only a line feed ends a record.
    texts = [BODY_A + "\u2028Second line.", BODY_B + "\x85Next.\x1e"]
    lines = "\r\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts)
    corpus = load_uploads([(name, lines.encode(encoding))])
    assert corpus.issues == []
    assert [a.origin for a in corpus.articles] == [f"{name} line 1", f"{name} line 2"]
    assert "Second line." in corpus.articles[0].text and "Next." in corpus.articles[1].text


def test_metadata_csv_without_file_column_is_an_article_table():
    table = csv_bytes([["text", "source"], [BODY_A, "A"], [BODY_B, "B"]])
    corpus = load_uploads([("metadata.csv", table)])
    assert [a.source for a in corpus.articles] == ["A", "B"]


def test_text_derived_metadata():
    text = " date 2022-01-06 Clashes over Fuel Prices\n\nFirst paragraph.\n\n/Dnevnik\n"
    assert guess_metadata(text) == {"date": "2022-01-06", "title": "Clashes over Fuel Prices",
                                    "source": "Dnevnik"}
    dateline = "Brussels 06.01.2022 Anna van Densky The council approved the decision.\n\nMore."
    assert guess_metadata(dateline) == {"date": "2022-01-06"}
    title = "# A Short Headline\n\nBody text here."
    assert guess_metadata(title) == {"title": "A Short Headline"}
    assert guess_metadata("This is a sentence, not a title.\n\nBody.") == {}
    assert guess_metadata("It was announced in his Facebook…\n\nBody.") == {}
    assert guess_metadata("A line\nfollowed by text, not a blank line.") == {}
    assert guess_metadata("Body that ends with a path\n/usr/local/bin") == {}


def test_explicit_column_beats_text_guess():
    rows = [{"text": "date 2022-01-06 Guess\n\nBody one.\n/Guessed", "source": "Given", "date": "2022-03-04"},
            {"text": "date 2022-01-06 Guess\n\nBody two.\n/Guessed"}]
    corpus = load_uploads([("r.json", json.dumps(rows).encode())])
    given, guessed = corpus.articles
    assert (given.source, given.date, given.title) == ("Given", "2022-03-04", "Guess")
    assert (guessed.source, guessed.date) == ("Guessed", "2022-01-06")


@pytest.mark.parametrize("value,expected", [
    ("2022-01-06", "2022-01-06"), ("2022-01-06T10:30:00Z", "2022-01-06"),
    ("06.01.2022", "2022-01-06"), ("January 6, 2022", "2022-01-06"), ("Jan. 6, 2022", "2022-01-06"),
    ("6 January 2022", "2022-01-06"), ("Thu, 06 Jan 2022 10:00:00 +0000", "2022-01-06"),
    ("25/12/2021", "2021-12-25"), ("12/25/2021", "2021-12-25"), ("", None), ("unknown", None),
    ("05/05/2022", "2022-05-05"),  # day == month reads one way only
    ("6th January 2022", "2022-01-06"), ("Thursday, January 6, 2022 10:00 AM EST", "2022-01-06"),
    ("Sept. 6, 2022", "2022-09-06"), ("2022/01/06", "2022-01-06"), ("2022-01-06T23:30:00-05:00", "2022-01-06"),
])
def test_parse_date_common_formats(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2022-13-01", "06/01/2022", "31.02.2022", "May 2022", "Jan 6",
                                   "06/01/22", "Thursday 03/04/2022"])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_unparsable_date_column_warns_and_keeps_article():
    table = csv_bytes([["text", "date"], [BODY_A, "soon"], [BODY_B, "2022-01-06"]])
    corpus = load_uploads([("d.csv", table)])
    assert [a.date for a in corpus.articles] == [None, "2022-01-06"]
    assert [(i.item, i.action) for i in corpus.issues] == [("d.csv row 1", "warning")]


def test_ambiguous_dates_settled_by_the_rest_of_their_column():
    """03/04/2022 is read the way the column's other dates show; if they don't, it is reported."""
    day_first = csv_bytes([["text", "date"], [BODY_A, "25/04/2022"], [BODY_B, "03/04/2022"]])
    month_first = csv_bytes([["text", "date"], [BODY_A, "04/25/2022"], [BODY_B, "03/04/2022"]])
    alone = csv_bytes([["text", "date"], [BODY_A, "2022-04-25"], [BODY_B, "03/04/2022"]])
    both = csv_bytes([["text", "date"], [BODY_A, "25/04/2022"], [BODY_B, "03/04/2022"], [BODY_C, "04/25/2022"]])
    assert [a.date for a in load_uploads([("d.csv", day_first)]).articles] == ["2022-04-25", "2022-04-03"]
    assert [a.date for a in load_uploads([("m.csv", month_first)]).articles] == ["2022-04-25", "2022-03-04"]
    for table in (alone, both):
        corpus = load_uploads([("x.csv", table)])
        assert corpus.articles[1].date is None
        assert [(i.item, i.action) for i in corpus.issues] == [("x.csv row 2", "warning")]
        assert "03/04/2022" in corpus.issues[0].problem
    # Another file's dates say nothing about this one's order.
    corpus = load_uploads([("a.csv", csv_bytes([["text", "date"], [BODY_A, "25/04/2022"]])),
                           ("b.csv", csv_bytes([["text", "date"], [BODY_B, "03/04/2022"]]))])
    assert [a.date for a in corpus.articles] == ["2022-04-25", None]


def test_ambiguous_sidecar_dates_settled_by_the_whole_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text(BODY_A)
    (tmp_path / "b.txt").write_text(BODY_B)
    (tmp_path / "metadata.csv").write_text("file,date\na.txt,03/04/2022\nb.txt,12/31/2021\n")
    assert [a.date for a in load_corpus([tmp_path]).articles] == ["2022-03-04", "2021-12-31"]


def test_ambiguous_json_date_settled_and_pasted_one_refused():
    rows = [{"text": BODY_A, "date": "03/04/2022"}, {"text": BODY_B, "date": "13/04/2022"}]
    corpus = load_uploads([("r.json", json.dumps(rows).encode())])
    assert [a.date for a in corpus.articles] == ["2022-04-03", "2022-04-13"] and not corpus.issues
    with pytest.raises(CorpusError, match="03/04/2022"):
        article_from_paste("Body.", date="03/04/2022")


def test_article_from_paste_uses_same_path():
    article = article_from_paste(" date 2022-01-06 A Title Here\n\nBody.\n/Outlet")
    assert (article.source, article.date, article.title) == ("Outlet", "2022-01-06", "A Title Here")
    assert article.id == article_id(article.text, "Outlet")
    assert article_from_paste("Body.", source="Given").source == "Given"
    with pytest.raises(CorpusError):
        article_from_paste("   ")
    with pytest.raises(CorpusError):
        article_from_paste("Body.", date="not a date")


# ------------------------------------------------------------------ encodings

RUSSIAN = "Президент Казахстана обратился к ОДКБ за помощью. Миротворцы прибыли в Алматы."
FRENCH = "Le président a demandé l'aide des forces étrangères; les manifestants réclamaient des élections."


@pytest.mark.parametrize("data,expected_text,encoding", [
    (b"\xef\xbb\xbf" + RUSSIAN.encode("utf-8"), RUSSIAN, "utf-8-sig"),
    (RUSSIAN.encode("utf-16"), RUSSIAN, "utf-16"),
    (FRENCH.encode("utf-16-le"), FRENCH, "utf-16-le"),
    (RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251"),
    (FRENCH.encode("cp1252"), FRENCH, "cp1252"),
    ("Müller sagte: größere Straßen.".encode("cp1252"), "Müller sagte: größere Straßen.", "cp1252"),
])
def test_decode_bytes(data, expected_text, encoding):
    text, detected, lossy = decode_bytes(data)
    assert (text, detected, lossy) == (expected_text, encoding, False)


def test_mixed_encodings_in_one_upload_recorded_per_item():
    other = "Войска ОДКБ покинули Казахстан."
    corpus = load_uploads([("ru.txt", RUSSIAN.encode("cp1251")), ("fr.txt", FRENCH.encode("cp1252")),
                           ("u.txt", other.encode("utf-16"))])
    assert [a.text for a in corpus.articles] == [RUSSIAN, FRENCH, other]
    assert corpus.encodings == {"ru.txt": "cp1251", "fr.txt": "cp1252", "u.txt": "utf-16"}
    assert not corpus.issues


def test_undecodable_bytes_do_not_crash():
    almost_utf8 = ("Привет, мир. " * 30).encode("utf-8") + b"\xff" + b" tail"
    corpus = read_uploads([("bad.txt", almost_utf8), ("ok.txt", BODY_A.encode())])
    assert "\ufffd" in corpus.articles[0].text
    assert any(i.item == "bad.txt" and i.action == "warning" for i in corpus.issues)


ENGLISH = ("The café owner said the “Beyoncé effect” had doubled sales — and that’s no exaggeration. "
           "Critics weren’t convinced: “It’s a fad,” one said.")
GREEK = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την αντιμετώπιση της κρίσης. Ο πρωθυπουργός δήλωσε ότι η κατάσταση είναι υπό έλεγχο."
JAPANESE = "日本政府は新たな対策を発表した。首相は状況は管理下にあると述べた。"


@pytest.mark.parametrize("text,saved_as", [
    (ENGLISH * 3, "cp1252"), (RUSSIAN * 3, "koi8_r"), (RUSSIAN * 3, "iso8859_5"), (GREEK * 2, "cp1253"),
    (JAPANESE * 3, "shift_jis"), ("Zażółć gęślą jaźń, powiedział prezydent. Rząd ogłosił nowe środki. " * 3, "cp1250"),
])
def test_legacy_encodings_read_back_the_text(text, saved_as):
    data = text.encode(saved_as)
    decoded, encoding, lossy = decode_bytes(data)
    assert (decoded, lossy) == (text, False)
    assert data.decode(encoding) == text  # the encoding recorded for the item really reads it


# ------------------------------------------------------------------ bad input


def test_bad_items_reported_good_ones_load():
    jsonl = "\n".join([json.dumps({"text": BODY_B}), "{not json", json.dumps({"title": "no text"})])
    uploads = [
        ("good.txt", BODY_A.encode()), ("empty.txt", b""), ("blank.txt", b" \n\t "),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00"), ("doc.pdf", b"%PDF-1.4"),
        ("rows.csv", f"text,source\n{BODY_C},C\n,D\n".encode()), ("lines.jsonl", jsonl.encode()),
        ("again.txt", BODY_A.encode()),
    ]
    corpus = load_uploads(uploads)
    assert [a.text for a in corpus.articles] == [BODY_A, BODY_C, BODY_B]
    skipped = skipped_items(corpus)
    assert skipped == ["empty.txt", "blank.txt", "image.txt", "doc.pdf", "rows.csv row 2",
                       "lines.jsonl line 2", "lines.jsonl line 3", "again.txt"]
    duplicate = next(i for i in corpus.issues if i.item == "again.txt")
    assert duplicate.problem == f"exact duplicate of {corpus.articles[0].id} (good.txt)"


def test_same_text_different_sources_both_kept():
    rows = json.dumps([{"text": BODY_A, "source": "A"}, {"text": BODY_A, "source": "B"}])
    corpus = load_uploads([("r.json", rows.encode())])
    assert len(corpus.articles) == 2 and not corpus.issues


def test_malformed_csv_row_and_json_reported():
    table = f'text,source\n"{BODY_A}",A\n"{BODY_C}"x,B\n{BODY_C},C,extra\n"Fourth",D\n'
    corpus = read_uploads([("m.csv", table.encode()), ("broken.json", b'[{"text": "x"'),
                           ("no_text.csv", b"title,source\nT,S\n")])
    assert [a.source for a in corpus.articles] == ["A", "D"]
    assert skipped_items(corpus) == ["m.csv row 2", "m.csv row 3", "broken.json", "no_text.csv"]


def test_fewer_than_two_articles_raises_with_report():
    with pytest.raises(CorpusError) as raised:
        load_uploads([("only.txt", BODY_A.encode()), ("empty.txt", b"")])
    assert "found 1 usable article" in str(raised.value).lower()
    assert [i.item for i in raised.value.issues] == ["empty.txt"]
    corpus = read_uploads([("only.txt", BODY_A.encode())])
    assert require_usable(corpus, minimum=1) is corpus


def test_missing_path_names_it(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(CorpusError, match="nope"):
        load_corpus([missing])


# ------------------------------------------------------------------ ids and limits


def test_ids_stable_and_independent_of_order(tmp_path):
    uploads = [("a.txt", BODY_A.encode()), ("b.txt", BODY_B.encode()), ("c.txt", BODY_C.encode())]
    first = load_uploads(uploads)
    again = load_uploads(uploads)
    reversed_ = load_uploads(uploads[::-1])
    assert [a.id for a in first.articles] == [a.id for a in again.articles]
    assert first.content_hash == again.content_hash
    assert {a.id for a in first.articles} == {a.id for a in reversed_.articles}
    assert first.articles[0].id == article_id(BODY_A, "unknown")
    assert article_id("a  b\n c", "X ") == article_id("a b c", "x")


def test_ids_ignore_every_kind_of_whitespace_as_a_split_into_words_does():
    """Ids hash `" ".join(text.split())`; single_spaced takes a shortcut for " " and "\\n" only."""
    import random
    import sys

    from dashboard.loading.ids import single_spaced

    whitespace = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    pieces = ["word", "Ünïcode", "中文", "🙂", ""] + whitespace + [" ", "\n", "  ", "\n\n", " \n "]
    rng = random.Random(0)
    texts = ["", " ", "\n", "a", " a ", "a\n\nb", "\n a  b \n"] + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    texts += ["para one.\nPara two" + ws + "ends. \n" for ws in whitespace]
    for text in texts:
        assert single_spaced(text) == " ".join(text.split()), repr(text)


def test_limits(monkeypatch):
    monkeypatch.setattr(loading, "MAX_ARTICLE_CHARS", 20)
    corpus = load_uploads([("long.txt", b"x" * 50), ("b.txt", BODY_B.encode())])
    assert len(corpus.articles[0].text) == 20
    assert any("MAX_ARTICLE_CHARS" in i.problem and i.action == "warning" for i in corpus.issues)
    monkeypatch.undo()

    monkeypatch.setattr(loading, "MAX_ARTICLES", 2)
    corpus = load_uploads([("a.txt", BODY_A.encode()), ("b.txt", BODY_B.encode()), ("c.txt", BODY_C.encode())])
    assert len(corpus.articles) == 2
    assert any(i.item == "c.txt" and "MAX_ARTICLES" in i.problem for i in corpus.issues)
    monkeypatch.undo()

    monkeypatch.setattr(loading, "MAX_FILE_BYTES", 100)
    corpus = read_uploads([("big.txt", b"y" * 101)])
    assert "MAX_FILE_BYTES" in corpus.issues[0].problem
    monkeypatch.undo()

    monkeypatch.setattr(loading, "MAX_ZIP_MEMBERS", 1)
    corpus = read_uploads([("z.zip", zip_bytes({"a.txt": BODY_A.encode(), "b.txt": BODY_B.encode()}))])
    assert len(corpus.articles) == 1 and "MAX_ZIP_MEMBERS" in corpus.issues[0].problem


# ------------------------------------------------------------------ properties

EXTENSIONS = [".txt", ".md", ".csv", ".tsv", ".json", ".jsonl", ".gz", ".txt.gz", ".jsonl.gz", ".zip", ".bin", ""]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(min_size=1, max_size=8), st.sampled_from(EXTENSIONS), st.binary(max_size=300)),
                max_size=4))
def test_arbitrary_bytes_give_corpus_or_corpus_error(files):
    uploads = [(stem + ext, data) for stem, ext, data in files]
    try:
        corpus = load_uploads(uploads)
    except CorpusError as exc:
        assert isinstance(exc.issues, list)
    else:
        assert len(corpus.articles) >= 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=4), max_size=6),
       st.sampled_from([".csv", ".tsv", ".json", ".jsonl", ".zip"]))
def test_arbitrary_rows_give_corpus_or_corpus_error(rows, ext):
    header = ["text", "source", "date", "topic"]
    if ext in (".json", ".jsonl"):
        records = [dict(zip(header, row)) for row in rows]
        data = (json.dumps(records) if ext == ".json"
                else "\n".join(json.dumps(r) for r in records)).encode()
    else:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter="\t" if ext == ".tsv" else ",").writerows([header, *rows])
        data = buffer.getvalue().encode()
        if ext == ".zip":
            data = zip_bytes({"inner.csv": data})
    try:
        corpus = load_uploads([("rows" + ext, data)])
    except CorpusError:
        return
    kept_texts = {a.text for a in corpus.articles}
    assert all(t.strip() for t in kept_texts)


# ------------------------------------------------------------------ real corpus

def test_allsides_events_every_row_loaded_or_reported(shared_corpus):
    events = shared_corpus("allsides_events.jsonl.gz")
    with gzip.open(events, "rt", encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    rows = sum(1 for line in lines if line.strip())
    corpus = load_corpus([events])
    skipped = [i for i in corpus.issues if i.action == "skipped"]
    assert len(corpus.articles) + len(skipped) == rows
    assert all(i.item.startswith("allsides_events.jsonl.gz line ") for i in skipped)
    # Each article carries its own row's fields and extra columns (its origin names the line).
    for article in corpus.articles:
        row = json.loads(lines[int(article.origin.rsplit(" ", 1)[1]) - 1])
        assert (article.source, article.title, article.date, article.url) == (
            row["source"], row["title"], row["date"], row["url"]), article.origin
        assert {k: article.extra[k] for k in ("event_id", "topic", "bias")} == {
            k: row[k] for k in ("event_id", "topic", "bias")}, article.origin
    assert len({a.id for a in corpus.articles}) == len(corpus.articles)


# ------------------------------------------------------------------ the cache key


def test_corpus_hash_changes_with_every_field_of_any_article():
    """Two corpora share cached analyses only when every field of every article is the same."""
    rows = [{"text": BODY_A, "source": "A", "title": "T", "date": "2022-01-06", "url": "http://a", "topic": "kz"},
            {"text": BODY_B, "source": "B", "title": "U", "date": "2022-01-07", "url": "http://b", "topic": "kz"}]

    def key(rows, name="r.json"):
        return load_uploads([(name, json.dumps(rows).encode())]).content_hash

    base = key(rows)
    assert key(rows) == base
    variants = {
        "url": {"url": "http://elsewhere"}, "title": {"title": "Other"}, "date": {"date": "2022-02-01"},
        "extra value": {"topic": "other"}, "extra column": {"bias": "left"},
        "spacing of the text": {"text": BODY_A.replace("\n\n", "\n")},  # same id, other paragraphs
    }
    for what, change in variants.items():
        changed = [dict(rows[0], **change), rows[1]]
        assert key(changed) != base, what
    assert key(rows, name="other.json") != base  # origins are shown, so they are part of the key
    assert key(rows[::-1]) != base


def test_corpus_hash_cannot_be_fooled_by_moving_text_between_fields():
    from dashboard.models import Article

    one = [Article(id="x", text="ab", source="c")]
    two = [Article(id="x", text="a", source="bc")]
    assert corpus_hash(one) != corpus_hash(two)
