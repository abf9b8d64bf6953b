"""The first screen does little work (Lighthouse's long tasks), on the hosted site and on the offline copy: on a
phone the long speech's paragraphs and the drawer's navigation are laid out only when they come near the screen
(speechsite.css), yet a reader lands on a linked paragraph, reads to the end and opens the drawer to go to another
speech; the header is drawn as it will stay before Material's script has run."""

from playwright.sync_api import expect

from conftest import speech_address

PHONE = {"width": 412, "height": 823}
"""Lighthouse's phone: below Material's 76.25em, so the navigation is in a drawer."""


def open_speech(page, site, number: str, fragment: str = ""):
    """Speech ``number`` on a phone, freshly loaded (with ``fragment``, as from a shared link)."""
    page.set_viewport_size(PHONE)
    page.goto(site)
    page.locator("ol.compilation-toc > li").nth(int(number) - 1).locator("a").click()
    page.wait_for_url(speech_address(site, number))
    if fragment:
        address = page.url
        page.goto("about:blank")
        page.goto(address + fragment)


def rendered(locator) -> bool:
    """Whether the browser has laid the element out (not left it for later: content-visibility: auto)."""
    return locator.evaluate("element => element.checkVisibility({ contentVisibilityAuto: true })")


def test_a_link_to_a_late_paragraph_shows_that_paragraph(browser_page, site):
    page = browser_page
    open_speech(page, site, "05", "#p50")
    target = page.locator("article p#p50")
    expect(target).to_be_in_viewport()
    page.wait_for_timeout(300)  # the paragraphs around it are laid out now: it must stay where the reader is
    expect(target).to_be_in_viewport()
    assert rendered(target.locator(".headerlink"))
    assert not rendered(page.locator("article p#p20 .headerlink"))  # far above: left for later
    assert page.log.errors == []


def test_the_last_paragraph_can_be_read_by_scrolling(browser_page, site):
    page = browser_page
    open_speech(page, site, "05")
    last = page.locator("article p[id^='p']").last
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    assert rendered(last.locator(".headerlink"))
    assert "¶" in last.inner_text() and len(last.inner_text()) > 20


def test_the_drawer_lists_the_speeches_and_leads_to_one(browser_page, site):
    page = browser_page
    open_speech(page, site, "05")
    link = page.locator("nav.md-nav--primary a.md-nav__link", has_text="在镇村干部会议上的讲话")
    assert not rendered(link)  # the drawer is closed: its navigation waits
    page.locator("label.md-header__button[for='__drawer']").click()
    expect(link).to_be_in_viewport()
    page.wait_for_function("link => link.checkVisibility({ contentVisibilityAuto: true })", arg=link.element_handle())
    link.click()
    page.wait_for_url(speech_address(site, "07"))
    assert page.log.errors == [] and page.log.external_requests == []


def test_the_header_is_complete_before_materials_script_runs(browser_page, site):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())  # as if it had not run yet
    page.goto(site)
    expect(page.locator("label.md-header__button[for='__search']")).to_be_visible()  # no shift when it runs
    assert page.evaluate("document.documentElement.className") == "js"


def test_the_pages_do_not_shift_while_they_load(browser_page, site):
    page = browser_page
    page.add_init_script("""
        window.__shifts = 0
        new PerformanceObserver(list => list.getEntries().forEach(shift => { window.__shifts += shift.value }))
            .observe({ type: "layout-shift", buffered: true })
    """)
    page.goto(site)
    for link in ("ol.compilation-toc > li:nth-child(5) a", "nav.md-nav--primary a.md-nav__link >> text=统计"):
        page.wait_for_timeout(500)
        assert page.evaluate("window.__shifts") < 0.01, page.url
        page.locator(link).first.click()
        page.wait_for_load_state()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__shifts") < 0.01, page.url


def test_a_chart_is_as_wide_as_the_column_before_its_caption_arrives(browser_page, site):
    # A page streams in: a chart can be laid out before the rest of its figure is parsed. Its size must not change
    # when the caption comes (a layout shift, measured on a loaded machine: CLS 0.05 on 统计).
    page = browser_page
    page.goto(site)
    page.locator("nav.md-nav--primary a.md-nav__link >> text=统计").first.click()
    charts = page.locator("figure.stats-chart svg")
    expect(charts.first).to_be_visible()
    column = page.locator("article.md-content__inner").evaluate("article => article.clientWidth")
    widths = charts.evaluate_all("svgs => svgs.map(svg => svg.getBoundingClientRect().width)")
    page.evaluate("document.querySelectorAll('figure.stats-chart figcaption').forEach(caption => caption.remove())")
    assert charts.evaluate_all("svgs => svgs.map(svg => svg.getBoundingClientRect().width)") == widths
    assert len(widths) >= 3 and all(width > 0.8 * column for width in widths)
