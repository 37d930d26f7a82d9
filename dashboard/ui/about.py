"""How it works: the method in plain words, and what it cannot tell you."""

import streamlit as st

from dashboard import frame_lift, frame_model, frame_suggestions, frames, tables
from dashboard.keyterms import MIN_TERM_COUNT, Z_CRITICAL

st.title("How it works")
st.markdown(
    f"""
Framelens compares how outlets **frame** one event: which aspects they stress, which words they choose,
what they leave out. Everything is computed from the words of the articles; nothing is sent anywhere.

### The steps
1. **Loading and cleaning.** Articles come from text files, tables, JSON or archives. Cleaning removes
   what the outlet did not write as its story: adverts, aggregator notices, photo credits, captions and
   galleries, credit and byline lines ("The Associated Press contributed to this report"), wire datelines,
   newsletter and share boxes, HTML tags and bare links. Across the corpus, a line that recurs in many of
   one outlet's articles over weeks is that outlet's boilerplate (sign-offs, promos, column notes) and goes
   too; a quotation in the body and an article's only text stay. Every cut is listed with its article, and
   every skipped file and every guess (date, outlet, encoding) is listed in the load report.
2. **Units.** An article can mix framings, so up to 300 articles the analysis works on **passages**
   (paragraphs, long ones split); larger corpora are analysed article by article. You can choose in the sidebar.
3. **Words.** Each article's language is detected from its first 500 characters (py3langid, offline) and
   shown in the articles table. Text is lower-cased and split into words of any script; the common words of
   the article's language ("the", "said"; "что", "заявил") are dropped, from the `stop-words` package's
   list for that language plus news filler such as verbs of saying, and spelling variants of one name are
   merged (Settings shows which). A corpus in several languages is analysed with each article's own list
   and says so; terms are not translated, so groups in different languages share no words. A language
   without a list (Kazakh, for one) keeps its common words, with a notice. Chinese, Japanese and Thai,
   written without spaces, come out as runs of text rather than words: they cannot be analysed yet.
   Single words and two-word phrases are counted (Settings: longest phrase counted; your extra stop words
   and aliases apply in every view).
4. **TF-IDF.** Each unit becomes a vector of term weights: a term counts more the more the unit uses it
   and the fewer units use it at all, so "troops" says more than "country".
5. **Syndicated copies.** Texts published more than once (agency copy, reprints) are found by overlapping
   word sequences. They are grouped, and by default only one copy takes part in clustering and key terms,
   so one text printed five times does not look five times as important. *Originality* is the share of an
   article's word sequences found in no other article. The Copies page lists every group, its original (the
   earliest-dated article) and its copies, each one click away from being read beside its original.
6. **Stories, then clusters.** Articles are first grouped into **stories**: the same event or development
   reported by one or more outlets. When the corpus has a story field (`event_id`, `event` or `story`) the
   stories follow it; otherwise (or with *Stories: auto* in the sidebar) they are found from the text, with
   no number of stories to give: titles and leads weigh most, shared names, places and figures count, and
   articles more than a week apart are not one story. Units are then grouped by k-means (or agglomerative
   clustering with cosine distance, up to 4,000 units) in a space made of their words and their frame
   profile (the frame scores below). On a corpus of many stories the heaviest words of a unit are its
   story's names and events, so plain word clusters would be the stories, or their topics. Before
   clustering, each story's **shared content** (the words at least two of its units use, beyond what the
   whole corpus uses) is therefore taken out of its units, and what is left (angle, emphasis, wording) is
   clustered: **a cluster is a way of telling stories, not a story**. For example, if four outlets each report
   a bridge collapse and a rate rise, two counting the cost (budget, taxpayers, billions) and two the people
   (families, grief, children), plain word clusters are "the bridge" and "the rates"; with each story's own
   names taken out, one cluster holds the cost tellings of both stories and the other the human ones. Each
   cluster card says how many stories and outlets it draws from and marks one made mostly of one story. On a
   corpus of one story (the sample) nothing is taken out. Settings can switch this off and set how much the
   frame profile weighs (0 gives word clustering only). Large corpora are first reduced to 50 dimensions
   (truncated SVD). The number of clusters is chosen by the silhouette score, up to about √(units/2),
   unless you set it. Clusters are numbered by size, so cluster 1 is the largest. The map places units told
   alike near each other.
   **A cluster is named after a frame only when it earns it**: at least {frame_lift.EARNED_MIN_SHARE:.0%} of its
   units carry the frame, at least {frame_lift.EARNED_MIN_LIFT} times the frame's share in the whole corpus (the
   *lift*), and a one-sided Fisher exact test finds that excess unlikely to be chance: p below
   {frame_lift.ALPHA} divided by the number of cluster-and-frame pairs tested (a Bonferroni bound, so the chance
   of naming even one cluster by luck stays below {frame_lift.ALPHA}). Syndicated copies are not counted. Otherwise
   the cluster is named by its three most distinctive terms. Each card gives the shares, the lift and p.
7. **Frames: lexicon evidence, corpus context.** A frame is a list of words and phrases (a lexicon). A unit
   whose words clearly use a frame's lexicon (at least {frames.MIN_HITS} hits and {frames.MIN_SCORE} per 100 words) is an
   example of it; a unit of {frame_model.MIN_NEGATIVE_TOKENS} words or more with none of its words is a counter-example. From these
   examples, one model per frame learns the context the frame comes in *in this corpus* (a logistic regression
   on {frame_model.CONTEXT_DIMS} latent dimensions of the TF-IDF vectors, built by truncated SVD), so a passage that makes the same
   point in other words can get the frame too. Its output is calibrated on held-out examples (Platt scaling,
   {frame_model.CV_FOLDS}-fold cross-validation): a *score* between 0 and 1. A unit's score for a frame is the stronger of its
   lexicon score (which reaches {frame_model.SCORE_THRESHOLD} exactly where the lexicon alone is clear) and its model score (which
   counts only when the unit's words, on balance, point to the frame). **A unit carries every frame whose
   score is at least {frame_model.SCORE_THRESHOLD}**; it can carry several. Its dominant frame is the one its own lexicon words show
   most clearly when they are clear for some frame, else the one with the highest score, or "none" when no score
   reaches {frame_model.SCORE_THRESHOLD}. Words are counted as mentions: phrases of one frame that overlap ("collective security
   treaty" for "collective security" and "security treaty") count once, and a section heading ("Doubts about
   legitimacy") is read with every passage under it, down to the next heading. A frame with fewer than {frame_model.MIN_SEEDS} clear examples gets no model
   and is scored by its lexicon alone (a note says so). "Why these frames" (Framing clusters, under an opened
   article) lists, for each passage, the lexicon terms found and the words the model weighed, with their
   weights. An article's *framing profile* is the share of its passages with each dominant frame. The Overview's
   sources × frames table gives each outlet's share of units with each dominant frame and their number, and
   marks outlets with fewer than {tables.THIN_CELL_UNITS} units, whose shares say little. When more than
   {tables.MOSTLY_NONE:.0%} of the units get no frame, or more than {tables.SINGLE_FRAME_SHARE:.0%} the same one,
   the Overview says so and names the bundled lexicon whose words frame the most of this corpus.
   Three lexicons are bundled (Settings chooses one, or takes your own TOML; `--frames` on the command line):
   - **crisis**: the framings of one crisis, unrest or foreign intervention (sovereignty and security,
     terrorism claims, legitimacy doubts, protests, public order, military deployment, power struggle,
     geopolitics), written for the sample corpus.
   - **policy**: the 14 frames of the Policy Frames Codebook (Boydstun, Card, Gross, Resnik and Smith 2014):
     economic; capacity and resources; morality; fairness and equality; legality; policy prescription;
     crime and punishment; security and defence; health and safety; quality of life; cultural identity;
     public opinion; political; external regulation.
   - **news**: the five generic news frames (Semetko and Valkenburg 2000, after Neuman, Just and Crigler 1992):
     conflict, human interest, economic consequences, morality, and attribution of responsibility
     (here `resolution`).

   With **auto** (the default) the bundled lexicon whose words give a clear frame to the most units of
   this corpus is used; the Overview says which and why. Each lexicon's words are ordinary news vocabulary
   chosen from its codebook's definitions, not learnt from labelled data.

   **Frames the corpus suggests** (Settings; `python -m dashboard suggest` on the command line). A lexicon
   finds only the framings its author thought of. For each cluster, its units are compared with the other
   clusters' units *of the same stories* (the whole corpus counts as one story when stories are not known),
   with the key-terms test below: what the stories are about is shared and cancels out, how the cluster tells
   them remains. The terms that stand out (z ≥ {Z_CRITICAL}, used at least {MIN_TERM_COUNT} times) and that the lexicon does
   not have (neither a term it counts a hit in nor part of one of its phrases), leaving out names (words
   mostly capitalised inside sentences) and repeats, are a candidate frame when there are at least
   {frame_suggestions.MIN_SUGGESTION_TERMS}, shown with the passages that use most of them. You name it, edit its terms and add it to
   the lexicon in use; the analysis runs again with it and the lexicon downloads as TOML. A small corpus
   rarely has terms that pass the test, and then nothing is suggested.
8. **Key terms.** Two groups are compared with the weighted log-odds ratio with an informative prior
   ("Fightin' Words", Monroe, Colaresi and Quinn 2008). Every word and phrase the two groups use at
   least {MIN_TERM_COUNT} times together is compared, including words found in nearly every article, which
   clustering leaves out; rates are per 1,000 of all the group's words. Rare words get pulled towards the
   corpus average, so a z-score above 1.96 (or below −1.96) means a difference unlikely to be chance, not
   just a word used once. A group is a cluster, a frame, an outlet, a value of any column the corpus carries
   (bias, topic, country, …), a date range or articles you choose; the same groups work on the command line
   (`python -m dashboard terms --a bias:left --b bias:right`).
9. **Side by side.** Each sentence of one article is matched with the sentence of the other that copies it
   (nearly the same words) or reports the same fact in other words: shared words count by how rare they are in
   the corpus and how few sentences of the two articles use them, names count double and numbers count however
   they are written ("1,200" = "1200"). Two articles on the same story need less evidence per sentence pair,
   but a pair matched only thanks to that allowance is called a *related statement*, not the same fact: read,
   such pairs are mostly other statements on the same point of the story.
   Inside a matched pair, the words one sentence has and the other lacks show how each outlet tells the fact;
   sentences without a match are what one article says and the other does not.

### What it cannot tell you
- **Frames start from word lists.** They count words, not meaning: "we reject claims of terrorism"
  scores as terrorism framing. Negation, irony and quotation are invisible to them. The models learn from
  the lexicon's examples, so they inherit its mistakes (a lexicon that takes "national security" for a
  sovereignty argument teaches its model that surveillance stories are about sovereignty) and they learn
  the topics a frame comes with along with the frame. Scores are calibrated against the lexicon's own
  examples, not against human judgement. Read the passages; "Why these frames" shows what a score rests on.
- **Clusters are topical as much as framing.** Passages about the same sub-topic (prices, troops, the
  airport) cluster together whatever their stance. A cluster is a starting point for reading, not a verdict.
- **Translations and transliterations** change words: two outlets may say the same in different words and look
  different, or names may be spelled differently (aliases help, but not always).
- **Counts depend on the corpus.** Adding or removing articles changes TF-IDF weights, clusters and their numbers.
  Shared links carry the view (sidebar and page choices), not your uploads or Settings-page options.
- **Small groups give weak evidence.** With a handful of articles, few terms reach significance.
- **Syndication detection** needs long shared word sequences: a rewritten agency story counts as original.
"""
)
