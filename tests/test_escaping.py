"""People's text is data, never markup: a partnership whose every free-text field holds markdown, HTML
and LaTeX payloads, shown on every page (AppTest), renders none of them.

The demo partnership is copied and every free-text value in it (answers, table cells, aims, outcomes,
actions, measures, snapshots, audits, comments, names of people and agencies, the partnership's name,
the signed-in person's name) gets a payload in front. Then each page runs, and every element that
Streamlit renders as markdown (markdown, captions, titles, alerts, toasts, widget labels and help,
radio options, expander and tab labels) and every plotly chart's text is searched for a payload that
survived unescaped: bold, a link, an image from another host, raw HTML or a LaTeX formula."""

from __future__ import annotations

import json
import re

import pytest
from google.protobuf.json_format import MessageToDict
from sqlalchemy import String, Text, select, update
from sqlmodel import SQLModel
from streamlit.testing.v1 import AppTest

import tests.test_app as app_tests
from strategy.core.authors import Author
from strategy.core.text import chart_escape, md_escape, name_key
from strategy.guide.content import content
from strategy.ui.state import PARTNERSHIP_KEY
from tests.people_support import sign_in_as
from tests.test_app import APP, ROOT

url, engine = app_tests.url, app_tests.engine

#: Bold, raw HTML, LaTeX, a link and an image from another host (a tracking beacon); lower case, so
#: the language check does not take the marker for an acronym.
LONG = "**pwn**<b>pwn</b>$x^2$[pwn](//e.example)![i](//e.example/t.png) "
SHORT = "**pwn**<b>pwn</b>$x^2$ "
#: A payload that survived: not preceded by the backslash md_escape puts before each special character.
RENDERED = re.compile(r"(?<!\\)\*\*pwn|(?<!\\)<b>pwn|(?<!\\)\$x\^2|(?<!\\)\[pwn(?<!\\)\]\(|(?<!\\)!(?<!\\)\[i(?<!\\)\]\(")
#: In a plotly chart: raw HTML that plotly would draw (an escaped payload there reads &lt;b&gt;).
CHART_RENDERED = re.compile(r"<b>pwn|<a |<img|href=")
#: Rows poisoned per table (and per question for table rows): every field, without making the
#: partnership so large that each page takes minutes.
ROWS_PER_TABLE = 6

#: Columns that hold codes, dates, numbers as text or JSON, not free text.
STRUCTURAL = {
    "prompt_id",
    "row_key",
    "target_kind",
    "target_key",
    "chapter_id",
    "action",
    "field",
    "status",
    "stage",
    "component",
    "frequency",
    "domain",
    "guide",
    "code",
    "grade",
    "barrier",
    "period",
    "period_key",
    "period_start",
    "held_on",
    "start_date",
    "end_date",
    "baseline_date",
    "target_date",
    "reported_on",
    "completed_on",
    "name_key",
    "nation",
    "respondent",
    "value",
    "old_value",
    "new_value",
    "baseline_value",
    "target_value",
    "origin",
    "areas",
    "kind",
    "participant",
}


def _poisoned(value: str, limit: int | None) -> str:
    payload = LONG if not limit or limit >= 300 else SHORT
    text = payload + value
    return text[:limit] if limit else text


def poison(engine, partnership_id: int) -> int:
    """Put a payload in front of every free-text value of the partnership; returns how many."""
    prompts = content().prompts
    changed = 0
    with engine.begin() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if "partnership_id" not in table.c or table.name in ("auditevent", "membership", "draft_version"):
                continue
            rows = conn.execute(select(table).where(table.c.partnership_id == partnership_id).order_by(table.c.id)).mappings().all()
            per_prompt: dict[str, int] = {}
            for row in rows:
                group = row["prompt_id"] if table.name in ("item", "revision") else ""
                per_prompt[group] = per_prompt.get(group, 0) + 1
                if per_prompt[group] > ROWS_PER_TABLE and table.name != "answer":
                    continue
                values = {}
                for column in table.c:
                    kind = getattr(column.type, "impl", column.type)
                    if not isinstance(kind, (String, Text)) or column.name in STRUCTURAL or column.name.endswith("_json"):
                        continue
                    if isinstance(row[column.name], str) and row[column.name]:
                        limit = getattr(kind, "length", None) if not isinstance(kind, Text) else None
                        values[column.name] = _poisoned(row[column.name], limit)
                if table.name == "plan_agency" and "name" in values:
                    values["name_key"] = name_key(values["name"])
                if table.name == "answer" and prompts.get(row["prompt_id"]) and prompts[row["prompt_id"]].type in ("text", "longtext"):
                    values["value"] = _poisoned(row["value"], prompts[row["prompt_id"]].limit)
                if table.name == "item" and prompts.get(row["prompt_id"]):
                    cells = json.loads(row["values_json"])
                    for col in prompts[row["prompt_id"]].columns:
                        if col.type in ("text", "longtext") and isinstance(cells.get(col.id), str) and cells[col.id]:
                            cells[col.id] = _poisoned(cells[col.id], col.limit)
                    values["values_json"] = json.dumps(cells)
                if table.name == "plan_action":
                    leads = [_poisoned(lead, 200) for lead in json.loads(row["leads_json"] or "[]")]
                    values["leads_json"] = json.dumps(leads)
                if values:
                    conn.execute(update(table).where(table.c.id == row["id"]).values(**values))
                    changed += len(values)
        partnership = SQLModel.metadata.tables["partnership"]
        name = conn.execute(select(partnership.c.name).where(partnership.c.id == partnership_id)).scalar_one()
        new = _poisoned(name, 120)
        conn.execute(update(partnership).where(partnership.c.id == partnership_id).values(name=new, name_key=name_key(new)))
    return changed + 1


