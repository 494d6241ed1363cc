"""Endorsement by each partner (Guide §13.2, Part C): the guide expects every statutory partner to
endorse the strategy before it is approved, and other agencies may endorse it too.

For each of the partnership's agencies: who endorsed, their role, the date and the decision
(endorsed, endorsed with comments, not yet). The statutory partners are the kinds of agency the guide
marks statutory in the partnership's nation (data/reference/agency_types.yaml); an agency's kind comes
from the shared vision chapter (agency contributions and the steering group). Only one of the
partnership's agencies can endorse: anything else is refused with a message and nothing is saved.

Every save is version-checked and recorded (prompt_id ``finalise.endorsement``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.answers.operations import all_rows
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput
from strategy.core.models import Endorsement
from strategy.core.revisions import created, ensure_partnership, update_checked
from strategy.core.text import check_length, clean_text, name_key, normalise_name
from strategy.core.values import uk_day
from strategy.guide.content import content
from strategy.people.partnerships import get_partnership
from strategy.plan.operations import agencies, plan_date
from strategy.word.language import Both, phrase

PROMPT = "finalise.endorsement"
ENDORSED, WITH_COMMENTS, NOT_YET = "endorsed", "with_comments", "not_yet"
DECISIONS = {ENDORSED: "Endorsed", WITH_COMMENTS: "Endorsed with comments", NOT_YET: "Not yet endorsed"}
#: Decisions that count as an endorsement.
GIVEN = (ENDORSED, WITH_COMMENTS)
#: Document statuses after which every statutory partner should have endorsed (finalise.status).
FINAL_STATUSES = ("approved", "published")


@dataclass(frozen=True)
class EndorsementLine:
    """One agency's line in the endorsement table (an endorsement recorded or still awaited)."""

    agency: str
    kind: str  # the kind of agency, in words ("Police"), or ""
    statutory: bool
    name: str
    role: str
    endorsed_on: str | None  # ISO
    decision: str
    comments: str
    version: int  # 0: nothing recorded yet

    @property
    def decision_words(self) -> str:
        return DECISIONS[self.decision]

    @property
    def given(self) -> bool:
        return self.decision in GIVEN

    def as_dict(self) -> dict:
        return {
            "agency": self.agency,
            "kind": self.kind,
            "statutory": self.statutory,
            "endorsed_by": self.name,
            "role": self.role,
            "date": uk_day(self.endorsed_on),
            "decision": self.decision_words,
            "comments": self.comments,
        }


@dataclass(frozen=True)
class Endorsements:
    lines: list[EndorsementLine]
    #: Kinds of statutory partner with no agency of that kind in the partnership ("Police").
    missing_kinds: list[str]

    def statutory_awaited(self) -> list[str]:
        """Statutory partners that have not endorsed, and statutory kinds with no agency at all."""
        return [line.agency for line in self.lines if line.statutory and not line.given] + [
            f"{k} (no agency of this kind is recorded)" for k in self.missing_kinds
        ]

    @property
    def complete(self) -> bool:
        return not self.statutory_awaited()


def statutory_kinds(nation: str) -> dict[str, str]:
    """Kind id -> label of the statutory partners in ``nation``."""
    return {t["id"]: t["label"] for t in content().reference("agency_types").for_nation(nation) if nation in t.get("statutory_in", [])}


def _kinds_of_agencies(engine: Engine, partnership_id: int, session: Session | None) -> dict[str, str]:
    """Agency name key -> kind id, from the shared vision chapter (the first kind given wins)."""
    rows = all_rows(engine, partnership_id, prompt_ids=("vision.contributions", "vision.steering_group"), session=session)
    out: dict[str, str] = {}
    for prompt_id in ("vision.contributions", "vision.steering_group"):
        for row in rows.get(prompt_id, []):
            agency, kind = normalise_name(str(row.values.get("agency") or "")), row.values.get("agency_type")
            if agency and kind:
                out.setdefault(name_key(agency), kind)
    return out


def list_endorsements(engine: Engine, partnership_id: int, *, session: Session | None = None) -> Endorsements:
    """Every agency of the partnership with its endorsement (statutory partners first), and any
    endorsement recorded for an agency no longer listed (kept, never lost)."""
    nation = get_partnership(engine, partnership_id, session=session).nation
    statutory = statutory_kinds(nation)
    labels = {t["id"]: t["label"] for t in content().reference("agency_types").items}
    kinds = _kinds_of_agencies(engine, partnership_id, session)
    names = agencies(engine, partnership_id, session=session)
    with read_session(engine, session=session) as s:
        stored = {
            e.agency_key: e
            for e in s.exec(select(Endorsement).where(Endorsement.partnership_id == partnership_id).order_by(col(Endorsement.id))).all()
        }
    lines = []
    for agency in names + [e.agency for k, e in stored.items() if k not in {name_key(n) for n in names}]:
        kind = kinds.get(name_key(agency), "")
        e = stored.get(name_key(agency))
        lines.append(
            EndorsementLine(
                agency=agency,
                kind=labels.get(kind, ""),
                statutory=kind in statutory,
                name=e.name if e else "",
                role=e.role if e else "",
                endorsed_on=e.endorsed_on if e else None,
                decision=e.decision if e else NOT_YET,
                comments=e.comments if e else "",
                version=e.version if e else 0,
            )
        )
    lines.sort(key=lambda line: not line.statutory)  # stable: statutory partners first, each in the partnership's order
    present = {kinds.get(name_key(n)) for n in names}
    return Endorsements(lines, [label for kind, label in statutory.items() if kind not in present])


