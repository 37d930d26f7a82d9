"""Bytes to text: which encoding a file was saved in, and whether it is text at all.

A BOM, UTF-16 without a BOM and UTF-8 are recognised here, exactly and fast.
Other bytes are read as Windows-1252 when that gives Western text (ASCII, a
few accented letters, curly quotes); anything else goes to charset-normalizer,
restricted to the encodings text files are really saved in.

Why not charset-normalizer for everything: on 400 AllSides articles saved as
Windows-1252 it misread 111 (curly quotes became Lithuanian, Polish, Japanese
or Mac Cyrillic; 70 of 300 with quotes, 41 of 100 with accented names). Why
not our old cp1251-or-cp1252 guess: it misread KOI8-R, ISO-8859-5, Greek,
Polish, Japanese, Chinese and Korean. On those 400 articles plus 46 texts in
12 languages and 23 encodings: old guess 416/446 right, charset-normalizer
alone 315/446 (12 ms a file), this module 436/446 (0.3 ms a file); all three
still misread Czech and Turkish, and this module ISO-8859-2 Polish.
"""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (name it .zip)"),
    (b"\x1f\x8b", "gzip-compressed (name it .gz)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b") + b"\x7f"
_SAMPLE_BYTES = 65536

# Legacy encodings a news text is plausibly saved in: Windows and ISO code pages,
# KOI8, Mac Cyrillic and the East Asian ones (not DOS, EBCDIC or other Mac pages).
LEGACY_ENCODINGS = (
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
    "latin_1", "iso8859_2", "iso8859_4", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_13",
    "iso8859_15", "koi8_r", "koi8_u", "mac_cyrillic", "cp874",
    "cp932", "shift_jis", "euc_jp", "gb18030", "big5", "cp949", "euc_kr",
)
# Among encodings charset-normalizer scores alike (or that give the same text), the most
# widespread wins; "alike" is within these margins of its best mess and coherence scores.
_PREFERRED = ("cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257", "latin_1")
_ALIKE_CHAOS = 0.02
_ALIKE_COHERENCE = 0.1


class NotText(Exception):
    """The bytes are not text in any encoding we read; the message says why."""


def _utf16_by_nuls(sample: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL in every other byte of mostly-ASCII text."""
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    nul_even, nul_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if nul_odd > 0.3 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even > 0.3 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding assumed, lossy).  Raises NotText for binary data.

    Order: BOM, BOM-less UTF-16, strict UTF-8, mostly-UTF-8 with a few bad
    bytes, then a legacy encoding (decode_legacy).
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec, False
            except UnicodeDecodeError:
                if codec != "utf-32":
                    return data.decode(codec, errors="replace"), codec, True
    sample = data[:_SAMPLE_BYTES]
    if codec := _utf16_by_nuls(sample[: len(sample) & ~1]):
        try:
            return data.decode(codec), codec, False
        except UnicodeDecodeError:
            text = data.decode(codec, errors="replace")
            if text.count("\ufffd") * 100 < len(text):
                return text, codec, True
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise NotText(f"looks like {what}, not text")
    if b"\x00" in data:
        raise NotText("contains NUL bytes: a binary file, not text")
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if control * 10 > len(sample):
        raise NotText("mostly non-text bytes: a binary file")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    lossy_utf8 = data.decode("utf-8", errors="replace")
    bad = lossy_utf8.count("\ufffd")
    good = len(lossy_utf8) - len(lossy_utf8.encode("ascii", "ignore")) - bad
    if good >= 10 * bad:
        return lossy_utf8, "utf-8", True
    return decode_legacy(data)


# What Western European text holds besides ASCII: Latin-1 letters (not the Icelandic
# ones, which Turkish read as Windows-1252 is full of), œ š ž, punctuation and a few symbols.
_WESTERN_LETTERS = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜßàáâãäåæçèéêëìíîïñòóôõöøùúûüÿŒœŠšŽž"
)
_WESTERN_SYMBOLS = frozenset("€£¥¢©®™°§±½¼×")
_WESTERN_MAX_SHARE = 0.25  # of letters; Cyrillic, Greek or KOI8 read as Windows-1252 are near 1


def _western_cp1252(sample: bytes) -> bool:
    """Windows-1252 reads the bytes as Western text: a few accented letters, typographic quotes."""
    try:
        text = sample.decode("cp1252")
    except UnicodeDecodeError:
        return False
    accented = 0
    for char in set(text):
        if char.isascii():
            continue
        if char in _WESTERN_LETTERS:
            accented += text.count(char)
        elif char not in _WESTERN_SYMBOLS and unicodedata.category(char)[0] not in "PZ":
            return False  # "Za¿ó³æ": Polish read as Windows-1252
    if not accented:
        return True
    letters = sum(1 for c in text if c.isalpha())
    return accented <= _WESTERN_MAX_SHARE * letters


def legacy_encoding(sample: bytes) -> str:
    """The legacy encoding (Python codec name) a non-UTF-8 text was most likely saved in.

    Western text goes to Windows-1252 at once; charset-normalizer picks among
    LEGACY_ENCODINGS for the rest, and where it scores several alike (it
    often cannot tell Windows-1250 from 1252 in English) the most widespread
    one wins.
    """
    if _western_cp1252(sample):
        return "cp1252"
    matches = from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS))
    best = matches.best()
    if best is None:
        return "cp1252"
    alike = [m for m in matches
             if m.chaos <= best.chaos + _ALIKE_CHAOS and m.coherence >= best.coherence - _ALIKE_COHERENCE]
    for name in _PREFERRED:
        if any(name in m.could_be_from_charset for m in alike):
            return name
    return best.encoding


def decode_legacy(data: bytes, encoding: str | None = None) -> tuple[str, str, bool]:
    """(text, encoding, lossy) for bytes that are not UTF-8; `encoding` skips the guess."""
    encoding = encoding or legacy_encoding(data[:_SAMPLE_BYTES])
    try:
        return data.decode(encoding), encoding, False
    except UnicodeDecodeError:
        pass
    if encoding == "cp1252":  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1"), "latin-1", False
    return data.decode(encoding, errors="replace"), encoding, True
