"""Settings read from the environment once (DATABASE_URL and friends)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_SQLITE_PATH = DATA_DIR / "workbook.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    #: Who the workbook says it is in the Word document's properties.
    app_name: str = "Child Sexual Abuse Strategy Workbook"


def get_settings() -> Settings:
    """Read the settings now (cheap; callers may cache)."""
    url = os.environ.get("DATABASE_URL", "").strip() or default_database_url()
    return Settings(database_url=url)
