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

import html
import math
import re
from typing import Collection, NamedTuple, Sequence

import numpy as np
import pandas as pd

from .loading.text_metadata import DATE_HEADER_RE
from .models import Article, CleanedArticle, Removal
from .parallel import in_halves
from .segmenting import is_social_post, segment
from .tokens import STOP_WORDS

__all__ = ["clean_text", "clean_article", "clean_corpus", "outlet_boilerplate", "is_social_post"]

# --- HTML left in uploaded text ----------------------------------------------
# Only real HTML tag names, so "<unknown>" or "a < b > c" in prose is left alone.
_BLOCK_TAGS = ("p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|thead|tbody|blockquote|section|article"
               "|header|footer|aside|nav|figure|figcaption|pre|main|form|iframe|noscript")
_INLINE_TAGS = ("a|abbr|b|big|cite|code|em|font|i|img|ins|del|mark|q|s|small|span|strong|sub|sup|time|u|wbr"
                "|picture|source|video|audio|button|input|label|meta|link|svg|path|g|html|head|body|title")
_HTML_RE = re.compile(
    r"(?P<element><(?P<name>script|style)\b[^>]*>.*?</(?P=name)\s*>)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<block></?(?:" + _BLOCK_TAGS + r")\b[^<>]*>)"
    r"|(?P<inline></?(?:" + _INLINE_TAGS + r")\b[^<>]*>)",
    re.IGNORECASE | re.DOTALL,
)
_ENTITY_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_HTML_KINDS = {"element": "html script", "comment": "html comment", "block": "html tag", "inline": "html tag"}


