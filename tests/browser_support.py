"""What the real-browser tests stand on: a Streamlit server of the workbook on a database of the
test's own, Debian's chromium driven by Playwright, and the few moves a person makes in the app.

Readiness is checked the way Streamlit's own e2e tests do it: the server's ``/_stcore/health``
answers "ok", then the page's ``stApp`` element reports ``data-test-script-state="notRunning"``
(checked on Streamlit 1.67: the element also carries ``data-test-connection-state="CONNECTED"``).
Every wait is bounded; nothing here sleeps for a fixed time to "let things settle"."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

#: Generous bounds for waits (milliseconds for Playwright, seconds for the server).
UI_TIMEOUT_MS = 30_000
SERVER_START_S = 60
SERVER_STOP_S = 15

APP_IDLE = "[data-testid='stApp'][data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"


def require_browser() -> None:
    """Skip (outside CI) or fail (in CI) when Playwright or Debian's chromium is missing."""
    problems = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        problems.append(f"Playwright is not importable ({exc}); pip install -r requirements-dev.txt")
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"{CHROMIUM} is missing; apt-get install chromium (Playwright's own download is not used)")
    if problems:
        message = "The browser tests cannot run: " + "; ".join(problems)
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """``streamlit run app.py`` (or ``script``) in a child process, on 127.0.0.1 and a port of its own."""

    def __init__(self, database_url: str, log_path: Path, port: int | None = None, script: str = "app.py"):
        self.script = script
        self.database_url = database_url
        self.log_path = log_path
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        assert self.process is None, "the server is already running"
        env = dict(
            os.environ,
            DATABASE_URL=self.database_url,
            # Other people edit the source while the tests run: no reruns on their saves.
            STREAMLIT_SERVER_FILE_WATCHER_TYPE="none",
        )
        self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self._log.write(f"\n--- starting on port {self.port} ---\n")
        self._log.flush()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                self.script,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + SERVER_START_S
        last = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Streamlit exited with code {self.process.returncode} while starting.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    body = response.read().decode().strip()
                if body == "ok":
                    return
                last = body
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                last = str(exc)
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Streamlit was not healthy within {SERVER_START_S} s (last answer: {last}).\n{self.log_tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(SERVER_STOP_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(SERVER_STOP_S)
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "Server log (end):\n" + "\n".join(text.splitlines()[-lines:])


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)


def sqlite_workbook(folder: Path):
    """A workbook database on a SQLite file of its own in ``folder``: (its URL, its engine)."""
    from strategy.core.db import prepare_database

    url = f"sqlite:///{folder / 'workbook.sqlite3'}"
    return url, prepare_database(url)


@contextlib.contextmanager
def served_in_chromium(url: str, folder: Path):
    """The workbook on ``url`` served by Streamlit, and Debian's chromium to open it: (server, browser).
    Everything is stopped afterwards and the database's engine let go."""
    from playwright.sync_api import expect, sync_playwright

    from strategy.core.db import dispose_engine

    require_browser()
    expect.set_options(timeout=UI_TIMEOUT_MS)
    server = StreamlitServer(url, folder / "streamlit.log")
    playwright = sync_playwright().start()
    try:
        browser = launch_chromium(playwright)
        try:
            server.start()
            yield server, browser
        finally:
            browser.close()
    finally:
        server.stop()
        playwright.stop()
        dispose_engine(url)


def save_status(page, label: str):
    """The save status the page script writes beside the long answer labelled ``label``."""
    return page.locator("[data-testid='stElementContainer']").filter(has=answer_box(page, label)).locator(".wb-save-status")


# --- What a person does in the app ----------------------------------------------------------------


def wait_idle(page) -> None:
    """The app is connected and no script run is in progress."""
    page.locator(APP_IDLE).wait_for(state="attached", timeout=UI_TIMEOUT_MS)


def open_app(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=UI_TIMEOUT_MS)
    wait_idle(page)


def answer_box(page, label: str):
    """The text area whose label is ``label`` (found through its Streamlit container)."""
    # By its exact accessible name: a partnership in Wales also has "<label> (Cymraeg)" beside it.
    return page.locator("[data-testid='stTextArea']").get_by_role("textbox", name=label, exact=True)


def answer_block(page, label: str):
    """The vertical block that holds a prompt's text area, its captions, conflict view and history."""
    return page.locator("[data-testid='stVerticalBlock']").filter(has=answer_box(page, label)).last


PASSWORD = "browser test password"


def username_for(name: str) -> str:
    """The username the browser tests give the account named ``name``."""
    import re

    return re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")


def create_people(engine, people: list[tuple[str, str]]) -> None:
    """Accounts (administrators, so every partnership opens) for everyone the tests sign in as."""
    from strategy.core.authors import Author
    from strategy.people.accounts import create_account

    for name, agency in people:
        create_account(
            engine,
            username=username_for(name),
            display_name=name,
            agency=agency,
            password=PASSWORD,
            is_admin=True,
            author=Author(name="Workbook"),
        )


def give_name(page, name: str, agency: str) -> None:
    """Sign in as the account named ``name`` (made by ``create_people``), if the page is asking."""
    from playwright.sync_api import expect

    wait_idle(page)
    page.get_by_role("heading", level=1).first.wait_for(timeout=UI_TIMEOUT_MS)
    button = page.get_by_role("button", name="Sign in", exact=True)
    if button.count() == 0:
        return
    page.get_by_label("Username").fill(username_for(name))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    button.click()
    expect(button).to_have_count(0, timeout=UI_TIMEOUT_MS)
    wait_idle(page)


def sidebar_link(page, title: str):
    return page.locator("[data-testid='stSidebarNav'] a").filter(has_text=title)
