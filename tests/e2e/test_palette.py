"""Light and dark, on the hosted site and on the offline copy: the page follows the system's setting until the reader
picks one with the toggle, and the choice stays on the next page and after a reload."""

from __future__ import annotations

from playwright.sync_api import expect


def scheme(page) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme")


def test_the_page_follows_the_system_setting(browser_page, site):
    page = browser_page
    page.emulate_media(color_scheme="dark")
    page.goto(site)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.emulate_media(color_scheme="light")
    page.goto(site)
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "default")


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
    page.locator("ol.compilation-toc > li").nth(4).locator("a").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")
    assert page.log.errors == [] and page.log.external_requests == []
