"""The search engine on its own (templates/theme/assets/speechsite/search-engine.js), in Chromium, on small indexes:
what matches, how results rank, and what Material is given to render."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PROJECT_DIR

ENGINE = PROJECT_DIR / "templates" / "theme" / "assets" / "speechsite" / "search-engine.js"

DOCS = [
    {"title": "在于都县工商联大会上的讲话", "location": "speeches/01/", "paragraphs": [
        ["p1", "同志们：", 0],
        ["p2", "一、抓好经济", 2],
        ["p3", "全县ＧＤＰ增长，Rcep 带来机遇。森林", 0],
        ["p4", "防火要抓紧，<b>不是标签</b>。", 0],
    ]},
    {"title": "在全市教育大会上的讲话", "location": "speeches/02/", "paragraphs": [
        ["p1", "教育教育教育，于都也讲教育。", 0],
        ["p2", "常委 会议听取了汇报。", 0],
    ]},
    {"title": "在全市森林防火工作推进会议上的讲话", "location": "./#toc-03"},
]


@pytest.fixture(scope="module")
def engine_page(chromium):
    page = chromium.new_page()
    page.add_script_tag(path=str(ENGINE))
    page.evaluate("docs => { window.engine = new SpeechsiteSearch.Engine(docs) }", DOCS)
    yield page
    page.close()


def search(page, query: str) -> list[list[dict]]:
    return page.evaluate("query => engine.search(query).items", query)


def locations(page, query: str) -> list[str]:
    """What each result is about, best first: a speech's page, or a TOC entry on the home page."""
    return [group[-1]["location"] for group in search(page, query)]


@pytest.mark.parametrize("query, expected", [
    ("于都", ["speeches/01/", "speeches/02/"]),
    ("于都 教育", ["speeches/02/"]),             # every term must occur
    ("于都县 教育", []),
    ("gdp", ["speeches/01/"]),                 # case and width fold: the text has ＧＤＰ
    ("ＲＣＥＰ", ["speeches/01/"]),
    ("，rcep", ["speeches/01/"]),              # full-width punctuation folds too
    ("常委会议", ["speeches/02/"]),             # white space in the text is ignored
    ('"常委 会议"', ["speeches/02/"]),          # … and inside a quoted phrase
    ("森林防火", ["speeches/01/", "./#toc-03"]),  # across two paragraphs, as in the page's text
    ('"于都 也讲', ["speeches/02/"]),           # an unclosed quote runs to the end: one phrase, 于都也讲
    ("量子", []),
    ("", []),
    ("   ", []),
])
def test_a_page_matches_when_it_contains_every_term(engine_page, query, expected):
    assert locations(engine_page, query) == expected


def test_quoted_words_are_one_phrase(engine_page):
    assert engine_page.evaluate("() => SpeechsiteSearch.parseQuery('于都 \"常委 会议\" ＧＤＰ 于都')") == [
        "于都", "常委会议", "gdp"]


def test_title_hits_rank_first_then_frequency(engine_page):
    assert locations(engine_page, "教育")[0] == "speeches/02/"    # in the title
    assert locations(engine_page, "讲话")[-1] == "./#toc-03"    # titles without text come last
    scores = [group[0]["score"] for group in search(engine_page, "于都")]
    assert scores[0] > scores[1] > 0  # 01 has 于都 in its title


def test_a_speech_result_is_its_title_and_the_paragraph_of_the_first_hit(engine_page):
    paragraph, article = search(engine_page, "抓")[0]
    assert paragraph["location"] == "speeches/01/#p2"
    assert paragraph["title"] == "一、<mark>抓</mark>好经济"  # a hit in a heading: the heading, no snippet
    assert paragraph["text"] == ""
    assert paragraph["score"] > article["score"] == 0  # Enter opens the paragraph
    assert article == {"location": "speeches/01/", "title": "在于都县工商联大会上的讲话", "text": "",
                       "score": 0, "terms": {"抓": True}}
    assert search(engine_page, "机遇")[0][0]["title"] == "一、抓好经济"  # the heading it falls under
    assert search(engine_page, "汇报")[0][0]["title"] == "第 2 段"  # no heading before it


def test_marks_show_the_text_as_shown_and_escape_it(engine_page):
    paragraph, article = search(engine_page, "gdp 标签")[0]
    assert paragraph["text"] == "<p>全县<mark>ＧＤＰ</mark>增长，Rcep 带来机遇。森林</p>"
    assert paragraph["terms"] == {"ＧＤＰ": True, "标签": True}  # for Material's highlighting on the page
    paragraph, _ = search(engine_page, "标签")[0]
    assert paragraph["text"] == "<p>防火要抓紧，&lt;b&gt;不是<mark>标签</mark>&lt;/b&gt;。</p>"
    assert article["title"] == "在于都县工商联大会上的讲话"


def test_a_long_paragraph_is_cut_around_the_first_hit(chromium):
    page = chromium.new_page()
    page.add_script_tag(path=str(ENGINE))
    text = "甲" * 200 + "于都" + "乙" * 200
    docs = [{"title": "标题", "location": "speeches/01/", "paragraphs": [["p1", text, 0]]}]
    snippet = page.evaluate("docs => new SpeechsiteSearch.Engine(docs).search('于都').items[0][0].text", docs)
    page.close()
    assert snippet.startswith("<p>…" + "甲" * 20 + "<mark>于都</mark>乙") and snippet.endswith("乙…</p>")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) == len("<p>…</p>…") + 110


def test_a_title_without_text_is_tagged(engine_page):
    (entry,), = search(engine_page, "推进")
    assert entry == {"location": "./#toc-03", "title": "在全市森林防火工作<mark>推进</mark>会议上的讲话", "text": "",
                     "tags": ["正文未收录"], "score": 0, "terms": {"推进": True}}


def test_messages_follow_materials_protocol(engine_page):
    replies = engine_page.evaluate("""docs => {
      const answer = SpeechsiteSearch.handler()
      return [answer({ type: 0, data: { config: {}, docs, options: {} } }), answer({ type: 2, data: "于都" })]
    }""", DOCS)
    assert replies[0] == {"type": 1}
    assert replies[1]["type"] == 3 and len(replies[1]["data"]["items"]) == 2
