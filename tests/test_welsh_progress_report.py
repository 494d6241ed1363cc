"""The progress report in Welsh, in English or in both (Welsh Language Standards): real .docx bytes read
back with python-docx, the command's --language, and the choice on the scrutiny and Review pages
(Wales only). The English report is unchanged (tests/test_delivery.py, tests/test_delivery_app.py)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from streamlit.testing.v1 import AppTest

from strategy.answers.operations import add_row
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import InvalidInput
from strategy.delivery import operations as D
from strategy.documents.progress_report import export_progress_report, report_filename
from strategy.finalise.language import WELSH_WORDING_PROMPT
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from strategy.ui.state import PARTNERSHIP_KEY
from strategy.word.language import Translations, WelshText, phrases
from tests.people_support import sign_in_as
from tests.test_welsh_documents import run

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2027, 3, 31)
NOTE_EN = "Twelve of the region's forty schools trained; <two> more booked & paid."
ACTION_EN = "Train every school's safeguarding lead"
ACTION_CY = "Hyfforddi arweinydd diogelu pob ysgol"
AIM_EN = "Recognise abuse earlier"
AIM_CY = "Adnabod cam-drin yn gynt"
MILESTONE_EN = "First four sessions delivered"

WELSH_HEADINGS = [
    "Crynodeb o'r camau gweithredu yn ôl statws",
    "Diweddariadau ers yr adroddiad diwethaf",
    "Cerrig milltir",
    "Dangosyddion allbwn",
    "Dangosyddion",
    "Camau gweithredu hwyr",
    "Angen diweddariad",
    "Beth sydd mewn perygl",
    "Dangosyddion oddi ar y trywydd",
    "Argymhellion archwiliadau a chipluniau sy'n dal ar agor",
    "Yr hyn a ddysgwyd o archwiliadau",
    "Adborth",
    "Adolygiadau blynyddol",
    "Sylwadau agored",
]
ENGLISH_HEADINGS = [
    "Summary of actions by status",
    "Updates since the last report",
    "Milestones",
    "Output indicators",
    "Indicators",
    "Overdue actions",
    "Due for an update",
    "What is at risk",
    "Indicators off track",
    "Audit and snapshot recommendations still open",
    "What audits have taught",
    "Feedback",
    "Annual reviews",
    "Open comments",
]


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


def table_by_header(doc, first: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first)


@pytest.fixture
def wales(engine, author):
    """A Welsh regional board with a small plan, an update, a milestone overdue and an output."""
    p = create_partnership(
        engine, name="Bwrdd Diogelu Rhanbarthol y Fro", nation="wales", areas="Y Fro", period_start=2026, period_end=2029
    )
    aim = P.add_aim(engine, p.id, title=AIM_EN, author=author)
    outcome = P.add_outcome(engine, p.id, aim_id=aim.id, title="More children are helped to tell", author=author)
    action = P.create_action(
        engine, p.id, outcome_id=outcome.id, title=ACTION_EN, start_date="01/04/2026", end_date="31/03/2028", author=author
    )
    D.add_update(engine, p.id, action.id, status="at_risk", note=NOTE_EN, reported_on="15/11/2026", today=TODAY, author=author)
    P.add_milestone(engine, p.id, action_id=action.id, title=MILESTONE_EN, due_date="31/10/2026", author=author, today=TODAY)
    P.add_output(engine, p.id, action_id=action.id, title="Training sessions delivered", target=12, achieved=3, author=author, today=TODAY)
    return {"p": p, "aim": aim, "outcome": outcome, "action": action}


def welsh_of(w) -> Translations:
    return Translations(titles={("aim", w["aim"].id): WelshText(AIM_CY), ("action", w["action"].id): WelshText(ACTION_CY)})


def report(engine, w, language: str, **kwargs) -> bytes:
    return export_progress_report(
        engine, w["p"].id, today=TODAY, since=date(2026, 7, 1), charts=False, language=language, translations=welsh_of(w), **kwargs
    )


def test_a_welsh_report_has_the_welsh_headings_tables_and_dates(engine, wales):
    doc = open_docx(report(engine, wales, "cy"))
    assert headings(doc) == WELSH_HEADINGS
    assert not set(ENGLISH_HEADINGS) & set(texts(doc))
    paragraphs = [p.text for p in doc.paragraphs]
    title = paragraphs.index("Cynnydd ar y strategaeth cam-drin plant yn rhywiol")
    assert paragraphs[title + 1 : title + 3] == ["Bwrdd Diogelu Rhanbarthol y Fro", "Adroddiad 31 Mawrth 2027"]
    assert any("Diweddariadau ers 1 Gorffennaf 2026." in t and "bob 90 diwrnod" in t for t in paragraphs)
    assert any(t.startswith("Cynhyrchwyd ar ") for t in paragraphs)
    # The summary sentence and its table, in Welsh with the status words and colours in Welsh.
    assert "1 cam gweithredu: 1 mewn perygl. 0 yn hwyr; 1 angen diweddariad." in paragraphs
    summary = table_by_header(doc, "Statws")
    assert [c.text for c in summary.rows[0].cells] == ["Statws", "Lliw", "Camau gweithredu"]
    assert ["Mewn perygl", "Ambr", "1"] in [[c.text for c in r.cells] for r in summary.rows]
    # The plan's titles through their Welsh; the overdue milestone named with its Welsh date.
    by_aim = table_by_header(doc, "Nod strategol")
    assert by_aim.rows[1].cells[0].text == f"A1 {AIM_CY}"
    milestones = table_by_header(doc, "Cod")
    assert [c.text for c in milestones.rows[0].cells] == [
        "Cod",
        "Cam gweithredu",
        "Carreg filltir",
        "Erbyn",
        "Statws",
        "Wedi'i chwblhau ar",
        "Yn hwyr",
    ]
    assert [c.text for c in milestones.rows[1].cells][1] == ACTION_CY and milestones.rows[1].cells[6].text == "Ie"
    assert any("(erbyn 31 Hydref 2026)" in t for t in paragraphs)
    assert ACTION_EN not in "\n".join(texts(doc)) and AIM_EN not in "\n".join(texts(doc))
    assert doc.core_properties.language == "cy-GB"


def test_the_partnerships_own_words_without_welsh_are_marked_and_counted(engine, wales):
    doc = open_docx(report(engine, wales, "cy"))
    joined = "\n".join(texts(doc))
    updates = table_by_header(doc, "Dyddiad")
    assert [c.text for c in updates.rows[0].cells] == ["Dyddiad", "Cod", "Statws", "Nodyn cynnydd", "Tystiolaeth", "Gan"]
    assert updates.rows[1].cells[3].text == f"[Testun Cymraeg ar goll: {NOTE_EN}]"  # never the English alone
    assert updates.rows[1].cells[0].text == "15/11/2026"
    assert f"[Testun Cymraeg ar goll: {MILESTONE_EN}]" in joined
    # The note at the start counts every mark, before the contents.
    paragraphs = [p.text for p in doc.paragraphs]
    note = next(p for p in doc.paragraphs if "darn; mae pob un wedi'i farcio" in p.text)
    assert note.style.name == "Workbook Gap"
    count = int(note.text.split("Nid oes testun Cymraeg eto i ")[1].split()[0])
    assert count == joined.count("[Testun Cymraeg ar goll:") and count >= 3
    assert "Mae lluniau'r siartiau wedi'u tynnu yn Saesneg" in note.text
    assert paragraphs.index(note.text) < paragraphs.index(WELSH_HEADINGS[0])
    # With no Welsh titles at all, the titles are marked too, never filled with the English.
    none = open_docx(export_progress_report(engine, wales["p"].id, today=TODAY, charts=False, language="cy", translations=Translations()))
    assert table_by_header(none, "Nod strategol").rows[1].cells[0].text == f"A1 [Testun Cymraeg ar goll: {AIM_EN}]"


def test_a_bilingual_report_holds_both_with_welsh_first(engine, wales):
    doc = open_docx(report(engine, wales, "bilingual"))
    assert headings(doc) == [f"{cy} / {en}" for cy, en in zip(WELSH_HEADINGS, ENGLISH_HEADINGS, strict=True)]
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Cynnydd ar y strategaeth cam-drin plant yn rhywiol / Progress on the child sexual abuse strategy" in paragraphs
    assert "Adroddiad 31 Mawrth 2027 / Report of 31 March 2027" in paragraphs
    summary = "1 cam gweithredu: 1 mewn perygl. 0 yn hwyr; 1 angen diweddariad.\n1 action: 1 at risk. 0 overdue; 1 due for an update."
    assert summary in paragraphs
    updates = table_by_header(doc, "Dyddiad / Date")
    assert updates.rows[1].cells[2].text == "Mewn perygl / At risk"
    milestones = table_by_header(doc, "Cod / Code")
    assert milestones.rows[1].cells[1].text == f"{ACTION_CY} / {ACTION_EN}"
    # Welsh first in the same style as the English: one paragraph, one style.
    heading = next(p for p in doc.paragraphs if p.text.startswith("Cerrig milltir") and p.style.name.startswith("Heading"))
    assert heading.style.name == "Heading 1" and heading.text == "Cerrig milltir / Milestones"


def test_the_english_report_is_unchanged_and_a_bad_language_is_refused(engine, wales):
    doc = open_docx(report(engine, wales, "en"))
    assert headings(doc) == ENGLISH_HEADINGS
    joined = "\n".join(texts(doc))
    assert "Testun Cymraeg" not in joined and "Cymraeg" not in joined
    assert "1 action: 1 at risk. 0 overdue; 1 due for an update." in [p.text for p in doc.paragraphs]  # one action, not "1 actions"
    assert NOTE_EN in joined and "Report of 31 March 2027" in joined
    with pytest.raises(InvalidInput, match="choose en, cy or bilingual"):
        export_progress_report(engine, wales["p"].id, language="fr")
    assert report_filename("Bwrdd y Fro", TODAY) == "bwrdd-y-fro-progress-report-2027-03-31.docx"
    assert report_filename("Bwrdd y Fro", TODAY, language="cy") == "bwrdd-y-fro-progress-report-cymraeg-2027-03-31.docx"


def test_the_partnerships_correction_of_a_phrase_is_used(engine, wales, author):
    add_row(engine, wales["p"].id, WELSH_WORDING_PROMPT, {"now": "Cerrig milltir", "welsh": "Cerrig milltir y cynllun"}, author=author)
    doc = open_docx(export_progress_report(engine, wales["p"].id, today=TODAY, charts=False, language="cy"))
    assert "Cerrig milltir y cynllun" in headings(doc)


def test_every_report_phrase_has_its_welsh_and_every_section_is_listed():
    from strategy.features import SCRUTINY_SECTIONS

    every = phrases()
    for section in SCRUTINY_SECTIONS:
        for part in ("title", "intro", "empty"):
            entry = every[f"report.section.{section.key}.{part}"]
            assert entry["en"] == getattr(section, part)  # the English exactly as the section says it
            assert entry["cy"].strip() and entry["cy"] != entry["en"]


def test_progress_report_language_option(tmp_path):
    url = f"sqlite:///{tmp_path / 'workbook.sqlite3'}"
    assert run(url, "create", "Bwrdd y Fro", "--nation", "wales").returncode == 0
    out = tmp_path / "report.docx"
    done = run(url, "progress-report", "Bwrdd y Fro", "--out", str(out), "--no-charts", "--language", "bilingual")
    assert done.returncode == 0, done.stderr
    assert headings(Document(str(out)))[0] == "Crynodeb o'r camau gweithredu yn ôl statws / Summary of actions by status"
    refused = run(url, "progress-report", "Bwrdd y Fro", "--out", str(tmp_path / "x.docx"), "--language", "fr")
    assert refused.returncode != 0 and "invalid choice" in refused.stderr and not (tmp_path / "x.docx").exists()


# --- The pages ------------------------------------------------------------------------------------


@pytest.fixture
def page_engine(tmp_path, monkeypatch, db_templates):
    url = db_templates.sqlite(tmp_path / "app.sqlite3")
    monkeypatch.setenv("DATABASE_URL", url)
    yield prepare_database(url)
    dispose_engine(url)


def open_page(pid: int, path: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(pid)
    sign_in_as(at, Author.make("Sam"), partnership_id=pid)
    at.run()
    at = at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _finish(at: AppTest) -> None:
    from strategy.word.jobs import JOBS

    for job in JOBS.running():
        assert job.wait(400), f"{job.what} was still building"
    at.run()
    assert not at.exception


REPORT_CHOICE = "Language of the progress report"


def test_the_scrutiny_page_offers_the_report_in_welsh_in_wales_only(page_engine):
    england = create_partnership(page_engine, name="Harbourshire", nation="england")
    at = open_page(england.id, "views/scrutiny.py")
    assert not [r for r in at.radio if r.label == REPORT_CHOICE]

    wales = create_partnership(page_engine, name="Bwrdd y Fro", nation="wales")
    at = open_page(wales.id, "views/scrutiny.py")
    choice = next(r for r in at.radio if r.label == REPORT_CHOICE)
    assert choice.value == "en" and choice.options == ["English", "Welsh (Cymraeg)", "Bilingual (Welsh first, then English)"]
    choice.set_value("cy").run()
    next(b for b in at.button if b.label == "Prepare the progress report").click().run()
    _finish(at)
    assert any("the progress report in welsh is ready" in s.value.lower() for s in at.success)
    assert at.get("download_button")


def test_the_review_page_offers_the_frozen_version_in_welsh_in_wales_only(page_engine):
    england = create_partnership(page_engine, name="Harbourshire", nation="england")
    at = open_page(england.id, "views/review.py")
    assert not [r for r in at.radio if r.label == "Language of the documents"]

    wales = create_partnership(page_engine, name="Bwrdd y Fro", nation="wales")
    at = open_page(wales.id, "views/review.py")
    choice = next(r for r in at.radio if r.label == "Language of the documents")
    assert choice.value == "en"
    choice.set_value("bilingual").run()
    next(b for b in at.button if b.label == "Build the document").click().run()
    _finish(at)
    assert any("in welsh and english is ready" in s.value.lower() for s in at.success)


def test_the_demos_report_in_welsh_has_every_header_and_fixed_word_in_welsh(engine, demo_id):
    """A year of delivery in every section: each table's headers are Welsh phrases (none marked missing),
    the statuses, colours and judgements are Welsh, and a plan's code stays a code."""
    doc = open_docx(export_progress_report(engine, demo_id, today=TODAY, charts=False, language="cy"))
    welsh_words = {entry["cy"] for key, entry in phrases().items() if key.startswith(("report.col.", "report.value."))}
    for table in doc.tables:
        for cell in table.rows[0].cells:
            assert cell.text in welsh_words, f"header {cell.text!r} is not a Welsh phrase"
    recommendations = table_by_header(doc, "O")
    actions = [r.cells[6].text for r in recommendations.rows[1:]]
    assert actions and all(a.startswith("A") and "Testun Cymraeg" not in a or a == "Nid yw yn y cynllun eto" for a in actions)
    indicators = next(t for t in doc.tables if [c.text for c in t.rows[0].cells][-2:] == ["Cyfeiriad teithio", "Barn"])
    judged = {r.cells[-1].text for r in indicators.rows[1:]}
    assert judged <= {"Ar y trywydd iawn", "Oddi ar y trywydd", "Wedi'i gyrraedd", "Heb ei farnu"}
    off_track = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Pam")
    assert all("Testun Cymraeg" not in r.cells[-1].text for r in off_track.rows[1:])


def test_a_correction_of_a_shared_header_reaches_the_draft_and_the_report(engine, wales, author):
    """ "Cam gweithredu" heads a column of the draft's action plan and of the report's tables: one
    correction of the text the documents print changes it in both; a correction by key changes its one."""
    from strategy.documents.welsh import phrase_corrections

    pid = wales["p"].id
    add_row(engine, pid, WELSH_WORDING_PROMPT, {"now": "Cam gweithredu", "welsh": "Gweithred"}, author=author)
    add_row(engine, pid, WELSH_WORDING_PROMPT, {"now": "report.col.code", "welsh": "Côd"}, author=author)
    corrected = phrase_corrections(engine, pid).phrases
    assert corrected["plan.header.action"] == corrected["report.col.action"] == "Gweithred"
    assert corrected["report.col.code"] == "Côd" and "appendix.a_header.code" not in corrected
    doc = open_docx(export_progress_report(engine, pid, today=TODAY, charts=False, language="cy"))
    assert [c.text for c in table_by_header(doc, "Côd").rows[0].cells][:2] == ["Côd", "Gweithred"]
