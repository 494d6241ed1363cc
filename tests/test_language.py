"""The language check (Guide §1.6), acronyms and long sentences (clarity, Guide §13.1), on both databases."""

from __future__ import annotations

import pytest

from strategy.answers.operations import add_row, get_answer, save_answer, set_grid_cell
from strategy.core.errors import InvalidInput
from strategy.finalise.language import Text, acronyms_in, language_report, long_sentences, term_findings


def T(text: str) -> Text:
    return Text("introduction", "Introduction", "Why does your partnership need this strategy?", text, "intro.purpose")


@pytest.mark.parametrize(
    ("written", "found", "prefer"),
    [
        ("CSA is under-reported.", "CSA", "child sexual abuse"),
        ("We will tackle CSAE together.", "CSAE", "child sexual abuse"),
        ("Perpetrators are often known to the child.", "Perpetrators", "the person who has sexually abused the child"),
        ("The abuser was a relative.", "abuser", "the person who has sexually abused the child"),
        ("Managing sex offenders in the community.", "sex offenders", "the person who has sexually abused the child"),
        ("Peer-on-peer abuse in schools.", "Peer-on-peer abuse", "harmful sexual behaviour"),
        ("Few children make a disclosure.", "disclosure", "telling"),
        ("Children disclosed late.", "disclosed", "telling"),
        ("Support for children with disabilities.", "children with disabilities", "disabled children"),
        ("The case ended with NFA.", "NFA", "no further police action at this time"),
    ],
)
def test_each_avoided_term_is_found_with_the_wording_to_use(written, found, prefer):
    findings = term_findings([T(written)])
    assert [(f.found, f.prefer) for f in findings] == [(found, prefer)]
    assert "Introduction" in findings[0].message and f"'{prefer}'" in findings[0].message


@pytest.mark.parametrize(
    "written",
    [
        "Child sexual abuse is under-reported.",
        "The person who has sexually abused the child is often known to them.",
        "Children tell in many ways, not always in words.",
        "Disabled children are at greater risk.",
        "The CSA Centre's guide helps partnerships.",  # an organisation's name, not the abbreviation
        "We use the Child Sex Offender Disclosure Scheme.",  # the scheme keeps its official name
        "Abuse by a parent; the abusive relationship.",  # 'abuse' is not 'abuser'
        "The csa of a word in lower case is not the abbreviation.",
    ],
)
def test_preferred_wording_and_official_names_pass(written):
    assert term_findings([T(written)]) == []


def test_words_inside_quotation_marks_are_left_alone():
    text = 'The national review "Tackling perpetrators of abuse" and the report “Disclosure matters” shaped this.'
    assert term_findings([T(text)]) == []
    # Outside the quotation marks the same word is found.
    assert [f.found for f in term_findings([T(text + " Perpetrators must be managed.")])] == ["Perpetrators"]


def test_a_phrase_the_partnership_exempts_is_left_alone_wherever_it_appears():
    text = "The Sex Offender Management Unit leads on visits. Sex offenders are managed under MAPPA."
    assert [f.found for f in term_findings([T(text)])] == ["Sex Offender", "Sex offenders"]
    assert [f.found for f in term_findings([T(text)], exempt=["Sex Offender Management Unit"])] == ["Sex offenders"]


def test_acronyms_spelled_out_known_own_and_unexplained():
    text = (
        "The sexual assault referral centre (SARC) sees most children. SARCs report yearly. The MASH and the "
        "LSCP meet monthly. The HUB team and the XQZ panel meet too. OFFICIAL."
    )
    found = acronyms_in([T(text)], nation="england", own={"HUB": "Harbourshire understanding board"})
    assert found.meanings["SARC"] == "sexual assault referral centre" and found.source["SARC"] == "in your text"
    assert found.meanings["MASH"] == "multi-agency safeguarding hub" and found.source["MASH"] == "the workbook's list"
    assert found.meanings["HUB"] == "Harbourshire understanding board" and found.source["HUB"] == "yours"
    assert list(found.unexplained) == ["XQZ"]
    assert "OFFICIAL" not in found.meanings and "SARCs" not in found.meanings


