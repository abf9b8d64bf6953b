"""What a reader of the offline copy does, from disk with the network off: opens index.html, follows the table of
contents, moves between speeches, searches, and gets what a reader of the hosted site gets."""

from __future__ import annotations

import re

import pytest

from conftest import search

@pytest.fixture
def offline_page(browser_page):
    browser_page.context.set_offline(True)
    return browser_page


def speech_numbers(links: list[str]) -> list[str]:
    """Result links as speech numbers (hosted ``speeches/05/`` and offline ``speeches/05.html`` alike)."""
    return [re.search(r"speeches/(\d\d)", href).group(1) if "speeches/" in href else href for href in links]


def test_home_lists_the_toc_and_leads_to_a_speech(offline_page, offline_url):
    page = offline_page
    page.goto(offline_url + "index.html")
    entries = page.locator("ol.compilation-toc > li")
    assert entries.count() == 59
    assert entries.nth(19).locator(".toc-no-text").inner_text() == "正文未收录"
    assert entries.nth(19).locator("a").count() == 0
    entries.nth(4).locator("a").click()
    page.wait_for_url(re.compile(r"/speeches/05\.html$"))
    assert page.locator("article h1").inner_text().rstrip("¶") == "在全国体育局长会议上的讲话"
    assert page.locator("article p").count() > 20
    assert page.log.errors == [] and page.log.external_requests == [] and page.log.missing == []


def test_previous_and_next_and_the_sidebar_move_between_speeches(offline_page, offline_url):
    page = offline_page
    page.goto(offline_url + "speeches/05.html")
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url(re.compile(r"/speeches/06\.html$"))
    assert "研讨会上的发言" in page.locator("article h1").inner_text()
    page.locator("a.md-footer__link--prev").click()
    page.wait_for_url(re.compile(r"/speeches/05\.html$"))
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="在镇村干部会议上的讲话").click()
    page.wait_for_url(re.compile(r"/speeches/07\.html$"))
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="目录").first.click()
    page.wait_for_url(re.compile(r"/index\.html$"))
    assert page.log.errors == [] and page.log.external_requests == [] and page.log.missing == []


def test_search_answers_from_disk_with_the_network_off(offline_page, offline_url):
    page = offline_page
    page.goto(offline_url + "index.html")
    assert "05" in speech_numbers(search(page, "体育"))
    page.locator(".md-search-result__item > a", has_text="体育局长").first.click()
    page.wait_for_url(re.compile(r"/speeches/05\.html\?h="))  # search.highlight marks the words
    assert "体育局长" in page.locator("article h1").inner_text()
    assert page.log.errors == [] and page.log.external_requests == [] and page.log.missing == []


@pytest.mark.parametrize("query", ["体育", "脱贫攻坚"])
def test_search_finds_the_same_speeches_as_on_the_host(browser_page, chromium, hosted_url, offline_url, query):
    browser_page.goto(hosted_url)
    hosted = speech_numbers(search(browser_page, query))
    offline = chromium.new_context()
    offline.set_offline(True)
    page = offline.new_page()
    page.goto(offline_url + "index.html")
    try:
        assert speech_numbers(search(page, query)) == hosted
    finally:
        offline.close()