def _strip_html(text: str, removed: list[Removal]) -> str:
    """Tags out (block tags become line breaks, so paragraphs stay apart), entities decoded; the words between stay."""

    def cut(m: re.Match) -> str:
        removed.append(Removal(_HTML_KINDS[m.lastgroup if m.lastgroup != "name" else "element"], m.group(0)))
        return "\n" if m.lastgroup == "block" else ""

    if "<" in text:
        text = _HTML_RE.sub(cut, text)
    if "&" in text:
        for _ in range(5):  # "&amp;amp;nbsp;": escaped more than once
            entities = sorted({m.group(0) for m in _ENTITY_RE.finditer(text)})
            decoded = [e for e in entities if html.unescape(e) != e]
            if not decoded:
                break
            removed.extend(Removal("html entity", e) for e in decoded)
            text = _ENTITY_RE.sub(lambda m: html.unescape(m.group(0)), text)
    return text


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
# People credited in a byline or credit line: "Steve Holland and Jeff Mason in Washington".
_NAME = r"[A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|van|von|de|der|da|di|du|le|la|al|bin))*"
_NAMES = _NAME + r"(?:(?:, | and |, and )" + _NAME + r")*(?: in " + _NAME + r")?"
_FULL_NAME = r"[A-Z][a-z'’-]+(?: [A-Z]\.)?(?: [A-Z][a-z'’-]+){1,2}"  # "David Jackson", "Alicia A. Caldwell"

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
    r"|Image (?:copyright|caption) .*|Enlarge this image.{0,200}|toggle caption .{1,120}"
    r"|Slideshow \(\d+ Images?\)|(?:next|prev) Image \d+ of \d+"
    r"|(?:AP|AFP|EPA|Reuters) Photo(?:/[\w .'’-]{1,40})?"
    r")"
    r"|(?P<photo_caption>Hide caption .*|Facebook Twitter Pinterest .*|(?:FILE PHOTO|FILE)\s*(?::|[-–—])\s.{1,600})"
    r"|(?P<correction>(?:CORRECTION|CLARIFICATION|Correction|Clarification)\s*:\s*.{1,600}"
    r"|[\[{(]?(?:Editor['’]s [Nn]ote|EDITOR['’]S NOTE)\s*:\s*.{1,600})"
    r"|(?P<video_widget>(?:JUST WATCHED|MUST WATCH) .*|Watch the latest video at .*|Play Video \d+:\d\d.*)"
    r"|(?P<update_stamp>\[?(?:Updated|UPDATED|Update|UPDATE|Last updated)(?: (?:at|on))?:?[^.\n]{0,40}(?:\d|noon|midnight)"
    r"[^\n]{0,25}\]?\.?)"
    r"|(?P<sidebar>Quick guide .{1,200}\bShow Hide\b.*|This article tagged under:.*|Related Coverage .{1,200})"
    r"|(?P<advertisement>ADVERTISEMENT|Advertisement:?|AD|(?:Advertisement )+Advertisement"
    r"|(?:Advertisement )?Continue reading the main story|Story Continued Below"
    r"|Continue Reading Below|Loading\.\.\.|Skip Ad|Sponsored Content)"
    r"|(?P<share_widget>SHARE THIS ARTICLE.*|Share this:.*|Share Tweet Post Email|Link Copied|Read or Share this story:"
    r"|Share|Print|Email|WhatsApp|Twitter|Facebook|YouTube|Pocket|Video|Photo|Photos|CLOSE"
    r"|More On This\.\.\.|Related:|READ MORE:|Read [Mm]ore:|Also see:|More:|WATCH:)"
    r"|(?P<promo>(?:CLICK HERE|CLICK TO|Click here to|Click here for) .{0,80}"
    r"\b(?:APP|[Aa]pp|SIGN UP|[Ss]ign up|NEWSLETTER|[Nn]ewsletter|COVERAGE|[Cc]overage|TRIAL|[Rr]eprint).*"
    r"|Interested in .{1,60}\? Add .*Add Interest"
    r"|(?:PHOTOS?|VIDEOS?|WATCH|NOW WATCH|SLIDESHOW|POLL|QUIZ|MORE|RELATED|TIMELINE|LISTEN|INFOGRAPHIC|SEE ALSO"
    r"|READ(?: MORE)?|ALSO READ|More|Related|See also|Also read|Read more)\s*:\s*.{1,200})"
    r"|(?P<newsletter>\W{0,3}(?:Sign up|Sign Up|SIGN UP|Subscribe|SUBSCRIBE|Newsletter Sign)\b.*"
    r"|\W{0,3}(?:Get|Want) .{0,100}\b(?:in|to) your inbox\b.*)"
    r"|(?P<byline>[-–—•\s]*By " + _NAMES + r"(?:,? (?:[A-Z][\w.'’&-]*)(?: [A-Z][\w.'’&-]*){0,3})?"
    r"|[-–—•]+\s*" + _NAME + r"(?:(?:, | and |, and )" + _NAME + r"){0,4}"
    r"|" + _FULL_NAME + r"(?:(?:, | and |, and )" + _FULL_NAME + r"){1,4})"
    r"|(?P<punctuation>(?:\W|_)(?:[\W_]){0,9})"
    r"|(?P<url>(?:https?://|www\.|pic\.twitter\.com/|t\.co/)\S+(?:\s+(?:https?://|pic\.twitter\.com/)\S+)*)"
    r")"
)
_WHOLE_LINE_MAX = 3000  # Longer lines are prose; the country-list sign-up box is ~2,500.
# Credit lines: "Fox News' Chad Pergram contributed to this report.", "Reporting by X; Editing by Y".
_CREDIT_LINE_RE = re.compile(
    r"[-–—•⦁*\s]*(?:"
    r"[^\n]{1,250}?\b(?:contributed|contributes) (?:reporting )?to this (?:report|story|article)"
    r"|[^\n]{1,200}?\bcontributed reporting(?: (?:from|in) [^\n]{1,100})?"
    r"|(?:The )?(?:Associated Press|AP|Reuters|AFP) contributed|" + _NAMES + r" contributed"
    r"|Contributing:\s*[^\n]{1,200}"
    r"|This (?:report|article|story) (?:includes|contains) (?:material|reporting|information) from [^\n]{1,120}"
    r"|This (?:report|article|story) is based (?:in part )?on [^\n]{0,40}\breports"
    r"|(?:(?:Additional )?[Rr]eporting|[Ww]riting|[Ee]diting) by " + _NAMES +
    r"(?:[;,] (?:(?:[Aa]dditional )?[Rr]eporting|[Ww]riting|[Ee]diting) by " + _NAMES + r")*"
    r")[.)]?"
)
_CREDIT_LINE_CUES = ("ontribut", "eporting by", "diting by", "riting by", "based in part", "s material from",
                     "s reporting from", "s information from")
_CREDIT_LINE_MAX = 400
# `any(map(text.__contains__, CUES))`: substring scans in C, no generator per article (this runs per line).
_AUDIO_WIDGET_RE = re.compile(r"\bListen · \d+:\d\d")  # NPR: "From the NPR Newscast: ... Listen · 0:36 0:36"
_CLICK_HERE = ("lick here", "lick Here", "LICK HERE", "lick play")  # a short line with it is a promotion

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
# Every phrase _IN_LINE_RE finds holds one of these ("By signing up, you agree" holds none of the
# article's cues): a line without any of them is not searched, since the search is slow per line.
_IN_LINE_LINE_CUES = _IN_LINE_CUES + ("igning up",)

_KIND_NAMES = {
    "ad_script": "ad script",
    "aggregator_notice": "aggregator notice",
    "copyright": "copyright notice",
    "image_credit": "image credit",
    "photo_gallery": "photo gallery",
    "photo_caption": "photo caption",
    "correction": "correction notice",
    "video_widget": "video widget",
    "update_stamp": "update stamp",
    "sidebar": "sidebar box",
    "advertisement": "advertisement marker",
    "share_widget": "share widget",
    "promo": "promotion",
    "newsletter": "newsletter blurb",
    "punctuation": "lone punctuation",
    "byline": "byline",
    "url": "url",
}
# Credits after which a short line is the photo's caption, not article text.
_CAPTION_AFTER = re.compile(r"^(?:©|(?:Photo|Image|Picture|Photograph|Credit)s?\s*[:|]|\()")
_CAPTION_MAX_CHARS = 120
_CAPTION_MAX_WORDS = 20
_SENTENCE_BREAK_RE = re.compile(r"[.!?]\s+[A-Z]")

