"""Title and table-of-contents parsing."""

from pathlib import Path

import pytest

from speechsite.errors import InputError
from speechsite.model import SourceLine
from speechsite.parse import parse, parse_title


def lines_of(text: str) -> list[SourceLine]:
    return [SourceLine(number, line) for number, line in enumerate(text.split("\n"), start=1)]


def test_title_loses_seo_prefix_and_count():
    assert parse_title("[党规党纪心得体会2021年8月份]2020年12月份最新工作会议讲话汇编(59篇)") == (
        "2020年12月份最新工作会议讲话汇编", 59)
    assert parse_title("【专题】讲话汇编（3篇）") == ("讲话汇编", 3)
    assert parse_title("讲话汇编") == ("讲话汇编", None)


def test_seed_toc_has_59_entries_in_order(seed_compilation):
    numbers = [speech.number for speech in seed_compilation.speeches]
    assert numbers == list(range(1, 60))
    assert seed_compilation.speeches[0].title == "关于十九届五中全会的讲话"
    assert seed_compilation.speeches[58].title == "在市政府办公室职工会议上的讲话"
    assert seed_compilation.declared_count == 59 and not seed_compilation.warnings


def test_duplicate_titles_are_kept_as_separate_entries(seed_compilation):
    titles = {speech.number: speech.title for speech in seed_compilation.speeches}
    assert titles[22] == titles[25] and titles[43] == titles[49]


def test_toc_ends_where_body_begins():
    parsed = parse(Path("x.txt"), lines_of("标题(2篇)\n\n1。甲\n\n2。乙\n\n\n正文第一段\n1。不是目录"))
    assert [(e.number, e.title) for e in parsed.toc] == [(1, "甲"), (2, "乙")]
    assert [line.text for line in parsed.body_lines] == ["正文第一段", "1。不是目录"]
    assert not parsed.warnings


def test_count_mismatch_is_a_warning_naming_the_line():
    parsed = parse(Path("x.txt"), lines_of("标题(3篇)\n1。甲\n2。乙\n正文"))
    assert parsed.warnings == ["x.txt:1: the title says 3 pieces but the table of contents has 2 entries"]


@pytest.mark.parametrize("text, line, words", [
    ("标题\n1。甲\n2。乙\n2。丙\n正文", 4, "repeats"),
    ("标题\n1。甲\n2。乙\n4。丙\n正文", 4, "skips"),
])
def test_bad_toc_numbers_name_the_line(text, line, words):
    with pytest.raises(InputError) as caught:
        parse(Path("x.txt"), lines_of(text))
    assert caught.value.line == line and words in str(caught.value)


def test_missing_toc_is_an_error():
    with pytest.raises(InputError, match="no table of contents"):
        parse(Path("x.txt"), lines_of("标题\n正文第一段\n正文第二段"))


@pytest.mark.parametrize("entries", [
    ["1。甲会议上的讲话", "2。乙会议上的讲话", "3。丙会议上的讲话"],
    ["1、甲会议上的讲话", "2、乙会议上的讲话", "3、丙会议上的讲话"],
    ["1. 甲会议上的讲话", "2. 乙会议上的讲话", "3. 丙会议上的讲话"],
    ["1．甲会议上的讲话", "2．乙会议上的讲话", "3．丙会议上的讲话"],
    ["（1）甲会议上的讲话", "（2）乙会议上的讲话", "（3）丙会议上的讲话"],
    ["(1) 甲会议上的讲话", "(2) 乙会议上的讲话", "(3) 丙会议上的讲话"],
    ["一、甲会议上的讲话", "二、乙会议上的讲话", "三、丙会议上的讲话"],
    ["第1篇 甲会议上的讲话", "第2篇 乙会议上的讲话", "第3篇 丙会议上的讲话"],
    ["第一篇：甲会议上的讲话", "第二篇：乙会议上的讲话", "第三篇：丙会议上的讲话"],
    ["· 甲会议上的讲话", "· 乙会议上的讲话", "· 丙会议上的讲话"],
    ["1。甲会议上的讲话……………3", "2。乙会议上的讲话 ....... 15", "3。丙会议上的讲话\t27"],
])
@pytest.mark.parametrize("header, gap", [("", "\n"), ("目  录\n", "\n\n"), ("目录：\n\n", "\n")])
def test_toc_styles(entries, header, gap):
    text = "汇编(3篇)\n\n" + header + gap.join(entries) + "\n\n\n同志们:\n正文。"
    parsed = parse(Path("x.txt"), lines_of(text))
    assert [(e.number, e.title) for e in parsed.toc] == [(1, "甲会议上的讲话"), (2, "乙会议上的讲话"),
                                                        (3, "丙会议上的讲话")]
    assert [line.text for line in parsed.body_lines if line.text] == ["同志们:", "正文。"]


def test_chinese_numbers_count_past_ten():
    from speechsite.parse import chinese_number

    assert [chinese_number(t) for t in ("一", "十", "十二", "二十", "二十三", "一百", "一百零五")] == [
        1, 10, 12, 20, 23, 100, 105]


def test_titles_ending_in_numbers_keep_them():
    parsed = parse(Path("x.txt"), lines_of("汇编\n1。纪念关工委成立30周年\n2。在2020年会议上的讲话 2021\n正文"))
    assert [e.title for e in parsed.toc] == ["纪念关工委成立30周年", "在2020年会议上的讲话 2021"]


def test_toc_after_front_matter_and_a_contents_header_with_a_stray_line_and_a_notes_entry():
    from volumes import PIECES, titled_volume

    source = titled_volume()
    parsed = parse(Path("v.txt"), lines_of(source))
    assert parsed.title == "示例文选"
    assert [entry.title for entry in parsed.toc] == [piece.title for piece in PIECES]
    reasons = {removed.text.strip(): removed.reason for removed in parsed.removed}
    assert reasons[PIECES[0].paragraphs[1]] == "front matter"
    assert reasons["目  录"] == "toc"
    assert reasons["（一九五七年一月）  作者"].startswith("toc: stray line")
    assert reasons["· 注释"].startswith("toc: back matter entry")
    assert parsed.body_lines[0].text == PIECES[0].title


def test_front_matter_without_a_contents_header_needs_two_entries_in_a_row():
    parsed = parse(Path("x.txt"), lines_of("文选\n出版说明：本书收入讲话两篇。\n1、甲篇\n2、乙篇\n甲篇正文。"))
    assert [entry.title for entry in parsed.toc] == ["甲篇", "乙篇"]
    assert [(r.text, r.reason) for r in parsed.removed][1] == ("出版说明：本书收入讲话两篇。", "front matter")


def test_a_line_too_long_for_a_title_is_not_a_toc_entry_nor_the_title():
    from speechsite.parse import TITLE_MAX_CHARS

    long_entry = "2。" + "乙" * TITLE_MAX_CHARS
    parsed = parse(Path("x.txt"), lines_of(f"标题\n1。甲\n{long_entry}\n正文"))
    assert [entry.title for entry in parsed.toc] == ["甲"]
    assert parsed.body_lines[0].text == long_entry
    with pytest.raises(InputError, match="too many for a title"):
        parse(Path("x.txt"), lines_of("标" * (TITLE_MAX_CHARS + 1) + "\n1。甲\n正文"))
