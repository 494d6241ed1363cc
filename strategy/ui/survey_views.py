"""Surveys answered through a link (``strategy.assessments.survey_links``): the public page a link opens
(``/?survey=TOKEN``, shown by app.py instead of the sign-in page: no account, no navigation, nothing of
the workbook but the survey), and the facilitator's panel beside each survey's import (open a link,
the closing date, close or reopen it, the live count of responses).

People's text (the partnership's name, statements, what was typed) is shown through ``md_escape`` or
widgets' own labels, never as markdown."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta
from urllib.parse import urlsplit

import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.elements.lib.utils import LabelVisibility

from strategy.assessments import survey_links as sl
from strategy.core.dates import uk_date
from strategy.core.errors import WorkbookError
from strategy.core.interface import message_in
from strategy.core.text import md_escape
from strategy.ui.a11y import set_title
from strategy.ui.language import t
from strategy.ui.state import client_address, show_error

#: This browser session's own key for the rate limits, where its address is unknown.
SESSION_CLIENT = "survey_client"
#: The token of a link just opened, by survey: shown to its facilitator in this session only.
JUST_OPENED = "survey_link_opened"
#: The choice that leaves a rating or a yes/no unanswered.
_DONT_KNOW = "dont-know"
#: What Streamlit's label markdown reads as markup (links, images, emphasis, code, HTML, LaTeX, tables).
_MARKUP = re.compile(r"[\\`*_\[\]<>#|~$]")


def survey_token_in_address() -> str | None:
    """The token when the address carries ``?survey=...`` (the public page), else None."""
    try:
        value = st.query_params.get(sl.LINK_PARAMETER)
    except Exception:  # noqa: BLE001 - no query parameters (tests without a browser)
        return None
    return None if value is None else str(value)


def _client() -> str:
    """Where the response comes from: the browser's address (behind the proxy, the header it sets), or,
    where there is none, this browser session's own random key."""
    address = client_address()
    if address:
        return f"address:{address}"
    if SESSION_CLIENT not in st.session_state:
        st.session_state[SESSION_CLIENT] = secrets.token_hex(16)
    return f"session:{st.session_state[SESSION_CLIENT]}"


def _k(*parts: object) -> str:
    return "|".join(str(p) for p in ("survey", *parts))


# --- The public page ----------------------------------------------------------------------------


#: The page's language for a partnership in Wales, in this browser session.
LANGUAGE_KEY = "survey_language"


def _language() -> str:
    """The language chosen at the top of a Welsh partnership's page. It opens in Cymraeg: the Welsh
    Language Standards ask that a form the public fills in be available in Welsh and that Welsh be
    treated no less favourably than English; a page opening in English with Welsh a click away would put
    Welsh second. Both languages side by side would double every question and make a long survey hard
    to read and to use with a screen reader, so the page is one language at a time, Cymraeg first, with
    the choice "Cymraeg / English" at the top, where anyone sees it before answering. What was typed
    survives a change of language: the fields are not inside a form (which the browser holds until sent),
    and each answer is kept under a key that does not name the language (``_kept``)."""
    chosen = st.session_state.get(LANGUAGE_KEY, "cy")
    return chosen if chosen in sl.LANGUAGES else "cy"


def _unavailable(exc: sl.SurveyUnavailable) -> None:
    """A wrong, closed or removed link: the message alone. Wales: Welsh first, then English; a link not
    recognised (its partnership unknown): English, then Welsh; England: English only."""
    shown: tuple[str, ...]
    if exc.wales:
        title = f"{sl.say('survey', 'cy')} / {sl.say('survey', 'en')}"
        set_title(title)
        st.title(title, anchor=False)
        shown = (exc.message_cy, exc.message) if _language() == "cy" else (exc.message, exc.message_cy)
    elif exc.wales is None:
        title = f"{sl.say('survey', 'en')} / {sl.say('survey', 'cy')}"
        set_title(title)
        st.title(title, anchor=False)
        shown = (exc.message, exc.message_cy)
    else:
        set_title(sl.say("survey", "en"))
        st.title(sl.say("survey", "en"), anchor=False)
        shown = (exc.message,)
    for message in shown:
        st.info(message, icon="🔗")