# --- pieces inside a line -----------------------------------------------------
# Each pattern starts with a literal (a fast scan) and runs only when the article holds the character
# every match holds (`needs`: a one-character search, several times faster than a longer cue's, and most
# articles have no "/" or "|", half no "(") and then one of its cues; the spaces before a cut go with it.
# A bracketed credit right after a sentence takes the period after it.
_BRACKET_CUE_RE = re.compile(r"\( ?(?:[A-Z]{3,12} ?:|SOUND|CROSSTALK|LAUGHTER|APPLAUSE|BEGIN VIDEO|END VIDEO)")
_SHORT_LINK_CUE_RE = re.compile(r"\.(?:rs|ly|gl|pr|it|ws|co|st|ms|al)/")
_CREDIT_CUES = ("(Photo", "(Image", "(Picture", "(Credit")
_INLINE_PATTERNS = (  # (needs, cues, pattern, kind); cues None: the bracket cue; "short links": its own cue
    ("/", ("http",), re.compile(r"https?://[^\s<>\"'“”‘’]*[^\s<>\"'“”‘’.,;:!?)\]]"), "url"),
    ("/", ("pic.twitter",), re.compile(r"pic\.twitter\.com/\w+"), "url"),
    ("/", ("t.co/",), re.compile(r"(?<![\w.])t\.co/\w+"), "url"),
    ("/", "short links", re.compile(
        r"(?<![\w.])(?:tmsnrt\.rs|reut\.rs|bit\.ly|goo\.gl|ow\.ly|n\.pr|cnn\.it|fxn\.ws|politi\.co|wapo\.st"
        r"|nyti\.ms|apne\.ws|usat\.ly|trib\.al|dlvr\.it)/\w+"), "url"),
    ("|", ("adsbygoogle",), re.compile(
        r"\(?\s*adsbygoogle\s*=\s*window\.adsbygoogle\s*\|\|\s*\[?\s*\]?\s*\)?\s*\.push\(\s*\{?\s*\}?\s*\)\s*;?"),
     "ad script"),
    ("(", _CREDIT_CUES, re.compile(r"\((?:Photo|Image|Picture|Photograph|Credit)s?\s*:\s*[^()\n]{1,60}\)"), "image credit"),
    ("(", None, re.compile(r"\((?:SOUNDBITE|SOUND BITE|CROSSTALK|LAUGHTER|APPLAUSE|BEGIN VIDEO CLIP|END VIDEO CLIP)"
                           r"[^()\n]{0,80}\)"), "transcript cue"),
    ("", ("archived recording",), re.compile(r"archived recording(?: \([^()\n]{1,60}\))?"), "speaker label"),
    ("", ("[",), re.compile(r"\[[A-Z][A-Z ,'’-]{2,40}\]"), "transcript cue"),  # "[CROWD MURMURING]"
    ("", ("Story Highlights", "Story highlights"), re.compile(r"(?<=[.!?\"”] )Story [Hh]ighlights(?= )"),
     "section label"),
    ("(", None, re.compile(r"\(\s*(?:PHOTOS?|VIDEOS?|TIMELINE|POLL|MAP|QUIZ|SLIDESHOW|READ|WATCH|MORE|RELATED|INFOGRAPHIC"
                           r"|LISTEN)\s*:[^()\n]{1,150}\)"), "promotion"),
)

# Photo agency credits, found by the agency (a cheap literal search) and checked backwards:
# "Jeff Roberson/AP", "Photo by Dan Kitwood/Getty Images", "| Drew Angerer | Getty Images", "(via Getty Images)".
_AGENCY = (r"(?:Getty Images|AFP|AP|Reuters|EPA(?:-EFE)?|Landov|Bloomberg|Pool|NurPhoto|Sipa(?: USA)?|Corbis|POLITICO|Staff"
           r"|ZUMA(?: Press| Wire)?|Shutterstock|Redux|Polaris|TASS|Xinhua|Anadolu(?: Agency)?|LightRocket)")
