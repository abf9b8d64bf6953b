"""A compilation full of HTML, Markdown and Jinja syntax renders as literal text, and nothing in it runs."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import PROJECT_DIR

HOSTILE = PROJECT_DIR / "tests" / "fixtures" / "hostile.txt"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile")
    result = subprocess.run([sys.executable, str(PROJECT_DIR / "build.py"), str(HOSTILE),
                             "--site-dir", str(out / "site"), "--offline-dir", str(out / "site-offline"),
                             "--dist-dir", str(out / "dist")], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


class _Markup(HTMLParser):
    """Every element and attribute of a page, as a browser's parser would see them."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.inline_scripts.append(data)


def test_no_page_carries_an_injected_element_handler_or_javascript_link(hostile_site):
    for page in pages(hostile_site):
        markup = _Markup()
        markup.feed(page.read_text(encoding="utf-8"))
        for tag, attributes in markup.elements:
            assert tag not in ("iframe", "img", "style"), (page, tag)
            assert not [name for name in attributes if name.startswith("on")], (page, tag, attributes)
            for name in ("href", "src"):
                assert not (attributes.get(name) or "").strip().lower().startswith("javascript:"), (page, attributes)
        assert not [script for script in markup.inline_scripts if "__pwned" in script], page


def test_hostile_text_is_shown_literally_and_nothing_runs(browser_page, hostile_site):
    page = browser_page
    for path in pages(hostile_site):
        if path.name == "404.html":
            continue
        page.goto(path.as_uri())
        assert page.evaluate("window.__pwned") is None, path
        assert page.evaluate("[...document.querySelectorAll('a[href], iframe[src]')]"
                             ".filter(e => /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src')))"
                             ".length") == 0, path
    page.goto((hostile_site / "speeches" / "01" / "index.html").as_uri())
    article = page.locator("article").inner_text()
    for literal in ("<script>window.__pwned='body'</script>", "[点我](javascript:window.__pwned='md-link')",
                    "{{ config }}", "{% if true %}模板{% endif %}", "<!-- 注释 -->", "&copy;", "**粗体**", "| 表 | 格 |"):
        assert literal in article, literal
    assert "<img src=x onerror=\"window.__pwned='toc'\">在会议上的讲话" in page.title()
    page.goto((hostile_site / "index.html").as_uri())
    toc = page.locator("ol.compilation-toc").inner_text()
    assert "</title><script>window.__pwned='head'</script>结尾" in toc
    assert "[点我](javascript:window.__pwned='link') {{ config.site_name }}" in toc
    assert page.evaluate("window.__pwned") is None
