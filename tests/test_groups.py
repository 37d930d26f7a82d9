"""Group specs: one type for the CLI, the Key terms page, its URL and the help texts.

A researcher names two groups of articles or passages in one short string
(`bias:left`, `source:Reuters | World`, `frame:Sovereignty`, `date:2022-01`)
and gets the same groups on the command line and in the dashboard.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import run as cli_run
from dashboard.errors import FramelensError, SpecError
from dashboard.groups import KINDS, GroupSpec, syntax_help
from dashboard.loading import load_corpus
from dashboard.models import Settings
from dashboard.pipeline import analyze
from dashboard.queries import group_masks, key_terms, select_units

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")

# A small corpus whose left-rated outlets write about wages and unions and whose
# right-rated outlets write about taxes and borders; every row carries the
# columns AllSides has (bias, topic) plus one it does not (country) and an
# id-like column (ref) that no picker should offer value by value.
ROWS = [
    dict(source="Left Daily", bias="left", topic="labor", country="US", date="2022-01-03",
         text="Union workers rallied for higher wages outside the factory. The union said wages had "
              "fallen behind rent for years, and workers cheered as organizers promised a strike vote "
              "if the company refused to raise wages."),
    dict(source="Left Daily", bias="left", topic="health", country="US", date="2022-01-10",
         text="Nurses joined the union drive at the county hospital, citing unsafe staffing and stagnant "
              "wages. Workers described double shifts, and union leaders demanded that the hospital "
              "board hire more nurses before winter."),
    dict(source="Left Weekly", bias="left", topic="labor", country="UK", date="2022-01-17",
         text="Warehouse workers voted to form a union after months of organizing. They want wages that "
              "keep pace with prices, predictable schedules and breaks, and the union vowed to bargain "
              "hard for every worker in the warehouse."),
    dict(source="Right Herald", bias="right", topic="economy", country="US", date="2022-02-01",
         text="Taxpayers face another tax increase as the council expands spending. Business owners warned "
              "that higher taxes would push jobs across the border, and the council's critics called for "
              "tax cuts and a smaller budget."),
    dict(source="Right Herald", bias="right", topic="immigration", country="US", date="2022-02-08",
         text="Border agents reported record crossings at the southern border this month. Sheriffs asked "
              "for more agents and a stronger wall, and ranchers near the border described trespassing "
              "on their land every night."),
    dict(source="Right Post", bias="right", topic="economy", country="UK", date="2022-02-15",
         text="A new tax on small business drew fire from owners who said taxes already eat their margins. "
              "The chamber of commerce urged lawmakers to repeal the tax and secure the border against "
              "smuggling that undercuts local shops."),
    dict(source="Reuters | World", bias="center", topic="economy", country="DE", date="2022-01-25",
         text="Central bank officials kept interest rates unchanged on Tuesday, saying inflation had eased "
              "slightly. Markets rose after the announcement, and economists expect a gradual path for "
              "rates through the rest of the year."),
    dict(source="Reuters", bias="center", topic="health", country="DE", date="2022-01-26",
         text="Regulators approved a booster vaccine for adults over fifty after trials showed strong "
              "protection. Pharmacies will begin offering shots next week, and health ministers urged "
              "older residents to book appointments early."),
]
for i, row in enumerate(ROWS):
    row["title"] = f"Story {i + 1}"
    row["ref"] = f"ref-{i:03d}"


def write_corpus(folder: Path, rows=ROWS) -> Path:
    path = folder / "rated.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def rated(tmp_path_factory):
    corpus = load_corpus([write_corpus(tmp_path_factory.mktemp("rated"))])
    return analyze(corpus, Settings(unit="article"))


def ids_where(analysis, **wanted) -> set[str]:
    """Article ids of the input rows with these field values (from ROWS, not from the code under test)."""
    texts = {r["text"] for r in ROWS if all(r[k] == v for k, v in wanted.items())}
    docs = analysis.documents
    by_text = {a.id: a.text for a in analysis.corpus.articles}
    return {d for d in docs["id"] if by_text[d] in texts}


def selected_docs(analysis, mask: np.ndarray) -> set[str]:
    return set(analysis.units.loc[mask, "doc_id"])


# ---------------------------------------------------------------- syntax


@pytest.mark.parametrize("text", [
    "cluster:2", "frame:Sovereignty", "frame:none", "doc:abc,def", "rest", "all", "source:Reuters | World",
    "bias:left", "topic:us_senate", "outlet type:cable news", "date:2022-01-01..2022-01-31", "date:2022-01-06",
    "date:2022-01", "source:a:b", "story:3",
])
def test_a_spec_round_trips_through_its_string(text):
    spec = GroupSpec.parse(text)
    assert spec.to_string() == text
    assert GroupSpec.parse(spec.to_string()) == spec


def test_a_source_name_may_hold_any_character():
    spec = GroupSpec.parse("source:Reuters | World")
    assert spec.value == "Reuters | World"
    assert GroupSpec.parse("  source: a, b | c  ").value == "a, b | c"


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("cluster:", "needs a value"),
    ("cluster:two", "whole number"),
    ("rest:x", "takes no value"),
    ("doc: , ,", "article id"),
    ("date:2022-13-01", "date"),
    ("date:2022-02-01..2022-01-01", "before it starts"),
    (":left", "kind"),
    ("colour", "group kind"),
])
def test_malformed_specs_are_refused_with_a_reason(text, message):
    with pytest.raises(SpecError, match=message):
        GroupSpec.parse(text)


def test_help_lists_every_kind_of_the_table():
    text = syntax_help()
    for kind in KINDS.values():
        assert kind.syntax in text


def test_the_readme_lists_the_spec_kinds_from_the_spec_type():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert syntax_help() in readme


# ---------------------------------------------------------------- masks over a corpus with columns


def test_any_document_column_is_a_group(rated):
    for field, value in [("bias", "left"), ("bias", "right"), ("topic", "economy"), ("country", "UK"),
                         ("source", "Left Daily")]:
        mask = GroupSpec.parse(f"{field}:{value}").unit_mask(rated)
        assert selected_docs(rated, mask) == ids_where(rated, **{field: value}), field


def test_a_source_with_a_pipe_is_one_source(rated):
    world = GroupSpec.parse("source:Reuters | World").unit_mask(rated)
    plain = GroupSpec.parse("source:Reuters").unit_mask(rated)
    assert selected_docs(rated, world) == ids_where(rated, source="Reuters | World")
    assert selected_docs(rated, plain) == ids_where(rated, source="Reuters")


def test_values_and_columns_match_whatever_their_case_and_report_the_real_name(rated):
    spec = GroupSpec.parse("Bias:LEFT")
    assert selected_docs(rated, spec.unit_mask(rated)) == ids_where(rated, bias="left")
    assert spec.canonical(rated).to_string() == "bias:left"
    assert spec.describe(rated) == "bias: left"


def test_date_ranges_are_inclusive(rated):
    january = ids_where(rated, date="2022-01-03") | ids_where(rated, date="2022-01-10") | \
        ids_where(rated, date="2022-01-17") | ids_where(rated, date="2022-01-25") | ids_where(rated, date="2022-01-26")
    for text in ("date:2022-01-03..2022-01-26", "date:2022-01"):
        assert selected_docs(rated, GroupSpec.parse(text).unit_mask(rated)) == january
    day = GroupSpec.parse("date:2022-02-08").unit_mask(rated)
    assert selected_docs(rated, day) == ids_where(rated, date="2022-02-08")


@pytest.mark.parametrize("text, named", [
    ("colour:red", ["bias", "topic", "country"]),  # the columns this corpus has
    ("bias:purple", ["center", "left", "right"]),  # the values that column has
    ("source:Nobody", ["Left Daily"]),
    ("date:2030-01", ["2022-01-03", "2022-02-15"]),  # the span the corpus covers
    ("cluster:99", ["cluster"]),
    ("frame:nothing", ["FRAME NAMES"]),  # whichever lexicon the analysis chose
    ("doc:nope", ["nope"]),
    ("story:999", ["stories are numbered 1 to"]),
])
def test_a_spec_naming_nothing_says_what_exists(rated, text, named):
    with pytest.raises(SpecError) as raised:
        GroupSpec.parse(text).unit_mask(rated)
    if named == ["FRAME NAMES"]:
        named = list(rated.frame_names)
    for word in named:
        assert word in str(raised.value)


def test_a_story_is_a_group_of_its_articles_and_reads_as_its_label(rated):
    docs = rated.documents
    for story in rated.stories:
        spec = GroupSpec.parse(f"story:{story.id}")
        members = set(docs.loc[docs["story"] == story.id, "id"])
        assert len(members) == story.size
        assert selected_docs(rated, spec.unit_mask(rated)) == members
        assert spec.describe(rated) == f"story {story.id} · {story.label}"
    offered = GroupSpec.options(rated)
    assert {f"story:{s.id}" for s in rated.stories if s.size >= 2} == {s for s in offered if s.startswith("story:")}
    with pytest.raises(SpecError, match="whole number"):
        GroupSpec.parse("story:first")


def test_rest_is_everything_not_in_the_other_group_and_only_group_b(rated):
    left = GroupSpec.parse("bias:left").unit_mask(rated)
    rest = GroupSpec.parse("rest").unit_mask(rated, other=left)
    assert not (left & rest).any() and (left | rest).all()
    with pytest.raises(SpecError, match="group B"):
        GroupSpec.parse("rest").unit_mask(rated)


def test_describe_reads_like_a_label(rated):
    frame = rated.frame_names[0]
    assert GroupSpec.parse("source:Reuters | World").describe(rated) == "Reuters | World"
    assert GroupSpec.parse("bias:left").describe(rated) == "bias: left"
    assert GroupSpec.parse(f"frame:{frame}").describe(rated) == f"frame: {rated.frame_labels[frame]}"
    first = rated.clusters[0]
    assert GroupSpec.parse("cluster:1").describe(rated) == f"cluster 1 · {first.label}"
    two = list(rated.documents["id"][:2])
    assert GroupSpec.parse(f"doc:{two[0]},{two[1]}").describe(rated) == "2 articles"


def test_options_offer_every_readable_column_by_value(rated):
    offered = GroupSpec.options(rated)
    for field in ("bias", "topic", "country", "source"):
        for value in {r[field] for r in ROWS}:
            spec = f"{field}:{value}"
            assert spec in offered, spec
            assert value in offered[spec]
    assert offered["bias:left"] == "bias: left"
    assert not any(s.startswith(("ref:", "title:", "url:")) for s in offered)  # one value per article
    assert {f"cluster:{c.id}" for c in rated.clusters} <= set(offered)
    assert {f"frame:{f}" for f in set(rated.units["frame"])} <= set(offered)  # every frame some unit carries
    assert "rest" in offered and "all" in offered
    assert "rest" not in GroupSpec.options(rated, side="a")


def test_every_option_names_units(rated):
    for spec in GroupSpec.options(rated, side="a"):
        assert GroupSpec.parse(spec).unit_mask(rated).any(), spec


def test_group_masks_leave_copies_out_unless_named(tmp_path):
    rows = ROWS + [dict(ROWS[0], source="Copy Wire", title="Copied", ref="ref-copy")]
    analysis = analyze(load_corpus([write_corpus(tmp_path, rows)]), Settings(unit="article"))
    copy_id = analysis.documents.loc[analysis.documents["duplicate_of"].notna(), "id"].tolist()
    assert len(copy_id) == 1
    a, _b = group_masks(analysis, "bias:left", "rest")
    assert copy_id[0] not in selected_docs(analysis, a)
    a, _b = group_masks(analysis, f"doc:{copy_id[0]}", "rest")
    assert selected_docs(analysis, a) == set(copy_id)


# ---------------------------------------------------------------- a user lexicon's capitalised frame (bug)

LEXICON = """
[frames.Sovereignty]
label = "Sovereignty claims"
description = "The state's sovereignty."
terms = ["sovereignty", "sovereign", "territorial integrity"]

