"""Browser fixtures: both sites built once per session (the hosted one served on loopback, the offline one opened
from disk) and Debian's Chromium driven by Playwright.

Every page opened through `browser_page` has all non-local requests blocked and recorded, and page errors and
missing local files recorded, so a test can assert that nothing left the machine and nothing broke.
"""

from __future__ import annotations

import functools
import http.server
import re
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


SITE_URL = "https://speeches.example.org/"
"""The hosted build's address, as in production: canonical links and the sitemap point there (never fetched)."""


@dataclass
class BuiltSites:
    hosted: Path
    """site/: directory URLs, canonical links, sitemap, 404 page."""
    offline: Path
    """site-offline/: plain .html links, opened from disk."""
    offline_zip: Path
    """dist/<seed>-offline.zip: the offline site in one file."""


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory) -> BuiltSites:
    out = tmp_path_factory.mktemp("e2e")
    result = subprocess.run([sys.executable, str(PROJECT_DIR / "build.py"), "--site-url", SITE_URL,
                             "--site-dir", str(out / "site"), "--offline-dir", str(out / "site-offline"),
                             "--dist-dir", str(out / "dist")],
                            cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    zip_path, = (out / "dist").glob("*-offline.zip")
    return BuiltSites(out / "site", out / "site-offline", zip_path)


@pytest.fixture(scope="session")
def offline_url(built_sites) -> str:
    """file:// URL (with trailing slash) of the offline site's folder; pages are e.g. ``index.html``."""
    return built_sites.offline.as_uri() + "/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a static host does: quietly, and with the site's 404.html for anything missing."""

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.exists():
            return super().send_error(code, message, explain)
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


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
    """Requests to any other host (all blocked)."""
    errors: list[str] = field(default_factory=list)
    """Uncaught exceptions on the page."""
    missing: list[str] = field(default_factory=list)
    """Local requests that failed: a missing stylesheet, script, image or index file."""


@pytest.fixture
def browser_page(chromium):
    """A fresh page whose non-local requests are blocked; `page.log` records them, page errors and missing files."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log = PageLog()

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL_PREFIXES):
            return request_route.continue_()
        log.external_requests.append(url)
        return request_route.abort()

    def failed(request):
        # ERR_ABORTED is a request the page itself dropped (a click navigated away before it finished), not a
        # missing file: a missing file over http is a 404 (below), from disk ERR_FILE_NOT_FOUND.
        if request.url not in log.external_requests and "ERR_ABORTED" not in (request.failure or ""):
            log.missing.append(f"{request.url} ({request.failure})")

    def answered(response):
        if response.status == 404:
            log.missing.append(f"{response.url} (404)")

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: log.errors.append(str(error)))
    page.on("requestfailed", failed)
    page.on("response", answered)
    page.log = log
    yield page
    context.close()


def search(page, query: str) -> list[str]:
    """Type query into the search box as a reader would and return the result links (href), once results show."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    box = page.locator("input.md-search__input")
    counted = page.locator(".md-search-result__meta").filter(has_text=re.compile(r"\d"))
    box.click()
    for _ in range(10):  # Material drops a query typed before its index is ready; a reader would type again
        box.fill(query)
        box.press("End")  # Material searches on keyup, which fill() does not send (typing through an IME does)
        try:
            counted.wait_for(timeout=2_000)
            break
        except PlaywrightTimeoutError:
            box.fill("")
    else:
        raise AssertionError(f"no search results for {query!r} within 20 s")
    return page.locator(".md-search-result__item > a").evaluate_all("links => links.map(a => a.href)")


@pytest.fixture(params=["hosted", "offline"])
def site(request, browser_page, hosted_url, offline_url):
    """The home page URL of either build; the offline one is opened from disk with the network switched off."""
    if request.param == "offline":
        browser_page.context.set_offline(True)
        return offline_url + "index.html"
    return hosted_url


def speech_address(site_url: str, number: str) -> re.Pattern:
    """The address of speech ``number`` ("05") in the build that ``site_url`` belongs to."""
    return re.compile(rf"/speeches/{number}\.html$" if site_url.endswith("index.html") else rf"/speeches/{number}/$")
