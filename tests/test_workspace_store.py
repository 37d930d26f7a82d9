"""The workspace store: what a link reopens, its limits, expiry, the switch, faults and concurrent writers."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import string
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Callable

import pytest

from dashboard import workspaces as ws_mod
from dashboard.errors import FramelensError
from dashboard.loading import corpus_hash, load_seed_corpus
from dashboard.models import Article, LoadIssue
from dashboard.workspaces import (DAY, MB, SavingDisabled, StoreConfig, StoreUnavailable, Workspace,
                                  WorkspaceLimitError, WorkspaceNotFound, WorkspaceStore)

REPO = Path(__file__).resolve().parents[1]
SEEDS = load_seed_corpus()


def record(a: Article) -> tuple:
    """Every field of an article, `extra` included (Article's == ignores extra)."""
    return (a.id, a.text, a.source, a.title, a.date, a.url, a.origin, list(a.extra.items()))


def noise(n: int, seed: int) -> str:
    """Text that does not compress, so stored sizes are predictable."""
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_letters + " ") for _ in range(n))


def article(i: int, text: str | None = None, **extra) -> Article:
    text = text if text is not None else f"Article number {i} says something about the event."
    return Article(id=f"{i:012x}", text=text, source=f"Outlet {i % 3}", title=f"Title {i}",
                   date="2022-01-0%d" % (1 + i % 9), url=f"https://example.org/{i}", origin=f"upload.csv row {i}",
                   extra=extra)


def upload(articles: list[Article], **kw) -> Workspace:
    return Workspace(base="upload", base_hash=corpus_hash(articles), articles=articles, **kw)


@pytest.fixture
def clock():
    """A clock the test moves: now[0] seconds."""
    now = [1_800_000_000.0]
    return now


@pytest.fixture
def store(tmp_path, clock) -> WorkspaceStore:
    return WorkspaceStore(StoreConfig(data_dir=tmp_path / "data"), clock=lambda: clock[0])


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


# ---------------------------------------------------------------- what a workspace reopens


def test_a_workspace_reopens_every_field_of_every_article_with_edits_and_options(store):
    articles = [
        article(1, topic="Elections", bias="left", event_id=17, score=0.25, flag=True, missing=None),
        article(2, text="Ünïcödé text — with a lone surrogate \udc80 kept as loaded", topic="Economy"),
        *SEEDS.articles,
    ]
    issues = [LoadIssue("bad.txt", "is empty"), LoadIssue("x.csv row 3", "date guessed", "warning")]
    pasted = [article(99, text="A pasted article.")]
    corrections = {articles[0].id: {"source": "Corrected Outlet", "date": "not a date"}}
    options = {"aliases": (("tokaev", "tokayev"),), "extra_stop_words": ("said",), "ngram_max": 3,
               "frames_toml": "[frames.x]\nterms = ['y']\n", "frame_weight": 0.3}
    key = store.create(upload(articles, issues=issues, encodings={"x.csv": "cp1252"}, upload_names=["x.csv"],
                              pasted=pasted, corrections=corrections, options=options))

    back = store.load(key)
    assert [record(a) for a in back.articles] == [record(a) for a in articles]
    assert corpus_hash(back.articles) == corpus_hash(articles)  # the analysis cache key is the same again
    assert [record(a) for a in back.pasted] == [record(a) for a in pasted]
    assert back.issues == issues and back.encodings == {"x.csv": "cp1252"} and back.upload_names == ["x.csv"]
    assert back.corrections == corrections  # as typed: the bad date is still there to be reported
    assert back.options == options and back.problems == []
    assert back.base == "upload" and back.base_hash == corpus_hash(articles)


def test_keys_are_random_and_never_derived_from_the_content(store):
    workspace = upload(list(SEEDS.articles))
    keys = {store.create(workspace) for _ in range(5)}
    assert len(keys) == 5  # the same content twice gets two keys
    for key in keys:
        assert ws_mod.is_key(key) and len(key) * 6 >= 128  # url-safe base64: 6 bits a character
        assert not any(a.id in key or SEEDS.content_hash in key for a in SEEDS.articles)


