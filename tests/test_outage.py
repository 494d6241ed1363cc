"""PostgreSQL going away and coming back: a clear message meanwhile, nothing half-saved, and the
workbook carries on when the server is back. The server is reached through a small TCP relay
that the test stops and starts (the real server is shared, so it is never stopped)."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy.engine import make_url

from strategy.answers.operations import get_answer, save_answer
from strategy.core.authors import Author
from strategy.core.db import dispose_engine, prepare_database
from strategy.core.errors import StorageError
from strategy.people.partnerships import create_partnership


class Relay:
    """Forwards a local port to the PostgreSQL server until stopped; can start again."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen()
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self) -> None:
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread, so the port closes now
        except OSError:
            pass
        self.listener.close()
        for s in self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.conns.clear()


@pytest.fixture
def relayed(postgres_url):
    u = make_url(postgres_url)
    relay = Relay((u.host or "127.0.0.1", u.port or 5432))
    relay.start()
    url = u.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    yield relay, url
    dispose_engine(url)
    try:
        relay.stop()
    except OSError:
        pass


def test_postgresql_going_away_and_coming_back(relayed):
    relay, url = relayed
    engine = prepare_database(url)
    author = Author.make("Sam")
    p = create_partnership(engine, name="Harbourshire", nation="england")
    saved = save_answer(engine, p.id, "intro.purpose", "Before the outage", expected_version=0, author=author)

    relay.stop()
    with pytest.raises(StorageError, match="cannot be reached. Check it is running"):
        save_answer(engine, p.id, "intro.purpose", "During the outage", expected_version=saved.version, author=author)
    with pytest.raises(StorageError, match="cannot be reached"):
        get_answer(engine, p.id, "intro.purpose")

    relay.start()
    assert get_answer(engine, p.id, "intro.purpose").value == "Before the outage"  # nothing half-saved
    again = save_answer(engine, p.id, "intro.purpose", "After the outage", expected_version=saved.version, author=author)
    assert again.version == saved.version + 1


def test_the_app_says_the_database_cannot_be_reached_and_recovers(relayed, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from strategy.ui.state import PARTNERSHIP_KEY
    from tests.people_support import sign_in_as
    from tests.test_app import APP

    relay, url = relayed
    monkeypatch.setenv("DATABASE_URL", url)
    engine = prepare_database(url)
    p = create_partnership(engine, name="Harbourshire", nation="england")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[PARTNERSHIP_KEY] = str(p.id)
    sign_in_as(at, url=url)
    at.run()
    assert not at.exception

    relay.stop()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("cannot be reached" in e.value for e in at.error)

    relay.start()
    at.run()
    assert not at.exception and not at.error
    assert "Harbourshire" in [s.value for s in at.header]
