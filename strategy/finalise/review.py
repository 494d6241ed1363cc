"""Review (Guide §13.2): numbered draft versions frozen for reviewers while editing goes on, what
changed between two versions chapter by chapter, comments on a template section (and optionally a
criterion), and the Word draft of a frozen version or a review copy listing the open comments.

A frozen version is the partnership's content in the backup format (docs/backup-format.md) without
its history and comments, so every table any feature adds is frozen too. Its Word draft is built by
restoring that content into a temporary database and exporting it as the workbook exports any draft."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from strategy.answers.comments import add_comment, threads
from strategy.core.authors import Author
from strategy.core.changes import UntilChanged
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.models import DraftVersion, Partnership
from strategy.core.revisions import record_revision
from strategy.core.text import check_length, clean_text, plural, shorten
from strategy.guide.content import content
from strategy.people.backup import partnership_content
from strategy.word.language import Both, phrase, phrases

PROMPT = "review.version"
#: Left out of a frozen version: the history, the conversation about it, and earlier versions.
NOT_FROZEN = ("revision", "comment", "draft_version")
CURRENT = "current"


def label(number: int) -> str:
    """1 -> v0.1, 12 -> v0.12: drafts before the first approved version 1.0."""
    return f"v0.{number}"


# --- Freezing ---------------------------------------------------------------------------------


def freeze_version(engine: Engine, partnership_id: int, *, author: Author, note: str = "", session: Session | None = None) -> DraftVersion:
    """Freeze the partnership's content now as the next numbered draft version."""
    note = clean_text(note or "").strip()
    check_length(note, 2000, "The note")
    # The content is read first, in a reading transaction of its own (one consistent moment), and
    # written in a short one: a large partnership's freeze no longer holds the write lock while the
    # whole partnership is read and turned into JSON. Within a caller's transaction, both are its.
    with read_session(engine, session=session) as reading:
        if reading.get(Partnership, partnership_id) is None:
            raise NotFound("That partnership no longer exists.")
        frozen = json.dumps(partnership_content(reading, partnership_id, leave_out=NOT_FROZEN), ensure_ascii=False, sort_keys=True)
    with write_session(engine, session=session) as session:
        if session.get(Partnership, partnership_id) is None:
            raise NotFound("That partnership no longer exists.")
        numbers = session.exec(select(DraftVersion.number).where(DraftVersion.partnership_id == partnership_id)).all()
        number = max(numbers, default=0) + 1
        version = DraftVersion(
            partnership_id=partnership_id,
            number=number,
            note=note,
            content_json=frozen,
            created_by_name=author.name,
            created_by_agency=author.agency,
            created_by_user_id=author.user_id,
        )
        session.add(version)
        session.flush()
        # The revision is the role check (editors and owners) and the record of who froze it.
        record_revision(
            session,
            author,
            partnership_id=partnership_id,
            prompt_id=PROMPT,
            item_id=version.id,
            action="create",
            new_value=f"{label(number)}{': ' + note if note else ''}",
        )
        return version


def list_versions(engine: Engine, partnership_id: int, *, session: Session | None = None) -> list[DraftVersion]:
    """Every frozen version, newest first, without its frozen text (each holds the whole partnership;
    ``version_content`` reads one)."""
    with read_session(engine, session=session) as session:
        return list(
            session.exec(
                select(DraftVersion)
                .options(defer(DraftVersion.content_json, raiseload=True))  # type: ignore[arg-type]  # a mapped column
                .where(DraftVersion.partnership_id == partnership_id)
                .order_by(col(DraftVersion.number).desc())
            ).all()
        )


def find_version(engine: Engine, partnership_id: int, wanted: str | int) -> DraftVersion:
    """A version by its label ("v0.2", "0.2", "2") or id (without its frozen text: see ``version_content``)."""
    text = str(wanted).strip().lower().removeprefix("v").removeprefix("0.")
    versions = list_versions(engine, partnership_id)
    for version in versions:
        if text == str(version.number) or wanted == version.id:
            return version
    raise NotFound(
        f"There is no draft version {wanted!r}. Frozen versions: " + (", ".join(label(v.number) for v in versions) or "none yet") + "."
    )


