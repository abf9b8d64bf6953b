"""What a reader does with the search box: types a word, a phrase or two words, and gets every speech that contains
them and no other, the hit marked in context, a link to the paragraph that holds it, and the word marked there too;
titles of speeches without text are found as well. The same on the hosted site and from disk with the network off."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

READY = re.compile(r"^键入以开始搜索$")  # Material's zh texts in the result list's header
ANSWERED = re.compile(r"\d+ 个符合条件的结果|没有找到符合条件的结果")


@dataclass
class Result:
    """One entry of Material's result list."""

    title: str
    links: list[str]
    text: str
    marks: list[str]
    tags: list[str]

    @property
    def speech(self) -> int | None:
        """TOC number of the speech the entry is about: its page, or its entry on the home page."""
        found = re.search(r"speeches/(\d\d)|#toc-(\d\d)", self.links[0])
        return int(found.group(1) or found.group(2)) if found else None


def search(page, query: str) -> list[Result]:
    """Type a query into the search box, as a reader does, and read the result list once it is answered."""
    box = page.locator("[data-md-component=search-query]")
    meta = page.locator(".md-search-result__meta")
    box.click()
    for text, answer in (("", READY), (query, ANSWERED)):  # empty first, so no earlier answer is taken for this one
        box.fill(text)  # as an input method commits Chinese text; Material reads the box on the key that follows
        box.press("End")
        meta.filter(has_text=answer).wait_for(timeout=15_000)
    return results(page)


def results(page) -> list[Result]:
    """The result list as it shows now."""
    return [Result(**item) for item in page.locator(".md-search-result__item").evaluate_all("""items => items.map(
      item => ({
        title: item.querySelector("h1").textContent,
        links: Array.from(item.querySelectorAll(":scope > a"), a => a.href),
        text: Array.from(item.querySelectorAll("p"), p => p.textContent).join(" "),
        marks: Array.from(item.querySelectorAll("mark"), mark => mark.textContent),
        tags: Array.from(item.querySelectorAll(".md-tag"), tag => tag.textContent),
      }))""")]


def speeches_containing(compilation, *terms: str) -> set[int]:
    """Ground truth from the data model: speeches whose title or a paragraph contains each term, white space
    ignored."""
    def fields(speech):
        return [re.sub(r"\s", "", text) for text in [speech.title, *(p.text for p in speech.paragraphs)]]
    return {s.number for s in compilation.speeches if all(any(term in field for field in fields(s)) for term in terms)}


def assert_nothing_left_or_broke(page):
    assert page.log.external_requests == [] and page.log.errors == [] and page.log.missing == []


def test_a_word_finds_its_speech_marked_in_context_and_opens_its_paragraph(browser_page, site, seed_compilation):
    page = browser_page
    page.goto(site)
    results = search(page, "于都")
    assert [r.speech for r in results] == sorted(speeches_containing(seed_compilation, "于都")) == [18]
    first = results[0]
    assert "<mark>于都</mark>" not in first.text and "于都" in first.marks  # marked as an element, not as text
    assert re.search(r"#p\d+$", first.links[1]), "the snippet links to the paragraph of the first hit"
    page.locator(".md-search-result__item").first.locator("a").nth(1).click()
    page.wait_for_url(re.compile(r"speeches/18(/|\.html)\?h=.*#p\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    assert page.locator(f"[id='{anchor}'] mark[data-md-highlight]").first.inner_text() == "于都"
    assert_nothing_left_or_broke(page)


def test_a_phrase_with_punctuation_finds_exactly_the_speeches_that_contain_it(browser_page, site, seed_compilation):
    page = browser_page
    page.goto(site)
    results = search(page, "到位、物资到")
    assert {r.speech for r in results} == speeches_containing(seed_compilation, "到位、物资到") == {8}
    assert results[0].marks == ["到位、物资到"]
    assert_nothing_left_or_broke(page)


def test_two_terms_find_only_speeches_that_contain_both(browser_page, site, seed_compilation):
    page = browser_page
    page.goto(site)
    both = speeches_containing(seed_compilation, "政协", "数量")
    assert both and all(both < speeches_containing(seed_compilation, term) for term in ("政协", "数量"))
    assert {r.speech for r in search(page, "政协 数量")} == both
    assert_nothing_left_or_broke(page)


def test_a_word_that_occurs_nowhere_says_so(browser_page, site):
    page = browser_page
    page.goto(site)
    assert search(page, "温阅井") == []
    assert page.locator(".md-search-result__meta").inner_text() == "没有找到符合条件的结果"
    assert_nothing_left_or_broke(page)


def test_titles_without_text_are_found_after_the_speeches_and_marked(browser_page, site, seed_compilation):
    page = browser_page
    page.goto(site)
    results = search(page, "防火")
    assert {r.speech for r in results} == speeches_containing(seed_compilation, "防火") == {15, 35, 54, 57}
    assert [r.speech for r in results] == [15, 35, 54, 57]  # the one speech with text first
    assert results[0].tags == [] and all(r.tags == ["正文未收录"] for r in results[1:])
    assert results[1].marks == ["防火"]
    page.locator(".md-search-result__item").nth(2).locator("a").click()
    page.wait_for_url(re.compile(r"#toc-54$"))
    assert page.locator("#toc-54 mark[data-md-highlight]").inner_text() == "防火"
    assert_nothing_left_or_broke(page)


def test_titles_rank_first(browser_page, hosted_url, seed_compilation):
    page = browser_page
    page.goto(hosted_url)
    in_title = {s.number for s in seed_compilation.speeches_with_text if "教育" in s.title}
    results = search(page, "教育")
    assert len(in_title) == 2 and len(results) > 2
    assert {r.speech for r in results[:2]} == in_title
    assert all("<mark>" not in r.title and "教育" in r.title for r in results[:2])
    assert_nothing_left_or_broke(page)


def test_width_and_case_fold(browser_page, hosted_url, seed_compilation):
    page = browser_page
    page.goto(hosted_url)
    expected = speeches_containing(seed_compilation, "GDP")
    for query in ("GDP", "gdp", "ＧＤＰ"):
        results = search(page, query)
        assert {r.speech for r in results} == expected, query
        assert "GDP" in results[0].marks[0], query  # the text as shown is marked
    assert_nothing_left_or_broke(page)


def test_enter_opens_the_paragraph_of_the_best_result(browser_page, hosted_url):
    page = browser_page
    page.goto(hosted_url)
    search(page, "于都")
    page.locator("[data-md-component=search-query]").press("Enter")
    page.wait_for_url(re.compile(r"speeches/18/\?h=.*#p\d+$"))
    assert_nothing_left_or_broke(page)


def test_the_search_index_is_ours_and_nothing_else_is_fetched(browser_page, hosted_url):
    page = browser_page
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(hosted_url)
    search(page, "于都")
    search_files = {url.removeprefix(hosted_url) for url in requested if "search" in url}
    assert search_files == {"assets/speechsite/search-setup.js", "assets/speechsite/search-worker.js",
                            "assets/speechsite/search-engine.js", "search/search_index.json"}
    assert_nothing_left_or_broke(page)
