"""Stories: articles about one event grouped together, without being told how many events there are."""

import datetime as dt
import random

import numpy as np
import pytest

from dashboard.stories import StoryParams, find_stories, find_story_column, rating_columns, stories_from_column
from dashboard.tokens import tokenize_many

# Three outlets, four events in the same three days, each outlet in its own words; one lone story.
# (outlet, event, date, title, text)
HAND_MADE = [
    ("Daily Ledger", "bridge", "2021-03-01", "Dozens hurt as Maraton's Kessel Bridge collapses during rush hour",
     "A section of the Kessel Bridge in Maraton gave way on Monday morning, sending four cars and a city bus "
     "into the Vell River. Rescue crews pulled 31 people from the water; officials said six were in critical "
     "condition. Mayor Ilse Brandt ordered every bridge of the same 1968 design closed for inspection."),
    ("Evening Courier", "bridge", "2021-03-02", "Kessel Bridge failure: engineers warned of corrosion years ago",
     "Inspectors flagged corrosion on the Kessel Bridge's steel girders in 2017, documents show, four years "
     "before the span over the Vell River collapsed in Maraton. Mayor Ilse Brandt said the city would publish "
     "every inspection report. Thirty-one people were rescued after the bus plunged into the river."),
    ("Metro Wire", "bridge", "2021-03-02", "Maraton mayor shuts older bridges after collapse",
     "Maraton closed eleven bridges on Tuesday after the Kessel span collapsed into the Vell River, as Mayor "
     "Ilse Brandt promised a full inquiry into the rush-hour disaster. Divers recovered the bus from the "
     "riverbed and the girders will be examined for corrosion."),
    ("Daily Ledger", "rates", "2021-03-02", "Central bank lifts interest rate to 2.75% to fight inflation",
     "The Norland Central Bank raised its benchmark interest rate by half a point to 2.75 percent on Tuesday, "
     "its steepest increase since 2008. Governor Pia Lindqvist said inflation, now 6.4 percent, had spread "
     "from energy to food and rents. Mortgage lenders are expected to pass on the rise within days."),
    ("Evening Courier", "rates", "2021-03-03", "Lindqvist defends surprise half-point rate rise",
     "Governor Pia Lindqvist defended the bank's decision to lift borrowing costs to 2.75 percent, saying "
     "waiting would let inflation of 6.4 percent become entrenched. Homeowners with variable mortgages face "
     "higher payments, and the Norland krona rose against the euro after the announcement."),
    ("Metro Wire", "rates", "2021-03-02", "Borrowers brace for higher mortgage bills after Norland rate hike",
     "Families with variable-rate mortgages will pay more after the Norland Central Bank raised interest "
     "rates to 2.75 percent. Governor Pia Lindqvist warned that inflation was eroding wages and said further "
     "increases were possible if prices kept climbing."),
    ("Daily Ledger", "cup", "2021-03-01", "Riverton stun Highcastle to lift the national cup",
     "Riverton won the national cup for the first time in 40 years, beating Highcastle 2-1 at Ostby Stadium "
     "on Monday night. Striker Tomas Okafor scored the winner in stoppage time after Highcastle's goalkeeper "
     "spilled a corner."),
    ("Evening Courier", "cup", "2021-03-02", "Okafor's late header seals cup glory for Riverton",
     "Tomas Okafor headed in a stoppage-time winner as Riverton beat Highcastle in the national cup final. "
     "Thousands of Riverton fans celebrated outside Ostby Stadium, where their club last won the trophy "
     "four decades ago."),
    ("Metro Wire", "cup", "2021-03-01", "Highcastle coach blames goalkeeper error for cup final defeat",
     "Highcastle's coach Marta Velez said a single mistake cost her side the national cup final, which "
     "Riverton won 2-1 at Ostby Stadium thanks to a late goal from Tomas Okafor."),
    ("Daily Ledger", "fire", "2021-03-02", "Wildfire forces 4,000 to flee homes in Serra Valley",
     "A wildfire driven by strong winds has burned 12,000 hectares in the Serra Valley, forcing about 4,000 "
     "residents to evacuate. Firefighters from three provinces and two water-bombing aircraft were battling "
     "the blaze near the town of Alvor."),
    ("Evening Courier", "fire", "2021-03-03", "Serra Valley evacuees wait in shelters as blaze spreads",
     "Residents evacuated from Alvor and nearby villages spent the night in school gyms as the Serra Valley "
     "wildfire grew to 12,000 hectares. Fire chief Rui Matos said the winds would ease on Thursday, giving "
     "crews a chance to contain the fire."),
    ("Metro Wire", "fire", "2021-03-03", "Fire chief Matos: Serra Valley fire could burn for days",
     "The wildfire in the Serra Valley could burn for several more days, fire chief Rui Matos warned, after "
     "flames reached the edge of Alvor. Some 4,000 people have left their homes and water-bombing aircraft "
     "are dropping retardant along the ridge."),
    ("Metro Wire", "painting", "2021-03-02", "Halvard Museum recovers portrait stolen in 1994",
     "A 17th-century portrait taken from the Halvard Museum decades ago has been found after a collector "
     "recognised it in an auction catalogue. Curators expect to hang it again next spring."),
]


