"""Settings read from the environment once (DATABASE_URL and friends)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # strategy/core/settings.py -> the repository
DATA_DIR = ROOT / "data"
DEFAULT_SQLITE_PATH = DATA_DIR / "workbook.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        return max(0, int(raw)) if raw else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    database_url: str
    #: Who the workbook says it is in the Word document's properties.
    app_name: str = "Child Sexual Abuse Strategy Workbook"
    #: Signed out after this many minutes without a click (WORKBOOK_IDLE_MINUTES; 0 = never).
    idle_timeout_minutes: int = 30
    #: Failed sign-ins allowed before a wait is imposed (WORKBOOK_SIGN_IN_ATTEMPTS).
    sign_in_attempts: int = 5
    #: The first wait after too many failed sign-ins, doubling with each further failure, at most
    #: 15 minutes (WORKBOOK_SIGN_IN_DELAY_SECONDS).
    sign_in_delay_seconds: int = 30
    #: Single sign-on: an email the workbook does not know gets a viewer account (WORKBOOK_SSO_AUTO_CREATE=1)
    #: instead of being refused.
    sso_auto_create: bool = False
    #: Behind a reverse proxy, the request header that names the browser's address (for example
    #: X-Real-IP, which deploy/nginx.conf sets): sign-in throttling counts per client by it
    #: (WORKBOOK_CLIENT_IP_HEADER). Empty: the address of the connection itself.
    client_ip_header: str = ""
    #: Survey links (strategy.assessments.survey_links): responses accepted from one address (or one
    #: browser session where the address is unknown) in a minute (WORKBOOK_SURVEY_PER_CLIENT), and by one
    #: survey from everyone in a minute (WORKBOOK_SURVEY_PER_MINUTE).
    survey_per_client_per_minute: int = 10
    survey_per_minute: int = 120


def get_settings() -> Settings:
    """Read the settings now (cheap; callers may cache)."""
    url = os.environ.get("DATABASE_URL", "").strip() or default_database_url()
    return Settings(
        database_url=url,
        idle_timeout_minutes=_number("WORKBOOK_IDLE_MINUTES", 30),
        sign_in_attempts=max(1, _number("WORKBOOK_SIGN_IN_ATTEMPTS", 5)),
        sign_in_delay_seconds=_number("WORKBOOK_SIGN_IN_DELAY_SECONDS", 30),
        sso_auto_create=os.environ.get("WORKBOOK_SSO_AUTO_CREATE", "").strip().lower() in ("1", "true", "yes"),
        client_ip_header=os.environ.get("WORKBOOK_CLIENT_IP_HEADER", "").strip(),
        survey_per_client_per_minute=max(1, _number("WORKBOOK_SURVEY_PER_CLIENT", 10)),
        survey_per_minute=max(1, _number("WORKBOOK_SURVEY_PER_MINUTE", 120)),
    )
