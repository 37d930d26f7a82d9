"""Stories: find a story, see how each outlet tells it, and which stories each side covered."""

from __future__ import annotations

import zlib
from functools import partial

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboard import storyviews, tables
from dashboard.errors import FramelensError
from dashboard.ui import safe, shell, state, views

COMPARE_PAGE = "dashboard/ui/compare.py"
PICKER_MAX = 500  # stories offered in the picker (the search narrows them); the opened one is always offered
OUTLET_COLUMNS_MAX = 4  # up to this many outlets side by side in columns; more get a row each
TERMS_PER_OUTLET = 10
TERM_COLUMNS = 3
TABLE_HEIGHT = 360
STORY_COLUMNS = ["title", "first_date", "articles", "outlets", "ratings", "spread"]  # the label has the date span
STORY_CONFIG = {"title": st.column_config.TextColumn("story", width=380, help="The title of the article that "
                                                     "best speaks for the story"),
                "first_date": "date",
                "ratings": st.column_config.TextColumn("articles by rating"),
                "spread": st.column_config.ProgressColumn(
                    "rating spread", min_value=0.0, max_value=1.0, format="%.2f",
                    help="0: every article from one side; 1: equally many from every side")}
NO_STORY = ""
NO_FRAME_COLOUR = "#d1d5db"
MARKED_COLUMNS_MAX = 12  # a coverage matrix this narrow shades its gaps (styling 100 outlets' cells is slow)

st.title("Stories")
st.caption("Articles grouped by the event they report. Find a story, then see how each outlet tells it: "
           "titles, framing, words, shared and unshared statements, who is quoted.")
app = state.app()
a = app.analysis
views.analysis_notices(a)
story_info = {s.id: s for s in a.stories}
story_ids = {str(s.id) for s in a.stories}
ratings = storyviews.rating_columns(a)  # bias, ...: none in a corpus without ratings
shown_columns = [c for c in STORY_COLUMNS if ratings or c not in ("ratings", "spread")]
incoming_story = (shell.incoming("story") or [None])[-1]
opened = st.session_state.get("story") or (incoming_story if incoming_story in story_ids else NO_STORY)


def open_story(key: str, ids: list[str]) -> None:
    """on_select of a story table: the clicked row's story becomes the opened one (before the picker is drawn)."""
    rows = st.session_state[key]["selection"]["rows"]
    if rows and rows[0] < len(ids):
        st.session_state["story"] = ids[rows[0]]


def story_rows(table: pd.DataFrame, name: str, height: int = TABLE_HEIGHT) -> None:
    """Stories as a table; clicking a row opens that story. The opened story's row shows as selected."""
    ids = [str(s) for s in table["story"]]
    key = f"{name}_{zlib.crc32(repr((ids[:PICKER_MAX], opened)).encode())}"  # a new list or story: a fresh selection
    selected = [ids.index(opened)] if opened in ids else []
    st.dataframe(table[shown_columns], key=key, on_select=partial(open_story, key, ids), selection_mode="single-row",
                 hide_index=True, width="stretch", height=min(height, 38 + 35 * max(len(table), 1)),
                 selection_default={"selection": {"rows": selected}} if selected else None,
                 column_config=STORY_CONFIG)


# ---------------------------------------------------------------- find a story
st.subheader("Find a story")
c1, c2 = st.columns([3, 1])
search = shell.bound_text_input(
    "Search titles and texts", "story_search", where=c1, live="400ms",
    placeholder="a word or two of the story, e.g. a name or a place",
    help="Stories with an article whose title or text holds every word you type.")
sort = shell.bound_selectbox("Sort by", [k for k in storyviews.STORY_SORTS if ratings or k != "spread"], "story_sort",
                             where=c2,
                             format_func=lambda key: storyviews.STORY_SORT_LABELS.get(key, key),
                             help="Rating spread: how evenly a story's articles come from every value of the "
                                  "corpus's rating (such as bias left, center, right): 0 from one side only, 1 "
                                  "equally from every side.")
try:
    found = state.stories_table(app.key, app.settings, search, sort, a)
except FramelensError as exc:
    st.warning("This search cannot be used, so every story is listed:")
    st.text(str(exc))
    found = state.stories_table(app.key, app.settings, "", sort, a)
if found.empty:
    st.info("No story matches the search. Try another word, or fewer words.")
else:
    st.caption(f"{len(found):,} of {len(a.stories):,} stories" + (" match the search." if search else ".")
               + " Click a row to open its story.")
    story_rows(found, "story_table")

choices = [NO_STORY] + [str(s) for s in found["story"].head(PICKER_MAX)]
if opened in story_ids and opened not in choices:
    choices.append(opened)  # the opened story stays offered whatever the search
story = shell.url_select("Story", choices, "story", default=NO_STORY,
                         format_func=lambda s: "— choose a story or click a row —" if s == NO_STORY
                         else story_info[int(s)].label)


