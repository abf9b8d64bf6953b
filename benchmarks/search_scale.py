#!/usr/bin/env python3
"""Search at scale: a synthetic compilation of SCALE times the seed's text, its search index split (a head, postings
and shards of text), and
Material's search box with our engine answering queries in headless Chromium, over http and from file://.

  python benchmarks/search_scale.py [--scale 100] [--queries FILE] [--full] [--json OUT]

The compilation comes from benchmarks/synthetic.py as in benchmarks/scale.py (19 speeches as long as the seed's for
each time the seed: the seed's paragraphs recombined), split by the pipeline. By default the seed's site is built
(hosted and offline) and the large index is put in place of the seed's: Material's real search box and our engine
then answer over the large index without thousands of pages being built. With --full the synthetic compilation's
own site is built with build.py (about a minute at 100x), and a result is opened.

Prints the index's bytes (every file; what a page loads before any query; what each query loads), and per query,
each in a fresh browser context (nothing cached) and again in one page that has answered all of them before: the
milliseconds from the keystroke until results appear in the page, and until the complete answer does (the same
unless Material showed something before our answer, or an archive of more than 6 segments answered first from the
first 6: see SplitIndex.query in search-engine.js). The complete answer
is checked twice: its pages against a brute-force check over the texts (every term contained, white space ignored, case and
width folded), and its order against the engine over the whole index in one piece, as before the split.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from scale import RUNS_PER_SPEECH, SEED_SPEECHES  # noqa: E402
from search import (CHROMIUM, CHROMIUM_ARGS, Site, fold, local_only_context, query_terms,  # noqa: E402
                    read_queries, served)
from synthetic import SEED, make  # noqa: E402

from speechsite.pipeline import build_compilation  # noqa: E402
from speechsite.search_index import (INDEX_JSON, INDEX_SCRIPT, file_bytes, haystack, index_files,  # noqa: E402
                                     search_index)

ENGINE = PROJECT_DIR / "templates" / "theme" / "assets" / "speechsite" / "search-engine.js"

# Records every answer of our engine with the time it arrived: from the worker on the hosted site, from the stand-in
# on the page (search-setup.js dispatches its answers as events) from file://.
RECORD_ANSWERS_JS = """(() => {
  window.__answers = []
  const record = data => {
    if (data && data.type === 3)
      __answers.push({ time: performance.now(), pages: data.data.items.map(group => group[group.length - 1].location) })
  }
  const NativeWorker = window.Worker
  window.Worker = function Worker(url, options) {
    const worker = new NativeWorker(url, options)
    worker.addEventListener("message", event => record(event.data))
    return worker
  }
  const dispatch = EventTarget.prototype.dispatchEvent
  EventTarget.prototype.dispatchEvent = function (event) {
    if (event.type === "message" && !(this instanceof NativeWorker))
      record(event.data)
    return dispatch.call(this, event)
  }
})()"""

# Types a query into Material's search box and waits for the complete answer: the one whose pages are `expected`,
# else the last one when none came for `settle` ms. Times are from the keystroke: `first` until the result list first
# changes, `complete` until it changes with the complete answer.
TIMED_QUERY_JS = """async ({ query, expected, settle }) => {
  const input = document.querySelector("[data-md-component=search-query]")
  const results = document.querySelector(".md-search-result")
  const changes = []
  const observer = new MutationObserver(() => changes.push(performance.now()))
  observer.observe(results, { childList: true, characterData: true, subtree: true })
  const before = __answers.length
  const same = pages => pages.length === expected.length && pages.every((page, i) => page === expected[i])
  input.value = query
  const start = performance.now()
  input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }))
  const last = () => __answers.length > before ? __answers[__answers.length - 1] : null
  while (!(last() && same(last().pages)) && performance.now() - (last() ? last().time : start) < settle)
    await new Promise(resolve => setTimeout(resolve, 5))
  await new Promise(resolve => setTimeout(resolve, 0))   /* the result list is rendered right after the answer */
  observer.disconnect()
  const complete = last()
  return {
    first: changes.length ? changes[0] - start : null,
    complete: complete ? (changes.find(time => time >= complete.time) || complete.time) - start : null,
    answers: __answers.length - before,
    answerTimes: __answers.slice(before).map(answer => answer.time - start),
    everyAnswer: __answers.slice(before).map(answer => answer.pages),
    pages: complete ? complete.pages : [],
  }
}"""


@dataclass
class QueryRun:
    query: str
    expected: int
    """Pages that contain every term (brute force)."""
    first_ms: float | None
    complete_ms: float | None
    answers: int
    right_pages: bool
    """The complete answer holds exactly the expected pages, and every answer before it only expected ones."""
    right_order: bool
    loaded_bytes: int
    """Bytes of index files the query made the page load (after the head)."""
    shards: int


@dataclass
class Run:
    site: Site
    warm: bool
    head_bytes: int
    results: list[QueryRun] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def page_of(location: str) -> str:
    """One name per page or TOC entry, whatever the site's URL style: ``speeches/0005``, or ``#toc-12`` (home)."""
    path, hash_, fragment = location.partition("#")
    path = re.sub(r"(\.html|/)$", "", path.removeprefix("./"))
    return ("" if path == "index" else path) + hash_ + fragment


