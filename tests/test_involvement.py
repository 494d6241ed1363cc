"""The record of involvement, "you said, we did" (issue 21; Guide §3.1, §10.1, §10.2): operations on a
real database, the Word draft read back with python-docx, the readiness check, and the page in AppTest."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlmodel import Session, select

from strategy.assessments import involvement as inv
from strategy.core.authors import Author
from strategy.core.errors import Conflict, InvalidInput, NotAllowed
from strategy.core.models import Engagement, EngagementChange, Revision
from strategy.documents.draft import export_docx
from strategy.finalise.readiness import MET, NOT_MET, PARTLY, readiness_report
from strategy.people.partnerships import create_partnership
from strategy.plan import operations as P
from tests.people_support import member
from tests.test_app import app, engine, open_page, url  # noqa: F401  (fixtures)

TODAY = date(2026, 3, 31)
SAM = Author.make("Sam Patel", "Harbourshire Council")
ALEX = Author.make("Alex Jones", "Harbourshire Police")


def _world(engine, nation: str = "england"):  # noqa: F811
    p = create_partnership(engine, name=f"Involvement {nation}", nation=nation)
    aim = P.add_aim(engine, p.id, title="Children are asked, not left to tell", author=SAM)
    outcome = P.add_outcome(engine, p.id, aim_id=aim.id, title="Practitioners open the conversation", author=SAM)
    action = P.create_action(engine, p.id, outcome_id=outcome.id, title="A course on talking with children", author=SAM)
    return p, aim, outcome, action


def _engagement(engine, pid, **over):  # noqa: F811
    fields = {
        "held_on": "12/11/2025",
        "voices": "children",
        "group": "young people's advisory group, 14 to 17",
        "method": "workshop",
        "safeguards": "Two youth workers they know; a quiet room; support afterwards.",
        "thanks": "£20 voucher each and travel paid.",
        "heard": "Ask us on our own, and tell us what happens next.",
    }
    fields.update(over)
    return inv.add_engagement(engine, pid, author=SAM, today=TODAY, **fields)


def _stored(engine) -> tuple[list[tuple], list[tuple]]:  # noqa: F811
    with Session(engine) as s:
        return (
            [(e.id, e.version, e.held_on, e.group, e.heard, e.deleted_at) for e in s.exec(select(Engagement)).all()],
            [(c.id, c.version, c.note, c.deleted_at) for c in s.exec(select(EngagementChange)).all()],
        )


# --- Operations ---------------------------------------------------------------------------------


def test_an_engagement_and_what_it_changed_are_recorded_with_history(engine):  # noqa: F811
    p, aim, outcome, action = _world(engine)
    e = _engagement(engine, p.id)
    inv.add_change(engine, p.id, e.id, kind="outcome", target_id=outcome.id, note="The outcome now says practitioners ask.", author=SAM)
    inv.add_change(engine, p.id, e.id, kind="action", target_id=action.id, note="Young people co-wrote a session.", author=SAM)
    [line] = inv.list_engagements(engine, p.id)
    assert line.engagement.held_on == "2025-11-12" and line.engagement.updated_by_name == "Sam Patel"
    assert [c.label for c in line.changes] == [
        "A1.O1 Practitioners open the conversation",
        "A1.O1.1 A course on talking with children",
    ]
    assert line.as_dict()["how"] == "Workshop or group session"
    with Session(engine) as s:
        kinds = {(r.prompt_id, r.action) for r in s.exec(select(Revision).where(Revision.partnership_id == p.id)).all()}
    assert {("involvement.engagement", "create"), ("involvement.change", "create")} <= kinds


def test_the_links_are_chosen_from_the_plan_never_twice_and_never_to_something_removed(engine):  # noqa: F811
    p, aim, outcome, action = _world(engine)
    e = _engagement(engine, p.id)
    inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, author=SAM)
    before = _stored(engine)
    with pytest.raises(InvalidInput, match="already linked to A1"):
        inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, note="again", author=SAM)
    with pytest.raises(InvalidInput, match="not in the plan"):
        inv.add_change(engine, p.id, e.id, kind="outcome", target_id=99_999, author=SAM)
    with pytest.raises(InvalidInput, match="strategic aim, an intended outcome or an action"):
        inv.add_change(engine, p.id, e.id, kind="measure", target_id=1, author=SAM)
    P.delete(engine, p.id, "action", action.id, author=SAM)
    with pytest.raises(InvalidInput, match="not in the plan"):
        inv.add_change(engine, p.id, e.id, kind="action", target_id=action.id, author=SAM)
    assert _stored(engine) == before
    assert [label for _, _, label in inv.plan_choices(engine, p.id)] == [
        "A1 Children are asked, not left to tell",
        "A1.O1 Practitioners open the conversation",
    ]


def test_an_aim_removed_leaves_the_link_marked_removed_and_restoring_it_brings_the_link_back(engine):  # noqa: F811
    p, aim, outcome, action = _world(engine)
    e = _engagement(engine, p.id)
    inv.add_change(engine, p.id, e.id, kind="action", target_id=action.id, note="A session co-written.", author=SAM)
    P.delete(engine, p.id, "aim", aim.id, author=SAM)  # the action goes with its aim
    [line] = inv.list_engagements(engine, p.id)
    [change] = line.changes
    assert change.removed and change.code == ""
    assert change.label == "action removed from the plan: A course on talking with children"
    assert change.change.note == "A session co-written."
    assert inv.summary([line])[0].changes == 0  # a removed link is not a change the strategy shows
    assert inv.you_said_we_did([line])[0][2] == "Nothing recorded yet."
    P.restore(engine, p.id, "aim", aim.id, author=SAM)
    [line] = inv.list_engagements(engine, p.id)
    assert [(c.removed, c.label) for c in line.changes] == [(False, "A1.O1.1 A course on talking with children")]
    assert inv.summary([line])[0].changes == 1


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        ("01/04/2026", "is still to come"),
        ("31/12/2030", "is still to come"),
        ("31/02/2026", "31/02/2026"),
        ("2026-13-01", "2026-13-01"),
        ("next Tuesday", "next Tuesday"),
        ("", "Give the date of the engagement"),
        ("   ", "Give the date of the engagement"),
        ("01/01/1900", "between 2000 and 2099"),
    ],
)
def test_a_date_in_the_future_or_not_a_real_day_is_refused_and_nothing_is_stored(engine, held_on, message):  # noqa: F811
    p, *_ = _world(engine)
    kept = _engagement(engine, p.id)
    before = _stored(engine)
    with pytest.raises(InvalidInput, match=message):
        _engagement(engine, p.id, held_on=held_on)
    with pytest.raises(InvalidInput, match=message):
        inv.update_engagement(engine, p.id, kept.id, expected_version=kept.version, author=SAM, today=TODAY, held_on=held_on)
    assert _stored(engine) == before


def test_today_is_accepted_and_a_uk_date_is_read_day_first(engine):  # noqa: F811
    p, *_ = _world(engine)
    assert _engagement(engine, p.id, held_on="31/03/2026").held_on == "2026-03-31"
    assert _engagement(engine, p.id, held_on="03/02/2026").held_on == "2026-02-03"


@pytest.mark.parametrize(
    ("field", "text", "why"),
    [
        ("heard", "Jamie, 12, said nobody asked him.", "a child's name with their age"),
        ("heard", "Sam is 14 and told us about school.", "a child's name with their age"),
        ("safeguards", "Support for Mia (9) afterwards.", "a child's name with their age"),
        ("heard", "One girl, date of birth 01/02/2012, said...", "date of birth"),
        ("heard", "NHS number 943 476 5919 was mentioned.", "NHS number"),
        ("group", "Jamie Smith and friends", "a person's name"),
        ("group", "pupils at the school in HB1 2CD", "postcode"),
        ("thanks", "Voucher sent to AB 12 34 56 C", "National Insurance"),
    ],
)
def test_text_that_looks_as_if_it_names_a_child_is_refused_until_confirmed(engine, field, text, why):  # noqa: F811
    p, *_ = _world(engine)
    before = _stored(engine)
    with pytest.raises(inv.IdentifyingDetails, match=why) as refused:
        _engagement(engine, p.id, **{field: text})
    assert "Nothing was saved" in refused.value.message
    assert _stored(engine) == before
    saved = inv.add_engagement(
        engine,
        p.id,
        author=SAM,
        today=TODAY,
        confirmed=True,
        held_on="12/11/2025",
        voices="children",
        group="a group" if field != "group" else text,
        method="survey",
        **({field: text} if field != "group" else {}),
    )
    assert getattr(saved, field) == text


def test_an_edit_asks_only_about_text_it_changes(engine):  # noqa: F811
    p, *_ = _world(engine)
    e = inv.add_engagement(
        engine,
        p.id,
        author=SAM,
        today=TODAY,
        confirmed=True,
        held_on="01/03/2026",
        voices="children",
        group="a group",
        method="survey",
        heard="Jamie, 12, said so (a made-up name the group chose).",
    )
    e = inv.update_engagement(
        engine, p.id, e.id, expected_version=e.version, author=SAM, today=TODAY, thanks="A thank-you letter.", heard=e.heard
    )
    assert e.thanks == "A thank-you letter."
    with pytest.raises(inv.IdentifyingDetails):
        inv.update_engagement(engine, p.id, e.id, expected_version=e.version, author=SAM, today=TODAY, safeguards="Support for Mia (9).")


def test_a_note_naming_a_child_is_refused_too(engine):  # noqa: F811
    p, aim, *_ = _world(engine)
    e = _engagement(engine, p.id)
    with pytest.raises(inv.IdentifyingDetails):
        inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, note="Because Ellie, 10, asked.", author=SAM)
    assert _stored(engine)[1] == []


def test_descriptions_of_groups_with_ages_are_not_mistaken_for_a_child(engine):  # noqa: F811
    p, *_ = _world(engine)
    for text in (
        "Children aged 11 to 16 said adults should ask.",
        "Young people aged 14 said they want to be asked alone.",
        "Members, 12, said the same.",
        "In March, 12 young people came to the second session.",
    ):
        assert inv.identifying_warning(text) is None, text
    _engagement(engine, p.id, heard="Children aged 11 to 16 said adults should ask. In March, 12 young people came back.")


def test_required_fields_choices_lengths_and_control_characters(engine):  # noqa: F811
    p, *_ = _world(engine)
    before = _stored(engine)
    with pytest.raises(InvalidInput, match="never a person"):
        _engagement(engine, p.id, group="  ")
    with pytest.raises(InvalidInput, match="is not one of"):
        _engagement(engine, p.id, method="carrier pigeon")
    with pytest.raises(InvalidInput, match="Choose whose voices"):
        _engagement(engine, p.id, voices="")
    with pytest.raises(InvalidInput, match="Another way"):
        _engagement(engine, p.id, method="other")
    with pytest.raises(InvalidInput, match="With whom"):
        _engagement(engine, p.id, group="g" * 301)
    with pytest.raises(InvalidInput, match="What was heard"):
        _engagement(engine, p.id, heard="x" * 20_001)
    assert _stored(engine) == before
    e = _engagement(
        engine, p.id, voices="Adult victims and survivors", method="other", method_detail="A walk and talk", heard="A\x00B\x0bC 🙂 ŵ"
    )
    assert (e.voices, e.heard) == ("survivors", "ABC 🙂 ŵ")
    assert inv.method_words(e) == "A walk and talk"


def test_two_people_editing_the_same_engagement_the_second_is_told_and_nothing_is_lost(engine):  # noqa: F811
    p, aim, *_ = _world(engine)
    e = _engagement(engine, p.id)
    loaded = e.version
    inv.update_engagement(engine, p.id, e.id, expected_version=loaded, author=ALEX, today=TODAY, heard="Alex's words.")
    with pytest.raises(Conflict) as conflict:
        inv.update_engagement(engine, p.id, e.id, expected_version=loaded, author=SAM, today=TODAY, heard="Sam's words.")
    assert "Alex Jones changed this engagement" in conflict.value.message
    assert conflict.value.theirs == {"heard": "Alex's words."} and conflict.value.mine == {"heard": "Sam's words."}
    [line] = inv.list_engagements(engine, p.id)
    assert line.engagement.heard == "Alex's words."
    with Session(engine) as s:
        copies = s.exec(select(Revision).where(Revision.prompt_id == "involvement.engagement", Revision.action == "conflict_copy")).all()
    assert len(copies) == 1 and "Sam's words." in (copies[0].new_value or "")
    # The same for a link's note.
    change = inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, note="First.", author=SAM)
    inv.update_change(engine, p.id, change.id, note="Alex's note.", expected_version=change.version, author=ALEX)
    with pytest.raises(Conflict):
        inv.update_change(engine, p.id, change.id, note="Sam's note.", expected_version=change.version, author=SAM)
    assert inv.list_engagements(engine, p.id)[0].changes[0].change.note == "Alex's note."


def test_editing_a_removed_engagement_says_so_and_restoring_brings_back_its_links(engine):  # noqa: F811
    p, aim, *_ = _world(engine)
    e = _engagement(engine, p.id)
    inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, note="Changed.", author=SAM)
    inv.remove_engagement(engine, p.id, e.id, author=ALEX)
    assert inv.list_engagements(engine, p.id) == []
    with pytest.raises(Exception, match="removed that engagement"):
        inv.update_engagement(engine, p.id, e.id, expected_version=e.version + 1, author=SAM, today=TODAY, heard="Late edit")
    [gone] = inv.list_engagements(engine, p.id, removed=True)
    assert gone.engagement.heard.startswith("Ask us")
    inv.restore_engagement(engine, p.id, e.id, author=SAM)
    [line] = inv.list_engagements(engine, p.id)
    assert [c.change.note for c in line.changes] == ["Changed."]
    inv.remove_change(engine, p.id, line.changes[0].change.id, author=SAM)
    assert inv.list_engagements(engine, p.id)[0].changes == []
    inv.restore_change(engine, p.id, line.changes[0].change.id, author=SAM)
    assert len(inv.list_engagements(engine, p.id)[0].changes) == 1


def test_scrutineers_and_viewers_cannot_write_and_nothing_changes(engine):  # noqa: F811
    p, aim, *_ = _world(engine)
    e = _engagement(engine, p.id)
    before = _stored(engine)
    for role in ("scrutineer", "viewer"):
        person = member(engine, p.id, role, f"inv.{role}")
        with pytest.raises(NotAllowed):
            inv.add_engagement(
                engine, p.id, author=person, today=TODAY, held_on="01/01/2026", voices="children", group="a group", method="survey"
            )
        with pytest.raises(NotAllowed):
            inv.update_engagement(engine, p.id, e.id, expected_version=e.version, author=person, today=TODAY, heard="Changed")
        with pytest.raises(NotAllowed):
            inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, author=person)
        with pytest.raises(NotAllowed):
            inv.remove_engagement(engine, p.id, e.id, author=person)
    assert _stored(engine) == before


# --- The Word draft -----------------------------------------------------------------------------


def _section_2(data: bytes) -> tuple[list[str], list]:
    doc = Document(io.BytesIO(data))
    body = doc.element.body
    texts, tables, inside = [], [], False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            from docx.text.paragraph import Paragraph

            para = Paragraph(child, doc)
            if para.style is not None and para.style.name == "Heading 1":
                inside = "Shared vision and strategic priorities" in para.text
            if inside:
                texts.append(para.text)
        elif tag == "tbl" and inside:
            from docx.table import Table

            tables.append(Table(child, doc))
    return texts, tables


def test_the_word_draft_has_a_you_said_we_did_table_in_section_2(engine):  # noqa: F811
    p, aim, outcome, action = _world(engine)
    e = _engagement(engine, p.id, heard='They said <script>alert(1)</script> & "ask us" =SUM(A1)')
    inv.add_change(engine, p.id, e.id, kind="action", target_id=action.id, note="A session co-written by the group.", author=SAM)
    s = _engagement(
        engine, p.id, held_on="21/01/2026", voices="survivors", group="adult survivors' group", method="partner", heard="Letters felt cold."
    )
    inv.add_change(engine, p.id, s.id, kind="outcome", target_id=outcome.id, note="Letters rewritten with the group.", author=SAM)
    texts, tables = _section_2(export_docx(engine, p.id, charts=False))
    assert any(t.endswith("You said, we did") for t in texts)
    assert any("2 engagements (1 with children and young people, 1 with adult victims and survivors)" in t for t in texts)
    table = next(t for t in tables if t.rows[0].cells[0].text == "When and with whom")
    assert [c.text for c in table.rows[0].cells] == ["When and with whom", "You said", "We did"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert rows[0][0] == "12/11/2025, young people's advisory group, 14 to 17 (children and young people; workshop or group session)"
    assert rows[0][1] == 'They said <script>alert(1)</script> & "ask us" =SUM(A1)'
    assert rows[0][2] == "A1.O1.1 A course on talking with children: A session co-written by the group."
    assert rows[1][2] == "A1.O1 Practitioners open the conversation: Letters rewritten with the group."
    assert not any("Still to show" in t for t in texts)


def test_the_draft_says_what_is_missing_when_nothing_or_no_change_is_recorded(engine):  # noqa: F811
    p, aim, *_ = _world(engine)
    texts, _ = _section_2(export_docx(engine, p.id, charts=False))
    assert any(t.startswith("Not recorded yet: how children, young people and adult victims and survivors were involved") for t in texts)
    _engagement(engine, p.id)
    texts, tables = _section_2(export_docx(engine, p.id, charts=False))
    assert any(
        t
        == "Still to show: a change made because of what children and young people and adult victims and survivors said (Guide §3.1, §10.2)."
        for t in texts
    )
    table = next(t for t in tables if t.rows[0].cells[0].text == "When and with whom")
    assert table.rows[1].cells[2].text == "Nothing recorded yet."


# --- The readiness check ------------------------------------------------------------------------


def _voices_findings(engine, pid):  # noqa: F811
    report = readiness_report(engine, pid, today=TODAY)
    return [f for c in report.criteria for f in c.findings if f.chapter_id == "involvement"]


def test_readiness_asks_for_children_and_survivors_each_with_a_change(engine):  # noqa: F811
    p, aim, *_ = _world(engine)
    found = _voices_findings(engine, p.id)
    assert [f.level for f in found] == [NOT_MET, NOT_MET]
    assert "Working Together to Safeguard Children (2023) expects safeguarding partners" in found[0].message
    assert found[0].criterion == "coverage" and found[1].prompt_id == "involvement.survivors"
    e = _engagement(engine, p.id)
    found = _voices_findings(engine, p.id)
    assert [f.level for f in found] == [PARTLY, NOT_MET]
    assert "1 engagement with children and young people recorded, but none is linked yet" in found[0].message
    inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, note="Changed.", author=SAM)
    s = _engagement(engine, p.id, voices="survivors", group="adult survivors' group", method="partner")
    inv.add_change(engine, p.id, s.id, kind="aim", target_id=aim.id, note="Changed too.", author=SAM)
    found = _voices_findings(engine, p.id)
    assert [f.level for f in found] == [MET, MET]
    assert found[1].message == "Adult victims and survivors were involved (1 engagement) and what they said led to 1 change in the plan."
    P.delete(engine, p.id, "aim", aim.id, author=SAM)  # the changes' aim removed: no change shown any more
    assert [f.level for f in _voices_findings(engine, p.id)] == [PARTLY, PARTLY]


def test_readiness_uses_the_welsh_wording_for_a_welsh_partnership(engine):  # noqa: F811
    p, *_ = _world(engine, "wales")
    found = _voices_findings(engine, p.id)
    assert "Working Together to Safeguard People expects regional safeguarding boards to involve children" in found[0].message
    assert "Safeguard Children" not in found[0].message


# --- The page (AppTest) -------------------------------------------------------------------------


def test_the_page_records_an_engagement_and_links_a_change(engine):  # noqa: F811
    p, aim, outcome, action = _world(engine)
    at = open_page(app(p.id, Author.make("Sam")), "views/involvement.py")
    assert not at.exception
    assert at.title[0].value == "Involvement: you said, we did"
    assert any("Describe the group, never a person" in c.value for c in at.caption)
    assert any("do not enter names" in i.value for i in at.info)
    next(d for d in at.date_input if d.label == "Date").set_value(date(2025, 11, 12))
    next(t for t in at.text_input if t.label.startswith("With whom")).set_value("young people's advisory group, 14 to 17")
    next(t for t in at.text_area if t.label == "What was heard").set_value("**Ask us** <b>alone</b>")
    next(b for b in at.button if b.label == "Record this engagement").click().run()
    assert not at.exception and not at.error
    [line] = inv.list_engagements(engine, p.id)
    assert line.engagement.heard == "**Ask us** <b>alone</b>" and line.engagement.updated_by_name == "Sam"
    assert "**Ask us** <b>alone</b>" in [t.value for t in at.text]  # shown as typed, never as markup
    next(s for s in at.selectbox if s.label.startswith("Link a change")).set_value(("action", action.id))
    next(t for t in at.text_area if t.label == "What changed, in a sentence").set_value("A session co-written.")
    next(b for b in at.button if b.label == "Link this change").click().run()
    assert not at.exception and not at.error
    assert [c.label for c in inv.list_engagements(engine, p.id)[0].changes] == ["A1.O1.1 A course on talking with children"]
    frame = next(d.value for d in at.dataframe if "We did" in d.value.columns)
    assert "A1.O1.1 A course on talking with children: A session co-written." in list(frame["We did"])


def test_the_page_asks_for_confirmation_before_saving_text_that_may_identify_a_child(engine):  # noqa: F811
    p, *_ = _world(engine)
    at = open_page(app(p.id, Author.make("Sam")), "views/involvement.py")
    next(d for d in at.date_input if d.label == "Date").set_value(date(2025, 11, 12))
    next(t for t in at.text_input if t.label.startswith("With whom")).set_value("a youth group")
    next(t for t in at.text_area if t.label == "What was heard").set_value("Jamie, 12, said nobody asked.")
    next(b for b in at.button if b.label == "Record this engagement").click().run()
    assert any("may identify a child" in e.value for e in at.error)
    assert inv.list_engagements(engine, p.id) == []
    assert next(t for t in at.text_area if t.label == "What was heard").value == "Jamie, 12, said nobody asked."  # nothing typed is lost
    next(c for c in at.checkbox if c.label.startswith("I have checked")).check()
    next(b for b in at.button if b.label == "Record this engagement").click().run()
    assert not at.error
    assert [x.engagement.heard for x in inv.list_engagements(engine, p.id)] == ["Jamie, 12, said nobody asked."]


def test_a_scrutineer_reads_the_record_and_is_offered_no_field(engine):  # noqa: F811
    p, aim, *_ = _world(engine)
    e = _engagement(engine, p.id, heard="<img src=x onerror=alert(1)> said")
    inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, note="Changed.", author=SAM)
    P.delete(engine, p.id, "aim", aim.id, author=SAM)
    at = open_page(app(p.id, Author.make("Sam Scrutiny"), role="scrutineer"), "views/involvement.py")
    assert not at.exception
    assert not at.text_input and not at.text_area and not at.date_input and not at.checkbox
    assert [s.key for s in at.selectbox] == ["sidebar_partnership"]  # the sidebar's partnership picker only
    assert not [b for b in at.button if (b.key or "").startswith("inv|")]
    assert "<img src=x onerror=alert(1)> said" in [t.value for t in at.text]
    assert any("strategic aim removed from the plan" in w.value for w in at.warning)


def test_the_demo_has_engagements_from_children_and_survivors_each_with_changes(engine, sqlite_demo_id):  # noqa: F811
    lines = inv.list_engagements(engine, sqlite_demo_id)
    found = {s.voice: (s.engagements, s.changes) for s in inv.summary(lines)}
    assert found["children"][0] >= 1 and found["children"][1] >= 1
    assert found["survivors"][0] >= 1 and found["survivors"][1] >= 1
    assert all(not c.removed for line in lines for c in line.changes)


def test_a_backup_restored_elsewhere_keeps_the_record_and_its_links_to_the_plan(engine, tmp_path):  # noqa: F811
    from strategy.core.db import dispose_engine, prepare_database
    from strategy.people.backup import backup_partnership, restore_partnership

    p, aim, outcome, action = _world(engine)
    e = _engagement(engine, p.id)
    inv.add_change(engine, p.id, e.id, kind="action", target_id=action.id, note="A session co-written.", author=SAM)
    other_url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    try:
        other = prepare_database(other_url)
        new_id = restore_partnership(other, backup_partnership(engine, p.id))
        [line] = inv.list_engagements(other, new_id)
        assert line.engagement.heard == "Ask us on our own, and tell us what happens next."
        assert [(c.label, c.change.note) for c in line.changes] == [("A1.O1.1 A course on talking with children", "A session co-written.")]
    finally:
        dispose_engine(other_url)


def test_the_record_exports_as_csv_and_excel_from_the_command_line_formula_safe(engine, tmp_path, capsys):  # noqa: F811
    import csv

    from openpyxl import load_workbook

    from strategy.cli.commands import main

    p, aim, *_ = _world(engine)
    e = _engagement(engine, p.id, heard='=HYPERLINK("http://x") and <b>bold</b>')
    inv.add_change(engine, p.id, e.id, kind="aim", target_id=aim.id, note="+ a change", author=SAM)
    assert main(["involvement", p.name]) == 0
    printed = capsys.readouterr().out
    assert "You said: =HYPERLINK" in printed and "We did: A1 Children are asked, not left to tell: + a change" in printed
    out_csv, out_xlsx = tmp_path / "record.csv", tmp_path / "record.xlsx"
    assert main(["involvement", p.name, "--out", str(out_csv)]) == 0
    rows = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert rows[0] == inv.RECORD_HEADERS
    assert rows[1][0] == "12/11/2025" and rows[1][6] == '\'=HYPERLINK("http://x") and <b>bold</b>'
    assert rows[1][7] == "A1 Children are asked, not left to tell: + a change"
    assert main(["involvement", p.name, "--out", str(out_xlsx)]) == 0
    sheet = load_workbook(out_xlsx).worksheets[0]
    assert sheet.cell(2, 7).data_type == "s" and sheet.cell(2, 7).value.endswith("and <b>bold</b>")
    assert main(["involvement", p.name, "--out", str(tmp_path / "record.txt")]) != 0


def test_the_demo_page_shows_its_engagements_and_the_you_said_we_did_table(engine, sqlite_demo_id):  # noqa: F811
    at = open_page(app(sqlite_demo_id, Author.make("Sam")), "views/involvement.py")
    assert not at.exception and not at.error
    assert [h.value for h in at.subheader if "·" in h.value] == [
        "04/02/2026 · Children and young people",
        "21/01/2026 · Adult victims and survivors",
        "12/11/2025 · Children and young people",
    ]
    frame = next(d.value for d in at.dataframe if "We did" in d.value.columns)
    assert frame["We did"].str.contains("A4.O1.2 Change letters").any()
    assert not any("no change in the plan linked yet" in w.value for w in at.warning)
