"""Any document the workbook writes as a tagged, accessible A4 PDF, through LibreOffice where it is
installed: headings, lists, tables and alt text carried into the PDF's structure tree for screen
readers. The contents list gets its page numbers from a first rendering, then the PDF is made again.

LibreOffice runs in a process of its own with a profile of its own, so two exports at once never
share state, and a hang is ended (by its process group) after PDF_TIMEOUT_SECONDS."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from strategy.core.errors import WorkbookError
from strategy.word.style import TOC_STYLES
from strategy.word.toolkit import stop_process_group

PDF_TIMEOUT_SECONDS = 300

#: LibreOffice's PDF export with tagging (a structure tree, /MarkInfo /Marked true) and the document's
#: title shown in the reader's title bar.
PDF_FILTER = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"DisplayPDFDocumentTitle":{"type":"boolean","value":"true"},'
    '"ExportBookmarks":{"type":"boolean","value":"true"}}'
)

NOT_INSTALLED = (
    "A PDF needs LibreOffice, which is not installed on the computer that runs the workbook. Ask whoever "
    "looks after it to install LibreOffice (on Debian or Ubuntu: apt-get install libreoffice-writer-nogui). "
    "Meanwhile, download the Word file and save it as PDF from Word (File, Save As, PDF)."
)


class PdfUnavailable(WorkbookError):
    """No PDF could be made here (LibreOffice missing or failed); the Word file is unaffected."""


def libreoffice() -> str | None:
    """The LibreOffice program, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return libreoffice() is not None


def _convert(program: str, source: Path, folder: Path) -> bytes:
    profile = folder / "profile"
    proc = subprocess.Popen(
        [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            PDF_FILTER,
            "--outdir",
            str(folder),
            str(source),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, err = proc.communicate(timeout=PDF_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        stop_process_group(proc)
        raise PdfUnavailable(
            f"LibreOffice took longer than {PDF_TIMEOUT_SECONDS // 60} minutes to make the PDF and was stopped. "
            "Try again, or build it without charts."
        ) from None
    out = folder / (source.stem + ".pdf")
    if proc.returncode != 0 or not out.exists():
        detail = (err or b"").decode("utf-8", "replace").strip().splitlines()
        raise PdfUnavailable(
            "LibreOffice could not turn the Word file into a PDF"
            + (f" ({detail[-1][:200]})" if detail else "")
            + ". The Word file itself is fine: download it and save it as PDF from Word."
        )
    return out.read_bytes()


def _words_pattern(text: str) -> re.Pattern:
    words = text.split()
    return re.compile(r"(?:^|\n)\s*" + r"\s+".join(re.escape(w) for w in words) + r"\s*(?:\n|$)")


def heading_pages(pages: list[str], entries: list[str], start: int = 0) -> dict[int, int]:
    """The page (from 1) each contents entry's heading is on, found in order in the text of the PDF's
    ``pages`` from index ``start``; an entry not found keeps no number."""
    found: dict[int, int] = {}
    current = start
    for n, entry in enumerate(entries):
        pattern = _words_pattern(entry)
        for index in range(current, len(pages)):
            if pattern.search(pages[index]):
                found[n] = index + 1
                current = index
                break
    return found


def _contents_entries(doc) -> list:
    return [p for p in doc.paragraphs if p.style is not None and p.style.name in TOC_STYLES]


def _page_runs(paragraph) -> list:
    """The run that shows an entry's page number: the one after the PAGEREF field's separator."""
    return paragraph._p.xpath("./w:r[preceding-sibling::w:r[1][w:instrText[contains(., 'PAGEREF')]]]")


def with_contents_pages(docx: bytes, pdf: bytes) -> bytes | None:
    """The Word file with its contents list's page numbers taken from ``pdf`` (None: no contents list)."""
    doc = Document(io.BytesIO(docx))
    entries = _contents_entries(doc)
    if not entries:
        return None
    texts = [p.text.split("\t")[0].strip() for p in entries]
    reader_pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    pages = heading_pages(reader_pages, texts, start=_first_body_page(reader_pages, texts))
    for n, paragraph in enumerate(entries):
        for run in _page_runs(paragraph):
            t = run.find(qn("w:t"))
            if t is not None:
                t.text = str(pages.get(n, ""))
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _first_body_page(pages: list[str], entries: list[str]) -> int:
    """The index of the first page after the contents list: the first page, after the one with the
    "Contents" heading, that no longer lists the entries with dot leaders."""
    start = next((i for i, t in enumerate(pages) if re.search(r"(?:^|\n)Contents\s*(?:\n|$)", t)), 0)
    index = start
    while index < len(pages) and ("....." in pages[index]):
        index += 1
    return max(index, start + 1) if entries else 0


def to_pdf(docx: bytes) -> bytes:
    """The document as a tagged A4 PDF (its contents list with page numbers), or PdfUnavailable with
    a message that says what to do."""
    program = libreoffice()
    if program is None:
        raise PdfUnavailable(NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="workbook-pdf-") as name:
        folder = Path(name)
        source = folder / "document.docx"
        source.write_bytes(docx)
        pdf = _convert(program, source, folder)
        numbered = with_contents_pages(docx, pdf)
        if numbered is None:
            return pdf
        source.write_bytes(numbered)
        (folder / "document.pdf").unlink()
        return _convert(program, source, folder)


def to_png(docx: bytes, *, dpi: int = 150) -> bytes:
    """The first page of the document as a PNG picture (the strategy on a page, for a website or a
    slide), drawn from its PDF; or PdfUnavailable with a message that says what to do."""
    import pypdfium2  # only here: the picture is the one thing that needs it

    pdf = pypdfium2.PdfDocument(to_pdf(docx))
    try:
        image = pdf[0].render(scale=dpi / 72).to_pil()
    finally:
        pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
