"""Accessibility: axe-core (axe-playwright-python, run in Debian's Chromium) finds no serious or critical
violation on the home page, a speech page and the 404 page of the hosted site, in light and dark, nor on the
offline home page."""

from __future__ import annotations

import pytest

BLOCKING = ("serious", "critical")


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[node['target'] for node in v['nodes']][:5]}"
            for v in results.response["violations"] if v["impact"] in BLOCKING]


@pytest.mark.parametrize("path", ["", "speeches/05/", "speeches/99/"], ids=["home", "speech", "404"])
def test_hosted_pages_have_no_serious_violations(browser_page, hosted_url, path):
    browser_page.goto(hosted_url + path, wait_until="networkidle")
    assert violations(browser_page) == []


@pytest.mark.parametrize("path", ["", "speeches/06/"], ids=["home", "speech"])
def test_dark_pages_have_no_serious_violations(browser_page, hosted_url, path):
    browser_page.emulate_media(color_scheme="dark")  # the palette follows the system: Material's slate scheme
    browser_page.goto(hosted_url + path, wait_until="networkidle")
    assert browser_page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    assert violations(browser_page) == []


def test_offline_home_has_no_serious_violations(browser_page, offline_url):
    browser_page.goto(offline_url + "index.html", wait_until="networkidle")
    assert violations(browser_page) == []


def test_axe_reports_a_serious_violation(browser_page, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html><title>t</title><img src="x.png"><a href="#"></a>', encoding="utf-8")
    browser_page.goto(page.as_uri())
    assert any(v.startswith(("image-alt", "link-name", "html-has-lang")) for v in violations(browser_page))
