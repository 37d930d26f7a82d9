"""Errors a user can cause, under one base class.

Files, rows, lexicons, settings, group specs and URL parameters come from
the user and can be wrong in ways only the user can fix. Such a failure
raises a subclass of FramelensError whose message is written for them. The
CLI and the pages catch FramelensError and show the message; any other
exception is a bug and is left to surface.

The subclasses live where they are raised (and stay importable there):

- `loading.CorpusError`: the input as a whole cannot be used; `.issues`
  carries the per-item load report.
- `frames.FrameLexiconError`: a frame lexicon that cannot be used.
- `SettingsError`: a setting that cannot be applied (e.g. an alias table
  with a cycle).
- `SpecError` (also `queries.SpecError`): a group spec, article id or term
  that names nothing in the analysis.
- `pipeline.AnalysisError`: the corpus cannot be analysed as asked.
- `filters.FilterError`: a corpus filter that cannot be applied.
- `workspaces.WorkspaceError`: a saved workspace that cannot be saved or opened
  (not found or expired, over a limit, saving off, the store unavailable).
"""

from __future__ import annotations


class FramelensError(Exception):
    """Something the user gave cannot be used; str(error) tells them why."""


class SettingsError(FramelensError, ValueError):
    """A setting that cannot be applied. Also a ValueError, as alias-table errors always were."""


class SpecError(FramelensError, ValueError):
    """A group spec, id or term that does not name anything in this analysis.

    Also a ValueError, as it always was.
    """
