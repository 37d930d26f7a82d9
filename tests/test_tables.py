"""What the pages draw, asked of the core: the same numbers for a page, its CSV and the CLI."""

import dataclasses
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dashboard import filters, keyterms, queries, tables
from dashboard.loading import article_id, corpus_hash, load_seed_corpus
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import analyze


@pytest.fixture(scope="module")
def seeds():
    return analyze(load_seed_corpus())


def corpus_of(*articles):
    arts = [Article(id=article_id(a["text"], a.get("source", "x")), **a) for a in articles]
    return Corpus(arts, content_hash=corpus_hash(arts))


# ---------------------------------------------------------------- frames


def test_frame_evidence_rows_add_up_to_every_units_frame_hits(seeds):
    for doc_id in seeds.documents["id"]:
        evidence = tables.frame_evidence(seeds, doc_id)
        units = seeds.units[seeds.units["doc_id"] == doc_id]
        for unit, passage in zip(units["unit"], units["index"]):
            for j, frame in enumerate(seeds.frame_names):
                hits = seeds.lexicon_hits[unit, j]
                shown = ((evidence["passage"] == passage + 1) & (evidence["frame"] == frame)).sum()
                assert shown == hits, (doc_id, passage, frame)


def test_frame_evidence_uses_the_analysis_lexicon_aliases_and_stop_words():
    lexicon = '[frames.force]\nlabel = "Force"\nterms = ["troops", "paratroopers", "Tokaev"]\n'
    texts = ["Troops and paratroopers landed. Tokayev thanked the troops.",
             "Paratroopers left. The troops stayed near Tokayev's residence."]
    corpus = corpus_of(*({"text": t, "source": f"S{i}"} for i, t in enumerate(texts)))
    settings = Settings(unit="article", frames_toml=lexicon, extra_stop_words=("paratroopers",),
                        aliases=(("tokaev", "tokayev"),))
    a = analyze(corpus, settings)
    evidence = tables.frame_evidence(a, a.documents["id"][0])
    assert set(evidence["frame"]) == {"force"}
    assert sorted(evidence["matched"]) == ["tokayev", "troops", "troops"]  # no stop word; the alias folded
    assert evidence["sentence"].tolist()[-1] == "Tokayev thanked the troops."


def test_frame_evidence_of_an_unknown_article_is_a_spec_error(seeds):
    with pytest.raises(queries.SpecError, match="unknown article"):
        tables.frame_evidence(seeds, "nope")


def test_the_json_profile_and_the_page_profile_are_one_number(seeds):
    data = queries.analysis_to_dict(seeds)
    by_frame = queries.framing_profiles(seeds, "frame")
    by_cluster = queries.framing_profiles(seeds, "cluster")
    for doc in data["documents"]:
        assert doc["profile"]["frames"] == pytest.approx({f: v for f, v in by_frame.loc[doc["id"]].items() if v > 0},
                                                          abs=1e-4)
        assert doc["profile"]["clusters"] == pytest.approx(
            {str(c): v for c, v in by_cluster.loc[doc["id"]].items() if v > 0}, abs=1e-4)


def test_a_frame_profile_is_the_share_of_an_articles_units_with_each_dominant_frame(seeds):
    doc_id = seeds.documents["id"][0]
    frames_of_units = seeds.units.loc[seeds.units["doc_id"] == doc_id, "frame"]
    profile = queries.framing_profiles(seeds, "frame", [doc_id]).loc[doc_id]
    for frame, share in profile.items():
        assert share == pytest.approx((frames_of_units == frame).mean())
    with pytest.raises(ValueError, match="profile by"):
        queries.framing_profiles(seeds, "source")


def test_source_frame_shares_follow_the_units_and_the_mask(seeds):
    table = tables.source_frame_shares(seeds).set_index("source")
    assert np.allclose(table.drop(columns="units").sum(axis=1), 1.0)
    source_of = dict(zip(seeds.documents["id"], seeds.documents["source"]))
    per_source = seeds.units["doc_id"].map(source_of).value_counts()
    assert table["units"].to_dict() == per_source.to_dict()
    assert list(table["units"]) == sorted(table["units"], reverse=True)
    frame = seeds.units["frame"].iloc[0]
    narrowed = tables.source_frame_shares(seeds, tables.frame_mask(seeds, frame)).set_index("source")
    assert (narrowed[frame] == 1.0).all() and narrowed["units"].sum() == (seeds.units["frame"] == frame).sum()


