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

from sqlalchemy import Date, DateTime, Table, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import strategy.core.models  # noqa: F401  (registers every table in the metadata)
from strategy.core.access import require_active, require_role
from strategy.core.audit_log import record
from strategy.core.authors import Author
from strategy.core.db import write_session
from strategy.core.errors import InvalidInput
from strategy.core.models import Membership, Partnership, utcnow
from strategy.core.text import name_key, normalise_name
from strategy.people.partnerships import _check_name

FORMAT = "csa-strategy-workbook-backup"
FORMAT_VERSION = 1
#: Tables with a partnership_id that a backup leaves out, and why.
EXCLUDED = {"membership": "names site accounts", "auditevent": "records the backup itself"}
#: Columns holding another row's id without a declared foreign key: (table, column) -> table.
SOFT_REFERENCES = {("revision", "item_id"): "item"}
MAX_BACKUP_BYTES = 200 * 1024 * 1024


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
    unknown = sorted(set(data["tables"]) - known)
    if unknown:
        raise InvalidInput(
            f"This backup holds tables this workbook does not know ({', '.join(unknown)}); "
            "it was written by a newer version. Update the workbook first."
        )
    return data


def restore_partnership(
    engine: Engine, data: dict, *, new_name: str | None = None, author: Author | None = None, session: Session | None = None
) -> int:
    """Create a new partnership from a backup (all rows, or on any problem none). Returns its id.
    Refuses (InvalidInput) when a partnership of that name exists: give ``new_name``."""

    data = read_backup(json.dumps(data)) if not isinstance(data, dict) or "format" not in data else data
    spec = dict(data["partnership"])
    name = _check_name(new_name if new_name is not None else spec.get("name", ""))
    partnership_table = _partnership_table()
    columns = partnership_table.c
    try:
        with write_session(engine, session=session) as session:
            require_active(session, author)
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
        raise InvalidInput(f"The backup could not be restored: a row is damaged ({exc}). Nothing was restored.") from None


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
