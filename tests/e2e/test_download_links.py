"""What a reader downloads, on the hosted site and on the offline copy opened from disk with the network off: the
speech as Word from its page, the whole compilation as Word and EPUB from the home page, each under a readable
name, each a file that opens."""

from __future__ import annotations

import io
import zipfile

from docx import Document

from conftest import speech_address


def download(page, label: str):
    with page.expect_download() as started:
        page.locator("nav.page-downloads a", has_text=label).click()
    return started.value


def test_a_speech_page_downloads_the_speech_as_word(browser_page, site, seed_compilation):
    page = browser_page
    page.goto(site)
    page.locator("ol.compilation-toc > li").nth(4).locator("a").click()
    page.wait_for_url(speech_address(site, "05"))
    file = download(page, "本篇 Word")
    speech = seed_compilation.speeches[4]
    assert file.suggested_filename == f"第5篇 {speech.title}.docx"
    texts = [paragraph.text for paragraph in Document(file.path()).paragraphs]
    assert speech.title in texts and speech.paragraphs[0].text in texts and speech.paragraphs[-1].text in texts
    assert page.log.errors == [] and page.log.external_requests == []


def test_the_home_page_downloads_the_whole_compilation_as_word_and_epub(browser_page, site, seed_compilation):
    page = browser_page
    page.goto(site)
    word = download(page, "全书 Word")
    assert word.suggested_filename == f"{seed_compilation.title}.docx"
    texts = {paragraph.text for paragraph in Document(word.path()).paragraphs}
    assert {s.title for s in seed_compilation.speeches_with_text} <= texts
    book = download(page, "全书 EPUB")
    assert book.suggested_filename == f"{seed_compilation.title}.epub"
    with zipfile.ZipFile(io.BytesIO(open(book.path(), "rb").read())) as epub:
        assert epub.namelist()[0] == "mimetype" and epub.read("mimetype") == b"application/epub+zip"
    assert page.log.errors == [] and page.log.external_requests == [] and page.log.missing == []
