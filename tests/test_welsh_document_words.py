"""Every fixed word of the draft strategy, the strategy on a page and the progress report comes from
data/language/documents.yaml (issue 20): a Welsh document prints no English of its own, a bilingual one
prints both, Welsh first.

The check reads the modules that build those three documents with Python's ``ast`` and lists any call
that writes words into a document (``gap``, ``add_paragraph``, ``add_heading``, ``safe_text``,
``bullets``, ``add_run``, ``simple_table``...) with a string literal holding words. Not read:
strategy/documents/audit_briefing.py and strategy/documents/snapshot_report.py, which build English-only
documents (the thematic audit's briefing and the snapshot report have no Welsh option)."""

from __future__ import annotations

import ast
import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document

from strategy.core.dates import UK
from strategy.demo.wales import ensure_wales_demo
from strategy.documents.draft import export_docx
from strategy.people.partnerships import create_partnership
from strategy.word.language import phrase, phrases

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2027, 3, 31, 10, 0, tzinfo=UK)

#: The modules the draft, the strategy on a page and the progress report are built with.
DOCUMENT_MODULES = [
    "strategy/documents/draft.py",
    "strategy/documents/on_a_page.py",
    "strategy/documents/progress_report.py",
    "strategy/documents/welsh.py",
    "strategy/plan/word.py",
    "strategy/delivery/charts.py",
    "strategy/word/answers.py",
    "strategy/word/language.py",
    "strategy/word/toolkit.py",
    "strategy/word/style.py",
]
#: The calls that put words into a document.
WRITERS = frozenset(
    {
        "gap",
        "note",
        "add_paragraph",
        "add_heading",
        "add_run",
        "insert_paragraph_before",
        "safe_text",
        "bullets",
        "numbered",
        "paragraphs",
        "simple_table",
        "chart",
        "footer_with_pages",
        "logo",
    }
)
#: Word's style names, which are never printed.
STYLE_NAMES = frozenset({"List Bullet", "List Number", "Intense Quote", "Table Grid", "Quote", "Title", "Subtitle", "Caption"})
#: Text written out in the code on purpose, by (module, text): why it is never in a Welsh document.
ALLOWED = {
    ("strategy/plan/word.py", " (why: "): 'the English branch only (`if ctx.language == "en"`); Welsh uses the phrase plan.why',
}
WORDS = re.compile(r"[A-Za-z]{2,}")


def _skipped(tree: ast.AST) -> set[int]:
    """Strings that are never printed: dictionary keys and column names looked up (x["Below half"]),
    values compared with (v == "Not recorded") and Word style names (style="List Bullet")."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript):
            skipped |= {id(n) for n in ast.walk(node.slice)}
        elif isinstance(node, ast.Compare):
            skipped |= {id(n) for side in (node.left, *node.comparators) for n in ast.walk(side)}
        elif isinstance(node, ast.keyword) and node.arg == "style":
            skipped |= {id(n) for n in ast.walk(node.value)}
    return skipped


def written_out(module: str) -> list[str]:
    """``file:line: text`` for each string literal with words in a call that writes into a document."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    skipped = _skipped(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name not in WRITERS:
            continue
        for arg in (*node.args, *(k.value for k in node.keywords)):
            for sub in ast.walk(arg):
                if not (isinstance(sub, ast.Constant) and isinstance(sub.value, str)) or id(sub) in skipped:
                    continue
                text = sub.value
                if text in STYLE_NAMES or not WORDS.search(text) or not re.search(r"\s", text) or (module, text) in ALLOWED:
                    continue
                found.append(f"{module}:{sub.lineno}: {text!r}")
    return found


def test_no_document_module_writes_out_fixed_words():
    found = [line for module in DOCUMENT_MODULES for line in written_out(module)]
    assert not found, "Fixed words written out in the code (put them in data/language/documents.yaml):\n" + "\n".join(found)


