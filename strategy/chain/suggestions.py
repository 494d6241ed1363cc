"""Suggestions from the evidence: each finding (strategy.chain.findings) proposes a draft strategic aim,
intended outcome or measure in the workbook's words, with the evidence it came from. The person
accepts it (it becomes a real aim, outcome or measure through the plan's own operations, linked to
that evidence), edits the words first, or dismisses it with a reason that is kept.

One decision per suggestion (a unique key in ``suggestion_decision``): accepting twice, or accepting
a suggestion whose evidence has gone meanwhile, is refused with a message and nothing is created."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from strategy.chain.findings import Finding, findings
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.interface import ui_text
from strategy.core.models import EvidenceLink, SuggestionDecision, stored_id
from strategy.core.revisions import created
from strategy.core.text import clean_text, shorten
from strategy.core.values import uk_day
from strategy.guide.content import content
from strategy.plan.operations import Plan, add_aim, add_measure, add_outcome, load_plan

PROMPT = "chain.suggestion"
OPEN, ACCEPTED, DISMISSED = "open", "accepted", "dismissed"
KIND_WORDS = {"aim": "strategic aim", "outcome": "intended outcome", "measure": "measure"}
#: What a suggestion of each kind hangs under when accepted.
PARENT = {"aim": None, "outcome": "aim", "measure": "outcome"}


@dataclass(frozen=True)
class Suggestion:
    key: str
    kind: str  # aim | outcome | measure
    text: str  # the proposed words (an aim's name, an outcome, a measure's indicator)
    finding: Finding
    fields: dict = field(default_factory=dict)  # a measure's baseline and target
    status: str = OPEN
    decision: SuggestionDecision | None = None

    @property
    def needs(self) -> str | None:
        """What the person chooses on accepting: the aim an outcome serves, the outcome a measure measures."""
        return PARENT[self.kind]

    def as_dict(self, codes: dict | None = None) -> dict:
        d = self.decision
        out = {
            "key": self.key,
            "kind": KIND_WORDS[self.kind],
            "suggestion": self.text,
            "evidence": self.finding.text,
            "from": self.finding.heading,
            "status": self.status,
            **({"baseline": self.fields["baseline_value"]} if self.fields.get("baseline_value") else {}),
        }
        if d is not None:
            out["decided_by"] = d.author_name
            if d.status == ACCEPTED:
                out["became"] = (codes or {}).get(self.key, "") or "removed from the plan since"
            else:
                out["reason"] = d.reason
        return out


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _proposals(f: Finding) -> list[tuple[str, str, dict]]:
    """(kind, words, fields) for each thing a finding suggests."""
    d = f.data
    if f.kind == "iceberg":
        return [
            ("aim", "More of the children who are sexually abused are identified, and sooner", {}),
            (
                "measure",
                f"{d['measure']} each year",
                {"baseline_value": d["identified"] + (f" ({d['period']})" if d.get("period") else "")},
            ),
        ]
    if f.kind == "support_none":
        return [("outcome", f"{d['group']} can get {d['support']} in the area when they need it", {})]
    if f.kind == "support_wait":
        return [
            (
                "measure",
                f"Typical wait in weeks for {d['support']} ({_lower(d['group'])})",
                {"baseline_value": f"{d['weeks']} weeks", "target_value": "18 weeks or less"},
            )
        ]
    if f.kind == "form":
        return [("outcome", f"The partnership's work prevents, identifies and responds to {_lower(d['form'])}", {})]
    if f.kind == "attendance":
        return [
            (
                "measure",
                f"Share of {d['agency']} staff who should attend '{d['course']}' who have attended",
                {"baseline_value": d["percent"], "target_value": "At least half"},
            )
        ]
    if f.kind == "snapshot_red":
        return [("aim", f"Strengthen {_lower(d['domain'])} across the partnership", {})]
    if f.kind == "audit_learning":
        return [("outcome", f"Practice changes in response to the audit learning: {d['learning']}", {})]
    return []


def suggestion_text(s: Suggestion, language: str = "en", nation: str | None = None) -> str:
    """A suggestion's proposed words in ``language`` (the Welsh from data/language/interface_sentences.yaml,
    the lists' names in Welsh, what the partnership typed as typed). Accepting one keeps its English words
    (``Suggestion.text``): they become the plan's own."""
    if language == "en":
        return s.text
    d, kind = s.finding.data, s.finding.kind

    def label(ref_id: str, item_id: object, lower: bool = False) -> str:
        text = content().list_label(ref_id, item_id, nation, language)
        return _lower(text) if lower else text

    def say(key: str, **values: object) -> str:
        return ui_text(f"sentences.suggest.{key}", language, **values)

    if kind == "iceberg":
        if s.kind == "aim":
            return say("iceberg_aim")
        measure = label("identification_measures", d["measure_id"]) if d.get("measure_id") else d["measure"]
        return say("iceberg_measure", measure=measure)
    if kind == "support_none":
        return say("support_none", group=label("groups_affected", d["group_id"]), support=label("support_types", d["support_id"], True))
    if kind == "support_wait":
        group = label("groups_affected", d["group_id"], True)
        return say("support_wait", group=group, support=label("support_types", d["support_id"], True))
    if kind == "form":
        return say("form", form=label("forms_of_abuse", d["form_id"], True))
    if kind == "attendance":
        return say("attendance", agency=d["agency"], course=d["course"])
    if kind == "snapshot_red":
        return say("snapshot_red", domain=_lower(content().list_label("snapshot_domains", d["domain_id"], None, language)))
    if kind == "audit_learning":
        return say("audit_learning", learning=d["learning"])
    return s.text