def test_an_update_replaces_the_edits_and_keeps_the_articles(store):
    key = store.create(upload(list(SEEDS.articles), pasted=[article(1)], corrections={"a": {"source": "A"}}))
    store.update(key, pasted=[article(2), article(3)], corrections={"b": {"date": "2022-01-05"}},
                 options={"ngram_max": 1})
    back = store.load(key)
    assert [record(a) for a in back.articles] == [record(a) for a in SEEDS.articles]
    assert [a.id for a in back.pasted] == [article(2).id, article(3).id]
    assert back.corrections == {"b": {"date": "2022-01-05"}}
    assert back.options == {"ngram_max": 1}


def test_a_sample_based_workspace_holds_only_the_edits(store):
    key = store.create(Workspace(base="sample", base_hash=SEEDS.content_hash, pasted=[article(5)],
                                 corrections={SEEDS.articles[0].id: {"source": "X"}}))
    back = store.load(key)
    assert back.base == "sample" and back.articles == [] and back.base_hash == SEEDS.content_hash
    assert [a.id for a in back.pasted] == [article(5).id]


def test_options_from_another_version_are_reported_and_the_rest_kept():
    options, problems = ws_mod.decode_options(json.dumps({"ngram_max": 3, "no_such_option": 1, "k": 5}))
    assert options == {"ngram_max": 3}
    assert len(problems) == 2 and any("no_such_option" in p for p in problems) and any("`k`" in p for p in problems)


# ---------------------------------------------------------------- unknown keys


@pytest.mark.parametrize("key", ["", "short", "../../etc/passwd", "x" * 500, "a" * 31 + "!"])
def test_a_malformed_key_is_not_found(store, key):
    with pytest.raises(WorkspaceNotFound):
        store.load(key)


def test_an_unknown_key_is_not_found_and_all_store_errors_are_framelens_errors(store):
    store.create(upload(list(SEEDS.articles)))
    with pytest.raises(WorkspaceNotFound) as caught:
        store.load(ws_mod.new_key())
    assert isinstance(caught.value, FramelensError)
    assert "expired" in str(caught.value)
    for error in (WorkspaceNotFound, WorkspaceLimitError, SavingDisabled, StoreUnavailable):
        assert issubclass(error, FramelensError)


# ---------------------------------------------------------------- limits


def test_a_workspace_over_its_limit_is_refused_and_nothing_saved_changes(tmp_path):
    store = WorkspaceStore(StoreConfig(data_dir=tmp_path, max_workspace_bytes=60_000))
    small = store.create(upload([article(1), article(2)]))
    before = store.usage()
    big = [article(i, text=noise(20_000, i)) for i in range(5)]
    with pytest.raises(WorkspaceLimitError) as caught:
        store.create(upload(big))
    assert "per workspace" in str(caught.value)
    assert store.usage() == before
    with pytest.raises(WorkspaceLimitError):  # growing an existing one past the limit by pasting
        store.update(small, pasted=big, corrections={"x": {"source": "new"}}, options={})
    back = store.load(small)
    assert [a.id for a in back.articles] == [article(1).id, article(2).id]
    assert back.pasted == [] and back.corrections == {}  # the refused update left it as it was
    assert integrity(store.config.path) == "ok"


def test_the_store_limit_refuses_new_workspaces_and_keeps_the_old(tmp_path):
    store = WorkspaceStore(StoreConfig(data_dir=tmp_path, max_store_bytes=100_000))
    saved = []
    with pytest.raises(WorkspaceLimitError) as caught:
        for i in range(20):
            saved.append(store.create(upload([article(i, text=noise(15_000, i)), article(100 + i)])))
    assert "store is full" in str(caught.value)
    assert 1 <= len(saved) < 20
    count, total = store.usage()
    assert count == len(saved) and total <= 100_000
    for i, key in enumerate(saved):
        assert store.load(key).articles[0].text == noise(15_000, i)


