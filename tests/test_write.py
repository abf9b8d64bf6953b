"""Page writing: text reaches the page literally, whatever Markdown, HTML or Jinja syntax it contains."""

import markdown
import pytest

from speechsite.write import html_text, markdown_text

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
