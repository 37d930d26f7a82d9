"""The browser tests' servers die with their process group, whichever way their fixture ends.

No browser is needed: a stand-in server (a Python sleeper with a child of its
own) is started the way conftest.py starts `streamlit run`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

import servers

# A leader that starts a child in its group, then sleeps: a server with a worker process.
SLEEPER = ("import subprocess, sys, time; "
           "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); time.sleep(120)")


def sleeper(port, extra_args):
    return [sys.executable, "-c", SLEEPER]


@pytest.fixture(autouse=True)
def own_registry(monkeypatch, tmp_path):
    """Stand-ins are registered and logged apart from the session's real servers and report."""
    monkeypatch.setattr(servers, "STARTED", [])
    monkeypatch.setattr(servers, "ARTIFACTS", tmp_path)


def wait_for_members(pgid: int, n: int) -> list[int]:
    deadline = time.monotonic() + 10
    while len(members := servers.group_members(pgid)) < n:
        assert time.monotonic() < deadline, members
        time.sleep(0.05)
    return members


def test_stop_kills_the_child_when_the_leader_is_already_gone():
    server = servers.Server("stand-in", command=sleeper)
    wait_for_members(server.pgid, 2)
    os.kill(server.pgid, signal.SIGKILL)  # the leader dies, its child lives on in the group
    server.proc.wait(timeout=10)
    assert servers.group_members(server.pgid)
    server.stop()
    assert servers.group_members(server.pgid) == []
    server.stop()  # a second stop (finalizer, then session end, then atexit) is harmless


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_a_failing_start_kills_the_group(monkeypatch, failure):
    started = []

    def never_healthy(self, timeout):
        started.append(self)
        wait_for_members(self.pgid, 2)
        raise failure("the server did not come up")

    monkeypatch.setattr(servers.Server, "wait_healthy", never_healthy)
    with pytest.raises(failure):
        servers.start_server("stand-in", command=sleeper)
    (server,) = started
    assert servers.group_members(server.pgid) == []
    assert servers.survivors() == {}


def test_a_server_that_does_not_answer_is_stopped_with_its_log():
    with pytest.raises(RuntimeError, match="did not answer") as raised:
        servers.start_server("stand-in", command=sleeper, timeout=1)
    assert "stand-in server" in str(raised.value)
    assert servers.STARTED and servers.survivors() == {}


def test_group_members_sees_live_processes_only():
    proc = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    proc.wait()  # reaped: gone from /proc
    assert servers.group_members(proc.pid) == []
    assert os.getpid() in servers.group_members(os.getpgid(0))
