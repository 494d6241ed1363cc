"""The sentences the package builds for the screens, in Welsh for a person who chose Cymraeg (the same
Welsh as the Welsh documents where they have it) and unchanged in English: the local estimate, its
workings and the reflection point; the findings, suggestions and chain of "From evidence to plan";
"you said, we did"."""

from __future__ import annotations

import re

from strategy.answers.operations import all_rows, get_answers
from strategy.assessments import involvement as inv
from strategy.chain.findings import finding_text, findings, heading_words
from strategy.chain.links import coverage, trace
from strategy.chain.suggestions import suggestion_text, suggestions
from strategy.core.interface import interface_strings
from strategy.evidence import analysis as ev
from strategy.people.partnerships import get_partnership
from strategy.plan.operations import load_plan
from tests.test_app import APP, engine, url  # noqa: F401  (fixtures)
from tests.test_welsh_together import _open, _person, _shown

#: Words that mark a sentence as English (none of them is Welsh).
ENGLISH = re.compile(r"\b(the|children|identified|estimate|every|about|weeks|rate|source|staff|Nothing|recorded|more|not)\b")


def _english_left(text: str) -> list[str]:
    return ENGLISH.findall(text)


def test_the_file_is_marked_for_review_and_every_string_has_both_languages_with_the_same_placeholders():
    text = open("data/language/interface_sentences.yaml", encoding="utf-8").read()
    assert "FOR REVIEW BY A WELSH SPEAKER" in text
    mine = {k: v for k, v in interface_strings().items() if k.startswith("sentences.")}
    assert mine
    for key, entry in mine.items():
        assert set(re.findall(r"\{(\w+)\}", entry["en"])) == set(re.findall(r"\{(\w+)\}", entry["cy"])), key
        assert entry["en"] != entry["cy"] or key == "sentences.evidence.iceberg.what", key


# --- 1. The evidence views' sentences ---------------------------------------------------------------


def test_the_estimate_its_workings_method_table_and_reflection_in_welsh_and_unchanged_in_english(sqlite_engine, sqlite_demo_id):
    engine, pid = sqlite_engine, sqlite_demo_id  # noqa: F811
    nation = get_partnership(engine, pid).nation
    rows = all_rows(engine, pid)
    p = ev.prevalence_from(get_answers(engine, pid), rows, nation)
    assert p.complete
    survey = ev.survey_summary(rows.get("workforce.staff_survey", []))

    assert ev.prevalence_sentence(p) == p.sentence and ev.prevalence_sentence(p, "en") == p.sentence
    assert ev.prevalence_workings(p) == p.workings and ev.prevalence_method(p) == p.method
    assert ev.population_how_words(p) == p.population_how
    assert ev.iceberg_table(p).equals(ev.iceberg_table(p, "en"))
    assert list(ev.iceberg_table(p).columns) == ["What", "Children a year"]
    assert ev.reflection_text(p, survey, "en") == ev.reflection_text(p, survey)

    sentence = ev.prevalence_sentence(p, "cy", nation)
    assert sentence.startswith("Am bob plentyn a nodir") and not _english_left(sentence)
    workings = ev.prevalence_workings(p, "cy", nation)
    assert len(workings) == len(p.workings)
    assert workings[0].startswith("Y gyfradd a ddefnyddiwyd") and workings[-1].startswith("Plant a nodwyd")
    assert ev.prevalence_method(p, "cy").startswith("Sut y cyfrifir hyn")
    table = ev.iceberg_table(p, "cy", nation)
    assert list(table.columns) == ["Beth", "Plant y flwyddyn"]
    assert table["Beth"].iloc[0].startswith("Wedi'u nodi: ") and not _english_left(" ".join(table["Beth"]))
    reflection = ev.reflection_text(p, survey, "cy")
    if reflection is not None:
        assert reflection.startswith("Mae'r staff") and "Staff who" not in reflection


def test_what_is_still_missing_in_welsh():
    p = ev.prevalence_from({}, {}, "wales")
    assert not p.complete
    assert ev.prevalence_sentence(p) == p.sentence and p.sentence.startswith("The estimate cannot be worked out yet")
    welsh = ev.prevalence_sentence(p, "cy", "wales")
    assert welsh.startswith("Ni ellir cyfrifo'r amcangyfrif eto") and "Still needed" not in welsh and "poblogaeth y plant" in welsh


def test_the_support_gaps_in_welsh_and_unchanged_in_english(sqlite_engine, sqlite_demo_id):
    rows = all_rows(sqlite_engine, sqlite_demo_id).get("response.support_matrix", [])
    nation = get_partnership(sqlite_engine, sqlite_demo_id).nation
    en, cy = ev.support_gaps(rows, nation), ev.support_gaps(rows, nation, "cy")
    assert en == ev.support_gaps(rows, nation, "en")
    assert len(en.none) == len(cy.none) and len(en.long_waits) == len(cy.long_waits)
    assert all(": no " in line for line in en.none) and all(": dim " in line for line in cy.none)
    assert all("a typical wait" in w for w in en.long_waits) and all("wythnos fel arfer" in w for w in cy.long_waits)


