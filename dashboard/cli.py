"""`python -m dashboard`: the analysis core as JSON on the command line.

Every failure is one line on stderr and a non-zero exit, never a traceback:
researchers script this, and a traceback tells them nothing about their data.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Iterable

from . import keyterms
from .clusters import DEFAULT_METHOD, METHODS
from .errors import FramelensError
from .groups import GroupSpec, short_syntax, syntax_help
from .lexicons import AUTO, CHOICES, lexicon_text
from .loading import load_corpus
from .models import Settings
from .pipeline import STORY_CHOICES, analyze, analyze_for_terms
from .queries import align, analysis_json, key_terms, suggestions_to_dict, terms_to_records


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line instead of usage + traceback
        raise SystemExit(_fail(f"{self.prog}: {message}", code=2))


def _fail(message: str, code: int = 1) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p):
        p.add_argument("paths", nargs="+", help="files or folders of articles")
        p.add_argument("--unit", choices=["auto", "article", "passage"], default="auto")
        p.add_argument("--method", choices=list(METHODS), default=DEFAULT_METHOD,
                       help="; ".join(f"{m.name}: {m.help}" for m in METHODS.values()))
        p.add_argument("--k", type=_positive_int, default=None, help="number of clusters (default: chosen by silhouette)")
        p.add_argument("--stories", choices=list(STORY_CHOICES), default=Settings().stories,
                       help="how articles are grouped into stories: follow the corpus's event_id/event/story field "
                            "when it has one, else find them from the text (column, the default), or always find "
                            "them from titles, texts and dates (auto)")
        p.add_argument("--keep-story-content", action="store_true",
                       help="cluster on all words (clusters may be stories or topics) instead of taking each "
                            "story's shared content out first (clusters are ways of telling stories)")
        p.add_argument("--frames", default=AUTO, metavar="NAME|FILE.toml",
                       help=f"frame lexicon: {', '.join(CHOICES)} (default {AUTO}: the bundled one covering "
                            "the corpus best), or the path of your own TOML lexicon")
        p.add_argument("--out", type=Path, default=None,
                       help="write JSON here instead of stdout; with --engine spark, a path not ending in .json "
                            "is a folder of Parquet tables that the dashboard and these commands open")
        engines(p)

    def engines(p):
        p.add_argument("--engine", choices=["local", "spark"], default="local",
                       help="local: this process (default); spark: Apache Spark, for corpora beyond one machine "
                            "(needs pip install -r requirements-spark.txt and Java)")
        p.add_argument("--master", default=None, metavar="URL",
                       help="with --engine spark: the Spark master (default local[*], or spark-submit's)")
        p.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                       help="with --engine spark: a Spark setting, e.g. spark.driver.memory=8g (repeatable)")

    common(sub.add_parser("analyze", help="clusters, frames, duplicates and aliases"))
    specs_epilog = "group specs:\n" + "\n".join(f"  {line}" for line in syntax_help().splitlines())
    terms = sub.add_parser("terms", help="distinctive terms between two groups", epilog=specs_epilog,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    common(terms)
    terms.add_argument("--a", required=True, help=f"group A: {short_syntax('a')}")
    terms.add_argument("--b", default="rest", help="group B: the same kinds, or rest (default)")
    terms.add_argument("--limit", type=_positive_int, default=50, help="terms per side")
    suggest = sub.add_parser("suggest", help="frames the corpus suggests: terms that set a cluster apart within its "
                                             "stories and that the lexicon lacks, with example passages")
    common(suggest)
    suggest.add_argument("--limit", type=_positive_int, default=None, help="at most this many suggestions")
    groups = sub.add_parser("groups", help="every group spec worth comparing in this corpus, with its label",
                            epilog=specs_epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    common(groups)
    al = sub.add_parser("align", help="two articles side by side, sentence by sentence")
    al.add_argument("paths", nargs="+", help="files or folders of articles, then the two article ids")
    al.add_argument("--out", type=Path, default=None)
    engines(al)
    return parser


def _settings(args) -> Settings:
    """The analysis settings of the command line; a lexicon is read and checked here, before any work.

    `--frames` takes a lexicon choice (auto or a bundled name, in any case) or
    a file; a bare word that is neither is an error naming the choices.
    """
    choice = str(getattr(args, "frames", AUTO)).strip()
    if choice.lower() in CHOICES:
        lexicon, frames_toml = choice.lower(), None
    else:
        lexicon, frames_toml = AUTO, lexicon_text(choice)
    return Settings(
        unit=getattr(args, "unit", "auto"),
        method=getattr(args, "method", DEFAULT_METHOD),
        k=getattr(args, "k", None),
        stories=getattr(args, "stories", Settings().stories),
        remove_story_content=not getattr(args, "keep_story_content", False),
        lexicon=lexicon,
        frames_toml=frames_toml,
    )


def _analysis(args, paths: list[str], settings: Settings):
    """The analysis a command asks about: a Spark result folder as it is, or the corpus analysed by the chosen engine."""
    if len(paths) == 1 and (Path(paths[0]) / "manifest.json").is_file():
        from .spark.result import open_result  # pyarrow only: a result folder needs no Spark

        return open_result(paths[0])
    if getattr(args, "engine", "local") == "spark":
        from .spark import run as spark_run
        from .spark.session import parse_conf

        return spark_run.analyze(paths, settings, args.master, parse_conf(args.spark_conf))
    # Key terms between groups of the corpus's own metadata need no clusters, frames or stories.
    light = args.command == "terms" and all(GroupSpec.parse(s).reads_metadata for s in (args.a, args.b))
    return (analyze_for_terms if light else analyze)(load_corpus(paths), settings)


def _spark_folder(args) -> bool:
    """`analyze --engine spark --out DIR`: the result is the folder itself, not JSON."""
    return (args.command == "analyze" and getattr(args, "engine", "local") == "spark" and args.out is not None
            and args.out.suffix.lower() != ".json")


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "align":
            if len(args.paths) < 3:
                return _fail("align needs PATH... A_ID B_ID", code=2)
            paths, (a_id, b_id) = args.paths[:-2], args.paths[-2:]
            analysis = _analysis(args, paths, Settings(unit="article"))
            payload = align(analysis, a_id, b_id).to_dict()
        elif _spark_folder(args):
            from .spark import run as spark_run
            from .spark.session import parse_conf

            manifest = spark_run.write_result(args.paths, args.out, _settings(args), args.master,
                                              parse_conf(args.spark_conf))
            summary = {"out": str(args.out), **{k: manifest[k] for k in ("articles", "copies", "stories_count", "k")},
                       "seconds": manifest["timings"]}
            sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
            return 0
        else:
            settings = _settings(args)
            analysis = _analysis(args, args.paths, settings)
            if args.command == "analyze":
                return _write(analysis_json(analysis), args.out)  # streamed: never the whole document in memory
            elif args.command == "suggest":
                if getattr(analysis.term_counter, "compare_specs", None) is not None:
                    raise FramelensError("suggest reads each article's own tokens, which a Spark result folder does "
                                         "not keep: run it with the local engine (on a sample of the corpus)")
                payload = suggestions_to_dict(analysis, args.limit)
            elif args.command == "groups":
                payload = [{"spec": spec, "label": label} for spec, label in GroupSpec.options(analysis).items()]
            else:
                df = key_terms(analysis, args.a, args.b)
                top_a, top_b = keyterms.top_terms(df, args.limit, "a"), keyterms.top_terms(df, args.limit, "b")
                payload = terms_to_records(top_a) + terms_to_records(top_b)
                left_out = keyterms.outlet_names_left_out(df)
                if left_out["a"] or left_out["b"]:
                    print("left out as outlets naming themselves (mostly used by the outlet named): "
                          + "; ".join(f"{side.upper()}: {', '.join(t)}" for side, t in left_out.items() if t),
                          file=sys.stderr)
                payload.sort(key=lambda r: -abs(r["z"]))
    except FramelensError as exc:  # anything the user can fix; everything else is a bug and shows as one
        return _fail(str(exc))
    except MemoryError:
        return _fail("out of memory: try --unit article or a smaller corpus")

    return _write([json.dumps(payload, ensure_ascii=False, indent=1), "\n"], args.out)


def _write(pieces: Iterable[str], out: Path | None) -> int:
    """Write the JSON text as it comes, to stdout or to `out`.

    A file is written beside its final name and renamed when complete, so a
    failure half-way leaves no truncated JSON where the user expects a result.
    """
    if out is None:
        for piece in pieces:
            sys.stdout.write(piece)
        return 0
    partial = out.with_name(out.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8") as f:
            for piece in pieces:
                f.write(piece)
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        return _fail(f"cannot write {out}: {exc.strerror}")
    return 0


def main() -> None:
    raise SystemExit(run())