[frames.Protest]
label = "Protest"
description = "People protesting."
terms = ["protest*", "rally", "rallied", "demonstrat*"]
"""

SOVEREIGN = [
    "The minister said sovereignty was not negotiable and the sovereign borders would be defended. "
    "Territorial integrity, he said, was the basis of sovereignty.",
    "Officials repeated that national sovereignty came first; the sovereign government would defend its "
    "territorial integrity against any challenge to its sovereignty.",
    "Protesters rallied in the square; the protest grew as demonstrators marched and protest songs rang out. "
    "Organizers said the rally would continue.",
    "Thousands of demonstrators joined the protest; the rally ended peacefully and protest leaders thanked "
    "the demonstrators for staying calm.",
]


def test_a_capitalised_frame_name_is_a_group(tmp_path):
    analysis = analyze(load_corpus([write_corpus(tmp_path, [dict(text=t, source=f"Outlet {i}")
                                                            for i, t in enumerate(SOVEREIGN)])]),
                       Settings(unit="article", frames_toml=LEXICON))
    assert "Sovereignty" in analysis.frame_names
    expected = set(analysis.documents.loc[analysis.documents["frame"] == "Sovereignty", "id"])
    assert len(expected) == 2
    for text in ("frame:Sovereignty", "frame:sovereignty"):
        assert selected_docs(analysis, select_units(analysis, text)) == expected
    spec = GroupSpec.parse("frame:sovereignty")
    assert spec.canonical(analysis).to_string() == "frame:Sovereignty"
    assert spec.describe(analysis) == "frame: Sovereignty claims"
    assert "frame:Sovereignty" in GroupSpec.options(analysis)
    df = key_terms(analysis, "frame:Sovereignty", "frame:Protest")
    assert df.iloc[0]["term"].startswith("sovereign")


def test_a_capitalised_frame_name_is_a_group_on_the_command_line(tmp_path, capsys):
    corpus = write_corpus(tmp_path, [dict(text=t, source=f"Outlet {i}") for i, t in enumerate(SOVEREIGN)])
    lexicon = tmp_path / "lexicon.toml"
    lexicon.write_text(LEXICON, encoding="utf-8")
    code = cli_run(["terms", str(corpus), "--unit", "article", "--frames", str(lexicon),
                    "--a", "frame:Sovereignty", "--b", "rest"])
    out, err = capsys.readouterr()
    assert code == 0, err
    rows = json.loads(out)
    assert max(rows, key=lambda r: r["z"])["term"].startswith("sovereign")


# ---------------------------------------------------------------- the command line


def cli(capsys, *args):
    code = cli_run([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_left_against_right_on_the_command_line(tmp_path, capsys):
    corpus = write_corpus(tmp_path)
    code, out, err = cli(capsys, "terms", corpus, "--unit", "article", "--a", "bias:left", "--b", "bias:right")
    assert code == 0, err
    rows = json.loads(out)
    left_text = " ".join(r["text"].lower() for r in ROWS if r["bias"] == "left")
    right_text = " ".join(r["text"].lower() for r in ROWS if r["bias"] == "right")
    top_a = max(rows, key=lambda r: r["z"])
    top_b = min(rows, key=lambda r: r["z"])
    assert top_a["z"] > 0 and top_a["term"] in left_text and top_a["term"] not in right_text
    assert top_b["z"] < 0 and top_b["term"] in right_text and top_b["term"] not in left_text
    # The center outlets are in neither group: their words are not counted.
    assert not any(r["term"] == "vaccine" for r in rows)


@pytest.mark.parametrize("spec, named", [
    ("bias:purple", "left"),
    ("colour:red", "bias"),
    ("rest", "group B"),
])
def test_a_bad_group_on_the_command_line_is_one_line_naming_what_exists(tmp_path, spec, named):
    corpus = write_corpus(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "dashboard", "terms", str(corpus), "--unit", "article",
                           "--a", spec], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode != 0 and proc.stdout == ""
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert named in lines[0]


def test_terms_help_lists_the_spec_kinds():
    proc = subprocess.run([sys.executable, "-m", "dashboard", "terms", "--help"], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0
    flat = " ".join(proc.stdout.split())
    for kind in KINDS.values():
        assert kind.syntax in flat


def test_left_against_right_on_allsides(shared_corpus):
    path = shared_corpus("allsides_events.jsonl.gz")
    proc = subprocess.run([sys.executable, "-m", "dashboard", "terms", str(path), "--unit", "article",
                           "--a", "bias:left", "--b", "bias:right", "--limit", "30"],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    side_a = [r for r in rows if r["z"] > 0]
    side_b = [r for r in rows if r["z"] < 0]
    assert len(side_a) == 30 and len(side_b) == 30
    assert sum(r["significant"] for r in side_a) >= 20 and sum(r["significant"] for r in side_b) >= 20
    # A term favouring the left is used at a higher rate by left-rated outlets, and vice versa.
    assert all(r["rate_a"] > r["rate_b"] for r in side_a)
    assert all(r["rate_b"] > r["rate_a"] for r in side_b)


# ---------------------------------------------------------------- the Key terms page


def run_terms(monkeypatch, corpus: Path | None, params: dict) -> AppTest:
    if corpus is not None:
        monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(corpus)])
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("dashboard/ui/terms.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def term_tables(at: AppTest):
    return [d.value for d in at.dataframe if {"term", "z"} <= set(d.value.columns)]


def test_the_key_terms_page_compares_left_and_right_from_the_url(tmp_path, monkeypatch):
    at = run_terms(monkeypatch, write_corpus(tmp_path), {"unit": "article", "group_a": "bias:left",
                                                         "group_b": "bias:right"})
    assert at.session_state["group_a"] == "bias:left" and at.session_state["group_b"] == "bias:right"
    assert "bias: left" in at.selectbox(key="group_a").options  # readable labels, not raw specs
    top_a, top_b = term_tables(at)
    assert top_a["term"].iloc[0] in " ".join(r["text"].lower() for r in ROWS if r["bias"] == "left")
    assert (top_b["z"] < 0).all()


def test_a_valid_spec_the_picker_does_not_list_is_kept(tmp_path, monkeypatch):
    at = run_terms(monkeypatch, write_corpus(tmp_path), {"unit": "article", "group_a": "date:2022-01-03..2022-01-17",
                                                         "group_b": "BIAS:Right"})
    assert at.session_state["group_a"] == "date:2022-01-03..2022-01-17"
    assert at.session_state["group_b"] == "bias:right"  # the real spelling
    assert not [w.value for w in at.warning]
    assert len(term_tables(at)) == 2


def test_a_group_naming_nothing_falls_back_with_a_notice(tmp_path, monkeypatch):
    at = run_terms(monkeypatch, write_corpus(tmp_path), {"unit": "article", "group_b": "bias:purple<b>"})
    assert at.session_state["group_b"] == "rest"
    notices = [w.value for w in at.warning]
    assert any("`group_b`" in n for n in notices)
    assert not any("purple" in n for n in notices)


def test_no_distinctive_term_is_said_plainly(tmp_path, monkeypatch):
    """Two copies of one text under two outlets: no word sets either apart (was an IndexError)."""
    same = ROWS[0]["text"]
    rows = [dict(text=same, source="Alpha"), dict(text=same, source="Beta"), dict(ROWS[4])]
    corpus = write_corpus(tmp_path, rows)
    ids = {a.source: a.id for a in load_corpus([corpus]).articles}
    at = run_terms(monkeypatch, corpus, {"group_a": f"doc:{ids['Alpha']}", "group_b": f"doc:{ids['Beta']}"})
    said = " ".join(i.value for i in at.info)
    assert "No term is distinctive" in said and "same words" in said
    assert not term_tables(at)


# ---------------------------------------------------------------- one error class for what a user can cause


def test_every_page_says_why_a_lexicon_cannot_be_used(monkeypatch):
    """A lexicon that stopped loading (was a traceback: only AnalysisError was caught)."""
    for page in ("overview", "dashboard/ui/terms.py"):
        at = AppTest.from_file(APP, default_timeout=90)
        at.session_state["fl_tuning"] = {"frames_toml": "[frames.broken\nterms = "}
        if page != "overview":
            at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("cannot be analysed" in e.value for e in at.error)
        assert any("TOML" in t.value for t in at.text)


def test_an_alias_cycle_is_a_user_error():
    from dashboard.aliases import merge_tables

    with pytest.raises(FramelensError, match="cycle"):
        merge_tables([], [("a1", "b1"), ("b1", "a1")])