# ---------------------------------------------------------------- one story
def outlets_side_by_side(articles: pd.DataFrame, rating: str | None) -> None:
    """A column per outlet, or a row per outlet when there are many; every field escaped by safe.py."""
    outlets = [(source, group[rating].iloc[0] if rating else None, group.to_dict("records"))
               for source, group in articles.groupby("source", sort=False)]
    if len(outlets) <= OUTLET_COLUMNS_MAX:
        for where, (source, value, rows) in zip(st.columns(len(outlets)), outlets):
            with where:
                safe.render(safe.outlet_card(source, value, rows))
    else:
        safe.render(safe.outlet_rows(outlets))


def compare_pair(articles: pd.DataFrame) -> None:
    """Two of the story's articles, by default the first and last outlets listed (the two sides), on Side by side."""
    ids = list(articles["id"])
    label = dict(zip(articles["id"], articles["source"].astype(str) + " — " + articles["title"].astype(str)))
    first_source = articles["source"].iloc[0]
    other = next((d for d, s in zip(reversed(ids), reversed(list(articles["source"]))) if s != first_source), ids[-1])
    c1, c2 = st.columns(2)
    first = shell.url_select("First article", ids, "pair_a", default=ids[0], where=c1,
                             format_func=lambda d: safe.truncate(label[d], 110))
    second = shell.url_select("Second article", ids, "pair_b", default=other, where=c2,
                              format_func=lambda d: safe.truncate(label[d], 110))
    if first == second:
        st.warning("Choose two different articles to compare.")
        return
    st.page_link(COMPARE_PAGE, label="Compare these two sentence by sentence on Side by side",
                 icon=":material/view_column:", query_params={"a": first, "b": second})


def frame_profiles(story_id: int, sources: list[str]) -> None:
    shares = storyviews.story_frames(a, story_id)
    if shares.empty:
        st.info("No units of this story to profile.")
        return
    long = shares.melt(id_vars=["source", "units"], var_name="frame", value_name="share")
    long = long[long["share"] > 0]
    long["frame"] = long["frame"].map(lambda f: safe.plot_label(tables.frame_label(a, f), 40))
    long["outlet"] = long["source"].map(lambda s: safe.plot_label(s, 40))
    frame_order = [safe.plot_label(tables.frame_label(a, f), 40) for f in [*a.frame_names, "none"]]
    palette = px.colors.qualitative.Safe
    colours = {name: palette[i % len(palette)] for i, name in enumerate(frame_order[:-1])}
    colours[frame_order[-1]] = NO_FRAME_COLOUR
    fig = px.bar(long, x="share", y="outlet", color="frame", orientation="h", custom_data=["units"],
                 category_orders={"outlet": [safe.plot_label(s, 40) for s in sources], "frame": frame_order},
                 color_discrete_map=colours)
    fig.update_traces(hovertemplate="%{y}<br>%{fullData.name}: %{x:.0%} of %{customdata[0]} units<extra></extra>")
    fig.update_layout(height=max(220, 60 + 34 * len(shares)), margin=dict(l=10, r=10, t=10, b=10),
                      xaxis=dict(tickformat=".0%", title=None, range=[0, 1]), yaxis=dict(title=None),
                      legend=dict(title_text="dominant frame"))
    st.plotly_chart(fig, width="stretch", key="story_frames")
    st.caption(f"The share of each outlet's {a.unit}s on this story whose dominant frame is each frame "
               "(grey \"none\": no clear frame)."
               + (" With whole articles as the unit, an outlet with one article is all one frame; choose "
                  "passages in the sidebar for finer profiles." if a.unit == "article" else ""))


def outlet_terms(story_id: int, sources: list[str]) -> None:
    if len(sources) < 2:
        st.info("Only one outlet reports this story, so there is no other outlet to set its words against.")
        return
    for start in range(0, len(sources), TERM_COLUMNS):
        for where, source in zip(st.columns(TERM_COLUMNS), sources[start:start + TERM_COLUMNS]):
            with where.container(border=True):
                st.text(source)
                try:
                    terms = state.story_outlet_terms(app.key, app.settings, story_id, source, TERMS_PER_OUTLET, a)
                except FramelensError as exc:
                    st.text(str(exc))
                    continue
                if terms.empty:
                    st.caption("No word this outlet uses more than the others.")
                else:
                    safe.render(safe.chips(terms["term"]))
    st.caption("Each outlet's words against the other outlets on the same story (Fightin' Words, most "
               "distinctive first), so what the whole story says is left out.")


def statements(story_id: int) -> None:
    found_statements = state.story_statements(app.key, app.settings, story_id, a)
    shared = found_statements[found_statements["shared"]]
    own = found_statements[~found_statements["shared"]]
    st.markdown(f"**Reported by several outlets** ({len(shared):,})")
    if shared.empty:
        st.caption("No statement is carried by more than one outlet.")
    else:
        safe.render(safe.text_table(shared[["statement", "sources"]].itertuples(index=False),
                                    ["statement (as one outlet words it)", "outlets"], [72, 28]))
    st.markdown(f"**Carried by one outlet only** ({len(own):,})")
    if own.empty:
        st.caption("Every statement is carried by more than one outlet.")
    else:
        safe.render(safe.text_table(own[["sources", "statement"]].itertuples(index=False),
                                    ["outlet", "statement"], [22, 78]))
    if found_statements.attrs.get("left_out"):
        st.caption(f"{found_statements.attrs['left_out']:,} of the story's articles were not read for statements "
                   f"(at most {storyviews.STATEMENT_MAX_ARTICLES}, one outlet after another, are compared).")
    views.download(found_statements, f"story_{story_id}_statements.csv", "Download the statements (CSV)",
                   key="dl_story_statements")


