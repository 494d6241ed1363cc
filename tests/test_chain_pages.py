"""The chain's pages through AppTest: each partner's endorsement on Finalise, and the page "From
evidence to plan" (suggestions accepted and dismissed, what the plan answers)."""

from __future__ import annotations

from datetime import date

from strategy.answers.operations import add_rows
from strategy.core.authors import Author
from strategy.finalise.endorsement import list_endorsements
from strategy.people.partnerships import create_partnership
from tests.test_app import app, engine, open_page, url  # noqa: F401  (fixtures)


def _partnership(engine):  # noqa: F811
    p = create_partnership(engine, name="Vale Partnership", nation="england")
    add_rows(
        engine,
        p.id,
        "vision.contributions",
        [
            {"agency": "Vale Police", "agency_type": "police", "contribution": "Investigation"},
            {"agency": "Vale Council", "agency_type": "local_authority", "contribution": "Children's services"},
            {"agency": "Vale Youth Club <b>", "agency_type": "voluntary"},
        ],
        author=Author.make("Sam"),
    )
    return p


def test_an_endorsement_is_recorded_on_finalise_and_the_awaited_partners_are_named(engine):  # noqa: F811
    p = _partnership(engine)
    at = open_page(app(p.id, Author.make("Sam")), "views/finalise.py")
    assert not at.exception
    awaited = next(w.value for w in at.warning if w.value.startswith("Still to endorse"))
    assert "Vale Police" in awaited and "Vale Council" in awaited and "Integrated care board" in awaited
    frame = next(d.value for d in at.dataframe if "Statutory partner" in d.value.columns)
    assert list(frame["Agency"]) == ["Vale Police", "Vale Council", "Vale Youth Club <b>"]
    next(s for s in at.selectbox if s.label == "Agency").set_value("Vale Police").run()
    next(r for r in at.radio if r.label == "Decision").set_value("endorsed")
    next(t for t in at.text_input if t.label == "Endorsed by").set_value("Chief Constable")
    next(t for t in at.text_input if t.label == "Their role").set_value("Chief officer")
    next(d for d in at.date_input if d.label == "Date").set_value(date(2026, 3, 4))
    next(b for b in at.button if b.label == "Save this endorsement").click().run()
    assert not at.exception and not at.error
    police = next(x for x in list_endorsements(engine, p.id).lines if x.agency == "Vale Police")
    assert (police.decision, police.name, police.endorsed_on) == ("endorsed", "Chief Constable", "2026-03-04")
    awaited = next(w.value for w in at.warning if w.value.startswith("Still to endorse"))
    assert "Vale Police" not in awaited


def test_an_endorsement_without_who_gave_it_is_refused_on_the_page(engine):  # noqa: F811
    p = _partnership(engine)
    at = open_page(app(p.id, Author.make("Sam")), "views/finalise.py")
    next(r for r in at.radio if r.label == "Decision").set_value("endorsed")
    next(b for b in at.button if b.label == "Save this endorsement").click().run()
    assert any("needs who endorsed it and the date" in e.value for e in at.error)
    assert all(x.version == 0 for x in list_endorsements(engine, p.id).lines)


def test_the_chain_page_accepts_and_dismisses_suggestions_and_shows_what_is_unanswered(engine, sqlite_demo_id):  # noqa: F811
    from strategy.chain.suggestions import suggestions
    from strategy.plan.operations import load_plan

    pid = sqlite_demo_id
    aims_before = len(load_plan(engine, pid).aims)
    at = open_page(app(pid, Author.make("Sam")), "views/chain.py")
    assert not at.exception
    frame = next(d.value for d in at.dataframe if "Suggestion" in d.value.columns)
    assert "More of the children who are sexually abused are identified, and sooner" in list(frame["Suggestion"])
    assert any("not answered by any aim" in w.value for w in at.warning)
    # The first open suggestion is the iceberg's aim: change its words, then accept it.
    first = next(t.key for t in at.text_area if t.value.startswith("More of the children")).rsplit("|", 1)[0]
    next(t for t in at.text_area if t.key == first + "|text").set_value("Find more of the abused children, sooner")
    next(b for b in at.button if b.key == first + "|accept").click().run()
    assert not at.exception and any("Accepted" in s.value for s in at.success)
    plan = load_plan(engine, pid)
    assert len(plan.aims) == aims_before + 1 and plan.aims[-1].title == "Find more of the abused children, sooner"
    # An outcome needs its aim: accepting without one says so and creates nothing.
    outcome_box = next(t.key for t in at.text_area if t.value.startswith("Parents, siblings")).rsplit("|", 1)[0]
    next(b for b in at.button if b.key == outcome_box + "|accept").click().run()
    assert any("Choose the strategic aim" in e.value for e in at.error)
    # Dismiss one with a reason: the reason is kept and shown.
    box = next(t.key for t in at.text_area if t.value.startswith("Strengthen recovery")).rsplit("|", 1)[0]
    next(t for t in at.text_input if t.key == box + "|reason").set_value("Recovery is already aim A3")
    next(b for b in at.button if b.key == box + "|dismiss").click().run()
    assert not at.exception
    red = next(s for s in suggestions(engine, pid) if s.finding.kind == "snapshot_red")
    assert red.status == "dismissed" and red.decision.reason == "Recovery is already aim A3"
    frame = next(d.value for d in at.dataframe if "Suggestion" in d.value.columns)
    assert "Recovery is already aim A3" in list(frame["Became / why dismissed"])


def test_a_baseline_is_taken_from_a_figure_on_the_page_and_a_code_is_refused(engine, sqlite_demo_id):  # noqa: F811
    from strategy.chain.links import recorded_figures
    from strategy.core.models import stored_id
    from strategy.plan.operations import load_plan

    pid = sqlite_demo_id
    measure = load_plan(engine, pid).all_measures()[0]
    figures = recorded_figures(engine, pid)
    code = next(f for f in figures if f.is_code)
    number = next(f for f in figures if not f.is_code)
    at = open_page(app(pid, Author.make("Sam")), "views/chain.py")
    next(s for s in at.selectbox if s.key.endswith("|measure") and s.key.startswith("base|")).set_value(stored_id(measure))
    next(s for s in at.selectbox if s.key.endswith("|figure")).set_value(code.item_id)
    next(b for b in at.button if b.label == "Use it as the baseline").click().run()
    assert any("cannot be a baseline: a code is never counted" in e.value.replace("\\", "") for e in at.error)
    assert next(m for m in load_plan(engine, pid).all_measures() if m.id == measure.id).baseline_value == measure.baseline_value
    next(s for s in at.selectbox if s.key.endswith("|figure")).set_value(number.item_id)
    next(b for b in at.button if b.label == "Use it as the baseline").click().run()
    assert not at.exception
    stored = next(m for m in load_plan(engine, pid).all_measures() if m.id == measure.id)
    assert stored.baseline_value == f"{number.value} ({number.period})"
    assert any(number.source[:20] in md.value.replace("\\", "") for md in at.markdown)
