"""UK dates and times: stored in UTC, shown day first in UK time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def to_uk(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UK)


def uk_time(moment: datetime | None) -> str:
    """14:32 today, otherwise 03/11/2026 14:32."""
    if moment is None:
        return ""
    local = to_uk(moment)
    if local.date() == datetime.now(UK).date():
        return local.strftime("%H:%M")
    return local.strftime("%d/%m/%Y %H:%M")


def uk_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_uk(day).date()
    return day.strftime("%d/%m/%Y")


def uk_long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"
