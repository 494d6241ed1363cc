"""The documents in Welsh, in English or in both (Welsh Language Standards): real .docx bytes read
back with python-docx. The English draft is unchanged (tests/test_export_docx.py)."""

from __future__ import annotations

import io
import os
import string
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from docx import Document
from streamlit.testing.v1 import AppTest

from strategy.answers.operations import add_row, list_rows, save_answer, update_cell
from strategy.core.authors import Author
from strategy.core.dates import UK
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import Conflict, InvalidInput
from strategy.core.settings import DATA_DIR
from strategy.documents.draft import draft_filename, export_docx
from strategy.documents.on_a_page import build_on_a_page
from strategy.documents.welsh import phrase_corrections
from strategy.finalise.language import WELSH_WORDING_PROMPT
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.ui.state import PARTNERSHIP_KEY
from strategy.word.language import PHRASES_FILE, Translations, WelshText, long_date, phrase, phrases, welsh_date
from tests.people_support import sign_in_as

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2027, 3, 31, 10, 0, tzinfo=UK)
TEMPLATE = yaml.safe_load((DATA_DIR / "reference" / "template_sections.yaml").read_text(encoding="utf-8"))["items"]
WELSH_HEADINGS = [
    "1. Cyflwyniad",
    "2. Gweledigaeth a rennir a blaenoriaethau strategol",
    "3. Llywodraethu",
    "4. Cyd-destun lleol a rhanbarthol",
    "5. Nodau strategol a chanlyniadau arfaethedig",
    "6. Atal ac amharu ar gam-drin plant yn rhywiol",
    "7. Nodi cam-drin plant yn rhywiol",
    "8. Ymateb cefnogol i bobl y mae cam-drin plant yn rhywiol wedi effeithio arnynt",
    "9. Datblygu'r gweithlu",
    "10. Cynllun gweithredu",
    "11. Monitro a gwerthuso",
]
ENGLISH_HEADINGS = [f"{s['number']}. {s['label']}" for s in TEMPLATE]
PURPOSE_EN = "We will prevent child sexual abuse & respond <well> to every child who tells."
PURPOSE_CY = "Byddwn yn atal cam-drin plant yn rhywiol ac yn ymateb yn dda i bob plentyn sy'n dweud. Ŵ ŷ"
VISION_EN = "Every child in the region is safe from sexual abuse."


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def headings(doc, level: int = 1) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def texts(doc) -> list[str]:
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            out += [c.text for c in row.cells]
    return out


# --- The phrases: every English has its Welsh --------------------------------------------------


def test_every_phrase_has_english_and_welsh_with_the_same_placeholders():
    every = phrases()
    assert len(every) > 150
    for key, entry in every.items():
        assert set(entry) == {"en", "cy"}, f"{key} is not in both languages"
        assert str(entry["en"]).strip() and str(entry["cy"]).strip(), f"{key} has an empty language"
        fields = [{f for _, f, _, _ in string.Formatter().parse(str(entry[lang])) if f} for lang in ("en", "cy")]
        assert fields[0] == fields[1], f"{key}: the Welsh and English fill different placeholders"
    for section in TEMPLATE:  # the eleven sections, and the English exactly as the template data names them
        assert every[f"section.{section['id']}"]["en"] == section["label"]
        assert f"section.{section['id']}.holds" in every


def test_the_phrase_file_is_marked_for_review_by_a_welsh_speaker():
    assert "FOR REVIEW BY A WELSH SPEAKER IN THE PARTNERSHIP" in PHRASES_FILE.read_text(encoding="utf-8")[:600]


def test_the_glossary_has_the_welsh_of_every_acronym_in_the_workbooks_list():
    acronyms = yaml.safe_load((DATA_DIR / "reference" / "acronyms.yaml").read_text(encoding="utf-8"))["items"]
    for item in acronyms:
        assert phrases()[f"acronym.{item['label']}"]["en"] == item["meaning"]