def columns(rows):
    return [r[3] for r in rows], [r[4] for r in rows], [r[2] for r in rows]


def partition(labels):
    """The grouping itself, independent of the numbers given to groups."""
    groups = {}
    for pos, label in enumerate(labels):
        groups.setdefault(label, []).append(pos)
    return sorted(groups.values())


def test_four_events_told_by_three_outlets_come_out_as_four_stories_and_a_lone_one():
    result = find_stories(*columns(HAND_MADE))
    assert partition(result.labels) == partition([r[1] for r in HAND_MADE])
    assert result.origin == "auto"
    sizes = [s.size for s in result.stories]
    assert sizes == [3, 3, 3, 3, 1]
    assert [s.id for s in result.stories] == [1, 2, 3, 4, 5]
    # ties in size: the story seen first gets the lower id
    assert result.stories[0].members == [0, 1, 2]
    assert result.labels[0] == 1 and result.labels[3] == 2


def test_story_labels_name_a_member_title_and_the_date_span():
    result = find_stories(*columns(HAND_MADE))
    for story in result.stories:
        rep = story.representative
        assert rep in story.members
        assert story.title == HAND_MADE[rep][3]
        member_dates = sorted(HAND_MADE[m][2] for m in story.members)
        assert (story.first_date, story.last_date) == (member_dates[0], member_dates[-1])
    fire = result.stories[int(result.labels[9]) - 1]
    assert fire.label == f"{fire.title} · 2021-03-02 to 2021-03-03"
    lone = result.stories[int(result.labels[12]) - 1]
    assert lone.size == 1 and lone.members == [12]
    assert lone.label == "Halvard Museum recovers portrait stolen in 1994 · 2021-03-02"


def test_input_order_does_not_change_the_stories():
    order = list(range(len(HAND_MADE)))
    random.Random(4).shuffle(order)
    shuffled = [HAND_MADE[i] for i in order]
    result = find_stories(*columns(shuffled))
    back = np.empty(len(order), dtype=np.int64)
    back[order] = result.labels
    assert partition(back) == partition([r[1] for r in HAND_MADE])


def test_results_are_deterministic():
    a = find_stories(*columns(HAND_MADE))
    b = find_stories(*columns(HAND_MADE))
    assert np.array_equal(a.labels, b.labels)
    assert a.stories == b.stories


BUDGET = [
    ("Parliament passes the Norland budget after all-night session",
     "Norland's parliament approved the budget by 88 votes to 71 after an all-night session. Finance minister "
     "Jonas Berg said the plan funds hospitals, raises the pension by 3 percent and trims fuel subsidies."),
    ("Norland budget approved: pensions up, fuel subsidies trimmed",
     "After an all-night session, the parliament of Norland passed the budget 88 to 71. Finance minister "
     "Jonas Berg said pensions rise by 3 percent, hospitals get more money and fuel subsidies are trimmed."),
    ("Harbor ferry strike ends",
     "Ferry crews in the harbor returned to work after the union accepted a new rota."),
]


