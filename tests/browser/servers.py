"""The `streamlit run` servers the browser tests start, and the guarantee that none outlives the run.

Each server runs in a process group of its own (start_new_session), so one
signal to the group reaches Streamlit and anything it started. A server is
stopped by the fixture that started it; if that never happens (a failing
start, Ctrl-C, a crash in a hook) the session-finish hook in conftest.py and,
as a last resort, atexit stop every server still registered here. Where
util-linux's setpriv exists, the server also gets SIGKILL from the kernel
when the pytest process dies without running any Python (kill -9).
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SERVER_START_TIMEOUT = 60  # seconds until /_stcore/health must answer "ok"
SAMPLE_EVERY = 0.2  # seconds between memory samples
STOP_GRACE = 10  # seconds a group gets to exit after SIGTERM before SIGKILL

STARTED: list["Server"] = []  # every server started by this process, stopped or not


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_stats() -> list[tuple[int, str, int, int]]:
    """(pid, state, ppid, process group) of every process (from /proc: no ps needed)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited while scanning
        fields = stat.rsplit(")", 1)[1].split()  # the command name in (...) may hold spaces
        out.append((int(entry.name), fields[0], int(fields[1]), int(fields[2])))
    return out


def _children(pid: int) -> list[int]:
    """Every descendant of pid (scanning /proc: works without CONFIG_PROC_CHILDREN)."""
    parents: dict[int, list[int]] = {}
    for child, _state, ppid, _pgid in _proc_stats():
        parents.setdefault(ppid, []).append(child)
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out.extend(kids)
        todo.extend(kids)
    return out


def group_members(pgid: int) -> list[int]:
    """The live processes of process group pgid (zombies are dead and do not count)."""
    return [pid for pid, state, _ppid, group in _proc_stats() if group == pgid and state != "Z"]


def kill_group(pgid: int, grace: float = STOP_GRACE) -> None:
    """SIGTERM to the whole group, SIGKILL to whatever is left after `grace` seconds; returns once it is empty."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while group_members(pgid):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        else:
            return
    raise RuntimeError(f"process group {pgid} survived SIGKILL: {group_members(pgid)}")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (VmRSS), in MB."""
    total_kb = 0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue  # exited between the scan and the read
    return total_kb / 1024


def streamlit_command(port: int, extra_args: Sequence[str]) -> list[str]:
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra_args]
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--", *command] if setpriv else command


class Server:
    """A server in its own process group, with its memory sampled in the background."""

    def __init__(self, name: str, extra_args: Sequence[str] = (),
                 command: Callable[[int, Sequence[str]], list[str]] = streamlit_command):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"server-{name}.log"
        self._log = open(self.log_path, "wb")
        self._stopped = False
        self.proc = subprocess.Popen(command(self.port, extra_args), cwd=REPO, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.pgid = self.proc.pid  # start_new_session: the server leads a new group
        STARTED.append(self)
        self.samples: list[tuple[float, float]] = []  # (monotonic time, MB)
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._stop.is_set() and self.proc.poll() is None:
            self.samples.append((time.monotonic(), rss_mb(self.proc.pid)))
            self._stop.wait(SAMPLE_EVERY)

    def peak_mb(self, since: float = 0.0) -> float:
        return max((mb for t, mb in self.samples if t >= since), default=0.0)

    def wait_healthy(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not answer on {self.url} in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """Kill the whole group, also when the leader is gone and a child of it is not; safe to call again."""
        if self._stopped:
            return
        self._stopped = True
        self._stop.set()
        try:
            kill_group(self.pgid)
        finally:
            try:
                self.proc.wait(timeout=10)  # reap the leader
            except subprocess.TimeoutExpired:
                pass
            self._sampler.join(timeout=2)
            self._log.close()


def start_server(name: str, extra_args: Sequence[str] = (),
                 command: Callable[[int, Sequence[str]], list[str]] = streamlit_command,
                 timeout: float = SERVER_START_TIMEOUT) -> Server:
    """A running, healthy server; on any failure to get there (Ctrl-C included) its group is killed."""
    server = Server(name, extra_args, command)
    try:
        server.wait_healthy(timeout)
    except BaseException:
        server.stop()
        raise
    return server


def stop_all() -> None:
    """Stop every server this process started (for the session end and atexit)."""
    for server in STARTED:
        try:
            server.stop()
        except Exception as exc:  # one stubborn group must not keep the others alive
            print(f"could not stop the {server.name} server (group {server.pgid}): {exc}", file=sys.stderr)


def survivors() -> dict[str, list[int]]:
    """Live processes left in the groups of the servers this process started, by server name."""
    left = {f"{s.name} (group {s.pgid})": group_members(s.pgid) for s in STARTED}
    return {name: pids for name, pids in left.items() if pids}


atexit.register(stop_all)