def public_survey_page(engine: Engine, token: str) -> None:
    """The survey the link opens, or (a wrong, unknown, closed or expired link) a message and nothing else.
    A partnership in Wales: in Cymraeg or English, as the person chooses at the top (Cymraeg first)."""
    try:
        form = sl.survey_form(engine, token, language=_language())
    except sl.SurveyUnavailable as exc:
        _unavailable(exc)
        return
    if form.wales:
        st.session_state[LANGUAGE_KEY] = form.language  # the choice shows the language in use
        st.radio(
            sl.say("language_label", form.language),
            list(sl.LANGUAGES),
            format_func=lambda code: {"cy": "Cymraeg", "en": "English"}[code],
            horizontal=True,
            key=LANGUAGE_KEY,
        )
    language = form.language
    set_title(form.title)
    st.title(form.title, anchor=False)
    st.markdown(md_escape(sl.say("for_partnership", language, name=form.partnership_name, date=uk_date(form.closes_on))))
    st.markdown(md_escape(form.intro))
    st.info(form.privacy, icon="🔏")
    generation = st.session_state.get(_k("generation", form.link_id), 0)
    done = _k("done", form.link_id)
    if st.session_state.get(done):
        st.success(sl.say("thanks", language), icon="✅")

        def again() -> None:
            st.session_state.pop(done, None)
            st.session_state[_k("generation", form.link_id)] = generation + 1  # a fresh, empty form

        st.button(sl.say("again", language), key=_k("again", form.link_id), on_click=again)
        return
    _survey_form(engine, token, form, generation)


def _kept(link_id: int, generation: int) -> dict[str, object]:
    """The answers given so far in this browser session, by question, whatever the language: a change of
    language draws the fields again in the other language with these in them."""
    return st.session_state.setdefault(_k("kept", link_id, generation), {})


def _keep(key: str, question: str, kept: dict[str, object]) -> None:
    kept[question] = st.session_state.get(key)


def _survey_form(engine: Engine, token: str, form: sl.SurveyForm, generation: int) -> None:
    # Kept in the language they were given in: after a switch of language, sending again says it anew.
    warned_key = _k("warned", form.link_id, form.language)
    message_key = _k("message", form.link_id, form.language)
    kept = _kept(form.link_id, generation)
    # Not a form: a form's fields are held by the browser until sent, so a change of language (which
    # draws the page again) would lose what was typed. Each field's key names the question, never the
    # language, and what it holds is also kept in ``kept``.
    answers: dict[str, str] = {}
    group = ""
    for q in form.questions:
        if q.group and q.group != group:
            group = q.group
            st.header(group, anchor=False)
        key = _k("q", form.link_id, generation, q.id)
        if key not in st.session_state and kept.get(q.id) is not None:
            st.session_state[key] = kept[q.id]  # the field was not drawn on the last run: what it held
        answers[q.id] = _question(q, key, form.language, kept)
    warned = st.session_state.get(warned_key)
    confirmed = False
    if warned:
        st.warning(md_escape(warned), icon="🛡️")
        confirmed = st.checkbox(sl.say("confirm", form.language), key=_k("confirm", form.link_id, generation))
    sent = st.button(sl.say("send", form.language), type="primary", key=_k("send", form.link_id, generation))
    if sent:
        try:
            sl.submit_survey_response(engine, token, answers, client=_client(), confirmed=confirmed, language=form.language)
        except sl.SurveyUnavailable as exc:
            st.session_state[message_key] = exc.message_cy if form.language == "cy" else exc.message
        except sl.NeedsConfirmation as exc:
            st.session_state[warned_key] = message_in(exc.message, form.language)
            st.session_state.pop(message_key, None)
            st.rerun()
        except WorkbookError as exc:  # the imports' own checks, in the page's language (the message catalogue)
            st.session_state[message_key] = message_in(exc.message, form.language)
        else:
            for key in (warned_key, message_key):
                st.session_state.pop(key, None)
            st.session_state[_k("done", form.link_id)] = True
            st.rerun()
    message = st.session_state.get(message_key)
    if message:
        show_error(WorkbookError(message))


def _question(q: sl.Question, key: str, language: str, kept: dict[str, object]) -> str:
    label = f"{q.label} {sl.say('required', language)}" if q.required else q.label
    visibility: LabelVisibility = "visible"
    keep = (key, q.id, kept)  # on each change, the answer is kept whatever the language
    if q.own_text:
        # The partnership's own words: shown literally above, and named for screen readers without
        # anything Streamlit's label markdown would read as a link, an image, emphasis or HTML.
        st.markdown(md_escape(label))
        label, visibility = _MARKUP.sub("", label), "collapsed"
    if q.kind == "text":
        return st.text_input(label, max_chars=q.limit, key=key, label_visibility=visibility, on_change=_keep, args=keep)
    if q.kind == "longtext":
        return st.text_area(
            label,
            max_chars=q.limit,
            key=key,
            help=sl.say("comment_help", language),
            on_change=_keep,
            args=keep,
        )
    labels = dict(q.options)
    if q.kind in ("scale", "yes_no"):
        labels[_DONT_KNOW] = sl.say("dont_know", language)  # a way back to no answer once one is picked

    def shown(value: str) -> str:
        return labels.get(value, value)

    if q.kind == "choice":
        picked = st.selectbox(
            label, list(labels), format_func=shown, index=None, placeholder=sl.say("choose", language), key=key, on_change=_keep, args=keep
        )
    else:
        picked = st.radio(
            label,
            list(labels),
            format_func=shown,
            index=None,
            horizontal=True,
            label_visibility=visibility,
            key=key,
            help=sl.say("scale_help", language) if q.kind == "scale" and len(q.options) == 5 else None,
            on_change=_keep,
            args=keep,
        )
    return "" if picked in (None, _DONT_KNOW) else str(picked)


