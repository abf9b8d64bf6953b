"""Outline: which lines become headings, and at which level."""

import pytest

from speechsite.model import Paragraph
from speechsite.outline import mark_headings, marker_family


def levels(*texts: str) -> list[int]:
    paragraphs = [Paragraph(text, i, text) for i, text in enumerate(texts)]
    mark_headings(paragraphs)
    return [p.heading_level for p in paragraphs]


@pytest.mark.parametrize("text", [
    "一、突出目标引领，把准建设健康仪征的奋斗方向",
    "（一）统筹推进疫情防控和体育工作",
    "第二，充分认识当前安全生产严峻形势，切实增强做好安全生产和防火工作的责任感和紧迫感",
    "首先，我们要认真学习全会精神。",
    "一要提高站位，坚持正确政治方向。",
    "（二）落实巡察责任，注意把握巡察工作方式方法。",
])
def test_short_standalone_section_lines_are_headings(text):
    assert marker_family(text) is not None


@pytest.mark.parametrize("text", [
    "一是要坚定不移讲政治。党政军民学，东西南北中，党是领导一切的。",  # a sentence ends inside
    "1、坚持三个突出，进一步夯实提案工作基础。要坚持从提案的初始环节入手，准确把握提案的前提要素，努力提升提案的层次和水平。",
    "最后，祝此次会议圆满成功！",                                  # not a section marker
    "这次会议概括为以下五个特点：",                                # no marker
    "（一）就这次会议进展情况，谈以下几点看法，请大家认真研究，结合实际抓好落实，确保各项工作任务落到实处",  # too long
    "第一，我们胜利了！",                                          # an exclamation, not a heading
])
def test_sentences_and_long_paragraphs_stay_paragraphs(text):
    assert marker_family(text) is None


def test_first_family_is_level_2_and_the_next_one_nests():
    assert levels("一、总体要求", "正文。", "（一）坚持党的领导", "正文。", "（二）坚持人民至上", "二、重点任务") == [
        2, 0, 3, 0, 3, 2]


def test_a_speech_that_numbers_parentheses_first_keeps_its_hierarchy():
    assert levels("（一）就会议进展谈看法", "一、党委高度重视", "二、队伍不断加强", "（二）就今后工作讲意见") == [2, 3, 3, 2]


def test_levels_are_never_skipped():
    assert levels("一、总体要求", "首先，我们要学习。", "（一）坚持党的领导") == [2, 3, 4]


def test_speech_5_has_its_three_parts_and_twenty_subsections(seed_compilation):
    speech = seed_compilation.speeches[4]
    counts = {level: sum(p.heading_level == level for p in speech.paragraphs) for level in (2, 3, 4)}
    assert counts[2] == 3 and counts[3] >= 20 and counts[4] == 0
    assert all(len(p.text) <= 45 for p in speech.paragraphs if p.heading_level)