def test_dates_in_welsh():
    assert welsh_date(date(2027, 3, 31)) == "31 Mawrth 2027"
    assert [welsh_date(date(2027, m, 1)).split()[1] for m in range(1, 13)] == [
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
        "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ]  # fmt: skip
    assert long_date(date(2027, 3, 31), "en") == "31 March 2027"
    assert long_date(date(2027, 3, 31), "bilingual") == "31 Mawrth 2027 / 31 March 2027"


def test_a_phrase_in_each_language_and_a_broken_correction_falls_back_to_the_file():
    assert phrase("control.heading") == "Document control"
    assert phrase("control.heading", "cy") == "Rheoli dogfennau"
    assert phrase("control.heading", "bilingual") == "Rheoli dogfennau / Document control"
    assert phrase("control.heading", "cy", {"control.heading": "Rheoli'r ddogfen"}) == "Rheoli'r ddogfen"
    # A correction that loses or breaks a {placeholder} cannot break the document.
    assert phrase("draft.version", "cy", {"draft.version": "Fersiwn {fersiwn}"}, version="1.0") == "Fersiwn: 1.0"


# --- The draft in Welsh --------------------------------------------------------------------------


@pytest.fixture
def wales(engine, author):
    """A Welsh regional board with an answer, a priority and a small plan, some of it in Welsh."""
    p = create_partnership(
        engine, name="Bwrdd Diogelu Rhanbarthol y Fro", nation="wales", areas="Y Fro", period_start=2026, period_end=2029
    )
    save_answer(engine, p.id, "intro.purpose", PURPOSE_EN, expected_version=0, author=author)
    save_answer(engine, p.id, "vision.statement", VISION_EN, expected_version=0, author=author)
    save_answer(engine, p.id, "finalise.approved_by", "The regional board", expected_version=0, author=author)
    priority = add_row(engine, p.id, "vision.priorities", {"priority": "Listen to children", "why": "They tell us"}, author=author)
    aim = P.add_aim(engine, p.id, title="Recognise abuse earlier", author=author)
    outcome = P.add_outcome(engine, p.id, aim_id=aim.id, title="More children are helped to tell", author=author)
    action = P.create_action(engine, p.id, outcome_id=outcome.id, title="Train every school's safeguarding lead", author=author)
    return {"p": p, "priority": priority, "aim": aim, "outcome": outcome, "action": action}


def welsh_of(w, *, purpose_out_of_date: bool = False) -> Translations:
    return Translations(
        answers={"intro.purpose": WelshText(PURPOSE_CY, out_of_date=purpose_out_of_date)},
        titles={
            ("aim", w["aim"].id): WelshText("Adnabod cam-drin yn gynt"),
            ("action", w["action"].id): WelshText("Hyfforddi arweinydd diogelu pob ysgol"),
        },
    )


def test_a_welsh_draft_has_the_eleven_welsh_headings_in_order(engine, wales):
    doc = open_docx(export_docx(engine, wales["p"].id, now=NOW, charts=False, language="cy", translations=welsh_of(wales)))
    found = headings(doc)
    assert found[:11] == WELSH_HEADINGS
    assert found[11:13] == ["Atodiad A: Argymhellion yr adolygiad cenedlaethol", "Atodiad B: Geirfa"]
    assert not set(ENGLISH_HEADINGS) & set(found)
    all_text = texts(doc)
    assert "Rheoli dogfennau" in all_text and "Document control" not in all_text
    assert "Dyddiad: 31 Mawrth 2027" in all_text  # the title page's date in Welsh
    assert "Strategaeth ar gyfer atal, nodi ac ymateb i gam-drin plant yn rhywiol" in all_text
    assert "Cymeradwywyd gan" in all_text and "The regional board" in all_text  # people's words stay theirs
    assert PURPOSE_CY in all_text and PURPOSE_EN not in all_text
    # The plan's Welsh titles, in the action plan's table with Welsh headers.
    assert "Nod strategol A1: Adnabod cam-drin yn gynt" in headings(doc, 2)
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Canlyniad arfaethedig")
    assert [c.text for c in table.rows[0].cells][:3] == ["Canlyniad arfaethedig", "Cam gweithredu", "Asiantaeth arweiniol/gyfrifol"]
    assert any("Hyfforddi arweinydd diogelu pob ysgol" in c.text for c in table.rows[1].cells)
    assert "Train every school's safeguarding lead" not in " ".join(all_text)
    footer = doc.sections[0].footer.paragraphs[0].text
    assert "Strategaeth cam-drin plant yn rhywiol · DRAFFT" in footer
    assert doc.core_properties.language == "cy-GB"


def test_missing_welsh_is_marked_and_counted_never_filled_with_english(engine, wales):
    doc = open_docx(export_docx(engine, wales["p"].id, now=NOW, charts=False, language="cy", translations=welsh_of(wales)))
    all_text = texts(doc)
    joined = "\n".join(all_text)
    # The vision has no Welsh: a marked gap in the Welsh draft's style for gaps, and no English vision.
    assert VISION_EN not in joined
    paragraphs = [p.text for p in doc.paragraphs]
    vision = doc.paragraphs[paragraphs.index("Ein gweledigaeth a rennir") + 1]
    assert vision.text.startswith("[Testun Cymraeg ar goll:") and vision.style.name == "Workbook Gap"
    # The outcome and the priority have no Welsh title: marked in place.
    assert "[Testun Cymraeg ar goll: More children are helped to tell]" in joined
    assert "[Testun Cymraeg ar goll: Listen to children]: [Testun Cymraeg ar goll: They tell us]" in joined  # its reason too
    # The note at the start counts them, before the contents.
    note = next(p for p in doc.paragraphs if "darn; mae pob un wedi'i farcio" in p.text)
    count = int(note.text.split("Nid oes testun Cymraeg eto i ")[1].split()[0])
    assert count == joined.count("[Testun Cymraeg ar goll:") and count >= 3
    assert paragraphs.index(note.text) < paragraphs.index(WELSH_HEADINGS[0])


def test_a_welsh_draft_with_no_welsh_at_all_marks_every_answer(engine, wales):
    doc = open_docx(export_docx(engine, wales["p"].id, now=NOW, charts=False, language="cy"))
    joined = "\n".join(texts(doc))
    assert PURPOSE_EN not in joined and VISION_EN not in joined
    assert "[Testun Cymraeg ar goll: Recognise abuse earlier]" in joined
    assert headings(doc)[:11] == WELSH_HEADINGS


def test_out_of_date_welsh_is_marked(engine, wales):
    doc = open_docx(
        export_docx(engine, wales["p"].id, now=NOW, charts=False, language="cy", translations=welsh_of(wales, purpose_out_of_date=True))
    )
    paragraphs = [p.text for p in doc.paragraphs]
    at = paragraphs.index(PURPOSE_CY)
    assert paragraphs[at - 1].startswith("[Gall y testun Cymraeg fod yn hen")
    assert doc.paragraphs[at - 1].style.name == "Workbook Gap"
    assert any("Gall 1 darn Cymraeg fod yn hen" in p for p in paragraphs)


def test_a_bilingual_draft_holds_both_languages_welsh_first_in_the_same_style(engine, wales):
    doc = open_docx(export_docx(engine, wales["p"].id, now=NOW, charts=False, language="bilingual", translations=welsh_of(wales)))
    found = headings(doc)
    assert found[:11] == [f"{cy} / {en.split('. ', 1)[1]}" for cy, en in zip(WELSH_HEADINGS, ENGLISH_HEADINGS, strict=True)]
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs.index(PURPOSE_CY) < paragraphs.index(PURPOSE_EN)
    assert doc.paragraphs[paragraphs.index(PURPOSE_CY)].style.name == doc.paragraphs[paragraphs.index(PURPOSE_EN)].style.name
    all_text = texts(doc)
    assert "Rheoli dogfennau / Document control" in all_text
    assert "Dyddiad: 31 Mawrth 2027 / Date: 31 March 2027" in all_text
    assert "Fersiwn: Drafft (llyfr gwaith" in " ".join(all_text) and "/ Version: Draft (workbook" in " ".join(all_text)
    # Tables: the Welsh first in each header and title cell.
    table = next(t for t in doc.tables if t.rows[0].cells[0].text.startswith("Canlyniad arfaethedig"))
    assert table.rows[0].cells[0].text == "Canlyniad arfaethedig / Intended outcome"
    assert any(
        c.text.endswith("Hyfforddi arweinydd diogelu pob ysgol / Train every school's safeguarding lead") for c in table.rows[1].cells
    )
    # Missing Welsh is marked beside the English, never in its place.
    assert "[Testun Cymraeg ar goll: More children are helped to tell] / More children are helped to tell" in "\n".join(all_text)
    assert VISION_EN in paragraphs
    gaps = next(t for t in all_text if t.startswith("Bylchau i'w cau o hyd:"))
    assert gaps == (
        "Bylchau i'w cau o hyd: Nid oes mesur gan A1.O1 eto.\n"
        "Gaps still to close: A1.O1 'More children are helped to tell' has no measure yet: how will you know it happened?"
    )


def test_an_unknown_language_is_refused(engine, wales):
    with pytest.raises(InvalidInput, match="choose en, cy or bilingual"):
        export_docx(engine, wales["p"].id, now=NOW, charts=False, language="fr")


def test_the_filename_says_the_language(wales):
    assert draft_filename(wales["p"], NOW).endswith("-strategy-draft-2027-03-31.docx")
    assert draft_filename(wales["p"], NOW, language="cy").endswith("-strategy-draft-cymraeg-2027-03-31.docx")


# --- The command line ---------------------------------------------------------------------------


def run(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "strategy", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_export_docx_language_option(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    assert run(url, "create", "Bwrdd y Fro", "--nation", "wales").returncode == 0
    out = tmp_path / "cy.docx"
    done = run(url, "export-docx", "Bwrdd y Fro", "--out", str(out), "--no-charts", "--language", "cy")
    assert done.returncode == 0, done.stderr
    assert headings(Document(str(out)))[:11] == WELSH_HEADINGS
    both = tmp_path / "both.docx"
    assert run(url, "export-docx", "Bwrdd y Fro", "--out", str(both), "--no-charts", "--language", "bilingual").returncode == 0
    assert headings(Document(str(both)))[0] == "1. Cyflwyniad / Introduction"
    english = tmp_path / "en.docx"
    assert run(url, "export-docx", "Bwrdd y Fro", "--out", str(english), "--no-charts").returncode == 0
    assert headings(Document(str(english)))[:11] == ENGLISH_HEADINGS
    wrong = run(url, "export-docx", "Bwrdd y Fro", "--out", str(tmp_path / "x.docx"), "--language", "welsh")
    assert wrong.returncode == 2 and "invalid choice: 'welsh'" in wrong.stderr and not (tmp_path / "x.docx").exists()


# --- The partnership's corrections of the Welsh wording -------------------------------------------


def test_a_partnerships_correction_changes_its_welsh_documents_only(engine, wales, author):
    pid = wales["p"].id
    add_row(engine, pid, WELSH_WORDING_PROMPT, {"now": "Rheoli  dogfennau", "welsh": "Rheoli'r ddogfen"}, author=author)
    add_row(engine, pid, WELSH_WORDING_PROMPT, {"now": "Acronym", "welsh": "Byrfodd"}, author=author)  # by the English
    add_row(engine, pid, WELSH_WORDING_PROMPT, {"now": "No such phrase anywhere", "welsh": "Dim"}, author=author)
    corrections = phrase_corrections(engine, pid)
    assert corrections.phrases == {"control.heading": "Rheoli'r ddogfen", "glossary.acronym": "Byrfodd"}
    assert corrections.unmatched == ("No such phrase anywhere",)
    welsh = texts(open_docx(export_docx(engine, pid, now=NOW, charts=False, language="cy")))
    assert "Rheoli'r ddogfen" in welsh and "Rheoli dogfennau" not in welsh
    both = texts(open_docx(export_docx(engine, pid, now=NOW, charts=False, language="bilingual")))
    assert "Rheoli'r ddogfen / Document control" in both
    english = texts(open_docx(export_docx(engine, pid, now=NOW, charts=False)))
    assert "Document control" in english and "Rheoli'r ddogfen" not in english
    # Another partnership's documents keep the file's Welsh.
    other = create_partnership(engine, name="Bwrdd Arall", nation="wales")
    assert "Rheoli dogfennau" in texts(open_docx(export_docx(engine, other.id, now=NOW, charts=False, language="cy")))


def test_a_correction_is_version_checked_like_every_row(engine, wales, author, other_author):
    pid = wales["p"].id
    row = add_row(engine, pid, WELSH_WORDING_PROMPT, {"now": "Rheoli dogfennau", "welsh": "Rheoli'r ddogfen"}, author=author)
    update_cell(engine, pid, row.id, "welsh", "Rheoli dogfen", expected="Rheoli'r ddogfen", author=other_author)
    with pytest.raises(Conflict):  # the first person's stale edit is refused, the second's kept
        update_cell(engine, pid, row.id, "welsh", "Rheoli'r dogfennau", expected="Rheoli'r ddogfen", author=author)
    assert phrase_corrections(engine, pid).phrases == {"control.heading": "Rheoli dogfen"}
    with pytest.raises(InvalidInput):  # both columns are required: nothing half-written is stored
        add_row(engine, pid, WELSH_WORDING_PROMPT, {"now": "Cynnwys", "welsh": "   "}, author=author)
    with pytest.raises(InvalidInput):  # longer than the column allows
        add_row(engine, pid, WELSH_WORDING_PROMPT, {"now": "Cynnwys", "welsh": "ŵ" * 401}, author=author)
    assert len(list_rows(engine, pid, WELSH_WORDING_PROMPT)) == 1


# --- The Word draft page --------------------------------------------------------------------------


@pytest.fixture
def page_engine(tmp_path, monkeypatch, db_templates):
    url = db_templates.sqlite(tmp_path / "app.sqlite3")
    monkeypatch.setenv("DATABASE_URL", url)
    yield prepare_database(url)
    dispose_engine(url)


def draft_page(pid: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, Author.make("Sam"), partnership_id=pid)
    at.run()
    return at.switch_page("views/draft.py").run()


def test_the_draft_page_offers_welsh_in_wales_only(page_engine, author):
    england = create_partnership(page_engine, name="Harbourshire", nation="england")
    at = draft_page(england.id)
    assert not at.exception and not [r for r in at.radio if r.label == "Language of the documents"]

    wales = create_partnership(page_engine, name="Bwrdd y Fro", nation="wales")
    add_row(page_engine, wales.id, WELSH_WORDING_PROMPT, {"now": "Nothing like it", "welsh": "Dim"}, author=author)
    at = draft_page(wales.id)
    choice = next(r for r in at.radio if r.label == "Language of the documents")
    assert choice.value == "en" and choice.options == ["English", "Welsh (Cymraeg)", "Bilingual (Welsh first, then English)"]
    assert any("'Nothing like it'" in w.value for w in at.warning)  # a correction that names no phrase
    choice.set_value("cy").run()
    next(b for b in at.button if b.label == "Build the Word draft").click().run()
    from strategy.word.jobs import JOBS

    for job in JOBS.running():
        assert job.wait(400), f"{job.what} was still building"
    at.run()
    assert not at.exception
    pid, data, filename = at.session_state["draft_docx"]
    assert pid == wales.id and "-cymraeg-" in filename
    assert headings(open_docx(data))[:11] == WELSH_HEADINGS
    assert any("in Welsh is ready" in s.value for s in at.success)


def test_a_welsh_glossary_explains_in_welsh_and_does_not_take_welsh_capitals_for_acronyms(engine, wales):
    doc = open_docx(export_docx(engine, wales["p"].id, now=NOW, charts=False, language="cy"))
    glossary = next(t for t in doc.tables if t.rows[0].cells[0].text == "Acronym" and t.rows[0].cells[1].text == "Ystyr")
    meanings = {r.cells[0].text: r.cells[1].text for r in glossary.rows[1:]}
    assert meanings["MAPPA"] == "trefniadau amlasiantaethol i amddiffyn y cyhoedd"
    assert "DRAFFT" not in meanings and "SWYDDOGOL" not in meanings


# --- The strategy on a page -----------------------------------------------------------------------


def test_the_strategy_on_a_page_in_welsh_and_in_both(engine, wales, author):
    pid = wales["p"].id
    welsh = Translations(
        answers={"vision.statement": WelshText("Mae pob plentyn yn y rhanbarth yn ddiogel rhag cam-drin rhywiol.")},
        titles={("aim", wales["aim"].id): WelshText("Adnabod cam-drin yn gynt")},
    )
    doc = open_docx(build_on_a_page(engine, pid, now=NOW, language="cy", translations=welsh))
    assert headings(doc) == ["Ein gweledigaeth", "Ein blaenoriaethau", "Ein nodau, beth fydd yn newid, a sut y byddwn yn gwybod"]
    joined = "\n".join(texts(doc))
    assert "Mae pob plentyn yn y rhanbarth yn ddiogel rhag cam-drin rhywiol." in joined and VISION_EN not in joined
    assert "A1 Adnabod cam-drin yn gynt" in joined
    assert "A1.O1 [Testun Cymraeg ar goll: More children are helped to tell]" in joined
    assert "1. [Testun Cymraeg ar goll: Listen to children]" in joined
    assert "Strategaeth ar dudalen · 31 Mawrth 2027" in doc.sections[0].footer.paragraphs[0].text
    note = next(p for p in doc.paragraphs if p.text.startswith("Nid oes testun Cymraeg eto i "))
    assert note.style.name == "Workbook Gap" and note.text.startswith(
        f"Nid oes testun Cymraeg eto i {joined.count('[Testun Cymraeg ar goll:')} darn"
    )

    both = open_docx(build_on_a_page(engine, pid, now=NOW, language="bilingual", translations=welsh))
    assert headings(both)[0] == "Ein gweledigaeth / Our vision"
    paragraphs = [p.text for p in both.paragraphs]
    assert f"Mae pob plentyn yn y rhanbarth yn ddiogel rhag cam-drin rhywiol.\n{VISION_EN}" in paragraphs

    english = open_docx(build_on_a_page(engine, pid, now=NOW))
    assert headings(english) == ["Our vision", "Our priorities", "Our aims, what will change, and how we will know"]
    assert VISION_EN in [p.text for p in english.paragraphs] and "Testun Cymraeg" not in "\n".join(texts(english))


def test_on_a_page_language_option(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    assert run(url, "create", "Bwrdd y Fro", "--nation", "wales").returncode == 0
    out = tmp_path / "page.docx"
    done = run(url, "on-a-page", "Bwrdd y Fro", "--out", str(out), "--language", "cy")
    assert done.returncode == 0, done.stderr
    assert headings(Document(str(out)))[0] == "Ein gweledigaeth"
    gaps = [p.text for p in Document(str(out)).paragraphs if p.style.name == "Workbook Gap"]
    assert (
        gaps[0]
        == "Heb ei ysgrifennu eto: y weledigaeth a rennir (pennod 'Gweledigaeth a rennir a llywodraethu' yn y llyfr gwaith a thudalennau'r cynllun)."
    )


def test_any_welsh_text_is_written_safely_and_an_out_of_date_title_is_marked(engine, wales):
    hostile = "Ŵyr & <script>alert(1)</script> \x00\x07 ]]> =SUM(A1) \u202egwrthdro"
    welsh = Translations(
        answers={"intro.purpose": WelshText(hostile), "vision.statement": WelshText("   ")},  # blank Welsh is missing Welsh
        titles={
            ("aim", wales["aim"].id): WelshText("Adnabod cam-drin yn gynt", out_of_date=True),
            ("outcome", wales["outcome"].id): WelshText(hostile),
        },
        phrases={"control.heading": "Rheoli <dogfennau> & \x01"},
    )
    doc = open_docx(export_docx(engine, wales["p"].id, now=NOW, charts=False, language="cy", translations=welsh))
    joined = "\n".join(texts(doc))
    assert "Ŵyr & <script>alert(1)</script>  ]]> =SUM(A1) \u202egwrthdro" in joined  # literal text; control characters dropped
    assert "Rheoli <dogfennau> & " in joined
    assert "Nod strategol A1: Adnabod cam-drin yn gynt [gall fod yn hen]" in headings(doc, 2)
    vision = [p.text for p in doc.paragraphs][[p.text for p in doc.paragraphs].index("Ein gweledigaeth a rennir") + 1]
    assert vision.startswith("[Testun Cymraeg ar goll:")
    # Each place the title is printed: the headings of sections 5 and 10 and the chain's table.
    printed = headings(doc, 2) + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert sum(t.count("[gall fod yn hen]") for t in printed) == 3
    assert any("Gall 3 darn Cymraeg fod yn hen" in t for t in texts(doc))
