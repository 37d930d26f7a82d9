"""Each article's language, words of any script, and each language's stop words."""

import gzip
import json

import pytest

from dashboard.languages import SAMPLE_CHARS, _TO_ISO_639_1, MIN_CONFIDENCE, detect_languages
from dashboard.loading import article_id, corpus_hash
from dashboard.models import Article, Corpus, Settings
from dashboard.pipeline import analyze
from dashboard.queries import analysis_to_dict, key_terms
from dashboard.tables import article_table
from dashboard.tokens import stop_words_with, tokenize, tokenize_many, words

SAMPLES = {  # our own sentences, short and long
    "ru": "Президент заявил, что войска останутся в стране.",
    "kk": "Президент әскерлер елде қалатынын айтты.",
    "uk": "Президент заявив, що війська залишаться в країні.",
    "bg": "Президентът заяви, че войските ще останат в страната.",
    "en": "The president said the troops would stay in the country.",
    "de": "Der Präsident sagte, die Truppen würden im Land bleiben.",
    "fr": "Le président a déclaré que les troupes resteraient dans le pays.",
    "el": "Ο πρόεδρος είπε ότι τα στρατεύματα θα παραμείνουν στη χώρα.",
    "ar": "قال الرئيس إن القوات ستبقى في البلاد حتى نهاية الشهر.",
}
LONG = {
    "ru": ("В четверг президент Казахстана Касым-Жомарт Токаев заявил, что миротворческие силы ОДКБ начнут "
           "покидать страну через два дня. По его словам, основная задача миссии выполнена, а ситуация в Алматы "
           "стабилизировалась. Эксперты отмечают, что решение было принято после консультаций с Москвой."),
    "kk": ("Бейсенбі күні Қазақстан Президенті Қасым-Жомарт Тоқаев ҰҚШҰ бітімгершілік күштері екі күннен кейін "
           "елден шыға бастайтынын мәлімдеді. Оның айтуынша, миссияның негізгі міндеті орындалды, ал Алматыдағы "
           "жағдай тұрақтанды. Сарапшылар шешім Мәскеумен кеңесуден кейін қабылданғанын атап өтті."),
}


def corpus(*articles: tuple[str, str]) -> Corpus:
    arts = [Article(id=article_id(t, s), text=t, source=s, origin=f"item {i}") for i, (t, s) in enumerate(articles)]
    return Corpus(arts, content_hash=corpus_hash(arts))


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_a_sentence_is_given_its_language(code):
    assert detect_languages([SAMPLES[code]]) == [code]


@pytest.mark.parametrize("code", sorted(LONG))
def test_russian_and_kazakh_paragraphs_are_told_apart(code):
    assert detect_languages([LONG[code], LONG[code][:60]]) == [code, code]


def test_text_without_letters_has_no_language():
    assert detect_languages(["", "12 345 — 2022", "?!"]) == ["", "", ""]


def test_the_batch_gives_the_librarys_own_answer(shared_corpus):
    """The vectorised run is py3langid's model, not an imitation: same label as its classify, text by text."""
    with gzip.open(shared_corpus("allsides_events.jsonl.gz"), "rt", encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for _, line in zip(range(200), fh)]
    texts += list(SAMPLES.values()) + list(LONG.values()) + ["Kazakhstan unrest: Tokayev thanks CSTO"]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)  # the library, on its own
    expected = []
    for text in texts:
        label, confidence = identifier.classify(text[:SAMPLE_CHARS])
        expected.append(_TO_ISO_639_1.get(label, label) if confidence >= MIN_CONFIDENCE else "")
    assert detect_languages(texts) == expected


@pytest.mark.parametrize("text, expected", [
    ("हिन्दी भाषा", ["हिन्दी", "भाषा"]),  # vowel signs and virama are marks, not word breaks
    ("مُحَمَّد رسول", ["مُحَمَّد", "رسول"]),
    ("Ελληνικά νέα", ["ελληνικά", "νέα"]),
    ("Қазақстан Республикасы", ["қазақстан", "республикасы"]),
    ("עִבְרִית חדשות", ["עִבְרִית", "חדשות"]),
    ("Kassym-Jomart don't", ["kassym-jomart", "don't"]),
])
def test_words_of_any_script_stay_whole(text, expected):
    assert words(text) == expected


def test_a_language_without_spaces_comes_out_in_runs_a_known_limit():
    assert words("总统说军队将留在该国。") == ["总统说军队将留在该国"]


