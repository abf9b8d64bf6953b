"""Statistics of a compilation and their charts: speech lengths, kinds, levels and the most characteristic words.

Charts are horizontal bar charts drawn at build time as SVG markup, meant to be inlined in the page: a <title> and a
<desc> listing every value for screen readers, text labels, no script, no web font (a system font stack that covers
Chinese), text in ``currentColor`` so that light and dark schemes both work. The markup is built with
``xml.etree.ElementTree``, which escapes every title and word taken from the source.
"""

from __future__ import annotations

import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from .metadata import LEVEL_LABELS, LEVELS, SpeechMetadata, compilation_metadata
from .model import Compilation
from .words import TermWeights, term_weights

FONT_FAMILY = ("system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', "
               "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif")
BAR_COLOUR = "#4051b5"
"""Material's default indigo: 6.8:1 against white, readable against the slate scheme's background too."""
WIDTH = 720
ROW = 22
FONT_SIZE = 13
TITLE_CHARACTERS = 16
"""Characters of a title shown beside its bar; the whole title is the bar's tooltip."""
WORD_COUNT = 20
NO_LEVEL = "未注明"


@dataclass(frozen=True)
class Bar:
    """One bar: what it stands for and its value."""

    label: str
    """Text beside the bar."""
    value: int
    note: str = ""
    """Tooltip (the bar's <title>): the full title, or what the value counts."""
    href: str | None = None
    """Link for the bar, e.g. the speech's page."""


@dataclass(frozen=True)
class Chart:
    """A bar chart: its data, and its SVG markup through ``svg``."""

    key: str
    """Stable id: ``lengths``, ``kinds``, ``levels`` or ``words``; also the prefix of the SVG's element ids."""
    title: str
    description: str
    """One or two sentences that state what the chart shows and every value, for those who cannot see it."""
    unit: str
    """Unit printed after each value, e.g. ``字``."""
    bars: tuple[Bar, ...]

    @property
    def svg(self) -> str:
        return chart_svg(self)


@dataclass(frozen=True)
class WordCount:
    """A characteristic word of a compilation, as its chart shows it."""

    word: str
    occurrences: int
    speeches: int
    """Speeches it occurs in."""


@dataclass(frozen=True)
class CompilationStats:
    """Figures for the statistics page."""

    entries: int
    """Entries of the table of contents."""
    speeches_with_text: int
    characters: int
    """Characters of all speeches, white space left out."""
    reading_minutes: int
    median_characters: int
    charts: tuple[Chart, ...]
    """Lengths, kinds, levels, words — in that order."""


def compilation_stats(compilation: Compilation, metadata: dict[int, SpeechMetadata] | None = None,
                      words: tuple[WordCount, ...] | None = None,
                      speech_url: Callable[[int], str] | None = None) -> CompilationStats:
    """Figures and charts; ``speech_url`` (TOC number → URL) makes the length bars links. ``metadata`` and ``words``
    are computed when not given (a build's analysis has them)."""
    metadata = metadata or compilation_metadata(compilation)
    words = words if words is not None else characteristic_words(term_weights(compilation))
    with_text = compilation.speeches_with_text
    lengths = [metadata[speech.number].characters for speech in with_text]
    charts = (_lengths_chart(compilation, metadata, speech_url), _kinds_chart(compilation, metadata),
              _levels_chart(compilation, metadata), _words_chart(words))
    return CompilationStats(len(compilation.speeches), len(with_text), sum(lengths),
                            sum(metadata[speech.number].reading_minutes for speech in with_text),
                            round(statistics.median(lengths)) if lengths else 0, charts)


def _lengths_chart(compilation, metadata, speech_url) -> Chart:
    bars = []
    for speech in compilation.speeches_with_text:
        title = speech.title if len(speech.title) <= TITLE_CHARACTERS else speech.title[:TITLE_CHARACTERS - 1] + "…"
        bars.append(Bar(f"{speech.number}. {title}", metadata[speech.number].characters, speech.title,
                        speech_url(speech.number) if speech_url else None))
    values = "；".join(f"第{speech.number}篇 {bar.value}字" for speech, bar in zip(compilation.speeches_with_text, bars))
    return Chart("lengths", "各篇字数", f"{len(bars)}篇有正文的讲话的字数（不计空白）：{values}。", "字", tuple(bars))


