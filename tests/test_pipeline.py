"""The whole analysis on the seeds, on hostile input, and on a real corpus."""

import dataclasses
import gzip
import json

import numpy as np
import pytest

from dashboard.loading import article_id, corpus_hash, load_corpus, load_seed_corpus
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import STAGES, AnalysisError, analyze
from dashboard.queries import (
    SpecError,
    align,
    key_terms,
    keyword_in_context,
    select_units,
    why_no_term_is_distinctive,
)


def corpus_of(*texts, sources=None):
    sources = sources or [f"Outlet {i}" for i in range(len(texts))]
    arts = [Article(id=article_id(t, s), text=t, source=s, origin=f"item {i}") for i, (t, s) in enumerate(zip(texts, sources))]
    return Corpus(arts, content_hash=corpus_hash(arts))


@pytest.fixture(scope="module")
def seeds():
    return analyze(load_seed_corpus())


def test_seed_analysis_is_deterministic(seeds):
    again = analyze(load_seed_corpus())
    assert seeds.units["cluster"].tolist() == again.units["cluster"].tolist()
    assert [c.label for c in seeds.clusters] == [c.label for c in again.clusters]
    assert np.allclose(seeds.units[["x", "y"]].to_numpy(), again.units[["x", "y"]].to_numpy())


def test_small_corpus_is_analysed_by_passage_and_profiles_add_up(seeds):
    assert seeds.unit == "passage"
    assert len(seeds.units) > 5 * 5
    assert seeds.documents["units"].sum() == len(seeds.units)
    assert set(seeds.units["doc_id"]) == set(seeds.documents["id"])


def test_progress_names_every_stage_in_order_and_each_is_timed():
    reported = []
    a = analyze(load_seed_corpus(), Settings(unit="article"), lambda stage, fraction: reported.append((stage, fraction)))
    assert [stage for stage, _ in reported] == list(STAGES)
    fractions = [fraction for _, fraction in reported]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] < 1
    assert set(a.timings) == set(STAGES) and all(t >= 0 for t in a.timings.values())


def test_a_cyclic_alias_table_is_ignored_with_a_notice_and_detection_still_applies(seeds):
    a = analyze(load_seed_corpus(), Settings(aliases=(("almaty", "alma-ata"), ("alma-ata", "almaty"))))
    assert any("Alias table ignored" in n and "cycle" in n for n in a.notices)
    assert a.aliases == seeds.aliases  # the detected merges, as without a table


TREATY_LEXICON = """
[frames.treaty]
label = "Treaty"
terms = ["Collective Security Treaty Organization", "kazakhstan"]
[frames.weather]
label = "Weather"
terms = ["snow"]
"""
TREATY_TEXTS = (
    "The Collective Security Treaty Organization sent troops to Kazakhstan after riots in the south.",
    "Kazakhstan asked the Collective Security Treaty Organization for help as protesters filled the squares.",
    "Paratroopers of the Collective Security Treaty Organization landed in Kazakhstan at dawn on Friday.",
    "Analysts asked what the Collective Security Treaty Organization wants in Kazakhstan beyond the airport.",
)


@pytest.mark.parametrize("settings", [Settings(unit="article", ngram_max=1), Settings(unit="article", max_df=0.5)])
def test_lexicon_terms_score_whatever_the_ngram_order_and_vocabulary_pruning(settings):
    # A four-word phrase is longer than any n-gram counted; "kazakhstan" is in every
    # article, so max_df drops it from the clustering vocabulary. Both still score.
    a = analyze(corpus_of(*TREATY_TEXTS), dataclasses.replace(settings, frames_toml=TREATY_LEXICON))
    assert (a.units["frame"] == "treaty").all()
    default = analyze(corpus_of(*TREATY_TEXTS), Settings(unit="article", frames_toml=TREATY_LEXICON))
    assert np.allclose(a.units["frame:treaty"], default.units["frame:treaty"])
    assert (a.units["frame:weather"] == 0).all()


def test_lexicon_words_are_folded_by_the_alias_table_like_the_texts():
    lexicon = '[frames.leader]\nlabel = "Leader"\nterms = ["Tokaev", "president"]\n'
    texts = ("President Tokayev spoke on television.", "Tokayev, the president, asked for troops.",
             "The president Tokayev thanked the allies.")
    a = analyze(corpus_of(*texts), Settings(unit="article", frames_toml=lexicon, aliases=(("tokaev", "tokayev"),)))
    assert (a.units["frame"] == "leader").all()  # "Tokaev" in the lexicon counts the folded "tokayev"


