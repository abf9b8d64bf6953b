"""Site junk and [[junk]] pins: what is removed, and what must not be."""

from pathlib import Path

import pytest

from seed_truth import JUNK_LINES
from speechsite.errors import InputError
from speechsite.junk import junk_reason, split_junk
from speechsite.model import Overrides, SourceLine, TextPin


@pytest.mark.parametrize("text, reason", [
    ("文章代写:13258028938(同微信) 代写演讲稿", "advertisement"),
    ("联系电话 010-88886666 QQ同号", "advertisement"),
    ("上一篇: [心得体会]党纪党规 > 下一篇: 学习党课", "navigation"),
    ("下一篇:学习党课的心得体会", "navigation"),
    ("最新动态推荐内容", "recommendation"),
    ("相关推荐", "recommendation"),
])
def test_junk_is_recognised(text, reason):
    assert junk_reason(text) == reason


@pytest.mark.parametrize("text", [
    "同志们:",
    "全市共拨打热线电话13258028938次,同比增长12%。",  # a number without advertising words
    "我们要把上一篇文章做好,下一篇文章写好。",          # navigation words not at line start
    "各级党组织要做好推荐内容审核工作,确保推荐内容健康向上,坚持正确导向。",  # long line
])
def test_body_text_is_not_junk(text):
    assert junk_reason(text) is None


def test_seed_junk_is_removed_with_reasons(seed_compilation):
    removed = {r.reason: r.text for r in seed_compilation.removed if r.reason not in ("toc", "title")}
    assert set(removed) == set(JUNK_LINES)
    for reason, words in JUNK_LINES.items():
        assert words in removed[reason]
    body = "".join(p.text for s in seed_compilation.speeches for p in s.paragraphs)
    for words in ("13258028938", "上一篇", "推荐内容"):
        assert words not in body


def pinned(count: int, pins: list[tuple[str, int]]) -> tuple[list[SourceLine], Overrides]:
    lines = [SourceLine(number, f"第{number}行本文来源：资料") for number in range(1, count + 1)]
    return lines, Overrides(path=Path("c.toml"), junk=[TextPin(words, reason=f"pin {number}", count=n)
                                                       for number, (words, n) in enumerate(pins, start=1)])


def test_thirty_thousand_pins_each_remove_their_line_with_their_reason():
    lines, overrides = pinned(30_000, [(f"第{number}行", 1) for number in range(30_000, 0, -1)])
    kept, removed = split_junk(lines, overrides)
    assert not any(line.text for line in kept)
    assert [(r.line, r.reason) for r in removed] == [(n, f"override: pin {30_001 - n}") for n in range(1, 30_001)]


def test_the_longest_matching_pin_gives_the_reason_and_every_pin_its_count():
    lines, overrides = pinned(12, [("第1行", 1), ("第12行本文", 1), ("第1", 4), ("第2行", 1)])
    _, removed = split_junk(lines, overrides)
    assert {r.line: r.reason for r in removed} == {1: "override: pin 1", 10: "override: pin 3", 11: "override: pin 3",
                                                  12: "override: pin 2", 2: "override: pin 4"}


def test_a_pin_matching_other_than_its_count_is_refused_naming_the_override_file():
    lines, overrides = pinned(3_000, [(f"第{number}行", 1) for number in range(1, 3_001)] + [("第29", 1)])
    with pytest.raises(InputError, match=r'"第29" matches 111 lines after the TOC \(29, 290, 291, 292, 293, …\), not 1'
                       ) as raised:
        split_junk(lines, overrides)
    assert raised.value.path == Path("c.toml")
