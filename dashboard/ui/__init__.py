"""Streamlit pages: thin views over the analysis core."""
