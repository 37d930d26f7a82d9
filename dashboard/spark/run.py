"""The Spark engine as the CLI asks for it: a result folder written, or a temporary one read back as an Analysis."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from ..errors import FramelensError
from ..models import Analysis, Settings
from .result import open_result


class SparkJobError(FramelensError):
    """Spark stopped with an error (out of memory, a lost executor, an unreadable path); the message is Spark's."""


@contextmanager
def _spark_errors() -> Iterator[None]:
    """Spark's own failures as one readable line instead of a JVM stack trace."""
    try:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException
    except ImportError:  # the session start reports the missing package itself
        yield
        return
    try:
        yield
    except (PySparkException, Py4JError) as exc:
        first = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise SparkJobError(f"Spark failed: {first[:500]}") from None


def write_result(paths: Sequence[str], out: Path, settings: Settings, master: str | None = None,
                 conf: dict[str, str] | None = None) -> dict:
    """Analyse with Spark into the folder `out`; returns its manifest."""
    from . import engine
    from .session import spark_session

    with _spark_errors():
        spark = spark_session(master, conf)
        return engine.analyze_to_folder(list(paths), Path(out), settings, spark)


def analyze(paths: Sequence[str], settings: Settings, master: str | None = None,
            conf: dict[str, str] | None = None) -> Analysis:
    """Analyse with Spark and read the result back (for `--out FILE.json`, stdout, or a question asked at once).

    The result folder is temporary: it lives as long as this process, since
    the Analysis reads its tables when asked (TF-IDF rows, group counts).
    """
    folder = Path(tempfile.mkdtemp(prefix="framelens-spark-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    out = folder / "result"
    write_result(paths, out, settings, master, conf)
    return open_result(out)