def test_limits_and_the_switch_come_from_the_environment_before_secrets(tmp_path):
    env = {"FRAMELENS_DATA_DIR": str(tmp_path / "env"), "FRAMELENS_MAX_STORE_MB": "50",
           "FRAMELENS_RETENTION_DAYS": "7"}
    secrets = {"data_dir": "from-secrets", "max_store_mb": 10, "max_workspace_mb": 2, "save_workspaces": True}
    config, problems = StoreConfig.from_settings(env, secrets, root=tmp_path)
    assert problems == []
    assert config.data_dir == tmp_path / "env" and config.max_store_bytes == 50 * MB
    assert config.max_workspace_bytes == 2 * MB and config.retention_days == 7 and config.enabled
    relative, _ = StoreConfig.from_settings({}, {"data_dir": "store"}, root=tmp_path)
    assert relative.data_dir == tmp_path / "store"  # beside app.py, not the working directory
    default, _ = StoreConfig.from_settings({}, {})
    assert default.data_dir == REPO / "data" and default.enabled


@pytest.mark.parametrize("name,value", [("FRAMELENS_MAX_STORE_MB", "lots"), ("FRAMELENS_RETENTION_DAYS", "-3"),
                                        ("FRAMELENS_MAX_WORKSPACE_MB", "nan"), ("FRAMELENS_SAVE_WORKSPACES", "maybe")])
def test_a_bad_setting_is_reported_and_its_default_used(name, value):
    config, problems = StoreConfig.from_settings({name: value}, {})
    assert len(problems) == 1 and name in problems[0]
    assert config == StoreConfig(data_dir=config.data_dir)  # every value at its default


# ---------------------------------------------------------------- expiry


def test_unused_workspaces_expire_and_opening_one_keeps_it(tmp_path, clock):
    store = WorkspaceStore(StoreConfig(data_dir=tmp_path, retention_days=30), clock=lambda: clock[0])
    kept = store.create(upload([article(1), article(2)]))
    dropped = store.create(upload([article(3), article(4)]))
    clock[0] += 20 * DAY
    store.load(kept)  # a use: its 30 days start again
    clock[0] += 20 * DAY
    with pytest.raises(WorkspaceNotFound):
        store.load(dropped)
    assert store.load(kept).articles[0].id == article(1).id
    assert store.usage()[0] == 1  # the expired one is gone from the file, not only hidden
    with sqlite3.connect(store.config.path) as db:
        assert db.execute("SELECT COUNT(*) FROM articles WHERE workspace = ?", (dropped,)).fetchone()[0] == 0


def test_an_expired_workspace_is_not_found_even_before_anything_deletes_it(tmp_path, clock):
    store = WorkspaceStore(StoreConfig(data_dir=tmp_path, retention_days=1), clock=lambda: clock[0])
    key = store.create(upload([article(1), article(2)]))
    clock[0] += 2 * DAY
    with pytest.raises(WorkspaceNotFound):
        store.load(key)
    with pytest.raises(WorkspaceNotFound):  # an update cannot revive it either
        store.update(key, pasted=[], corrections={}, options={})


# ---------------------------------------------------------------- the switch


@pytest.mark.parametrize("env,secrets", [({"FRAMELENS_SAVE_WORKSPACES": "0"}, {}),
                                         ({}, {"save_workspaces": False}),
                                         ({"FRAMELENS_SAVE_WORKSPACES": "off"}, {"save_workspaces": True})])
def test_the_switch_turns_saving_and_opening_off(tmp_path, env, secrets):
    config, problems = StoreConfig.from_settings({**env, "FRAMELENS_DATA_DIR": str(tmp_path / "data")}, secrets)
    assert not problems and not config.enabled
    store = WorkspaceStore(config)
    with pytest.raises(SavingDisabled):
        store.create(upload([article(1), article(2)]))
    with pytest.raises(SavingDisabled):
        store.load(ws_mod.new_key())
    assert not (tmp_path / "data").exists()  # not even a folder was made


