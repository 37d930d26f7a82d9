"""Framelens: how different news sources frame the same event.

The analysis core lives in plain modules here (no Streamlit import); the
Streamlit pages live in `dashboard.ui`.
"""
