#!/usr/bin/env python3
"""Search benchmark: our engine against Material's default engine on the same pages, in headless Chromium.

  python benchmarks/search.py [QUERIES] [--json OUT]

Builds the site three ways into a temporary folder (hosted with our engine, offline with our engine opened from
file://, hosted with Material's own engine), types every query into Material's search box in each, and prints
precision, recall, correct first hit, the bytes of the search index and the query time measured inside the page
(from the keystroke to the rendered result list). QUERIES defaults to benchmarks/queries.txt: one query a line,
``#`` starts a comment.

Ground truth comes from the pages as shown: a speech page is relevant when the text of its <article>, without
elements marked data-search-exclude, permalinks and scripts, contains every space-separated term of the query (a
"quoted phrase" is one term), white space ignored, full-width forms and Latin case folded. Every result is counted,
also those Material renders only when the list is scrolled. Material's engine cannot run from file:// without a
shim fetched from the internet, so it is measured on the hosted build only; it segments Chinese with jieba when that
is installed (pip install -r benchmarks/requirements.txt), as Material recommends for Chinese.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import importlib.util
import json
import logging
import os
import re
import statistics
import sys
import tempfile
import threading
import urllib.parse
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
LOCAL_PREFIXES = ("http://127.0.0.1", "file:", "data:", "blob:", "about:")

# The text a reader searches: the article without what is marked as not being speech text.
ARTICLE_TEXT_JS = """() => {
  const article = document.querySelector("article").cloneNode(true)
  article.querySelectorAll("[data-search-exclude], .headerlink, nav, script, style").forEach(el => el.remove())
  return article.textContent
}"""

# Types a query into Material's search box and resolves with the milliseconds until the result list is rendered
# (Material rewrites the result count and the first results in one go when the engine answers).
TIMED_QUERY_JS = """query => new Promise(resolve => {
  const input = document.querySelector("[data-md-component=search-query]")
  const meta = document.querySelector(".md-search-result__meta")
  let start
  const observer = new MutationObserver(() => {
    observer.disconnect()
    resolve(performance.now() - start)
  })
  observer.observe(meta, { childList: true, characterData: true, subtree: true })
  input.value = query
  start = performance.now()
  input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }))
})"""

# Scrolls the result list to its end until Material has rendered every result (it renders more each time the end
# comes into view, so the list goes back up in between); returns each result's first link.
ALL_RESULTS_JS = """async () => {
  const container = document.querySelector(".md-search__scrollwrap")
  const items = () => document.querySelectorAll(".md-search-result__item")
  const scrollTo = async top => {
    container.scrollTop = top
    container.dispatchEvent(new Event("scroll"))
    await new Promise(resolve => setTimeout(resolve, 30))
  }
  for (let seen = -1; seen !== items().length;) {
    seen = items().length
    await scrollTo(0)
    await scrollTo(container.scrollHeight)
  }
  return Array.from(items(), item => item.querySelector("a").href)
}"""


@dataclass
class Site:
    engine: str
    """``speechsite`` (ours) or ``material`` (Material's default)."""
    protocol: str
    """``http`` or ``file``."""
    folder: Path
    index_bytes: int = 0


@dataclass
class QueryResult:
    query: str
    relevant: int
    returned: int
    hits: int
    precision: float
    recall: float
    first_hit: bool
    milliseconds: float


@dataclass
class Run:
    site: Site
    results: list[QueryResult] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def fold(text: str) -> str:
    """Text as matched: white space dropped, full-width forms to ASCII, Latin letters in lower case."""
    out = []
    for char in text:
        if char.isspace() or char == "\u200b":
            continue
        if "\uff01" <= char <= "\uff5e":
            char = chr(ord(char) - 0xFEE0)
        lower = char.lower()
        out.append(lower if len(lower) == 1 else char)
    return "".join(out)


def query_terms(query: str) -> list[str]:
    """Space-separated terms and "quoted phrases", folded."""
    parts = query.replace("\uff02", '"').split('"')
    terms = []
    for position, part in enumerate(parts):
        terms += [fold(part)] if position % 2 else [fold(word) for word in part.split()]
    return [term for term in terms if term]


def build_sites(out: Path) -> list[Site]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    sites = [Site("speechsite", "http", out / "site"), Site("speechsite", "file", out / "site-offline"),
             Site("material", "http", out / "site-material")]
    for site in sites:
        config = load_config(config_file=str(PROJECT_DIR / "mkdocs.yml"), site_dir=str(site.folder),
                             use_directory_urls=site.protocol == "http")
        config.plugins["speechsite"].config.search = site.engine == "speechsite"
        config.plugins["speechsite"].config.offline = site.protocol == "file"  # as python build.py makes it
        build(config)
        index = site.folder / "search" / ("search_index.json" if site.protocol == "http" else "search_index.js")
        site.index_bytes = index.stat().st_size
    return sites


@contextmanager
def served(site: Site):
    """The site's home URL: a loopback server for http, the index.html itself for file."""
    if site.protocol == "file":
        yield (site.folder / "index.html").as_uri()
        return
    handler = functools.partial(_QuietHandler, directory=str(site.folder))
    server = _QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a page left while a file was still being sent: nothing to report


def page_key(url: str) -> str:
    """One key per page, whatever the link form: ``…/speeches/05/``, ``…/speeches/05.html``, ``?h=…#p3``."""
    path = urllib.parse.urlsplit(url).path
    return re.sub(r"(/index)?\.html$", "", path).rstrip("/")


def local_only_context(browser, outside_requests: list[str]):
    """A browser context whose requests to any other host are blocked and recorded in ``outside_requests``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(request_route):
        if request_route.request.url.startswith(LOCAL_PREFIXES):
            return request_route.continue_()
        outside_requests.append(request_route.request.url)
        return request_route.abort()

    context.route("**/*", route)
    return context


def measure(browser, site: Site, queries: list[str]) -> Run:
    run = Run(site)
    context = local_only_context(browser, run.outside_requests)
    page = context.new_page()
    page.on("pageerror", lambda error: run.page_errors.append(str(error)))
    with served(site) as home:
        page.goto(home)
        links = page.eval_on_selector_all("nav a[href*='speeches/']", "links => links.map(link => link.href)")
        texts = {}
        for url in dict.fromkeys(links):
            page.goto(url)
            texts[page_key(url)] = fold(page.evaluate(ARTICLE_TEXT_JS))
        page.goto(home)
        placeholder = page.evaluate(
            "() => JSON.parse(document.getElementById('__config').textContent).translations"
            "['search.result.placeholder']")
        page.focus("[data-md-component=search-query]")  # opens search; from file:// that loads the index
        page.wait_for_function("text => document.querySelector('.md-search-result__meta').innerText.trim() === text",
                               arg=placeholder, timeout=30000)
        previous = ""
        for query in queries:
            if query == previous:  # Material only asks the engine again when the query changes
                page.evaluate(TIMED_QUERY_JS, "")
            milliseconds = page.evaluate(TIMED_QUERY_JS, query)
            previous = query
            returned = list(dict.fromkeys(
                key for key in map(page_key, page.evaluate(ALL_RESULTS_JS)) if key in texts))
            terms = query_terms(query)
            relevant = {key for key, text in texts.items() if all(term in text for term in terms)}
            hits = [key for key in returned if key in relevant]
            run.results.append(QueryResult(
                query=query, relevant=len(relevant), returned=len(returned), hits=len(hits),
                precision=len(hits) / len(returned) if returned else float(not relevant),
                recall=len(hits) / len(relevant) if relevant else 1.0,
                first_hit=returned[0] in relevant if returned else not relevant,
                milliseconds=milliseconds))
    context.close()
    return run


def report(runs: list[Run], queries_file: Path, count: int) -> str:
    jieba = "with" if importlib.util.find_spec("jieba") else "without"
    lines = [f"{count} queries from {queries_file}; Material's engine {jieba} jieba",
             f"{'engine':<11} {'site':<5} {'precision':>9} {'recall':>7} {'1st hit':>7} {'index bytes':>12} "
             f"{'ms median':>9} {'ms max':>7} {'outside':>7} {'errors':>6}"]
    for run in runs:
        results = run.results
        ms = [result.milliseconds for result in results]
        lines.append(
            f"{run.site.engine:<11} {run.site.protocol:<5} "
            f"{statistics.mean(r.precision for r in results):>9.3f} {statistics.mean(r.recall for r in results):>7.3f} "
            f"{statistics.mean(r.first_hit for r in results):>7.3f} {run.site.index_bytes:>12,} "
            f"{statistics.median(ms):>9.1f} {max(ms):>7.1f} {len(run.outside_requests):>7} {len(run.page_errors):>6}")
    for run in runs:
        misses = [r for r in run.results if r.precision < 1 or r.recall < 1]
        if misses:
            lines.append(f"misses, {run.site.engine} {run.site.protocol}: " + "; ".join(
                f"{r.query} (relevant {r.relevant}, returned {r.returned}, right {r.hits})" for r in misses[:12])
                + (f"; … {len(misses) - 12} more" if len(misses) > 12 else ""))
    return "\n".join(lines)


def read_queries(path: Path) -> list[str]:
    """One query a line; blank lines and lines starting with # are left out."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="?", type=Path, default=PROJECT_DIR / "benchmarks" / "queries.txt")
    parser.add_argument("--json", type=Path, help="also write every query's numbers here")
    args = parser.parse_args(argv)
    queries = read_queries(args.queries)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    logging.getLogger("jieba").disabled = True  # it resets its level on import; Material's baseline loads it
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="search-bench-") as scratch:
        sites = build_sites(Path(scratch))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            runs = [measure(browser, site, queries) for site in sites]
            browser.close()
    print(report(runs, args.queries, len(queries)))
    if args.json:
        args.json.write_text(json.dumps([{**asdict(run.site), "folder": str(run.site.folder),
                                          "results": [asdict(r) for r in run.results],
                                          "outside_requests": run.outside_requests, "page_errors": run.page_errors}
                                         for run in runs], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_DIR))
    sys.exit(main(sys.argv[1:]))
