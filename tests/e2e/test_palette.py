"""Light and dark, on the hosted site and on the offline copy: the page follows the system's setting until the reader
picks one with the toggle, and the choice stays on the next page and after a reload."""

from __future__ import annotations

from playwright.sync_api import expect


LIGHT_BACKGROUND = "rgb(255, 255, 255)"
HEADER_INDIGO = "rgb(64, 81, 181)"


def scheme(page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme")


def colours(page) -> tuple[str, str]:
    """The page's background and the header's, as the reader sees them."""
    return (page.evaluate("getComputedStyle(document.body).backgroundColor"),
            page.locator("header.md-header").evaluate("h => getComputedStyle(h).backgroundColor"))


def test_the_page_follows_the_system_setting(browser_page, site):
    page = browser_page
    page.emulate_media(color_scheme="dark")
    page.goto(site)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert colours(page)[0] != LIGHT_BACKGROUND  # the dark scheme's stylesheet is there
    page.emulate_media(color_scheme="light")
    page.goto(site)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")
    assert colours(page) == (LIGHT_BACKGROUND, HEADER_INDIGO)  # light needs no palette stylesheet


def test_the_readers_choice_is_remembered_across_pages_and_reloads(browser_page, site):
    page = browser_page
    page.emulate_media(color_scheme="light")
    page.goto(site)
    toggles = page.locator("form[data-md-component=palette] label:visible")
    for _ in range(3):  # auto → light → dark, as the toggle's labels say
        if scheme(page) == "slate":
            break
        toggles.first.click()
    assert toggles.first.get_attribute("title") == "跟随系统设置"
    expect(page.locator("body")).not_to_have_css("background-color", LIGHT_BACKGROUND)  # on a light system
    page.locator("ol.compilation-toc > li").nth(4).locator("a").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert colours(page)[0] != LIGHT_BACKGROUND
    assert page.log.errors == [] and page.log.external_requests == []
