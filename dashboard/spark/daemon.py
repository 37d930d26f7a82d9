"""Spark's Python worker daemon, with the engine's modules imported once before it forks workers.

Spark forks a Python worker per task slot from a daemon; by default each
worker then imports what the task's functions need (numpy, pandas,
scikit-learn, the dashboard core: several seconds on a busy laptop, again
for every new worker). Set as `spark.python.daemon.module`, this daemon
imports them first, so workers are born with them.
"""

from pyspark import daemon

from .. import cleaning, duplicates, frame_model, frames, languages, stories, tokens  # noqa: F401
from ..loading import loader  # noqa: F401
from . import batches  # noqa: F401

if __name__ == "__main__":
    daemon.manager()
