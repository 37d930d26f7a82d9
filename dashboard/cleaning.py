"""Taking scraped page furniture out of article text, keeping a record of every cut.

Frames and clusters must come from what the outlet wrote, not from ad scripts,
newsletter blurbs or photo credits that a scraper swept up. Every piece taken
out becomes a Removal so a user can see (and doubt) each edit.

Rules are deliberately conservative: a line goes only when it matches a known
boilerplate shape as a whole; inside a line only links, credits in brackets,
ad scripts and The Hill's hover cards are cut. Work is line-based with
precompiled regexes (the full corpus is 223 M characters).
"""

from __future__ import annotations

import re

from .loading.text_metadata import DATE_HEADER_RE
from .models import Article, CleanedArticle, Removal
from .segmenting import is_social_post, segment
from .tokens import STOP_WORDS

__all__ = ["clean_text", "clean_article", "is_social_post"]

# --- leading header: " date 2022-01-06 Headline ..." -------------------------
# The header is the loader's (DATE_HEADER_RE): what it reads as the date is cut here.
_DATELINE_RE = re.compile(
    r"^([A-Z][A-Za-z'’-]+(?:[ -][A-Z][A-Za-z'’-]+){0,2}\s+\d{1,2}[./]\d{1,2}[./]\d{4})"
    r"((?:\s+\S+){0,5})"
)
_NAME_PARTICLES = frozenset("van von de der den da di du le la al bin ibn".split())
_TITLE_MAX_CHARS = 150
_SENTENCE_FINAL = (".", "!", "?", "…", '"', "”", "’", "'", ":", ";", ",")
_SIGNATURE_RE = re.compile(r"^/\s*[A-Z][\w.&' -]{0,40}$")

# --- whole lines that are page furniture ------------------------------------
# One alternation; the group that matched names the kind. Each branch is
# anchored at the line start so most lines fail after a character or two.
_WHOLE_LINE_RE = re.compile(
    r"(?:"
    r"(?P<ad_script>"
    r"\(?\s*adsbygoogle\s*=\s*window\.adsbygoogle\s*\|\|\s*\[?\s*\]?\s*\)?\s*\.push\(\s*\{?\s*\}?\s*\)\s*;?"
    r"|(?:var|let|const)\s+[\w$]+\s*=[^\n]*;"
    r"|(?:window|document|googletag)\.[\w$.]+\s*[=(][^\n]*[;)}]"
    r"|[!(]?function\s*\([^\n]*[;)}]"
    r")"
    r"|(?P<aggregator_notice>Note: This article has been indexed to our site\..*)"
    r"|(?P<copyright>(?:Copyright|COPYRIGHT|©|\([cC]\))\s*(?:©\s*)?.{0,30}\b(?:19|20)\d\d\b.{0,250})"
    r"|(?P<image_credit>©\s*[^\d\n]{1,40}"
    r"|(?:Photo|Image|Picture|Photograph|Photo credit|Image credit|Credit)s?\s*[:|]\s*.{1,80}"
    r"|\((?:Photo|Image|Picture|Photograph|Credit)s?\s*:\s*[^()]{1,60}\)\.?"
    r"|\((?:Pixabay|Getty Images|Photo by [^()]{1,60}|AP Photo[^()]{0,60}|Reuters|AFP|EPA)\)"
    r"|Image (?:copyright|caption) .*|Enlarge this image toggle caption.*"
    r"|Slideshow \(\d+ Images?\)|(?:next|prev) Image \d+ of \d+"
    r"|(?:AP|AFP|EPA|Reuters) Photo(?:/[\w .'’-]{1,40})?"
    r")"
    r"|(?P<photo_gallery>Photos?: .*\bHide Caption \d+ of \d+.*)"
    r"|(?P<video_widget>(?:JUST WATCHED|MUST WATCH) .*|Watch the latest video at .*)"
    r"|(?P<advertisement>ADVERTISEMENT|Advertisement:?|AD|(?:Advertisement )+Advertisement"
    r"|(?:Advertisement )?Continue reading the main story|Story Continued Below"
    r"|Continue Reading Below|Loading\.\.\.|Skip Ad|Sponsored Content)"
    r"|(?P<share_widget>SHARE THIS ARTICLE.*|Share this:.*|Share Tweet Post Email|Link Copied"
    r"|Share|Print|Email|WhatsApp|Twitter|Facebook|YouTube|Pocket|Video|Photo|Photos|CLOSE"
    r"|More On This\.\.\.|Related:|READ MORE:|Read [Mm]ore:|Also see:|More:|WATCH:)"
    r"|(?P<promo>(?:CLICK HERE|CLICK TO|Click here to|Click here for) .{0,80}"
    r"\b(?:APP|[Aa]pp|SIGN UP|[Ss]ign up|NEWSLETTER|[Nn]ewsletter|COVERAGE|[Cc]overage|TRIAL|[Rr]eprint).*"
    r"|Interested in .{1,60}\? Add .*Add Interest)"
    r"|(?P<newsletter>\W{0,3}(?:Sign up|Sign Up|SIGN UP|Subscribe|SUBSCRIBE|Newsletter Sign)\b.*"
    r"|\W{0,3}(?:Get|Want) .{0,100}\b(?:in|to) your inbox\b.*)"
    r"|(?P<punctuation>(?:\W|_)(?:[\W_]){0,9})"
    r"|(?P<url>(?:https?://|www\.|pic\.twitter\.com/|t\.co/)\S+(?:\s+(?:https?://|pic\.twitter\.com/)\S+)*)"
    r")"
)
_WHOLE_LINE_MAX = 3000  # Longer lines are prose; the country-list sign-up box is ~2,500.