def _decisions(engine: Engine, partnership_id: int, session: Session | None = None) -> dict[str, SuggestionDecision]:
    with read_session(engine, session=session) as s:
        return {
            d.key: d
            for d in s.exec(
                select(SuggestionDecision).where(SuggestionDecision.partnership_id == partnership_id).order_by(col(SuggestionDecision.id))
            ).all()
        }


def suggestions(engine: Engine, partnership_id: int) -> list[Suggestion]:
    """Every suggestion the evidence makes now, each with its decision (open, accepted or dismissed)."""
    decided = _decisions(engine, partnership_id)
    out = []
    for f in findings(engine, partnership_id):
        for kind, words, fields in _proposals(f):
            key = f"{f.key}#{kind}"
            d = decided.get(key)
            out.append(Suggestion(key, kind, words, f, fields, d.status if d else OPEN, d))
    return out


def became(engine: Engine, partnership_id: int, *, plan: Plan | None = None) -> dict[str, str]:
    """Suggestion key -> the code of what an accepted suggestion became ("A3", "A1.O2.M1"); ``plan``, one
    the caller has already loaded."""
    plan = plan or load_plan(engine, partnership_id)
    out = {}
    for key, d in _decisions(engine, partnership_id).items():
        for kind, row_id in (("aim", d.aim_id), ("outcome", d.outcome_id), ("measure", d.measure_id)):
            if row_id and plan.code(kind, row_id):
                out[key] = f"{plan.code(kind, row_id)} {KIND_WORDS[kind]}"
    return out


def _current(engine: Engine, partnership_id: int, key: str) -> Suggestion:
    found = next((s for s in suggestions(engine, partnership_id) if s.key == key), None)
    if found is None:
        raise NotFound(
            "The evidence behind that suggestion has changed or been removed since it was shown, so it no longer "
            "applies. Nothing was created; look at the suggestions again."
        )
    if found.decision is not None:
        d = found.decision
        when = uk_day(d.created_at.date().isoformat()) if d.created_at else ""
        raise InvalidInput(
            f"That suggestion was already {d.status} by {d.author_name or 'someone'}"
            + (f" on {when}" if when else "")
            + ". Nothing was created twice."
        )
    return found


