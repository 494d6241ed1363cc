"""The strategic professionals' survey on the Snapshot results page through AppTest: the two surveys
side by side on the demo (chart and the same figures as a table), the template offered to writers,
and the one import panel with a Microsoft Forms export chosen: previewed without names or emails,
imported in one click, a frontline file refused saying which survey it looks like."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from strategy.assessments import snapshot as sn
from strategy.assessments.io import TEMPLATE_FILES
from strategy.core.authors import Author
from strategy.core.models import stored_id
from strategy.people.partnerships import create_partnership
from strategy.ui.state import AUTHOR_KEY
from tests.test_app import app, engine, open_page, url  # noqa: F401  (fixtures)
from tests.test_strategic_survey import RESPONSES, forms_csv

SAM = Author.make("Sam Patel", "Harbourshire Council")


def test_the_results_page_shows_the_two_surveys_side_by_side_on_the_demo(engine, sqlite_demo_id):  # noqa: F811
    at = open_page(app(sqlite_demo_id, SAM), "views/snapshot_results.py")
    assert not at.exception, [e.value for e in at.exception]
    assert "Strategic professionals' survey" in [h.value for h in at.header]
    snap = sn.list_snapshots(engine, sqlite_demo_id)[-1]
    expected = sn.survey_comparison(engine, sqlite_demo_id, stored_id(snap))
    shown = next(d.value for d in at.dataframe if sn.STRATEGIC_SURVEY_AVERAGE in d.value.columns)
    assert list(shown[sn.STRATEGIC_SURVEY_AVERAGE]) == list(expected[sn.STRATEGIC_SURVEY_AVERAGE])
    assert list(shown[sn.FRONTLINE_SURVEY_AVERAGE]) == list(expected[sn.FRONTLINE_SURVEY_AVERAGE])
    assert shown[sn.STRATEGIC_SURVEY_COUNT].sum() > 0
    assert any("6 strategic professionals' responses imported" in c.value for c in at.caption)
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads.count("Download the template (CSV)") == 2  # the frontline survey's and the strategic survey's
    assert "Download the strategic survey responses (CSV)" in downloads
    assert any("Protection: initial response: in the surveys, strategic professionals answer higher" in w.value for w in at.warning)


def test_a_scrutineer_sees_the_results_but_no_import(engine, sqlite_demo_id):  # noqa: F811
    at = open_page(app(sqlite_demo_id, Author.make("Rae Scrutton", "Independent scrutiny"), role="scrutineer"), "views/snapshot_results.py")
    assert not at.exception
    assert "Strategic professionals' survey" in [h.value for h in at.header]
    assert [b.proto.label for b in at.get("download_button")].count("Download the template (CSV)") == 0


def _panel_app(database: str, pid: int, snapshot_id: int, data: bytes, filename: str) -> None:
    # Runs as its own Streamlit script: the snapshot results page's import panel for the strategic survey, with a file chosen.
    import streamlit as st

    from strategy.assessments.io import import_strategic_survey, preview_strategic_survey
    from strategy.core.db import prepare_database
    from strategy.ui.snapshot_views import k, preview_and_import
    from strategy.ui.state import current_author

    db = prepare_database(database)
    key = k("strategic-survey", pid, snapshot_id)
    if st.session_state.get(k(key, "gen"), 0) == 0:
        preview_and_import(
            key,
            data,
            filename,
            preview=lambda d, n, o: preview_strategic_survey(db, pid, snapshot_id, d, n, o),
            run=lambda d, n, replace, o: import_strategic_survey(
                db, pid, snapshot_id, d, n, author=current_author(), replace=replace, options=o
            ),
            what="strategic survey responses",
            existing=0,
        )
    else:
        st.text("The uploader is empty again.")
    done = st.session_state.get(k(key, "done"))
    if done:
        st.success(done)


def _panel(database: str, pid: int, snapshot_id: int, data: bytes, filename: str) -> AppTest:
    at = AppTest.from_function(_panel_app, args=(database, pid, snapshot_id, data, filename), default_timeout=30)
    at.session_state[AUTHOR_KEY] = SAM
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_forms_export_is_previewed_then_imported_in_one_click(url, engine):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    snap = sn.create_snapshot(engine, p.id, title="Snapshot 2026", author=SAM)
    at = _panel(url, p.id, snap.id, forms_csv(RESPONSES), "Strategic survey.csv")
    ignored = next(d.value for d in at.dataframe if "Why" in d.value.columns)
    assert set(ignored["Column in the file"]) == {"ID", "Start time", "Completion time", "Email", "Name"}
    ready = at.dataframe[-1].value
    assert list(ready["Agency"]) == ["Police", "Health"] and list(ready["SL1"]) == ["3", "1"]
    assert not any("example.org" in str(v) for d in at.dataframe for v in d.value.to_numpy().ravel())
    next(b for b in at.button if b.label == "Import 2 rows").click().run()
    assert "Imported 2 strategic survey responses." in [s.value for s in at.success]
    assert [r.agency for r in sn.strategic_responses(engine, snap.id)] == ["Police", "Health"]


def test_a_frontline_file_is_refused_on_the_panel_saying_which_survey_it_looks_like(url, engine):  # noqa: F811
    p = create_partnership(engine, name="Harbourshire", nation="england")
    snap = sn.create_snapshot(engine, p.id, title="Snapshot 2026", author=SAM)
    at = _panel(url, p.id, snap.id, TEMPLATE_FILES["snapshot_survey_template.csv"](), "frontline.csv")
    assert "This file could not be read, so nothing was imported." in [e.value for e in at.error]
    assert any("looks like the frontline practitioners' survey" in t.value for t in at.text)
    assert not any(b.label.startswith("Import ") for b in at.button)
    assert sn.strategic_responses(engine, snap.id) == []
