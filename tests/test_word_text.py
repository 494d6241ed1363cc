"""The Word toolkit's own ways of reading and writing a document's text give what python-docx gives:
the draft's glossary reads the document's text straight from the XML, and simple tables write their
cells without python-docx's character-by-character pass."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from strategy.core.dates import UK
from strategy.documents.draft import export_docx
from strategy.word.toolkit import document_text, simple_table


def python_docx_text(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return texts


class Ctx:
    def __init__(self, doc) -> None:
        self.doc = doc
        self.charts = False


def test_the_drafts_text_reads_as_python_docx_reads_it(engine, demo_id):
    doc = Document(io.BytesIO(export_docx(engine, demo_id, charts=False, now=datetime(2026, 12, 1, 10, 0, tzinfo=UK))))
    texts = document_text(doc)
    assert texts == python_docx_text(doc)
    assert len(texts) > 500 and any("child sexual abuse" in t for t in texts)


def test_merged_cells_tabs_breaks_and_links_read_as_python_docx_reads_them():
    doc = Document()
    para = doc.add_paragraph("Before a tab\tafter it")
    para.add_run("line one\nline two").add_break()
    link = OxmlElement("w:hyperlink")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = " CSA Centre "
    run.append(t)
    link.append(run)
    para._p.append(link)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # across
    table.cell(1, 2).merge(table.cell(2, 2))  # down
    table.cell(2, 0).add_paragraph("second paragraph\twith a tab")
    assert document_text(doc) == python_docx_text(doc)


def test_a_simple_tables_cells_are_the_xml_python_docx_writes():
    values = [["Plain", " spaces either end ", ""], ["a\ttab", "a\nbreak", "carriage\rreturn"], ["£ – “quotes”", "x" * 300, "CSA"]]
    ours = Document()
    simple_table(Ctx(ours), ["One", "Two", "Three"], values)
    theirs = Document()
    table = theirs.add_table(rows=1 + len(values), cols=3)
    table.style = "Table Grid"
    for row, texts in zip(table.rows, [["One", "Two", "Three"], *values], strict=True):
        for cell, value in zip(row.cells, texts, strict=True):
            cell.text = value
    expected = table._tbl
    got = ours.tables[0]._tbl
    got_header = got.tr_lst[0].find(qn("w:trPr"))  # simple_table also repeats its header row
    got_header.getparent().remove(got_header)
    assert got.xml == expected.xml
