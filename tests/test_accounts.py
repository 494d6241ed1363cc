"""Accounts: argon2 hashes, the first administrator (with the setup code from the server's log),
signing in with a wait after repeated failures counted per username and client, passwords at least
12 characters and not on the deny list, a password change signing out other sessions, the idle
timeout (the clock injected, never slept), single sign-on by email."""

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
    ensure_setup_code,
    find_account,
    get_account,
    new_setup_code,
    session_expired,
    set_disabled,
    set_password,
    sign_in,
    sign_in_with_email,
    unlock_sign_in,
    wait_seconds,
)
from tests.people_support import PASSWORD, first_admin, member

SYSTEM = Author(name="Workbook")
SETTINGS = Settings(database_url="", idle_timeout_minutes=30, sign_in_attempts=3, sign_in_delay_seconds=30)


def test_first_run_creates_one_administrator_and_only_once(engine):
    assert count_accounts(engine) == 0
    admin = first_admin(engine, username=" Sam.Patel ", display_name="Sam Patel", agency="Council", password=PASSWORD)
    assert admin.is_admin and admin.username == "sam.patel"
    assert admin.password_hash.startswith("$argon2id$") and PASSWORD not in admin.password_hash
    with pytest.raises(NotAllowed, match="already been created"):
        create_first_admin(engine, username="mallory", display_name="Mallory", password=PASSWORD, setup_code="anything")
    with pytest.raises(NotAllowed, match="already been created"):
        new_setup_code(engine)
    assert count_accounts(engine) == 1


def test_the_first_administrator_needs_the_setup_code_printed_in_the_log_and_it_works_once(engine, caplog):
    made = ensure_setup_code(engine)
    assert made is not None
    assert ensure_setup_code(engine) == made  # a page shown again does not print another code
    code = new_setup_code(engine)  # what the log shows ('python -m strategy users setup-code' prints one too)
    for wrong in ("", "AAAAA-AAAAA-AAAAA-AAAAA", code[:-1]):
        with pytest.raises(NotAllowed, match="setup code is not right"):
            create_first_admin(engine, username="mallory", display_name="Mallory", password=PASSWORD, setup_code=wrong)
    assert count_accounts(engine) == 0
    # Typed in lower case with spaces in place of dashes: still the code.
    admin = create_first_admin(engine, username="sam", display_name="Sam", password=PASSWORD, setup_code=code.lower().replace("-", " "))
    assert admin.is_admin
    assert ensure_setup_code(engine) is None


def test_the_setup_code_goes_to_the_servers_log(engine, capfd):
    code = new_setup_code(engine)
    assert code in capfd.readouterr().err


def test_sign_in_with_the_right_password_and_refuse_the_wrong_one(engine):
    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    assert sign_in(engine, "SAM", PASSWORD, settings=SETTINGS).username == "sam"
    with pytest.raises(NotAllowed, match="do not match an account"):
        sign_in(engine, "sam", "wrong password!", settings=SETTINGS)
    with pytest.raises(NotAllowed, match="do not match an account"):  # the same words: no hint which was wrong
        sign_in(engine, "nobody", PASSWORD, settings=SETTINGS)
    actions = [e.action for e in sign_in_events(engine)]
    assert actions[:3] == ["sign_in_failed", "sign_in_failed", "sign_in"]


def test_repeated_failures_impose_a_wait_that_passes(engine):
    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    now = utcnow()
    for _ in range(3):
        with pytest.raises(NotAllowed, match="do not match"):
            sign_in(engine, "sam", "not the password", now=now, settings=SETTINGS)
    # Even the right password waits until the delay has passed.
    with pytest.raises(NotAllowed, match=r"Too many failed sign-ins .* Wait 29 seconds"):
        sign_in(engine, "sam", PASSWORD, now=now + timedelta(seconds=1), settings=SETTINGS)
    assert sign_in(engine, "sam", PASSWORD, now=now + timedelta(seconds=31), settings=SETTINGS).username == "sam"
    assert wait_seconds(engine, "sam", now=now + timedelta(seconds=32), settings=SETTINGS) == 0


def test_an_unknown_username_is_treated_exactly_like_a_wrong_password(engine):
    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    now = utcnow()
    messages = {}
    for name in ("sam", "nobody"):
        seen = []
        for _ in range(4):
            with pytest.raises(NotAllowed) as refused:
                sign_in(engine, name, "not the password", client="203.0.113.9", now=now, settings=SETTINGS)
            seen.append(refused.value.message.replace(name, "NAME"))
        messages[name] = seen
    # The same words, and the same wait, whether or not the account exists.
    assert messages["sam"] == messages["nobody"]
    assert "Too many failed sign-ins" in messages["nobody"][-1]


def test_an_unknown_username_is_checked_against_a_password_hash_too(engine, monkeypatch):
    """Unknown names cost a hash check like real ones, so timing does not tell them apart."""
    from strategy.people import accounts

    checked = []
    real = accounts._hasher

    class Watching:
        def hash(self, password):
            return real.hash(password)

        def verify(self, stored, password):
            checked.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(accounts, "_hasher", Watching())
    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    for name in ("sam", "nobody"):
        with pytest.raises(NotAllowed):
            sign_in(engine, name, "not the password", settings=SETTINGS)
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