def test_frame_masks_keep_every_row_for_all_and_the_frames_rows_otherwise(seeds):
    assert tables.frame_mask(seeds, "all").all() and tables.frame_mask(seeds, "all", "documents").all()
    for level, table in (("units", seeds.units), ("documents", seeds.documents)):
        mask = tables.frame_mask(seeds, "none", level)
        assert mask.tolist() == (table["frame"] == "none").tolist()


# ---------------------------------------------------------------- articles, clusters, dates


def test_article_table_has_one_row_per_article_with_readable_cluster_and_frame(seeds):
    table = tables.article_table(seeds)
    assert list(table["id"]) == list(seeds.documents["id"])
    labels = {c.id: c.label for c in seeds.clusters}
    assert list(table["cluster label"]) == [labels[c] for c in seeds.documents["cluster"]]
    assert list(table["dominant frame"]) == [seeds.frame_labels.get(f, f) for f in seeds.documents["frame"]]


def test_article_units_list_an_articles_passages_in_order_with_copies_marked(seeds):
    copy = seeds.documents.loc[seeds.documents["duplicate_of"].notna(), "id"].iloc[0]
    table = tables.article_units(seeds, copy)
    assert list(table["passage"]) == list(range(1, len(table) + 1))
    assert table["copied"].str.startswith("copy group").any()
    with pytest.raises(queries.SpecError):
        tables.article_units(seeds, "nope")


def test_cluster_table_and_representatives_describe_each_cluster(seeds):
    table = tables.cluster_table(seeds)
    assert list(table["cluster"]) == [c.id for c in seeds.clusters]
    assert table["size"].sum() == len(seeds.units)
    for c in seeds.clusters:
        reps = tables.representative_units(seeds, c.id, 2)
        assert 1 <= len(reps) <= 2
        assert (seeds.units.loc[reps["unit"], "cluster"] == c.id).all()
    with pytest.raises(ValueError, match="no cluster"):
        tables.representative_units(seeds, 999)