RUSSIAN = [  # two framings of the January 2022 unrest: terrorists and a coup, or protests over prices
    "Президент заявил, что в стране действуют террористы. По его словам, боевики захватили аэропорт Алматы и "
    "здания администрации. Он сообщил, что силы ОДКБ помогут навести порядок.",
    "Власти сообщили, что террористические группы прошли подготовку за рубежом. Министр заявил, что бандиты "
    "нападали на полицейских и военных в Алматы.",
    "Глава государства заявил, что это была попытка государственного переворота. Он сказал, что террористы "
    "действовали организованно и получили приказ атаковать.",
    "В ведомстве сообщили, что задержаны участники бандформирований. По данным следствия, боевики готовили "
    "нападения на объекты в Алматы.",
    "Жители Жанаозена вышли на улицы из-за резкого роста цен на газ. Протестующие заявили, что не могут платить "
    "за топливо вдвое больше.",
    "Митинги охватили Актау и другие города. Люди требовали снизить цены на сжиженный газ и отправить "
    "правительство в отставку.",
    "Экономисты отмечают, что рост цен на топливо ударил по бедным семьям. Протесты начались мирно, сообщили "
    "местные журналисты.",
    "Участники мирных акций протеста заявили, что их требования касаются зарплат, цен на газ и безработицы, "
    "а не политики.",
]
FUNCTION_WORDS = {"что", "на", "в", "и", "не", "по", "его", "это", "он", "их", "за", "а", "из-за", "заявил",
                  "заявили", "сообщил", "сообщили", "сказал", "отмечают"}


@pytest.fixture(scope="module")
def russian():
    sources = ["Вести"] * 4 + ["Нур"] * 4
    return analyze(corpus(*zip(RUSSIAN, sources)), Settings(unit="article", k=2))


def test_a_russian_corpus_gives_clusters_and_key_terms_without_function_words(russian):
    assert list(russian.documents["language"]) == ["ru"] * 8
    for cluster in russian.clusters:
        assert cluster.top_terms and not set(cluster.top_terms) & FUNCTION_WORDS, cluster.label
    terms = key_terms(russian, "source:Вести", "source:Нур")
    top = set(terms.head(15)["term"]) | set(terms.tail(15)["term"])
    assert not {w for t in top for w in t.split()} & FUNCTION_WORDS
    assert not terms.empty
    named = {t for c in russian.clusters for t in c.top_terms}
    assert {"террористы", "боевики", "газ", "цен"} & named  # the framing words name the clusters
    assert any("Russian (ru)" in n for n in russian.notices)


def test_the_language_is_in_the_json_and_the_articles_table(russian):
    assert {d["language"] for d in analysis_to_dict(russian)["documents"]} == {"ru"}
    assert list(article_table(russian)["language"]) == ["ru"] * 8


ENGLISH = [
    "The war in the east has killed thousands, and the war shows no sign of ending soon.",
    "Diplomats met in Geneva to discuss a ceasefire, but the war went on through the winter.",
    "Refugees crossed the border as the war reached the capital and the airport closed.",
]
GERMAN = "Der Präsident war gestern in Berlin, und die Stimmung war angespannt, sagte ein Sprecher."


def test_a_mixed_corpus_uses_each_articles_own_stop_words_and_says_so():
    a = analyze(corpus(*[(t, "Daily") for t in ENGLISH], *[(t, "Вести") for t in RUSSIAN[:3]], (GERMAN, "Zeitung")),
                Settings(unit="article", k=2))
    assert list(a.documents["language"]) == ["en"] * 3 + ["ru"] * 3 + ["de"]
    notice = next(n for n in a.notices if "mixes 3 languages" in n)
    assert "English (en) 3" in notice and "Russian (ru) 3" in notice and "German (de) 1" in notice
    # "war" is a German stop word ("was") but an English noun: counted in the English articles only.
    war = a.vectors.column("war")
    assert war is not None
    counts = a.vectors.counts[:, war].toarray().ravel()
    assert list(counts[:3] > 0) == [True, True, True] and counts[6] == 0
    assert "что" not in set(a.vectors.terms) and "the" not in set(a.vectors.terms)
    assert a.stop_words_of(a.documents["id"].iat[6]) == stop_words_with((), "de")


def test_a_language_without_a_stop_word_list_is_named_in_a_notice():
    kazakh = [LONG["kk"], LONG["kk"].replace("Бейсенбі", "Жұма"), SAMPLES["kk"] + " " + LONG["kk"][:120]]
    a = analyze(corpus(*[(t, "Egemen") for t in kazakh]), Settings(unit="article"))
    assert set(a.documents["language"]) == {"kk"}
    assert any("No stop-word list for Kazakh (kk)" in n for n in a.notices)


def test_a_corpus_language_column_is_taken_at_its_word():
    arts = [Article(id=f"a{i}", text=t, source="Вести", extra={"language": "Russian"}) for i, t in enumerate(RUSSIAN[:3])]
    arts.append(Article(id="b", text=ENGLISH[0], source="Daily", extra={"language": "klingon-ish"}))
    a = analyze(Corpus(arts, content_hash=corpus_hash(arts)), Settings(unit="article"))
    assert list(a.documents["language"]) == ["ru", "ru", "ru", "en"]
    assert any("'klingon-ish'" in n and "detected" in n for n in a.notices)


def test_one_stop_word_set_per_text_gives_the_same_tokens_as_tokenising_each_alone():
    ru, en = stop_words_with((), "ru"), stop_words_with(())
    texts = [RUSSIAN[0], ENGLISH[0], RUSSIAN[4], ENGLISH[1]]
    sets = [ru, en, ru, en]
    table = tokenize_many(texts, stop_words=sets)
    assert [table.unit_tokens(i) for i in range(4)] == [tokenize(t, stop_words=s) for t, s in zip(texts, sets)]
