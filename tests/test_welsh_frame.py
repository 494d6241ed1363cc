"""The answer widgets' frame, the import panels, signing in, Members, Audit log, Backup and restore,
Partnerships, Privacy notice and the administrators' part of Your account in Welsh for a person who
chose Cymraeg (data/language/interface_frame.yaml), English unchanged for everyone else; the table
editors store the same ids whatever the language; and an import of identification measures says
the partnership's own figures apart from the comparators kept beside them."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from strategy.answers.io import MEASURES
from strategy.answers.operations import add_row, list_rows, row_columns
from strategy.core.authors import Author
from strategy.core.interface import interface_strings
from strategy.core.text import plural
from strategy.guide.content import content
from strategy.people.partnerships import create_partnership, get_partnership
from strategy.ui import widgets
from strategy.ui.import_panel import imported_words
from strategy.ui.state import AUTHOR_KEY, LANGUAGE_KEY
from tests.test_app import APP, engine, url  # noqa: F401  (fixtures)
from tests.test_import_panel import import_button, panel
from tests.welsh_support import app_in_language, opened, page_words

ADMIN = Author.make("Alex Admin", "Harbourshire Council")


def _app(partnership_id: int | None, engine, *, welsh: bool, role: str | None = None) -> AppTest:  # noqa: F811
    """The app signed in as an administrator (or a member with ``role``) who chose Cymraeg, or did not."""
    person = ADMIN if role is None else Author.make("Ann Jones", "Police")
    return app_in_language(engine, partnership_id, person, language="cy" if welsh else "en", role=role, timeout=90)


_page = opened


_everything = page_words


def test_the_frames_strings_are_under_their_own_prefix_and_marked_for_review():
    from strategy.core.interface import INTERFACE_FILE

    path = INTERFACE_FILE.parent / "interface_frame.yaml"
    text = path.read_text(encoding="utf-8")
    assert "FOR REVIEW BY A WELSH SPEAKER" in text and "id: interface_frame" in text
    import yaml

    keys = yaml.safe_load(text)["strings"]
    assert keys and all(key.startswith("frame2.") for key in keys)
    assert all(interface_strings()[key] == entry for key, entry in keys.items())


def test_the_safeguarding_reminders_english_is_unchanged():
    from strategy.ui.a11y import SAFEGUARDING_REMINDER

    assert interface_strings()["frame2.a11y.reminder"]["en"] == SAFEGUARDING_REMINDER


def test_the_item_words_english_is_what_plural_makes_of_every_item_label():
    strings = interface_strings()
    for label in {p.item_label for p in content().prompts.values()}:
        for english in (label, plural(label)):
            assert strings[f"frame2.item.{english.replace(' ', '_')}"]["en"] == english


PAGES_IN_WELSH = {
    "views/members.py": ["Ychwanegu aelod neu newid rôl", "yn ysgrifennu ac yn datrys sylwadau"],
    "views/audit_log.py": ["Mewngofnodi (pob cyfrif)", "y diweddaraf yn gyntaf"],
    "views/backup.py": ["Gwneud copi wrth gefn", "Adfer copi wrth gefn fel partneriaeth newydd"],
    "views/partnerships.py": ["Creu partneriaeth", "Dangos partneriaethau wedi'u harchifo", "Cadw'r manylion"],
    "views/account.py": ["Cyfrifon", "Help mewngofnodi", "E-bost gwaith, ar gyfer mewngofnodi sengl (dewisol)", "Mewngofnodi diwethaf"],
    "views/privacy.py": ["Peidiwch byth â rhoi manylion a allai adnabod plentyn neu deulu"],
}
PAGES_IN_ENGLISH = {
    "views/members.py": ["Add a member or change a role", "writes and resolves comments"],
    "views/audit_log.py": ["Sign-ins (all accounts)", "newest first."],
    "views/backup.py": ["Make a backup", "Restore a backup as a new partnership"],
    "views/partnerships.py": ["Create a partnership", "Show archived partnerships", "Save details"],
    "views/account.py": ["Accounts", "Sign-in help", "Work email, for single sign-on (optional)", "Last signed in"],
    "views/privacy.py": ["Never enter details that could identify a child or a family"],
}


@pytest.mark.parametrize("page", sorted(PAGES_IN_WELSH))
def test_the_administrators_pages_in_welsh_for_a_person_who_chose_it_and_english_for_another(engine, sqlite_demo_id, page):  # noqa: F811
    welsh = _everything(_page(_app(sqlite_demo_id, engine, welsh=True), page))
    for words in PAGES_IN_WELSH[page]:
        assert words in welsh, words
    for words in PAGES_IN_ENGLISH[page]:
        assert words not in welsh, words
    english = _everything(_page(_app(sqlite_demo_id, engine, welsh=False), page))
    for words in PAGES_IN_ENGLISH[page]:
        assert words in english, words


def test_a_chapter_pages_frame_in_welsh_comments_history_and_tables(engine, sqlite_demo_id):  # noqa: F811
    at = _page(_app(sqlite_demo_id, engine, welsh=True), "views/shared_vision.py")
    expanders = [e.label for e in at.expander]
    assert "Sylwadau" in expanders or any(label.startswith("Sylwadau (") for label in expanders)
    assert "Hanes yr ateb hwn" in expanders
    assert "Comments" not in expanders and "History of this answer" not in expanders
    assert any(i.value.startswith("Strategaeth yw hon, nid cofnod achos") for i in at.info)  # the safeguarding reminder
    captions = "\n".join(c.value for c in at.caption)
    assert "Mae pob newid yn cadw cyn gynted ag y byddwch chi'n gadael y gell." in captions
    assert "Each change saves" not in captions

    english = _page(_app(sqlite_demo_id, engine, welsh=False), "views/shared_vision.py")
    assert "History of this answer" in [e.label for e in english.expander]
    assert any(c.value.startswith("Each change saves as soon as you leave the cell.") for c in english.caption)


def test_a_table_column_takes_its_welsh_header_and_help_and_english_stays(monkeypatch):
    prompt = content().prompts["vision.steering_group"]
    col = next(c for c in row_columns(prompt) if c.id == "agency_type").model_copy(
        update={"label_cy": "Math o asiantaeth", "help_cy": "Dewiswch y math."}
    )
    monkeypatch.setattr(st, "session_state", {LANGUAGE_KEY: "cy"})
    welsh = widgets._column_config(col, "wales")
    assert welsh["label"] == "Math o asiantaeth" and welsh["help"] == "Dewiswch y math."
    monkeypatch.setattr(st, "session_state", {})
    english = widgets._column_config(col, "wales")
    assert english["label"] == col.label and english["help"] == (content().fill(col.help, "wales") or None)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_choice_column_stores_the_same_ids_whatever_the_language_shown(engine, monkeypatch, language):  # noqa: F811
    """The editor shows a choice column's names in the person's language and stores its ids: a cell
    edited and a row added in Welsh store what they store in English."""
    partnership = get_partnership(engine, create_partnership(engine, name="Bro Taf", nation="wales").id)
    prompt = content().prompts["vision.steering_group"]
    col = next(c for c in row_columns(prompt) if c.id == "agency_type")
    english = {o.id: o.label for o in content().options(col, "wales", "en")}
    welsh = {o.id: o.label for o in content().options(col, "wales", "cy")}
    first, second = list(english)[:2]
    assert welsh[first] != english[first]  # the list has its Welsh names
    shown = welsh if language == "cy" else english
    add_row(engine, partnership.id, prompt.id, {"name": "Police", "agency_type": first}, author=ADMIN)
    rows = list_rows(engine, partnership.id, prompt.id)
    editor = "table|editor"
    state = {
        LANGUAGE_KEY: language,
        AUTHOR_KEY: ADMIN,
        editor: {
            "edited_rows": {0: {"agency_type": shown[second]}},
            "added_rows": [{"name": "Health", "agency_type": shown[first]}],
            "deleted_rows": [],
        },
    }
    monkeypatch.setattr(st, "session_state", state)
    frame = widgets._frame(row_columns(prompt), [r.values for r in rows], "wales")
    assert list(frame["agency_type"]) == [shown[first]]  # shown in the person's language
    widgets._table_changed(engine, partnership, prompt.id, editor, rows)
    assert state[f"tablemsg|{partnership.id}|{prompt.id}"] == []
    assert [r.values["agency_type"] for r in list_rows(engine, partnership.id, prompt.id)] == [second, first]  # the ids


# --- Imports -------------------------------------------------------------------------------------


def test_an_import_of_identification_measures_counts_the_comparators_apart(url, engine):  # noqa: F811
    from tests.test_published_files import ees_csv

    pid = create_partnership(engine, name="Hartlepool Safeguarding Children Partnership", nation="england").id
    at = panel(url, pid, MEASURES, ees_csv(), "cin.csv", ADMIN)
    next(s for s in at.selectbox if s.label.startswith("Which area is the partnership's?")).set_value("Hartlepool")
    at.text_area[0].set_value("measure=plans_sexual_abuse\nvalue=number_of_children")
    at.text_area[1].set_value("category_of_abuse=Sexual abuse")
    at.run()
    import_button(at).click().run()
    assert not at.exception, [e.value for e in at.exception]
    # Hartlepool's 2 figures, and England's and the North East region's 2 each kept beside them.
    assert [s.value for s in at.success] == [
        "Imported 2 identification measures for the partnership's areas, and 4 comparator figures for England and North East region."
    ]
    stored = list_rows(engine, pid, MEASURES)
    assert len(stored) == 6 and sum("comparator" in r.values["detail"] for r in stored) == 4


def test_the_import_message_in_welsh_and_without_comparators(monkeypatch):
    from strategy.tabular.geography import comparator_detail
    from strategy.tabular.reading import Preview

    rows = [{"detail": ""}] * 24 + [{"detail": comparator_detail("Wales", rate=True)}] * 3
    rows += [{"detail": comparator_detail("North Wales", rate=True, region=True)}] * 3
    preview = Preview(filename="f.csv", prompt_id=MEASURES, read_as="CSV", rows=rows)
    monkeypatch.setattr(st, "session_state", {})
    assert imported_words(30, MEASURES, preview) == (
        "Imported 24 identification measures for the partnership's areas, and 6 comparator figures for Wales and North Wales region."
    )
    assert imported_words(1, MEASURES, Preview(filename="f.csv", prompt_id=MEASURES, read_as="CSV", rows=[{"detail": ""}])) == (
        "Imported 1 identification measure."
    )
    monkeypatch.setattr(st, "session_state", {LANGUAGE_KEY: "cy"})
    assert imported_words(30, MEASURES, preview) == (
        "Mewnforiwyd 24 mesur nodi ar gyfer ardaloedd y bartneriaeth, a 6 ffigur cymharu ar gyfer Wales a North Wales region."
    )


def test_the_import_panel_in_welsh(url, engine):  # noqa: F811
    from strategy.answers.io import SURVEY, survey_template_csv

    pid = create_partnership(engine, name="Bro Taf", nation="wales").id
    at = AppTest.from_function(panel.__globals__["_panel_app"], args=(url, pid, SURVEY, survey_template_csv(), "survey.csv"))
    at.session_state[AUTHOR_KEY] = ADMIN
    at.session_state[LANGUAGE_KEY] = "cy"
    at.run(timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    assert "**Rhagolwg o survey\\.csv**" in [m.value for m in at.markdown]
    assert [m.label for m in at.metric] == ["Rhesi'n barod", "Rhesi â phroblemau", "Rhesi gwag a hepgorwyd"]
    button = next(b for b in at.button if b.label.startswith("Mewnforio "))
    assert button.label == "Mewnforio 2 rhes"
    assert list(at.dataframe[-1].value.columns)[0] == "Rhes"
    button.click().run(timeout=60)
    assert [s.value for s in at.success] == ["Mewnforiwyd 2 ymateb."]
    assert len(list_rows(engine, pid, SURVEY)) == 2