def version_content(engine: Engine, version: DraftVersion) -> dict:
    """What was frozen in ``version``: the partnership's content as the backup holds it."""
    with read_session(engine) as session:
        stored = session.exec(select(DraftVersion.content_json).where(DraftVersion.id == version.id)).one()
    return json.loads(stored)


def _content(engine: Engine, partnership_id: int, which: str | int, *, session: Session | None = None) -> dict:
    if which == CURRENT:
        with read_session(engine, session=session) as session:
            return partnership_content(session, partnership_id, leave_out=NOT_FROZEN)
    return version_content(engine, find_version(engine, partnership_id, which))


# --- Comparing ----------------------------------------------------------------------------------


@dataclass
class ChapterChanges:
    title: str
    changes: list[str] = field(default_factory=list)


def _live(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not r.get("deleted_at")]


_IGNORED = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "updated_by_name",
    "updated_by_agency",
    "updated_by_user_id",
    "position",
    "deleted_at",
    "seq",
    "next_outcome_seq",
    "next_action_seq",
}


def _plan_keys(tables: dict) -> dict[tuple[str, str], dict]:
    """Live plan rows by their stable code (A1, A1.O2, A1.O2.3, A1.O2.M<indicator>)."""
    aims = {r["id"]: r for r in _live(tables.get("plan_aim", []))}
    outcomes = {r["id"]: r for r in _live(tables.get("plan_outcome", [])) if r["aim_id"] in aims}
    out: dict[tuple[str, str], dict] = {}
    for a in aims.values():
        out[("aim", f"A{a['seq']}")] = a
    for o in outcomes.values():
        out[("outcome", f"A{aims[o['aim_id']]['seq']}.O{o['seq']}")] = o
    for x in _live(tables.get("plan_action", [])):
        if x["outcome_id"] in outcomes:
            o = outcomes[x["outcome_id"]]
            out[("action", f"A{aims[o['aim_id']]['seq']}.O{o['seq']}.{x['seq']}")] = x
    for m in _live(tables.get("plan_measure", [])):
        if m["outcome_id"] in outcomes:
            o = outcomes[m["outcome_id"]]
            out[("measure", f"A{aims[o['aim_id']]['seq']}.O{o['seq']} measure: {shorten(m['indicator'], 60)}")] = m
    return out


def _plain(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in _IGNORED and not k.endswith("_id")}


#: Comparisons kept until the partnership changes (the Review page shows one on every run).
_KEPT = UntilChanged()


def compare(
    engine: Engine, partnership_id: int, older: str | int, newer: str | int = CURRENT, *, language: str = "en"
) -> list[ChapterChanges]:
    """What changed from ``older`` to ``newer`` (version labels, or CURRENT), chapter by chapter in the
    guide's order. Only chapters with changes are listed. Made again only when the partnership changes.
    ``language`` "cy": the chapters' names and the lines' fixed words in Welsh (what people wrote as written)."""
    key = ("compare", older, newer) if language == "en" else ("compare", older, newer, language)
    return _KEPT.get(engine, partnership_id, key, lambda: _compare(engine, partnership_id, older, newer, language))


def _field_words(name: str, language: str) -> str:
    """A plan row's field ("start_date") as a person reads it ("start date"; in Welsh, its Welsh)."""
    key = f"review.field.{name}"
    return phrase(key, language) if language != "en" and key in phrases() else name.replace("_", " ")


