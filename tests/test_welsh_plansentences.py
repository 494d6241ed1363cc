"""The short sentences the plan and the file imports build in the package, in Welsh for a person who chose
Cymraeg (issue 20) and unchanged in English: what goes with an item that is removed, an output indicator's
progress, an action's resources, what a plan import would create and what it imported, how a file was
read and its preview's notes and problems (through the message catalogue)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from strategy.answers.io import FIGURES, preview_figures
from strategy.core.authors import Author
from strategy.core.interface import message_in
from strategy.core.message_sources import messages_in_code
from strategy.plan import operations as P
from strategy.plan.io import PlanPreview
from strategy.tabular.reading import Preview, group_problems
from strategy.ui.state import AUTHOR_KEY, LANGUAGE_KEY
from tests.test_plan_app import SAM, engine, pid, url  # noqa: F401  (fixtures)
from tests.test_welsh_plan import _page, _said

# --- The plan's sentences -----------------------------------------------------------------------------


def _output(achieved, target, as_at=None):
    return SimpleNamespace(achieved=achieved, target=target, as_at=as_at)


@pytest.mark.parametrize(
    ("output", "english", "welsh"),
    [
        (_output(None, 12), "Nothing counted yet (target 12)", "Dim wedi'i gyfrif eto (targed 12)"),
        (_output(None, None), "Nothing counted yet", "Dim wedi'i gyfrif eto"),
        (_output(12, 20, "2026-03-31"), "12 of 20 (60%) at 31/03/2026", "12 o 20 (60%) ar 31/03/2026"),
        (_output(3, None), "3", "3"),
    ],
)
def test_an_output_indicators_progress_in_welsh_and_unchanged_in_english(output, english, welsh):
    assert P.output_progress(output) == english
    assert P.output_progress(output, "en") == english
    assert P.output_progress(output, "cy") == welsh


def test_an_actions_resources_in_welsh_with_the_drafts_words_and_unchanged_in_english():
    action = SimpleNamespace(cost_pence=1250000, funding_source="PCC grant", staff_time="0.2 FTE")
    assert P.resources_text(action) == "£12,500; funding: PCC grant; staff time: 0.2 FTE"
    assert P.resources_text(action, "cy") == "£12,500; cyllid: PCC grant; amser staff: 0.2 FTE"


def test_what_goes_with_a_removed_item_in_welsh_and_unchanged_in_english():
    found = {"outcome": [1], "action": [1, 2], "milestone": [1], "output": [1, 2, 3]}
    assert P._count_words(found) == "1 outcome, 2 actions, 1 milestone and 3 output indicators"
    assert P._count_words(found, "cy") == "1 canlyniad, 2 o gamau gweithredu, 1 garreg filltir a 3 o ddangosyddion allbwn"
    assert P._count_words({"action": [1], "measure": [1]}, "cy") == "1 cam gweithredu ac 1 mesur"
    assert P._count_words({"measure": [1] * 8}, "cy") == "8 o fesurau"
    assert P._count_words({}, "cy") == P._count_words({}) == ""


def test_removal_impact_on_the_demo_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    plan = P.load_plan(engine, sqlite_demo_id)
    aim = plan.aims[0]
    english, welsh = plan.removal_impact("aim", aim.id), plan.removal_impact("aim", aim.id, "cy")
    assert english == P.deletion_impact(engine, sqlite_demo_id, "aim", aim.id)
    assert welsh == P.deletion_impact(engine, sqlite_demo_id, "aim", aim.id, language="cy")
    assert "outcome" in english and "ganlyniad" in welsh and "outcome" not in welsh


def test_what_a_plan_import_would_create_and_imported_in_welsh_and_unchanged_in_english():
    preview = PlanPreview(filename="plan.xlsx", base=Preview(prompt_id="plan.action", filename="plan.xlsx", read_as="Excel workbook"))
    preview.base.rows = [{"title": "A"}, {"title": "B"}]
    preview.new_aims, preview.new_outcomes, preview.new_agencies = ["Aim"], ["O1", "O2"], ["Police"]
    preview.already = 1
    preview.milestones, preview.milestones_already = [{"title": "M"}], 2
    assert preview.summary() == (
        "Will create 1 new strategic aim, 2 new intended outcomes and 2 actions. 1 action is already in the plan and will be left "
        "as they are. New agencies to add: Police. Will add 1 milestone (2 already in the plan, left as they are)."
    )
    assert preview.summary("cy") == (
        "Bydd yn creu 1 nod strategol newydd, 2 o ganlyniadau arfaethedig newydd a 2 o gamau gweithredu. Mae 1 cam gweithredu "
        "eisoes yn y cynllun a bydd yn cael ei adael fel y mae. Asiantaethau newydd i'w hychwanegu: Police. Bydd yn ychwanegu "
        "1 garreg filltir (2 eisoes yn y cynllun, heb eu newid)."
    )
    assert preview.imported_text(2) == "Imported 2 actions and 1 milestone"
    assert preview.imported_text(2, "cy") == "Wedi mewnforio 2 o gamau gweithredu ac 1 garreg filltir"


# --- The imports' words, through the message catalogue -------------------------------------------------


def _figures_xlsx() -> bytes:
    """A small published-style workbook: a notes sheet first, then the table, one value not a number."""
    book = Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "About these figures"
    sheet = book.create_sheet("Figures")
    sheet.append(["Figure", "Detail", "Year", "Value", "Source"])
    sheet.append(["Child population (under 18)", "Aged 0 to 17", "2024", 61250, "ONS"])
    sheet.append(["Looked-after children", "", "2023/24", "lots", "DfE"])
    sheet.append(["Looked-after children", "", "2024/25", "many", "DfE"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_read_as_and_the_problem_lines_of_a_figures_file_in_welsh_and_unchanged_in_english():
    preview = preview_figures(_figures_xlsx(), "figures.xlsx", FIGURES)
    assert preview.read_as == "Excel workbook, sheet 2 of 2 ('Figures'); the sheets before it hold no table"
    assert message_in(preview.read_as, "cy") == "Llyfr gwaith Excel, taflen 2 o 2 ('Figures'); nid oes tabl yn y taflenni o'i blaen"
    lines = group_problems(preview.problems, preview.problem_count)
    assert lines[0].startswith("2 rows (column 'Value', rows 3, 4): The value should be a number, but it is 'lots'.")
    welsh = message_in(lines[0], "cy")
    assert welsh.startswith("2 o resi (colofn 'Value', rhesi 3, 4): Y gwerth: dylai hwn fod yn rhif, ond 'lots' ydyw."), welsh
    assert "Published codes" not in welsh and "Caniateir codau cyhoeddedig" in welsh
    assert message_in(preview.problems[0].describe(), "cy").startswith("Rhes 3, colofn 'Value': Y gwerth")


@pytest.mark.parametrize(
    ("english", "welsh"),
    [
        ("CSV, UTF-8, comma-separated", "CSV, UTF-8, wedi'i gwahanu â chomas"),
        ("Excel workbook, first of 3 sheets ('Data')", "Llyfr gwaith Excel, y gyntaf o 3 o daflenni ('Data')"),
        ("The file has no column 'Value'.", "Nid oes colofn 'Value' yn y ffeil."),
        ("No strategic aim: give the aim this row belongs to.", "Dim nod strategol: rhowch y nod y mae'r rhes hon yn perthyn iddo."),
        ("The aim is 400 characters; the most is 300.", "Mae'r nod strategol yn 400 nod; yr uchafswm yw 300."),
        ("… and 1 more problem.", "… ac 1 broblem arall."),
    ],
)
def test_preview_words_that_are_not_raised_are_in_the_catalogue_with_their_welsh(english, welsh):
    assert message_in(english, "en") == english
    assert message_in(english, "cy") == welsh


def test_the_catalogue_collects_the_problems_notes_and_read_as_the_code_writes():
    found = messages_in_code()
    assert "Excel workbook, sheet {p0} of {p1} ('{p2}')" in found  # read_as = f"..."
    assert "{p0}; the sheets before it hold no table" in found  # read_as += "..."
    assert "The file has no column '{p0}'." in found  # add_problem(1, "", f"...")
    assert "The years run across the top ({p0} to {p1}): each becomes a row of its own." in found  # notes.append
    assert "No action is given for this milestone; give the code of its action (such as A1.O2.3)." in found  # a conditional
    assert "Row {p0}, column '{p1}': {p2}" in found  # catalogued(...)


def _figures_panel(data: bytes, filename: str) -> None:
    # Runs as its own Streamlit script: the figures' import panel with a chosen file.
    import streamlit as st

    from strategy.answers.io import FIGURES, preview_figures
    from strategy.ui import file_import as fi

    def shown(preview):
        return fi.Shown(preview=preview, ready=fi.ready_frame(preview, {"value": "Value"}), button="Import", importable=preview.ok)

    st.session_state.setdefault("done", False)
    fi.import_panel(
        lambda part: f"welsh-figures|{part}",
        data,
        filename,
        preview=lambda d, name: preview_figures(d, name, FIGURES),
        shown=shown,
        commit=lambda _replace: "",
    )


@pytest.mark.parametrize("language", ["cy", "en"])
def test_a_figures_import_preview_for_a_person_who_chose_cymraeg(language):
    at = AppTest.from_function(_figures_panel, args=(_figures_xlsx(), "figures.xlsx"), default_timeout=30)
    at.session_state[AUTHOR_KEY] = Author.make("Ann Jones", "Police")
    at.session_state[LANGUAGE_KEY] = language
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [t.value for t in at.text]
    if language == "cy":
        assert any("Llyfr gwaith Excel, taflen 2 o 2 ('Figures')" in t for t in texts), texts
        assert any(t.startswith("2 o resi (colofn 'Value', rhesi 3, 4): Y gwerth: dylai hwn fod yn rhif") for t in texts), texts
        assert not any("Excel workbook" in t or "should be a number" in t for t in texts)
    else:
        assert any("Excel workbook, sheet 2 of 2 ('Figures'); the sheets before it hold no table" in t for t in texts), texts
        assert any(t.startswith("2 rows (column 'Value', rows 3, 4): The value should be a number") for t in texts), texts


# --- The action plan page ----------------------------------------------------------------------------


def _with_outputs(at: AppTest, engine, demo_id: int):  # noqa: F811
    """The action plan page with an action chosen that has output indicators (the demo gives some)."""
    plan = P.load_plan(engine, demo_id)
    action, _output = plan.all_outputs()[0]
    at.selectbox(key=f"plan|depth-action|{demo_id}").set_value(action.id).run()
    assert not at.exception, [e.value for e in at.exception]
    return plan.outputs[action.id]


def test_the_action_plan_page_shows_output_progress_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _page(engine, sqlite_demo_id, "views/action_plan.py", SAM, "cy")
    outputs = _with_outputs(at, engine, sqlite_demo_id)
    captions = _said(at.caption)
    for output in outputs:
        assert P.output_progress(output, "cy") in captions, captions
        assert P.output_progress(output) not in captions or P.output_progress(output) == P.output_progress(output, "cy")
    assert any(c.startswith("Dim wedi'i gyfrif eto") or " o " in c and "%" in c for c in captions), captions


def test_the_action_plan_page_in_english_is_unchanged(engine, sqlite_demo_id):  # noqa: F811
    at = _page(engine, sqlite_demo_id, "views/action_plan.py", SAM)
    outputs = _with_outputs(at, engine, sqlite_demo_id)
    captions = _said(at.caption)
    assert all(P.output_progress(output) in captions for output in outputs), captions


def test_the_theory_of_change_shows_what_goes_with_a_removal_in_welsh(engine, sqlite_demo_id):  # noqa: F811
    at = _page(engine, sqlite_demo_id, "views/theory_of_change.py", SAM, "cy")
    plan = P.load_plan(engine, sqlite_demo_id)
    aim = plan.aims[0]
    at.session_state[f"plan|aim-open|{aim.id}"] = True  # the aim's box opened
    at.run()
    welsh = plan.removal_impact("aim", aim.id, "cy")
    labels = [b.label for b in at.button]
    assert f"Tynnu {plan.code('aim', aim.id)} gyda {welsh}" in labels, labels
    removal = [label for label in labels if label.startswith("Tynnu ") and " gyda " in label]
    assert removal and not any(w in label for label in removal for w in ("outcome", "action", "measure"))
    english = _page(engine, sqlite_demo_id, "views/theory_of_change.py", Author.make("Ben Evans", "Health"))
    english.session_state[f"plan|aim-open|{aim.id}"] = True
    english.run()
    assert f"Remove {plan.code('aim', aim.id)} with {plan.removal_impact('aim', aim.id)}" in [b.label for b in english.button]