def build_sites(out: Path, seed: Path) -> list[Site]:
    sites = [Site("speechsite", "http", out / "site"), Site("speechsite", "file", out / "site-offline")]
    built = subprocess.run([sys.executable, str(PROJECT_DIR / "build.py"), str(seed), "--site-dir",
                            str(sites[0].folder), "--offline-dir", str(sites[1].folder), "--dist-dir", str(out / "dist")],
                           cwd=PROJECT_DIR, capture_output=True, text=True)
    if built.returncode:
        raise SystemExit(f"build.py {seed} failed:\n{built.stderr}")
    return sites


def write_index(site: Site, index: dict) -> None:
    """Put an index in place of the one the site was built with."""
    for folder in (site.folder / "search" / "shards", site.folder / "search" / "postings"):
        for old in folder.glob("*") if folder.exists() else []:
            old.unlink()
    for path, content in index_files(index, scripts=site.protocol == "file").items():
        (site.folder / path).parent.mkdir(parents=True, exist_ok=True)
        (site.folder / path).unlink(missing_ok=True)  # a link to the file store's entry, which must keep its bytes
        (site.folder / path).write_bytes(file_bytes(path, content))


def index_bytes(site: Site) -> tuple[int, int, int, int]:
    """Bytes of the index files this site's pages use (JSON over http, the shards gzipped; scripts from file://): all
    of them, the head (loaded with the page), and the number of shards of text and of postings files."""
    search = site.folder / "search"
    head = search / Path(INDEX_JSON if site.protocol == "http" else INDEX_SCRIPT).name
    shards = list(search.glob("shards/*.json.gz" if site.protocol == "http" else "shards/*.js"))
    postings = list(search.glob("postings/*.json" if site.protocol == "http" else "postings/*.js"))
    total = head.stat().st_size + sum(path.stat().st_size for path in shards + postings)
    return total, head.stat().st_size, len(shards), len(postings)


def brute_force(docs: list[dict], queries: list[str]) -> dict[str, set[str]]:
    """The pages where each term of the query is in the title or in one paragraph, white space ignored, case and width
    folded."""
    fields = {page_of(doc["location"]): [fold(doc["title"])] + [fold(text) for _, text, _ in doc.get("paragraphs", [])]
              for doc in docs}
    return {query: {page for page, texts in fields.items()
                    if all(any(term in text for text in texts) for term in query_terms(query))} for query in queries}


REFERENCE_CHUNK_DOCS = 500
"""Docs handed to the reference engine at a time: the whole index of 1,000 times the seed is more text than one
message between Playwright and the browser can carry."""


def reference_order(browser, docs: list[dict], queries: list[str]) -> dict[str, list[str]]:
    """Each query's pages, best first, from the engine over the whole index in one piece (no shards)."""
    page = browser.new_page()
    page.add_script_tag(path=str(ENGINE))
    with_text = [doc for doc in docs if "paragraphs" in doc]
    text = {"count": len(with_text), "length": sum(len(haystack(doc)) for doc in with_text)}
    page.evaluate("text => { window.__reference = new SpeechsiteSearch.Engine([], text) }", text)
    for start in range(0, len(docs), REFERENCE_CHUNK_DOCS):
        page.evaluate("([docs, start]) => { __reference.add(docs, start) }",
                      [docs[start:start + REFERENCE_CHUNK_DOCS], start])
    answers = page.evaluate("""queries => queries.map(
      query => __reference.search(query).items.map(group => group[group.length - 1].location))""", queries)
    page.close()
    return {query: [page_of(location) for location in pages] for query, pages in zip(queries, answers)}


