"""A record of involvement, "you said, we did" (Guide §3.1, §10.1, §10.2; issue 21).

Each engagement with children, young people, adult victims and survivors or families: when, whose
voices, with whom (a group described, never a person), how, the safeguards and support offered, the
payment or thanks, and what was heard. What changed because of it is a list of links to the plan's
aims, outcomes and actions (chosen from the plan, not retyped), each with a short note.

Rules, each refused with a message and nothing saved: a date that is not a real day or is still to
come; a group or method missing; text that looks as if it could identify a child (a name with an age,
a date of birth, an NHS or National Insurance number, a postcode; for the group, also a name) unless
the person confirms it cannot; a link to something not in the plan, or a second link to the same thing.
The plan's rows are only ever soft-deleted, so a link to an aim that is removed stays (shown as
removed) and comes back with the aim. Every save is version-checked and kept as a revision
(``involvement.engagement``, ``involvement.change``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.core.authors import Author
from strategy.core.dates import UK
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput
from strategy.core.identifying import identifying_warning
from strategy.core.interface import ui_text
from strategy.core.models import Engagement, EngagementChange, PlanAction, PlanAim, PlanOutcome, stored_id
from strategy.core.revisions import created, ensure_partnership, load, set_removed, update_checked
from strategy.core.text import check_length, clean_text, normalise_name
from strategy.core.values import uk_day
from strategy.guide.content import content
from strategy.plan.operations import load_plan, plan_date
from strategy.tabular.formulas import csv_bytes, xlsx_bytes

ENGAGEMENT, CHANGE = "involvement.engagement", "involvement.change"
GROUP_LIMIT, DETAIL_LIMIT, TEXT_LIMIT = 300, 300, 20_000
KINDS: dict[str, type[PlanAim] | type[PlanOutcome] | type[PlanAction]] = {"aim": PlanAim, "outcome": PlanOutcome, "action": PlanAction}
KIND_WORDS = {"aim": "strategic aim", "outcome": "intended outcome", "action": "action"}
#: The voices the readiness check asks for, each with at least one change (Guide §3.1, §10.2).
REQUIRED_VOICES = ("children", "survivors")
GROUP_HELP = (
    'Describe the group, never a person: for example "young people\'s advisory group, 14 to 17". '
    "Do not enter a child's name or anything else that could identify them."
)
FIELD_WORDS = {
    "held_on": "The date",
    "voices": "Whose voices",
    "group": "With whom",
    "method": "How",
    "method_detail": "How, in a few words",
    "safeguards": "The safeguards and support offered",
    "thanks": "Payment or thanks",
    "heard": "What was heard",
}


class IdentifyingDetails(InvalidInput):
    """Text that looks as if it could identify a child; saving it needs confirming."""


def voices(language: str = "en") -> dict[str, str]:
    """Each kind of voice's name (in ``language``: its label_cy where it has one)."""
    return {i["id"]: _label(i, language) for i in content().reference("involvement_voices").items}


def methods(language: str = "en") -> dict[str, str]:
    """Each way of involving people's name (in ``language``: its label_cy where it has one)."""
    return {i["id"]: _label(i, language) for i in content().reference("involvement_methods").items}


def _label(item: dict, language: str) -> str:
    return (item.get("label_cy") or item["label"]) if language == "cy" else item["label"]


# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    """One link from an engagement to the plan, with where it points now."""

    change: EngagementChange
    code: str  # "A1.O2", or "" while the target is removed
    title: str
    removed: bool  # the aim, outcome or action (or something above it) has been removed

    @property
    def label(self) -> str:
        what = KIND_WORDS[self.change.kind]
        if self.removed:
            return f"{what} removed from the plan: {self.title}"
        return f"{self.code} {self.title}"


@dataclass(frozen=True)
class EngagementLine:
    engagement: Engagement
    changes: list[ChangeLine] = field(default_factory=list)

    @property
    def live_changes(self) -> list[ChangeLine]:
        return [c for c in self.changes if not c.removed]

    def as_dict(self) -> dict[str, Any]:
        e = self.engagement
        return {
            "date": uk_day(e.held_on),
            "voices": voices().get(e.voices, e.voices),
            "with_whom": e.group,
            "how": method_words(e),
            "safeguards": e.safeguards,
            "thanks": e.thanks,
            "heard": e.heard,
            "changed": [{"link": c.label, "note": c.change.note, "removed": c.removed} for c in self.changes],
        }


