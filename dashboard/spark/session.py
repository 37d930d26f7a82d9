"""The engine's SparkSession, and one clear message when pyspark or Java is missing.

Local mode (`local[*]`, every core of this machine) is the default; `--master
URL` names a cluster, and under `spark-submit` the master it was given is kept.
Defaults for a laptop: no web UI and no progress bars (nothing listens on a
port, stderr stays readable), shuffles in 2 x cores partitions instead of
200, Spark's log at error level, small Arrow batches so a Python worker
holds a few thousand articles at a time. Any `--spark-conf KEY=VALUE` wins.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Mapping

from ..errors import FramelensError
from ..parallel import ONE_PROCESS

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = "requirements-spark.txt"
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
ARROW_BATCH = 2_000  # rows per Arrow batch handed to Python: bounds a worker's memory on long articles
LOCAL_DRIVER_MEMORY = "4g"  # local mode runs the executors inside the driver's JVM


class SparkUnavailable(FramelensError):
    """The Spark engine cannot run on this machine; the message says what to install."""


def missing_requirements() -> str | None:
    """Why the Spark engine cannot run here, or None when it can: pyspark not installed, or no Java."""
    if importlib.util.find_spec("pyspark") is None:
        return (f"the Spark engine needs pyspark, which is not installed: "
                f"python3 -m pip install -r {REQUIREMENTS}")
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and shutil.which("java") is None:
        return ("the Spark engine needs a Java runtime (17 or 21), and none was found (no java on PATH, no "
                "JAVA_HOME): install one, e.g. apt-get install openjdk-17-jre-headless")
    return None


def require_spark() -> None:
    problem = missing_requirements()
    if problem:
        raise SparkUnavailable(problem)


def parse_conf(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """`KEY=VALUE` strings (from --spark-conf) as a dict; a malformed one is an error naming it."""
    conf = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            raise SparkUnavailable(f"--spark-conf takes KEY=VALUE, got {pair!r}")
        conf[key.strip()] = value.strip()
    return conf


def _quiet_pandas_warning() -> None:
    # pyspark 4.3 warns on every conversion that it does not fully support pandas 3. The engine hands data
    # to and from Spark as Arrow record batches, never through pandas, so the warning does not apply.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)


ENGINE_DEFAULTS = {  # what the engine's jobs assume, wherever they run
    "spark.app.name": "framelens",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.maxRecordsPerBatch": str(ARROW_BATCH),
    # Plans grow with every stage; their text (for logs and the UI) is cut instead of rendered whole.
    "spark.sql.maxPlanStringLength": "2000",
    # Spark's tasks already use every core: the local functions do not fork a second process (parallel.py).
    f"spark.executorEnv.{ONE_PROCESS}": "1",
}


def _local_defaults(master: str) -> dict[str, str]:
    """A laptop's settings: no web UI, shuffles sized to the cores, quiet logs, workers that see this checkout."""
    parts = str(2 * _local_cores(master))
    return {
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": parts,
        "spark.default.parallelism": parts,
        "spark.driver.memory": LOCAL_DRIVER_MEMORY,
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
        "spark.executorEnv.PYTHONPATH": str(ROOT),
        "spark.pyspark.python": sys.executable,
        # Workers fork from a daemon that has the engine imported.
        "spark.python.daemon.module": "dashboard.spark.daemon",
    }


def spark_session(master: str | None = None, conf: Mapping[str, str] | None = None):
    """A SparkSession for the engine: an active one is reused (a test's), else one is started.

    Local mode (the default) gets _local_defaults; a cluster named with
    `--master` gets only ENGINE_DEFAULTS, and under spark-submit only those
    of them spark-submit was not given. `conf` (--spark-conf) wins over all.
    """
    require_spark()
    _quiet_pandas_warning()
    from pyspark.sql import SparkSession

    conf = dict(conf or {})
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    under_submit = "PYSPARK_GATEWAY_PORT" in os.environ and master is None  # spark-submit chose the master
    if under_submit:
        from pyspark import SparkConf, SparkContext

        SparkContext._ensure_initialized()
        given = SparkConf()
        settings = {k: v for k, v in ENGINE_DEFAULTS.items() if not given.contains(k)}
    else:
        master = master or "local[*]"
        settings = dict(ENGINE_DEFAULTS)
        if master.startswith("local"):
            # Python workers import dashboard: in local mode they see this checkout through PYTHONPATH.
            os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
            settings.update(_local_defaults(master))
    builder = SparkSession.builder
    if master:
        builder = builder.master(master)
    for key, value in {**settings, **conf}.items():
        builder = builder.config(key, value)
    # Local workers inherit the JVM's environment, which is this process's when the JVM starts: the
    # one-process setting is there for the start only, so this process's own work may still fork.
    had = os.environ.get(ONE_PROCESS)
    os.environ[ONE_PROCESS] = "1"
    try:
        spark = builder.getOrCreate()
    finally:
        if had is None:
            del os.environ[ONE_PROCESS]
    if not spark.sparkContext.master.startswith("local"):
        _ship_package(spark)
    else:
        spark.sparkContext.setLogLevel("ERROR")
    return spark


def _local_cores(master: str) -> int:
    inside = master[master.find("[") + 1 : master.find("]")] if "[" in master else "1"
    if inside in ("*", ""):
        return os.cpu_count() or 1
    return max(1, int(inside.split(",")[0]))


def _ship_package(spark) -> None:
    """On a cluster, the dashboard package goes to every executor as a zip (its data files are read on the driver)."""
    folder = Path(tempfile.mkdtemp(prefix="framelens-pyfiles-"))
    archive = folder / "dashboard.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((ROOT / "dashboard").rglob("*.py")):
            zf.write(path, path.relative_to(ROOT).as_posix())
    spark.sparkContext.addPyFile(str(archive))