def open_search(page, home: str) -> None:
    """Open the home page and the search box, and wait until the engine has answered the empty query."""
    page.goto(home)
    placeholder = page.evaluate(
        "() => JSON.parse(document.getElementById('__config').textContent).translations['search.result.placeholder']")
    page.focus("[data-md-component=search-query]")  # opens search; from file:// that loads the index
    page.wait_for_function("text => document.querySelector('.md-search-result__meta').innerText.trim() === text",
                           arg=placeholder, timeout=60_000)


def measure(browser, site: Site, queries: list[str], expected: dict[str, set[str]],
            reference: dict[str, list[str]], warm: bool) -> Run:
    """Every query cold (a fresh context each, so no file is cached) or warm (one page, after all queries once)."""
    run = Run(site, warm, head_bytes=index_bytes(site)[1])
    sizes = {path.relative_to(site.folder).as_posix(): path.stat().st_size
             for folder in ("shards", "postings") for path in (site.folder / "search" / folder).glob("*")}
    with served(site) as home:
        def new_page():
            context = local_only_context(browser, run.outside_requests)
            context.add_init_script(RECORD_ANSWERS_JS)
            page = context.new_page()
            page.on("pageerror", lambda error: run.page_errors.append(str(error)))
            loaded = []
            context.on("request", lambda request: loaded.append(request.url))
            open_search(page, home)
            return page, loaded

        def ask(page, query):
            return page.evaluate(TIMED_QUERY_JS, {"query": query, "expected": _locations(site, reference[query]),
                                                  "settle": 20_000})

        if warm:
            page, loaded = new_page()
            for query in queries:
                ask(page, query)
        for query in queries:
            if not warm:
                page, loaded = new_page()
            del loaded[:]
            answer = ask(page, query)
            files = [url.split("/search/", 1)[1] for url in loaded if re.search("/search/(shards|postings)/", url)]
            pages = [page_of(location) for location in answer["pages"]]
            run.results.append(QueryRun(
                query=query, expected=len(expected[query]), first_ms=answer["first"],
                complete_ms=answer["complete"], answers=answer["answers"],
                right_pages=set(pages) == expected[query] and len(pages) == len(set(pages))
                and all({page_of(location) for location in each} <= expected[query] for each in answer["everyAnswer"]),
                right_order=pages == reference[query],
                loaded_bytes=sum(sizes.get(f"search/{name}", 0) for name in files),
                shards=sum(name.startswith("shards/") for name in files)))
            if not warm:
                page.context.close()
        if warm:
            page.context.close()
    return run


def _locations(site: Site, pages: list[str]) -> list[str]:
    """Pages as the site's index writes their locations."""
    def location(page: str) -> str:
        path, hash_, fragment = page.partition("#")
        if site.protocol == "http":
            return (path + "/" if path else "./") + hash_ + fragment
        return (path or "index") + ".html" + hash_ + fragment
    return [location(page) for page in pages]


def open_first_result(browser, site: Site, query: str, pages: list[str]) -> str:
    """Search, wait for the complete answer (`pages`), open the first result (a --full build has every page), and
    say which page opened."""
    with served(site) as home:
        context = browser.new_context()
        context.add_init_script(RECORD_ANSWERS_JS)
        page = context.new_page()
        open_search(page, home)
        page.evaluate(TIMED_QUERY_JS, {"query": query, "expected": _locations(site, pages), "settle": 20_000})
        page.locator(".md-search-result__item > a").first.click()
        page.wait_for_load_state()
        opened = page_of(urllib.parse.urlsplit(page.url.removeprefix(home.removesuffix("index.html"))).path)
        title = page.locator("article h1").first.inner_text().rstrip("¶")
        context.close()
    return f"opened {opened} ({'the first of the complete answer' if opened == pages[0] else 'NOT the first'}): {title}"