def accept_suggestion(
    engine: Engine,
    partnership_id: int,
    key: str,
    *,
    author: Author,
    text: str | None = None,
    aim_id: int | None = None,
    outcome_id: int | None = None,
    session: Session | None = None,
) -> SuggestionDecision:
    """Turn a suggestion into a real aim, outcome or measure (``text``: the words after any edit;
    ``aim_id`` for an outcome, ``outcome_id`` for a measure), linked to its evidence, in one transaction."""
    sug = _current(engine, partnership_id, key)
    words = clean_text(text if text is not None else sug.text).strip()
    if not words:
        raise InvalidInput(f"The {KIND_WORDS[sug.kind]} is empty. Type its words, or accept the suggestion as it is. Nothing was created.")
    rationale = f"From the evidence ({sug.finding.heading}): {sug.finding.text}"
    try:
        with write_session(engine, session=session) as s:
            ids: dict[str, Any] = {}
            if sug.kind == "aim":
                ids["aim_id"] = stored_id(add_aim(engine, partnership_id, title=words, rationale=rationale, author=author, session=s))
            elif sug.kind == "outcome":
                if not aim_id:
                    raise InvalidInput("Choose the strategic aim this intended outcome serves. Nothing was created.")
                ids["outcome_id"] = stored_id(
                    add_outcome(engine, partnership_id, aim_id=aim_id, title=words, rationale=rationale, author=author, session=s)
                )
            else:
                if not outcome_id:
                    raise InvalidInput("Choose the intended outcome this measure shows. Nothing was created.")
                measure = add_measure(
                    engine, partnership_id, outcome_id=outcome_id, indicator=words, author=author, session=s, **sug.fields
                )
                ids["measure_id"] = stored_id(measure)
            decision = SuggestionDecision(
                partnership_id=partnership_id,
                key=key,
                status=ACCEPTED,
                kind=sug.kind,
                text=words,
                evidence=sug.finding.text,
                author_name=author.name,
                **ids,
            )
            s.add(decision)
            s.flush()
            created(s, decision, author=author, prompt_id=PROMPT)
            link = EvidenceLink(
                partnership_id=partnership_id,
                role="evidence",
                evidence_key=sug.finding.key,
                label=sug.finding.text,
                created_by_name=author.name,
                **ids,
            )
            s.add(link)
            created(s, link, author=author, prompt_id="chain.link")
            return decision
    except IntegrityError:  # someone else decided it in the same moment
        raise InvalidInput("That suggestion was decided by someone else just now. Nothing was created twice.") from None


def dismiss_suggestion(
    engine: Engine, partnership_id: int, key: str, *, reason: str, author: Author, session: Session | None = None
) -> SuggestionDecision:
    """Dismiss a suggestion; the reason is kept (and shown beside it)."""
    reason = clean_text(reason or "").strip()
    if not reason:
        raise InvalidInput("Say why this suggestion is dismissed: the reason is kept for whoever reads the plan later. Nothing was saved.")
    if len(reason) > 5_000:
        raise InvalidInput(f"The reason is {len(reason):,} characters long; keep it under 5,000. Nothing was saved.")
    sug = _current(engine, partnership_id, key)
    try:
        with write_session(engine, session=session) as s:
            decision = SuggestionDecision(
                partnership_id=partnership_id,
                key=key,
                status=DISMISSED,
                kind=sug.kind,
                text=sug.text,
                evidence=sug.finding.text,
                reason=reason,
                author_name=author.name,
            )
            s.add(decision)
            created(s, decision, author=author, prompt_id=PROMPT)
            return decision
    except IntegrityError:
        raise InvalidInput("That suggestion was decided by someone else just now. Nothing was saved.") from None


def suggestions_json(engine: Engine, partnership_id: int) -> list[dict]:
    """The suggestions as ``python -m strategy suggest NAME --json`` lists them."""
    codes = became(engine, partnership_id)
    return [s.as_dict(codes) for s in suggestions(engine, partnership_id)]


def describe(s: Suggestion) -> str:
    """One line for a terminal."""
    return f"[{s.status}] {KIND_WORDS[s.kind]}: {shorten(s.text, 100)} (from: {shorten(s.finding.text, 100)})"
