"""A whole partnership to one JSON file and back.

Generic: every table with a ``partnership_id`` column is included (found in SQLModel.metadata),
so tables added later are backed up without changing this module; memberships (they name accounts,
which belong to the site) and the audit log (it records the backup itself) are left out. See
docs/backup-format.md for the format.

Ids are renumbered in the file (1, 2, 3... per table, in the order the rows were written) and
references rewritten to match, so two backups of the same content are the same file apart from
``exported_at``. A restore inserts every row in one transaction with new ids and references
remapped; it never overwrites an existing partnership."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Table, Text, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel

import strategy.core.models  # noqa: F401  (registers every table in the metadata)
from strategy.core.access import require_admin, require_role
from strategy.core.audit_log import record, record_now
from strategy.core.authors import Author
from strategy.core.db import write_session
from strategy.core.errors import InvalidInput, StorageError, WorkbookError
from strategy.core.models import Membership, Partnership, utcnow
from strategy.core.text import DIRECTION_OVERRIDES, ILLEGAL_CHARACTERS, name_key, normalise_name
from strategy.guide.content import content
from strategy.people.partnerships import _check_areas, _check_name, _check_nation, _check_period

FORMAT = "csa-strategy-workbook-backup"
FORMAT_VERSION = 1
#: Tables with a partnership_id that a backup leaves out, and why.
EXCLUDED = {
    "membership": "names site accounts",
    "auditevent": "records the backup itself",
    # A survey link's token is live and unique: a restored copy (or the next period) opens its own links.
    "survey_link": "holds a live link's token",
}
#: Columns holding another row's id without a declared foreign key: (table, column) -> table.
SOFT_REFERENCES = {("revision", "item_id"): "item"}
MAX_BACKUP_BYTES = 200 * 1024 * 1024
#: The longest free text a restored row may hold outside the JSON columns: a 1 MB picture as text
#: (about 1.4 million characters), well above any question's limit (answers get their question's).
MAX_TEXT = 1_500_000
#: The most rows a restored table may hold.
MAX_ROWS = 200_000


#: Tables whose ids others name (beyond foreign keys): restored first.
_AFTER = {"comment": "item", **{t: target for (t, _col), target in SOFT_REFERENCES.items()}}


def _partnership_table() -> Table:
    """The partnership table (SQLModel sets ``Partnership.__table__`` but does not declare it)."""
    return SQLModel.metadata.tables["partnership"]


def partnership_tables() -> list[Table]:
    """Every table backed up, parents before children (soft references included)."""
    tables = [t for t in SQLModel.metadata.sorted_tables if "partnership_id" in t.c and t.name not in EXCLUDED and t.name != "partnership"]
    names = [t.name for t in tables]
    for child, parent in _AFTER.items():
        if child in names and parent in names and names.index(child) < names.index(parent):
            tables.insert(names.index(child), tables.pop(names.index(parent)))
            names = [t.name for t in tables]
    return tables


def _references(table: Table) -> dict[str, str]:
    """column -> referenced table, for ids to renumber (not partnership_id)."""
    refs = {}
    for col in table.c:
        for fk in col.foreign_keys:
            if fk.column.table.name != "partnership":
                refs[col.name] = fk.column.table.name
    refs.update({col: target for (t, col), target in SOFT_REFERENCES.items() if t == table.name})
    return refs


def _dump_value(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _load_value(column, value):
    if value is None:
        return None
    kind = getattr(column.type, "impl", column.type)  # SQLModel's UTCDateTime decorates a DateTime
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def _comment_item_key(row: dict, maps: dict[str, dict[int, int]]) -> None:
    # A comment on a table row names the row's id in its key.
    if row.get("target_kind") == "item" and str(row.get("target_key", "")).isdigit():
        new = maps.get("item", {}).get(int(row["target_key"]))
        if new is not None:
            row["target_key"] = str(new)


def backup_partnership(engine: Engine, partnership_id: int, *, author: Author | None = None, session: Session | None = None) -> dict:
    """The partnership as a JSON-ready dict (see docs/backup-format.md)."""
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "manage")
        data = partnership_content(session, partnership_id)
        record(
            session, author, "backup", partnership_id=partnership_id, detail=", ".join(f"{len(v)} {k}" for k, v in data["tables"].items())
        )
    return data


def partnership_content(session, partnership_id: int, *, leave_out: tuple[str, ...] = ()) -> dict:
    """Every row of the partnership in the backup format, read in ``session`` (no role check: callers
    check). ``leave_out`` names tables to skip (a frozen draft version leaves out the history)."""
    p = session.get(Partnership, partnership_id)
    if p is None:
        raise InvalidInput("That partnership no longer exists.")
    partnership = {c: _dump_value(getattr(p, c)) for c in _partnership_table().c.keys() if c not in ("id", "name_key")}
    maps: dict[str, dict[int, int]] = {}
    tables: dict[str, list[dict]] = {}
    for table in partnership_tables():
        rows = (
            session.execute(select(table).where(table.c.partnership_id == partnership_id).order_by(*table.primary_key.columns))
            .mappings()
            .all()
        )
        maps[table.name] = {r["id"]: n for n, r in enumerate(rows, start=1)}
        tables[table.name] = [dict(r) for r in rows]
    out_tables = {}
    for table in partnership_tables():
        refs = _references(table)
        out = []
        for row in tables[table.name]:
            row = dict(row)
            row["id"] = maps[table.name][row["id"]]
            row.pop("partnership_id")
            for col, target in refs.items():
                if row.get(col) is not None:
                    row[col] = maps.get(target, {}).get(row[col])
            if table.name == "comment":
                _comment_item_key(row, maps)
            out.append({k: _dump_value(v) for k, v in row.items()})
        if table.name not in leave_out:
            out_tables[table.name] = out
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": utcnow().isoformat(),
        "partnership": partnership,
        "tables": out_tables,
    }


def backup_json(engine: Engine, partnership_id: int, *, author: Author | None = None) -> str:
    return json.dumps(backup_partnership(engine, partnership_id, author=author), ensure_ascii=False, indent=1, sort_keys=True)


def read_backup(text: str | bytes) -> dict:
    """Parse and check a backup file; InvalidInput naming what is wrong."""
    if isinstance(text, bytes):
        if len(text) > MAX_BACKUP_BYTES:
            raise InvalidInput(f"The backup file is larger than {MAX_BACKUP_BYTES // (1024 * 1024)} MB.")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("This file is not a workbook backup (it is not UTF-8 JSON).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"This file is not a workbook backup (not valid JSON: {exc.msg}, line {exc.lineno}).") from None
    except RecursionError:
        raise InvalidInput("This file is not a workbook backup: its JSON is nested far deeper than a backup ever is.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput("This file is not a workbook backup (its 'format' is not the workbook's).")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InvalidInput(
            f"This backup is format version {version!r}; this workbook reads version {FORMAT_VERSION} and older. Update the workbook first."
        )
    if not isinstance(data.get("partnership"), dict) or not isinstance(data.get("tables"), dict):
        raise InvalidInput("This backup is incomplete: it has no partnership or no tables.")
    known = {t.name for t in partnership_tables()}
    unknown = sorted(set(data["tables"]) - known, key=str)
    if unknown:
        raise InvalidInput(
            f"This backup holds tables this workbook does not know ({', '.join(map(str, unknown))[:300]}); "
            "it was written by a newer version. Update the workbook first."
        )
    check_backup(data)
    return data


def _where(table: str, n: int, column: str) -> str:
    return f"The backup's {table} row {n}, column '{column}'"


def _check_value(table: Table, column, value, n: int) -> None:
    """One value against the checks the pages apply: InvalidInput naming where it is."""
    where = _where(table.name, n, column.name)
    kind = getattr(column.type, "impl", column.type)
    if value is None:
        if not column.nullable and column.name != "id":
            raise InvalidInput(f"{where} is empty, but it must hold a value. Nothing was restored.")
        return
    if isinstance(kind, Boolean):
        ok = isinstance(value, bool)
    elif isinstance(kind, Integer):
        ok = isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31
    elif isinstance(kind, Float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")
    else:
        ok = isinstance(value, str)
    if not ok:
        raise InvalidInput(f"{where} should be {_kind_name(kind)}, not {type(value).__name__} {str(value)[:40]!r}. Nothing was restored.")
    if not isinstance(value, str):
        return
    if isinstance(kind, (DateTime, Date)):
        try:
            (datetime if isinstance(kind, DateTime) else date).fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{where} should be a date, not {value[:40]!r}. Nothing was restored.") from None
        return
    if ILLEGAL_CHARACTERS.search(value):
        raise InvalidInput(
            f"{where} contains an invisible control character (such as NUL) that the workbook never stores. "
            "The file is damaged or was edited by hand. Nothing was restored."
        )
    limit = getattr(kind, "length", None)
    if isinstance(kind, String) and not isinstance(kind, Text) and limit:
        if DIRECTION_OVERRIDES.search(value):
            raise InvalidInput(
                f"{where} contains a direction override character (such as U+202E), which can disguise what a name "
                "says. Nothing was restored."
            )
    elif column.name.endswith("_json"):
        limit = MAX_BACKUP_BYTES
    else:
        limit = MAX_TEXT
    if table.name in _ANSWER_TABLES and column.name == "value":
        limit = _answer_limit(n, limit)
    if limit and len(value) > limit:
        raise InvalidInput(f"{where} is {len(value):,} characters long; the most it can hold is {limit:,}. Nothing was restored.")


_ANSWER_PROMPT: dict[int, str] = {}
#: Tables of one answer per prompt (the English, and its Welsh version): each value within its question's limit.
_ANSWER_TABLES = ("answer", "answer_welsh")


def _answer_limit(n: int, default: int) -> int:
    prompt = content().prompts.get(_ANSWER_PROMPT.get(n, ""))
    return prompt.limit if prompt is not None and prompt.type in ("text", "longtext") else default


def _kind_name(kind) -> str:
    if isinstance(kind, Boolean):
        return "true or false"
    if isinstance(kind, (Integer, Float)):
        return "a number"
    return "text"


def check_backup(data: dict) -> None:
    """Every row of a parsed backup checked before anything is written (see the module's notes)."""
    spec = data["partnership"]
    columns = _partnership_table().c
    for key, value in spec.items():
        if key not in columns or key in ("id", "name_key"):
            raise InvalidInput(
                f"The backup's partnership has a field this workbook does not know ({str(key)[:60]!r}). Nothing was restored."
            )
        _check_value(_partnership_table(), columns[key], value, 1)
    _check_name(str(spec.get("name", "")))
    _check_nation(str(spec.get("nation", "")))
    _check_period(spec.get("period_start"), spec.get("period_end"))
    _check_areas(str(spec.get("areas", "") or ""))
    ids: dict[str, set[int]] = {}
    for table in partnership_tables():
        rows = data["tables"].get(table.name, [])
        if not isinstance(rows, list):
            raise InvalidInput(f"The backup's {table.name} table is not a list of rows. Nothing was restored.")
        if len(rows) > MAX_ROWS:
            raise InvalidInput(f"The backup's {table.name} table has {len(rows):,} rows; the most a restore takes is {MAX_ROWS:,}.")
        seen: set[int] = set()
        _ANSWER_PROMPT.clear()
        for n, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise InvalidInput(f"The backup's {table.name} row {n} is not a record. Nothing was restored.")
            unknown = [k for k in row if k not in table.c or k == "partnership_id"]
            if unknown:
                raise InvalidInput(
                    f"The backup's {table.name} row {n} has a column this workbook does not know ({str(unknown[0])[:60]!r}). "
                    "Nothing was restored."
                )
            if not isinstance(row.get("id"), int) or isinstance(row.get("id"), bool) or row["id"] in seen:
                raise InvalidInput(
                    f"The backup's {table.name} row {n} has no id of its own (or the same id as another row). Nothing was restored."
                )
            seen.add(row["id"])
            if table.name in _ANSWER_TABLES and isinstance(row.get("prompt_id"), str):
                _ANSWER_PROMPT[n] = row["prompt_id"]
            for column in table.c:
                if column.name in row:
                    _check_value(table, column, row[column.name], n)
        ids[table.name] = seen
    for table in partnership_tables():
        for ref, target in _references(table).items():
            for n, row in enumerate(data["tables"].get(table.name, []), start=1):
                value = row.get(ref)
                if value is not None and value not in ids.get(target, set()):
                    raise InvalidInput(
                        f"{_where(table.name, n, ref)} names {target} {value}, which is not in the backup. "
                        "The file is damaged or was edited by hand. Nothing was restored."
                    )


def restore_partnership(
    engine: Engine,
    data: dict,
    *,
    new_name: str | None = None,
    author: Author | None = None,
    session: Session | None = None,
    next_period_of: int | None = None,
) -> int:
    """Create a new partnership from a backup (all rows, or on any problem none). Returns its id.
    Site administrators only; or, with ``next_period_of``, an owner carrying that partnership of theirs
    into its next strategy period (strategy.people.periods). Refuses (InvalidInput) when a partnership
    of that name exists: give ``new_name``. A refusal is recorded in the audit log, with its reason."""
    try:
        return _restore(engine, data, new_name=new_name, author=author, session=session, next_period_of=next_period_of)
    except WorkbookError as exc:
        if session is None and not isinstance(exc, StorageError):
            record_now(engine, author, "restore_refused", detail=exc.message[:500])
        raise


def _restore(
    engine: Engine, data: dict, *, new_name: str | None, author: Author | None, session: Session | None, next_period_of: int | None = None
) -> int:
    try:
        text = json.dumps(data)
    except (RecursionError, TypeError, ValueError):
        raise InvalidInput("This is not a workbook backup: it holds values a backup never has, or is nested far too deeply.") from None
    checked = read_backup(text)  # every check, whoever built the dict
    if not isinstance(data, dict) or "format" not in data:
        data = checked
    spec = dict(data["partnership"])
    name = _check_name(new_name if new_name is not None else spec.get("name", ""))
    partnership_table = _partnership_table()
    columns = partnership_table.c
    try:
        with write_session(engine, session=session) as session:
            if next_period_of is not None:
                require_role(session, author, next_period_of, "manage")
            else:
                require_admin(session, author)
            if session.execute(select(columns.id).where(columns.name_key == name_key(name))).first():
                raise InvalidInput(
                    f"A partnership called '{normalise_name(name)}' already exists, and a restore never "
                    "overwrites one. Restore it under another name (--as NEW_NAME)."
                )
            values = {c.name: _load_value(c, spec.get(c.name)) for c in columns if c.name in spec and c.name != "id"}
            values.update(name=name, name_key=name_key(name))
            pid = session.execute(insert(partnership_table).values(**values).returning(columns.id)).scalar_one()
            maps: dict[str, dict[int, int]] = {}
            for table in partnership_tables():
                refs = _references(table)
                maps[table.name] = {}
                for row in data["tables"].get(table.name, []):
                    _restore_row(session, table, row, pid, refs, maps)
            if author is not None and author.user_id is not None:
                session.add(Membership(partnership_id=pid, account_id=author.user_id, role="owner"))
            record(
                session,
                author,
                "restore",
                partnership_id=pid,
                detail=f"from a backup of '{spec.get('name', '')}' made {data.get('exported_at', '')}",
            )
            return pid
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"The backup could not be restored: a row is damaged ({str(exc)[:200]}). Nothing was restored.") from None
    except SQLAlchemyError as exc:  # a constraint the checks above did not foresee: refused, not a traceback
        raise InvalidInput(
            "The backup could not be restored: its rows do not fit together "
            f"({type(exc.orig if hasattr(exc, 'orig') else exc).__name__}). Nothing was restored."
        ) from None


def _restore_row(session, table: Table, row: dict, pid: int, refs: dict[str, str], maps: dict) -> None:
    if not isinstance(row, dict) or not isinstance(row.get("id"), int):
        raise ValueError(f"a {table.name} row without an id")
    values: dict[str, Any] = {}
    for col in table.c:
        if col.name in ("id", "partnership_id") or col.name not in row:
            continue
        values[col.name] = _load_value(col, row[col.name])
    for name, target in refs.items():
        if values.get(name) is not None:
            values[name] = maps.get(target, {}).get(values[name])
    if table.name == "comment":
        _comment_item_key(values, maps)
    values["partnership_id"] = pid
    new_id = session.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
    maps[table.name][row["id"]] = new_id