def method_words(e: Engagement, language: str = "en") -> str:
    label = methods(language).get(e.method, e.method)
    if e.method == "other" and e.method_detail:
        return e.method_detail
    return f"{label}: {e.method_detail}" if e.method_detail else label


def _id_column(model: type[PlanAim] | type[PlanOutcome] | type[PlanAction]) -> Any:
    return {PlanAim: PlanAim.id, PlanOutcome: PlanOutcome.id, PlanAction: PlanAction.id}[model]


def target_of(c: EngagementChange) -> int | None:
    return {"aim": c.aim_id, "outcome": c.outcome_id, "action": c.action_id}[c.kind]


def list_engagements(engine: Engine, partnership_id: int, *, removed: bool = False, session: Session | None = None) -> list[EngagementLine]:
    """The record, newest engagement first, each with its live links to the plan (a link whose aim,
    outcome or action is removed is listed, marked removed). ``removed=True``: the removed engagements."""
    plan = load_plan(engine, partnership_id, session=session)
    with read_session(engine, session=session) as s:
        q = select(Engagement).where(Engagement.partnership_id == partnership_id)
        q = q.where(col(Engagement.deleted_at).is_not(None) if removed else col(Engagement.deleted_at).is_(None))
        engagements = s.exec(q.order_by(col(Engagement.held_on).desc(), col(Engagement.id).desc())).all()
        ids = [stored_id(e) for e in engagements]
        changes = (
            s.exec(
                select(EngagementChange)
                .where(col(EngagementChange.engagement_id).in_(ids), col(EngagementChange.deleted_at).is_(None))
                .order_by(col(EngagementChange.id))
            ).all()
            if ids
            else []
        )
        titles: dict[tuple[str, int], str] = {}
        for kind, model in KINDS.items():
            wanted = [t for c in changes if c.kind == kind and (t := target_of(c)) is not None]
            if wanted:
                for row in s.exec(select(model).where(col(_id_column(model)).in_(wanted))).all():
                    titles[(kind, stored_id(row))] = getattr(row, "title", "")
    by_engagement: dict[int, list[ChangeLine]] = {}
    for c in changes:
        target = target_of(c)
        code = plan.code(c.kind, target)
        by_engagement.setdefault(c.engagement_id, []).append(ChangeLine(c, code, titles.get((c.kind, target or 0), ""), removed=not code))
    return [EngagementLine(e, by_engagement.get(stored_id(e), [])) for e in engagements]


def plan_choices(engine: Engine, partnership_id: int, *, session: Session | None = None) -> list[tuple[str, int, str]]:
    """What a change can link to: (kind, id, "A1.O2 title") for every live aim, outcome and action, in the plan's order."""
    plan = load_plan(engine, partnership_id, session=session)
    out: list[tuple[str, int, str]] = []
    for aim in plan.aims:
        out.append(("aim", stored_id(aim), f"{plan.code('aim', aim.id)} {aim.title}"))
        for o in plan.outcomes.get(stored_id(aim), []):
            out.append(("outcome", stored_id(o), f"{plan.code('outcome', o.id)} {o.title}"))
            for x in plan.actions.get(stored_id(o), []):
                out.append(("action", stored_id(x), f"{plan.code('action', x.id)} {x.title}"))
    return out


def you_said_we_did(lines: list[EngagementLine], language: str = "en") -> list[list[str]]:
    """The "You said, we did" table: when and with whom, what was heard, what changed (one line per
    engagement, oldest first; the changes as "A1.O2 title: note" lines; removed links left out).
    ``language``: the voices' and methods' names and "Nothing recorded yet." in that language (what
    people wrote as written)."""
    rows = []
    nothing = "Nothing recorded yet." if language == "en" else ui_text("sentences.involvement.nothing_yet", language)
    for line in sorted(lines, key=lambda x: (x.engagement.held_on, stored_id(x.engagement))):
        e = line.engagement
        how = f"{voices(language).get(e.voices, e.voices).lower()}; {method_words(e, language).lower()}"
        who = f"{uk_day(e.held_on)}, {e.group} ({how})"
        changed = "\n".join(f"{c.code} {c.title}: {c.change.note}" if c.change.note else f"{c.code} {c.title}" for c in line.live_changes)
        rows.append([who, e.heard, changed or nothing])
    return rows