# --- 2. The chain page's sentences ------------------------------------------------------------------


def test_findings_suggestions_coverage_and_trace_in_welsh_and_unchanged_in_english(sqlite_engine, sqlite_demo_id):
    engine, pid = sqlite_engine, sqlite_demo_id  # noqa: F811
    nation = get_partnership(engine, pid).nation
    found = findings(engine, pid)
    assert found
    for f in found:
        assert finding_text(f) == f.text and heading_words(f.heading) == f.heading
        welsh, where = finding_text(f, "cy", nation), heading_words(f.heading, "cy")
        assert welsh != f.text and where != f.heading and "(Canllaw §" in where, (f.kind, welsh, where)
        if f.kind in ("iceberg", "form", "support_none", "support_wait"):  # nothing the partnership typed in these
            assert not _english_left(welsh.replace(f.data.get("who", ""), "")), welsh
    for s in suggestions(engine, pid):
        assert suggestion_text(s) == s.text
        welsh = suggestion_text(s, "cy", nation)
        assert welsh != s.text, welsh

    plan = load_plan(engine, pid)
    en, cy = coverage(engine, pid, plan=plan), coverage(engine, pid, plan=plan, language="cy", nation=nation)
    assert en.as_dict() == coverage(engine, pid, plan=plan, language="en").as_dict()
    assert [i.text for i in en.items if i.finding] == [i.finding.text for i in en.items if i.finding]
    assert all("(Canllaw §" in i.heading for i in cy.items) and all("(Guide §" in i.heading for i in en.items)
    assert [i.answered_by for i in cy.items] == [i.answered_by for i in en.items]

    measure = plan.all_measures()[0]
    english = trace(engine, pid, "measure", measure.id, plan=plan)
    assert english.as_dict() == trace(engine, pid, "measure", measure.id, plan=plan, language="en").as_dict()
    welsh = trace(engine, pid, "measure", measure.id, plan=plan, language="cy", nation=nation)
    for a, b in zip(english.back + english.forward, welsh.back + welsh.forward, strict=True):
        assert a.kind == b.kind
        if a.kind == "evidence":
            assert b.text != a.text
        if "(source: " in a.text:
            assert "(ffynhonnell: " in b.text and "(source: " not in b.text
        if a.kind == "baseline":
            assert b.text.startswith("Llinell sylfaen o ") and a.text.startswith("Baseline from ")
    action = plan.all_actions()[0]
    english = trace(engine, pid, "action", action.id, plan=plan)
    welsh = trace(engine, pid, "action", action.id, plan=plan, language="cy", nation=nation)
    statuses = {"Not started", "On track", "At risk", "Off track", "Complete"}
    for a, b in zip(english.forward, welsh.forward, strict=True):
        if a.kind == "update":
            assert a.text.split(":")[0] in statuses and b.text.split(":")[0] not in statuses


# --- 3. "You said, we did" --------------------------------------------------------------------------


def test_you_said_we_did_in_welsh_and_unchanged_in_english(sqlite_engine, sqlite_demo_id):
    lines = inv.list_engagements(sqlite_engine, sqlite_demo_id)
    assert lines
    en, cy = inv.you_said_we_did(lines), inv.you_said_we_did(lines, "cy")
    assert en == inv.you_said_we_did(lines, "en")
    assert [r[1] for r in en] == [r[1] for r in cy]  # what was heard: as written
    assert en[0][0] != cy[0][0]
    for english, welsh in zip(inv.voices().values(), inv.voices("cy").values(), strict=True):
        assert english != welsh
    assert [r[2] == "Nothing recorded yet." for r in en] == [r[2] == "Dim wedi'i gofnodi eto." for r in cy]
    assert not any("Nothing recorded yet." in r[2] for r in cy)


# --- The pages, for a person who chose Cymraeg and for one who did not -------------------------------


def test_the_current_response_chapter_shows_the_estimate_in_welsh_and_in_english(engine, sqlite_demo_id):  # noqa: F811
    cy = _open(_person(engine, sqlite_demo_id, "Ann Jones", welsh=True), "views/current_response.py")
    shown = _shown(cy).replace("\\", "")  # the page escapes markdown
    assert "Am bob plentyn a nodir" in shown and "Y gyfradd a ddefnyddiwyd" in shown and "Sut y cyfrifir hyn" in shown
    assert "For every child identified" not in shown and "Rate used:" not in shown and "How this is worked out" not in shown
    assert ["Beth", "Plant y flwyddyn"] in [list(d.value.columns) for d in cy.dataframe]

    en = _open(_person(engine, sqlite_demo_id, "Ben Evans", welsh=False), "views/current_response.py")
    shown = _shown(en).replace("\\", "")
    assert "For every child identified" in shown and "Rate used:" in shown and "How this is worked out" in shown
    assert "Am bob plentyn" not in shown
    assert ["What", "Children a year"] in [list(d.value.columns) for d in en.dataframe]


