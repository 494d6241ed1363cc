"""Every fixed word of the screens comes from the interface files, so a person who chose Cymraeg reads it
in Welsh: no label, caption, heading, button, help or message is written out in the pages' code.

The check reads the code of strategy/ui and views/: a Streamlit call (st.button, col.caption,
st.column_config.TextColumn...) whose label, help or text is a string with words in it fails, naming the
file and line. The words belong in data/language/interface*.yaml, shown through t("key")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREEN_FILES = sorted([*(ROOT / "strategy" / "ui").glob("*.py"), *(ROOT / "views").glob("*.py")])

#: Streamlit's calls that put words on the screen, whatever they are called on (st, a column, a tab).
SHOWING = {
    "title", "header", "subheader", "caption", "markdown", "write", "text", "button", "download_button",
    "link_button", "page_link", "text_input", "text_area", "number_input", "date_input", "time_input",
    "selectbox", "multiselect", "radio", "checkbox", "toggle", "slider", "select_slider", "file_uploader",
    "info", "warning", "error", "success", "toast", "expander", "tabs", "popover", "form_submit_button",
    "metric", "spinner", "status", "progress", "dialog", "pills", "segmented_control", "feedback",
    "TextColumn", "NumberColumn", "SelectboxColumn", "CheckboxColumn", "DateColumn", "DatetimeColumn",
    "LinkColumn", "ListColumn", "ProgressColumn", "Column", "BarChartColumn", "LineChartColumn",
}  # fmt: skip
#: The arguments that are words for people (icon, key, format and the like are not).
WORDED = {"label", "help", "placeholder", "caption", "text", "title", "body", "value_label", "label_visibility_text"}
#: Calls whose first argument is not words: a progress fraction, a page link's page (its label= is words).
NOT_WORDS_FIRST = {"progress", "page_link"}

#: Files whose words are still written out in English (the interface file's not_yet_in_welsh says so on
#: the screens). Shrinks to nothing as the pages get their Welsh.
STILL_ENGLISH: set[str] = set()


def _has_words(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(ch.isalpha() for ch in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _has_words(node.left) or _has_words(node.right)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(_has_words(item) for item in node.elts)
    if isinstance(node, ast.IfExp):
        return _has_words(node.body) or _has_words(node.orelse)
    return False


def words_written_out(path: Path) -> list[str]:
    """Each place in ``path`` where a Streamlit call is given words as a string: "line N: st.button"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name not in SHOWING:
            continue
        arguments = [] if name in NOT_WORDS_FIRST else node.args[:1]
        arguments += [kw.value for kw in node.keywords if kw.arg in WORDED]
        if any(_has_words(argument) for argument in arguments):
            found.append(f"line {node.lineno}: .{name}(...)")
    return found


@pytest.mark.parametrize("path", SCREEN_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_screens_words_come_from_the_interface_files(path):
    relative = str(path.relative_to(ROOT))
    found = words_written_out(path)
    if relative in STILL_ENGLISH:
        assert found, f"{relative} has no words written out any more: take it off STILL_ENGLISH"
        return
    assert not found, f"{relative} writes words out instead of t('key') from data/language/interface*.yaml: {found}"


def test_the_check_finds_words_written_out(tmp_path):
    """The check itself: words in a call fail it, a key through t() and an icon pass."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        'st.button("Save")\ncol.caption(f"Saved by {who}")\nst.tabs(["History", t("x")])\n'
        'st.column_config.TextColumn(t("a"), help="Why")\nst.button(t("save"), icon="💾", key="save")\n'
        'st.markdown(f"**{name}**")\n',
        encoding="utf-8",
    )
    assert words_written_out(sample) == [
        "line 1: .button(...)",
        "line 2: .caption(...)",
        "line 3: .tabs(...)",
        "line 4: .TextColumn(...)",
    ]


# --- Every page, in Welsh, in the app -------------------------------------------------------------

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))


@pytest.fixture(scope="module")
def bro_taf(tmp_path_factory):
    """The Welsh demo (a partnership in Wales, part of its text in Welsh) in a database of this module's."""
    import os

    from strategy.core.db import dispose_engine, prepare_database
    from strategy.demo.wales import ensure_wales_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('welsh_pages') / 'app.sqlite3'}"
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url  # the app under AppTest opens the same database
    engine = prepare_database(url)
    try:
        yield engine, ensure_wales_demo(engine)
    finally:
        dispose_engine(url)
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_welsh_on_the_welsh_demo_with_no_error(bro_taf, page):
    from strategy.core.authors import Author
    from tests.welsh_support import app_in_language

    engine, pid = bro_taf
    at = app_in_language(engine, pid, Author.make("Cerys Owen", "Bwrdd Iechyd"))
    at.run()
    if page != "views/home.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title and at.title[0].value.strip()
