"""Framelens: how different news sources frame the same event.

Run with `streamlit run app.py` (sample corpus) or
`streamlit run app.py -- --corpus PATH` (a folder or file of articles).
This file only builds the navigation: the sidebar controls run here so their
URL parameters survive page switches; the pages live in dashboard/ui/.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.errors import FramelensError  # noqa: E402
from dashboard.ui import shell, state  # noqa: E402

# An emoji favicon is drawn in the browser; a ":material/...:" one is fetched from fonts.gstatic.com
# by every visitor (nothing may leave the machine).
st.set_page_config(page_title="Framelens", page_icon="📰", layout="wide")

UI = ROOT / "dashboard" / "ui"
PAGES = [
    st.Page(UI / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page(UI / "stories.py", title="Stories", icon=":material/newspaper:", url_path="stories"),
    st.Page(UI / "clusters.py", title="Framing clusters", icon=":material/bubble_chart:", url_path="clusters"),
    st.Page(UI / "terms.py", title="Key terms", icon=":material/format_list_numbered:", url_path="terms"),
    st.Page(UI / "compare.py", title="Side by side", icon=":material/view_column:", url_path="compare"),
    st.Page(UI / "copies.py", title="Copies", icon=":material/content_copy:", url_path="copies"),
    st.Page(UI / "settings.py", title="Settings", icon=":material/tune:", url_path="settings"),
    st.Page(UI / "about.py", title="How it works", icon=":material/help:", url_path="about"),
]

page = st.navigation(PAGES)
shell.sidebar()
try:
    page.run()
except state.Halt:
    pass  # the page said why it stopped; the link to this view is still drawn
except FramelensError as exc:  # something the user gave that the page did not expect; any other error is a bug
    st.error("This view cannot be shown:")
    st.text(str(exc))
shell.share_link(page)
