"""Statistics: the figures, and charts as accessible, escaped SVG without script or web fonts."""

import xml.etree.ElementTree as ET

import pytest

from speechsite.metadata import compilation_metadata
from speechsite.stats import Bar, Chart, chart_svg, compilation_stats
from speechsite.words import term_weights

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def seed_stats(seed_compilation):
    return compilation_stats(seed_compilation, speech_url=lambda number: f"../speeches/{number:02d}/")


def test_seed_figures_add_up(seed_compilation, seed_stats):
    metadata = compilation_metadata(seed_compilation)
    assert (seed_stats.entries, seed_stats.speeches_with_text) == (59, 19)
    assert seed_stats.characters == sum(m.characters for m in metadata.values())
    assert seed_stats.median_characters == sorted(m.characters for m in metadata.values() if m.characters)[9]
    lengths, kinds, levels, words = seed_stats.charts
    assert [chart.key for chart in seed_stats.charts] == ["lengths", "kinds", "levels", "words"]
    assert [bar.value for bar in lengths.bars] == [metadata[n].characters for n in range(1, 20)]
    assert lengths.bars[4].href == "../speeches/05/" and lengths.bars[4].note == "在全国体育局长会议上的讲话"
    assert sum(bar.value for bar in kinds.bars) == sum(bar.value for bar in levels.bars) == 59
    assert kinds.bars[0].label == "讲话"


def test_seed_characteristic_words_are_topics_not_boilerplate(seed_compilation, seed_stats):
    weights = term_weights(seed_compilation)
    words = [bar.label for bar in seed_stats.charts[3].bars]
    assert {"体育", "脱贫", "巡察"} <= set(words)
    assert all(weights.document_frequency[word] < weights.speech_count for word in words)
    assert not {"工作", "发展", "习近平"} & set(words)


@pytest.mark.parametrize("index", range(4))
def test_seed_charts_are_accessible_svg(seed_stats, index):
    chart = seed_stats.charts[index]
    markup = chart.svg
    root = ET.fromstring(markup)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == chart.title and desc.text == chart.description
    assert all(str(bar.value) in desc.text for bar in chart.bars)
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert all(bar.label in labels for bar in chart.bars)
    assert "script" not in markup and "@font-face" not in markup and "url(" not in markup
    assert "Noto Sans CJK SC" in root.get("font-family") and root.get("font-family").endswith("sans-serif")


def test_bar_lengths_are_proportional():
    root = ET.fromstring(chart_svg(Chart("test", "图", "说明", "字", (Bar("甲", 100), Bar("乙", 50), Bar("丙", 0)))))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 1


def test_text_from_the_source_is_escaped():
    hostile = '<script>alert("x")</script> & <a href="javascript:">'
    chart = Chart("test", hostile, hostile, "字", (Bar(hostile, 3, hostile, "../speeches/01/"),))
    markup = chart_svg(chart)
    assert "<script" not in markup and "&lt;script&gt;" in markup
    root = ET.fromstring(markup)
    assert root.find(f"{SVG}title").text == hostile
    assert [link.get("href") for link in root.iter(f"{SVG}a")] == ["../speeches/01/"]
    assert hostile in [text.text for text in root.iter(f"{SVG}text")]


def test_an_empty_compilation_chart_still_renders():
    root = ET.fromstring(chart_svg(Chart("empty", "空", "没有数据。", "篇", ())))
    assert root.find(f"{SVG}desc").text == "没有数据。"
