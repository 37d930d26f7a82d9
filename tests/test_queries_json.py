"""The analyze JSON's numbers and frame evidence: what a script reading the file relies on."""

import dataclasses
import json

import numpy as np
import pytest

from dashboard import queries
from dashboard.frame_model import learned_words
from dashboard.loading import load_seed_corpus
from dashboard.models import Settings
from dashboard.pipeline import analyze


@pytest.fixture(scope="module")
def seeds():
    return analyze(load_seed_corpus(), Settings(unit="passage"))


# Values a float puts just beside a half-way point at the fourth decimal: scaling them by 10**4 in
# floating point lands on (or across) the half, and only exact decimal rounding gets them right.
NEAR_HALF = [0.63705, 0.60665, 0.85745, 0.17575, 0.54155, 0.00015, 0.00025, 1.00005, 0.03125]
AWKWARD = [*NEAR_HALF, *np.nextafter(NEAR_HALF, 1.0), *np.nextafter(NEAR_HALF, 0.0), float("nan"), -0.0, 0.0, 1.0]


def test_scores_in_the_json_are_rounded_to_four_decimals_exactly_as_round_does(seeds):
    name = seeds.frame_names[0]
    units = seeds.units.copy()
    values = np.resize(np.array(AWKWARD), len(units))
    units[f"frame:{name}"] = values
    data = json.loads("".join(queries.analysis_json(dataclasses.replace(seeds, units=units))))
    written = [u[f"frame:{name}"] for u in data["units"]]
    assert written == [None if np.isnan(v) else round(float(v), 4) for v in values]
    assert [u["frame_scores"][name] for u in data["units"]] == written


def test_a_units_evidence_is_the_same_whichever_units_are_asked_with_it(seeds):
    every = queries.frame_evidence_by_unit(seeds)
    assert any(e[f]["lexicon"] for e in every for f in e) and any(e[f]["learned"] for e in every for f in e)
    some = [len(every) - 1, 0, len(every) // 2]
    asked = queries.frame_evidence_by_unit(seeds, some)
    assert [json.dumps(e) for e in asked] == [json.dumps(every[i]) for i in some]  # the same keys in the same order


def test_the_evidence_gives_each_carried_frame_its_strongest_learned_words_rounded(seeds):
    evidence = queries.frame_evidence_by_unit(seeds)
    model, rows = seeds.frame_model, np.arange(len(seeds.units))
    for j, frame in enumerate(model.names):
        ranking = learned_words(model, seeds.vectors.tfidf, seeds.vectors.terms, j, rows, n=10_000)
        for unit, (carried, found) in enumerate(zip(seeds.units["frames"], evidence)):
            if frame in carried:
                expected = ranking[unit][:queries.LEARNED_WORDS]
                assert list(found[frame]["learned"].items()) == [(t, round(w, 4)) for t, w in expected]
            else:
                assert frame not in found
