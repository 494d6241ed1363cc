"""Where the guide asks a partnership to decide something, the workbook has a place for it:
the three approaches to disruption (Guide §8.3) and the MAPPA reflection point (§8.4)."""

from __future__ import annotations

from strategy.answers.operations import set_grid_cell
from strategy.documents.draft import export_docx
from strategy.guide.content import content
from tests.test_export_docx import all_text, open_docx


def test_the_disruption_review_records_which_of_the_three_approaches_each_measure_serves():
    c = content()
    approach = next(col for col in c.prompts["response.disruption"].columns if col.id == "approach")
    labels = [o.label for o in c.list_options(approach.options_from, "england")]
    assert [label.split(" ")[0] for label in labels] == ["Direct", "Disruption-supportive", "Online"]
    assert "§8.3" in (approach.help or "")


def test_the_two_mappa_questions_ask_different_things():
    c = content()
    link, learning = c.prompts["governance.mappa"], c.prompts["prevention.mappa_link"]
    assert link.label != learning.label
    assert "prevent" in learning.label.lower() and "taught" in learning.label.lower()
    for word in ("risk thresholds", "workforce development", "online offending"):
        assert word in link.help


def test_the_draft_counts_measures_in_use_by_approach_and_names_an_approach_with_none(engine, partnership, author):
    pid = partnership.id
    for key, used, approach in (("orders_notices", "yes", "direct"), ("anpr", "yes", "supportive"), ("warning_letters", "no", "online")):
        set_grid_cell(engine, pid, "response.disruption", key, "used", used, expected=None, author=author)
        set_grid_cell(engine, pid, "response.disruption", key, "approach", approach, expected=None, author=author)
    text = all_text(open_docx(export_docx(engine, pid, charts=False)))
    assert (
        "Of the 2 disruption measures used here: 1 direct (legal sanctions on the suspect); 1 disruption-supportive (in the community)."
        in text
    )
    # A measure not in use does not count for its approach: online has none in use.
    assert "No measure in use here takes the online approach to disruption (Guide §8.3)." in text


# --- §3.1, §3.2: what each agency brings, and a steering group as broad as the partnership ---------


def test_the_steering_group_is_checked_against_every_kind_of_agency_and_its_members_levels():
    from strategy.guide.checks import check_steering_group

    statutory = [
        {"name": "A", "agency_type": "local_authority", "seniority": "executive", "authority_to_commit": True},
        {"name": "B", "agency_type": "integrated_care_board", "seniority": "senior", "authority_to_commit": True},
        {"name": "C", "agency_type": "police", "seniority": "manager", "authority_to_commit": True},
    ]
    said = [f.message for f in check_steering_group(statutory, "england")]
    missing = next(m for m in said if m.startswith("No member from:"))
    for kind in ("Education", "Probation service", "Voluntary and community sector", "Youth justice"):
        assert kind in missing
    assert any("1 member is recorded below senior manager level: C." in m for m in said)
    broad = statutory + [
        {"name": n, "agency_type": t} for n, t in (("D", "education"), ("E", "probation"), ("F", "voluntary"), ("G", "youth_justice"))
    ]
    assert not any(m.startswith("No member from:") for m in (f.message for f in check_steering_group(broad, "england")))


def test_each_agency_can_say_how_the_work_fits_its_own_duties_risks_and_outcomes():
    column = next(c for c in content().prompts["vision.contributions"].columns if c.id == "alignment")
    assert "legal duties" in column.help and "risk" in column.help and "§3.1" in column.help


# --- §10 pathways and template section 11 policies --------------------------------------------------


def test_the_pathways_checklist_names_what_is_missing_and_what_practitioners_do_not_know():
    from strategy.guide.checks import check_pathways_in_place

    rows = [
        {"_row": "forensic_recent", "in_place": "yes", "known": "partly"},
        {"_row": "health_non_recent", "in_place": "no"},
    ]
    said = [f.message for f in check_pathways_in_place(rows, "england")]
    assert any(m.startswith("Not in place or not known:") and "health assessment after non-recent abuse" in m for m in said)
    assert any(m.startswith("In place but not known") and "forensic medical examination" in m for m in said)
    everything = [{"_row": o.id, "in_place": "yes", "known": "yes"} for o in content().list_options("response_pathways", "england")]
    assert [f.level for f in check_pathways_in_place(everything, "england")] == ["ok"]


def test_a_policy_past_its_review_date_or_without_one_is_flagged():
    from strategy.guide.checks import check_policies_reviewed

    said = [
        f.message
        for f in check_policies_reviewed(
            [
                {"title": "Old procedures", "next_review": "2020-01-01"},
                {"title": "Undated pathway"},
                {"title": "Fine", "next_review": "2099-01-01"},
            ],
            "england",
        )
    ]
    assert said == ["Review date passed: Old procedures.", "No review date yet: Undated pathway."]


def test_the_demo_draft_has_the_crossovers_the_pathways_the_policies_and_doubted_support(db_templates):
    from tests.test_export_docx import NOW

    doc = open_docx(db_templates.demo_docx(NOW))
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert ["One form", "Crosses over with", "What shows it locally", "What it means for the strategy"] in headers
    assert ["Pathways and continuity", "In place", "Practitioners know and use it", "What is missing or planned"] in headers
    assert ["Policy or procedure", "Who owns it", "Last reviewed", "Next review due", "Where to find it"] in headers
    policies = next(t for t in doc.tables if t.rows[0].cells[0].text == "Policy or procedure")
    assert policies.rows[1].cells[3].text == "15/01/2027"  # the table's date style
    text = all_text(doc)
    assert "Children at risk of sexual abuse, family and parenting support: not thought effective" in text
    assert "The partnership sees 3 crossovers locally:" in text
    assert "Table C" in next(p.text for p in doc.paragraphs if p.style.name == "Heading 2" and "Where the forms cross over" in p.text)
