"""Links from the plan to what it answers, and the chain read both ways.

- An aim links to the priorities it serves (rows of ``vision.priorities``) and to findings in the
  evidence; an outcome or a measure links to findings too.
- A measure takes its baseline from a recorded figure (Context's key figures or Current response's
  identification figures): the year, the value as written and the source are kept with the link, and
  a newer figure for the same thing is noticed. A figure published as a code (``c``, ``x``, ``:``...)
  is never a baseline: it is refused with a message.
- ``trace`` follows an action or a measure back to its outcome, aim, priorities and evidence and
  forward to its progress updates, readings and the review decisions that name it; ``coverage`` says
  for each finding and priority what in the plan answers it, and what nothing answers.

Every link written records a Revision (prompt_id ``chain.link``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.answers.operations import Row, all_rows
from strategy.chain.findings import Finding, finding_text, findings, heading_words
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.interface import ui_text
from strategy.core.models import EvidenceLink, Item, PlanAim, PlanMeasure, PlanOutcome, stored_id, utcnow
from strategy.core.revisions import created, record_revision
from strategy.core.text import shorten
from strategy.core.values import STATISTIC_CODES, period_sort_key, uk_day
from strategy.delivery.operations import list_readings, list_updates, status_labels
from strategy.guide.content import content
from strategy.plan.operations import KINDS, Plan, load_plan, update_measure
from strategy.tabular.geography import is_comparator

PROMPT = "chain.link"
FIGURE_TABLES = {"context.figures": "indicator", "response.identification_figures": "measure"}
PRIORITIES = "vision.priorities"
REVIEWS = "review.annual"


# --- Writing links ------------------------------------------------------------------------------


def _live_row(session: Session, model, partnership_id: int, row_id: int, what: str):
    row = session.get(model, row_id)
    if row is None or row.partnership_id != partnership_id or row.deleted_at is not None:
        raise NotFound(f"That {what} no longer exists (someone may have removed it). Nothing was linked.")
    return row


def _live_item(session: Session, partnership_id: int, item_id: int, prompt_ids, what: str) -> Item:
    item = session.get(Item, item_id)
    if item is None or item.partnership_id != partnership_id or item.deleted_at is not None or item.prompt_id not in prompt_ids:
        raise NotFound(f"That {what} no longer exists (someone may have removed it). Nothing was linked.")
    return item


def _existing(session: Session, partnership_id: int, role: str, **where) -> EvidenceLink | None:
    q = select(EvidenceLink).where(
        EvidenceLink.partnership_id == partnership_id, EvidenceLink.role == role, col(EvidenceLink.deleted_at).is_(None)
    )
    for key, value in where.items():
        q = q.where(getattr(EvidenceLink, key) == value)
    return session.exec(q).first()


def link_priority(engine: Engine, partnership_id: int, *, aim_id: int, priority_id: int, author: Author) -> EvidenceLink:
    """Link an aim to a priority it serves (a row of the shared vision's priorities). Linking twice
    changes nothing."""
    with write_session(engine) as s:
        _live_row(s, PlanAim, partnership_id, aim_id, "strategic aim")
        item = _live_item(s, partnership_id, priority_id, (PRIORITIES,), "priority")
        found = _existing(s, partnership_id, "priority", aim_id=aim_id, item_id=priority_id)
        if found:
            return found
        label = str(json.loads(item.values_json or "{}").get("priority") or "")
        link = EvidenceLink(
            partnership_id=partnership_id, role="priority", aim_id=aim_id, item_id=priority_id, label=label, created_by_name=author.name
        )
        s.add(link)
        created(s, link, author=author, prompt_id=PROMPT)
        return link


def link_evidence(
    engine: Engine, partnership_id: int, *, evidence_key: str, author: Author, aim_id=None, outcome_id=None, measure_id=None
) -> EvidenceLink:
    """Link an aim, outcome or measure to a finding in the evidence (``evidence_key``, as listed by
    strategy.chain.findings). A key the evidence no longer shows is refused."""
    targets = {k: v for k, v in (("aim_id", aim_id), ("outcome_id", outcome_id), ("measure_id", measure_id)) if v}
    if len(targets) != 1:
        raise InvalidInput("Choose one aim, outcome or measure to link to the evidence. Nothing was linked.")
    finding = next((f for f in findings(engine, partnership_id) if f.key == evidence_key), None)
    if finding is None:
        raise NotFound("The evidence does not show that any more (it may have changed or been removed). Nothing was linked.")
    (column, row_id), model = next(iter(targets.items())), {"aim_id": PlanAim, "outcome_id": PlanOutcome, "measure_id": PlanMeasure}
    with write_session(engine) as s:
        _live_row(s, model[column], partnership_id, row_id, column[:-3])
        found = _existing(s, partnership_id, "evidence", evidence_key=evidence_key, **targets)
        if found:
            return found
        link = EvidenceLink(
            partnership_id=partnership_id,
            role="evidence",
            evidence_key=evidence_key,
            label=finding.text,
            created_by_name=author.name,
            **targets,
        )
        s.add(link)
        created(s, link, author=author, prompt_id=PROMPT)
        return link


def unlink(engine: Engine, partnership_id: int, link_id: int, *, author: Author) -> None:
    """Remove a link (kept in the history)."""
    with write_session(engine) as s:
        link = _live_row(s, EvidenceLink, partnership_id, link_id, "link")
        set_removed_link(s, link, author)


def set_removed_link(session: Session, link: EvidenceLink, author: Author) -> None:
    link.deleted_at = utcnow()
    session.add(link)
    record_revision(session, author, partnership_id=link.partnership_id, prompt_id=PROMPT, item_id=link.id, action="delete")


# --- Baselines from recorded figures ------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A recorded figure: which table, what it counts, the year, the value as written, the source."""

    item_id: int
    table: str
    what: str  # the figure's label, with its detail
    series: tuple[str, str, str]  # (table, figure id, detail folded): figures of one series
    period: str
    value: str
    source: str

    @property
    def is_comparator(self) -> bool:
        """The nation's or a region's figure kept beside the area's (never the area's own baseline)."""
        return is_comparator(self.series[2])

    @property
    def is_code(self) -> bool:
        return self.value.strip().lower() in STATISTIC_CODES or not self.value.strip()

    def words(self) -> str:
        shown = self.value + (f" ({STATISTIC_CODES[self.value]})" if self.value in STATISTIC_CODES else "")
        return f"{self.what}, {self.period or 'year not given'}: {shown}" + (f" (source: {self.source})" if self.source else "")


def _figure(row: Row, prompt_id: str, labels: dict[str, str]) -> Figure:
    v = row.values
    figure_id = str(v.get(FIGURE_TABLES[prompt_id]) or "")
    detail = str(v.get("detail") or "").strip()
    what = labels.get(figure_id, figure_id) + (f" ({detail})" if detail else "")
    return Figure(
        row.id,
        prompt_id,
        what,
        (prompt_id, figure_id, detail.casefold()),
        str(v.get("period") or ""),
        str(v.get("value") or ""),
        str(v.get("source") or ""),
    )


def recorded_figures(engine: Engine, partnership_id: int, *, session: Session | None = None) -> list[Figure]:
    rows = all_rows(engine, partnership_id, prompt_ids=FIGURE_TABLES, session=session)
    out = []
    for prompt_id in FIGURE_TABLES:
        column = next(c for c in content().prompts[prompt_id].columns if c.id == FIGURE_TABLES[prompt_id])
        labels = {o.id: o.label for o in content().options(column)}
        out += [_figure(r, prompt_id, labels) for r in rows.get(prompt_id, [])]
    return out


def baseline_from_figure(engine: Engine, partnership_id: int, *, measure_id: int, figure_id: int, author: Author) -> EvidenceLink:
    """Take a measure's baseline from a recorded figure: the measure's baseline becomes the value as
    written, and the link keeps the year and source. A figure published as a code is refused."""
    figure = next((f for f in recorded_figures(engine, partnership_id) if f.item_id == figure_id), None)
    if figure is None:
        raise NotFound("That figure is no longer recorded (someone may have removed it). Nothing was changed.")
    if figure.is_comparator:
        raise InvalidInput(
            f"The figure {figure.words()} is a comparator (the nation's or a region's), not the area's own, so it "
            "cannot be the area's baseline. Choose the area's own figure for that year. Nothing was changed."
        )
    if figure.is_code:
        raise InvalidInput(
            f"The figure {figure.words()} is not a number, so it cannot be a baseline: a code is never counted. "
            "Choose a year with a published number, or type the baseline. Nothing was changed."
        )
    with write_session(engine) as s:
        measure = _live_row(s, PlanMeasure, partnership_id, measure_id, "measure")
        baseline = f"{figure.value} ({figure.period})" if figure.period else figure.value
        update_measure(
            engine, partnership_id, measure_id, expected_version=measure.version, author=author, baseline_value=baseline, session=s
        )
        for old in s.exec(
            select(EvidenceLink).where(
                EvidenceLink.measure_id == measure_id, EvidenceLink.role == "baseline", col(EvidenceLink.deleted_at).is_(None)
            )
        ).all():
            set_removed_link(s, old, author)
        link = EvidenceLink(
            partnership_id=partnership_id,
            role="baseline",
            measure_id=measure_id,
            item_id=figure_id,
            label=figure.what,
            period=figure.period,
            value=figure.value,
            source=figure.source,
            created_by_name=author.name,
        )
        s.add(link)
        created(s, link, author=author, prompt_id=PROMPT)
        return link


@dataclass(frozen=True)
class Baseline:
    """A measure's baseline taken from a figure, and any newer figure of the same series."""

    measure_id: int
    link: EvidenceLink
    newer: Figure | None
    figure_gone: bool

    def words(self, language: str = "en") -> str:
        if language != "en":
            return self._words_in(language)
        text = f"Baseline from {self.link.label}, {self.link.period or 'year not given'}: {self.link.value}"
        text += f" (source: {self.link.source})" if self.link.source else ""
        if self.figure_gone:
            text += ". The figure has since been removed from the workbook; the baseline is kept as it was."
        if self.newer is not None:
            if self.newer.is_code:
                text += f". A newer year is recorded, {self.newer.period}, but as {self.newer.value}, which is not counted."
            else:
                text += f". A newer figure is recorded: {self.newer.period}, {self.newer.value}."
        return text

    def _words_in(self, language: str) -> str:
        """``words`` in Welsh (data/language/interface_sentences.yaml); the figure's name as recorded."""

        def say(key: str, **values: object) -> str:
            return ui_text(f"sentences.chain.{key}", language, **values)

        period = self.link.period or say("year_not_given")
        text = say("baseline", label=self.link.label, period=period, value=self.link.value)
        text += say("source", source=self.link.source) if self.link.source else ""
        if self.figure_gone:
            text += say("figure_gone")
        if self.newer is not None:
            key = "newer_code" if self.newer.is_code else "newer"
            text += say(key, period=self.newer.period, value=self.newer.value)
        return text


def baselines(engine: Engine, partnership_id: int) -> dict[int, Baseline]:
    """Measure id -> its baseline from a figure, noticing a newer figure of the same series."""
    figures = recorded_figures(engine, partnership_id)
    by_id = {f.item_id: f for f in figures}
    with read_session(engine) as s:
        links = s.exec(
            select(EvidenceLink).where(
                EvidenceLink.partnership_id == partnership_id, EvidenceLink.role == "baseline", col(EvidenceLink.deleted_at).is_(None)
            )
        ).all()
    out = {}
    for link in links:
        if link.measure_id is None:
            continue
        source = by_id.get(link.item_id or 0)
        newer = None
        if source is not None:
            later = [
                f for f in figures if f.series == source.series and period_sort_key(f.period) > period_sort_key(link.period) and f.period
            ]
            newer = max(later, key=lambda f: period_sort_key(f.period)) if later else None
        out[link.measure_id] = Baseline(link.measure_id, link, newer, source is None)
    return out


# --- Reading the chain --------------------------------------------------------------------------


def _links(engine: Engine, partnership_id: int) -> list[EvidenceLink]:
    with read_session(engine) as s:
        return list(
            s.exec(
                select(EvidenceLink)
                .where(EvidenceLink.partnership_id == partnership_id, col(EvidenceLink.deleted_at).is_(None))
                .order_by(col(EvidenceLink.id))
            ).all()
        )


@dataclass(frozen=True)
class Step:
    kind: str  # priority | evidence | aim | outcome | action | measure | update | reading | review | baseline
    code: str
    text: str


@dataclass
class Trace:
    subject: Step
    back: list[Step] = field(default_factory=list)
    forward: list[Step] = field(default_factory=list)

    def as_dict(self) -> dict:
        def d(x: Step) -> dict:
            return {"kind": x.kind, "code": x.code, "text": x.text}

        return {"subject": d(self.subject), "back": [d(x) for x in self.back], "forward": [d(x) for x in self.forward]}


def _evidence_steps(
    links: list[EvidenceLink], current: dict[str, Finding], language: str = "en", nation: str | None = None, **where
) -> list[Step]:
    out = []
    for link in links:
        if all(getattr(link, k) == v for k, v in where.items()):
            if link.role == "priority":
                out.append(Step("priority", "", link.label))
            elif link.role == "evidence":
                f = current.get(link.evidence_key)
                if f:
                    text = finding_text(f, language, nation)
                elif language == "en":
                    text = f"{link.label} (the evidence no longer shows this)"
                else:
                    text = ui_text("sentences.chain.evidence_gone", language, label=link.label)
                out.append(Step("evidence", heading_words(f.heading, language) if f else "", text))
    return out


def trace(
    engine: Engine,
    partnership_id: int,
    kind: str,
    row_id: int,
    *,
    plan: Plan | None = None,
    language: str = "en",
    nation: str | None = None,
) -> Trace:
    """The chain through one action or measure: back to its outcome, aim, priorities and evidence;
    forward to its progress updates, readings and the review decisions that name it. ``plan``: the plan
    the caller has already loaded for this partnership (the chain page loads it once a run). ``language``:
    the fixed words and the findings' sentences in that language (``nation``: the lists' names)."""
    if kind not in ("action", "measure"):
        raise InvalidInput("The chain is read from an action or a measure.")
    plan = plan or load_plan(engine, partnership_id)
    row = next((x for x in (plan.all_actions() if kind == "action" else plan.all_measures()) if x.id == row_id), None)
    if row is None:
        raise NotFound(f"That {kind} is not in the plan (it may have been removed).")
    outcome = plan.outcome(row.outcome_id)
    assert outcome is not None
    aim = plan.aim_of(outcome)
    links = _links(engine, partnership_id)
    current = {f.key: f for f in findings(engine, partnership_id)}
    title = row.title if kind == "action" else row.indicator  # type: ignore[union-attr]
    t = Trace(Step(kind, plan.code(kind, row_id), title))
    t.back.append(Step("outcome", plan.code("outcome", outcome.id), outcome.title))
    t.back.append(Step("aim", plan.code("aim", aim.id), aim.title))
    t.back += _evidence_steps(links, current, language, nation, aim_id=aim.id, role="priority")
    t.back += _evidence_steps(links, current, language, nation, aim_id=aim.id, role="evidence")
    t.back += _evidence_steps(links, current, language, nation, outcome_id=outcome.id, role="evidence")
    if kind == "measure":
        t.back += _evidence_steps(links, current, language, nation, measure_id=row_id, role="evidence")
        b = baselines(engine, partnership_id).get(row_id)
        if b:
            t.back.append(Step("baseline", "", b.words(language)))
        mine = [x for x in list_readings(engine, partnership_id) if x.measure_id == row_id]
        for reading in sorted(mine, key=lambda x: x.period_start):
            source = ""
            if reading.source:
                source = (
                    f" (source: {reading.source})"
                    if language == "en"
                    else ui_text("sentences.chain.source", language, source=reading.source)
                )
            t.forward.append(Step("reading", reading.period, reading.value + source))
    else:
        labels = (
            status_labels()
            if language == "en"
            else {i: content().list_label("progress_statuses", i, None, language) for i in status_labels()}
        )
        for u in list_updates(engine, partnership_id, row_id):
            t.forward.append(Step("update", uk_day(u.reported_on), f"{labels.get(u.status, u.status)}" + (f": {u.note}" if u.note else "")))
    codes = [c for c in (t.subject.code, plan.code("outcome", outcome.id)) if c]
    for r in all_rows(engine, partnership_id, prompt_ids=(REVIEWS,)).get(REVIEWS, []):
        text = " ".join(str(v) for v in r.values.values() if isinstance(v, str))
        if any(_names(text, c) for c in codes) or (len(title) > 12 and title.casefold() in text.casefold()):
            when = str(r.values.get("date") or r.values.get("held_on") or "")
            t.forward.append(Step("review", uk_day(when) if len(when) == 10 else when, shorten(str(r.values.get("changes") or text), 300)))
    return t


def _names(text: str, code: str) -> bool:
    """Whether ``text`` names ``code`` on its own (A1.O2 but not A1.O23)."""
    return re.search(rf"(?<![\w.]){re.escape(code)}(?![\w]|\.\d)", text) is not None


# --- The evidence, and what answers it -----------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    """A finding or a priority, and what in the plan answers it (codes and words)."""

    kind: str  # evidence | priority
    heading: str
    text: str
    answered_by: list[str]
    #: The finding itself (evidence only): what a Welsh document words its text from.
    finding: Finding | None = None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "from": self.heading, "text": self.text, "answered_by": self.answered_by}