def test_acronyms_follow_the_nation():
    england = acronyms_in([T("The RSB and the LSCP.")], nation="england")
    wales = acronyms_in([T("The RSB and the LSCP.")], nation="wales")
    assert "LSCP" in england.meanings and "RSB" in england.unexplained
    assert "RSB" in wales.meanings and "LSCP" in wales.unexplained


def test_long_sentences_are_counted_and_short_ones_are_not():
    long = " ".join(["word"] * 45) + "."
    findings = long_sentences([T(f"{long} A short one. Another short one.")])
    assert [f.words for f in findings] == [45]
    assert long_sentences([T("One. Two three. " * 30)]) == []


def test_the_report_reads_answers_and_table_cells_and_names_where(engine, partnership, author):
    pid = partnership.id
    save_answer(engine, pid, "vision.statement", "Every perpetrator will be known.", expected_version=0, author=author)
    add_row(engine, pid, "vision.priorities", {"priority": "Better response to disclosure"}, author=author)
    set_grid_cell(engine, pid, "context.forms", "online", "notes", "CSA online is rising.", expected=None, author=author)
    report = language_report(engine, pid)
    where = {(f.found, f.text.chapter_title, f.text.where) for f in report.terms}
    assert ("perpetrator", "Shared vision and governance", "What is your partnership's shared vision?") in {
        (f, c, w.split(",")[0]) for f, c, w in where
    }
    assert any(f == "disclosure" and "priority 1: Priority" in w for f, _, w in where)
    assert any(f == "CSA" and c == "Context" and "in online contexts: Local notes" in w for f, c, w in where)
    # Exempting a phrase through the Finalise chapter's list takes it out of the report.
    add_row(engine, pid, "finalise.language_exempt", {"phrase": "Better response to disclosure"}, author=author)
    assert "disclosure" not in {f.found for f in language_report(engine, pid).terms}


def test_an_exempt_phrase_must_not_be_empty_and_nothing_is_stored(engine, partnership, author):
    with pytest.raises(InvalidInput, match="cannot be empty"):
        add_row(engine, partnership.id, "finalise.language_exempt", {"phrase": "   "}, author=author)
    assert language_report(engine, partnership.id).terms == []


def test_a_date_answer_is_stored_iso_and_impossible_dates_are_refused(engine, partnership, author):
    pid = partnership.id
    saved = save_answer(engine, pid, "finalise.next_review", "30/09/2027", expected_version=0, author=author)
    assert saved.value == "2027-09-30"
    for bad, message in [
        ("31/02/2027", "not a real date"),
        ("30/09/27", "two-digit year"),
        ("2100-13-01", "not a"),
        ("next spring", "not a date"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            save_answer(engine, pid, "finalise.next_review", bad, expected_version=1, author=author)
    assert get_answer(engine, pid, "finalise.next_review").value == "2027-09-30"


def test_a_megabyte_of_capitals_and_five_thousand_abbreviations_is_read_once(monkeypatch):
    # Bad input (issue 13): the acronym check read the whole text again for every abbreviation.
    import random

    from strategy.finalise import language as L

    rng = random.Random(5)
    letters = "BCDFGHJKLMNPQRSTVWXZ"
    made: set[str] = set()
    while len(made) < 5000:
        made.add("".join(rng.choice(letters) for _ in range(rng.randint(3, 6))))
    abbreviations = sorted(made)
    words = []
    for n, abbreviation in enumerate(abbreviations):
        words += ["Partnership", "Review", "Group", "Meeting", abbreviation + ("." if n % 7 == 0 else "")]
    explained = "Sexual Assault Referral Centre (SARC). "
    text = explained + " ".join(words) + " "
    while len(text) < 1_000_000:
        text += " ".join(rng.choice(["The", "Council", "Board", "Action", "Plan"]) for _ in range(200)) + " "
    reads = []
    real = L._spelled_out_in
    monkeypatch.setattr(L, "_spelled_out_in", lambda whole: reads.append(len(whole)) or real(whole))
    found = L.acronyms_in([L.Text("introduction", "Introduction", "Purpose", text, "intro.purpose")])
    assert len(reads) == 1  # the text is searched for spelled-out forms once, whatever the count
    # Each is found: unexplained, or explained by the workbook's own list (CPS, CPP...).
    assert set(found.unexplained) | (set(found.meanings) & made) == made
    assert len(found.unexplained) > 4900
    assert found.meanings["SARC"] == "Sexual Assault Referral Centre"