RECORD_HEADERS = [
    "Date",
    "Whose voices",
    "With whom",
    "How",
    "Safeguards and support",
    "Payment or thanks",
    "What was heard",
    "What changed",
]


def record_rows(lines: list[EngagementLine]) -> list[list[str]]:
    """The whole record, one row per engagement (oldest first), for a CSV or Excel export: each change
    on its own line in the last cell, a removed link marked so."""
    rows = []
    for line in sorted(lines, key=lambda x: (x.engagement.held_on, stored_id(x.engagement))):
        d = line.as_dict()
        changed = "\n".join(f"{c['link']}: {c['note']}" if c["note"] else c["link"] for c in d["changed"])
        rows.append([d["date"], d["voices"], d["with_whom"], d["how"], d["safeguards"], d["thanks"], d["heard"], changed])
    return rows


def export_record(engine: Engine, partnership_id: int, kind: str, *, session: Session | None = None) -> bytes:
    """The record as a CSV (``kind`` "csv") or Excel workbook ("xlsx"): cells that could run as a
    formula are neutralised, as in every export (strategy.tabular.formulas)."""
    rows = record_rows(list_engagements(engine, partnership_id, session=session))
    if kind == "csv":
        return csv_bytes(RECORD_HEADERS, rows)
    if kind == "xlsx":
        return xlsx_bytes(RECORD_HEADERS, rows, "Involvement", wrap=True)
    raise InvalidInput(f"The record is written as .csv or .xlsx, not '{kind}'.")


@dataclass(frozen=True)
class VoiceSummary:
    voice: str
    label: str
    engagements: int
    changes: int


def summary(lines: list[EngagementLine]) -> list[VoiceSummary]:
    """For each kind of voice: how many engagements, and how many live changes they led to."""
    out = []
    for voice, label in voices().items():
        mine = [line for line in lines if line.engagement.voices == voice]
        out.append(VoiceSummary(voice, label, len(mine), sum(len(line.live_changes) for line in mine)))
    return out


# --- Checking what people type ------------------------------------------------------------------


def _check_identifying(values: dict[str, str], confirmed: bool) -> None:
    if confirmed:
        return
    for key, value in values.items():
        why = identifying_warning(value, short=key == "group")
        if why:
            raise IdentifyingDetails(
                f"{FIELD_WORDS.get(key, 'The note')} may identify a child: {why}. This record describes groups, never "
                "a person. Take the detail out, or confirm that nothing here could identify anyone. Nothing was saved."
            )


def _today(today: date | None) -> date:
    return today or datetime.now(UK).date()


def _held_on(value, today: date | None) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput("Give the date of the engagement (day first, such as 14/03/2026). Nothing was saved.")
    iso = plan_date(value, "The date of the engagement")
    if iso is None:
        raise InvalidInput("Give the date of the engagement (day first, such as 14/03/2026). Nothing was saved.")
    if date.fromisoformat(iso) > _today(today):
        raise InvalidInput(
            f"The date of the engagement, {uk_day(iso)}, is still to come. Record an engagement once it has happened, "
            "with what was heard. Nothing was saved."
        )
    return iso


def _choice(value, options: dict[str, str], what: str) -> str:
    text = clean_text(str(value or "")).strip()
    if text in options:
        return text
    by_label = {label.casefold(): key for key, label in options.items()}
    if text.casefold() in by_label:
        return by_label[text.casefold()]
    if not text:
        raise InvalidInput(f"Choose {what}: {', '.join(options.values())}. Nothing was saved.")
    raise InvalidInput(f"'{text}' is not one of: {', '.join(options.values())}. Nothing was saved.")


def _text(value, limit: int, what: str) -> str:
    text = clean_text(str(value or "")).strip()
    check_length(text, limit, what)
    return text