# Furniture recognised by a phrase anywhere in a short line. A cheap substring
# test on the whole article gates the regex, so most articles never run it.
_IN_LINE_CUES = ("ign up", "ign Up", "SIGN UP", "ewsletter", "nbox", "ubscri", "SUBSCRI",
                 "claim legitimacy", "ights reserved", "ights Reserved")
_IN_LINE_RE = re.compile(
    r"(?P<aggregator_notice>\bWe do not claim legitimacy, ownership or copyright\b)"
    r"|(?P<copyright>^.{0,120}\bAll [Rr]ights [Rr]eserved\b)"
    r"|(?P<newsletter>\bEmail Sign Up\b|\bManage Newsletters\b|\b[Bb]y signing up,? you agree\b"
    r"|\b(?:Subscribe|SUBSCRIBE|Sign up|Sign Up|SIGN UP) (?:to|for|here|now|today)\b"
    r"|\bsign up (?:for free )?here\b"
    r"|\bsign up for (?:our|the|free)\b.{0,60}\b(?:newsletters?|briefing|emails?)\b"
    r"|\bdelivered (?:\w+ )?to your inbox\b)"
)
_IN_LINE_MAX = 500

_KIND_NAMES = {
    "ad_script": "ad script",
    "aggregator_notice": "aggregator notice",
    "copyright": "copyright notice",
    "image_credit": "image credit",
    "photo_gallery": "photo gallery",
    "video_widget": "video widget",
    "advertisement": "advertisement marker",
    "share_widget": "share widget",
    "promo": "promotion",
    "newsletter": "newsletter blurb",
    "punctuation": "lone punctuation",
    "url": "url",
    "credit_after_sentence": "image credit",
}
# Credits after which a short line is the photo's caption, not article text.
_CAPTION_AFTER = re.compile(r"^(?:©|(?:Photo|Image|Picture|Photograph|Credit)s?\s*[:|]|\()")
_CAPTION_MAX_CHARS = 120
_CAPTION_MAX_WORDS = 20
_SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+[A-Z]")

# --- pieces inside a line -----------------------------------------------------
_INLINE_RE = re.compile(
    r"(?P<credit_after_sentence>(?<=[.!?])[ \t]*\((?:Photo|Image|Picture|Photograph|Credit)s?\s*:\s*[^()\n]{1,60}\)\.)"
    r"|[ \t]*(?:"
    r"(?P<ad_script>\(?\s*adsbygoogle\s*=\s*window\.adsbygoogle\s*\|\|\s*\[?\s*\]?\s*\)?\s*\.push\(\s*\{?\s*\}?\s*\)\s*;?)"
    r"|(?P<url>pic\.twitter\.com/\w+|https?://[^\s<>\"'“”‘’]*[^\s<>\"'“”‘’.,;:!?)\]]|\bt\.co/\w+)"
    r"|(?P<image_credit>\((?:Photo|Image|Picture|Photograph|Credit)s?\s*:\s*[^()\n]{1,60}\))"
    r")"
)
_INLINE_CUES = ("http", "t.co/", "pic.twitter", "adsbygoogle", "(Photo", "(Image", "(Picture", "(Credit")
# The Hill: "Mike Pence Michael (Mike) Richard PenceTop Pence adviser ... MORE".
# The visible name stays; the glued full name and headline list go.
_HOVER_CARD_RE = re.compile(
    r"\b(?P<surname>[A-Z][\w'’-]+)"
    r"(?P<card> (?:(?:[A-Z][\w'’.-]*|\([^()\n]{1,30}\)) ){0,5}(?P=surname)(?=[A-Z0-9'‘“\"])[^\n]{0,1500}? MORE\b)"
)
_SPACES_RE = re.compile(r"[ \t]{2,}")
_LONE_PUNCTUATION_RE = re.compile(r"[\W_]{1,10}")


def _split_header(first_line: str, removed: list[Removal]) -> str:
    """Strip a "date YYYY-MM-DD" header, a dateline and a headline from the first line."""
    rest = first_line
    header = DATE_HEADER_RE.fullmatch(first_line)
    if header:
        removed.append(Removal("metadata", header["header"]))
        rest = header["rest"]
    rest = _strip_dateline(rest, removed)
    if header and rest and len(rest) < _TITLE_MAX_CHARS and not rest.rstrip().endswith(_SENTENCE_FINAL):
        removed.append(Removal("title", rest.strip()))
        return ""
    return rest