def _decision(value) -> str:
    text = clean_text(str(value or "")).strip()
    if text in DECISIONS:
        return text
    by_words = {name_key(w): k for k, w in DECISIONS.items()} | {"endorsed with comments": WITH_COMMENTS, "not yet": NOT_YET}
    if name_key(text) in by_words:
        return by_words[name_key(text)]
    raise InvalidInput(f"The decision '{text}' is not one of: {', '.join(DECISIONS.values())}. Nothing was saved.")


def record_endorsement(
    engine: Engine,
    partnership_id: int,
    *,
    agency: str,
    decision: str,
    author: Author,
    name: str = "",
    role: str = "",
    endorsed_on=None,
    comments: str = "",
    expected_version: int = 0,
    session: Session | None = None,
) -> Endorsement:
    """Record (or change) one agency's endorsement. ``expected_version`` is the version the person
    loaded (0 when none was recorded): a change by someone else meanwhile raises Conflict with both.

    Refused with a message, nothing saved: an agency that is not one of the partnership's; an
    endorsement (with or without comments) without who gave it or the date; "with comments" without
    the comments; a date that is not a real day (day first, 31/03/2026)."""
    clean_agency = normalise_name(agency or "")
    if not clean_agency:
        raise InvalidInput("Choose the agency that endorses the strategy. Nothing was saved.")
    listed = {name_key(n): n for n in agencies(engine, partnership_id, session=session)}
    if name_key(clean_agency) not in listed:
        raise InvalidInput(
            f"'{clean_agency}' is not one of the partnership's agencies, so it cannot endorse the strategy. "
            "Add it to the agency contributions in the Shared vision chapter (or to the action plan's agencies) "
            "first, or choose an agency already listed. Nothing was saved."
        )
    clean_agency = listed[name_key(clean_agency)]
    decision = _decision(decision)
    values: dict[str, Any] = {
        "name": normalise_name(name or ""),
        "role": normalise_name(role or ""),
        "endorsed_on": plan_date(endorsed_on, "The date of the endorsement"),
        "decision": decision,
        "comments": clean_text(comments or "").strip(),
    }
    check_length(values["name"], 120, "The name of who endorsed")
    check_length(values["role"], 200, "Their role")
    check_length(values["comments"], 20_000, "The comments")
    if decision in GIVEN:
        missing = [w for w, k in (("who endorsed it", "name"), ("the date", "endorsed_on")) if not values[k]]
        if missing:
            raise InvalidInput(f"An endorsement by {clean_agency} needs {' and '.join(missing)}. Nothing was saved.")
    if decision == WITH_COMMENTS and not values["comments"]:
        raise InvalidInput(f"'Endorsed with comments' needs the comments {clean_agency} made. Nothing was saved.")
    with write_session(engine, session=session) as s:
        ensure_partnership(s, partnership_id)
        row = s.exec(
            select(Endorsement).where(Endorsement.partnership_id == partnership_id, Endorsement.agency_key == name_key(clean_agency))
        ).first()
        if row is None:
            row = Endorsement(
                partnership_id=partnership_id, agency=clean_agency, agency_key=name_key(clean_agency), updated_by_name=author.name, **values
            )
            s.add(row)
            created(s, row, author=author, prompt_id=PROMPT)
            return row
        conflict = update_checked(
            s, Endorsement, row, values, expected_version=expected_version, author=author, prompt_id=PROMPT, what="endorsement"
        )
    if conflict:
        raise conflict
    return row


def endorsement_rows(found: Endorsements, language: str = "en", overrides: Mapping[str, str] | None = None) -> list[list[str]]:
    """The document-control table's lines: "Agency (kind)" and "Decision, name, role, date", in the
    document's ``language`` (the kind of agency by its Welsh name; the English as it always was)."""

    def kind(words: str) -> Both | str:
        found_id = next((t["id"] for t in content().reference("agency_types").items if t["label"] == words), None)
        return Both(words, content().list_label("agency_types", found_id, None, "cy")) if found_id else words

    out = []
    for line in found.lines:
        if not line.statutory and line.version == 0:
            continue  # an agency that has not been asked is not listed in the document
        who = ", ".join(x for x in (line.name, line.role, uk_day(line.endorsed_on)) if x)
        label = (
            phrase("endorse.statutory", language, overrides, agency=line.agency, kind=kind(line.kind)) if line.statutory else line.agency
        )
        out.append([label, phrase(f"endorse.{line.decision}", language, overrides) + (f": {who}" if who and line.given else "")])
    out += [
        [phrase("endorse.missing_kind", language, overrides, kind=kind(k)), phrase("endorse.no_agency", language, overrides)]
        for k in found.missing_kinds
    ]
    return out
