"""The names in the guide's reference lists in Welsh (issue 20): every name has its Welsh (``label_cy``,
marked for review by a Welsh speaker); the Welsh and bilingual documents print the Welsh names where
the English print the English ones, with the self-assessment's and the findings' sentences and the
timeline's months in Welsh; the English documents are unchanged; on the screens a person who chose
Cymraeg picks from Welsh names and what is stored stays the English ids."""

from __future__ import annotations

import io
from datetime import date

import pytest
import yaml
from docx import Document
from sqlalchemy import text

from strategy.answers.operations import get_answer
from strategy.core.db import prepare_database
from strategy.core.settings import DATA_DIR
from strategy.demo.wales import ensure_wales_demo
from strategy.documents.draft import export_docx
from strategy.guide.content import ContentError, content, item_label, load_content
from strategy.plan import charts as plan_chart
from strategy.plan.operations import load_plan
from strategy.word.language import chart_months, months_cy
from tests.test_app import url  # noqa: F401  (fixture)
from tests.test_welsh_evidence import drawn  # noqa: F401  (fixture)

#: The lists whose items are names a document or a screen prints, the grids' questions among them (the
#: terminology check, legislation and the national picture are cited as they are, in English).
NAMED_LISTS = (
    "action_stages",
    "action_statuses",
    "agency_types",
    "audit_barriers",
    "audit_factors",
    "audit_grades",
    "audit_parts",
    "availability",
    "core_components",
    "coverage_levels",
    "criteria",
    "disruption_approaches",
    "disruption_measures",
    "forms_of_abuse",
    "groups_affected",
    "how_widely",
    "identification_measures",
    "involvement_methods",
    "involvement_voices",
    "local_indicators",
    "measure_frequencies",
    "milestone_statuses",
    "progress_statuses",
    "resources_questions",
    "response_pathways",
    "review_sources",
    "sectors",
    "seniority_levels",
    "snapshot_domains",
    "snapshot_evidence_scale",
    "snapshot_progress_scale",
    "support_questions",
    "support_types",
    "template_sections",
    "training_delivery",
    "training_questions",
    "training_focus",
    "yes_no_unknown",
    "yes_partly_no",
)


# --- The data: every name has its Welsh ---------------------------------------------------------


@pytest.mark.parametrize("ref_id", NAMED_LISTS)
def test_every_name_in_the_list_has_its_welsh_marked_for_review(ref_id):
    ref = content().reference(ref_id)
    welsh = [item.get("label_cy", "") for item in ref.items]
    assert all(w.strip() for w in welsh), [i["id"] for i in ref.items if not i.get("label_cy")]
    assert len(set(welsh)) == len(welsh), f"{ref_id}: two items share a Welsh name (a screen maps names back to ids)"
    assert "FOR REVIEW BY A WELSH SPEAKER" in (DATA_DIR / "reference" / f"{ref_id}.yaml").read_text(encoding="utf-8")


def test_a_list_with_any_welsh_has_it_for_every_item():
    for ref_id, ref in content().references.items():
        has = [bool(i.get("label_cy")) for i in ref.items]
        assert all(has) or not any(has), ref_id


def test_the_welsh_names_match_the_documents_phrases_where_both_name_the_same_thing():
    """The section headings and the plan's statuses were in documents.yaml first: the two agree."""
    from strategy.word.language import phrases

    pairs = (
        ("template_sections", "section"),
        ("core_components", "component"),
        ("action_statuses", "action_status"),
        ("action_stages", "action_stage"),
        ("measure_frequencies", "frequency"),
    )
    for ref_id, prefix in pairs:
        for item in content().reference(ref_id).items:
            assert item["label_cy"] == phrases()[f"{prefix}.{item['id']}"]["cy"], (ref_id, item["id"])


def test_an_empty_welsh_name_fails_loudly_naming_the_file(tmp_path):
    import shutil

    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / "reference" / "sectors.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0]["label_cy"] = "  "
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="sectors.yaml"):
        load_content(tmp_path / "data")


def test_the_one_lookup_in_each_language_and_the_nations_wording():
    item = next(i for i in content().reference("identification_measures").items if i["id"] == "plans_sexual_abuse")
    assert item_label(item, "england") == "Children starting a child protection plan with sexual abuse as the category"
    assert item_label(item, "wales", "cy") == "Plant a roddwyd ar y gofrestr amddiffyn plant o dan gam-drin rhywiol"
    assert item_label(item, "wales", "bilingual") == (
        "Plant a roddwyd ar y gofrestr amddiffyn plant o dan gam-drin rhywiol / Children placed on the child protection register under sexual abuse"
    )
    assert item_label({"id": "x", "label": "Only English"}, None, "cy") == "Only English"
    assert content().list_label("availability", "partly", language="cy") == "Ar gael yn rhannol"
    assert content().list_label("availability", "gone", language="cy") == "gone"  # an id the list no longer has
    assert [o.id for o in content().list_options("forms_of_abuse", "wales", "cy")] == [
        o.id for o in content().list_options("forms_of_abuse", "wales")
    ]


