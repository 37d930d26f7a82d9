"""Where the tests find the real corpora (../shared/corpora), and what happens when they are not there.

On a user's machine a test that needs a real corpus skips when the file is
absent (the corpora are not part of the project). In CI (environment variable
`CI` set to anything but "", "0", "false" or "no") the same absence is a
failure: a CI run that silently skipped every real-corpus test would look
green while testing nothing real. The browser tests treat a missing Chromium
the same way (tests/browser/conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_corpus(name: str, folder: Path = CORPORA) -> Path:
    """The path of corpus file `name` in `folder`; skips the test when it is absent, fails it in CI."""
    path = folder / name
    if path.is_file():
        return path
    reason = (f"the shared corpora folder {folder} is absent" if not folder.is_dir()
              else f"the corpus {name} is absent from {folder}")
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)
