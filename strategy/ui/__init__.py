"""Streamlit glue shared by the pages: the only part of ``strategy`` that imports Streamlit."""
