"""Integration: the whole site built with MkDocs in a temporary folder, checked in its HTML."""

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from seed_truth import TRUE_SPEECHES


@pytest.fixture(scope="module")
def built_site(tmp_path_factory, project_dir):
    site = tmp_path_factory.mktemp("build") / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                            cwd=project_dir, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return site


class ArticleText(HTMLParser):
    """Paragraph texts (by id) inside the page's article."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: dict[str, str] = {}
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("p", "h2", "h3", "h4") and re.fullmatch(r"p\d+", attrs.get("id") or ""):
            self.current = attrs["id"]
            self.paragraphs[self.current] = ""

    def handle_endtag(self, tag):
        if tag in ("p", "h2", "h3", "h4"):
            self.current = None

    def handle_data(self, data):
        if self.current:
            self.paragraphs[self.current] += data


def test_strict_build_makes_one_page_per_speech_with_text(built_site):
    pages = sorted(p.parent.name for p in (built_site / "speeches").glob("*/index.html"))
    assert pages == [f"{n:02d}" for n in TRUE_SPEECHES]


def test_speech_pages_carry_the_body_word_for_word(built_site, seed_compilation):
    for speech in seed_compilation.speeches_with_text:
        parser = ArticleText()
        parser.feed((built_site / "speeches" / speech.slug / "index.html").read_text(encoding="utf-8"))
        on_page = [text.replace("¶", "").strip() for text in parser.paragraphs.values()]
        assert on_page == [p.text for p in speech.paragraphs], speech.number


def test_home_page_lists_all_59_entries_and_marks_those_without_text(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    entries = re.findall(r'<li [^>]*id="toc-(\d\d)"[^>]*>(.*?)</li>', home, flags=re.S)
    assert [int(n) for n, _ in entries] == list(range(1, 60))
    for number, item in entries:
        has_link = 'href="speeches/' in item
        assert has_link == (int(number) in TRUE_SPEECHES)
        assert ("正文未收录" in item) == (not has_link)


def test_pages_are_chinese_and_ask_no_font_host(built_site):
    for page in [built_site / "index.html", built_site / "speeches" / "05" / "index.html"]:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="zh"' in html
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html


def test_previous_and_next_link_neighbouring_speeches(built_site):
    html = (built_site / "speeches" / "05" / "index.html").read_text(encoding="utf-8")
    footer = html[html.index('class="md-footer__inner'):]
    assert 'href="../04/"' in footer and 'href="../06/"' in footer


def test_every_speech_links_to_at_least_three_others(built_site, seed_compilation):
    for speech in seed_compilation.speeches_with_text:
        html = (built_site / "speeches" / speech.slug / "index.html").read_text(encoding="utf-8")
        related = html[html.index('<nav class="related-speeches"'):]
        related = related[:related.index("</nav>")]
        targets = set(re.findall(r'href="\.\./(\d\d)/"', related))
        assert len(targets) >= 3 and speech.slug not in targets, speech.number


def test_speeches_6_and_16_link_each_other_at_the_shared_paragraphs(built_site):
    sentence = "我们只要时刻把人民群众的利益放在首位，我们的工作就一定会得到人民群众的肯定"
    for here, there in (("06", "16"), ("16", "06")):
        html = (built_site / "speeches" / here / "index.html").read_text(encoding="utf-8")
        paragraph = next(p for p in re.findall(r'<p id="p\d+">.*?</p>\s*<p class="parallel-passages".*?</p>', html,
                                               flags=re.S) if sentence[:12] in re.sub(r"<[^>]+>", "", p))
        assert '<mark class="shared-passage">' in paragraph
        assert re.search(rf'href="\.\./{there}/#p\d+"', paragraph)


def test_overview_pages_exist(built_site):
    stats = (built_site / "stats" / "index.html").read_text(encoding="utf-8")
    assert stats.count("<figure class=\"stats-chart\">") == 4 and stats.count("<desc id=") == 4
    tags = (built_site / "tags" / "index.html").read_text(encoding="utf-8")
    assert "讲话" in tags and "致辞" in tags and 'href="../speeches/09/"' in tags
    damage = (built_site / "damage" / "index.html").read_text(encoding="utf-8")
    assert "81日" in damage and 'href="../speeches/08/#p1"' in damage


def test_each_tag_of_a_speech_links_to_its_place_on_the_tags_page_which_lists_the_speech(built_site):
    """The tags page and the speeches' tags are made by the plugin: every tag a speech page shows leads to a heading
    of the tags page, and the list under that heading holds the speech, once, in the site's order."""
    tags_page = (built_site / "tags" / "index.html").read_text(encoding="utf-8")
    listed = {anchor: re.findall(r'<a href="\.\./speeches/(\d+)/">', listing)
              for anchor, listing in re.findall(r'<h2 id="([^"]+)">.*?</h2>\s*(<ul>.*?</ul>)', tags_page, re.S)}
    assert len(listed) == tags_page.count("<h2 id=") > 3
    assert all(numbers == sorted(set(numbers)) for numbers in listed.values())
    shown = {}
    for page in sorted((built_site / "speeches").glob("*/index.html")):
        tag_nav = re.search(r'<nav class="md-tags"[^>]*>(.*?)</nav>', page.read_text(encoding="utf-8"), re.S)
        for anchor in re.findall(r'href="\.\./\.\./tags/#([^"]+)" class="md-tag"', tag_nav[1]):
            shown.setdefault(anchor, []).append(page.parent.name)
    assert shown == listed
