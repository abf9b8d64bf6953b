"""Damage report: run-together dates, unbalanced or vanished quotes, truncated line ends — reported, never changed;
control characters — left out of the text, and reported where they were."""

import pytest

from speechsite.damage import (CONTROL_CHARACTERS, DATE, TRUNCATED_SENTENCE, TRUNCATED_WORD, UNBALANCED_QUOTES,
                               UNTERMINATED, VANISHED_QUOTED_WORD, damage_report, scan_paragraph)
from speechsite.pipeline import build_compilation

WITH_CONTROL_CHARACTERS = ("汇编\x1b]0;标题\x07(2篇)\n1。第一篇\x9b讲话\n2。第二篇讲话\n\n\n"
                           "同志们:\n\n今天\x1b[31m开会\x1b[0m,请大家\x07\x07注意。\n\n\n同志们:\n\n第二篇\x7f正文。\n")
"""ESC (escape sequences that retitle and recolour a terminal), BEL, CSI (C1) and DEL in the title, a TOC entry and
bodies."""


def kinds(text: str, heading_level: int = 0) -> list[tuple[str, str]]:
    return [(suspect.kind, suspect.text) for suspect in scan_paragraph(text, heading_level)]


@pytest.mark.parametrize("text, matched, reading", [
    ("去年81日，徐立毅书记在履新不久", "81日", "8月1日"),
    ("717日，省教育厅召开会议。", "717日", "7月17日"),
    ("20186月，全市义务教育大班额。", "20186月", "2018年6月"),
    ("据统计，110月台湾对大陆出口增长。", "110月", "1—10月"),
    ("201739日创建全国文明城市拉开帷幕。", "201739日", "2017年3月9日"),
    ("上面三项工作多集中在910月份，时间紧。", "910月", "9—10月"),
    ("122226日，全国人大常委会审议。", "122226日", "12月22—26日"),
    ("占比45.1%43.9%721日，市教育局召开会议。", "721日", "7月21日"),
    ("4.20208月前，推进职业教育。", "20208月", "2020年8月"),
])
def test_dates_that_lost_a_character_are_found(text, matched, reading):
    [suspect] = scan_paragraph(text)
    assert (suspect.kind, suspect.text, text[suspect.start:suspect.end]) == (DATE, matched, matched)
    assert reading in suspect.explanation


def test_an_ambiguous_date_names_every_reading():
    [suspect] = scan_paragraph("并于112日召开推进会。")
    assert "1月12日" in suspect.explanation and "11月2日" in suspect.explanation


@pytest.mark.parametrize("text", [
    "一千多个日夜，1353个日夜的坚守。",
    "2020年是脱贫攻坚收官之年。",
    "去年8月1日和12月31日，2020年12月31日。",
    "我在16日（上周三）的会上讲过。",
    "今年1-11月，全市战新产业增长。",
    "开展100日攻坚行动，历时120日，连续365日值守，120日内完成。",
    "兑换5000日元。第15届运动会，24小时值守，增长3.5%。",
    "12月份召开，10月以来，3月初。",
])
def test_valid_dates_and_durations_are_not_damage(text):
    assert [kind for kind, _ in kinds(text)] == []


def test_quotes_that_lost_their_partners_are_found_once_per_place():
    found = kinds("（一）要狠抓三落实”“四不摘在脱贫攻坚即将取得全面胜利之际，不能松劲。")
    assert found == [(UNBALANCED_QUOTES, "要狠抓三落实”“四不摘在脱贫")]
    assert kinds("推出了健康仪征2030”行动计划。") == [(UNBALANCED_QUOTES, "仪征2030”行动计划")]
    assert kinds("化交流合作的“31条措施。")[0][0] == UNBALANCED_QUOTES
    assert kinds("学习《中共中央关于制定规划的建议。")[0][0] == UNBALANCED_QUOTES


@pytest.mark.parametrize("text", [
    "要狠抓“三落实”“四不摘”，确保脱贫成果。",
    "他说：“要记住‘从群众中来’这句话。”",
    "认真学习《中共中央关于制定国民经济和社会发展第十四个五年规划的建议》。",
])
def test_balanced_quotes_are_not_damage(text):
    assert kinds(text) == []


@pytest.mark.parametrize("text, matched", [
    ("（一）突出字抓好国家普查迎检。", "突出字"),
    ("要在字上下功夫，在实字上见成效。", "在字上"),
    ("坚持“”原则不动摇。", "“”"),
])
def test_a_quoted_word_that_vanished_leaves_its_frame(text, matched):
    assert (VANISHED_QUOTED_WORD, matched) in kinds(text)