def _engagement_values(fields: dict[str, Any], current: Engagement | None, today: date | None) -> dict[str, Any]:
    unknown = set(fields) - set(FIELD_WORDS)
    if unknown:
        raise InvalidInput(f"An engagement has no field {', '.join(sorted(unknown))}.")
    merged: dict[str, Any] = {k: getattr(current, k) for k in FIELD_WORDS} if current else {}
    merged.update(fields)
    values: dict[str, Any] = {
        "held_on": _held_on(merged.get("held_on"), today),
        "voices": _choice(merged.get("voices"), voices(), "whose voices were heard"),
        "group": normalise_name(clean_text(str(merged.get("group") or ""))),
        "method": _choice(merged.get("method"), methods(), "how they were involved"),
        "method_detail": normalise_name(clean_text(str(merged.get("method_detail") or ""))),
        "safeguards": _text(merged.get("safeguards"), TEXT_LIMIT, "The safeguards and support offered"),
        "thanks": _text(merged.get("thanks"), TEXT_LIMIT, "Payment or thanks"),
        "heard": _text(merged.get("heard"), TEXT_LIMIT, "What was heard"),
    }
    if not values["group"]:
        raise InvalidInput(f"Say with whom (a group, never a person). {GROUP_HELP} Nothing was saved.")
    check_length(values["group"], GROUP_LIMIT, "With whom")
    check_length(values["method_detail"], DETAIL_LIMIT, "How, in a few words")
    if values["method"] == "other" and not values["method_detail"]:
        raise InvalidInput("'Another way' needs a few words on how they were involved. Nothing was saved.")
    return values


# --- Engagements --------------------------------------------------------------------------------


def add_engagement(
    engine: Engine,
    partnership_id: int,
    *,
    author: Author,
    confirmed: bool = False,
    today: date | None = None,
    session: Session | None = None,
    **fields,
) -> Engagement:
    """Record an engagement (fields: held_on, voices, group, method, method_detail, safeguards,
    thanks, heard). ``confirmed``: the person has said nothing in it could identify anyone."""
    values = _engagement_values(fields, None, today)
    _check_identifying({k: values[k] for k in ("group", "method_detail", "safeguards", "thanks", "heard")}, confirmed)
    with write_session(engine, session=session) as s:
        ensure_partnership(s, partnership_id)
        row = Engagement(partnership_id=partnership_id, updated_by_name=author.name, **values)
        s.add(row)
        created(s, row, author=author, prompt_id=ENGAGEMENT)
        return row


def update_engagement(
    engine: Engine,
    partnership_id: int,
    engagement_id: int,
    *,
    expected_version: int,
    author: Author,
    confirmed: bool = False,
    today: date | None = None,
    session: Session | None = None,
    **fields,
) -> Engagement:
    """Change an engagement. Someone else's change meanwhile raises Conflict with both (this person's
    values kept in the history first); a removed engagement says so."""
    with write_session(engine, session=session) as s:
        row = load(s, Engagement, engagement_id, partnership_id, "engagement", lock=True)
        values = _engagement_values(fields, row, today)
        # Only what this change alters is checked: text already confirmed is not asked about again.
        texts = ("group", "method_detail", "safeguards", "thanks", "heard")
        _check_identifying({k: values[k] for k in texts if values[k] != getattr(row, k)}, confirmed)
        conflict = update_checked(
            s, Engagement, row, values, expected_version=expected_version, author=author, prompt_id=ENGAGEMENT, what="engagement"
        )
    if conflict:
        raise conflict
    return row


def remove_engagement(engine: Engine, partnership_id: int, engagement_id: int, *, author: Author, session: Session | None = None) -> None:
    """Remove an engagement (its links stay with it and come back with ``restore_engagement``)."""
    with write_session(engine, session=session) as s:
        row = load(s, Engagement, engagement_id, partnership_id, "engagement", lock=True)
        set_removed(s, row, True, author=author, prompt_id=ENGAGEMENT)


def restore_engagement(engine: Engine, partnership_id: int, engagement_id: int, *, author: Author, session: Session | None = None) -> None:
    with write_session(engine, session=session) as s:
        row = load(s, Engagement, engagement_id, partnership_id, "engagement", lock=True, live=False)
        set_removed(s, row, False, author=author, prompt_id=ENGAGEMENT)


# --- What changed because of it -----------------------------------------------------------------


