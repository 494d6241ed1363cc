"""The Child Sexual Abuse Strategy Workbook: everything but the Streamlit pages.

Only ``strategy.ui`` imports Streamlit; the rest runs and tests without it.
"""

__version__ = "0.1.0"
