"""How often the sample's hand-labelled passages get the right dominant frame with the crisis lexicon.

The labels (tests/data/sample_frame_labels.csv, how they were made in
tests/data/README.md) were written from the codebook definitions, not from
the method's output. Issue 10's target is 0.70 of the sovereignty, terrorism
and legitimacy passages; the floor asserted here is what the method reaches
today, so a change that loses ground fails.
"""

from pathlib import Path

import pandas as pd
import pytest

from dashboard.loading import load_seed_corpus
from dashboard.models import Settings
from dashboard.pipeline import analyze

LABELS = Path(__file__).resolve().parent / "data" / "sample_frame_labels.csv"
THREE = ("sovereignty", "terrorism", "legitimacy")


def labelled_units(analysis) -> pd.DataFrame:
    """The labels joined to the analysis' passages by seed file and passage number."""
    labels = pd.read_csv(LABELS, dtype=str, keep_default_na=False)
    origin = dict(zip(analysis.documents["id"], analysis.documents["origin"]))
    units = analysis.units.assign(
        file=analysis.units["doc_id"].map(lambda d: Path(origin[d]).name[:3]),
        passage=(analysis.units["index"] + 1).astype(str),
    )
    joined = labels.merge(units, on=["file", "passage"], how="left", suffixes=("_label", ""))
    return joined


@pytest.fixture(scope="module")
def analysis():
    return analyze(load_seed_corpus(), Settings(lexicon="crisis"))


@pytest.fixture(scope="module")
def labelled(analysis):
    return labelled_units(analysis)


def test_every_passage_has_one_label_and_every_label_its_passage(analysis, labelled):
    assert len(labelled) == len(analysis.units) and not labelled.duplicated(["file", "passage"]).any()
    missing = labelled[labelled["text"].isna()]
    assert missing.empty, f"no such passage: {missing[['file', 'passage']].values.tolist()}"
    moved = [(f, p) for f, p, o, t in labelled[["file", "passage", "opening", "text"]].itertuples(index=False)
             if not t.startswith(o)]
    assert moved == [], "the passages were cut differently from when they were labelled"


def test_the_labels_use_the_crisis_frames_or_none(labelled):
    from dashboard import lexicons

    names = {f.name for f in lexicons.bundled_frames("crisis")} | {"none"}
    assert set(labelled["frame_label"]) <= names
    assert {a for a in labelled["also"] if a} <= names


def test_sovereignty_terrorism_and_legitimacy_passages_get_their_frame(labelled):
    three = labelled[labelled["frame_label"].isin(THREE)]
    right = (three["frame_label"] == three["frame"]).mean()
    assert right >= 16 / 27, f"{right:.2f} of the {len(three)} passages get the right dominant frame"


def test_passages_of_every_frame_get_their_frame_more_often_than_not(labelled):
    right = (labelled["frame_label"] == labelled["frame"]).mean()
    assert right > 0.5, f"{right:.2f} of all {len(labelled)} passages get the right dominant frame"