def add_change(
    engine: Engine,
    partnership_id: int,
    engagement_id: int,
    *,
    kind: str,
    target_id: int,
    note: str = "",
    author: Author,
    confirmed: bool = False,
    session: Session | None = None,
) -> EngagementChange:
    """Link an engagement to an aim, outcome or action of the plan, with what changed. Refused: a
    kind other than aim, outcome or action; something not in the plan (or removed); a second link
    from the same engagement to the same thing."""
    if kind not in KINDS:
        raise InvalidInput(f"A change links to a strategic aim, an intended outcome or an action, not '{kind}'.")
    text = _text(note, TEXT_LIMIT, "What changed")
    _check_identifying({"note": text}, confirmed)
    with write_session(engine, session=session) as s:
        engagement = load(s, Engagement, engagement_id, partnership_id, "engagement", lock=True)
        plan = load_plan(engine, partnership_id, session=s)
        if not plan.code(kind, target_id):
            raise InvalidInput(
                f"That {KIND_WORDS[kind]} is not in the plan (someone may have removed it). Choose one from the plan. Nothing was saved."
            )
        column = {"aim": EngagementChange.aim_id, "outcome": EngagementChange.outcome_id, "action": EngagementChange.action_id}[kind]
        twin = s.exec(
            select(EngagementChange).where(
                EngagementChange.engagement_id == engagement.id, col(column) == target_id, col(EngagementChange.deleted_at).is_(None)
            )
        ).first()
        if twin is not None:
            raise InvalidInput(
                f"This engagement is already linked to {plan.code(kind, target_id)}. Change that link's note instead. Nothing was saved."
            )
        row = EngagementChange(
            partnership_id=partnership_id,
            engagement_id=stored_id(engagement),
            kind=kind,
            aim_id=target_id if kind == "aim" else None,
            outcome_id=target_id if kind == "outcome" else None,
            action_id=target_id if kind == "action" else None,
            note=text,
            updated_by_name=author.name,
        )
        s.add(row)
        created(s, row, author=author, prompt_id=CHANGE)
        return row


def update_change(
    engine: Engine,
    partnership_id: int,
    change_id: int,
    *,
    note: str,
    expected_version: int,
    author: Author,
    confirmed: bool = False,
    session: Session | None = None,
) -> EngagementChange:
    """Change the note of what changed (version-checked, as everything else)."""
    text = _text(note, TEXT_LIMIT, "What changed")
    _check_identifying({"note": text}, confirmed)
    with write_session(engine, session=session) as s:
        row = load(s, EngagementChange, change_id, partnership_id, "link to the plan", lock=True)
        conflict = update_checked(
            s, EngagementChange, row, {"note": text}, expected_version=expected_version, author=author, prompt_id=CHANGE, what="note"
        )
    if conflict:
        raise conflict
    return row


def remove_change(engine: Engine, partnership_id: int, change_id: int, *, author: Author, session: Session | None = None) -> None:
    with write_session(engine, session=session) as s:
        row = load(s, EngagementChange, change_id, partnership_id, "link to the plan", lock=True)
        set_removed(s, row, True, author=author, prompt_id=CHANGE)


def restore_change(engine: Engine, partnership_id: int, change_id: int, *, author: Author, session: Session | None = None) -> None:
    """Bring back a removed link; refused while its engagement is removed or the same link exists again."""
    with write_session(engine, session=session) as s:
        row = load(s, EngagementChange, change_id, partnership_id, "link to the plan", lock=True, live=False)
        load(s, Engagement, row.engagement_id, partnership_id, "engagement")
        column = {"aim": EngagementChange.aim_id, "outcome": EngagementChange.outcome_id, "action": EngagementChange.action_id}[row.kind]
        twin = s.exec(
            select(EngagementChange).where(
                EngagementChange.engagement_id == row.engagement_id,
                col(column) == target_of(row),
                col(EngagementChange.deleted_at).is_(None),
            )
        ).first()
        if twin is not None:
            raise InvalidInput("The engagement is already linked to the same part of the plan, so this link was not brought back.")
        set_removed(s, row, False, author=author, prompt_id=CHANGE)


def removed_changes(engine: Engine, partnership_id: int, engagement_id: int, *, session: Session | None = None) -> list[EngagementChange]:
    with read_session(engine, session=session) as s:
        return list(
            s.exec(
                select(EngagementChange).where(
                    EngagementChange.partnership_id == partnership_id,
                    EngagementChange.engagement_id == engagement_id,
                    col(EngagementChange.deleted_at).is_not(None),
                )
            ).all()
        )