# ---------------------------------------------------------------- faults


def test_a_data_folder_that_cannot_exist_is_reported(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    store = WorkspaceStore(StoreConfig(data_dir=blocker / "data"))
    with pytest.raises(StoreUnavailable) as caught:
        store.create(upload([article(1), article(2)]))
    assert caught.value.kind == "missing"


def test_a_deleted_store_file_is_made_again(store):
    old = store.create(upload([article(1), article(2)]))
    for path in store.config.data_dir.iterdir():
        path.unlink()
    new = store.create(upload([article(3), article(4)]))
    assert store.load(new).articles[0].id == article(3).id
    with pytest.raises(WorkspaceNotFound):
        store.load(old)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_store_is_reported_and_left_for_the_operator(store, damage):
    key = store.create(upload([article(i, text=noise(3_000, i)) for i in range(40)]))
    path = store.config.path
    if damage == "garbage":
        path.write_bytes(b"this is not a database at all" * 200)
    else:
        with path.open("r+b") as f:
            f.truncate(path.stat().st_size // 2)
    kept = path.read_bytes()
    with pytest.raises(StoreUnavailable) as caught:
        store.load(key)
    assert caught.value.kind == "corrupt"
    if damage == "garbage":
        with pytest.raises(StoreUnavailable):
            store.create(upload([article(1), article(2)]))
    assert path.read_bytes() == kept  # not overwritten: what is left can still be rescued


def test_a_damaged_workspace_row_is_reported_as_corrupt(store):
    key = store.create(upload([article(1), article(2)]))
    with sqlite3.connect(store.config.path) as db:
        db.execute("UPDATE articles SET data = ? WHERE workspace = ?", (b"not zlib", key))
    with pytest.raises(StoreUnavailable) as caught:
        store.load(key)
    assert caught.value.kind == "corrupt"


def test_a_full_store_refuses_the_save_and_keeps_what_it_had(tmp_path):
    # SQLite's own file cap (max_page_count) gives the same SQLITE_FULL a full disk gives.
    store = WorkspaceStore(StoreConfig(data_dir=tmp_path, max_file_bytes=256 * 1024))
    key = store.create(upload([article(1), article(2)]))
    with pytest.raises(StoreUnavailable) as caught:
        store.create(upload([article(i, text=noise(40_000, i)) for i in range(10)]))
    assert caught.value.kind == "full"
    assert [a.id for a in store.load(key).articles] == [article(1).id, article(2).id]
    assert store.usage()[0] == 1
    assert integrity(store.config.path) == "ok"


READ_ONLY_CHILD = """
import json, sys
from pathlib import Path
from dashboard.models import Article
from dashboard.workspaces import StoreConfig, StoreUnavailable, Workspace, WorkspaceStore
store = WorkspaceStore(StoreConfig(data_dir=Path(sys.argv[1])))
out = {}
try:
    store.create(Workspace(base="sample", base_hash="x", corrections={"a": {"source": "b"}}))
    out["create"] = "saved"
except StoreUnavailable as exc:
    out["create"] = exc.kind
    out["message"] = str(exc)
try:
    out["load"] = [a.id for a in store.load(sys.argv[2]).articles]
except StoreUnavailable as exc:
    out["load"] = exc.kind
print(json.dumps(out))
"""


def test_a_read_only_store_refuses_saves_and_keeps_its_workspaces(tmp_path):
    data = tmp_path / "data"
    store = WorkspaceStore(StoreConfig(data_dir=data))
    key = store.create(upload([article(1), article(2)]))
    files = [data, *data.iterdir()]
    for path in files:
        path.chmod(0o555 if path.is_dir() else 0o444)
    command = [sys.executable, "-c", READ_ONLY_CHILD, str(data), key]
    if os.geteuid() == 0:  # root writes anywhere; without CAP_DAC_OVERRIDE it obeys the modes like anyone
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a read-only folder cannot be made")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *command]
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    finally:
        for path in files:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["create"] == "read-only", out
    assert "read-only" in out["message"]
    assert out["load"] in ("read-only", [article(1).id, article(2).id])  # readable or not, never damaged
    assert [a.id for a in store.load(key).articles] == [article(1).id, article(2).id]


# ---------------------------------------------------------------- concurrent writers


def test_threads_saving_at_once_never_corrupt_the_store(store):
    results: dict[int, list[tuple[str, list[str], dict]]] = {}
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            mine = []
            for round_ in range(6):
                arts = [article(1000 * n + round_ * 10 + j, text=noise(2_000, n * 100 + j)) for j in range(3)]
                key = store.create(upload(arts))
                corrections = {arts[0].id: {"source": f"writer {n} round {round_}"}}
                store.update(key, pasted=[article(90_000 + n)], corrections=corrections, options={"ngram_max": 3})
                mine.append((key, [a.id for a in arts], corrections))
            results[n] = mine
        except BaseException as exc:  # reported below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for n, mine in results.items():
        for key, ids, corrections in mine:
            back = store.load(key)
            assert [a.id for a in back.articles] == ids
            assert back.corrections == corrections and [a.id for a in back.pasted] == [article(90_000 + n).id]
    assert store.usage()[0] == 8 * 6
    assert integrity(store.config.path) == "ok"


class SlowSave:
    """A save that holds the store's write turn until the test lets it finish (its clock waits inside the transaction).

    `then` runs right after it in the same thread: a session saving again at once.
    """

    def __init__(self, config: StoreConfig, now: float, then: Callable[[], object] = lambda: None):
        self.inside, self.finish = threading.Event(), threading.Event()
        self.errors: list[BaseException] = []

        def clock() -> float:
            self.inside.set()
            assert self.finish.wait(timeout=120), "the test never let the slow save finish"
            return now

        slow_store = WorkspaceStore(config, clock=clock)  # another store of the same file: the turns are per file
        self.thread = threading.Thread(target=self._save, args=(slow_store, then), name="slow")
        self.thread.start()
        assert self.inside.wait(timeout=120), "the slow save never got to write"

    def _save(self, slow_store: WorkspaceStore, then: Callable[[], object]) -> None:
        try:
            slow_store.create(upload([article(7), article(8)]))
            then()
        except BaseException as exc:
            self.errors.append(exc)

    def done(self) -> None:
        self.finish.set()
        self.thread.join()
        assert not self.errors, self.errors


def wait_until_queued(config: StoreConfig, count: int) -> None:
    """Until `count` writers wait for their turn: they have asked, in the order the test started them."""
    queue = ws_mod.writer_queue(config.path)
    for _ in range(12_000):
        if queue.waiting() == count:
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"{queue.waiting()} writers wait for their turn, not {count}")


def test_sessions_saving_while_one_save_is_slow_all_get_through_in_the_order_they_asked(tmp_path):
    # SQLite's busy handler polls, so a waiting writer could be overtaken again and again
    # until its timeout ran out ('database is locked'); the sessions of one server take
    # turns instead: the slow session saving again at once goes behind those waiting.
    config = StoreConfig(data_dir=tmp_path)
    now = 1_800_000_000.0
    served: list[str] = []  # the store's clock is read inside the write transaction: the order writers got in
    store = WorkspaceStore(config, clock=lambda: served.append(threading.current_thread().name) or now)
    slow = SlowSave(config, now, then=lambda: store.create(upload([article(9)])))
    saved: dict[str, str] = {}
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            saved[name] = store.create(upload([article(int(name[1:]))], pasted=[article(500)]))
        except BaseException as exc:
            errors.append(exc)

    names = [f"w{n}" for n in range(8)]
    threads = []
    for n, name in enumerate(names):
        threads.append(threading.Thread(target=writer, args=(name,), name=name))
        threads[-1].start()
        wait_until_queued(config, n + 1)
    slow.done()
    for t in threads:
        t.join()
    assert not errors, errors
    assert served == [*names, "slow"]
    for name, key in saved.items():
        assert [a.id for a in store.load(key).articles] == [article(int(name[1:])).id]
    assert store.usage()[0] == 2 + len(names)


def test_a_save_that_waits_too_long_is_told_the_store_is_busy_and_the_next_one_still_gets_its_turn(
        tmp_path, monkeypatch):
    config = StoreConfig(data_dir=tmp_path)
    store = WorkspaceStore(config)
    slow = SlowSave(config, 1_800_000_000.0)
    monkeypatch.setattr(ws_mod, "BUSY_TIMEOUT_S", 0.2)
    with pytest.raises(StoreUnavailable) as caught:
        store.create(upload([article(1)]))
    assert caught.value.kind == "busy" and "try again" in str(caught.value)
    monkeypatch.setattr(ws_mod, "BUSY_TIMEOUT_S", 60.0)
    saved: list[str] = []
    after = threading.Thread(target=lambda: saved.append(store.create(upload([article(2)]))))
    after.start()
    wait_until_queued(config, 1)  # behind the slow save, and behind the turn the busy one gave up
    slow.done()
    after.join()
    assert len(saved) == 1 and [a.id for a in store.load(saved[0]).articles] == [article(2).id]
    assert store.usage()[0] == 2  # the slow save and the later one; the refused one wrote nothing


def test_two_sessions_updating_one_workspace_leave_one_whole_version(store):
    key = store.create(upload([article(1), article(2)]))
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for round_ in range(15):
                tag = f"writer {n}"
                store.update(key, pasted=[article(500 + n, text=f"{tag} round {round_}")],
                             corrections={article(1).id: {"source": tag}}, options={"extra_stop_words": (tag,)})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    back = store.load(key)
    tag = back.corrections[article(1).id]["source"]
    assert back.options == {"extra_stop_words": (tag,)}  # all three parts from the same save
    assert back.pasted[0].text == f"{tag} round 14"


def test_concurrent_saves_never_pass_the_store_limit(tmp_path):
    store = WorkspaceStore(StoreConfig(data_dir=tmp_path, max_store_bytes=120_000))
    outcomes: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        for round_ in range(4):
            try:
                store.create(upload([article(n * 10 + round_, text=noise(10_000, n * 10 + round_))]))
                outcome = "saved"
            except WorkspaceLimitError:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    count, total = store.usage()
    assert len(outcomes) == 24 and outcomes.count("saved") == count
    assert 0 < count < 24 and total <= 120_000


WRITER_PROCESS = """
import json, sys
from pathlib import Path
from dashboard.models import Article
from dashboard.workspaces import StoreConfig, Workspace, WorkspaceStore
store = WorkspaceStore(StoreConfig(data_dir=Path(sys.argv[1])))
n = int(sys.argv[2])
saved = []
for r in range(12):
    arts = [Article(id=f"p{n}r{r}a{j}", text=f"process {n} round {r} article {j} " * 200) for j in range(3)]
    key = store.create(Workspace(base="upload", base_hash="h", articles=arts))
    store.update(key, pasted=[], corrections={arts[0].id: {"source": f"p{n}"}}, options={"ngram_max": 1 + r % 3})
    saved.append([key, [a.id for a in arts], f"p{n}", 1 + r % 3])
print(json.dumps(saved))
"""


def test_processes_saving_at_once_never_corrupt_the_store(tmp_path):
    data = tmp_path / "fresh"  # not made yet: the processes also race to create the schema
    procs = [subprocess.Popen([sys.executable, "-c", WRITER_PROCESS, str(data), str(n)], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(4)]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        outputs.extend(json.loads(out))
    store = WorkspaceStore(StoreConfig(data_dir=data))
    for key, ids, source, ngram in outputs:
        back = store.load(key)
        assert [a.id for a in back.articles] == ids
        assert back.corrections == {ids[0]: {"source": source}} and back.options == {"ngram_max": ngram}
    assert store.usage()[0] == 4 * 12
    assert integrity(store.config.path) == "ok"