def _compare(engine: Engine, partnership_id: int, older: str | int, newer: str | int, language: str = "en") -> list[ChapterChanges]:
    before, after = (_content(engine, partnership_id, w)["tables"] for w in (older, newer))
    c = content()

    def say(key: str, **values: object) -> str:
        return phrase(f"review.change.{key}", language, None, **values)

    def label_of(prompt) -> str:
        return prompt.label_cy or prompt.label if language == "cy" else prompt.label

    by_chapter: dict[str, ChapterChanges] = {
        ch.id: ChapterChanges(ch.title_cy or ch.title if language == "cy" else ch.title) for ch in c.chapters
    }
    plan_group = ChapterChanges(say("plan_group"))
    other = ChapterChanges(say("elsewhere"))

    # Single answers, by question.
    old_answers = {r["prompt_id"]: r["value"] for r in before.get("answer", [])}
    new_answers = {r["prompt_id"]: r["value"] for r in after.get("answer", [])}
    for prompt_id in sorted(set(old_answers) | set(new_answers)):
        if prompt_id not in c.prompts:
            continue
        old, new = old_answers.get(prompt_id, ""), new_answers.get(prompt_id, "")
        if old == new:
            continue
        prompt, chapter = c.prompts[prompt_id], c.chapter_of(prompt_id)
        what = shorten(label_of(prompt), 70)
        if prompt.type == "image":
            how = "added" if not old else "removed" if not new else "replaced"
            by_chapter[chapter.id].changes.append(say(f"picture_{how}", what=what))
        elif not old.strip():
            by_chapter[chapter.id].changes.append(say("answered", what=what, new=shorten(new)))
        elif not new.strip():
            by_chapter[chapter.id].changes.append(say("emptied", what=what, old=shorten(old)))
        else:
            by_chapter[chapter.id].changes.append(say("changed", what=what, old=shorten(old, 60), new=shorten(new, 60)))

    # Table and grid rows, by question: rows compared by what they hold.
    def rows_by_prompt(tables: dict) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for r in _live(tables.get("item", [])):
            key = (r.get("row_key") or "") + "|" + r["values_json"]
            out.setdefault(r["prompt_id"], Counter())[key] += 1
        return out

    old_rows, new_rows = rows_by_prompt(before), rows_by_prompt(after)
    for prompt_id in sorted(set(old_rows) | set(new_rows)):
        if prompt_id not in c.prompts:
            continue
        old, new = old_rows.get(prompt_id, Counter()), new_rows.get(prompt_id, Counter())
        added, removed = sum((new - old).values()), sum((old - new).values())
        if not added and not removed:
            continue
        prompt, chapter = c.prompts[prompt_id], c.chapter_of(prompt_id)
        what = shorten(label_of(prompt), 70)
        if prompt.type == "grid":
            count = max(added, removed)
            text = say("grid_rows" if count != 1 else "grid_row", what=what, count=count)
        else:
            parts = [say(key, count=n) for n, key in ((added, "added_or_changed"), (removed, "removed_or_changed")) if n]
            items = plural(prompt.item_label) if language == "en" else say("rows_items")
            text = say("rows", what=what, parts=", ".join(parts), items=items)
        by_chapter[chapter.id].changes.append(text)

    # The plan, by stable code.
    old_plan, new_plan = _plan_keys(before), _plan_keys(after)
    for key in sorted(set(old_plan) | set(new_plan), key=lambda k: (k[1], k[0])):
        kind, code = key
        old, new = old_plan.get(key), new_plan.get(key)
        row = new or old
        assert row is not None  # the key is in one of the two
        title = row.get("title") or row.get("indicator", "")
        kind_words = kind.capitalize() if language == "en" else say(f"kind.{kind}")
        shown = code if language == "en" else code.replace(phrase("review.change.measure"), say("measure"))
        if old is None:
            plan_group.changes.append(say("plan_added", kind=kind_words, code=shown, title=shorten(title)))
        elif new is None:
            plan_group.changes.append(say("plan_removed", kind=kind_words, code=shown, title=shorten(title)))
        elif _plain(old) != _plain(new):
            fields = sorted(k for k in set(_plain(old)) | set(_plain(new)) if _plain(old).get(k) != _plain(new).get(k))
            plan_group.changes.append(
                say(
                    "plan_changed",
                    kind=kind_words,
                    code=shown,
                    fields=", ".join(_field_words(f, language) for f in fields),
                    title=shorten(title, 60),
                )
            )

    # Everything else (snapshot, audits, delivery...): counted per table.
    handled = {"answer", "item", "plan_aim", "plan_outcome", "plan_action", "plan_measure", *NOT_FROZEN}
    for table in sorted((set(before) | set(after)) - handled):
        old = Counter(json.dumps(_plain(r), sort_keys=True) for r in _live(before.get(table, [])))
        new = Counter(json.dumps(_plain(r), sort_keys=True) for r in _live(after.get(table, [])))
        added, removed = sum((new - old).values()), sum((old - new).values())
        if added or removed:
            other.changes.append(say("table", table=table.replace("_", " "), added=added, removed=removed))
    ordered = [by_chapter[ch.id] for ch in c.chapters if ch.part != "C"]
    ordered.append(plan_group)
    ordered += [by_chapter[ch.id] for ch in c.chapters if ch.part == "C"]
    ordered.append(other)
    return [group for group in ordered if group.changes]


