"""What a reader does: open the home page, follow the TOC to a speech, move to the next one."""

import re


def test_home_lists_the_toc_and_leads_to_a_speech(browser_page, hosted_url):
    page = browser_page
    page.goto(hosted_url)
    entries = page.locator("ol.compilation-toc > li")
    assert entries.count() == 59
    assert entries.nth(19).locator(".toc-no-text").inner_text() == "正文未收录"
    assert entries.nth(19).locator("a").count() == 0
    entries.nth(4).locator("a").click()
    page.wait_for_url(re.compile(r"/speeches/05/$"))
    assert page.locator("article h1").inner_text().rstrip("¶") == "在全国体育局长会议上的讲话"
    assert page.log.errors == [] and page.log.external_requests == []


def test_next_link_goes_to_the_following_speech(browser_page, hosted_url):
    page = browser_page
    page.goto(hosted_url + "speeches/05/")
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url(re.compile(r"/speeches/06/$"))
    assert "研讨会上的发言" in page.locator("article h1").inner_text()
    page.locator("a.md-footer__link--prev").click()
    page.wait_for_url(re.compile(r"/speeches/05/$"))
