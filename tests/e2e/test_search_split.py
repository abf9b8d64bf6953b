"""Searching a large compilation, whose index is split (here the seed's, its docs in shards of 30 kB): a reader gets
the same results as from the whole index, on the hosted site and from disk with the network off, and the page loads
the postings of what was typed and only the shards of the results it shows with snippets."""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import time

import pytest

from speechsite.search_index import INDEX_JSON, PACKED_SUFFIX, file_bytes, index_files
from tests.e2e.conftest import _QuietHandler
from tests.e2e.test_search import assert_nothing_left_or_broke, results, search, speeches_containing
from tests.test_search_index import SMALL_SHARDS


@pytest.fixture(scope="session")
def split_sites(built_sites, tmp_path_factory) -> dict:
    """Copies of both builds with their index split: {"hosted": folder, "offline": folder}."""
    out = tmp_path_factory.mktemp("split")
    sites = {}
    for name, built in (("hosted", built_sites.hosted), ("offline", built_sites.offline)):
        folder = shutil.copytree(built, out / name)
        index = json.loads((folder / INDEX_JSON).read_text(encoding="utf-8"))
        for path, content in index_files(index, SMALL_SHARDS, scripts=name == "offline", text_shard_bytes=SMALL_SHARDS,
                                          segment_characters=SMALL_SHARDS).items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(file_bytes(path, content))
        sites[name] = folder
    return sites


@pytest.fixture(scope="session")
def split_urls(split_sites) -> dict:
    """Both split builds served over http: the offline one too, as when someone puts it on a server after all; and the
    hosted one by a host that sends its gzipped files with "Content-Encoding: gzip", so that the browser unpacks them
    before the engine sees them."""
    servers, urls = [], {}
    for name, folder, handler_class in [*((name, folder, _QuietHandler) for name, folder in split_sites.items()),
                                        ("hosted, unpacked by the browser", split_sites["hosted"], _EncodingHandler)]:
        handler = functools.partial(handler_class, directory=str(folder))
        servers.append(http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler))
        threading.Thread(target=servers[-1].serve_forever, daemon=True).start()
        urls[name] = f"http://127.0.0.1:{servers[-1].server_address[1]}/"
    yield urls
    for server in servers:
        server.shutdown()


class _EncodingHandler(_QuietHandler):
    """Sends a .gz file as its content, gzip-encoded (as Apache does with AddEncoding gzip .gz)."""

    def end_headers(self):
        if self.path.endswith(PACKED_SUFFIX):
            self.send_header("Content-Encoding", "gzip")
        super().end_headers()


@pytest.fixture(params=["hosted", "hosted, unpacked by the browser", "offline", "offline served over http"])
def split_site(request, browser_page, split_sites, split_urls):
    """The home page URL of either build with a split index, and the shards its pages load, as they are loaded."""
    browser_page.shards = []
    browser_page.on("request", lambda r: browser_page.shards.extend(re.findall(r"/shards/(\d+)\.js(?:on\.gz)?$",
                                                                              r.url)))
    if request.param == "offline":
        browser_page.context.set_offline(True)
        return split_sites["offline"].as_uri() + "/index.html"
    return split_urls["offline"] + "index.html" if "offline" in request.param else split_urls[request.param]


def search_all(page, query: str, expected: set[int]):
    """Search, then wait for the answer that holds every result with its snippet: Material may first show what it
    had before, and a split index first answers with titles only, then with the snippets (SplitIndex.query)."""
    found = search(page, query)
    deadline = time.monotonic() + 10
    def complete(found):
        # a speech shown with its text: a snippet, or a link to the paragraph of its first hit (a heading)
        shown = [r.text or len(r.links) > 1 or "#toc-" in r.links[0] for r in found]
        return {r.speech for r in found} == expected and all(shown)

    while not complete(found) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
        found = results(page)
    return found


@pytest.mark.parametrize("query, terms", [
    ("于都", ["于都"]), ("到位、物资到", ["到位、物资到"]), ("政协 数量", ["政协", "数量"]), ("防火", ["防火"]),
    ("gdp", ["GDP"]), ("ＧＤＰ", ["GDP"]), ('"常委 会议"', ["常委会议"]),
])
def test_a_split_index_finds_exactly_the_speeches_that_hold_every_term(browser_page, split_site, seed_compilation,
                                                                       query, terms):
    page = browser_page
    page.goto(split_site)
    expected = speeches_containing(seed_compilation, *terms)
    assert 0 < len(expected) <= 10  # all of them shown without scrolling
    found = search_all(page, query, expected)
    assert {r.speech for r in found} == expected
    assert all(r.marks for r in found)
    assert_nothing_left_or_broke(page)


def test_a_query_loads_only_the_shards_of_its_results(browser_page, split_site, split_sites):
    page = browser_page
    page.goto(split_site)
    shard_count = len(json.loads((split_sites["hosted"] / INDEX_JSON).read_text(encoding="utf-8"))["docs"]["shards"])
    assert search(page, "温阅井") == [] and page.shards == []  # no speech holds it: no shard is loaded
    assert [r.speech for r in search_all(page, "于都", {18})] == [18]
    assert 0 < len(page.shards) < shard_count / 2
    assert_nothing_left_or_broke(page)


def test_a_result_from_a_split_index_opens_its_paragraph(browser_page, split_site):
    page = browser_page
    page.goto(split_site)
    search_all(page, "于都", {18})
    page.locator(".md-search-result__item").first.locator("a").nth(1).click()
    page.wait_for_url(re.compile(r"speeches/18(/|\.html)\?h=.*#p\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    assert page.locator(f"[id='{anchor}'] mark[data-md-highlight]").first.inner_text() == "于都"
    assert_nothing_left_or_broke(page)


def test_a_speechs_page_finds_the_shards_too(browser_page, split_site):
    """Shards are found from the worker's address, whatever the page's depth."""
    page = browser_page
    page.goto(split_site.replace("index.html", "speeches/05.html") if split_site.endswith("index.html")
              else split_site + "speeches/05/")
    assert [r.speech for r in search_all(page, "于都", {18})] == [18]
    assert_nothing_left_or_broke(page)