def budget_stories(dates):
    return find_stories([t for t, _ in BUDGET], [x for _, x in BUDGET], dates)


@pytest.mark.parametrize("year", [2020, 1950])
def test_the_same_event_words_a_year_apart_are_two_stories(year):
    close = budget_stories([f"{year}-05-01", f"{year}-05-02", f"{year}-05-01"])
    assert close.labels[0] == close.labels[1]
    apart = budget_stories([f"{year}-05-01", f"{year + 1}-05-02", f"{year}-05-01"])
    assert apart.labels[0] != apart.labels[1]
    assert apart.stories[int(apart.labels[1]) - 1].first_date == f"{year + 1}-05-02"


def test_an_undated_article_does_not_bridge_the_same_words_a_year_apart():
    # The undated report matches both dated ones on its text; the two dated
    # reports a year apart must still be two stories, and it joins one of them.
    titles = [BUDGET[0][0], BUDGET[1][0], BUDGET[0][0], BUDGET[2][0]]
    texts = [BUDGET[0][1], BUDGET[1][1], BUDGET[0][1] + " " + BUDGET[1][1], BUDGET[2][1]]
    dates = ["2020-05-01", "2021-05-02", None, "2020-05-01"]
    result = find_stories(titles, texts, dates)
    assert result.labels[0] != result.labels[1]
    assert result.labels[2] in (result.labels[0], result.labels[1])
    unbounded = find_stories(titles, texts, dates, params=StoryParams(max_span_days=10**6))
    assert unbounded.labels[0] == unbounded.labels[1] == unbounded.labels[2]


def test_an_article_without_a_date_is_grouped_by_its_text_and_reported():
    result = budget_stories(["2020-05-01", None, "2020-05-01"])
    assert result.labels[0] == result.labels[1] != result.labels[2]
    assert any("1 article(s) have no date" in n for n in result.notices)
    story = result.stories[int(result.labels[0]) - 1]
    assert (story.first_date, story.last_date) == ("2020-05-01", "2020-05-01")


def test_an_unreadable_date_is_reported_and_treated_as_missing():
    result = budget_stories(["2020-05-01", "next Tuesday", "2020-05-01"])
    assert result.labels[0] == result.labels[1]
    assert any("could not be read" in n for n in result.notices)


def test_the_callers_tokens_and_aliases_are_used():
    # Two reports share only the president's name, spelled two ways; the
    # pipeline's alias table folds the spellings, and stories must see that.
    titles = ["Tokayev orders troops", "Tokaev speaks tonight", "Ferry strike ends"]
    texts = ["Tokayev orders troops into Almaty.", "Tokaev speaks to the nation tonight.", "Ferry crews return."]
    dates = ["2022-01-05"] * 3
    aliases = {"tokaev": "tokayev"}
    unfolded = find_stories(titles, texts, dates)
    assert unfolded.labels[0] != unfolded.labels[1]
    folded = find_stories(titles, texts, dates, text_tokens=tokenize_many(texts, aliases), aliases=aliases)
    assert folded.labels[0] == folded.labels[1] != folded.labels[2]
    with pytest.raises(ValueError, match="pair up"):
        find_stories(titles, texts, dates, text_tokens=tokenize_many(texts[:2]))


def test_an_untitled_story_is_named_by_its_key_terms():
    titles = ["unknown", "", None]
    texts = [x for _, x in BUDGET]
    result = find_stories(titles, texts, ["2020-05-01", "2020-05-01", "2020-05-01"])
    story = result.stories[int(result.labels[0]) - 1]
    assert story.title and story.title != "unknown"
    assert "norland" in story.title or "berg" in story.title


def test_mismatched_inputs_are_a_clear_error():
    with pytest.raises(ValueError, match="pair up"):
        find_stories(["a", "b"], ["x"], [None])