def test_cluster_ids_are_canonical_largest_first(seeds):
    sizes = [c.size for c in seeds.clusters]
    assert [c.id for c in seeds.clusters] == list(range(1, len(sizes) + 1))
    assert sizes == sorted(sizes, reverse=True)


def test_copies_are_left_out_of_fitting_and_placed_afterwards(seeds):
    copy_id = seeds.documents.loc[seeds.documents["duplicate_of"].notna(), "id"].tolist()
    assert len(copy_id) == 1
    copy_units = seeds.units[seeds.units["doc_id"] == copy_id[0]]
    assert not copy_units["in_fit"].any()
    assert copy_units["cluster"].between(1, len(seeds.clusters)).all()


def test_originality_is_low_for_the_copies_and_high_for_the_rest(seeds):
    docs = seeds.documents.set_index("id")
    dup = docs["dup_group"].notna()
    assert (docs.loc[dup, "originality"] < 0.5).all()
    assert (docs.loc[~dup, "originality"] > 0.8).all()


def test_stripped_text_stays_viewable(seeds):
    kinds = {r.kind for removals in seeds.removed.values() for r in removals}
    assert kinds  # the aggregator copy has an ad script, a notice and image credits
    all_removed = " ".join(r.text for removals in seeds.removed.values() for r in removals)
    assert "adsbygoogle" in all_removed and "indexed to our site" in all_removed
    assert not seeds.units["text"].str.contains("adsbygoogle").any()


def test_settings_change_the_analysis(seeds):
    by_article = analyze(load_seed_corpus(), Settings(unit="article", k=2))
    assert by_article.unit == "article" and len(by_article.units) == 5
    assert len(by_article.clusters) == 2
    agg = analyze(load_seed_corpus(), Settings(method="agglomerative", k=3))
    assert agg.method == "agglomerative" and len(agg.clusters) == 3


def test_key_terms_and_kwic_answer_for_groups(seeds):
    df = key_terms(seeds, "cluster:1", "rest")
    top = df.iloc[0]
    assert top["z"] > 0 and top["count_a"] > 0
    kwic = keyword_in_context(seeds, "tokayev")
    assert len(kwic) > 5 and kwic["match"].str.lower().str.contains("tokayev").all()
    with pytest.raises(SpecError):
        key_terms(seeds, "cluster:1", "cluster:1")
    with pytest.raises(SpecError):
        select_units(seeds, "source:Nobody")


def test_align_copies_versus_different_articles(seeds):
    a, b = seeds.duplicate_groups[0]
    same = align(seeds, a, b)
    others = [d for d in seeds.documents["id"] if d not in (a, b)]
    diff = align(seeds, others[0], others[1])
    assert same.similarity > 0.7 > diff.similarity
    with pytest.raises(SpecError):
        align(seeds, a, "missing")


# The user's settings reach every view: key terms, keyword in context, side by side.

EAST = (
    "Armed militants attacked the airport in Almaty overnight. Armed militants attacked police stations too. "
    "Officials in Nur-Sultan said armed militants attacked the city hall.",
    "Armed militants attacked government buildings, officials in Nur-Sultan said. "
    "Armed militants attacked a television station. Troops now guard Astana.",
)
WEST = (
    "Peaceful protesters gathered in the square of Almaty over gas prices. "
    "Protesters demanded lower gas prices and marched to Astana.",
    "Protesters demanded change as gas prices doubled. Crowds marched peacefully through Astana.",
)


def settings_corpus():
    return corpus_of(*EAST, *WEST, sources=["East", "East", "West", "West"])


def analysis_with(**settings):
    return analyze(settings_corpus(), Settings(unit="article", **settings))


def words_of(terms):
    return {w for t in terms for w in str(t).split(" ")}


def east_and_west_ids(a):
    docs = a.documents
    return docs.loc[docs["source"] == "East", "id"].iloc[0], docs.loc[docs["source"] == "West", "id"].iloc[0]