# --- The facilitator's panel --------------------------------------------------------------------


def _full_link(token: str) -> str:
    """The link to share: this workbook's address (as the facilitator's browser reached it) and the path."""
    path = sl.link_path(token)
    try:
        url = urlsplit(st.context.url or "")
    except Exception:  # noqa: BLE001 - no browser connection (tests)
        return path
    return f"{url.scheme}://{url.netloc}{path}" if url.scheme and url.netloc else path


def survey_link_panel(engine: Engine, partnership_id: int, kind: str, target_id: int = 0, *, writer: bool, author) -> None:
    """Beside a survey's import: its link (opened, closed, reopened here), its closing date and the live
    count of responses that came through it. Only someone who may edit sees the controls."""
    status = sl.survey_link_status(engine, partnership_id, kind, target_id)
    if not writer and status is None:
        return
    with st.expander(t("together.survey.panel"), expanded=status is not None and status.is_open):
        st.caption(t("together.survey.panel_caption", survey=t(f"together.survey.name.{kind}")))
        _live_count(engine, partnership_id, kind, target_id)
        opened = st.session_state.get(JUST_OPENED, {}).get((partnership_id, kind, target_id))
        if opened:
            st.markdown(t("together.survey.link_to_share"))
            st.code(_full_link(opened), language=None)
        elif status is not None:
            st.caption(t("together.survey.link_lost"))
        if writer and author is not None:
            _controls(engine, partnership_id, kind, target_id, status, author)


@st.fragment(run_every=timedelta(seconds=15))
def _live_count(engine: Engine, partnership_id: int, kind: str, target_id: int) -> None:
    status = sl.survey_link_status(engine, partnership_id, kind, target_id)
    if status is None:
        st.text(t("together.survey.no_link"))
    else:
        st.text(f"{_state(status)}. {_count(status)}.")


def _state(status: sl.LinkStatus) -> str:
    """The link's state in this person's language (as ``LinkStatus.state`` says it in English)."""
    if status.closed_at is not None:
        return t("together.survey.closed_early", date=uk_date(status.closed_at))
    if status.today > status.closes_on:
        return t("together.survey.closed_on", date=uk_date(status.closes_on))
    return t("together.survey.open_until", date=uk_date(status.closes_on))


def _count(status: sl.LinkStatus) -> str:
    key = "together.survey.count_one" if status.responses == 1 else "together.survey.count"
    return t(key, count=f"{status.responses:,}")


def _controls(engine: Engine, partnership_id: int, kind: str, target_id: int, status: sl.LinkStatus | None, author) -> None:
    today = sl.uk_today()
    default = status.closes_on if status is not None and status.closes_on >= today else today + timedelta(days=sl.DEFAULT_OPEN_DAYS)
    key = _k("link", partnership_id, kind, target_id)
    closes: date = st.date_input(
        t("together.survey.closing_date"),
        value=default,
        min_value=today,
        max_value=today + timedelta(days=sl.MAX_OPEN_DAYS),
        format="DD/MM/YYYY",
        key=key + "|closes",
    )
    columns = st.columns(3)
    try:
        if status is None:
            if columns[0].button(t("together.survey.open"), type="primary", key=key + "|open"):
                _opened(
                    partnership_id,
                    kind,
                    target_id,
                    sl.open_survey_link(engine, partnership_id, kind, target_id, author=author, closes_on=closes),
                )
        else:
            if status.is_open:
                if columns[0].button(t("together.survey.close"), key=key + "|close"):
                    sl.set_survey_link(engine, partnership_id, kind, target_id, author=author, closed=True)
                    st.rerun()
            elif columns[0].button(t("together.survey.reopen"), key=key + "|reopen"):
                sl.set_survey_link(engine, partnership_id, kind, target_id, author=author, closes_on=closes, closed=False)
                st.rerun()
            if status.is_open and closes != status.closes_on and columns[1].button(t("together.survey.change_date"), key=key + "|date"):
                sl.set_survey_link(engine, partnership_id, kind, target_id, author=author, closes_on=closes)
                st.rerun()
            if columns[2].button(t("together.survey.new"), key=key + "|new", help=t("together.survey.new_help")):
                _opened(
                    partnership_id,
                    kind,
                    target_id,
                    sl.open_survey_link(engine, partnership_id, kind, target_id, author=author, closes_on=closes),
                )
    except WorkbookError as exc:
        show_error(exc)


def _opened(partnership_id: int, kind: str, target_id: int, token: str) -> None:
    st.session_state.setdefault(JUST_OPENED, {})[(partnership_id, kind, target_id)] = token
    st.rerun()
