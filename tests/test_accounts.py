"""Accounts: argon2 hashes, the first administrator, signing in with a wait after repeated
failures, the idle timeout (the clock injected, never slept), single sign-on by email."""

from __future__ import annotations

from datetime import timedelta

import pytest

from strategy.core.audit_log import sign_in_events
from strategy.core.authors import Author
from strategy.core.errors import InvalidInput, NotAllowed
from strategy.core.models import utcnow
from strategy.core.settings import Settings
from strategy.people.accounts import (
    change_password,
    count_accounts,
    create_account,
    create_first_admin,
    find_account,
    session_expired,
    set_disabled,
    sign_in,
    sign_in_with_email,
)
from tests.people_support import PASSWORD, member

SYSTEM = Author(name="Workbook")
SETTINGS = Settings(database_url="", idle_timeout_minutes=30, sign_in_attempts=3, sign_in_delay_seconds=30)


def test_first_run_creates_one_administrator_and_only_once(engine):
    assert count_accounts(engine) == 0
    admin = create_first_admin(engine, username=" Sam.Patel ", display_name="Sam Patel", agency="Council", password=PASSWORD)
    assert admin.is_admin and admin.username == "sam.patel"
    assert admin.password_hash.startswith("$argon2id$") and PASSWORD not in admin.password_hash
    with pytest.raises(NotAllowed, match="already been created"):
        create_first_admin(engine, username="mallory", display_name="Mallory", password=PASSWORD)
    assert count_accounts(engine) == 1


def test_sign_in_with_the_right_password_and_refuse_the_wrong_one(engine):
    create_first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    assert sign_in(engine, "SAM", PASSWORD, settings=SETTINGS).username == "sam"
    with pytest.raises(NotAllowed, match="do not match an account"):
        sign_in(engine, "sam", "wrong password!", settings=SETTINGS)
    with pytest.raises(NotAllowed, match="do not match an account"):  # the same words: no hint which was wrong
        sign_in(engine, "nobody", PASSWORD, settings=SETTINGS)
    actions = [e.action for e in sign_in_events(engine)]
    assert actions[:3] == ["sign_in_failed", "sign_in_failed", "sign_in"]


def test_repeated_failures_impose_a_wait_that_passes(engine):
    create_first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    now = utcnow()
    for _ in range(3):
        with pytest.raises(NotAllowed, match="do not match"):
            sign_in(engine, "sam", "not the password", now=now, settings=SETTINGS)
    # Even the right password waits until the delay has passed.
    with pytest.raises(NotAllowed, match=r"Too many failed sign-ins .* Wait 29 seconds"):
        sign_in(engine, "sam", PASSWORD, now=now + timedelta(seconds=1), settings=SETTINGS)
    assert sign_in(engine, "sam", PASSWORD, now=now + timedelta(seconds=31), settings=SETTINGS).failed_sign_ins == 0


def test_the_wait_doubles_with_each_further_failure(engine):
    create_first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    now = utcnow()
    for step in range(5):
        with pytest.raises(NotAllowed):
            sign_in(engine, "sam", "nope nope nope", now=now + timedelta(hours=step), settings=SETTINGS)
    with pytest.raises(NotAllowed, match="Wait 120 seconds"):
        sign_in(engine, "sam", PASSWORD, now=now + timedelta(hours=4), settings=SETTINGS)


def test_idle_timeout():
    now = utcnow()
    assert not session_expired(now - timedelta(minutes=29), now, SETTINGS)
    assert session_expired(now - timedelta(minutes=31), now, SETTINGS)
    assert not session_expired(now - timedelta(days=3), now, Settings(database_url="", idle_timeout_minutes=0))


def test_a_disabled_account_cannot_sign_in_and_the_last_admin_stays(engine):
    create_first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    create_account(engine, username="jo", display_name="Jo", password=PASSWORD, author=SYSTEM)
    set_disabled(engine, "jo", True, author=SYSTEM)
    with pytest.raises(NotAllowed, match="disabled"):
        sign_in(engine, "jo", PASSWORD, settings=SETTINGS)
    with pytest.raises(InvalidInput, match="only administrator"):
        set_disabled(engine, "sam", True, author=SYSTEM)


def test_only_an_administrator_creates_accounts(engine):
    editor = member(engine, None, None, "editor")
    with pytest.raises(NotAllowed, match="Only an administrator"):
        create_account(engine, username="new", display_name="New", password=PASSWORD, author=editor)
    with pytest.raises(InvalidInput, match="already exists"):
        create_account(engine, username="EDITOR", display_name="Someone", password=PASSWORD, author=SYSTEM)


def test_change_password_needs_the_current_one(engine):
    sam = create_first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    from strategy.people.accounts import author_for

    with pytest.raises(InvalidInput, match="current password is not right"):
        change_password(engine, sam.id, "wrong one!!", "a brand new password", author=author_for(sam))
    with pytest.raises(InvalidInput, match="at least 10"):
        change_password(engine, sam.id, PASSWORD, "short", author=author_for(sam))
    change_password(engine, sam.id, PASSWORD, "a brand new password", author=author_for(sam))
    assert sign_in(engine, "sam", "a brand new password", settings=SETTINGS)


def test_single_sign_on_maps_the_email_to_the_account(engine):
    create_account(engine, username="priya", display_name="Priya", email="Priya@ICB.nhs.uk", password=None, author=SYSTEM)
    assert sign_in_with_email(engine, "priya@icb.nhs.uk", settings=SETTINGS).username == "priya"
    with pytest.raises(NotAllowed, match="has no account in this workbook"):
        sign_in_with_email(engine, "guest@police.uk", settings=SETTINGS)
    auto = Settings(database_url="", sso_auto_create=True)
    guest = sign_in_with_email(engine, "guest@police.uk", "Guest Officer", settings=auto)
    assert guest.display_name == "Guest Officer" and not guest.is_admin
    assert find_account(engine, "guest@police.uk").email == "guest@police.uk"
    # An account made for single sign-on has no password to guess.
    with pytest.raises(NotAllowed):
        sign_in(engine, "priya", "", settings=SETTINGS)


def test_passwords_are_hashed_at_a_strong_cost_outside_the_tests(quick_password_hashes):
    """The hasher the workbook runs with (the tests swap in a quick one): argon2id at OWASP's minimum or above."""
    real = quick_password_hashes
    assert real.type.name == "ID"
    assert real.memory_cost >= 19 * 1024 and real.time_cost >= 2
    stored = real.hash("correct horse battery")
    assert stored.startswith("$argon2id$") and f"m={real.memory_cost},t={real.time_cost}" in stored