def test_the_chain_page_shows_the_findings_and_suggestions_in_welsh_and_in_english(engine, sqlite_demo_id):  # noqa: F811
    cy = _open(_person(engine, sqlite_demo_id, "Ann Jones", welsh=True), "views/chain.py")
    cells = "\n".join(str(v) for d in cy.dataframe for col in d.value.columns for v in d.value[col])
    assert "(Canllaw §" in cells and "(Guide §" not in cells
    assert "Amcangyfrifir bod tua" in cells and "are estimated to be sexually abused here" not in cells
    assert "bob blwyddyn" in cells and "each year" not in cells

    en = _open(_person(engine, sqlite_demo_id, "Ben Evans", welsh=False), "views/chain.py")
    cells = "\n".join(str(v) for d in en.dataframe for col in d.value.columns for v in d.value[col])
    assert "(Guide §" in cells and "are estimated to be sexually abused here" in cells and "(Canllaw §" not in cells


# --- 4. The indicators' reasons and the room's spread ------------------------------------------------


def test_the_indicators_reasons_in_welsh_and_unchanged_in_english(sqlite_engine, sqlite_demo_id):
    from strategy.delivery import operations as D

    d = D.load_delivery(sqlite_engine, sqlite_demo_id)
    en, cy = D.indicator_table(d), D.indicator_table(d, "cy")
    assert en.equals(D.indicator_table(d, "en"))
    assert en.drop(columns=["Why"]).equals(cy.drop(columns=["Why"]))  # the verdicts stay the English the filters compare
    english_reasons = ("No numeric reading", "The baseline", "The latest reading", "of the way to the target")
    assert all(any(w in why for w in english_reasons) for why in en["Why"])
    assert not any(any(w in why for w in english_reasons) for why in cy["Why"])
    assert any("o'r ffordd at y targed" in why or "darlleniad" in why for why in cy["Why"])


def test_every_reason_for_a_judgement_in_welsh():
    from types import SimpleNamespace

    from strategy.delivery import operations as D

    def measure(baseline="10", target="20", baseline_date="2024-04-01", target_date="2027-03-31"):
        return SimpleNamespace(baseline_value=baseline, target_value=target, baseline_date=baseline_date, target_date=target_date)

    def reading(value, period="2025-26"):
        return SimpleNamespace(value=value, period=period)

    cases = [
        (measure(), []),
        (measure(target="10"), [reading("12")]),
        (measure(), [reading("25")]),
        (measure(), [reading("5")]),
        (measure(baseline_date=None), [reading("12")]),
        (measure(), [reading("11"), reading("12", "2026-27")]),
    ]
    for m, readings in cases:
        en, cy = D.judge(m, readings), D.judge(m, readings, "cy")  # type: ignore[arg-type]
        assert (en.direction, en.verdict) == (cy.direction, cy.verdict)
        assert en.why != cy.why and not _english_left(cy.why), cy.why


def test_the_rooms_spread_in_welsh_and_unchanged_in_english():
    from strategy.assessments.consensus import Spread
    from strategy.assessments.snapshot import scale

    room = Spread(people=3, evidence={1: 1, 3: 2}, progress={2: 3}, my_evidence=None, my_progress=None)
    for kind in ("evidence", "progress"):
        english = room.line(kind)
        assert english == room.line(kind, "en")
        assert english == " · ".join(
            f"{p.value} {p.label}: {room.evidence.get(p.value, 0) if kind == 'evidence' else room.progress.get(p.value, 0)}"
            for p in scale(kind)
        )
        welsh = room.line(kind, "cy")
        assert welsh != english and not any(p.label in welsh for p in scale(kind))
        assert [part.rsplit(": ", 1)[1] for part in welsh.split(" · ")] == [part.rsplit(": ", 1)[1] for part in english.split(" · ")]


# --- 5. The Welsh versions "possibly out of date" -----------------------------------------------------


def test_what_is_possibly_out_of_date_is_named_in_welsh():
    from strategy.answers.welsh import WelshGap, gap_label
    from strategy.guide.content import content

    chapter = next(c for c in content().chapters if c.title_cy and any(p.label_cy for p in c.prompts))
    prompt = next(p for p in chapter.prompts if p.label_cy)
    answer = WelshGap("answer", prompt.id, prompt.label, chapter.id, "out_of_date")
    assert gap_label(answer) == prompt.label and gap_label(answer, "en") == prompt.label
    welsh = gap_label(answer, "cy", "wales")
    assert welsh.startswith(chapter.title_cy + ": ") and prompt.label not in welsh

    title = WelshGap("outcome", "A1.O2", "Children are safer online", "action_plan", "out_of_date")
    assert gap_label(title) == "Children are safer online"
    assert gap_label(title, "cy") == "Canlyniad arfaethedig A1.O2: Children are safer online"
