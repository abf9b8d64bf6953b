"""Page writing: text reaches the page literally, whatever Markdown, HTML or Jinja syntax it contains; each speech
is described by its opening sentence."""

import os
import re
import subprocess
import sys

import markdown
import pytest
import yaml
from mkdocs.utils.meta import get_data

from builders import PROJECT_DIR, write_compilation
from speechsite.model import Compilation, Paragraph, Speech, TocEntry
from speechsite.pipeline import build_compilation
from speechsite.write import (DESCRIPTION_LENGTH, LONG_PARAGRAPH, PageWriter, description, html_text, markdown_text,
                              page_url, speech_path, tag_index, tag_listing_marker)

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[点我](javascript:alert(1))",
    "![图](x.png)",
    "# 不是标题 *也不是强调* _下划线_ `代码`",
    "| 表 | 格 |",
    "&amp; &lt; &#39; 实体",
    "<!-- 注释 -->",
    "{{ config }} {% if x %}模板{% endif %}",
    "1. 不是列表",
    "标题 { #injected .class }",
    "反斜杠 \\ 和 \\* 星号",
]


def render(source: str) -> str:
    return markdown.markdown(source, extensions=["attr_list", "md_in_html", "toc"])


def visible_text(html: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts, self.tags = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return "".join(parser.parts), parser.tags


@pytest.mark.parametrize("text", HOSTILE)
def test_paragraph_html_renders_literally(text):
    text_out, tags = visible_text(render(f'<p id="p1">{html_text(text)}</p>'))
    assert text_out == text
    assert tags == [("p", {"id": "p1"})]


@pytest.mark.parametrize("text", HOSTILE)
def test_heading_markdown_renders_literally(text):
    text_out, tags = visible_text(render(f"## {markdown_text(text)} {{ #s1 }}"))
    assert text_out == text
    assert [tag for tag, _ in tags] == ["h2"] and tags[0][1]["id"] == "s1"


@pytest.mark.parametrize("text", HOSTILE)
def test_link_text_markdown_renders_literally(text):
    text_out, tags = visible_text(render(f"[{markdown_text(text)}](speeches/01.md)"))
    assert text_out == text
    assert [tag for tag, _ in tags] == ["p", "a"] and tags[1][1]["href"] == "speeches/01.md"


def speech_of(*texts: str, headings: tuple[int, ...] = ()) -> Speech:
    paragraphs = [Paragraph(text, line, text, heading_level=2 if line in headings else 0, anchor=f"p{line}")
                  for line, text in enumerate(texts, start=1)]
    return Speech(TocEntry(1, "标题", 1), paragraphs, title="标题")


@pytest.mark.parametrize("texts, expected", [
    (["同志们：", "今天我们召开会议。会议很重要。"], "今天我们召开会议。"),
    (["尊敬的各位领导、同志们：", "大家下午好！", "很高兴与各位相聚在淮安，共同出席论坛。"], "很高兴与各位相聚在淮安，共同出席论坛。"),
    (["同志们：", "大家好。我们这次全年工作总结汇报会，整个日程进行完了。"], "我们这次全年工作总结汇报会，整个日程进行完了。"),
    (["他说：“这次会议很重要，要开好。”然后散会了。"], "他说：“这次会议很重要，要开好。”"),
    (["没有句号的一段开头文字"], "没有句号的一段开头文字"),
])
def test_description_is_the_opening_sentence_past_salutation_and_greeting(texts, expected):
    assert description(speech_of(*texts)) == expected


def test_description_skips_headings_and_cuts_long_sentences():
    assert description(speech_of("一、总体要求", "今天我们召开会议。", headings=(1,))) == "今天我们召开会议。"
    long = description(speech_of("长" * 300 + "。"))
    assert len(long) == DESCRIPTION_LENGTH and long.endswith("…")


@pytest.mark.parametrize("text", HOSTILE + ['引号 " 和 \' 和 \\ 反斜杠：', "---\nfront: matter", "a: b # c"])
def test_description_front_matter_is_valid_yaml_escaped_for_the_attribute(tmp_path, text):
    speech = speech_of(f"开头的句子很长很长，其中有{text}。")
    compilation = Compilation(tmp_path / "c.txt", "汇编", [speech], [], [])
    page = PageWriter(PROJECT_DIR / "templates" / "pages").render(compilation)["speeches/01.md"]
    front, body = re.match(r"---\n(.*?\n)---\n(.*)", page, flags=re.S).groups()
    assert yaml.safe_load(front) == {"description": str(html_text(description(speech)))}
    assert body.startswith("# 标题")


@pytest.mark.parametrize("text", ["今天𠮷野家开业", "大家好😀，我们开会", "\x85\x9f\ufeff\ufffe 控制字符"])
def test_description_beyond_the_basic_plane_is_front_matter_mkdocs_reads(tmp_path, text):
    speech = speech_of(f"{text}。")
    compilation = Compilation(tmp_path / "c.txt", "汇编", [speech], [], [])
    page = PageWriter(PROJECT_DIR / "templates" / "pages").render(compilation)["speeches/01.md"]
    body, meta = get_data(page)  # as MkDocs reads a page: bad YAML would leave the front matter in the text
    assert meta == {"description": str(html_text(description(speech)))}
    assert body.startswith("# 标题")


def test_a_built_page_with_an_astral_character_has_its_description_and_tags(tmp_path):
    seed = write_compilation(tmp_path, "汇编\n\n1。在全市大会上的讲话\n\n同志们：\n\n今天𠮷祥的日子😀我们开会。\n")
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)], cwd=PROJECT_DIR,
                            capture_output=True, text=True, env=os.environ | {"SPEECHSITE_SEEDS": str(seed)})
    assert result.returncode == 0, result.stderr
    html = (site / "speeches" / "01" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="今天𠮷祥的日子😀我们开会。">' in html
    article = html[html.index("<article"):html.index("</article>")]
    assert "description:" not in article and 'class="md-tag' in article


def test_paragraphs_are_markdown_with_their_anchor_in_attr_list_and_render_as_before():
    """Python-Markdown copies the rest of the page after each raw HTML block: a paragraph is a Markdown block."""
    texts = [*HOSTILE, "长" * (LONG_PARAGRAPH + 1)]
    speech = speech_of(*texts)
    page = PageWriter(PROJECT_DIR / "templates" / "pages").render(Compilation(PROJECT_DIR / "c.txt", "汇编", [speech],
                                                                              [], []))["speeches/01.md"]
    raw_paragraphs = re.findall(r'^<p id="(p\d+)">', page, flags=re.M)
    assert raw_paragraphs == [f"p{len(texts)}"]  # only the long one, which Markdown's inline parser would not afford
    html = render(page.split("---\n", 2)[2])
    for number, text in enumerate(texts, start=1):
        shown = re.search(rf'<p id="p{number}">(.*?)<a class="headerlink" href="#p{number}" title="第1篇第{number}段" '
                          rf'aria-label="第1篇第{number}段的链接">¶</a></p>', html, flags=re.S)
        assert shown and visible_text(shown.group(1))[0] == text, number


def test_description_passes_over_every_kind_of_greeting():
    speech = speech_of("女士们、先生们，朋友们！", "大家上午好", "同志们：", "沧桑砥砺，春华秋实。")
    assert description(speech) == "沧桑砥砺，春华秋实。"


def test_marks_wrap_exactly_the_shared_spans():
    from speechsite.model import Paragraph
    from speechsite.write import marked_paragraph

    html = str(marked_paragraph(Paragraph("甲乙<丙>丁", 1, "甲乙<丙>丁"), [(1, 3), (4, 5)]))
    assert html == '甲<mark class="shared-passage">乙&lt;</mark>丙<mark class="shared-passage">&gt;</mark>丁'


def test_a_very_long_paragraph_is_cut_into_blocks_without_changing_its_text():
    from html.parser import HTMLParser

    from speechsite.model import Paragraph
    from speechsite.write import LONG_PARAGRAPH, LONG_PARAGRAPH_BLOCK, marked_paragraph

    text = "很长的段落，" * (LONG_PARAGRAPH // 3)
    html = str(marked_paragraph(Paragraph(text, 1, text), [(LONG_PARAGRAPH_BLOCK - 3, LONG_PARAGRAPH_BLOCK + 3)]))
    assert html.count('<span class="paragraph-block">') == -(-len(text) // LONG_PARAGRAPH_BLOCK)
    assert html.count("<mark") == 2  # the shared span crosses a block boundary: one mark on each side

    class Text(HTMLParser):
        parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    assert "".join(parser.parts) == text


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_the_tags_page_lists_links_to_each_speech_of_a_site_of_several_compilations(seed_path, use_directory_urls):
    """tag_listings works out addresses from the tags page's way to the site's root: each must be the one page_url
    gives, in either kind of site, for speeches in their compilations' folders."""
    first, second = build_compilation(seed_path), build_compilation(seed_path)
    first.place_under("first")
    second.place_under("second")
    index = tag_index([first, second])
    listings = PageWriter.tag_listings(index, use_directory_urls)
    assert list(listings) == [tag_listing_marker(number) for number in range(len(index))]
    for listing, speeches in zip(listings.values(), index.values()):
        assert re.findall(r'<li><a href="([^"]+)">', listing) == [
            page_url("tags.md", speech_path(speech), use_directory_urls) for speech in speeches]
        assert any(speech.collection == "second" for speech in speeches)  # both compilations, the site's order
        assert speeches == sorted(speeches, key=lambda speech: (speech.collection, speech.number))
