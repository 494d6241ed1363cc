"""deploy/: the nginx configuration run as shipped (its ports and paths swapped for the test's own) in
front of two app processes on one PostgreSQL: HTTPS with the security headers, HTTP sent to HTTPS, the
WebSocket passed through, sessions sticky to one process, and a person signing in through it in a real
browser. Needs Debian's nginx and openssl (scripts/test installs them); skipped outside CI without them."""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser_support import (
    IN_CI,
    ROOT,
    UI_TIMEOUT_MS,
    StreamlitServer,
    answer_box,
    create_people,
    free_port,
    give_name,
    launch_chromium,
    require_browser,
    wait_idle,
)

DEPLOY = ROOT / "deploy"
UPSTREAM_HEADER = "X-Test-Upstream"


def _require(tool: str) -> str:
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if os.path.exists(f"/usr/sbin/{tool}") else None)
    if path is None:
        message = f"{tool} is missing; apt-get install {tool} (scripts/test installs it)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def site_config(https_port: int, http_port: int, upstreams: list[int], cert: Path, key: Path) -> str:
    """deploy/nginx.conf with the test's ports and certificate, and a header naming the process that
    answered (the test's only addition: the shipped file does not tell browsers its addresses)."""
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    text = re.sub(r"\n\s*listen \[::\]:\d+( ssl)?;", "", text)
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    text = text.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    text = text.replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{upstreams[0]};")
    text = text.replace("server 127.0.0.1:8502;", f"server 127.0.0.1:{upstreams[1]};")
    text = text.replace("/etc/ssl/csa-workbook/fullchain.pem", str(cert)).replace("/etc/ssl/csa-workbook/privkey.pem", str(key))
    text = text.replace("    location / {", f'    add_header {UPSTREAM_HEADER} "$upstream_addr" always;\n\n    location / {{', 1)
    left = re.search(r"listen (443|80)\b|127\.0\.0\.1:850[12]\b|/etc/ssl/", text)
    assert left is None, f"{left.group(0)} left in the test's copy of deploy/nginx.conf"
    return text


class Nginx:
    def __init__(self, folder: Path, site: str):
        self.folder = folder
        (folder / "site.conf").write_text(site, encoding="utf-8")
        temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (folder / "nginx.conf").write_text(
            f"""daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    access_log {folder / "access.log"};
{temp}
    include {folder / "site.conf"};
}}
""",
            encoding="utf-8",
        )
        self.process: subprocess.Popen | None = None

    def start(self, nginx: str) -> None:
        test = subprocess.run(
            [nginx, "-t", "-p", str(self.folder), "-e", str(self.folder / "error.log"), "-c", str(self.folder / "nginx.conf")],
            capture_output=True,
            text=True,
        )
        assert test.returncode == 0, f"nginx refused deploy/nginx.conf:\n{test.stderr}"
        self.process = subprocess.Popen(
            [nginx, "-p", str(self.folder), "-e", str(self.folder / "error.log"), "-c", str(self.folder / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)


def _context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, cookie: str | None = None):
    request = urllib.request.Request(url, headers={"Cookie": f"workbook_route={cookie}"} if cookie else {})
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=_context()), _NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture
def proxied(pg_engine, tmp_path, monkeypatch):
    """nginx on 127.0.0.1 (HTTPS and HTTP ports) in front of two app processes on one PostgreSQL."""
    nginx, openssl = _require("nginx"), _require("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    create_people(
        pg_engine,
        [("Proxy Person", "Harbourshire Council"), ("Anna Price", "Harbourshire Council"), ("Ben Hughes", "Harbourshire Council")],
    )
    from strategy.people.partnerships import create_partnership

    partnership = create_partnership(pg_engine, name="Harbourshire Safeguarding Partnership", nation="england")
    url = pg_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("WORKBOOK_CLIENT_IP_HEADER", "X-Real-IP")
    servers = [StreamlitServer(url, tmp_path / f"app{n}.log") for n in (1, 2)]
    folder = tmp_path / "nginx"
    folder.mkdir()
    https_port, http_port = free_port(), free_port()
    proxy = Nginx(folder, site_config(https_port, http_port, [s.port for s in servers], cert, key))
    try:
        for server in servers:
            server.start()
        proxy.start(nginx)
        base = f"https://127.0.0.1:{https_port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if fetch(f"{base}/_stcore/health")[0] == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        else:
            pytest.fail("nginx did not answer within 30 s:\n" + (folder / "error.log").read_text(errors="replace")[-2000:])
        yield {
            "base": base,
            "http": f"http://127.0.0.1:{http_port}",
            "ports": {s.port for s in servers},
            "https_port": https_port,
            "engine": pg_engine,
            "partnership_id": partnership.id,
        }
    finally:
        proxy.stop()
        for server in servers:
            server.stop()


