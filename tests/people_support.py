"""Helpers for tests with accounts: members in each role, and a snapshot proving nothing changed."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import SQLModel

from strategy.core.authors import Author
from strategy.people.accounts import author_for, create_account, set_member_role

PASSWORD = "correct horse battery"


def member(
    engine,
    partnership_id: int | None,
    role: str | None,
    username: str,
    *,
    name: str | None = None,
    agency: str = "Harbourshire Council",
    is_admin: bool = False,
    password: str | None = None,
) -> Author:
    """An account (created by the command line actor) with ``role`` in the partnership; its Author.
    Without a password (hashing is deliberately slow) unless one is asked for."""
    account = create_account(
        engine,
        username=username,
        display_name=name or username.title(),
        agency=agency,
        password=password,
        is_admin=is_admin,
        author=Author(name="Workbook"),
    )
    if partnership_id is not None and role is not None:
        set_member_role(engine, partnership_id, username, role, author=Author(name="Workbook"))
    return author_for(account)


def first_admin(engine, **fields):
    """The first-run administrator, made as the first-run page makes it: with the setup code that the
    server printed."""
    from strategy.people.accounts import create_first_admin, new_setup_code

    return create_first_admin(engine, setup_code=new_setup_code(engine), **fields)


def snapshot(engine) -> dict:
    """Every stored row of every table except the audit log (which records refusals)."""
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name == "auditevent":
                continue
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
    return out


def sign_in_as(
    at, author: Author | None = None, *, role: str | None = None, partnership_id: int | None = None, url: str | None = None
) -> Author:
    """Sign an AppTest in: an account named as ``author`` (an administrator unless ``role`` is given,
    then a member with that role), created in the app's database if missing. Returns its Author."""
    import os
    import re

    from strategy.core.db import prepare_database
    from strategy.core.errors import NotFound
    from strategy.people.accounts import find_account
    from strategy.ui.state import ACCOUNT_KEY, EPOCH_KEY

    engine = prepare_database(url or os.environ["DATABASE_URL"])
    author = author or Author.make("Alex Admin", "Harbourshire Council")
    username = (re.sub(r"[^a-z0-9]+", ".", author.name.lower()).strip(".") or "person") + (f".{role}" if role else "")
    username = username if len(username) > 1 else username + ".user"
    try:
        account = find_account(engine, username)
    except NotFound:
        account = create_account(
            engine,
            username=username,
            display_name=author.name,
            agency=author.agency,
            password=None,
            is_admin=role is None,
            author=Author(name="Workbook"),
        )
    if role and partnership_id is not None:
        set_member_role(engine, partnership_id, username, role, author=Author(name="Workbook"))
    at.session_state[ACCOUNT_KEY] = account.id
    at.session_state[EPOCH_KEY] = account.session_epoch
    return author_for(account)