def test_an_extra_stop_word_is_gone_from_key_terms_kwic_and_side_by_side():
    plain, user = analysis_with(), analysis_with(extra_stop_words=("Militants",))
    assert "militants" in words_of(key_terms(plain, "source:East", "source:West")["term"])
    terms = key_terms(user, "source:East", "source:West")
    assert "militants" not in words_of(terms["term"])
    assert "armed attacked" in set(terms["term"])  # the phrase closes over the removed word
    # Keyword in context reads the text as the analysis did.
    assert keyword_in_context(plain, "armed attacked").empty
    matches = keyword_in_context(user, "armed attacked")["match"]
    assert len(matches) == 5 and (matches.str.lower() == "armed militants attacked").all()
    with pytest.raises(SpecError, match="no content words"):
        keyword_in_context(user, "militants")
    east, west = east_and_west_ids(user)
    assert "militants" in words_of(align(plain, east, west).distinctive["term"])
    assert "militants" not in words_of(align(user, east, west).distinctive["term"])


def test_ngram_order_one_gives_no_phrase_anywhere():
    plain, user = analysis_with(), analysis_with(ngram_max=1)
    assert key_terms(plain, "source:East", "source:West")["term"].str.contains(" ").any()
    assert not key_terms(user, "source:East", "source:West")["term"].str.contains(" ").any()
    east, west = east_and_west_ids(user)
    assert align(plain, east, west).distinctive["term"].str.contains(" ").any()
    assert not align(user, east, west).distinctive["term"].str.contains(" ").any()
    assert len(keyword_in_context(plain, "armed militants")) == 5
    with pytest.raises(SpecError, match="at most 1"):
        keyword_in_context(user, "armed militants")


def test_a_user_alias_merges_spellings_everywhere():
    plain, user = analysis_with(), analysis_with(aliases=(("nur-sultan", "astana"),))
    assert keyword_in_context(plain, "astana")["match"].str.lower().eq("astana").all()
    matches = keyword_in_context(user, "astana")["match"]
    assert sorted(matches.str.lower().unique()) == ["astana", "nur-sultan"]
    assert len(matches) == 5
    counts = key_terms(user, "source:East", "source:West").set_index("term")
    assert "nur-sultan" not in counts.index
    assert counts.loc["astana", "count_a"] + counts.loc["astana", "count_b"] == 5
    east, west = east_and_west_ids(user)
    assert "nur-sultan" not in words_of(align(user, east, west).distinctive["term"])


def test_groups_too_small_for_any_term_to_count_are_told_so():
    a = analyze(corpus_of("Troops arrived.", "Protesters marched.", "Gas prices rose sharply."), Settings(unit="article"))
    terms = key_terms(a, "source:Outlet 0", "source:Outlet 1")
    assert terms.empty
    said = why_no_term_is_distinctive(a, "source:Outlet 0", "source:Outlet 1", terms)
    assert "larger groups" in said and "group A has 2 words" in said


# Hostile and odd input: each gives a clear message or a usable result.

def test_fewer_than_two_articles_is_a_clear_error():
    with pytest.raises(AnalysisError, match="at least 2"):
        analyze(corpus_of("Only one article here about troops."))


def test_only_numbers_and_punctuation_is_an_empty_vocabulary_error():
    with pytest.raises(AnalysisError, match="no words|No terms"):
        analyze(corpus_of("123 456 !!! ...", "7.8 -- 9 ???", "%%% 10"))


def test_identical_articles_from_two_outlets_analyse_as_one_text():
    text = "Troops arrived in the capital. Protesters demanded lower fuel prices.\n\nThe president spoke of terrorists."
    a = analyze(corpus_of(text, text, "Other words about gas prices and protests entirely different."))
    assert len(a.duplicate_groups) == 1 and len(a.duplicate_groups[0]) == 2


def test_k_larger_than_the_units_is_clipped_with_a_notice():
    a = analyze(corpus_of("troops arrived", "protests over gas prices", "terrorists attacked"), Settings(unit="article", k=50))
    assert len(a.clusters) == 3  # as many clusters as there are distinct units
    assert any("k=50" in n and "used k=3" in n for n in a.notices), a.notices  # what was asked, what was used


def test_cyrillic_and_kazakh_text_is_tokenised_and_clustered():
    texts = [
        "Войска ОДКБ прибыли в Казахстан. Миротворцы охраняют аэропорт Алматы.",
        "Протесты из-за цен на газ охватили Жанаозен и Актау.",
        "Қазақстан Республикасы Президенті Тоқаев террористер туралы айтты.",
    ]
    a = analyze(corpus_of(*texts), Settings(unit="article"))
    assert "казахстан" in set(a.vectors.terms)
    assert "қазақстан" in set(a.vectors.terms)