def test_impossible_parameters_are_a_clear_error():
    with pytest.raises(ValueError, match="threshold must be in"):
        StoryParams(threshold=0)
    with pytest.raises(ValueError, match="top_terms must be at least 1"):
        StoryParams(top_terms=0)


def test_no_articles_no_stories():
    result = find_stories([], [], [])
    assert len(result.labels) == 0 and result.stories == []


def test_the_sample_corpus_is_one_story():
    from dashboard.cleaning import clean_article
    from dashboard.loading import load_seed_corpus

    articles = load_seed_corpus().articles
    texts = [clean_article(a, passages=False).text for a in articles]
    result = find_stories([a.title for a in articles], texts, [a.date for a in articles])
    assert len(result.stories) == 1
    assert result.stories[0].first_date == "2022-01-06" and result.stories[0].last_date == "2022-01-07"


# --------------------------------------------------------------- scaling


@pytest.mark.parametrize("block", [4_000, 25])
def test_every_pair_within_the_window_sharing_a_term_is_compared_and_no_other(block, monkeypatch):
    # Against all pairs computed directly: the (term, week) index must neither miss
    # a pair nor let one through from outside the window, also across blocks of weeks.
    from dashboard import stories

    monkeypatch.setattr(stories, "DATED_BLOCK", block)

    rng = random.Random(1)
    vocab = [f"w{i}" for i in range(400)]
    n = 300
    texts = [" ".join(rng.choices(vocab, k=30)) for _ in range(n)]
    dates = [None if rng.random() < 0.2 else f"2020-01-{rng.randint(1, 28):02d}" for _ in range(n)]
    params = StoryParams(edge_floor=0.0, top_terms=10, window_days=3, max_span_days=3)
    days = stories._day_numbers(dates, [])
    blocks, vocabulary = stories._weighted_counts(
        tokenize_many(texts), tokenize_many([""] * n), stories._table_from_lists([[] for _ in texts]), params
    )
    X = stories._weights(blocks, len(vocabulary), params.top_terms)
    i, j, s, _ = stories._similar_pairs(X, days, params)
    found = dict(zip(zip(i.tolist(), j.tolist()), s.tolist()))
    dense = (X @ X.T).toarray()
    expected = {}
    for a in range(n):
        for b in range(a + 1, n):
            if dense[a, b] <= 0:
                continue
            if days[a] >= 0 and days[b] >= 0:
                gap = abs(days[a] - days[b])
                if gap <= params.window_days:
                    expected[(a, b)] = dense[a, b] * np.exp(-max(gap - 1, 0) / params.decay_days)
            else:
                expected[(a, b)] = dense[a, b]
    assert set(found) == set(expected)
    assert max(abs(found[k] - expected[k]) for k in expected) < 1e-9
    assert any(days[a] < 0 for a, _ in expected) and any(days[a] >= 0 and days[b] >= 0 for a, b in expected)



