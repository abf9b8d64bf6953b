"""What a reader does, on the hosted site and on the offline copy opened from disk with the network off: open the
home page, follow the table of contents to a speech, move to the next one and back, use the sidebar."""

from conftest import speech_address


def assert_nothing_left_or_broke(page):
    assert page.log.errors == [] and page.log.external_requests == [] and page.log.missing == []


def test_home_lists_the_toc_and_leads_to_a_speech(browser_page, site):
    page = browser_page
    page.goto(site)
    entries = page.locator("ol.compilation-toc > li")
    assert entries.count() == 59
    assert entries.nth(19).locator(".toc-no-text").inner_text() == "正文未收录"
    assert entries.nth(19).locator("a").count() == 0
    entries.nth(4).locator("a").click()
    page.wait_for_url(speech_address(site, "05"))
    assert page.locator("article h1").inner_text().rstrip("¶") == "在全国体育局长会议上的讲话"
    assert page.locator("article p").count() > 20
    assert_nothing_left_or_broke(page)


def test_previous_next_and_the_sidebar_move_between_speeches(browser_page, site):
    page = browser_page
    page.goto(site)
    page.locator("ol.compilation-toc > li").nth(4).locator("a").click()
    page.wait_for_url(speech_address(site, "05"))
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url(speech_address(site, "06"))
    assert "研讨会上的发言" in page.locator("article h1").inner_text()
    page.locator("a.md-footer__link--prev").click()
    page.wait_for_url(speech_address(site, "05"))
    page.locator("nav.md-nav--primary a.md-nav__link", has_text="在镇村干部会议上的讲话").click()
    page.wait_for_url(speech_address(site, "07"))
    assert_nothing_left_or_broke(page)


def test_a_paragraph_permalink_opens_that_paragraph(browser_page, site):
    page = browser_page
    page.goto(site)
    page.locator("ol.compilation-toc > li").nth(5).locator("a").click()
    page.wait_for_url(speech_address(site, "06"))
    link = page.locator("article p#p2 a.headerlink")
    assert link.get_attribute("title") == "第6篇第2段"
    link.click()
    assert page.url.endswith("#p2")
    assert_nothing_left_or_broke(page)