@pytest.mark.parametrize("days, period", [(10, "day"), (200, "week"), (1000, "month")])
def test_timeline_period_follows_the_span_and_every_dated_article_is_counted(seeds, days, period):
    docs = seeds.documents.copy()
    start = pd.Timestamp("2022-01-01")
    docs["date"] = [None] + [(start + pd.Timedelta(days=days * i // (len(docs) - 2))).date().isoformat()
                             for i in range(len(docs) - 1)]
    line = tables.timeline(dataclasses.replace(seeds, documents=docs))
    assert line.period == period and line.undated == 1
    assert line.counts["articles"].sum() == len(docs) - 1


def test_timeline_folds_small_outlets_into_other_sources(seeds):
    docs = seeds.documents.assign(date="2022-01-05", source=["A", "A", "B", "C", "D"])
    line = tables.timeline(dataclasses.replace(seeds, documents=docs), max_sources=2)
    assert line.counts.set_index("source")["articles"].to_dict() == {"A": 2, "B": 1, "other sources": 2}


# ---------------------------------------------------------------- aliases


def test_alias_table_gives_the_reason_recorded_for_each_detected_merge(seeds):
    table = tables.alias_table(seeds).set_index("variant")
    assert seeds.alias_merges and set(table.index) == set(seeds.aliases)
    for merge in seeds.alias_merges:
        row = table.loc[merge.variant]
        assert row["from"] == "detected" and row["why"] == merge.reason and row["why"]


def test_alias_table_marks_the_users_merges_and_leaves_out_cancelled_ones(seeds):
    detected = seeds.alias_merges[0].variant
    cancelled = seeds.alias_merges[1].variant
    a = analyze(load_seed_corpus(), Settings(aliases=(("tokaev", "tokayev"), (detected, "someone"), (cancelled, "-"))))
    table = tables.alias_table(a).set_index("variant")
    assert table.loc["tokaev", "from"] == "your table" and table.loc["tokaev", "why"] == ""
    assert table.loc[detected, "from"] == "your table" and table.loc[detected, "canonical"] == "someone"
    assert cancelled not in table.index


# ---------------------------------------------------------------- side by side


def fake_alignment():
    # A0<->B1 (a copy), A1 unique, A2<->B3 (the same fact); B0 unique; B2 matched to A0 but A0 prefers B1.
    matches = {
        (0, 1): SimpleNamespace(kind="copy", only_a=(), only_b=()),
        (0, 2): SimpleNamespace(kind="same fact", only_a=("troops",), only_b=("peacekeepers", "sent")),
        (2, 3): SimpleNamespace(kind="same fact", only_a=("gangs",), only_b=("protesters",)),
    }
    return SimpleNamespace(
        a_sentences=["a0", "a1", "a2"], b_sentences=["b0", "b1", "b2", "b3"],
        a_best=[(1, 0.9), (None, 0.1), (3, 0.7)],
        b_best=[(None, 0.0), (0, 0.9), (0, 0.6), (2, 0.7)],
        unique_a=[1], unique_b=[0],
        match=lambda a, b: matches.get((a, b)),
    )


def test_side_by_side_rows_keep_the_reading_order_of_both_articles():
    rows = tables.side_by_side_rows(fake_alignment())
    assert [(r.a_sentence, r.b_sentence, r.label, r.kind) for r in rows.itertuples()] == [
        (None, "b0", "only B", "unique"),
        ("a0", "b1", "copy 0.90", "match"),
        ("a1", None, "only A", "unique"),
        (None, "b2", "≈ A1", "echo"),
        ("a2", "b3", "same fact 0.70", "match"),
    ]
    assert rows["a_number"].tolist() == [pd.NA, 1, 2, pd.NA, 3]


def test_side_by_side_rows_say_what_each_matched_sentence_adds():
    rows = tables.side_by_side_rows(fake_alignment())
    matched = rows[rows["match"].notna()]
    assert matched[["a_number", "b_number", "match", "only_a", "only_b"]].astype(object).values.tolist() == [
        [1, 2, "copy", "", ""],
        [pd.NA, 3, "same fact", "troops", "peacekeepers, sent"],  # the echo keeps what its pair differs in
        [3, 4, "same fact", "gangs", "protesters"],
    ]
    assert rows.loc[rows["kind"] == "unique", ["match", "only_a", "only_b"]].isna().all().all()


def test_side_by_side_of_two_seed_articles_shows_every_sentence_once_in_order(seeds):
    ids = list(seeds.documents["id"])
    al = queries.align(seeds, ids[0], ids[3])
    rows = tables.side_by_side_rows(al)
    assert rows["a_sentence"].dropna().tolist() == al.a_sentences
    assert sorted(rows["b_number"].dropna().astype(int)) == list(range(1, len(al.b_sentences) + 1))
    marks = tables.side_by_side_marks(seeds, al, per_side=5)
    assert set(marks.values()) <= {"frame", "a", "b"}
    assert sum(v == "a" for v in marks.values()) <= 5 and sum(v == "b" for v in marks.values()) <= 5
    assert "frame" in marks.values()


# ---------------------------------------------------------------- corpus filters


ARTICLES = [
    {"text": "Troops landed.", "source": "Reuters | World", "date": "2022-01-05", "extra": {"topic": "security"}},
    {"text": "Gas prices rose.", "source": "Dnevnik", "date": "2022-01-07", "extra": {"topic": "energy", "bias": "left"}},
    {"text": "Protests spread.", "source": "Dnevnik", "date": None, "extra": {"topic": "energy"}},
    {"text": "Curfew declared.", "source": "Vlast", "date": "2022-01-09", "title": "Curfew"},
]


def test_filter_corpus_by_source_dates_and_any_column():
    corpus = corpus_of(*ARTICLES)
    texts = lambda c: [a.text for a in c.articles]  # noqa: E731
    assert texts(filters.filter_corpus(corpus, sources=["Reuters | World", "Vlast"])) == ["Troops landed.",
                                                                                           "Curfew declared."]
    assert texts(filters.filter_corpus(corpus, dates=("2022-01-05", "2022-01-07"))) == ["Troops landed.",
                                                                                        "Gas prices rose."]
    assert texts(filters.filter_corpus(corpus, where={"topic": ["energy"]})) == ["Gas prices rose.", "Protests spread."]
    assert texts(filters.filter_corpus(corpus, where={"title": ["Curfew"]})) == ["Curfew declared."]
    assert texts(filters.filter_corpus(corpus, where={"bias": ["left"]})) == ["Gas prices rose."]
    both = filters.filter_corpus(corpus, sources=["Dnevnik"], where={"topic": ["energy", "security"]},
                                 dates=("2022-01-01", "2022-12-31"))
    assert texts(both) == ["Gas prices rose."]  # the undated Dnevnik article fails the date filter
    assert both.content_hash == corpus_hash(both.articles) != corpus.content_hash


def test_no_filter_is_the_corpus_itself_and_bad_filters_say_why():
    corpus = corpus_of(*ARTICLES)
    assert filters.filter_corpus(corpus, (), None, {"topic": []}) is corpus
    with pytest.raises(filters.FilterError, match="colour"):
        filters.filter_corpus(corpus, where={"colour": ["red"]})
    with pytest.raises(filters.FilterError, match="YYYY-MM-DD"):
        filters.filter_corpus(corpus, dates=("January", "2022-01-07"))
    with pytest.raises(filters.FilterError, match="starts after"):
        filters.filter_corpus(corpus, dates=("2022-02-01", "2022-01-01"))


def test_facets_offer_values_most_articles_first():
    corpus = corpus_of(*ARTICLES)
    found = filters.facets(corpus)
    assert found.sources == ["Dnevnik", "Reuters | World", "Vlast"]
    assert (found.first_date.isoformat(), found.last_date.isoformat()) == ("2022-01-05", "2022-01-09")
    assert filters.column_facets(corpus, ["topic", "bias", "source"], max_values=2) == {
        "topic": ["energy", "security"]}  # bias has one value, source three
    assert "topic" in filters.columns(corpus) and "text" not in filters.columns(corpus)


# ---------------------------------------------------------------- copies


def test_copy_table_lists_every_group_with_its_earliest_article_as_the_original():
    text = load_seed_corpus().articles[2].text
    other = load_seed_corpus().articles[3].text
    corpus = corpus_of(
        {"text": text, "source": "Wire copy", "date": "2022-01-07", "url": "https://wire.example/a"},
        {"text": other, "source": "Own story", "date": "2022-01-06"},
        {"text": text + " Our correspondent adds nothing.", "source": "Agency", "date": "2022-01-05",
         "url": "javascript:alert(1)"},
        {"text": text, "source": "Undated reposter", "url": "http://re.example/x"},
    )
    a = analyze(corpus, Settings(unit="article"))
    assert len(a.duplicate_groups) == 1  # the three versions of one text, not the other story
    table = tables.copy_table(a)
    assert sorted(table["id"]) == sorted(a.duplicate_groups[0])
    assert table["source"].tolist() == ["Agency", "Wire copy", "Undated reposter"]  # earliest first, undated last
    assert table["role"].tolist() == ["original", "copy", "copy"]
    agency_id = table["id"][0]
    assert set(table["original"]) == {agency_id}  # each copy names the pair to compare
    assert table["url"].tolist() == ["", "https://wire.example/a", "http://re.example/x"]  # never a script link
    assert table["date"].tolist() == ["2022-01-05", "2022-01-07", ""]
    assert (table["group"] == a.documents.set_index("id").loc[table["id"], "dup_group"].to_numpy()).all()


def test_copy_table_of_a_corpus_without_copies_is_empty_with_its_columns():
    corpus = corpus_of(*({"text": a.text, "source": f"S{i}"} for i, a in enumerate(load_seed_corpus().articles[2:])))
    table = tables.copy_table(analyze(corpus, Settings(unit="article")))
    assert table.empty and list(table.columns) == tables.COPY_COLUMNS


@pytest.mark.parametrize("url,shown", [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"), ("HTTP://Example.org", "HTTP://Example.org"),
    ("javascript:alert(1)", ""), ("data:text/html,<script>x</script>", ""), ("//example.org/x", ""),
    ("http://", ""), ("https://exa mple.org", ""), ("ftp://example.org/f", ""), ("", ""), (None, ""),
    (float("nan"), ""), ("http://example.org/\nx", ""),
])
def test_link_url_keeps_only_web_addresses(url, shown):
    assert tables.link_url(url) == shown


# ---------------------------------------------------------------- key terms


def synthetic_terms(n_a: int = 4_000, n_b: int = 5_000) -> pd.DataFrame:
    """A key-terms table over made-up counts: many terms share counts, some lean hard each way, some never occur."""
    rng = np.random.default_rng(7)
    n = 600
    counts_a = rng.poisson(rng.gamma(0.6, 4.0, n))
    counts_b = rng.poisson(rng.gamma(0.6, 5.0, n))
    counts_a[:12] += rng.integers(30, 80, 12)  # A's own words
    counts_b[12:24] += rng.integers(30, 80, 12)  # B's
    counts_a[24:40] = 0  # words A never uses
    background = counts_a + counts_b + 1
    terms = [f"term{i}" for i in range(n)]
    terms[0] = "a-rather-long-distinctive-phrase"
    return keyterms.log_odds(counts_a, counts_b, background, terms, token_totals=(n_a, n_b))


def test_term_comparison_keeps_each_sides_top_and_the_most_used_terms_in_key_terms_order(seeds):
    full = queries.key_terms(seeds, "source:Dnevnik", "rest")
    kept = tables.term_comparison(seeds, "source:Dnevnik", "rest", per_side=5, frequent=10)
    assert kept.n_terms == len(full)
    for side in ("a", "b"):
        assert keyterms.top_terms(kept.shown, 5, side)["term"].tolist() == \
            keyterms.top_terms(full, 5, side)["term"].tolist()
    most_used = full.assign(n=full["count_a"] + full["count_b"]).nlargest(10, "n", keep="first")["term"]
    assert set(most_used) <= set(kept.shown["term"])
    assert len(kept.shown) <= 20
    order = full["term"].tolist()
    positions = [order.index(t) for t in kept.shown["term"]]
    assert positions == sorted(positions)  # the key-terms order, so top_terms reads it the same way
    assert kept.notice == queries.why_no_term_is_distinctive(seeds, "source:Dnevnik", "rest", full)
    assert kept.notice == queries.why_no_term_is_distinctive(seeds, "source:Dnevnik", "rest", kept.shown)
    assert kept.n_significant == (int(full.loc[full["z"] > 0, "significant"].sum()),
                                  int(full.loc[full["z"] < 0, "significant"].sum()))


def test_term_scatter_puts_terms_with_the_same_counts_on_one_point_without_jitter():
    terms = synthetic_terms()
    scatter = tables.term_scatter(terms, per_side=8)
    points, labels = scatter.points, scatter.labels
    assert points["n"].sum() + len(labels) == len(terms)  # every term is drawn once
    assert not points.duplicated(["x", "y"]).any()
    for row in points.itertuples(index=False):
        same = terms[(terms["count_a"] == row.count_a) & (terms["count_b"] == row.count_b)
                     & ~terms["term"].isin(set(labels["term"]))]
        assert sorted(row.terms) == sorted(same["term"]) and row.n == len(same)
        assert row.term == same.loc[same["z"].abs().idxmax(), "term"]  # a click chooses the most distinctive
        expected_x = row.count_b * 1000 / 5_000 if row.count_b else scatter.floor
        assert row.x == pytest.approx(expected_x)  # a rate per 1,000, exactly; zero sits on the floor


def test_term_scatter_floor_sits_below_every_rate_and_the_ticks_are_powers_of_ten():
    terms = synthetic_terms()
    scatter = tables.term_scatter(terms)
    positive = pd.concat([terms.loc[terms["rate_a"] > 0, "rate_a"], terms.loc[terms["rate_b"] > 0, "rate_b"]])
    assert scatter.floor < positive.min()
    assert scatter.span[0] < scatter.floor and scatter.span[1] > positive.max()
    assert scatter.ticks and all(np.log10(t) == round(np.log10(t)) for t in scatter.ticks)
    assert all(scatter.floor < t < scatter.span[1] for t in scatter.ticks)


def test_term_scatter_labels_never_overlap_and_the_rest_of_the_top_is_listed():
    terms = synthetic_terms()
    scatter = tables.term_scatter(terms, per_side=8, width_px=300, height_px=200)  # cramped: some cannot fit
    labels = scatter.labels
    boxes = list(zip(labels["left"], labels["right"], labels["bottom"], labels["top"]))
    for i, (l1, r1, b1, t1) in enumerate(boxes):
        for l2, r2, b2, t2 in boxes[i + 1:]:
            assert r1 <= l2 or r2 <= l1 or t1 <= b2 or t2 <= b1, (boxes[i], (l2, r2, b2, t2))
    assert scatter.unlabelled  # the cramped plot had to leave some out ...
    top = set()
    for side in ("a", "b"):
        best = keyterms.top_terms(terms, 8, side)
        top |= set(best.loc[best["significant"], "term"])
    assert set(labels["term"]) | set(scatter.unlabelled) == top  # ... and lists them: none is dropped
    assert not set(labels["term"]) & set(scatter.unlabelled)
    assert (labels.loc[labels["side"] == "a", "z"] > 0).all() and (labels.loc[labels["side"] == "b", "z"] < 0).all()
    roomy = tables.term_scatter(terms, per_side=8, width_px=4000, height_px=3000)
    assert len(roomy.labels) > len(labels)  # more room, more names


# ---------------------------------------------------------------- frames over time


def test_frame_timeline_shares_add_up_per_outlet_and_period_and_count_every_dated_unit(seeds):
    line = tables.frame_timeline(seeds, "source")
    assert line.period == "day"  # two days of news
    sums = line.shares.groupby(["group", "date"])["share"].sum()
    assert np.allclose(sums, 1.0)
    docs = seeds.documents.set_index("id")
    dated_units = seeds.units[seeds.units["doc_id"].map(docs["date"]).notna()]
    assert line.shares["units"].sum() == len(dated_units)
    assert line.undated == len(seeds.units) - len(dated_units)
    for (group, date), rows in line.shares.groupby(["group", "date"]):
        ids = docs.index[(docs["source"] == group) & (pd.to_datetime(docs["date"]) == date)]
        frames = seeds.units.loc[seeds.units["doc_id"].isin(ids), "frame"].value_counts()
        assert dict(zip(rows["frame"], rows["units"])) == frames.to_dict()


def test_frame_timeline_by_any_column_keeps_the_largest_groups_and_says_how_many_are_left_out(seeds):
    with_rating = dataclasses.replace(seeds, documents=seeds.documents.assign(
        bias=["left", "right", "center", "center", "right"]))  # the dated articles: one of each
    line = tables.frame_timeline(with_rating, "bias", max_groups=2, period="week")
    assert line.period == "week" and line.left_out == 1 and len(line.groups) == 2
    assert set(line.shares["group"]) == set(line.groups)
    everything = tables.frame_timeline(with_rating, "all", period="month")
    assert everything.groups == ["all articles"] and everything.left_out == 0
    with pytest.raises(queries.SpecError, match="no document column"):
        tables.frame_timeline(seeds, "nope")
    with pytest.raises(queries.SpecError, match="period"):
        tables.frame_timeline(seeds, "source", period="fortnight")


# ---------------------------------------------------------------- the map


def test_map_stacks_count_units_drawn_on_one_spot_and_name_the_one_drawn(seeds):
    units = seeds.units.copy()
    # five units on one spot no other unit occupies (copies do this)
    units.loc[3:7, ["x", "y"]] = [units["x"].max() + 1.0, units["y"].max() + 1.0]
    stacked = dataclasses.replace(seeds, units=units)
    stacks = tables.map_stacks(stacked)
    assert stacks.loc[3:7, "stacked"].tolist() == [5] * 5
    assert stacks.loc[3:7, "spot"].tolist() == [3] * 5  # the first of them is drawn
    assert stacks.loc[3:7, "clusters"].iloc[0] == units.loc[3:7, "cluster"].nunique()
    others = stacks.drop(index=range(3, 8))
    assert not others["spot"].isin(range(3, 8)).any()  # no other unit is counted in the five's spot
    # every other spot counts its own units and is drawn by its first
    sizes = others.groupby("spot").size()
    assert (others["stacked"] == others["spot"].map(sizes)).all()
    assert (others.groupby("spot").apply(lambda g: g.index.min()) == sizes.index).all()


def test_frame_timeline_auto_period_is_the_finest_whose_bars_rest_on_enough_units(seeds):
    assert tables.frame_timeline(seeds, "all").period == "day"  # 30-odd passages a day
    articles = analyze(load_seed_corpus(), Settings(unit="article"))
    line = tables.frame_timeline(articles, "all")  # one or two articles a day, a week, a month ...
    assert line.period == "year"
    assert tables.frame_timeline(articles, "all", period="day").period == "day"  # asked for, given