def test_the_check_finds_a_written_out_sentence(tmp_path, monkeypatch):
    sample = tmp_path / "strategy" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(
        'def f(ctx, t):\n    gap(ctx, f"Not written yet: {t}.")\n    x = t["Below half"]\n    ctx.doc.add_paragraph("", style="List Bullet")\n'
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert written_out("strategy/sample.py") == ["strategy/sample.py:2: 'Not written yet: '"]


def test_every_exception_is_still_in_its_module():
    for module, text in ALLOWED:
        assert text in (ROOT / module).read_text(encoding="utf-8"), (module, text)


def test_every_answer_heading_written_in_the_code_has_its_welsh():
    """answer_section(ctx, "intro.purpose", "Purpose of the strategy") prints answer.intro.purpose."""
    for module in DOCUMENT_MODULES:
        for node in ast.walk(ast.parse((ROOT / module).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "answer_section" and len(node.args) >= 3:
                prompt_id, heading = node.args[1], node.args[2]
                if isinstance(prompt_id, ast.Constant) and isinstance(heading, ast.Constant):
                    assert phrases()[f"answer.{prompt_id.value}"]["en"] == heading.value, (module, node.lineno)


# --- The documents: the moved words in Welsh, in both, and the English unchanged -----------------

#: The phrases moved out of the code (issue 20), with values to fill them.
MOVED = {
    "intro.forms_covered": {},
    "intro.forms_narrow": {"n": "{n}", "m": "{m}"},
    "intro.forms_missing": {"chapter": "{chapter}"},
    "intro.ages": {"ages": "{ages}"},
    "intro.definition_source": {"citation": "{citation}"},
    "intro.definition_to_cite": {"text": "{text}", "citation": "{citation}"},
    "intro.definition_text.wales": {},
    "governance.contributions_missing": {"chapter": "{chapter}"},
    "governance.steering_group_missing": {"chapter": "{chapter}"},
    "plan.development_missing": {"chapter": "{chapter}"},
    "plan.activities_missing": {"chapter": "{chapter}", "guide": "{guide}"},
    "plan.component_actions_missing": {"guide": "{guide}"},
    "document.chart_not_available": {},
}


def _fixed_part(key: str, language: str) -> str:
    """The longest stretch of a phrase with no {placeholder} in it: what a document must (not) hold."""
    return max(re.split(r"\{\w+\}", phrase(key, language, None, **MOVED[key])), key=len).strip()


def _document(engine, pid: int, language: str):
    return Document(io.BytesIO(export_docx(engine, pid, now=NOW, charts=False, language=language)))


def _text(doc) -> str:
    out = [p.text for p in doc.paragraphs]
    out += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(out)


def _footer(doc) -> str:
    return doc.sections[0].footer.paragraphs[0].text


@pytest.fixture
def new_board(engine):
    """A new regional board in Wales: nothing written yet, every gap in the draft."""
    return create_partnership(engine, name="Bwrdd Newydd", nation="wales", areas="Y Fro", period_start=2026, period_end=2029).id


#: The gaps of an empty partnership in Wales.
EMPTY_GAPS = [
    "intro.forms_missing",
    "intro.definition_to_cite",
    "intro.definition_text.wales",
    "governance.contributions_missing",
    "governance.steering_group_missing",
    "plan.development_missing",
]


def test_a_welsh_draft_with_gaps_says_them_in_welsh(engine, new_board):
    doc = _document(engine, new_board, "cy")
    text = _text(doc)
    for key in MOVED:
        assert _fixed_part(key, "en") not in text, key
    for key in EMPTY_GAPS:
        assert _fixed_part(key, "cy") in text, key
    # The chapters are named in Welsh, and the guidance's citation too.
    assert "(pennod 'Cyflwyniad' yn y llyfr gwaith)" in text
    assert "aelodau'r grŵp llywio (pennod 'Gweledigaeth a rennir a llywodraethu' yn y llyfr gwaith)" in text
    assert "(pennod 'Datblygu'r gweithlu' yn y llyfr gwaith, Canllaw §11)" in text
    assert "Ffynhonnell i'w dyfynnu: Llywodraeth Cymru, 2019 (Gweithdrefnau Diogelu Cymru)." in text
    assert "workbook chapter" not in text and "Not written yet" not in text
    assert "Tudalen " in _footer(doc) and " o " in _footer(doc) and "Page " not in _footer(doc)
    assert "Cyfnod y strategaeth: 2026 i 2029" in text and "2026 to 2029" not in text  # the strategy period


def test_a_bilingual_draft_with_gaps_has_both_welsh_first(engine, new_board):
    doc = _document(engine, new_board, "bilingual")
    text = _text(doc)
    for key in EMPTY_GAPS:
        welsh, english = _fixed_part(key, "cy"), _fixed_part(key, "en")
        assert welsh in text and english in text, key
        assert text.index(welsh) < text.index(english), key
    footer = _footer(doc)
    assert footer.index("Tudalen ") < footer.index("Page ")
    assert "2026 i 2029" in text and "2026 to 2029" in text


def test_an_english_draft_is_unchanged(engine, new_board):
    doc = _document(engine, new_board, "en")
    text = _text(doc)
    assert "Not written yet: which forms of child sexual abuse the strategy covers (workbook chapter 'Introduction')." in text
    assert "Not written yet: what each agency contributes (workbook chapter 'Shared vision and governance')." in text
    assert "Not written yet: the steering group's members (workbook chapter 'Shared vision and governance')." in text
    assert (
        "Not written yet: how the partnership will build practitioners' knowledge, skills and confidence through training, "
        "practice resources and supervision (workbook chapter 'Workforce development', Guide §11)."
    ) in text
    assert "(Source to cite: Welsh Government, 2019 (Wales Safeguarding Procedures).)" in text
    for key in EMPTY_GAPS:
        assert _fixed_part(key, "cy") not in text, key
    assert "Strategy period: 2026 to 2029" in text
    assert _footer(doc).endswith(" · DRAFT · Page 1 of 1")  # the page fields as Word left them


@pytest.fixture
def demo(engine):
    return ensure_wales_demo(engine)


def test_the_welsh_demo_draft_prints_no_moved_english(engine, demo):
    text = _text(_document(engine, demo, "cy"))
    for key in MOVED:
        assert _fixed_part(key, "en") not in text, key
    for key in ("intro.forms_missing", "governance.steering_group_missing", "plan.activities_missing"):
        assert _fixed_part(key, "cy") in text, key
    assert "(pennod 'Nodi' yn y llyfr gwaith, Canllaw §9)" in text  # the chapter's Welsh title
    for chapter in ("Workforce development", "Shared vision and governance", "Prevention and disruption", "Whole-system response"):
        assert f"'{chapter}'" not in text, chapter


def test_the_bilingual_demo_draft_has_both(engine, demo):
    text = _text(_document(engine, demo, "bilingual"))
    for key in ("intro.forms_missing", "governance.steering_group_missing", "plan.activities_missing"):
        assert _fixed_part(key, "cy") in text and _fixed_part(key, "en") in text, key
    assert "(workbook chapter 'Identification', Guide §9)" in text and "(pennod 'Nodi' yn y llyfr gwaith, Canllaw §9)" in text
