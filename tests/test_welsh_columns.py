"""The chapters' table columns and fixed choices in Welsh, and the reference lists' descriptions
(issue 20): every column has its Welsh header (and help), every fixed choice its Welsh name, every
described list item its Welsh description; a Welsh draft's tables have Welsh headers, a bilingual
one Welsh then English, and the English draft is unchanged."""

from __future__ import annotations

import io
import string
from datetime import datetime

import pytest
import yaml
from docx import Document

from strategy.answers.operations import add_row, set_grid_cell
from strategy.core.dates import UK
from strategy.core.settings import DATA_DIR
from strategy.documents.draft import export_docx
from strategy.guide.content import ContentError, content, item_description, load_content
from strategy.people.partnerships import create_partnership

NOW = datetime(2027, 3, 31, 10, 0, tzinfo=UK)


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


# --- The data: nothing left without its Welsh -----------------------------------------------------


def test_every_column_has_its_welsh_header_and_help():
    c = load_content()
    columns = [(p.id, col) for p in c.prompts.values() for col in p.columns]
    assert len(columns) > 120
    assert [f"{pid}/{col.id}" for pid, col in columns if not col.label_cy.strip()] == []
    with_help = [(pid, col) for pid, col in columns if col.help]
    assert len(with_help) >= 18
    assert [f"{pid}/{col.id}" for pid, col in with_help if not col.help_cy.strip()] == []
    assert not [col.id for _, col in columns if col.help_cy and not col.help]
    for pid, col in with_help:  # the Welsh uses no placeholder the English lacks
        assert _fields(col.help_cy) <= _fields(col.help), f"{pid}/{col.id}"


def test_every_fixed_choice_has_its_welsh_name():
    c = load_content()
    options = [(p.id, o) for p in c.prompts.values() for o in (*p.options, *(o for col in p.columns for o in col.options))]
    assert len(options) > 50
    assert [f"{pid}/{o.id}" for pid, o in options if not o.label_cy.strip()] == []


def test_every_described_list_item_has_its_welsh_description():
    described = [(ref.id, item) for ref in load_content().references.values() for item in ref.items if item.get("description")]
    assert len(described) >= 55
    assert [f"{ref_id}/{i['id']}" for ref_id, i in described if not str(i.get("description_cy", "")).strip()] == []
    sectors = content().reference("sectors").items[0]
    assert item_description(sectors) == sectors["description"]
    assert item_description(sectors, "cy").startswith("Cynghorau, y GIG")
    assert item_description(sectors, "bilingual") == f"{sectors['description_cy']}\n{sectors['description']}"


@pytest.mark.parametrize("ref_id", ["support_questions", "training_questions", "resources_questions"])
def test_every_grids_question_has_its_welsh_marked_for_review(ref_id):
    """The questions' lists are a grid's rows, printed as the first column of a draft's tables."""
    items = content().reference(ref_id).items
    welsh = [str(i.get("label_cy", "")).strip() for i in items]
    assert all(welsh) and len(set(welsh)) == len(welsh), ref_id
    assert "FOR REVIEW BY A WELSH SPEAKER" in (DATA_DIR / "reference" / f"{ref_id}.yaml").read_text(encoding="utf-8")


def test_choices_are_named_in_the_language_asked_and_their_ids_stay_the_same():
    c = content()
    level = next(col for col in c.prompts["prevention.activities"].columns if col.id == "level")
    assert [o.label for o in c.options(level)] == ["Primary", "Secondary", "Tertiary"]
    assert [o.label for o in c.options(level, "wales", "cy")] == ["Sylfaenol", "Eilaidd", "Trydyddol"]
    assert [o.label for o in c.options(level, "wales", "bilingual")][0] == "Sylfaenol / Primary"
    assert [o.id for o in c.options(level, "wales", "cy")] == [o.id for o in c.options(level)]


@pytest.fixture
def data_copy(tmp_path):
    import shutil

    shutil.copytree(DATA_DIR, tmp_path / "data")
    return tmp_path / "data"


def test_a_blank_welsh_description_is_refused(data_copy):
    path = data_copy / "reference" / "sectors.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0]["description_cy"] = "  "
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="sectors.yaml: a description_cy"):
        load_content(data_copy)