# --- Comments on the draft: a template section, optionally a criterion ---------------------------


def section_key(section_id: str, criterion: str | None = None) -> str:
    """The comment target key for a template section ("s4") and, optionally, a criterion ("s4/coverage")."""
    sections = {s["id"] for s in content().reference("template_sections").items}
    if section_id not in sections:
        raise InvalidInput(f"There is no template section {section_id!r}.")
    if criterion:
        if criterion not in {c["id"] for c in content().reference("criteria").items}:
            raise InvalidInput(f"{criterion!r} is not one of the five criteria for success.")
        return f"{section_id}/{criterion}"
    return section_id


def add_section_comment(engine: Engine, partnership_id: int, *, section_id: str, text: str, author: Author, criterion: str | None = None):
    """A reviewer's comment on a section of the draft (Guide §13.2)."""

    return add_comment(
        engine, partnership_id, target_kind="section", target_key=section_key(section_id, criterion), text=text, author=author
    )


def open_comments_by_section(engine: Engine, partnership_id: int, *, language: str = "en") -> dict[str, list[tuple[str, object]]]:
    """Open comments by template section id: comments on the section itself, and on the questions of
    the chapters that fill it. Each as (what it is about, in the review copy's ``language``; the comment)."""

    c = content()

    def both(english: str, welsh: str) -> Both:
        return Both(english, welsh or english)

    first_section = {ch.id: f"s{ch.template_sections[0]}" for ch in c.chapters if ch.template_sections}
    out: dict[str, list[tuple[str, object]]] = {}
    for thread in threads(engine, partnership_id):
        if not thread.open:
            continue
        comment = thread.comment
        if comment.target_kind == "section":
            section, _, criterion = comment.target_key.partition("/")
            if criterion:
                named = both(c.list_label("criteria", criterion), c.list_label("criteria", criterion, None, "cy"))
                about = phrase("review.about.section_criterion", language, None, criterion=named)
            else:
                about = phrase("review.about.section", language)
        elif comment.target_kind == "prompt" and comment.target_key in c.prompts:
            chapter = c.chapter_of(comment.target_key)
            section = first_section.get(chapter.id, "")
            prompt = c.prompts[comment.target_key]
            about = phrase(
                "review.about.question",
                language,
                None,
                chapter=both(chapter.title, chapter.title_cy),
                question=both(shorten(prompt.label, 80), shorten(prompt.label_cy, 80)),
            )
        else:
            section = first_section.get(comment.chapter_id, "")
            about = phrase("review.about.row", language) if comment.target_kind == "item" else comment.target_kind
        if section:
            out.setdefault(section, []).append((about, comment))
    return out