def _strip_dateline(line: str, removed: list[Removal]) -> str:
    """"Brussels 06.01.2022 Anna van Densky The ..." -> "The ..." (name only if 2-3 words)."""
    m = _DATELINE_RE.match(line.lstrip())
    if not m:
        return line
    place_date = m.group(1)
    name_words: list[str] = []
    for word in m.group(2).split():
        if word in _NAME_PARTICLES:
            name_words.append(word)
        elif word[0].isupper() and word.isalpha() and word.lower() not in STOP_WORDS:
            name_words.append(word)
        else:
            break
    while name_words and name_words[-1] in _NAME_PARTICLES:
        name_words.pop()
    capitalised = sum(1 for w in name_words if w not in _NAME_PARTICLES)
    dateline = place_date
    if 2 <= capitalised <= 3:
        dateline = f"{place_date} {' '.join(name_words)}"
    after = line.lstrip()[len(place_date) :].lstrip()
    if dateline != place_date:
        after = after[len(" ".join(name_words)) :].lstrip()
    removed.append(Removal("dateline", dateline))
    return after


def _whole_line_kind(stripped: str, cues_in_article: bool) -> str | None:
    if len(stripped) <= _WHOLE_LINE_MAX:
        m = _WHOLE_LINE_RE.fullmatch(stripped)
        if m:
            return _KIND_NAMES[m.lastgroup]
    if cues_in_article and len(stripped) <= _IN_LINE_MAX:
        m = _IN_LINE_RE.search(stripped)
        if m:
            return _KIND_NAMES[m.lastgroup]
    return None


def _is_caption(stripped: str) -> bool:
    return (
        len(stripped) <= _CAPTION_MAX_CHARS
        and len(stripped.split()) <= _CAPTION_MAX_WORDS
        and _SENTENCE_BREAK_RE.search(stripped) is None
        and not is_social_post(stripped)
    )


def _cut_inline(text: str, removed: list[Removal]) -> str:
    """Cut links, bracketed credits, ad scripts and hover cards out of running text."""

    def cut(m: re.Match) -> str:
        removed.append(Removal(_KIND_NAMES[m.lastgroup], m.group(0).strip()))
        return ""

    def cut_card(m: re.Match) -> str:
        removed.append(Removal("hover card", m.group("card").strip()))
        return m.group("surname")

    if any(cue in text for cue in _INLINE_CUES):
        text = _INLINE_RE.sub(cut, text)
    if " MORE" in text:
        text = _HOVER_CARD_RE.sub(cut_card, text)
    return text


def _tidy_lines(text: str, removed: list[Removal]) -> str:
    """After inline cuts: squeeze doubled spaces, drop lines left as bare punctuation."""
    kept = []
    for line in text.split("\n"):
        line = _SPACES_RE.sub(" ", line).strip()
        if line and _LONE_PUNCTUATION_RE.fullmatch(line):
            removed.append(Removal("lone punctuation", line))
            continue
        kept.append(line)
    return "\n".join(kept)


def clean_text(text: str) -> tuple[str, list[Removal]]:
    """The article body without page furniture, and what was taken out (in order)."""
    removed: list[Removal] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return "", removed
    lines[first] = _split_header(lines[first], removed)
    last = next(i for i in range(len(lines) - 1, -1, -1) if lines[i].strip() or i == first)
    if last != first and _SIGNATURE_RE.match(lines[last].strip()):
        signature = Removal("signature", lines[last].strip())
        lines[last] = ""
    else:
        signature = None

    cues_in_article = any(cue in text for cue in _IN_LINE_CUES)
    kept: list[str] = []
    previous_credit = False  # the line just before was a standalone photo credit
    for line in lines:
        stripped = line.strip()
        if not stripped:
            kept.append("")
            previous_credit = False
            continue
        kind = _whole_line_kind(stripped, cues_in_article)
        if kind is None and previous_credit and _is_caption(stripped):
            kind = "photo caption"
        if kind is None:
            kept.append(stripped)
            previous_credit = False
            continue
        removed.append(Removal(kind, stripped))
        previous_credit = kind == "image credit" and _CAPTION_AFTER.match(stripped) is not None
    body = "\n".join(kept)
    cut_body = _cut_inline(body, removed)
    if cut_body != body:
        body = _tidy_lines(cut_body, removed)
    if signature:
        removed.append(signature)
    return body.strip("\n"), removed


def clean_article(article: Article, passages: bool = True) -> CleanedArticle:
    """Cleaned text and, unless `passages` is False, its passages.

    Article-level analysis of a large corpus needs no passages; skipping the
    segmenting there saves most of this stage's time.
    """
    text, removed = clean_text(article.text)
    return CleanedArticle(
        doc_id=article.id,
        text=text,
        passages=segment(article.id, text) if passages else (),
        removed=tuple(removed),
    )