def test_a_blank_welsh_column_header_is_refused(data_copy):
    path = data_copy / "chapters.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    prompt = next(p for ch in data["chapters"] for s in ch["sections"] for p in s["prompts"] if p["id"] == "vision.contributions")
    prompt["columns"][0]["label_cy"] = "   "
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="column agency's Welsh"):
        load_content(data_copy)


# --- The documents: Welsh headers in a Welsh draft ----------------------------------------------


@pytest.fixture
def board(sqlite_engine, author):
    """A Welsh regional board with an agency's contribution, a steering group member and an activity."""
    p = create_partnership(
        sqlite_engine, name="Bwrdd Diogelu Rhanbarthol y Fro", nation="wales", areas="Y Fro", period_start=2026, period_end=2029
    )
    add_row(sqlite_engine, p.id, "vision.contributions", {"agency": "Heddlu'r Fro", "contribution": "Disruption"}, author=author)
    add_row(sqlite_engine, p.id, "prevention.activities", {"activity": "Safe clubs", "level": "primary"}, author=author)
    set_grid_cell(
        sqlite_engine, p.id, "response.support_questions", "access", "answer", "Hard in the valleys", expected=None, author=author
    )
    return p


def _header(doc, first: str) -> list[str]:
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == first)
    return [c.text for c in table.rows[0].cells]


def _draft(engine, pid: int, language: str):
    return Document(io.BytesIO(export_docx(engine, pid, now=NOW, charts=False, language=language)))


def test_a_welsh_draft_has_the_columns_welsh_headers_in_order(sqlite_engine, board):
    c = content()
    doc = _draft(sqlite_engine, board.id, "cy")
    contributions = c.prompts["vision.contributions"].columns
    assert _header(doc, "Asiantaeth neu sefydliad") == [col.label_cy for col in contributions]
    activities = c.prompts["prevention.activities"].columns
    header = _header(doc, "Gweithgaredd")
    assert header == [col.label_cy for col in activities]
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Gweithgaredd")
    assert "Sylfaenol" in [cell.text for cell in table.rows[1].cells]  # a fixed choice in Welsh too
    every_cell = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    question = content().reference("support_questions").items
    assert next(i["label_cy"] for i in question if i["id"] == "access") in every_cell  # a grid's row in Welsh
    assert not {i["label"] for i in question} & set(every_cell)
    assert not {col.label for col in (*contributions, *activities)} & set(every_cell)
    assert not any("[Testun Cymraeg ar goll: Agency or organisation]" in text for text in every_cell)


def test_a_bilingual_draft_has_welsh_then_english_headers(sqlite_engine, board):
    doc = _draft(sqlite_engine, board.id, "bilingual")
    contributions = content().prompts["vision.contributions"].columns
    assert _header(doc, "Asiantaeth neu sefydliad / Agency or organisation")[:3] == [
        "Asiantaeth neu sefydliad / Agency or organisation",
        "Math o asiantaeth / Kind of agency",
        "Beth mae'n ei gyfrannu / What it contributes",
    ]
    assert len(_header(doc, "Asiantaeth neu sefydliad / Agency or organisation")) == len(contributions)


def test_the_english_draft_keeps_its_english_headers(sqlite_engine, board):
    c = content()
    doc = _draft(sqlite_engine, board.id, "en")
    assert _header(doc, "Agency or organisation") == [col.label for col in c.prompts["vision.contributions"].columns]
    assert _header(doc, "Activity") == [col.label for col in c.prompts["prevention.activities"].columns]
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Activity")
    assert "Primary" in [cell.text for cell in table.rows[1].cells]
    every_cell = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert "How easily can people across the area get the support they need?" in every_cell


def test_a_column_without_welsh_is_marked_never_printed_in_english(sqlite_engine, board, monkeypatch):
    """Should a column lose its Welsh, a Welsh draft marks the gap rather than pass the English off as Welsh."""
    prompt = content().prompts["vision.contributions"]
    bare = prompt.columns[0].model_copy(update={"label_cy": ""})
    monkeypatch.setitem(content().prompts, prompt.id, prompt.model_copy(update={"columns": (bare, *prompt.columns[1:])}))
    doc = _draft(sqlite_engine, board.id, "cy")
    assert _header(doc, "[Testun Cymraeg ar goll: Agency or organisation]")[1] == "Math o asiantaeth"
