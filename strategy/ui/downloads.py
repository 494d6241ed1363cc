"""One way to offer a file for download: its type worked out from its name, so no page writes out a
MIME type (an Excel file offered as a Word document opens as nonsense)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

#: The files the workbook offers, by their name's ending.
MIME_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".json": "application/json",
}


def mime_type(file_name: str) -> str:
    """The MIME type of a file the workbook offers, from its name ("plan.xlsx": Excel)."""
    return MIME_TYPES.get(PurePath(file_name).suffix.lower(), "application/octet-stream")


def offer_download(where: Any, label: str, data: Any, *, file_name: str, **options: Any) -> bool:
    """``where.download_button`` (st, a column, a container) for ``file_name``, its type from its name.
    ``options`` are the button's own (icon, key, on_click, type...). True when clicked."""
    return where.download_button(label, data=data, file_name=file_name, mime=mime_type(file_name), **options)
