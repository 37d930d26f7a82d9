"""Small drawing helpers the pages share: tables with CSV downloads, notices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.models import Analysis
from dashboard.ui import safe, state


def download(df: pd.DataFrame, file_name: str, label: str, key: str) -> None:
    """A CSV download built only when clicked."""
    st.download_button(label, data=lambda: df.to_csv(index=False).encode("utf-8"), file_name=file_name,
                       mime="text/csv", on_click="ignore", key=key, icon=":material/download:")


def table(df: pd.DataFrame, file_name: str, key: str, height: int | None = None, **kwargs) -> None:
    """A dataframe (inert text) with its CSV download underneath."""
    st.dataframe(df, hide_index=True, width="stretch", height=height or "auto", **kwargs)
    download(df, file_name, "Download (CSV)", key=key)


def first_selected(event, accept) -> str | None:
    """The first selected point's customdata[0] that `accept` takes, from a plotly selection.

    Read as a dict (the attribute form fails under AppTest); plotly 7 can send
    customdata as {"0": ...} instead of a list.
    """
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, dict):
            custom = [custom.get("0")]
        if custom and custom[0] is not None and accept(custom[0]):
            return str(custom[0])
    return None


def analysis_notices(analysis: Analysis) -> None:
    """Things the core wants the user to know; they can quote input, so they are escaped."""
    if analysis.notices:
        safe.render(safe.note_box(analysis.notices, "Notes on this analysis"))


def doc_frame_mask(app: state.App) -> np.ndarray:
    """The sidebar's frame filter over documents (by their dominant frame)."""
    docs = app.analysis.documents
    if app.frame_filter == "all":
        return np.ones(len(docs), dtype=bool)
    return (docs["frame"] == app.frame_filter).to_numpy()


def source_frame_matrix(table: pd.DataFrame, frame_names: list[str]) -> pd.DataFrame:
    """frames.source_frame_table as a sources x frames matrix, largest sources first."""
    df = table.copy()
    if "source" in df.columns:
        df = df.set_index("source")
    cols = [c for c in [*frame_names, "none"] if c in df.columns]
    matrix = df[cols].astype(float)
    if "units" in df.columns:
        matrix = matrix.loc[df["units"].sort_values(ascending=False, kind="stable").index]
    return matrix


def aligned_rows(al, cell) -> list[tuple[str | None, str | None, str, str]]:
    """Rows for safe.aligned_table from an Alignment, in reading order of both articles.

    A's sentences in order; a matched B sentence sits beside its A sentence,
    and B sentences no A sentence points at are placed before the next match
    that follows them: "only B" when unique, or "≈ A<n>" when B matched an A
    sentence that prefers another partner. `cell` turns a sentence into HTML.
    """
    rows: list[tuple[str | None, str | None, str, str]] = []
    a_target = {i: j for i, (j, _score) in enumerate(al.a_best) if j is not None}
    targets = set(a_target.values())
    unique_b = set(al.unique_b)
    next_b = 0

    def flush_b(upto: int) -> int:
        b = next_b
        while b < upto:
            if b not in targets:
                if b in unique_b:
                    rows.append((None, cell(al.b_sentences[b]), "only B", "unique"))
                else:
                    rows.append((None, cell(al.b_sentences[b]), f"≈ A{al.b_best[b][0] + 1}", "echo"))
            b += 1
        return b

    for i, sentence in enumerate(al.a_sentences):
        j = a_target.get(i)
        if j is None:
            rows.append((cell(sentence), None, "only A", "unique"))
            continue
        next_b = max(flush_b(j), next_b)
        rows.append((cell(sentence), cell(al.b_sentences[j]), f"{al.a_best[i][1]:.2f}", "match"))
        next_b = max(next_b, j + 1)
    flush_b(len(al.b_sentences))
    return rows
