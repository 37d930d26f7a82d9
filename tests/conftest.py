"""Fixtures for every test folder: the real corpora in ../shared/corpora (see shared_corpora.py)."""

from __future__ import annotations

import pytest

from shared_corpora import require_corpus


@pytest.fixture(scope="session")
def shared_corpus():
    """`shared_corpus(name)` gives the path of a real corpus file; absent, it skips (fails in CI).

    Every test that uses this fixture, directly or through another fixture,
    is marked `corpus` at collection, so `-m "not corpus"` leaves them out.
    """
    return require_corpus


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marks
def pytest_collection_modifyitems(items):
    for item in items:
        if "shared_corpus" in item.fixturenames:
            item.add_marker(pytest.mark.corpus)


@pytest.fixture(autouse=True, scope="session")
def workspace_store_in_a_temporary_folder(tmp_path_factory):
    """Saved workspaces go to a temporary folder, never the repository's data/.

    The app reads FRAMELENS_DATA_DIR (dashboard.workspaces.SETTINGS); AppTest
    runs it in this process and the browser tests' servers inherit the
    environment. Limits and the switch are left at their defaults.
    """
    from dashboard.workspaces import SETTINGS

    with pytest.MonkeyPatch.context() as patch:
        for variable in SETTINGS.values():
            patch.delenv(variable, raising=False)
        patch.setenv("FRAMELENS_DATA_DIR", str(tmp_path_factory.mktemp("workspaces")))
        yield
