"""Typography: full-width punctuation in Chinese text, Latin and numbers untouched, verbatim on request."""

import re

import pytest

from speechsite.typography import normalise


@pytest.mark.parametrize("source, shown", [
    ("同志们:", "同志们："),
    ("一是抓好教育,二是抓好卫生;三是抓好就业!", "一是抓好教育，二是抓好卫生；三是抓好就业！"),
    ("是吗?好", "是吗？好"),
    ("在委党组中心组(扩大)学习", "在委党组中心组（扩大）学习"),
    ("(一)统筹推进", "（一）统筹推进"),
    ("成绩”,我们", "成绩”，我们"),
    ("  前后空格  ", "前后空格"),
])
def test_ascii_punctuation_in_chinese_becomes_full_width(source, shown):
    assert normalise(source) == shown


@pytest.mark.parametrize("source", [
    "8:30",
    "3,000",
    "A,B",
    "OK!",
    "f(x) = (a, b)",
    "增长3.5%",
    "2020年",
])
def test_latin_and_numbers_keep_their_forms(source):
    assert normalise(source) == source


def test_verbatim_keeps_the_source_punctuation():
    assert normalise(" 同志们:(一)好! ", verbatim=True) == "同志们:(一)好!"


def test_no_ascii_mark_stands_between_chinese_characters_in_the_seed(seed_compilation):
    between = re.compile(r"[\u4e00-\u9fff][,:;!?()][\u4e00-\u9fff]")
    offenders = [(s.number, p.anchor, m.group()) for s in seed_compilation.speeches for p in s.paragraphs
                 for m in between.finditer(p.text)]
    assert offenders == []
