"""Home: each chapter's progress and what to do next; the demo one click away."""

import streamlit as st

from strategy.answers.comments import open_counts
from strategy.answers.progress import chapter_progress, next_step
from strategy.core.access import can
from strategy.core.authors import SYSTEM
from strategy.core.errors import WorkbookError
from strategy.core.interface import interface_strings
from strategy.core.text import md_escape
from strategy.demo import ensure_demo
from strategy.demo.wales import ensure_wales_demo
from strategy.finalise.readiness import MET, readiness_report
from strategy.people.accounts import set_member_role
from strategy.people.partnerships import nation_words, period_label
from strategy.ui.language import label_of, t, title_of
from strategy.ui.layout import page_context
from strategy.ui.pages import CHAPTER_PAGES, progress_table
from strategy.ui.period_views import period_links
from strategy.ui.state import choose_partnership, current_author, show_error
from strategy.ui.welsh_views import welsh_summary

engine, partnership = page_context(need_partnership=False)

st.title(t("app.title"))
st.markdown(t("home.intro"))


def _open_demo(wales: bool = False):
    try:
        demo = ensure_wales_demo(engine) if wales else ensure_demo(engine)
        author = current_author()
        if author is not None and author.user_id is not None and not can(engine, author, demo, "read"):
            # The demo is fictional: whoever opens it may try everything in it, members page included.
            set_member_role(engine, demo, author.username, "owner", author=SYSTEM)
        choose_partnership(demo)
    except WorkbookError as exc:
        st.session_state["home_error"] = exc.message


if partnership is None:
    st.header(t("home.get_started"))
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(f"**{t('home.see_example')}**")
        st.caption(t("home.example_caption"))
        st.button(t("home.open_demo"), type="primary", on_click=_open_demo)
        st.button(t("home.open_wales_demo"), on_click=_open_demo, args=(True,))
    with right.container(border=True):
        st.markdown(f"**{t('home.start_own')}**")
        st.caption(t("home.start_caption"))
        st.page_link(page="views/partnerships.py", label=t("home.create"), icon="➕")
    if st.session_state.get("home_error"):
        show_error(WorkbookError(st.session_state.pop("home_error")))
    st.stop()

words = nation_words(partnership.nation)
st.header(md_escape(partnership.name))
st.caption(" · ".join(x for x in [words["label"], md_escape(partnership.areas), period_label(partnership)] if x))
period_links(engine, partnership)

open_comments = sum(open_counts(engine, partnership.id).values())
if open_comments:
    st.info(t(f"frame2.home.open_comments_{'one' if open_comments == 1 else 'many'}", count=open_comments), icon="💬")

progress = chapter_progress(engine, partnership.id)
step = next_step(progress)
if step:
    with st.container(border=True):
        what = label_of(step.first_unanswered, partnership.nation) if step.first_unanswered else t("home.remaining")
        chapter_title = title_of(step.chapter)
        st.markdown(t("home.what_next", chapter=md_escape(chapter_title), what=md_escape(what)))
        st.page_link(CHAPTER_PAGES[step.chapter.id], label=t("home.go_to", page=chapter_title), icon="➡️")
else:
    st.success(t("home.all_answered"), icon="🎉")
    st.page_link(page="views/draft.py", label=t("home.go_to_draft"), icon="📄")

st.header(t("home.progress"))
for item in progress:
    cols = st.columns([3, 5, 2])
    cols[0].page_link(CHAPTER_PAGES[item.chapter.id], label=title_of(item.chapter))
    cols[1].progress(item.fraction)
    cols[2].write(t("home.of", done=item.answered, total=item.total))
with st.expander(t("home.as_table")):
    st.dataframe(progress_table(progress), hide_index=True)
welsh_summary(engine, partnership)  # partnerships in Wales: how much has a Welsh version

# The plan (Guide §7, §12): how far the chain from aims to actions has got.
from strategy.plan.operations import load_plan, plan_checks  # noqa: E402

plan = load_plan(engine, partnership.id)
st.header(t("home.plan"))
gaps = [f for f in plan_checks(plan) if f.kind != "rec_unanswered"]
st.write(
    t(
        "frame2.home.plan_counts",
        aims=len(plan.aims),
        outcomes=len(plan.all_outcomes()),
        actions=len(plan.all_actions()),
        measures=len(plan.all_measures()),
        gaps=t(f"frame2.home.gap_{'one' if len(gaps) == 1 else 'many'}", count=len(gaps)),
    )
)
cols = st.columns(3)
cols[0].page_link(page="views/theory_of_change.py", label=t("nav.theory_of_change"), icon="🧩")
cols[1].page_link(page="views/evaluation.py", label=t("nav.evaluation"), icon="📏")
cols[2].page_link(page="views/action_plan.py", label=t("nav.action_plan"), icon="🗓️")
st.header(t("home.ready"))
readiness = readiness_report(engine, partnership.id)


def _criterion_name(c) -> str:
    """The guide's criterion in the person's language (the Readiness page's own words)."""
    key = f"publish.readiness.{c.id}.label"
    return t(key) if key in interface_strings() else c.label


def _level_word(c) -> str:
    key = f"publish.readiness.level.{c.level}"
    return t(key) if key in interface_strings() else c.word


met = [c.label for c in readiness.criteria if c.level == MET]
st.markdown(
    t(
        "frame2.home.criteria",
        met=len(met),
        total=len(readiness.criteria),
        list="; ".join(f"{_criterion_name(c)}: {_level_word(c).lower()}" for c in readiness.criteria),
    )
)
st.page_link(page="views/readiness.py", label=t("home.go_to_readiness"), icon="🎯")