def generated(n_events, per_day, dated=True, seed=0):
    """Events of three articles over two days, eight words of their own plus filler shared by the whole corpus."""
    rng = random.Random(seed)
    filler = [f"common{i}" for i in range(300)]
    start = dt.date(2020, 1, 1)
    titles, texts, dates, events = [], [], [], []
    for e in range(n_events):
        own = [f"ev{e}x{k}" for k in range(8)]
        for a in range(3):
            body = own * 2 + rng.sample(filler, 40)
            rng.shuffle(body)
            titles.append(" ".join(own[:3] + rng.sample(filler, 2)))
            texts.append(" ".join(body))
            day = start + dt.timedelta(days=e // per_day + a % 2)
            dates.append(day.isoformat() if dated else None)
            events.append(e)
    return titles, texts, dates, events


def test_generated_events_are_recovered():
    titles, texts, dates, events = generated(100, per_day=4)
    result = find_stories(titles, texts, dates)
    assert partition(result.labels) == partition(events)


@pytest.mark.parametrize("dated", [True, False])
def test_pairs_compared_grow_linearly_not_quadratically(dated):
    # Same density of events per day, four times the articles: the number of
    # pairs ever compared may grow about four times, never sixteen.
    small = find_stories(*generated(200, per_day=4, dated=dated)[:3])
    large = find_stories(*generated(800, per_day=4, dated=dated)[:3])
    n_small, n_large = 600, 2400
    assert small.candidate_pairs > 0
    per_article_small = small.candidate_pairs / n_small
    per_article_large = large.candidate_pairs / n_large
    assert per_article_large <= 1.5 * per_article_small
    assert large.candidate_pairs < 0.25 * n_large * (n_large - 1) / 2


def test_a_term_too_common_in_its_window_stops_pairing_articles():
    # 300 articles on one day that share only one word: with the cap at 200 postings
    # that word is not indexed and no pair is compared at all.
    n = 300
    texts = [f"sharedword uniq{i}a uniq{i}b" for i in range(n)]
    result = find_stories([""] * n, texts, ["2020-01-01"] * n, params=StoryParams(max_postings=200))
    assert result.candidate_pairs == 0
    assert len(result.stories) == n


# --------------------------------------------------------------- story column


def test_stories_follow_a_story_column_and_lone_articles_are_reported():
    values = ["ev-b", "ev-a", None, "ev-b", float("nan"), " ev-a ", "ev-b"]
    titles = ["B one", "A one", "Lone", "B two", None, "A two", "B three"]
    dates = ["2020-01-02", "2020-01-05", None, "2020-01-01", None, "2020-01-06", "2020-01-02"]
    result = stories_from_column(values, titles, dates)
    assert result.origin == "column"
    assert list(result.labels) == [1, 2, 3, 1, 4, 2, 1]
    assert any("2 article(s) have no story value" in n for n in result.notices)
    first = result.stories[0]
    assert first.members == [0, 3, 6] and first.size == 3
    assert (first.first_date, first.last_date) == ("2020-01-01", "2020-01-02")
    assert first.label == "B one · 2020-01-01 to 2020-01-02"
    assert result.stories[2].label == "Lone · undated"


def test_the_story_column_is_found_by_its_usual_names():
    assert find_story_column([{"topic": "x", "event_id": "e1"}, {"event_id": None}]) == "event_id"
    assert find_story_column([{"story": "s1"}, {"event": ""}]) == "story"
    assert find_story_column([{"topic": "x"}, {"event": None}]) is None


# --------------------------------------------------------------- real corpus


def test_allsides_event_groups_are_recovered_without_a_count(shared_corpus):
    path = shared_corpus("allsides_events.jsonl.gz")
    from sklearn.metrics import normalized_mutual_info_score

    from dashboard.cleaning import clean_article
    from dashboard.loading import load_corpus

    articles = load_corpus([path]).articles
    texts = [clean_article(a, passages=False).text for a in articles]
    result = find_stories([a.title for a in articles], texts, [a.date for a in articles])
    events = [a.extra["event_id"] for a in articles]
    # The reference groups are inferred (TF-IDF, dates within a day), so not gold;
    # the stories measured 0.977 against them when written.
    assert normalized_mutual_info_score(events, result.labels) >= 0.93
    assert 0.5 * len(set(events)) <= len(result.stories) <= 2 * len(set(events))


# --------------------------------------------------------------- ratings


def test_rating_columns_are_short_scales_named_as_ratings_and_recodes_count_once():
    extras = [
        {"bias": "left", "bias_num": 0, "lean": "L", "topic": "economy", "rating": "a"},
        {"bias": "right", "bias_num": 2, "lean": "R", "topic": "health", "rating": "a"},
        {"bias": "center", "bias_num": 1, "lean": "L", "topic": "labor"},
    ]
    # topic is no rating; rating holds one value; bias_num recodes bias; lean splits the articles otherwise
    assert rating_columns(extras) == ["bias", "lean"]
    many = [{"bias_score": str(i)} for i in range(40)]  # a free number per article, not a scale
    assert rating_columns(many) == []
