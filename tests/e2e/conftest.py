"""Browser fixtures: the site built once per session, served on loopback, and Debian's Chromium driven by Playwright.

Every page opened through `browser_page` has all non-local requests blocked and recorded, and page errors recorded,
so a test can assert that nothing left the machine and nothing broke.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
LOCAL_PREFIXES = ("http://127.0.0.1", "http://localhost", "file:", "data:", "blob:", "about:")


@dataclass
class BuiltSites:
    hosted: Path
    offline: Path | None


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory) -> BuiltSites:
    out = tmp_path_factory.mktemp("e2e")
    result = subprocess.run([sys.executable, str(PROJECT_DIR / "build.py"), "--site-dir", str(out / "site")],
                            cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    offline = out / "site-offline"
    return BuiltSites(out / "site", offline if offline.exists() else None)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def hosted_url(built_sites) -> str:
    """Base URL (with trailing slash) of the hosted site served on an ephemeral loopback port."""
    handler = functools.partial(_QuietHandler, directory=str(built_sites.hosted))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed: apt-get install -y chromium (tests/run.sh does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class PageLog:
    external_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def browser_page(chromium):
    """A fresh page whose non-local requests are blocked; `page.log` records them and any page errors."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log = PageLog()

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL_PREFIXES):
            return request_route.continue_()
        log.external_requests.append(url)
        return request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: log.errors.append(str(error)))
    page.log = log
    yield page
    context.close()
