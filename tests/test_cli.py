"""``python -m strategy``: run for real, as a separate process, against a real database."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from docx import Document

ROOT = Path(__file__).resolve().parent.parent


def run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "strategy", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def one_line_error(result) -> str:
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # a message, not a traceback
    assert lines[0].startswith("error: ")
    return lines[0]


def test_create_list_and_duplicate(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    empty = run(url, "list")
    assert (empty.returncode, empty.stdout, empty.stderr) == (0, "", "")

    created = run(url, "create", "Harbourshire  Partnership", "--nation", "England", "--start", "2026", "--end", "2029")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "Created 'Harbourshire Partnership' (England)."

    duplicate = run(url, "create", "harbourshire partnership", "--nation", "wales")
    assert one_line_error(duplicate) == ("error: A partnership called 'Harbourshire Partnership' already exists. Choose a different name.")

    listed = run(url, "list")
    assert (listed.returncode, listed.stdout) == (0, "Harbourshire Partnership\n")


def test_demo_then_export_writes_a_word_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    demo = run(url, "demo")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.strip() == "'Demo partnership' is ready."

    out = tmp_path / "draft.docx"
    exported = run(url, "export-docx", "demo PARTNERSHIP", "--out", str(out), "--no-charts")  # charts: test_export_evidence
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith(f"Wrote {out} (")
    doc = Document(io.BytesIO(out.read_bytes()))
    assert len(doc.inline_shapes) == 0
    assert "Demo partnership" in [p.text for p in doc.paragraphs if p.style.name == "Subtitle"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 15 and headings[10] == "11. Monitoring and evaluation" and headings[12] == "Appendix B: Glossary"


def test_unknown_partnership_and_missing_folder_are_one_line_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    unknown = run(url, "export-docx", "Nowhere Board", "--out", str(tmp_path / "x.docx"))
    assert one_line_error(unknown) == ("error: No partnership is called 'Nowhere Board'. Run 'python -m strategy list' to see the names.")
    assert not (tmp_path / "x.docx").exists()

    assert run(url, "create", "Vale Board", "--nation", "wales").returncode == 0
    missing = run(url, "export-docx", "Vale Board", "--out", str(tmp_path / "no-such-folder" / "x.docx"))
    assert "does not exist" in one_line_error(missing)


def test_a_database_that_vanished_is_reported_not_recreated(tmp_path):
    path = tmp_path / "workbook.sqlite3"
    url = f"sqlite:///{path}"
    assert run(url, "create", "Vale Board", "--nation", "wales").returncode == 0
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()
    gone = run(url, "list")
    assert "was in use before but is missing now" in one_line_error(gone)
    assert not path.exists()


def test_create_and_list_on_postgresql(postgres_url):
    created = run(postgres_url, "create", "Gogledd Cymru Board", "--nation", "wales")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip() == "Created 'Gogledd Cymru Board' (Wales)."
    listed = run(postgres_url, "list")
    assert (listed.returncode, listed.stdout) == (0, "Gogledd Cymru Board\n")