def report(runs: list[Run], sizes: dict[str, tuple[int, int, int, int]], queries: int) -> str:
    lines = []
    for protocol, (total, head, shards, postings) in sizes.items():
        lines.append(f"index over {protocol}: {total:,} bytes in all, {shards} shards of text, {postings} postings "
                     f"files; the head, loaded with the page: {head:,} bytes")
    lines.append(f"{queries} queries. ms from the keystroke: median / 90th percentile / max")
    lines.append(f"{'site':<5} {'cache':<5} {'first results':>22} {'complete results':>22} {'2 answers':>9} "
                 f"{'right pages':>11} {'right order':>11} {'loaded per query: median / max bytes':>38}")
    for run in runs:
        results = run.results
        loaded = sorted(result.loaded_bytes for result in results)
        lines.append(
            f"{run.site.protocol:<5} {'warm' if run.warm else 'cold':<5} "
            f"{_spread([r.first_ms for r in results]):>22} {_spread([r.complete_ms for r in results]):>22} "
            f"{sum(r.answers > 1 for r in results):>9} "
            f"{sum(r.right_pages for r in results):>5}/{len(results):<5} "
            f"{sum(r.right_order for r in results):>5}/{len(results):<5} "
            f"{statistics.median(loaded):>24,.0f} / {max(loaded):,}")
    for run in runs:
        wrong = [r for r in run.results if not (r.right_pages and r.right_order)]
        if wrong:
            lines.append(f"wrong, {run.site.protocol} {'warm' if run.warm else 'cold'}: " + "; ".join(
                f"{r.query} (pages {'ok' if r.right_pages else 'WRONG'}, order {'ok' if r.right_order else 'WRONG'})"
                for r in wrong))
        if run.outside_requests or run.page_errors:
            lines.append(f"{run.site.protocol}: outside requests {run.outside_requests[:3]}, errors "
                         f"{run.page_errors[:3]}")
    return "\n".join(lines)


def _spread(values: list[float | None]) -> str:
    if any(value is None for value in values):
        return "no answer"
    values = sorted(values)
    return f"{statistics.median(values):.0f} / {values[int(0.9 * (len(values) - 1))]:.0f} / {values[-1]:.0f}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=100, help="times the seed's text (default 100)")
    parser.add_argument("--queries", type=Path, default=PROJECT_DIR / "benchmarks" / "queries.txt")
    parser.add_argument("--full", action="store_true", help="build the synthetic compilation's own site (slow)")
    parser.add_argument("--json", type=Path, help="also write every query's numbers here")
    args = parser.parse_args(argv)
    queries = read_queries(args.queries)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="search-scale-") as scratch:
        scratch = Path(scratch)
        synthetic = scratch / f"synthetic-{args.scale:g}x.txt"
        made = make(round(SEED_SPEECHES * args.scale), runs_per_speech=RUNS_PER_SPEECH)
        synthetic.write_text(made.text, encoding="utf-8")
        started = time.perf_counter()
        compilation = build_compilation(synthetic, with_analysis=False)
        print(f"{len(made.text):,} characters ({len(made.text) / len(SEED.read_text(encoding='utf-8')):.1f}x the "
              f"seed), {len(compilation.speeches):,} speeches; split in {time.perf_counter() - started:.0f} s",
              flush=True)
        hosted = search_index([compilation], lambda uri: "./" if uri == "index.md" else uri.removesuffix(".md") + "/")
        offline = search_index([compilation], lambda uri: uri.removesuffix(".md") + ".html")
        started = time.perf_counter()
        sites = build_sites(scratch, synthetic if args.full else SEED)
        print(f"built the {'synthetic' if args.full else 'seed'}'s sites in {time.perf_counter() - started:.0f} s",
              flush=True)
        if not args.full:
            started = time.process_time()
            write_index(sites[0], hosted)
            print(f"wrote the hosted site's index in {time.process_time() - started:.1f} CPU s", flush=True)
            write_index(sites[1], offline)
        sizes = {site.protocol: index_bytes(site) for site in sites}
        expected = brute_force(hosted["docs"], queries)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            reference = reference_order(browser, hosted["docs"], queries)
            runs = [measure(browser, site, queries, expected, reference, warm)
                    for site in sites for warm in (False, True)]
            opened = [open_first_result(browser, site, queries[0], reference[queries[0]]) for site in sites
                      if args.full]
            browser.close()
    print(report(runs, sizes, len(queries)))
    for site, outcome in zip(sites, opened):
        print(f"{site.protocol}: the first result for {queries[0]} {outcome}")
    if args.json:
        args.json.write_text(json.dumps([{"protocol": run.site.protocol, "warm": run.warm, "head_bytes": run.head_bytes,
                                          "results": [asdict(r) for r in run.results]} for run in runs],
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
