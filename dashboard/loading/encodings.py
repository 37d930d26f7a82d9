"""Bytes to text: which encoding a file was saved in, and whether it is text at all."""

from __future__ import annotations

import codecs
import re


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
_WORD_RE = re.compile(r"[^\W\d_]{2,}")


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


def _plausibility(text: str) -> int:
    """Letters in words that look like real Cyrillic or Latin words (vs mojibake)."""
    score = 0
    for word in _WORD_RE.findall(text):
        if word.isascii():
            continue
        cyrillic = sum("\u0400" <= c <= "\u04ff" for c in word)
        ascii_letters = sum(c.isascii() for c in word)
        other = len(word) - cyrillic - ascii_letters
        if cyrillic == len(word):
            score += len(word)
        elif cyrillic or ascii_letters < other:
            score -= len(word)  # scripts mixed in a word, or runs of accents: mojibake
        else:
            score += other
    return score


def decode_bytes(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding assumed, lossy).  Raises NotText for binary data.

    Order: BOM, BOM-less UTF-16, strict UTF-8, mostly-UTF-8 with a few bad
    bytes, then cp1251 vs cp1252 by which gives more plausible words.
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


def decode_legacy(data: bytes, encoding: str | None = None) -> tuple[str, str, bool]:
    """(text, encoding, lossy) for bytes that are not UTF-8: cp1251 or cp1252 (`encoding` is ignored)."""
    sample = data[:_SAMPLE_BYTES]
    cyrillic = _plausibility(sample.decode("cp1251", errors="replace"))
    western = _plausibility(sample.decode("cp1252", errors="replace"))
    if cyrillic > western:
        try:
            return data.decode("cp1251"), "cp1251", False
        except UnicodeDecodeError:
            return data.decode("cp1251", errors="replace"), "cp1251", True
    try:
        return data.decode("cp1252"), "cp1252", False
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", False
