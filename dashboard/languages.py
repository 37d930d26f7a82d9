"""Which language each article is written in (ISO 639-1), detected offline.

The model is py3langid's (langid.py's naive Bayes over byte n-grams, 140
labels, bundled with the package; nothing is downloaded). Its own
`classify` walks each text byte by byte in Python, about 1 ms per
1,000 characters: 40 s for the 37,554-article AllSides corpus. Here the
same model runs over many texts at once: the byte-level automaton steps
all texts together with numpy, the n-gram counts go into one sparse
matrix and one product scores every text. The result is the library's own
answer (tests/test_languages.py checks it against `classify`).

Only the first SAMPLE_CHARS characters of a text are read. On the 37,554
AllSides articles 500 characters give the answer of 1,000 for all but one
(a table of numbers) at half the cost, about 2 s of CPU; 300 characters
differ on 14, mostly misread as Nigerian Pidgin.
"""

from __future__ import annotations

import io
import lzma
import math
import shutil
import struct
import unicodedata
import zipfile
from collections import Counter
from functools import lru_cache
from typing import Sequence

import numpy as np
import scipy.sparse as sp

SAMPLE_CHARS = 500
MIN_CONFIDENCE = 0.5  # below this the text is too short or mixed to say; it gets no language
BATCH = 4000  # texts stepped through the automaton together (about 40 MB of states at a time)

# The model's labels that are not ISO 639-1 codes: macrolanguage members fold into their
# macrolanguage; a language without a two-letter code keeps its ISO 639-3 code.
_TO_ISO_639_1 = {"ary": "ar", "arz": "ar", "uzs": "uz", "wuu": "zh", "yue": "zh", "gug": "gn", "sdh": "ku",
                 "fuv": "ff", "nn": "no", "nb": "no", "zxx": ""}

LANGUAGE_NAMES = {
    "ar": "Arabic", "be": "Belarusian", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian",
    "hy": "Armenian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ka": "Georgian", "kk": "Kazakh",
    "ko": "Korean", "ky": "Kyrgyz", "lt": "Lithuanian", "lv": "Latvian", "mn": "Mongolian", "ms": "Malay",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "tg": "Tajik", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "zh": "Chinese",
}


def language_name(code: str) -> str:
    """ "Russian (ru)"; a code without a known name reads as itself."""
    return f"{LANGUAGE_NAMES[code]} ({code})" if code in LANGUAGE_NAMES else code or "undetermined"


class _Model:
    """py3langid's bundled model as numpy arrays (loaded once per process, about 0.4 s of CPU and 68 MB).

    The arrays are read-only views of the decompressed model file (_npz_views). The
    feature x class log-probabilities stay in the file's float16: a batch converts to
    float32 only the rows of the n-grams its texts hold (about a fifth of them).
    """

    def __init__(self):
        from py3langid.langid import MODEL_DIR, MODEL_FILE

        # Decompressed in pieces into one buffer (lzma.decompress holds its output twice while
        # joining it); getvalue() hands that buffer over as bytes without a copy.
        decompressed = io.BytesIO()
        with lzma.open(MODEL_DIR / MODEL_FILE) as packed:
            shutil.copyfileobj(packed, decompressed, 1 << 20)
        arrays = _npz_views(decompressed.getvalue())
        self.nextmove = arrays["nextmove"]  # the automaton: 256 next states per distinct row
        self.rowbase = arrays["nextmove_row"].astype(np.int64) << 8  # each state's row, as an offset
        # The n-gram a state completes, or -1: looked up once per byte, so copied out of the
        # file to an aligned array (0.4 MB; in the file it starts at an odd offset).
        self.output = arrays["out_feat"].copy()
        self.ptc16 = arrays["ptc"]  # features x classes: log P(n-gram | label)
        self.n_features = self.ptc16.shape[0]
        self.pc = arrays["pc"].copy()  # log P(label)
        self.classes = arrays["classes"].tolist()
        first: dict[str, int] = {}
        # Labels the model holds twice (sr, uz: two scripts): the second column's probability goes to the first.
        self.alias_pairs = [(first[label], j) for j, label in enumerate(self.classes)
                            if first.setdefault(label, j) != j]


