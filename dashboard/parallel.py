"""Two processes for the work done article by article: this machine and Community Cloud have two cores.

Cleaning and tokenising treat each article on its own and are pure Python,
so one process uses one core. `in_halves` runs a function on the first half
of a list here and on the second half in a forked child at the same time,
and returns both results for the caller to join. The child sees the list
through the fork (nothing is copied to it); only its result is pickled back.

A fork is used only where it is safe and cheap: on Linux, from a process
with a single thread (the command line and the benchmark). A Streamlit
server runs its scripts beside other threads, and a child forked there could
inherit a lock another thread holds; there, and for short lists, the work
runs here in one piece. The results are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
import traceback
from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 400  # below this many items a second process costs more than it saves
# Set (to anything) where another scheduler already keeps every core busy: the Spark engine's workers.
ONE_PROCESS = "FRAMELENS_ONE_PROCESS"


def two_cores() -> bool:
    """Whether a second process can be forked here, safely and to some use."""
    if os.environ.get(ONE_PROCESS) or not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except OSError:
        return (os.cpu_count() or 1) >= 2


def in_halves(work: Callable[[Sequence[T]], R], items: Sequence[T], min_items: int | None = None) -> list[R]:
    """[work(first half), work(second half)] computed at the same time, or [work(items)] in one piece.

    `work` must be a pure function of its items: the caller joins the
    results, which must not depend on where the list was cut (pass global
    positions in the items when they matter). An exception in the child is
    raised here, with the child's traceback in its message.
    """
    if len(items) < max(MIN_ITEMS if min_items is None else min_items, 2) or not two_cores():
        return [work(items)]
    middle = len(items) // 2
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_child, args=(work, items[middle:], send), name="framelens-half", daemon=True
    )
    child.start()
    send.close()
    try:
        first = work(items[:middle])
        try:
            status, payload = pickle.loads(receive.recv_bytes())
        except EOFError:
            child.join()
            raise RuntimeError(f"the second process ended without a result (exit code {child.exitcode})") from None
    finally:
        receive.close()
        if child.is_alive():
            child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
    if status == "error":
        raise RuntimeError(f"the second process failed:\n{payload}")
    return [first, payload]


def _child(work: Callable[[Sequence[T]], R], items: Sequence[T], send) -> None:
    try:
        message = ("ok", work(items))
    except BaseException:  # reported to the parent, which raises it
        message = ("error", traceback.format_exc())
    send.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    send.close()