_CREDIT_WORD = r"[A-Z](?:[\w'’-]{0,2}\.|[\w'’-]*)"  # "Drew", "J.", "St." but not "Florida."
_CREDIT_NAME = r"(?<![\w.'’-])" + _CREDIT_WORD + r"(?: " + _CREDIT_WORD + r"){0,3}"
_PHOTO_BY = r"(?:(?:Pool )?(?:Photo|Photograph|Image|Picture)s?(?: [Bb]y)?:?|[Cc]redit:?|[Vv]ia)"
_AGENCY_HIT_RES = (  # (cues, pattern): each pattern starts with a literal, so each scan is fast; all cues needed
    (("/",), re.compile(r"/ ?" + _AGENCY + r"(?: ?/ ?(?:" + _AGENCY + r"|[A-Z][\w.'’-]*))*\b")),
    (("Getty",), re.compile(r"Getty Images\b")),
)
# Credits that need nothing before them: "| AP Photos", "(AP Photo/Mark Lennihan)", "REUTERS/Mike Blake".
_AGENCY_CREDIT_RES = (
    (("|",), re.compile(r"\| ?(?:AP|AFP|Reuters|EPA) Photos?\b")),
    (("(", " Photo"), re.compile(r"\((?:AP|AFP|Reuters|EPA) Photo(?: ?/ ?[^()\n]{1,60})?\)")),
    (("/", "REUTERS"), re.compile(r"REUTERS ?/ ?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}")),
)
_LEADLESS = frozenset(pattern for _, pattern in _AGENCY_CREDIT_RES)
_CREDIT_NAMES = _CREDIT_NAME + r"(?:,? and " + _CREDIT_NAME + r")?"  # "Jacob Turcotte and Noah Robertson"
_CREDIT_BEFORE_SLASH_RE = re.compile(
    r"(?:[|—(]\s*)?(?:" + _PHOTO_BY + r"\s*)?(?:" + _CREDIT_NAMES + r" ?/ ?){0,2}" + _CREDIT_NAMES + r" ?\Z"
)
_CREDIT_BEFORE_GETTY_RE = re.compile(
    r"(?:(?:[|—(]|--|(?<!\S)-)\s*(?:" + _PHOTO_BY + r"\s*)?|(?<![\w.'’-])" + _PHOTO_BY + r"\s*"
    r"|" + _CREDIT_NAME + r"\s*[|/]\s*)\Z"
)
_CREDIT_LOOKBACK = 120

# --- pieces at the start of a line, and photo galleries ---------------------------
# "WASHINGTON (Reuters) - ", "Kiev, Ukraine (CNN) -- ", "(CNN)": a wire credit before the first sentence.
_WIRE_DATELINE_RE = re.compile(
    r"(?:[A-Z][A-Za-z.'’-]*(?:[ ,/]+[A-Za-z][A-Za-z.'’-]*){0,7}\s*)?"
    r"\((?:CNN|AP|Reuters|AFP|UPI|CNSNews\.com|CNS News|RNS|JTA|Xinhua|Bloomberg|dpa|TASS|EFE|ANSA|Sputnik)\)"
    r"\s*(?:[-–—]{1,2}|:)?\s+(?=\S)"
)
# Labels before a line's text: "Story highlights", "UPDATE II:", "[Updated 8:32 p.m. ET]", and
# transcript speakers ("AMY GOODMAN:", "archived recording (lester holt)"). The text after them stays.
_LABEL_RE = re.compile(
    r"(?P<label>(?:Story highlights|STORY HIGHLIGHTS)\s+"
    r"|UPDATE(?: [IVX]{1,4})?\s*(?::|[-–—]{1,2})\s+)"
    r"|(?P<update_stamp>\[?(?:Updated|UPDATED|Update|UPDATE)(?: at)?:? \d{1,2}(?::\d\d)? ?(?:[ap]\.?m\.?|AM|PM)?"
    r"(?: ?[A-Z]{2,4})?(?: \(\d{1,2}:?\d\d ?[A-Z]{2,4}\))?(?:,? (?:on )?[\w/,.]+(?: \d{1,2})?)?\]?:?(?:\s+|$))"
    r"|(?P<speaker>(?!(?:SEE ALSO|READ MORE|READ|NOW WATCH|WATCH|RELATED|MORE|FILE PHOTO|CORRECTION|CLARIFICATION"
    r"|EDITOR'S NOTE|PHOTOS?|VIDEO|BREAKING|JUST IN|DEVELOPING)\b)"
    r"(?:[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}(?: \d)?): (?=\S)"
    r"|archived recording(?: \([^()\n]{1,60}\))? (?=\S))"
)
_DATELINE_LINES = 8  # a wire dateline is looked for in the article's first lines only (blank lines count)
_LABEL_KINDS = {"label": "section label", "update_stamp": "update stamp", "speaker": "speaker label"}
_LABEL_STARTS = ("Story", "STORY", "UPDATE", "Update", "[Update", "archived")
# "WASHINGTON — " starting an article: the place line of a dateline.
_CAPS_DATELINE_RE = re.compile(
    r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}(?:, [A-Z][A-Za-z.]{1,15}(?: [A-Z][A-Za-z.]{1,15})?)?\s+[-–—]{1,2}\s+(?=\S)"
)
# CNN galleries: "Photos: Title [Photos: Title] caption Hide Caption 1 of 22 Photos: Title ... Hide Caption 22 of 22",
# often thousands of characters in one line, sometimes after the article's last sentence.
_HIDE_CAPTION_RE = re.compile(r"Hide Caption \d+ of \d+")
_GALLERY_START_RE = re.compile(r"(?:^|(?<=[.!?\"”’)] ))(?:Photos?|PHOTOS?): ")
_GALLERY_TITLE_RE = re.compile(r"(?:Photos?: )+(.{3,100}?) (?:Photos?: )+\1\b")