@dataclass(frozen=True)
class Coverage:
    items: list[Answered]
    #: Links whose evidence the workbook no longer shows (kept, and listed so nobody is misled).
    gone: list[str]

    @property
    def unanswered(self) -> list[Answered]:
        return [a for a in self.items if not a.answered_by]

    def as_dict(self) -> dict:
        return {"items": [a.as_dict() for a in self.items], "unanswered": len(self.unanswered), "evidence_gone": self.gone}


def _answerer(plan: Plan, link: EvidenceLink) -> str:
    for kind, row_id in (("aim", link.aim_id), ("outcome", link.outcome_id), ("measure", link.measure_id)):
        if row_id and plan.code(kind, row_id):
            row = next(
                (
                    x
                    for x in (plan.aims if kind == "aim" else plan.all_outcomes() if kind == "outcome" else plan.all_measures())
                    if x.id == row_id
                ),
                None,
            )
            words = getattr(row, "title", None) or getattr(row, "indicator", "")
            return f"{plan.code(kind, row_id)} {shorten(words, 120)}"
    return ""


def coverage(engine: Engine, partnership_id: int, *, plan: Plan | None = None, language: str = "en", nation: str | None = None) -> Coverage:
    """For every finding and every priority: what in the plan answers it, and what nothing answers
    (``plan``, as ``trace`` takes it; ``language``, ``nation``: the headings and the findings' sentences
    in that language, the ``finding`` kept as it is)."""
    plan = plan or load_plan(engine, partnership_id)
    links = _links(engine, partnership_id)
    current = findings(engine, partnership_id)
    keys = {f.key for f in current}
    items = []
    for row in all_rows(engine, partnership_id, prompt_ids=(PRIORITIES,)).get(PRIORITIES, []):
        by = [a for link in links if link.role == "priority" and link.item_id == row.id if (a := _answerer(plan, link))]
        items.append(
            Answered("priority", heading_words("Strategic priority (Guide §3.1)", language), str(row.values.get("priority") or ""), by)
        )
    for f in current:
        by = [a for link in links if link.role == "evidence" and link.evidence_key == f.key if (a := _answerer(plan, link))]
        items.append(Answered("evidence", heading_words(f.heading, language), finding_text(f, language, nation), by, f))
    gone = [link.label for link in links if link.role == "evidence" and link.evidence_key not in keys and _answerer(plan, link)]
    return Coverage(items, gone)


def plan_kinds() -> tuple[str, ...]:
    return tuple(KINDS)


def uses(engine: Engine, partnership_id: int, kind: str, row_id: int) -> list[EvidenceLink]:
    """The links from one aim, outcome or measure (for the page beside it)."""
    column = {"aim": "aim_id", "outcome": "outcome_id", "measure": "measure_id"}[kind]
    return [link for link in _links(engine, partnership_id) if getattr(link, column) == row_id]


def stored_link_id(link: EvidenceLink) -> int:
    return stored_id(link)
