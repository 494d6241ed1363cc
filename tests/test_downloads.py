"""Every file the pages offer is offered through strategy.ui.downloads.offer_download, its type worked
out from its name: an Excel file never arrives labelled as a Word document."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from strategy.ui.downloads import mime_type

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("action-plan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("audit log.csv", "text/csv"),
        ("Bro Taf strategy DRAFT.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("Strategy.PDF", "application/pdf"),
        ("Harbourshire backup.json", "application/json"),
        ("timeline.png", "image/png"),
        ("no-ending", "application/octet-stream"),
    ],
)
def test_a_files_type_comes_from_its_name(name, expected):
    assert mime_type(name) == expected


def test_no_page_offers_a_file_with_a_type_written_out():
    found = []
    for path in [*(ROOT / "strategy" / "ui").glob("*.py"), *(ROOT / "views").glob("*.py")]:
        if path.name == "downloads.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "download_button":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"offer files through offer_download: {found}"