def quotes(story_id: int) -> None:
    found_quotes = state.story_quotes(app.key, app.settings, story_id, a)
    if found_quotes.empty:
        st.caption("No quoted speaker was found in this story's articles.")
        return
    safe.render(safe.text_table(found_quotes[["speaker", "source", "quotes", "example"]].itertuples(index=False),
                                ["speaker", "quoted by", "quotes", "for example"], [18, 18, 8, 56]))
    views.download(found_quotes, f"story_{story_id}_quotes.csv", "Download who is quoted (CSV)",
                   key="dl_story_quotes")


def show_story(story_id: int) -> None:
    info = story_info[story_id]
    articles = storyviews.story_outlets(a, story_id)
    rating = ratings[0] if ratings else None
    facts = [f"{info.size:,} article{'s' if info.size != 1 else ''}",
             f"{len(info.outlets):,} outlet{'s' if len(info.outlets) != 1 else ''}"]
    if rating:
        counts = info.ratings.get(rating, {})
        in_order = [value for value in storyviews.rating_values(a, rating) if counts.get(value)]
        facts.append(f"{rating}: " + ", ".join(f"{value} {counts[value]}" for value in in_order))
    safe.render(safe.story_heading(info.label, facts))
    sources = list(dict.fromkeys(articles["source"]))

    st.subheader("The outlets side by side")
    outlets_side_by_side(articles, rating)
    if len(articles) >= 2:
        compare_pair(articles)
    views.download(articles, f"story_{story_id}_articles.csv", "Download the story's articles (CSV)",
                   key="dl_story_articles")

    st.subheader("How each outlet frames it")
    frame_profiles(story_id, sources)

    st.subheader("Each outlet's own words")
    outlet_terms(story_id, sources)

    st.subheader("What they share, and what only one outlet says")
    statements(story_id)

    st.subheader("Who is quoted by whom")
    quotes(story_id)


if story != NO_STORY:
    show_story(int(story))


# ---------------------------------------------------------------- coverage
def stories_text(n: int) -> str:
    return f"{n:,} {'story' if n == 1 else 'stories'}"


st.subheader("Who covered which story")
by_options = storyviews.coverage_options(a)
by = shell.bound_selectbox("Coverage by", by_options, "coverage", default=ratings[0] if ratings else None,
                           help="Articles per story for each outlet, or for each value of a rating column "
                                "such as bias.")
matrix = state.coverage_matrix(app.key, app.settings, by, a)
if search:
    matrix = matrix[matrix["story"].isin(found["story"])]
    st.caption(f"The {stories_text(len(matrix))} that match the search.")
values = [c for c in matrix.columns if c not in ("story", "label")]
if len(values) >= 2:
    c1, c2 = st.columns(2)
    covered = shell.bound_selectbox("Stories covered by", values, "covered", where=c1)
    # A rating's two ends (left and right); outlets: the two largest.
    missed = shell.bound_selectbox("… and not by", values, "missed", where=c2,
                                   default=values[-1] if by in ratings else values[1])
    if covered == missed:
        st.warning("Choose two different sides.")
    else:
        gaps = storyviews.one_sided(a, by, covered, missed, sort)
        reverse = storyviews.one_sided(a, by, missed, covered, sort)
        if search:
            gaps, reverse = (t[t["story"].isin(found["story"])] for t in (gaps, reverse))
        safe.render(safe.sentence([(stories_text(len(gaps)), True), (" covered by ", False), (covered, True),
                                   (" and not by ", False), (missed, True),
                                   (f"; {stories_text(len(reverse))} the other way round.", False)]))
        if not gaps.empty:
            story_rows(gaps, "gap_table")
st.markdown("**Articles per story**")
shown = matrix.drop(columns="story")
if len(values) <= MARKED_COLUMNS_MAX:  # a rating's few values: a story a side missed stands out
    shown = shown.style.map(lambda n: f"background-color:{safe.UNIQUE_BG};color:#9ca3af" if n == 0 else "",
                            subset=values)
st.dataframe(shown, hide_index=True, width="stretch", height=min(TABLE_HEIGHT, 38 + 35 * max(len(matrix), 1)),
             column_config={"label": st.column_config.TextColumn("story", width=520)})
if len(values) <= MARKED_COLUMNS_MAX:
    st.caption("Shaded: no article of that side on the story.")
views.download(matrix, f"coverage_by_{by}.csv", "Download the coverage matrix (CSV)", key="dl_coverage")
