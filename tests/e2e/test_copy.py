"""What a reader copies, on the hosted site and on the offline copy opened from disk with the network off: a
paragraph with its citation through the paragraph's copy button (mouse or keyboard), and text selected by hand,
which carries none of the page's controls or marks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import SITE_URL

SPEECH = 6
"""A speech with passages shared with another one, so that "相同文字另见" lines sit between its paragraphs."""


@pytest.fixture
def clipboard_page(browser_page, site):
    browser_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    address = site.replace("index.html", f"speeches/{SPEECH:02}.html") if site.endswith("index.html") else \
        f"{site}speeches/{SPEECH:02}/"
    browser_page.goto(address)
    return browser_page


def clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


def speech(seed_compilation):
    return seed_compilation.speeches[SPEECH - 1]


def body_paragraphs(seed_compilation):
    return [p for p in speech(seed_compilation).paragraphs if not p.heading_level]


def test_the_copy_button_puts_the_paragraph_and_its_citation_on_the_clipboard(clipboard_page, seed_compilation):
    page = clipboard_page
    paragraph = body_paragraphs(seed_compilation)[2]
    page.locator(f"p#{paragraph.anchor}").hover()
    page.locator(f"p#{paragraph.anchor} button.copy-citation").click()
    page.wait_for_function("document.querySelector('button.copy-citation[data-state=copied]')")
    number = paragraph.anchor[1:]
    assert clipboard(page) == "\n".join([
        paragraph.text,
        f"——《{speech(seed_compilation).title}》（{seed_compilation.title}，第{SPEECH}篇，第{number}段）",
        f"{SITE_URL}speeches/{SPEECH:02}/#{paragraph.anchor}"])  # the hosted address, from the offline copy too
    assert page.log.errors == [] and page.log.external_requests == []


def test_the_copy_button_is_reached_by_keyboard_and_named_for_screen_readers(clipboard_page, seed_compilation):
    page = clipboard_page
    paragraph = body_paragraphs(seed_compilation)[0]
    button = page.locator(f"p#{paragraph.anchor} button.copy-citation")
    assert button.get_attribute("aria-label") == f"复制本段及出处（第{paragraph.anchor[1:]}段）"
    assert button.evaluate("b => b.tabIndex") == 0  # in the Tab order
    button.focus()
    expect(button).to_have_css("opacity", "1")  # shown when it has the focus
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('button.copy-citation[data-state=copied]')")
    assert clipboard(page).startswith(paragraph.text + "\n——《")


def test_text_selected_by_hand_copies_without_buttons_permalinks_or_shared_passage_lines(clipboard_page,
                                                                                         seed_compilation):
    page = clipboard_page
    paragraphs = speech(seed_compilation).paragraphs  # headings too: a selection runs across them
    around_a_shared_line = next(i for i in range(1, len(paragraphs) - 1)
                                if page.locator(f"p#{paragraphs[i].anchor} + p.parallel-passages").count())
    chosen = paragraphs[around_a_shared_line - 1:around_a_shared_line + 2]
    page.evaluate("""([first, last]) => {
        const range = document.createRange()
        range.setStartBefore(document.getElementById(first).firstChild)
        range.setEndAfter(document.getElementById(last).lastChild)
        const selection = getSelection()
        selection.removeAllRanges()
        selection.addRange(range)
    }""", [chosen[0].anchor, chosen[-1].anchor])
    page.keyboard.press("Control+C")
    copied = clipboard(page)
    assert "¶" not in copied and "相同文字另见" not in copied
    assert copied.split("\n\n") == [paragraph.text for paragraph in chosen]
