"""What a reader of the offline copy does, from disk with the network off: searches, and gets what a reader of the
hosted site gets (reading and moving between speeches, in both builds, is in test_reading.py)."""

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