def test_a_one_megabyte_single_paragraph_article_is_split_into_passages():
    big = ("The protesters marched again and the troops watched the square. " * 16_000)[:1_000_000]
    a = analyze(corpus_of(big, "Another article about gas prices and the government."), Settings(unit="passage"))
    assert (a.units["doc_id"] == a.documents["id"][0]).sum() > 100
    assert a.units["text"].str.len().max() <= 2_000


def test_real_event_corpus_at_article_unit(shared_corpus):
    path = shared_corpus("allsides_events.jsonl.gz")
    corpus = load_corpus([path])
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = sum(1 for _ in fh)
    assert len(corpus.articles) + len([i for i in corpus.issues if i.action == "skipped"]) == rows
    a = analyze(corpus, Settings(unit="article"))
    assert a.unit == "article" and len(a.units) == len(corpus.articles)
    assert len(a.clusters) >= 2 and sum(c.size for c in a.clusters) == len(a.units)
    assert all(c.top_terms for c in a.clusters)
    assert a.documents["frame"].isin(a.frame_names + ["none"]).all()
    # Articles on one event (one story, several outlets) share a cluster more often than two articles
    # drawn at random do: the clusters follow what the texts say. Not far more: each story's own content
    # is taken out before clustering (tests/test_framing_across_stories.py), what is left of one event's
    # articles still shares its topic and frames.
    event = {art.id: art.extra["event_id"] for art in corpus.articles}
    clusters = a.units.assign(event=a.units["doc_id"].map(event))
    same = total = 0
    for _event, members in clusters.groupby("event")["cluster"]:
        counts = members.value_counts()
        same += int((counts * (counts - 1) // 2).sum())
        total += len(members) * (len(members) - 1) // 2
    chance = float((clusters["cluster"].value_counts(normalize=True) ** 2).sum())
    above_chance = (same / total - chance) / (1 - chance)  # 0: as random clusters, 1: every event in one cluster
    assert above_chance > 0.3, (same / total, chance)


def test_copied_passages_are_flagged_between_the_syndicated_copies_only(seeds):
    copied = seeds.units[seeds.units["copy_group"] > 0]
    assert set(copied["doc_id"]) == set(seeds.duplicate_groups[0])
    # They share most of their text (originality below 0.5), so most of each one's passages are flagged.
    flagged = copied.groupby("doc_id").size()
    share = flagged / seeds.units.groupby("doc_id").size()[flagged.index]
    assert (share > 0.5).all(), share
    # every copy group pairs passages of two different articles
    assert (copied.groupby("copy_group")["doc_id"].nunique() >= 2).all()


def test_framing_profiles_are_shares_of_each_articles_passages(seeds):
    from dashboard.queries import framing_profiles

    for by in ("cluster", "frame"):
        profile = framing_profiles(seeds, by)
        assert list(profile.index) == list(seeds.documents["id"])
        assert np.allclose(profile.sum(axis=1), 1.0)


# ---------------------------------------------------------------- stories

# Two events, each told by three outlets in their own words; each row: (outlet, bias, event, date, title, text).
STORY_ROWS = [
    ("Daily Ledger", "left", "bridge", "2021-03-01", "Dozens hurt as Maraton's Kessel Bridge collapses",
     "A section of the Kessel Bridge in Maraton gave way on Monday, sending four cars and a city bus into the "
     "Vell River. Rescue crews pulled 31 people from the water. Mayor Ilse Brandt ordered every bridge of the "
     "same 1968 design closed for inspection."),
    ("Evening Courier", "right", "bridge", "2021-03-02", "Kessel Bridge failure: engineers warned of corrosion",
     "Inspectors flagged corrosion on the Kessel Bridge girders in 2017, documents show, years before the span "
     "over the Vell River collapsed in Maraton. Mayor Ilse Brandt said the city would publish every report."),
    ("Metro Wire", "center", "bridge", "2021-03-02", "Maraton mayor shuts older bridges after Kessel collapse",
     "Maraton closed eleven bridges after the Kessel span collapsed into the Vell River, as Mayor Ilse Brandt "
     "promised an inquiry. Divers recovered the bus and the girders will be examined for corrosion."),
    ("Daily Ledger", "left", "rates", "2021-03-02", "Norland Central Bank lifts interest rate to 2.75%",
     "The Norland Central Bank raised its benchmark interest rate to 2.75 percent on Tuesday. Governor Pia "
     "Lindqvist said inflation, now 6.4 percent, had spread from energy to food and rents."),
    ("Evening Courier", "right", "rates", "2021-03-03", "Lindqvist defends Norland rate rise to 2.75 percent",
     "Governor Pia Lindqvist defended the Norland Central Bank decision to lift borrowing costs to 2.75 percent, "
     "saying inflation of 6.4 percent would otherwise become entrenched for mortgage holders."),
    ("Metro Wire", "center", "rates", "2021-03-02", "Borrowers brace after Norland Central Bank rate hike",
     "Families with variable mortgages will pay more after the Norland Central Bank raised interest rates to "
     "2.75 percent. Governor Pia Lindqvist warned that inflation of 6.4 percent was eroding wages."),
]


def story_corpus(with_events: bool) -> Corpus:
    arts = []
    for i, (source, bias, event, date, title, text) in enumerate(STORY_ROWS):
        extra = {"bias": bias, "bias_num": {"left": 0, "center": 1, "right": 2}[bias]}
        if with_events:
            extra["event_id"] = f"ev-{event}"
        arts.append(Article(id=article_id(text, source), text=text, source=source, title=title, date=date,
                            origin=f"row {i}", extra=extra))
    return Corpus(arts, content_hash=corpus_hash(arts))


def events_of(analysis) -> list[set[str]]:
    """The partition of article ids by the input's event (from STORY_ROWS, not from the code under test)."""
    by_text = {a.id: a.text for a in analysis.corpus.articles}
    event_of_text = {r[5]: r[2] for r in STORY_ROWS}
    groups: dict[str, set[str]] = {}
    for doc in analysis.documents["id"]:
        groups.setdefault(event_of_text[by_text[doc]], set()).add(doc)
    return sorted(groups.values(), key=sorted)


def story_partition(analysis) -> list[set[str]]:
    docs = analysis.documents
    return sorted((set(g["id"]) for _, g in docs.groupby("story")), key=sorted)


@pytest.mark.parametrize("with_events,choice,followed", [
    (True, "column", "event_id"), (True, "auto", None), (False, "column", None), (False, "auto", None),
])
def test_every_analysis_groups_articles_into_stories(with_events, choice, followed):
    a = analyze(story_corpus(with_events), Settings(unit="article", stories=choice))
    assert a.story_column == followed
    assert story_partition(a) == events_of(a)
    assert [s.id for s in a.stories] == list(range(1, len(a.stories) + 1))
    assert all(s.source == ("column" if followed else "text") for s in a.stories)
    # units carry their article's story, so a story is a group of units too
    story_of_doc = dict(zip(a.documents["id"], a.documents["story"]))
    assert a.units["story"].tolist() == [story_of_doc[d] for d in a.units["doc_id"]]


def test_a_story_lists_its_outlets_and_ratings_and_a_date_span():
    a = analyze(story_corpus(True), Settings(unit="article"))
    by_title = {s.title: s for s in a.stories}
    bridge = next(s for s in a.stories if "Kessel" in s.label)
    assert bridge.size == 3 and sum(bridge.outlets.values()) == 3
    assert set(bridge.outlets) == {"Daily Ledger", "Evening Courier", "Metro Wire"}
    # bias_num only recodes bias: counted once, under its readable name
    assert bridge.ratings == {"bias": {"center": 1, "left": 1, "right": 1}}
    assert (bridge.first_date, bridge.last_date) == ("2021-03-01", "2021-03-02")
    assert "2021-03-01 to 2021-03-02" in bridge.label and bridge.title in by_title


def test_asking_for_a_story_column_the_corpus_lacks_finds_stories_from_text_and_says_so():
    a = analyze(story_corpus(False), Settings(unit="article", stories="column"))
    assert a.story_column is None
    assert any("story field" in n and "from the text" in n for n in a.notices)
    assert story_partition(a) == events_of(a)


def test_an_unknown_story_setting_is_a_clear_error():
    with pytest.raises(AnalysisError, match="stories must be one of column, auto"):
        analyze(story_corpus(True), Settings(unit="article", stories="topics"))


def test_a_corpus_field_named_story_is_kept_beside_the_story_ids():
    corpus = story_corpus(False)
    arts = [dataclasses.replace(x, extra={**x.extra, "story": f"s-{i // 3}"}) for i, x in enumerate(corpus.articles)]
    a = analyze(Corpus(arts, content_hash=corpus_hash(arts)), Settings(unit="article"))
    assert a.story_column == "story"
    assert a.documents["story_given"].tolist() == [f"s-{i // 3}" for i in range(len(arts))]
    assert set(a.documents["story"]) == {1, 2}


def test_a_section_heading_frames_its_passages_but_is_counted_once():
    # seed 003: three passages under "Doubts about legitimacy"; frames read each with it, counts take it once.
    a = analyze(load_seed_corpus(), Settings(unit="passage"))
    doc = next(d for d in a.documents["id"] if d.startswith(next(
        x.id for x in load_seed_corpus().articles if "Doubts about legitimacy" in x.text)))
    units = a.units[a.units["doc_id"] == doc]
    under = units[units["heading"].eq("Doubts about legitimacy") | units["text"].str.startswith(("Earlier, the American", "Later, the official"))]
    assert len(under) == 3
    counter = a.term_counter
    code = counter.codes_of(["doubts legitimacy"])
    rows = np.zeros(counter.n_units, dtype=bool)
    rows[under.index.to_numpy()] = True
    assert counter.count(rows).lookup(code)[0] == 1  # the heading's phrase once, not once per passage
    assert (under["frame:legitimacy"] > 0).all()  # each passage of the section carries the heading's frame evidence


@pytest.fixture(scope="module")
def rated_corpus():
    """Generated articles rated left or right, one syndicated copy, a `story` field of the corpus's own."""
    from dashboard.bench import generated_corpus

    arts = [dataclasses.replace(a, date=f"2022-01-{1 + i % 28:02d}",
                                extra={"bias": "left" if i % 3 else "right", "story": f"s{i % 5}"})
            for i, a in enumerate(generated_corpus(60, seed=4))]
    copy = dataclasses.replace(arts[2], id=article_id(arts[2].text, "Copier"), source="Copier")
    arts.append(copy)
    return Corpus(arts, content_hash=corpus_hash(arts))


@pytest.mark.parametrize("unit", ["article", "passage"])
@pytest.mark.parametrize("spec_a, spec_b", [("bias:left", "bias:right"), ("source:Outlet 3", "rest"),
                                            ("date:2022-01-01..2022-01-10", "all")])
def test_key_terms_of_metadata_groups_need_only_the_token_stages(rated_corpus, unit, spec_a, spec_b):
    from dashboard.pipeline import analyze_for_terms

    full = analyze(rated_corpus, Settings(unit=unit))
    light = analyze_for_terms(rated_corpus, Settings(unit=unit))
    assert set(light.timings) == {"clean", "languages", "aliases", "tokens", "duplicates", "tables"}
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(key_terms(light, spec_a, spec_b), key_terms(full, spec_a, spec_b))
    shared = [c for c in light.documents.columns if c != "units"]
    assert shared == [c for c in full.documents.columns if c in shared]  # the corpus's story field keeps its name
    pd_testing.assert_frame_equal(light.documents[shared], full.documents[shared])
    assert light.units["in_fit"].tolist() == full.units["in_fit"].tolist()  # the copy counts once in both
    assert not light.units["in_fit"].all()


def test_the_cli_answers_cluster_groups_from_the_full_analysis(rated_corpus, tmp_path, capsys):
    from dashboard.cli import run
    from dashboard.groups import GroupSpec

    assert not GroupSpec.parse("cluster:1").reads_metadata and GroupSpec.parse("bias:left").reads_metadata
    path = tmp_path / "rated.jsonl"
    path.write_text("".join(json.dumps({"text": a.text, "source": a.source, "date": a.date, **a.extra}) + "\n"
                            for a in rated_corpus.articles), encoding="utf-8")
    full = analyze(load_corpus([path]))
    for spec_a, spec_b in (("cluster:1", "rest"), ("bias:left", "bias:right")):
        assert run(["terms", str(path), "--a", spec_a, "--b", spec_b, "--limit", "5"]) == 0
        printed = json.loads(capsys.readouterr().out)
        expected = key_terms(full, spec_a, spec_b)
        top = [*expected[expected["z"] > 0]["term"][:5], *expected[expected["z"] < 0]["term"][::-1][:5]]
        assert sorted(t["term"] for t in printed) == sorted(top)
