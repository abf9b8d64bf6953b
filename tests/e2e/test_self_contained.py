"""Every page of both builds, opened with every outside request blocked (and, offline, the network switched off):
nothing is asked of another host, nothing breaks, no local file is missing, and the stylesheets apply."""

import pytest


@pytest.mark.parametrize("build", ["hosted", "offline"])
def test_every_page_loads_whole_with_nothing_from_outside(browser_page, built_sites, hosted_url, offline_url, build):
    page = browser_page
    root, base = (built_sites.hosted, hosted_url) if build == "hosted" else (built_sites.offline, offline_url)
    page.context.set_offline(build == "offline")
    urls = [base + path.relative_to(root).as_posix() for path in sorted(root.rglob("*.html"))]
    assert len(urls) >= 21, urls  # home, about, 19 speeches (and 404 when hosted)
    for url in urls:
        page.goto(url, wait_until="networkidle")  # the search index and worker load after the page
        header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).position")
        assert header == "sticky", f"Material's stylesheet did not apply on {url}"
        leading = page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).lineHeight")
        assert leading != "normal", f"speechsite.css did not apply on {url}"
        broken = page.evaluate("[...document.images].filter(img => !img.naturalWidth).map(img => img.src)")
        assert broken == [], f"images that did not load on {url}"
    assert page.log.external_requests == []
    assert page.log.missing == []
    assert page.log.errors == []
