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
