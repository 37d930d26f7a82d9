"""The shared tokenizer and the count/TF-IDF vectors built on it."""

import numpy as np

from dashboard.models import Settings
from hypothesis import given, settings as hsettings, strategies as st
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from dashboard.tokens import ngrams, normalise_phrase, phrase_ngrams, tokenize, tokenize_many, words
from pathlib import Path

from dashboard.vectors import adaptive_df, build_vectors

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_tokenize_keeps_hyphenated_names_and_drops_stop_words_and_numbers():
    toks = tokenize("President Kassym-Jomart Tokayev said on 6 January that 2022's gas prices rose.")
    assert "kassym-jomart" in toks
    assert "tokayev" in toks
    assert "said" not in toks and "on" not in toks and "the" not in toks
    assert "6" not in toks and "2022" not in toks
    assert "gas" in toks and "prices" in toks


def test_tokenize_folds_aliases_and_possessives():
    toks = tokenize("Kazakastan's army and Kazakhstan’s police", aliases={"kazakastan": "kazakhstan"})
    assert toks.count("kazakhstan") == 2


def test_bigrams_skip_stop_words_so_phrases_match_vocabulary():
    assert normalise_phrase("state of emergency") == "state emergency"
    assert "state emergency" in ngrams(tokenize("A state of emergency was declared."), 2)


def test_words_keeps_everything_lowercased():
    assert words("The CSTO, Alma-Ata!") == ["the", "csto", "alma-ata"]


def test_adaptive_df_keeps_all_terms_of_a_tiny_corpus_and_prunes_a_large_one():
    assert adaptive_df(5) == (1, 1.0)
    min_df, max_df = adaptive_df(40_000)
    assert min_df > 1 and max_df < 1.0


def test_vectors_share_one_vocabulary_and_normalise_rows():
    v = build_vectors(tokenize_many(["troops deployed to Almaty", "troops protect airports", "gas prices protests"]), Settings())
    assert v.counts.shape == v.tfidf.shape
    assert list(v.terms) == sorted(v.terms)
    norms = np.sqrt(np.asarray(v.tfidf.multiply(v.tfidf).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0, atol=1e-5)
    col = v.column("troops")
    assert col is not None and v.counts[0, col] == 1 and v.counts[2, col] == 0
    assert v.column("not-a-term") is None
    assert v.column("troops deployed") is not None  # bigram


def test_no_vector_column_joins_words_across_a_sentence_break():
    texts = ['Will you pardon the president?" Trump was asked. Reporters waited.'] * 3
    v = build_vectors(tokenize_many(texts), Settings(ngram_max=3, min_df=1, max_df=1.0))
    assert v.column("pardon president") is not None and v.column("trump asked") is not None
    assert v.column("president trump") is None and v.column("asked reporters") is None


def test_fit_rows_exclude_copies_from_the_vocabulary():
    table = tokenize_many(["alpha beta", "gamma delta", "only seen copy"])
    v = build_vectors(table, Settings(ngram_max=1), fit_rows=np.array([0, 1]))
    assert v.column("copy") is None
    assert v.counts.shape[0] == 3  # the copy is still counted over the shared vocabulary


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab cd-'’.\nKéЖ1", max_size=40), max_size=8))
def test_tokenize_many_equals_tokenize_on_each_text(texts):
    table = tokenize_many(texts, aliases={"ab": "cd"})
    assert [table.unit_tokens(i) for i in range(len(texts))] == [tokenize(t, {"ab": "cd"}) for t in texts]


_PIECES = ["Mr", "dr", "U", "S", "gen", "Prof", "capt", "No", "troops", "gas", "x", "1", "3pm", ".", ".", "?", "!",
           ";", ":", "…", " ", " ", " ", "\n", '"', "”", "’", "'", ")", "]", "-"]
# (No underscores: the token table reads a run of them as a separator line, a break phrase_ngrams does not make.)


@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), min_size=1, max_size=5))
def test_token_table_bigrams_stop_at_the_same_phrase_breaks_as_phrase_ngrams(texts):
    """The token table's phrase ends (one scan for words and breaks) match the plain per-phrase reference."""
    table = tokenize_many(texts)
    ends = table.ends_phrase()
    for i, text in enumerate(texts):
        start, stop = int(table.offsets[i]), int(table.offsets[i + 1])
        toks = table.unit_tokens(i)
        bigrams = [f"{a} {b}" for k, (a, b) in enumerate(zip(toks, toks[1:])) if not ends[start + k]]
        assert sorted(toks + bigrams) == sorted(phrase_ngrams(text, 2)), text


def test_counts_equal_a_plain_count_vectorizer_over_the_same_tokens():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    v = build_vectors(tokenize_many(texts), Settings(ngram_max=2, min_df=1, max_df=1.0))
    ref = CountVectorizer(analyzer=lambda t: phrase_ngrams(t, 2))
    counts = ref.fit_transform(texts)
    assert list(v.terms) == list(ref.get_feature_names_out())
    assert (v.counts != counts).nnz == 0


def test_idf_and_tfidf_are_sklearns_learnt_on_the_fit_rows_only():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    fit = np.array([0, 2, 3])
    v = build_vectors(tokenize_many(texts), Settings(ngram_max=2, min_df=1, max_df=1.0), fit_rows=fit)
    ref = TfidfTransformer(sublinear_tf=True).fit(v.counts[fit])
    assert np.array_equal(v.idf, ref.idf_)
    assert np.allclose(v.tfidf.toarray(), ref.transform(v.counts).toarray(), rtol=0, atol=1e-6)


def test_max_features_keeps_the_most_frequent_terms_and_breaks_ties_by_first_seen():
    table = tokenize_many(["gas gas prices", "gas prices troops", "airport troops gas"])
    v = build_vectors(table, Settings(ngram_max=1, min_df=1, max_df=1.0, max_features=2))
    assert list(v.terms) == ["gas", "prices"]  # prices and troops both twice: prices came first


def test_fit_rows_naming_a_unit_twice_are_refused():
    with pytest.raises(ValueError, match="at most once"):
        build_vectors(tokenize_many(["gas prices", "troops"]), Settings(), fit_rows=np.array([0, 0, 1]))


def test_min_df_prunes_terms_seen_in_too_few_units():
    table = tokenize_many(["gas prices", "gas troops", "airport"])
    v = build_vectors(table, Settings(ngram_max=1, min_df=2, max_df=1.0))
    assert list(v.terms) == ["gas"]


def test_select_keeps_the_chosen_units_tokens_in_order():
    table = tokenize_many(["troops arrived", "", "gas prices rose sharply", "protests spread"])
    chosen = table.select(np.array([False, True, True, True]))
    assert len(chosen) == 3
    expected = [[], ["gas", "prices", "rose", "sharply"], ["protests", "spread"]]
    assert [chosen.unit_tokens(i) for i in range(3)] == expected