def _kinds_chart(compilation, metadata) -> Chart:
    counts = Counter(metadata[speech.number].kind for speech in compilation.speeches)
    bars = tuple(Bar(kind, count) for kind, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    values = "；".join(f"{bar.label} {bar.value}篇" for bar in bars)
    return Chart("kinds", "文稿类型", f"目录{len(compilation.speeches)}篇按标题所示的文稿类型计数：{values}。", "篇", bars)


def _levels_chart(compilation, metadata) -> Chart:
    counts = Counter(metadata[speech.number].level for speech in compilation.speeches)
    order = [level for level in LEVELS if counts[level]] + ([None] if counts[None] else [])
    bars = tuple(Bar(LEVEL_LABELS[level] if level else NO_LEVEL, counts[level]) for level in order)
    values = "；".join(f"{bar.label} {bar.value}篇" for bar in bars)
    return Chart("levels", "会议层级", f"目录{len(compilation.speeches)}篇按标题（无从判断时按正文）所示的层级计数：{values}。",
                 "篇", bars)


def characteristic_words(weights: TermWeights) -> tuple[WordCount, ...]:
    """The WORD_COUNT words with the highest TF-IDF summed over the speeches, most frequent first."""
    summed: Counter = Counter()
    for words in weights.weights.values():
        summed.update(words)
    top = sorted(summed, key=lambda word: (-summed[word], word))[:WORD_COUNT]
    occurrences = {word: sum(counts[word] for counts in weights.counts.values()) for word in top}
    return tuple(WordCount(word, occurrences[word], weights.document_frequency[word])
                 for word in sorted(top, key=lambda word: (-occurrences[word], word)))


def _words_chart(words: tuple[WordCount, ...]) -> Chart:
    bars = tuple(Bar(word.word, word.occurrences, f"{word.word}：出现{word.occurrences}次，见于{word.speeches}篇")
                 for word in words)
    values = "；".join(f"{bar.label} {bar.value}次" for bar in bars)
    return Chart("words", "最具特色的词",
                 f"最能把各篇讲话彼此区分开的{len(bars)}个词（TF-IDF之和最高者）及其出现次数：{values}。", "次", bars)


def chart_svg(chart: Chart) -> str:
    """The chart as an accessible SVG document fragment (an <svg> element), every text escaped."""
    label_width = max((_text_width(bar.label) for bar in chart.bars), default=0) + 12
    value_width = max((_text_width(f"{bar.value}{chart.unit}") for bar in chart.bars), default=0) + 8
    bar_space = max(WIDTH - label_width - value_width, 40)
    top = max((bar.value for bar in chart.bars), default=0) or 1
    height = ROW * len(chart.bars) + 8
    title_id, desc_id = f"{chart.key}-title", f"{chart.key}-desc"
    svg = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {height}", "width": "100%",
        "role": "img", "aria-labelledby": f"{title_id} {desc_id}", "class": f"speechsite-chart speechsite-{chart.key}",
        "font-family": FONT_FAMILY, "font-size": str(FONT_SIZE), "fill": "currentColor"})
    ET.SubElement(svg, "title", {"id": title_id}).text = chart.title
    ET.SubElement(svg, "desc", {"id": desc_id}).text = chart.description
    for row, bar in enumerate(chart.bars):
        y = 4 + row * ROW
        parent = ET.SubElement(svg, "a", {"href": bar.href}) if bar.href else svg
        group = ET.SubElement(parent, "g")
        ET.SubElement(group, "title").text = bar.note or f"{bar.label}：{bar.value}{chart.unit}"
        ET.SubElement(group, "text", {"x": str(label_width - 8), "y": str(y + ROW / 2), "text-anchor": "end",
                                      "dominant-baseline": "central"}).text = bar.label
        length = max(round(bar_space * bar.value / top, 1), 1)
        ET.SubElement(group, "rect", {"x": str(label_width), "y": str(y + 3), "width": str(length),
                                      "height": str(ROW - 6), "rx": "2", "fill": BAR_COLOUR})
        ET.SubElement(group, "text", {"x": str(round(label_width + length + 6, 1)), "y": str(y + ROW / 2),
                                      "dominant-baseline": "central"}).text = f"{bar.value}{chart.unit}"
    return ET.tostring(svg, encoding="unicode")


def _text_width(text: str) -> float:
    """Approximate rendered width: a full em for CJK and full-width characters, about 0.6 em for the rest."""
    return sum(FONT_SIZE if ord(char) >= 0x2E80 else FONT_SIZE * 0.6 for char in text)