def pages() -> list[str]:
    return sorted(f"views/{name}.py" for name in re.findall(r'_page\("([a-z_]+)"', (ROOT / "app.py").read_text()))


MARKDOWN_ELEMENTS = {"markdown", "caption", "title", "header", "subheader", "heading", "alert", "toast", "latex", "metric", "html"}
LABEL_KEYS = {"label", "help", "captions", "title", "body"}


def _strings(value, keys: set[str] | None, inside: bool = False):
    """The strings of a proto dict, under ``keys`` (None: all of them)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, keys, inside or keys is None or k in keys)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, keys, inside)
    elif isinstance(value, str) and inside:
        yield value


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def rendered_payloads(at: AppTest) -> list[str]:
    """Every payload that an element would render as markup: '<type>: <text>'."""
    found = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "DESCRIPTOR"):
            continue
        data = MessageToDict(proto, preserving_proto_field_name=True)
        kind = getattr(node, "type", "") or ""
        if kind == "plotly_chart" or "spec" in data and "plotly" in kind:
            for text in _strings(json.loads(data.get("spec") or "{}"), None):
                if CHART_RENDERED.search(text):
                    found.append(f"chart: {text[:120]}")
            continue
        if kind in ("dataframe", "arrow_data_frame", "text", "code", "json", "table"):
            continue
        if kind in MARKDOWN_ELEMENTS:
            texts = _strings(data, None)
        elif kind == "radio":
            texts = _strings(data, LABEL_KEYS | {"options"})
        else:  # widgets and blocks: what they show as a label renders markdown; values are literal
            texts = _strings(data, LABEL_KEYS)
        found += [f"{kind}: {t[:160]}" for t in texts if RENDERED.search(t)]
    return found


def test_the_payload_detector_catches_markup_and_passes_escaped_text():
    assert RENDERED.search(LONG) and RENDERED.search(SHORT)
    assert not RENDERED.search(md_escape(LONG)) and not RENDERED.search(md_escape(SHORT))
    assert CHART_RENDERED.search(LONG) and not CHART_RENDERED.search(chart_escape(LONG))
    assert chart_escape('<a href="https://evil.example">x</a> & co') == '&lt;a href="https://evil.example"&gt;x&lt;/a&gt; &amp; co'


@pytest.fixture
def poisoned(engine, sqlite_demo_id):
    assert poison(engine, sqlite_demo_id) > 300
    return sqlite_demo_id


@pytest.mark.parametrize("page", pages())
def test_no_page_renders_markup_from_peoples_text(poisoned, page):
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state[PARTNERSHIP_KEY] = str(poisoned)
    sign_in_as(at, Author.make("**pwn**<b>pwn</b>$x^2$ Sam", "[pwn](//e.example) Council"))
    at.run()
    if page != "views/home.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert rendered_payloads(at) == []


def test_the_conflict_view_and_the_changed_notice_show_the_other_persons_name_as_typed(engine):
    from strategy.people.partnerships import create_partnership
    from tests.test_app import app, open_page, text_area

    p = create_partnership(engine, name="Harbourshire", nation="england")
    label = "Why does your partnership need this strategy?"
    mallory = Author.make("**pwn**<b>pwn</b>$x^2$ Mal", "![i](//e.example/t.png) Agency")
    a = open_page(app(p.id, mallory), "views/introduction.py")
    b = open_page(app(p.id, Author.make("Ben", "Health")), "views/introduction.py")
    text_area(a, label).input("**pwn**<b>pwn</b> text").run()
    text_area(b, label).input("Ben's text").run()
    assert any("saved this answer while you were editing it" in w.value for w in b.warning)
    assert rendered_payloads(b) == []
    b.switch_page("views/shared_vision.py").run()
    b.switch_page("views/introduction.py").run()
    assert rendered_payloads(b) == []


def test_a_refusal_quoting_what_was_typed_shows_it_as_typed(engine):
    from strategy.people.partnerships import create_partnership
    from tests.test_app import app, open_page

    taken = "**pwn**<b>pwn</b>$x^2$ Vale"
    create_partnership(engine, name=taken, nation="wales")
    at = open_page(app(), "views/partnerships.py")
    boxes = {t.label: t for t in at.text_input}
    boxes["Name"].input(taken.upper())
    next(b for b in at.button if b.label == "Create partnership").click().run()
    assert any("already exists" in e.value for e in at.error)
    assert rendered_payloads(at) == []


def test_a_kept_error_message_quoting_typed_text_is_shown_as_typed():
    # Messages saved for the next run (a table cell refused, a comment refused...) go through the same
    # one function as a refusal shown at once: what they quote is never rendered.
    from streamlit.testing.v1 import AppTest

    def page():
        from strategy.ui.state import show_message

        show_message("'**bold** <img src=x> [link](http://x) $x^2$' is too long for the name. Nothing was saved.")
        show_message("A plain message stays as written.")

    at = AppTest.from_function(page).run()
    shown = [e.value for e in at.error]
    assert shown[0].startswith("'\\*\\*bold\\*\\*") and "\\[link\\]" in shown[0]
    assert shown[1] == "A plain message stays as written."