def test_the_timelines_months_in_welsh():
    values, words = plan_chart.month_ticks(date(2026, 10, 3), date(2027, 3, 31), months_cy())
    assert values[0] == "2026-10-01" and words[:4] == ["Hydref 2026", "Tachwedd 2026", "Rhagfyr 2026", "Ionawr 2027"]
    values, words = plan_chart.month_ticks(date(2026, 4, 1), date(2029, 3, 31), months_cy())
    assert len(words) <= 12 and words[0] == "Ebrill 2026"
    assert chart_months("en") is None and chart_months("bilingual")[2] == "Mawrth / Mar"


# --- The documents ------------------------------------------------------------------------------


def _lines(data: bytes) -> tuple[list[str], list[list[str]]]:
    doc = Document(io.BytesIO(data))
    return [p.text for p in doc.paragraphs], [[c.text for c in row.cells] for t in doc.tables for row in t.rows]


def _in_wales(engine, pid: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE partnership SET nation = 'wales' WHERE id = :p"), {"p": pid})


def test_the_welsh_draft_prints_the_welsh_names_where_the_english_prints_the_english(sqlite_engine, sqlite_demo_id):
    engine, pid = sqlite_engine, sqlite_demo_id
    _in_wales(engine, pid)
    en_paragraphs, en_rows = _lines(export_docx(engine, pid, charts=False))
    cy_paragraphs, cy_rows = _lines(export_docx(engine, pid, charts=False, language="cy"))

    # The support matrix: kinds of support across, groups down, what exists in each cell.
    en_matrix = next(r for r in en_rows if "Safety and a statutory safeguarding response" in r)
    cy_matrix = next(r for r in cy_rows if "Diogelwch ac ymateb diogelu statudol" in r)
    assert "Therapeutic support and counselling" not in cy_matrix and "Cymorth therapiwtig a chwnsela" in cy_matrix
    assert len(en_matrix) == len(cy_matrix)
    en_row = next(r for r in en_rows if r[0] == "Children who have been sexually abused" and "Available" in r)
    cy_row = next(r for r in cy_rows if r[0] == "Plant sydd wedi cael eu cam-drin yn rhywiol" and "Ar gael" in r)
    assert [c.replace("Partly available", "Ar gael yn rhannol").replace("Available", "Ar gael") for c in en_row[1:]] == [
        c.replace("Heb ei gofnodi", "Not recorded") for c in cy_row[1:]
    ]
    # The forms of abuse with how far the strategy covers each.
    assert any(r[:2] == ["Camfanteisio'n rhywiol ar blant", "Wedi'i enwi a'i gwmpasu"] for r in cy_rows)
    assert any(r[:2] == ["Child sexual exploitation", "Named and covered"] for r in en_rows)
    # The whole-system response's pathways: the list's title and its names.
    assert any(r[0] == "Llwybrau a pharhad" for r in cy_rows) and any(r[0] == "Pathways and continuity" for r in en_rows)
    assert any(r[0] == "Un pwynt cyswllt i'r teulu" for r in cy_rows)
    # The identification figures by measure.
    assert any(r[0] == "Plant a welwyd gan ganolfan atgyfeirio ymosodiadau rhywiol" for r in cy_rows)
    # The self-assessment's sentences and the findings the plan answers.
    assert any(p.startswith("Cipolwg ar y system gyfan '") for p in cy_paragraphs)
    assert any(p.startswith("Archwiliad thematig '") and "Graddau: " in p for p in cy_paragraphs)
    assert any(p.startswith("System-wide snapshot '") for p in en_paragraphs)
    findings = {r[0] for r in cy_rows}
    assert any(f.startswith("Canfu'r archwiliad thematig '") for f in findings)
    assert not any(f.startswith("The thematic audit '") for f in findings)
    # Nothing of the lists is left in English in the Welsh draft's tables of the guide's lists.
    english_names = {i["label"] for ref_id in NAMED_LISTS for i in content().reference(ref_id).items if len(i["label"]) > 12}
    assert not english_names & {c for r in cy_rows for c in r[:1]}


def test_the_english_draft_is_unchanged(sqlite_engine, sqlite_demo_id):
    """The English cells and sentences the Welsh names replace read exactly as before."""
    engine, pid = sqlite_engine, sqlite_demo_id
    paragraphs, rows = _lines(export_docx(engine, pid, charts=False))
    assert [
        "Group affected",
        "Safety and a statutory safeguarding response",
        "Medical and forensic care",
        "Therapeutic support and counselling",
        "Advocacy, including children's independent sexual violence advisers",
        "Support through the criminal justice process",
        "Family and parenting support",
        "Peer support, helplines and chat",
        "Interventions to prevent (re)offending or further harmful sexual behaviour",
    ] in rows
    assert any(r[:2] == ["Child sexual exploitation", "Named and covered"] for r in rows)
    assert any(p.startswith("System-wide snapshot '") and "; " in p for p in paragraphs)
    assert any(p.startswith("Thematic audit '") and " Grades: " in p for p in paragraphs)
    assert any(r[0].endswith("is not yet fully covered by the strategy.") or r[0].startswith("The thematic audit '") for r in rows)
    assert not any("Cymraeg" in p or "Cipolwg" in p for p in paragraphs)


def test_the_bro_taf_demo_in_welsh_and_bilingual(engine):
    """``demo --wales`` on both databases: its findings in Welsh, bilingual Welsh first."""
    pid = ensure_wales_demo(engine)
    _, en_rows = _lines(export_docx(engine, pid, charts=False))
    _, cy_rows = _lines(export_docx(engine, pid, charts=False, language="cy"))
    _, bi_rows = _lines(export_docx(engine, pid, charts=False, language="bilingual"))
    english = "Child sexual exploitation is not yet fully covered by the strategy."
    welsh = "Camfanteisio'n rhywiol ar blant: nid yw'r strategaeth yn cwmpasu hyn yn llawn eto."
    assert any(r[0] == english for r in en_rows)
    assert any(r[0] == welsh for r in cy_rows) and not any(r[0] == english for r in cy_rows)
    assert any(r[0] == f"{welsh}\n{english}" for r in bi_rows)
    # Document control: a statutory kind of agency with none recorded, by its Welsh name.
    assert ["Endorsement: Police (statutory partner)", "No agency of this kind is recorded yet"] in en_rows
    assert ["Ardystiad: Heddlu (partner statudol)", "Nid oes asiantaeth o'r math hwn wedi'i chofnodi eto"] in cy_rows


def test_the_welsh_timeline_names_its_months_in_welsh(sqlite_engine, sqlite_demo_id, drawn):  # noqa: F811
    engine, pid = sqlite_engine, sqlite_demo_id
    _in_wales(engine, pid)
    export_docx(engine, pid, language="cy")
    timeline = next(f for f in drawn if f.get("layout", {}).get("xaxis", {}).get("type") == "date")
    words = timeline["layout"]["xaxis"]["ticktext"]
    assert words and all(w.split()[0] in months_cy() for w in words)
    drawn.clear()
    export_docx(engine, pid)
    timeline = next(f for f in drawn if f.get("layout", {}).get("xaxis", {}).get("type") == "date")
    assert "ticktext" not in timeline["layout"]["xaxis"] and timeline["layout"]["xaxis"]["tickformat"] == "%b %Y"
    assert load_plan(engine, pid).all_actions()


# --- The screens (AppTest) ----------------------------------------------------------------------


def test_a_person_who_chose_cymraeg_picks_from_welsh_names_and_the_ids_are_stored(url):  # noqa: F811
    from strategy.core.authors import Author
    from strategy.people.partnerships import create_partnership
    from tests.test_welsh_interface import _app

    engine = prepare_database(url)
    wales = create_partnership(engine, name="Bro Morgannwg", nation="wales").id
    at = _app(wales, Author.make("Ann Jones", "Police"))
    at.run()
    at.sidebar.radio(key="sidebar_language").set_value("cy").run()
    at.switch_page("views/introduction.py").run()
    assert not at.exception
    forms = next(m for m in at.multiselect if m.label == "Pa ffurfiau ar gam-drin plant yn rhywiol fydd y strategaeth yn eu cwmpasu?")
    assert "Camfanteisio'n rhywiol ar blant" in forms.options and "Child sexual exploitation" not in forms.options
    forms.set_value(["exploitation", "online"]).run()
    assert not at.exception
    assert yaml.safe_load(get_answer(engine, wales, "intro.scope_forms").value) == ["exploitation", "online"]
    forms = next(m for m in at.multiselect if m.label.startswith("Pa ffurfiau"))
    assert forms.value == ["exploitation", "online"]
    assert "Camfanteisio'n rhywiol ar blant" in forms.format_func("exploitation")


def test_an_engagement_recorded_in_cymraeg_stores_the_english_ids(url):  # noqa: F811
    from strategy.assessments import involvement as inv
    from strategy.core.authors import Author
    from strategy.people.partnerships import create_partnership
    from tests.test_app import app, open_page

    engine = prepare_database(url)
    p = create_partnership(engine, name="Bro Morgannwg", nation="wales")
    at = open_page(app(p.id, Author.make("Sam")), "views/home.py")
    at.sidebar.radio(key="sidebar_language").set_value("cy").run()
    at.switch_page("views/involvement.py").run()
    assert not at.exception
    voices = next(s for s in at.selectbox if s.label == "Lleisiau pwy")
    assert voices.options == ["Plant a phobl ifanc", "Dioddefwyr a goroeswyr sy'n oedolion", "Rhieni, gofalwyr a theuluoedd"]
    voices.set_value("survivors")
    next(s for s in at.selectbox if s.label == "Sut").set_value("survey")
    next(d for d in at.date_input if d.label == "Dyddiad").set_value(date(2025, 11, 12))
    next(t for t in at.text_input if t.label.startswith("Gyda phwy")).set_value("survivors' forum")
    next(t for t in at.text_area if t.label == "Yr hyn a glywyd").set_value("Clearer information on what happens next")
    next(b for b in at.button if b.label == "Cofnodi'r ymgysylltiad hwn").click().run()
    assert not at.exception and not at.error
    [line] = inv.list_engagements(engine, p.id)
    assert (line.engagement.voices, line.engagement.method) == ("survivors", "survey")