# The Hill: "Mike Pence Michael (Mike) Richard PenceTop Pence adviser ... MORE".
# The visible name stays; the glued full name and headline list go.
_HOVER_CARD_RE = re.compile(
    r"\b(?P<surname>[A-Z][\w'’-]+)"
    r"(?P<card> (?:(?:[A-Z][\w'’.-]*|\([^()\n]{1,30}\)) ){0,5}(?P=surname)(?:MORE\b|(?=[A-Z0-9'‘“\"])[^\n]{0,1500}? MORE\b))"
)
_SPACES_RE = re.compile(r"[ \t]{2,}")
_LONE_PUNCTUATION_MAX = 10
_LONE_PUNCTUATION_RE = re.compile(r"[\W_]{1,%d}" % _LONE_PUNCTUATION_MAX)


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


_LABEL_MAX_CHARS = 40
_LABEL_REPEATS = 3


def _repeated_labels(lines: list[str]) -> set[str]:
    """Short lines without sentence punctuation that recur in one article: a transcript's speaker names
    ("michael barbaro" before each turn of a podcast transcript)."""
    counts: dict[str, int] = {}
    for line in lines:
        if 0 < len(line) <= _LABEL_MAX_CHARS + 2:
            line = line.strip()
            if line:
                counts[line] = counts.get(line, 0) + 1
    return {line for line, n in counts.items()
            if n >= _LABEL_REPEATS and len(line.split()) <= 4 and not line.endswith((".", "?", "!", ":", ","))
            and any(ch.isalpha() for ch in line)}


def _cut_gallery(line: str, removed: list[Removal]) -> str:
    """Cut a photo gallery out of a line; the article text before or after it stays."""
    first = _HIDE_CAPTION_RE.search(line) if "Hide Caption" in line else None
    if first is None:
        if line.startswith("Photo") and _GALLERY_TITLE_RE.match(line):  # "Photos: Title Photos: Title caption": one slide
            removed.append(Removal("photo gallery", line))
            return ""
        return line
    start_at = _GALLERY_START_RE.search(line, 0, first.start())
    start = start_at.start() if start_at else first.start()
    end = first.end()
    for end_at in _HIDE_CAPTION_RE.finditer(line, end):
        end = end_at.end()
    if line[end:].lstrip().startswith(("Photos: ", "Photo: ")):  # a gallery cut short by the scraper
        end = len(line)
    removed.append(Removal("photo gallery", line[start:end].strip()))
    return (line[:start].rstrip() + " " + line[end:].lstrip()).strip()


def _cut_prefix(line: str, removed: list[Removal], near_start: bool = True) -> str:
    """Cut a wire dateline ("WASHINGTON (Reuters) - ", near the article's start) or a label ("UPDATE:") starting a line."""
    if near_start and line.find("(", 0, 120) >= 0:
        m = _WIRE_DATELINE_RE.match(line)
        if m:
            removed.append(Removal("dateline", m.group(0).strip()))
            line = line[m.end():]
    if line[:2].isupper() or line.startswith(_LABEL_STARTS):
        m = _LABEL_RE.match(line)
        if m:
            removed.append(Removal(_LABEL_KINDS[m.lastgroup], m.group(0).strip()))
            line = line[m.end():]
    return line