@pytest.mark.parametrize("text", [
    "做好文字起草、会务准备等工作。",
    "认真落实十六字治水思路，推进数字引领。",
    "获得国家森林城市等众多国字号荣誉，签字确认。",
    "现存在字迹模糊的问题，实在字斟句酌。",
    "公文排版要突出字号和字体的规范。",
])
def test_words_with_字_are_not_damage(text):
    assert kinds(text) == []


PROSE = "工商联是统战工作、经济工作的重要组成部分，要发挥作用，"


@pytest.mark.parametrize("text, kind, matched", [
    (PROSE + "在全县营造积极支持非公经济发展的良好环", TRUNCATED_WORD, "发展的良好环"),
    (PROSE + "其余县市区均为", TRUNCATED_SENTENCE, "余县市区均为"),  # up to six characters of context
    (PROSE + "推动非公经济健康发展，", TRUNCATED_SENTENCE, "，"),
    (PROSE + "为实现高质量发展聚合文化力量", UNTERMINATED, "聚合文化力量"),
])
def test_prose_lines_that_end_open_are_found(text, kind, matched):
    assert kinds(text) == [(kind, matched)]


@pytest.mark.parametrize("text, heading_level", [
    (PROSE + "推动非公经济健康发展。", 0),
    (PROSE + "这是最后一句话！", 0),
    ("同志们：", 0),
    ("大家上午好", 0),
    ("一、坚持问题导向，不断增强群众的获得感和满意度，提升服务水平和质量", 2),
])
def test_closed_lines_greetings_and_headings_are_not_damage(text, heading_level):
    assert kinds(text, heading_level) == []


@pytest.fixture(scope="module")
def seed_findings(seed_compilation):
    return damage_report(seed_compilation)


@pytest.mark.parametrize("speech, anchor, text, kind", [
    (8, "p1", "81日", DATE),
    (8, "p26", "717日", DATE),
    (8, "p35", "20186月", DATE),
    (19, "p8", "110月", DATE),
    (13, "p12", "201739日", DATE),
    (8, "p24", "910月", DATE),
    (14, "p2", "201712月", DATE),
    (10, "p18", "突出字", VANISHED_QUOTED_WORD),
    (10, "p26", "要狠抓三落实”“四不摘在脱贫", UNBALANCED_QUOTES),
    (18, "p25", "发展的良好环", TRUNCATED_WORD),
    (10, "p6", "余县市区均为", TRUNCATED_SENTENCE),
])
def test_seed_damage_is_reported(seed_findings, speech, anchor, text, kind):
    assert any((f.speech, f.anchor, f.text, f.kind) == (speech, anchor, text, kind) for f in seed_findings)


def test_seed_findings_point_at_their_text(seed_compilation, seed_findings):
    paragraphs = {(s.number, p.anchor): p for s in seed_compilation.speeches for p in s.paragraphs}
    for finding in seed_findings:
        paragraph = paragraphs[(finding.speech, finding.anchor)]
        assert paragraph.text[finding.start:finding.end] == finding.text
        assert finding.line == paragraph.line and finding.explanation
    assert sum(f.text == "突出字" for f in seed_findings) == 5
    assert not [f for f in seed_findings if "1353" in f.text or f.text.startswith("2020年")]


def test_a_control_character_is_reported_where_the_shown_text_left_it_out():
    source = "  今天\x1b[31m开会\x07\x07，请大家注意。"
    [escape, bells] = scan_paragraph("今天[31m开会，请大家注意。", source=source)
    assert (escape.kind, escape.start, escape.end, escape.text) == (CONTROL_CHARACTERS, 0, 2, "今天")
    assert (bells.kind, bells.start, bells.end, bells.text) == (CONTROL_CHARACTERS, 3, 8, "31m开会")
    assert "U+001B" in escape.explanation and "2 个" in bells.explanation and "U+0007" in bells.explanation


def test_control_characters_are_left_out_of_the_text_and_every_one_is_reported(tmp_path):
    seed = tmp_path / "sample.txt"
    seed.write_text(WITH_CONTROL_CHARACTERS, encoding="utf-8")
    compilation = build_compilation(seed)
    assert compilation.title == "汇编]0;标题"
    assert [speech.title for speech in compilation.speeches] == ["第一篇讲话", "第二篇讲话"]
    texts = [p.text for speech in compilation.speeches for p in speech.paragraphs]
    assert texts == ["同志们：", "今天[31m开会[0m，请大家注意。", "同志们：", "第二篇正文。"]
    found = [(f.speech, f.anchor, f.line, f.start, f.end) for f in compilation.analysis.damage
             if f.kind == CONTROL_CHARACTERS]
    assert found == [(1, "p2", 8, 0, 2), (1, "p2", 8, 3, 8), (1, "p2", 8, 12, 17), (2, "p2", 13, 0, 5)]
