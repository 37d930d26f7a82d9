"""`python -m dashboard`: JSON out, one clear line on stderr for every error."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import queries
from dashboard.bench import generated_corpus
from dashboard.cli import run
from dashboard.lexicons import bundled_frames
from dashboard.loading import article_id, corpus_hash, load_corpus
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import analyze

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def cli(capsys, *args):
    code = run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def seed_analysis():
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard", "analyze", str(SEEDS)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_analyze_prints_the_documented_json_shape(seed_analysis):
    data = seed_analysis
    assert len(data["documents"]) == 5
    assert {"id", "source", "title", "date", "duplicate_of", "originality"} <= set(data["documents"][0])
    assert {"doc_id", "index", "text", "cluster", "frame", "frame_scores"} <= set(data["units"][0])
    assert {"id", "label", "frame", "size", "top_terms"} <= set(data["clusters"][0])
    assert sum(c["size"] for c in data["clusters"]) == len(data["units"])
    profile = data["documents"][0]["profile"]  # passages: each article's share per cluster and frame
    assert abs(sum(profile["clusters"].values()) - 1) < 1e-3 and abs(sum(profile["frames"].values()) - 1) < 1e-3
    assert isinstance(data["duplicates"], list) and isinstance(data["aliases"], dict)


def test_analyze_finds_the_syndicated_copy_and_merges_name_variants(seed_analysis):
    docs = {d["id"]: d for d in seed_analysis["documents"]}
    groups = seed_analysis["duplicates"]
    assert len(groups) == 1 and len(groups[0]) == 2
    assert sorted(docs[i]["source"] for i in groups[0]) == ["Dnevnik", "unknown"]
    aliases = seed_analysis["aliases"]
    assert aliases.get("kasim-jomart") == "kassym-jomart"
    assert aliases.get("kassym-zhomart") == "kassym-jomart"


def test_cluster_labels_are_readable_and_name_the_seed_framings(seed_analysis):
    labels = [c["label"] for c in seed_analysis["clusters"]]
    assert all(not l.lower().startswith("cluster") for l in labels)
    frames = {c["frame"] for c in seed_analysis["clusters"]}
    assert {"sovereignty", "terrorism"} <= frames
    # a cluster named after a frame is mostly made of units whose dominant frame it is
    for c in seed_analysis["clusters"]:
        if c["frame"] != "none":
            members = [u["frame"] for u in seed_analysis["units"] if u["cluster"] == c["id"]]
            assert max(set(members), key=members.count) == c["frame"], (c["label"], members)


def test_terms_lists_most_distinctive_first(capsys):
    code, out, err = cli(capsys, "terms", SEEDS, "--a", "cluster:1", "--b", "rest", "--limit", "5")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and {"term", "z", "count_a", "count_b"} <= set(rows[0])
    zs = [abs(r["z"]) for r in rows]
    assert zs == sorted(zs, reverse=True)


def test_align_matches_copies_and_separates_different_articles(capsys, seed_analysis):
    docs = seed_analysis["documents"]
    a, b = seed_analysis["duplicates"][0][:2]
    code, out, err = cli(capsys, "align", SEEDS, a, b)
    assert code == 0, err
    same = json.loads(out)
    matched = sum(1 for m in same["a_best"] if m[0] is not None)
    assert matched >= 0.8 * len(same["a_sentences"])
    # Each match says what kind it is and which words each sentence has that the other lacks.
    assert {m["kind"] for m in same["matches"]} <= {"copy", "same fact", "related statement"} and "copy" in {m["kind"] for m in same["matches"]}
    assert all(isinstance(m["only_a"], list) and isinstance(m["only_b"], list) for m in same["matches"])
    others = [d["id"] for d in docs if d["id"] not in (a, b)]
    code, out, err = cli(capsys, "align", SEEDS, others[0], others[1])
    assert code == 0, err
    diff = json.loads(out)
    assert len(diff["unique_a"]) > 0.5 * len(diff["a_sentences"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["analyze", "/no/such/folder"], "/no/such/folder"),
        (["terms", str(SEEDS), "--a", "cluster:99"], "cluster"),
        (["terms", str(SEEDS), "--a", "colour:red"], "group kind"),
        (["align", str(SEEDS), "nope", "nada"], "unknown article id"),
        (["analyze", str(SEEDS), "--k", "zero"], "whole number"),
        (["analyze", str(SEEDS), "--unit", "word"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_every_error_is_one_line_on_stderr_without_traceback(args, message):
    proc = subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and message in lines[0]
    assert proc.stdout == ""


def test_out_writes_the_json_to_a_file(tmp_path, capsys):
    target = tmp_path / "analysis.json"
    code, out, err = cli(capsys, "analyze", SEEDS, "--unit", "article", "--out", target)
    assert code == 0, err
    assert out == ""
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["unit"] == "article" and len(data["units"]) == 5


def _awkward_corpus() -> Corpus:
    """A generated corpus plus an article whose text needs every kind of JSON escaping."""
    text = ('The minister said "no" twice. A path C:\\temp\\x, a tab\there, naïve café, Алматы, 東京, '
            "a line separator \u2028 inside, and an emoji 📰.\n\nSecond paragraph on the troops and the border.")
    articles = [*generated_corpus(40, seed=3),
                Article(id=article_id(text, "Outlet 9"), text=text, source='Outlet "9"', title="Naïve \\ title")]
    return Corpus(articles, content_hash=corpus_hash(articles))


@pytest.mark.parametrize("corpus, unit", [("sample", "passage"), ("sample", "article"), ("generated", "passage")])
def test_streamed_analyze_json_parses_to_the_whole_object(corpus, unit, monkeypatch):
    """Written block by block, the JSON is the same object as the analysis built whole."""
    loaded = load_corpus([SEEDS]) if corpus == "sample" else _awkward_corpus()
    analysis = analyze(loaded, Settings(unit=unit))
    whole = json.loads(json.dumps(queries.analysis_to_dict(analysis), ensure_ascii=False))  # tuples read as lists
    assert len(whole["units"]) > 2
    monkeypatch.setattr(queries, "ROW_BLOCK", 2)  # several blocks; with passages, boundaries inside articles
    streamed = "".join(queries.analysis_json(analysis))
    assert json.loads(streamed) == whole
    assert list(json.loads(streamed)) == list(whole)  # the keys in the same order


def test_analyze_out_file_is_the_streamed_json_of_the_analysis(tmp_path, capsys):
    target = tmp_path / "analysis.json"
    code, _, err = cli(capsys, "analyze", SEEDS, "--out", target)
    assert code == 0, err
    whole = queries.analysis_to_dict(analyze(load_corpus([SEEDS])))
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(json.dumps(whole, ensure_ascii=False))
    assert not list(tmp_path.glob("*.partial"))


def test_an_unwritable_out_is_one_line_and_leaves_no_partial_file(tmp_path, capsys):
    target = tmp_path / "missing folder" / "analysis.json"
    code, out, err = cli(capsys, "analyze", SEEDS, "--unit", "article", "--out", target)
    assert code == 1 and out == ""
    assert err.startswith("error: cannot write") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "missing folder").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"[frames.broken\nterms = ", "not valid TOML"),
        ('[frames.x]\nlabel = "Caf\u00e9"\nterms = ["troops"]\n'.encode("latin-1"), "not UTF-8"),
        (b'[frames.none]\nlabel = "N"\nterms = ["x"]\n', "reserved"),
    ],
    ids=["malformed", "latin-1", "reserved-name"],
)
def test_an_unusable_lexicon_file_is_one_line_naming_it(tmp_path, content, message):
    lexicon = tmp_path / "bad.toml"
    lexicon.write_bytes(content)
    proc = subprocess.run([sys.executable, "-m", "dashboard", "analyze", str(SEEDS), "--frames", str(lexicon)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and message in lines[0] and str(lexicon) in lines[0]


def test_a_lexicon_is_read_before_the_corpus_is_analysed(tmp_path, capsys, monkeypatch):
    import dashboard.cli

    monkeypatch.setattr(dashboard.cli, "load_corpus", lambda paths: pytest.fail("the corpus was loaded first"))
    code, out, err = cli(capsys, "analyze", SEEDS, "--frames", tmp_path / "missing.toml")
    assert code != 0 and "missing.toml" in err


@pytest.mark.parametrize("choice, name", [("policy", "policy"), ("News", "news"), ("auto", "crisis")])
def test_frames_takes_a_bundled_name_or_auto(capsys, choice, name):
    code, out, err = cli(capsys, "analyze", SEEDS, "--frames", choice)  # passages, as the sample is analysed
    assert code == 0, err
    data = json.loads(out)
    keys = list(data["frames"])
    assert data["lexicon"]["name"] == name and data["lexicon"]["reason"]
    assert keys == [f.name for f in bundled_frames(name)]
    assert set(data["lexicon"]["coverage"]) == {"crisis", "policy", "news"}
    # every frame of the lexicon in use has a score on every document and unit, hit or not
    for record in data["documents"] + data["units"]:
        assert all(isinstance(record[f"frame:{k}"], (int, float)) for k in keys)
        assert record["frame"] in keys + ["none"]
    assert all(list(u["frame_scores"]) == keys for u in data["units"])


def test_the_default_lexicon_is_auto(capsys):
    code, out, err = cli(capsys, "analyze", SEEDS, "--unit", "article")
    assert code == 0, err
    assert "chosen automatically" in json.loads(out)["lexicon"]["reason"]


def test_an_unknown_lexicon_name_is_one_line_listing_the_choices(capsys):
    code, out, err = cli(capsys, "analyze", SEEDS, "--frames", "sports")
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and '"sports"' in err and "crisis, policy, news" in err


def mirror_corpus(folder: Path) -> dict:
    """Twelve articles, six per outlet, and how many content tokens each outlet wrote.

    Every article is 40 content tokens and says "kazakhstan" (three times per
    Alpha article, once per Beta article, so the clustering vocabulary's max_df
    drops it); "mirrorone" is Alpha's own word and "mirrortwo" Beta's, equally
    often; every other word is used once.
    """
    rows = []
    for i in range(12):
        alpha = i < 6
        own = ["mirrorone" if alpha else "mirrortwo"] * (1 + i % 2)
        country = ["kazakhstan"] * (3 if alpha else 1)
        shared = ["troops"] * (2 if alpha else 1)
        n_fill = 40 - len(own) - len(country) - len(shared)
        fill = [f"zq{chr(97 + i)}{chr(97 + j // 26)}{chr(97 + j % 26)}" for j in range(n_fill)]
        words = fill[:10] + own + fill[10:20] + country[:1] + fill[20:25] + shared + fill[25:] + country[1:]
        assert len(words) == 40
        rows.append({"id": f"art{i}", "source": "Alpha" if alpha else "Beta", "title": f"Story {i}",
                     "text": " ".join(words) + "."})
    path = folder / "mirror.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return {"path": path, "tokens": {"Alpha": 240, "Beta": 240}}


def terms_json(capsys, path, a, b):
    code, out, err = cli(capsys, "terms", path, "--unit", "article", "--a", a, "--b", b, "--limit", "1000")
    assert code == 0, err
    return {row["term"]: row for row in json.loads(out)}


def test_terms_give_mirror_image_terms_exactly_opposite_z(tmp_path, capsys):
    corpus = mirror_corpus(tmp_path)
    rows = terms_json(capsys, corpus["path"], "source:Alpha", "source:Beta")
    assert rows["mirrorone"]["z"] > 0
    assert rows["mirrortwo"]["z"] == -rows["mirrorone"]["z"]


def test_terms_swapped_groups_negate_every_z(tmp_path, capsys):
    corpus = mirror_corpus(tmp_path)
    ab = terms_json(capsys, corpus["path"], "source:Alpha", "source:Beta")
    ba = terms_json(capsys, corpus["path"], "source:Beta", "source:Alpha")
    assert set(ab) == set(ba) and len(ab) >= 3
    assert all(ba[term]["z"] == -ab[term]["z"] for term in ab)


def test_terms_list_a_word_of_every_article_used_three_times_as_often(tmp_path, capsys):
    corpus = mirror_corpus(tmp_path)
    rows = terms_json(capsys, corpus["path"], "source:Alpha", "source:Beta")
    kazakhstan = rows["kazakhstan"]
    assert (kazakhstan["count_a"], kazakhstan["count_b"]) == (18, 6)
    assert kazakhstan["z"] > 0
    # Rates are per 1,000 of all the outlet's words, rare ones included.
    assert kazakhstan["rate_a"] == round(18 * 1000 / corpus["tokens"]["Alpha"], 4)


# Page furniture a scraper leaves in news text, written down here and not taken from the cleaning rules,
# so the test fails if furniture gets through whatever the rules are. A term (one or two words) is
# furniture when a word of it is in FURNITURE_WORDS or it is one of FURNITURE_TERMS. Outlets naming
# themselves in reporting ("told CNN", "Fox News reported") are reported words, not furniture.
FURNITURE_WORDS = frozenset(
    """
    caption captions hide toggle enlarge slideshow gallery getty images photo photos photograph credit credits
    contributed contributing copyright reprint click subscribe subscribers newsletter newsletters inbox
    pinterest flipboard whatsapp share shares sharing highlights advertisement sponsored pullquote
    soundbite crosstalk transcript archived updated update et edt est pst pdt gmt bst amp nbsp quot
    """.split()
)
FURNITURE_TERMS = frozenset(
    """
    sign up|follow us|read more|see also|story highlights|play video|years ago|all rights|rights reserved
    associated press contributed|press contributed|contributed report|wire reports|wire service|editing by
    reporting by|twitter facebook|facebook twitter|twitter pinterest|share story|archived recording
    """.strip().split("|")
)


def furniture(term: str) -> bool:
    return term in FURNITURE_TERMS or any(word in FURNITURE_WORDS for word in term.split())


def test_furniture_check_recognises_the_furniture_of_the_raw_corpus():
    """Guards the check below: the terms that topped left vs right before cleaning are furniture to it."""
    assert all(furniture(t) for t in ["hide caption", "caption photos", "photos", "associated press contributed",
                                      "press contributed", "story highlights", "updated et", "twitter pinterest"])
    assert not any(furniture(t) for t in ["fox news", "crisis ukraine", "illegal immigrants", "president obama"])


def test_left_against_right_on_allsides_gives_real_words_not_page_furniture(capsys, shared_corpus):
    """issue 11, Done when: at least 20 significant terms a side, no furniture among the top 30."""
    path = shared_corpus("allsides_events.jsonl.gz")
    code, out, err = cli(capsys, "terms", path, "--unit", "article", "--a", "bias:left", "--b", "bias:right",
                         "--limit", "30")
    assert code == 0, err
    rows = json.loads(out)
    for side in ([r for r in rows if r["z"] > 0], [r for r in rows if r["z"] < 0]):
        assert len(side) == 30
        assert sum(r["significant"] for r in side) >= 20
        assert [r["term"] for r in side if furniture(r["term"])] == []


def test_analyze_gives_each_document_its_story_and_lists_the_stories(seed_analysis):
    stories = seed_analysis["stories"]
    assert {"id", "label", "title", "first_date", "last_date", "size", "outlets", "ratings"} <= set(stories[0])
    ids = [s["id"] for s in stories]
    assert ids == list(range(1, len(stories) + 1))
    per_story = {}
    for doc in seed_analysis["documents"]:
        per_story.setdefault(doc["story"], []).append(doc["source"])
    assert set(per_story) == set(ids)
    for s in stories:
        assert s["size"] == len(per_story[s["id"]]) == sum(s["outlets"].values())


def test_stories_follow_an_event_column_unless_asked_to_come_from_text(tmp_path, capsys):
    rows = [{"source": f"Outlet {i}", "title": f"Title {i}", "date": "2021-05-0%d" % (1 + i % 3),
             "event_id": "the same event" if i < 3 else "another", "bias": "left" if i % 2 else "right",
             "text": f"Article {i} about a harbour strike in Velo, where dock workers walked out on Monday."}
            for i in range(5)]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    code, out, err = cli(capsys, "analyze", path, "--unit", "article")
    assert code == 0, err
    data = json.loads(out)
    assert data["story_column"] == "event_id"
    assert sorted(s["size"] for s in data["stories"]) == [2, 3]
    assert all(s["source"] == "column" for s in data["stories"])
    code, out, err = cli(capsys, "analyze", path, "--unit", "article", "--stories", "auto")
    assert code == 0, err
    data = json.loads(out)
    assert data["story_column"] is None and all(s["source"] == "text" for s in data["stories"])
    assert sum(s["size"] for s in data["stories"]) == 5


def test_an_unknown_stories_choice_is_one_line(capsys):
    with pytest.raises(SystemExit) as raised:
        run(["analyze", str(SEEDS), "--stories", "topics"])
    err = capsys.readouterr().err
    assert raised.value.code == 2 and "--stories" in err and "auto" in err and len(err.strip().splitlines()) == 1


def test_terms_leave_out_outlets_naming_themselves_and_say_so(capsys, tmp_path):
    places = ["Ohio", "Texas", "Maine", "Utah", "Iowa", "Idaho"]
    topics = ["farm aid", "rail safety", "school meals", "drug prices", "water rights", "tax credits"]
    rows = ([{"source": "CNN (Web News)", "bias": "left", "text": f"Senators from {p} debated the border wall and "
              f"{t}, a source told CNN. CNN reported the vote on the border wall."} for p, t in zip(places, topics)]
            + [{"source": "Fox News", "bias": "right", "text": f"Fox News learned that senators from {p} blocked the "
                f"budget over {t}. Budget talks stalled, Fox News said."} for p, t in zip(places, topics[::-1])])
    path = tmp_path / "outlets.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    code, out, err = cli(capsys, "terms", path, "--a", "bias:left", "--b", "bias:right")
    assert code == 0, err
    listed = {r["term"] for r in json.loads(out)}
    assert {"border wall", "budget"} <= listed and not {"cnn", "fox news", "fox"} & listed
    assert "outlets naming themselves" in err and "cnn" in err and "fox news" in err


# ---------------------------------------------------------------- suggest


def test_suggest_prints_the_frames_the_corpus_suggests_with_their_toml(capsys, tmp_path):
    import plant_closure
    from dashboard.frames import load_frames

    for i, text in enumerate(plant_closure.texts()):
        (tmp_path / f"{i:02d}.txt").write_text(text, encoding="utf-8")
    lexicon = tmp_path / "closure.toml"
    lexicon.write_text(plant_closure.LEXICON, encoding="utf-8")
    code, out, err = cli(capsys, "suggest", tmp_path, "--frames", lexicon)
    assert code == 0, err
    data = json.loads(out)
    assert data["lexicon"] == "custom" and data["reason"] is None
    [suggestion] = data["suggestions"]
    assert {t["term"] for t in suggestion["terms"]} <= plant_closure.HERITAGE_WORDS
    assert suggestion["examples"] and all(e["text"] in plant_closure.HERITAGE for e in suggestion["examples"])
    [frame], _ = load_frames(suggestion["toml"])
    assert list(frame.terms) == [t["term"] for t in suggestion["terms"]]


def test_suggest_on_the_sample_says_why_nothing_is_suggested(capsys):
    code, out, err = cli(capsys, "suggest", SEEDS, "--frames", "crisis")
    assert code == 0, err
    data = json.loads(out)
    assert data["suggestions"] == [] and data["reason"].startswith("No frame is suggested")