def _whole_line_kind(
    stripped: str, cues_in_article: bool, credit_cues: tuple[str, ...] = _CREDIT_LINE_CUES, click_cues: tuple[str, ...] = _CLICK_HERE
) -> str | None:
    """The kind of furniture the whole line is, or None. `credit_cues` and `click_cues`: those found in the article."""
    if len(stripped) <= _WHOLE_LINE_MAX:
        m = _WHOLE_LINE_RE.fullmatch(stripped)
        if m:
            return _KIND_NAMES[m.lastgroup]
    if len(stripped) <= _CREDIT_LINE_MAX:
        if stripped.endswith(" Read more"):  # a related headline (The Guardian)
            return "promotion"
        if "Listen · " in stripped and _AUDIO_WIDGET_RE.search(stripped):
            return "audio widget"
        if credit_cues and any(map(stripped.__contains__, credit_cues)) and _CREDIT_LINE_RE.fullmatch(stripped):
            return "credit line"
        if click_cues and any(map(stripped.__contains__, click_cues)):
            return "promotion"
    if cues_in_article and len(stripped) <= _IN_LINE_MAX and any(map(stripped.__contains__, _IN_LINE_LINE_CUES)):
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

    def cut_card(m: re.Match) -> str:
        removed.append(Removal("hover card", m.group("card").strip()))
        return m.group("surname")

    bracket_cue = short_link_cue = None
    holds = {char: char in text for char in "/|("}
    holds[""] = True
    spans: list[tuple[int, int, str]] = []
    for needs, cues, pattern, kind in _INLINE_PATTERNS:
        if not holds[needs]:
            continue
        if cues is None:
            if bracket_cue is None:
                bracket_cue = _BRACKET_CUE_RE.search(text) is not None
            if not bracket_cue:
                continue
        elif cues == "short links":
            if short_link_cue is None:
                short_link_cue = _SHORT_LINK_CUE_RE.search(text) is not None
            if not short_link_cue:
                continue
        elif not any(map(text.__contains__, cues)):
            continue
        spans.extend((m.start(), m.end(), kind) for m in pattern.finditer(text))
    if spans:
        pieces: list[str] = []
        done = 0
        for start, end, kind in sorted(spans):
            if start < done:
                continue
            while start > done and text[start - 1] in " \t":
                start -= 1
            if kind == "image credit" and text.startswith(".", end) and start > 0 and text[start - 1] in ".!?":
                end += 1  # "He spoke. (Image: social media)." keeps one period
            removed.append(Removal(kind, text[start:end].strip()))
            pieces.append(text[done:start])
            done = end
        text = "".join(pieces) + text[done:]
    text = _cut_agency_credits(text, removed)
    if "MORE" in text:
        text = _HOVER_CARD_RE.sub(cut_card, text)
    return text


def _cut_agency_credits(text: str, removed: list[Removal]) -> str:
    """Cut photo credits that name a photo agency; the agency in a sentence of prose stays."""
    pieces: list[str] = []
    done = 0  # text[:done] is settled
    hits = sorted((m for cues, pattern in _AGENCY_HIT_RES + _AGENCY_CREDIT_RES if all(map(text.__contains__, cues))
                   for m in pattern.finditer(text)), key=lambda m: m.start())
    for hit in hits:
        if hit.start() < done:
            continue
        if hit.re in _LEADLESS:
            start = hit.start()
        else:
            line_start = text.rfind("\n", 0, hit.start()) + 1
            window = max(line_start, done, hit.start() - _CREDIT_LOOKBACK)
            lead_re = _CREDIT_BEFORE_SLASH_RE if text[hit.start()] == "/" else _CREDIT_BEFORE_GETTY_RE
            lead = lead_re.search(text, window, hit.start())
            if lead is None:
                continue
            start = lead.start()
        end = hit.end()
        if text.startswith(")", end) and "(" in text[start:end]:
            end += 1
        removed.append(Removal("image credit", text[start:end].strip()))
        pieces.append(text[done:start])
        done = end
    return "".join(pieces) + text[done:] if pieces else text


def _tidy_lines(text: str, removed: list[Removal]) -> str:
    """After inline cuts: squeeze doubled spaces, drop lines left as bare punctuation."""
    kept = []
    for line in _SPACES_RE.sub(" ", text).split("\n"):  # one pass: a run of spaces never crosses a line
        line = line.strip()
        if len(line) <= _LONE_PUNCTUATION_MAX and line and _LONE_PUNCTUATION_RE.fullmatch(line):
            removed.append(Removal("lone punctuation", line))
            continue
        kept.append(line)
    return "\n".join(kept)


def clean_text(text: str) -> tuple[str, list[Removal]]:
    """The article body without page furniture, and what was taken out (in order)."""
    removed: list[Removal] = []
    text = _strip_html(text, removed)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
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

    # Phrase cues matter only in short lines: look for them there, not in the long paragraphs.
    short_lines = "\n".join(line for line in lines if len(line) <= _IN_LINE_MAX)
    cues_in_article = any(map(short_lines.__contains__, _IN_LINE_CUES))
    credit_cues = tuple(cue for cue in _CREDIT_LINE_CUES if cue in short_lines)  # per line, only those the article has
    click_cues = tuple(cue for cue in _CLICK_HERE if cue in short_lines)
    gallery_in_article = "Hide Caption" in text or "Photos: " in text
    speakers = _repeated_labels(lines)
    kept: list[str] = []
    previous_credit = False  # the line just before was a standalone photo credit
    for line in lines:
        stripped = line.strip()
        if stripped and gallery_in_article:
            stripped = _cut_gallery(stripped, removed)
        if stripped and (stripped[:2].isupper() or stripped.startswith(_LABEL_STARTS)
                         or (len(kept) < _DATELINE_LINES and stripped.find("(", 0, 120) >= 0)):
            stripped = _cut_prefix(stripped, removed, near_start=len(kept) < _DATELINE_LINES)
        if not stripped:
            kept.append("")
            previous_credit = False
            continue
        kind = _whole_line_kind(stripped, cues_in_article, credit_cues, click_cues)
        if kind is None and stripped in speakers:  # "Advertisement" three times is still an advertisement marker
            kind = "speaker label"
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


