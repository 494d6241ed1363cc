"""Building a document with its steps on screen: which part is being written and how far along, so a
person waiting for a large partnership's draft sees it move rather than a spinner.

``document_job`` builds in the background (``strategy.word.jobs``): the button starts the build in a
worker of the server, a part of the page polls its steps every second while it runs, and the result
is offered when it is done, even after the person went to another page and came back.
``pdf_offer`` makes a Word document's tagged PDF the same way."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.dates import uk_time
from strategy.core.text import md_escape
from strategy.ui.downloads import offer_download
from strategy.ui.language import t
from strategy.ui.state import message_text, show_message
from strategy.word.jobs import JOBS, Job
from strategy.word.pdf import NOT_INSTALLED, pdf_available, to_pdf

T = TypeVar("T")

#: How often the page looks at a running build, in seconds.
POLL_SECONDS = 1.0


def _title(what: str) -> str:
    return what[0].upper() + what[1:]


def job_key(engine: Engine, *parts: Hashable) -> tuple[Hashable, ...]:
    """A build's key: the database (so two databases' partnership 1 differ) and what is built."""
    return (engine.url.render_as_string(hide_password=True), *parts)


def _seen_key(key: tuple[Hashable, ...]) -> str:
    return "built|" + hashlib.sha256(repr(key).encode()).hexdigest()[:16]


def document_job(
    engine: Engine,
    key: tuple[Hashable, ...],
    what: str,
    build: Callable[[], T],
    *,
    button: str,
    primary: bool = True,
    done: Callable[[Any], None] | None = None,
    disabled: bool = False,
) -> T | None:
    """The button that builds ``what`` in the background, its steps while it builds (the rest of the
    page, and every other page, stays usable), and what was built once it is done (returned, for the
    page's download buttons), or None. ``key`` says what is built (the partnership, the document and
    what it is built from; ``job_key`` adds the database): a second press,
    or another person asking for the same while it builds, joins the build under way. ``done(result)``
    runs once after a successful build (to record it in the audit log)."""
    full = job_key(engine, *key)
    job = JOBS.get(full)
    label = button if job is None or job.running else t("frame2.build.again", button=button)
    if st.button(
        label,
        type="primary" if primary else "secondary",
        disabled=disabled or (job is not None and job.running),
        key=f"start|{_seen_key(full)}",
    ):
        job = JOBS.start(full, what, build, done=done)
    if job is None:
        return None
    if job.running:
        _follow(full)
        return None
    if job.state == "failed":
        st.error(t("frame2.build.failed", what=_title(what)), icon="⚠️")
        show_message(job.error)
        return None
    st.success(t("frame2.build.ready", what=_title(what), when=uk_time(job.finished_at)), icon="✅")
    return job.result


def _follow(key: tuple[Hashable, ...]) -> None:
    """The running build's step and progress, looked at every second; the page runs again when it ends."""

    @st.fragment(run_every=POLL_SECONDS)
    def progress() -> None:
        job: Job | None = JOBS.get(key)
        if job is None or not job.running:
            st.rerun(scope="app")  # the page, with the result or the reason it failed
            return
        with st.status(t("frame2.build.building", what=job.what), expanded=True):
            st.progress(job.fraction, text=md_escape(job.step))

    progress()


def pdf_offer(
    engine: Engine, key: tuple[Hashable, ...], docx: bytes, filename: str, what: str, *, done: Callable[[Any], None] | None = None
) -> None:
    """ "Download as PDF" for a Word document just built: a tagged, accessible PDF made by LibreOffice in
    the background (or what to install where it is not)."""
    if not pdf_available():
        st.info(message_text(NOT_INSTALLED))
        return
    digest = hashlib.sha256(docx).hexdigest()[:16]
    pdf = document_job(
        engine,
        (*key, "pdf", digest),
        t("frame2.build.pdf_of", what=what),
        lambda: to_pdf(docx),
        button=t("frame2.build.make_pdf"),
        primary=False,
        done=done,
    )
    if pdf is not None:
        offer_download(
            st,
            t("frame2.build.download_pdf"),
            data=pdf,
            file_name=filename.removesuffix(".docx") + ".pdf",
            icon="📕",
            key=f"pdf|{digest}",
        )
