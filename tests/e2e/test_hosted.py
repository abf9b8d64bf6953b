"""What a visitor of the hosted site meets: pages titled by their speech, search, and a 404 page for a wrong
address that still looks like the site and leads back to the table of contents."""

from __future__ import annotations

import re

from conftest import SITE_URL, search


def test_a_speech_page_is_titled_described_and_canonical(browser_page, hosted_url):
    page = browser_page
    page.goto(hosted_url + "speeches/05/")
    assert page.title() == "5. 在全国体育局长会议上的讲话 - 2020年12月份最新工作会议讲话汇编"
    assert page.locator("html").get_attribute("lang") == "zh"
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description == "2020年是新中国历史上不平凡的一年，也是中国体育不平凡的一年。"
    assert page.locator('link[rel="canonical"]').get_attribute("href") == SITE_URL + "speeches/05/"


def test_search_finds_a_speech_and_opens_it(browser_page, hosted_url):
    page = browser_page
    page.goto(hosted_url)
    assert any(link.startswith(hosted_url + "speeches/05/") for link in search(page, "体育"))
    page.locator(".md-search-result__item > a", has_text="体育").first.click()
    page.wait_for_url(re.compile(r"/speeches/\d\d/"))
    assert page.log.errors == [] and page.log.external_requests == [] and page.log.missing == []


def test_a_wrong_address_gets_the_404_page_which_leads_home(browser_page, hosted_url):
    page = browser_page
    response = page.goto(hosted_url + "speeches/99/")
    assert response.status == 404
    assert page.locator("article h1").inner_text() == "404 - 页面未找到"
    assert page.title().startswith("页面未找到 - ")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    page.locator("article a", has_text="返回目录").click()
    page.wait_for_url(hosted_url)
    assert page.locator("ol.compilation-toc > li").count() == 59
    assert page.log.errors == [] and page.log.external_requests == []
    assert [url for url in page.log.missing if not url.endswith("/speeches/99/ (404)")] == []