def clean_article(article: Article, passages: bool = True, outlet_lines: Collection[str] = ()) -> CleanedArticle:
    """Cleaned text and, unless `passages` is False, its passages.

    Article-level analysis of a large corpus needs no passages; skipping the
    segmenting there saves most of this stage's time. `outlet_lines` are
    lines the corpus pass found to be the outlet's boilerplate (as listed in
    an analysis' removals): they go again, so one article cleaned on its own
    reads as it did in the analysis.
    """
    text, removed = clean_text(article.text)
    if outlet_lines:
        wanted = set(outlet_lines)
        lines = text.split("\n")
        text, more = _drop_lines(lines, [i for i, line in enumerate(lines) if line in wanted])
        removed += more
    return CleanedArticle(
        doc_id=article.id,
        text=text,
        passages=segment(article.id, text) if passages else (),
        removed=tuple(removed),
    )


# --- the corpus pass: what recurs across one outlet's articles ---------------------------
OUTLET_SHARE = 0.005  # a line in this share of an outlet's articles (and at least OUTLET_MIN_ARTICLES) recurs
OUTLET_MIN_ARTICLES = 3
OUTLET_MIN_SPAN_DAYS = 30  # boilerplate outlives a story: its articles span at least this many days
OUTLET_EDGE_LINES = 2  # the first and last lines of an article: where sign-offs, bylines and promos sit
_KEY_MAX_CHARS = 160  # lines shorter than this are compared blind to case and numbers ("Updated at 3:15 p.m.")
_KEY_STRIP = " \t\u00a0•⦁*·-–—.,;:!?\"'“”‘’()[]|"
_KEY_MIN_CHARS = 3
_NUMBER_RE = re.compile(r"\d+")
_QUOTED_RE = re.compile(r"[\"“”„«»]\s*\w+(?:\W+\w+){2}")  # a quotation of three words or more
UNKNOWN_SOURCES = frozenset({"", "unknown"})


def _line_keys(lines: list[str]) -> list[str]:
    """Each line as compared across articles: short lines blind to case and numbers, all without edge punctuation."""
    sub, strip = _NUMBER_RE.sub, _KEY_STRIP
    return [sub("0", line.lower()).strip(strip) if len(line) < _KEY_MAX_CHARS else line.strip(strip) for line in lines]


class KeyedLines(NamedTuple):
    """What the outlet pass needs of one cleaned text, computed where the text was cleaned."""

    text_hash: int  # exact copies within an outlet count once
    numbers: list[int]  # the lines compared (in text.split("\n")): not blank, a key of _KEY_MIN_CHARS or more
    hashes: list[int]  # their keys' hashes (see _line_keys)


def keyed_lines(text: str) -> KeyedLines:
    """A cleaned text's lines as the outlet pass compares them across articles."""
    numbered = [(j, line) for j, line in enumerate(text.split("\n")) if line]
    keys = _line_keys([line for _, line in numbered])
    keyed = [(j, hash(k)) for (j, _), k in zip(numbered, keys) if len(k) >= _KEY_MIN_CHARS]
    return KeyedLines(hash(text), [j for j, _ in keyed], [h for _, h in keyed])


