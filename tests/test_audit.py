"""Thematic multi-agency audits: the record, the audited cases (and the warning on references that
could identify a child), findings and recommendations, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from strategy.assessments import audit as au
from strategy.assessments.recommendations import add_recommendation, list_recommendations
from strategy.core.errors import Conflict, InvalidInput, NotFound


@pytest.fixture
def audit(engine, partnership, author):
    return au.create_audit(
        engine,
        partnership.id,
        theme="Child sexual abuse in the family environment",
        period="2025/26",
        parts=["case_audit", "data_review"],
        author=author,
    )


@pytest.mark.parametrize(
    "reference, why",
    [
        ("John Smith", "person's name"),
        ("Aisha Khan case", "person's name"),
        ("12/03/2015", "date"),
        ("Case 3 DOB 1-2-15", "date"),
        ("born 3 March 2014", "date"),
        ("943 476 5919", "NHS number"),
        ("9434765919", "NHS number"),
        ("AB 12 34 56 C", "National Insurance"),
        ("SO14 7DW", "postcode"),
    ],
)
def test_a_reference_that_could_identify_a_child_is_warned_about(reference, why):
    assert why in au.reference_warning(reference)


@pytest.mark.parametrize("reference", ["Case 1", "A3", "HSCP-2026-07", "Case B", "case ten", "Audit 2026 / 4"])
def test_ordinary_references_pass(reference):
    assert au.reference_warning(reference) is None


def test_an_identifying_reference_needs_confirming_and_is_then_the_partnerships_choice(engine, partnership, author, audit):
    with pytest.raises(au.IdentifyingReference, match="may identify a child: it looks like a person's name"):
        au.add_case(engine, partnership.id, audit.id, reference="Jane Doe", grade="good", author=author)
    assert au.list_cases(engine, audit.id) == []
    case = au.add_case(engine, partnership.id, audit.id, reference="Jane Doe", grade="good", author=author, confirmed=True)
    assert [c.reference for c in au.list_cases(engine, audit.id)] == ["Jane Doe"]
    with pytest.raises(au.IdentifyingReference, match="date of birth"):
        au.update_case(engine, partnership.id, case.id, expected_version=case.version, reference="01/02/2015", author=author)
    assert au.list_cases(engine, audit.id)[0].reference == "Jane Doe"


def test_cases_are_graded_checked_edited_and_removed_with_undo(engine, partnership, author, other_author, audit):
    one = au.add_case(
        engine,
        partnership.id,
        audit.id,
        reference="Case 1",
        agencies="Police; School",
        grade="good",
        strengths="Direct work",
        learning="Support the parent",
        author=author,
    )
    au.add_case(engine, partnership.id, audit.id, reference="Case 2", grade="inadequate", author=author)
    with pytest.raises(InvalidInput, match="already has a case 'case 1'"):
        au.add_case(engine, partnership.id, audit.id, reference="case 1", author=author)
    with pytest.raises(InvalidInput, match="not a grade"):
        au.add_case(engine, partnership.id, audit.id, reference="Case 3", grade="excellent", author=author)
    with pytest.raises(InvalidInput, match="reference"):
        au.add_case(engine, partnership.id, audit.id, reference="   ", author=author)
    with pytest.raises(InvalidInput, match="40"):
        au.add_case(engine, partnership.id, audit.id, reference="C" * 41, author=author)
    au.update_case(
        engine, partnership.id, one.id, expected_version=one.version, reference="Case 1", grade="outstanding", author=other_author
    )
    with pytest.raises(Conflict):
        au.update_case(
            engine, partnership.id, one.id, expected_version=one.version, reference="Case 1", grade="requires_improvement", author=author
        )
    table = au.grade_table(au.list_cases(engine, audit.id)).set_index("Grade")
    assert table.loc["Outstanding", "Cases"] == 1 and table.loc["Inadequate", "Cases"] == 1
    au.remove_case(engine, partnership.id, one.id, author=author)
    assert [c.reference for c in au.list_cases(engine, audit.id)] == ["Case 2"]
    with pytest.raises(NotFound, match="removed"):
        au.update_case(engine, partnership.id, one.id, expected_version=one.version + 1, reference="Case 1", author=author)
    au.remove_case(engine, partnership.id, one.id, author=author, restore=True)
    assert len(au.list_cases(engine, audit.id)) == 2


def test_audit_texts_and_parts_are_version_checked(engine, partnership, author, other_author, audit):
    au.update_audit(
        engine,
        partnership.id,
        audit.id,
        expected_version=1,
        author=author,
        texts={"one_thing": "Use the toolkit ‘every’ time", "strengths": "Direct work\nSchools"},
    )
    with pytest.raises(Conflict):
        au.update_audit(engine, partnership.id, audit.id, expected_version=1, author=other_author, texts={"one_thing": "Something else"})
    stored = au.view(au.get_audit(engine, partnership.id, audit.id))
    assert stored.texts["one_thing"] == "Use the toolkit ‘every’ time" and stored.parts == ["data_review", "case_audit"]
    with pytest.raises(InvalidInput, match="not a part"):
        au.update_audit(engine, partnership.id, audit.id, expected_version=2, author=author, parts=["gossip"])
    with pytest.raises(InvalidInput, match="no field"):
        au.update_audit(engine, partnership.id, audit.id, expected_version=2, author=author, texts={"other": "x"})
    with pytest.raises(InvalidInput, match="theme"):
        au.create_audit(engine, partnership.id, theme=" ", author=author)
    assert au.find_audit(engine, partnership.id, "1").id == audit.id
    assert au.find_audit(engine, partnership.id, "child sexual abuse in the family environment").id == audit.id
    with pytest.raises(NotFound):
        au.find_audit(engine, partnership.id, "Neglect")


def test_audit_recommendations_and_summary(engine, partnership, author, audit):
    rec = add_recommendation(engine, partnership.id, audit_id=audit.id, text="Develop e-learning.", author=author)
    assert rec.origin == "Thematic audit: Child sexual abuse in the family environment, recommendation 1"
    assert list_recommendations(engine, partnership.id, audit_id=audit.id)[0].text == "Develop e-learning."
    au.add_case(engine, partnership.id, audit.id, reference="Case 1", grade="good", author=author)
    lines = au.latest_summary(engine, partnership.id)
    assert lines[0].startswith("Thematic audit 'Child sexual abuse in the family environment' (2025/26): 1 case")
    au.remove_audit(engine, partnership.id, audit.id, author=author)
    assert au.latest_summary(engine, partnership.id) == []
