"""Small drawing helpers the pages share: tables with CSV downloads, notices."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.models import Analysis
from dashboard.ui import safe


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