def outlet_boilerplate(
    texts: Sequence[str], sources: Sequence[str], dates: Sequence[str | None], keyed: Sequence[KeyedLines] | None = None,
) -> list[list[int]]:
    """Per article, the line numbers (in text.split("\\n")) that are its outlet's boilerplate.

    A line is boilerplate when, blind to case and numbers, it recurs in at
    least max(OUTLET_MIN_ARTICLES, OUTLET_SHARE of the outlet's articles)
    different articles of one outlet, and the recurrence is not one story
    told several times:
    - the articles span at least OUTLET_MIN_SPAN_DAYS days over at least three
      dates (an outlet whose articles carry no dates must show the line at
      the start or end of most of them instead);
    - a line holding a quotation counts only when it sits at the start or end
      of most articles: several reports quoting one speech quote it in their
      body, a promo for a book or show sits at the edge.
    An article whose every line would go keeps them all: a one-sentence
    article is its own content. Exact copies within an outlet count once;
    articles without a known outlet are left alone. Linear in the number of
    lines: one hash per line, numpy counts, pandas aggregates over the few
    lines that recur. `keyed`: each text's keyed_lines, when the caller has
    them already (clean_corpus computes them in the cleaning's two processes).
    """
    n = len(texts)
    out: list[list[int]] = [[] for _ in range(n)]
    source_codes, source_names = pd.factorize(pd.Series(list(sources), dtype=object))
    countable = np.array([str(s).strip().lower() not in UNKNOWN_SOURCES for s in source_names], dtype=bool)
    seen_texts: set[tuple[int, int]] = set()
    counted = np.zeros(n, dtype=bool)  # not an exact copy of an earlier article of its outlet
    hashes: list[int] = []
    line_no: list[int] = []
    first_in_article: list[bool] = []
    n_content = np.zeros(n, dtype=np.int64)
    for i, text in enumerate(texts):
        if not countable[source_codes[i]]:
            continue
        text_hash, numbers, article_hashes = keyed_lines(text) if keyed is None else keyed[i]
        signature = (source_codes[i], text_hash)
        counted[i] = signature not in seen_texts
        seen_texts.add(signature)
        if not numbers:
            continue
        hashes.extend(article_hashes)
        line_no.extend(numbers)
        if len(set(article_hashes)) == len(article_hashes):
            first_in_article.extend([True] * len(numbers))
        else:  # a line repeated within the article counts once
            seen: set[int] = set()
            for h in article_hashes:
                first_in_article.append(h not in seen)
                seen.add(h)
        n_content[i] = len(numbers)
    if not hashes:
        return out
    art = np.repeat(np.arange(n), n_content)
    rank = np.arange(len(hashes)) - np.repeat(np.cumsum(n_content) - n_content, n_content)
    # one key per (outlet, line): the outlet's code mixed into the line's hash
    key = np.array(hashes, dtype=np.int64).view(np.uint64) ^ (
        source_codes[art].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    counting = np.array(first_in_article, dtype=bool) & counted[art]
    uniq, counts = np.unique(key[counting], return_counts=True)
    recurring = uniq[counts >= OUTLET_MIN_ARTICLES]
    if len(recurring) == 0:
        return out
    rows = np.flatnonzero(np.isin(key, recurring))
    day = pd.to_datetime(pd.Series(list(dates), dtype=object), errors="coerce", format="ISO8601")
    day_no = (day - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype=float, na_value=np.nan)
    edge = (rank < OUTLET_EDGE_LINES) | (rank >= n_content[art] - OUTLET_EDGE_LINES)
    table = pd.DataFrame({
        "key": key[rows], "art": art[rows], "line": np.array(line_no, dtype=np.int64)[rows],
        "edge": edge[rows], "counting": counting[rows], "day": day_no[art[rows]],
    })
    stats = table[table["counting"]].groupby("key").agg(
        articles=("art", "size"), first_art=("art", "first"), first_line=("line", "first"),
        edge=("edge", "mean"), dates=("day", "nunique"), first_day=("day", "min"), last_day=("day", "max"),
    )
    per_outlet = np.bincount(source_codes[counted], minlength=len(source_names))
    needed = np.maximum(OUTLET_MIN_ARTICLES, np.ceil(OUTLET_SHARE * per_outlet[source_codes[stats["first_art"]]]))
    at_edge = stats["edge"] >= 0.5
    dated = stats["dates"] >= 3
    spread = np.where(dated, stats["last_day"] - stats["first_day"] >= OUTLET_MIN_SPAN_DAYS, at_edge)
    stats = stats[(stats["articles"] >= needed) & spread]
    accepted = [
        k for k, edge_ok, a, j in zip(stats.index, stats["edge"] >= 0.5, stats["first_art"], stats["first_line"])
        if edge_ok or not _QUOTED_RE.search(texts[a].split("\n")[j])
    ]
    hit = table[table["key"].isin(accepted)]
    for a, numbers in hit.groupby("art", sort=False)["line"]:
        if len(numbers) < n_content[a]:  # never the whole article
            out[int(a)] = sorted(int(x) for x in numbers)
    return out


def _drop_lines(lines: list[str], numbers: Sequence[int]) -> tuple[str, list[Removal]]:
    """The text without the given lines (blank lines around them squeezed), and what went."""
    drop = set(numbers)
    removed = [Removal("outlet boilerplate", lines[j].strip()) for j in sorted(drop)]
    kept = [line for j, line in enumerate(lines) if j not in drop]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
    return text, removed


def _clean_texts(texts: Sequence[str]) -> list[tuple[str, list[Removal], KeyedLines]]:
    """Each text cleaned, with its lines keyed for the outlet pass: both per article, so both run in halves."""
    out = []
    for t in texts:
        text, removed = clean_text(t)
        out.append((text, removed, keyed_lines(text)))
    return out


def clean_corpus(articles: Sequence[Article], passages: bool = True) -> list[CleanedArticle]:
    """Every article cleaned on its own, then its outlet's recurring boilerplate taken out (see outlet_boilerplate).

    The articles are cleaned in two processes when the corpus is large (parallel.in_halves).
    """
    cleaned = [c for half in in_halves(_clean_texts, [a.text for a in articles]) for c in half]
    boilerplate = outlet_boilerplate([t for t, _, _ in cleaned], [a.source for a in articles], [a.date for a in articles],
                                     [k for _, _, k in cleaned])
    out = []
    for article, (text, removed, _), numbers in zip(articles, cleaned, boilerplate):
        if numbers:
            text, more = _drop_lines(text.split("\n"), numbers)
            removed = removed + more
        out.append(CleanedArticle(
            doc_id=article.id,
            text=text,
            passages=segment(article.id, text) if passages else (),
            removed=tuple(removed),
        ))
    return out