def test_the_proxy_serves_https_with_the_security_headers_and_sticky_sessions(proxied):
    status, headers, body = fetch(proxied["base"] + "/")
    assert status == 200 and b"<html" in body.lower()
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    route = re.search(r"workbook_route=([^;]+);.*Secure.*HttpOnly", headers["Set-Cookie"])
    assert route, headers["Set-Cookie"]

    # Plain HTTP is sent to HTTPS.
    status, headers, _ = fetch(proxied["http"] + "/")
    assert status == 301 and headers["Location"].startswith("https://")

    # The same cookie, the same process, every time; different browsers spread over both processes.
    served = {fetch(proxied["base"] + "/_stcore/health", route.group(1))[1][UPSTREAM_HEADER] for _ in range(10)}
    assert len(served) == 1
    seen = set()
    for n in range(60):
        seen.add(fetch(proxied["base"] + "/_stcore/health", f"browser-{n}")[1][UPSTREAM_HEADER])
        if len(seen) == 2:
            break
    assert {int(s.rsplit(":", 1)[1]) for s in seen} == proxied["ports"]


def test_the_websocket_is_passed_through(proxied):
    raw = socket.create_connection(("127.0.0.1", proxied["https_port"]), timeout=10)
    with _context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        key = base64.b64encode(os.urandom(16)).decode()
        tls.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{proxied['https_port']}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                f"Origin: https://127.0.0.1:{proxied['https_port']}\r\n\r\n"
            ).encode()
        )
        answer = tls.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 101"), answer[:300]


def test_a_person_signs_in_through_the_proxy_in_a_real_browser(proxied):
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            page.goto(proxied["base"] + "/", wait_until="domcontentloaded", timeout=UI_TIMEOUT_MS)
            wait_idle(page)
            give_name(page, "Proxy Person", "Harbourshire Council")
            expect(page.get_by_text("Signed in as Proxy Person (Harbourshire Council)")).to_be_visible(timeout=UI_TIMEOUT_MS)
        finally:
            browser.close()


def _routes_to_each_process(proxied) -> list[str]:
    """Two route cookies that the proxy sends to different app processes."""
    by_port: dict[int, str] = {}
    for n in range(100):
        upstream = fetch(proxied["base"] + "/_stcore/health", f"person-{n}")[1][UPSTREAM_HEADER]
        by_port.setdefault(int(upstream.rsplit(":", 1)[1]), f"person-{n}")
        if len(by_port) == 2:
            return list(by_port.values())
    pytest.fail("the proxy sent 100 browsers to one process")


def test_two_people_on_different_app_processes_editing_one_answer_get_the_conflict_view(proxied):
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    from strategy.answers.operations import get_answer
    from tests.test_browser import SCOPE_NOTES, saved_by, status_of

    theirs, mine = "Covers the whole county.", "Exploitation has its own plan."
    url = f"{proxied['base']}/introduction?p={proxied['partnership_id']}"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            pages = []
            for route, name in zip(_routes_to_each_process(proxied), ("Anna Price", "Ben Hughes"), strict=True):
                context = browser.new_context(ignore_https_errors=True)
                context.add_cookies([{"name": "workbook_route", "value": route, "url": proxied["base"]}])
                page = context.new_page()
                page.goto(url, wait_until="domcontentloaded", timeout=UI_TIMEOUT_MS)
                give_name(page, name, "Harbourshire Council")
                expect(answer_box(page, SCOPE_NOTES[1])).to_have_value("", timeout=UI_TIMEOUT_MS)
                pages.append(page)
            anna, ben = pages
            box = answer_box(anna, SCOPE_NOTES[1])
            box.fill(theirs)
            box.press("Tab")
            expect(status_of(anna, SCOPE_NOTES[1])).to_have_text(saved_by("Anna Price", "Harbourshire Council"), timeout=UI_TIMEOUT_MS)
            # Ben, on the other process, loaded the page before Anna saved and writes something else.
            box = answer_box(ben, SCOPE_NOTES[1])
            box.fill(mine)
            box.press("Tab")
            warning = ben.get_by_text("saved this answer while you were editing it")
            expect(warning).to_be_visible(timeout=UI_TIMEOUT_MS)
            expect(warning).to_contain_text("Anna Price")
            stored = get_answer(proxied["engine"], proxied["partnership_id"], SCOPE_NOTES[0])
            assert stored is not None and stored.value == theirs, "a conflicting save must not overwrite the other person's text"
        finally:
            browser.close()