def test_an_attacker_elsewhere_slows_the_real_person_but_never_locks_them_out(engine):
    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    attacker, office = "198.51.100.7", "192.0.2.10"
    at = utcnow()
    # Someone fails on purpose from their own address, trying again each time the wait is over ...
    waits = []
    for _ in range(6):
        at += timedelta(seconds=wait_seconds(engine, "sam", attacker, now=at, settings=SETTINGS))
        with pytest.raises(NotAllowed, match="do not match"):
            sign_in(engine, "sam", "guess guess guess", client=attacker, now=at, settings=SETTINGS)
        waits.append(wait_seconds(engine, "sam", attacker, now=at, settings=SETTINGS))
    # ... and waits longer and longer there.
    assert waits[-1] > waits[2] >= SETTINGS.sign_in_delay_seconds
    # Then from a dozen other addresses at once.
    for n in range(12):
        with pytest.raises(NotAllowed):
            sign_in(engine, "sam", "guess guess guess", client=f"203.0.113.{n}", now=at, settings=SETTINGS)
    # The real person, from their office, waits at most the first delay, never more, and gets in.
    office_wait = wait_seconds(engine, "sam", office, now=at, settings=SETTINGS)
    assert 0 < office_wait <= SETTINGS.sign_in_delay_seconds
    with pytest.raises(NotAllowed, match="Too many failed sign-ins"):
        sign_in(engine, "sam", PASSWORD, client=office, now=at, settings=SETTINGS)
    assert sign_in(engine, "sam", PASSWORD, client=office, now=at + timedelta(seconds=office_wait), settings=SETTINGS)


def test_an_administrator_lets_someone_in_at_once(engine):
    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    create_account(engine, username="jo", display_name="Jo", password=PASSWORD, author=SYSTEM)
    now = utcnow()
    for _ in range(5):
        with pytest.raises(NotAllowed):
            sign_in(engine, "jo", "wrong wrong wrong", now=now, settings=SETTINGS)
    assert wait_seconds(engine, "jo", now=now, settings=SETTINGS) > 0
    with pytest.raises(NotAllowed, match="Only an administrator"):
        unlock_sign_in(engine, "jo", author=member(engine, None, None, "editor"))
    assert wait_seconds(engine, "jo", now=now, settings=SETTINGS) > 0
    assert unlock_sign_in(engine, "jo", author=SYSTEM) >= 2
    assert sign_in(engine, "jo", PASSWORD, now=now, settings=SETTINGS).username == "jo"


def test_a_password_change_or_reset_ends_every_other_session(engine):
    sam = first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    from strategy.people.accounts import author_for

    signed_in_at = sam.session_epoch
    epoch = change_password(engine, sam.id, PASSWORD, "a brand new passphrase", author=author_for(sam))
    assert epoch != signed_in_at and get_account(engine, sam.id).session_epoch == epoch
    set_password(engine, "sam", "another fresh passphrase", author=SYSTEM)
    assert get_account(engine, sam.id).session_epoch not in (signed_in_at, epoch)


@pytest.mark.parametrize(
    "password",
    ["password12", " " * 12, "password1234", "Password2026!", "iloveyou iloveyou", "aaaaaaaaaaaaaaaa", "abababababab", "sam.patel123"],
)
def test_short_common_and_breached_passwords_are_refused(engine, password):
    with pytest.raises(InvalidInput, match="at least 12 characters|list of common and breached passwords"):
        create_account(engine, username="sam.patel", display_name="Sam", password=password, author=SYSTEM)
    assert count_accounts(engine) == 0


def test_a_long_uncommon_passphrase_is_accepted_without_composition_rules(engine):
    assert create_account(engine, username="sam", display_name="Sam", password="purple kettle harbour", author=SYSTEM)
    assert "password" in open_deny_list() and len(open_deny_list()) > 30_000


def open_deny_list():
    from strategy.people.accounts import common_passwords

    return common_passwords()


def test_an_account_made_under_the_old_ten_character_rule_still_signs_in(engine):
    from strategy.people import accounts
    from strategy.people.accounts import find_account as find

    create_account(engine, username="old.timer", display_name="Old Timer", password=None, author=SYSTEM)
    from sqlmodel import Session

    with Session(engine) as session:
        stored = session.get(type(find(engine, "old.timer")), find(engine, "old.timer").id)
        stored.password_hash = accounts._hasher.hash("ten chars!")
        session.add(stored)
        session.commit()
    assert sign_in(engine, "old.timer", "ten chars!", settings=SETTINGS).username == "old.timer"


def test_the_wait_doubles_with_each_further_failure(engine):
    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
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
    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
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
    sam = first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    from strategy.people.accounts import author_for

    with pytest.raises(InvalidInput, match="current password is not right"):
        change_password(engine, sam.id, "wrong one!!", "a brand new password", author=author_for(sam))
    with pytest.raises(InvalidInput, match="at least 12"):
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


def test_failed_sign_ins_at_the_same_moment_are_all_refused_and_all_counted(engine):
    import threading

    from sqlmodel import Session, select

    from strategy.core.models import SignInThrottle

    first_admin(engine, username="sam", display_name="Sam", password=PASSWORD)
    start, outcomes = threading.Barrier(6), []

    def attempt():
        start.wait()
        try:
            sign_in(engine, "new.name", "not the password", client="198.51.100.1", settings=SETTINGS)
        except Exception as exc:  # noqa: BLE001 - recorded and checked below
            outcomes.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(outcomes) == 6 and all(isinstance(e, NotAllowed) for e in outcomes), outcomes
    with Session(engine) as session:
        counted = session.exec(select(SignInThrottle.failures).where(SignInThrottle.key == "name:new.name")).one()
    assert 3 <= counted <= 6  # each counted once, except those that arrived while the wait was already on
