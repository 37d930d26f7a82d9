"""The CLI for spark-submit: `spark-submit [spark options] dashboard/spark/submit.py analyze PATH --out DIR/`.

spark-submit runs a Python file, not a module; this one runs `python -m
dashboard` with `--engine spark`, and the session uses the master, resources
and settings spark-submit was given.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from dashboard.cli import run  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--engine" not in args:
        args += ["--engine", "spark"]
    raise SystemExit(run(args))