def _npz_views(data: bytes) -> dict[str, np.ndarray]:
    """The arrays of an .npz archive held in memory, as read-only views of its bytes.

    py3langid's own loader (modelio.load_model) decompresses the file to a temporary
    file, copies every array out of it and turns the automaton into Python arrays and
    lists: about 0.4 s and 70 MB more than the decompression itself. np.savez stores
    each array uncompressed, so it is the bytes after its .npy header; xz has already
    checked them (CRC64). (io.BytesIO reads bytes in place, without copying them.)
    """
    arrays = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if member.compress_type != zipfile.ZIP_STORED:
                raise ValueError(f"the language model's {member.filename} is compressed inside the archive")
            name_length, extra_length = struct.unpack_from("<HH", data, member.header_offset + 26)
            npy = io.BytesIO(data)
            npy.seek(member.header_offset + 30 + name_length + extra_length)  # past the zip's local header
            version = np.lib.format.read_magic(npy)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran_order, dtype = read_header(npy)
            flat = np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=npy.tell())
            arrays[member.filename.removesuffix(".npy")] = flat.reshape(shape, order="F" if fortran_order else "C")
    return arrays


@lru_cache(maxsize=1)
def _model() -> _Model:
    return _Model()


def _encode(text: str) -> bytes:
    """The bytes py3langid reads for a text (its `_encode`)."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def _scores(model: _Model, samples: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (texts x classes, aliases folded) and whether each text had any feature."""
    n = len(samples)
    lengths = np.fromiter((len(b) for b in samples), dtype=np.int64, count=n)
    order = np.argsort(-lengths, kind="stable")  # longest first: the texts still running are a prefix
    longest = int(lengths[order[0]]) if n else 0
    by_position = np.zeros((max(longest, 1), n), dtype=np.uint8)  # byte j of text i at [j, rank of i]
    for rank, i in enumerate(order):
        by_position[: lengths[i], rank] = np.frombuffer(samples[i], dtype=np.uint8)
    running = np.searchsorted(-lengths[order], -np.arange(longest), side="right")  # texts longer than each position
    states = np.zeros((max(longest, 1), n), dtype=np.int32)
    state = np.zeros(n, dtype=np.int64)
    for pos in range(longest):  # the automaton, one byte of every running text per step
        k = running[pos]
        state[:k] = model.nextmove[model.rowbase[state[:k]] + by_position[pos, :k]]
        states[pos, :k] = state[:k]
    features = model.output[states]  # the n-gram each step completes, or -1
    features[np.arange(len(states))[:, None] >= lengths[order][None, :]] = -1  # past a text's end
    ranks = np.broadcast_to(np.arange(n), features.shape)
    hit = features >= 0
    keys = np.sort(ranks[hit].astype(np.int64) * model.n_features + features[hit])
    starts = np.flatnonzero(np.diff(keys, prepend=-1))
    counts = np.diff(np.append(starts, len(keys)))
    unique = keys[starts]
    rows = order[unique // model.n_features]
    features = unique % model.n_features
    # Only the n-grams these texts hold get a float32 row, in the model's order (each text's sum keeps its order).
    held = np.zeros(model.n_features, dtype=bool)
    held[features] = True
    column = np.cumsum(held) - 1  # feature -> its row among the held ones
    matrix = sp.csr_matrix((np.log1p(counts).astype(np.float32), (rows, column[features])), shape=(n, int(held.sum())))
    raw = np.asarray(matrix @ model.ptc16[held].astype(np.float32)) + model.pc
    has_features = np.diff(matrix.indptr) > 0
    raw[~has_features] = 0.0
    # py3langid's norm_probs: a softmax tempered by the square root of the byte length.
    raw *= (1.0 / np.sqrt(np.maximum(lengths, 1)))[:, None]
    raw -= raw.max(axis=1, keepdims=True)
    probs = np.exp(raw)
    probs /= probs.sum(axis=1, keepdims=True)
    for first, second in model.alias_pairs:  # as py3langid's _decide folds them
        probs[:, first] += probs[:, second]
        probs[:, second] = 0.0
    return probs, has_features


def detect_languages(texts: Sequence[str], sample_chars: int = SAMPLE_CHARS) -> list[str]:
    """Each text's language as an ISO 639-1 code ("en", "ru", "kk"), or "" when it cannot be told.

    A text gets no language when it has no letters or the model is less than
    MIN_CONFIDENCE sure (a few words can be several languages).
    """
    out = [""] * len(texts)
    todo = [i for i, t in enumerate(texts) if any(ch.isalpha() for ch in t[:sample_chars])]
    if not todo:
        return out
    model = _model()
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        probs, has_features = _scores(model, [_encode(texts[i][:sample_chars]) for i in chunk])
        best = probs.argmax(axis=1)
        for i, j, p, ok in zip(chunk, best, probs[np.arange(len(chunk)), best], has_features):
            if ok and p >= MIN_CONFIDENCE:
                label = model.classes[j]
                out[i] = _TO_ISO_639_1.get(label, label)
    return out


def language_counts(languages: Sequence[str]) -> list[tuple[str, int]]:
    """Languages by number of articles, most first (ties by code); undetermined ("") last."""
    counts = Counter(languages)
    return sorted(counts.items(), key=lambda kv: (kv[0] == "", -kv[1], kv[0]))


def _given_language(value) -> str | None:
    """A corpus' own language value as a code: "ru", "RU", "Russian"; None if it is not one."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if not text:
        return None
    lowered = text.lower().split("-")[0].split("_")[0]  # "en-US", "pt_BR"
    if lowered in LANGUAGE_NAMES or (len(lowered) in (2, 3) and lowered.isalpha() and lowered.isascii()):
        return lowered
    by_name = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
    return by_name.get(text.lower())


def article_languages(texts: Sequence[str], given: Sequence[object] | None = None) -> tuple[list[str], list[str]]:
    """Each article's language, and notices for the user.

    A corpus that carries a `language` column is taken at its word where a
    value reads as a language (a code or an English name); the rest is
    detected from the text.
    """
    given = list(given) if given is not None else [None] * len(texts)
    codes: list[str | None] = [_given_language(g) for g in given]
    unreadable = [g for g, c in zip(given, codes) if c is None and g is not None and str(g).strip()]
    todo = [i for i, c in enumerate(codes) if c is None]
    for i, code in zip(todo, detect_languages([texts[i] for i in todo])):
        codes[i] = code
    notices = []
    if unreadable:
        notices.append(f"{len(unreadable):,} language value(s) of the corpus are not a language code or name "
                       f"(e.g. {unreadable[0]!r}); those articles' language was detected from their text.")
    return [c or "" for c in codes], notices


def language_notices(codes: Sequence[str], without_list: set[str]) -> list[str]:
    """What the user should know about the corpus' languages and the stop words used for them."""
    counts = language_counts(codes)
    known = [(c, n) for c, n in counts if c]
    notices = []
    if len(known) > 1:
        listed = ", ".join(f"{language_name(c)} {n:,}" for c, n in known)
        notices.append(f"The corpus mixes {len(known)} languages ({listed} articles): each article is analysed "
                       "with its own language's stop words. Terms are not translated, so groups in different "
                       "languages differ in every word.")
    elif known and known[0][0] != "en":
        notices.append(f"The articles are in {language_name(known[0][0])}; its stop words are used.")
    for code, n in known:
        if code in without_list:
            notices.append(f"No stop-word list for {language_name(code)} ({n:,} articles): its common words "
                           "(the equivalents of \"the\", \"and\") stay in and may top key terms and cluster names.")
    undetermined = dict(counts).get("", 0)
    if undetermined and known:
        notices.append(f"{undetermined:,} article(s) are too short or mixed to tell their language; "
                       "they are analysed with English stop words.")
    return notices
