"""Segmentation: the seed's 18 boundaries, the confidence of each, and the evidence model on small cases."""

from pathlib import Path

import pytest

from seed_truth import TRUE_SPEECHES
from speechsite.model import TocEntry
from speechsite.pipeline import build_compilation, paragraphs_from_lines
from speechsite.model import SourceLine
from speechsite.segment import Pins, segment


def test_seed_has_bodies_for_speeches_1_to_19_only(seed_compilation):
    assert [s.number for s in seed_compilation.speeches_with_text] == list(TRUE_SPEECHES)
    assert all(not s.paragraphs for s in seed_compilation.speeches if s.number > 19)


@pytest.mark.parametrize("number", list(TRUE_SPEECHES))
def test_each_seed_speech_starts_and_ends_where_the_text_says(seed_compilation, number):
    first, last = TRUE_SPEECHES[number]
    speech = seed_compilation.speeches[number - 1]
    assert speech.paragraphs[0].source_text.startswith(first)
    assert speech.paragraphs[-1].source_text.rstrip().endswith(last)


def test_speeches_cover_the_body_lines_contiguously(seed_compilation):
    lines = [p.line for s in seed_compilation.speeches_with_text for p in s.paragraphs]
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_single_blank_line_boundary_is_found_but_flagged_weaker(seed_compilation):
    """Speeches 1 and 2 are separated like two paragraphs; only the text and the titles tell them apart."""
    speech_2, speech_5 = seed_compilation.speeches[1], seed_compilation.speeches[4]
    assert speech_2.paragraphs[0].blank_lines_before == 1
    assert 0.5 < speech_2.boundary.confidence < speech_5.boundary.confidence
    assert any("title words" in reason for reason in speech_2.boundary.evidence)


def test_every_boundary_but_the_single_blank_one_is_confident(seed_compilation):
    confident = [s.number for s in seed_compilation.speeches_with_text if s.boundary.confidence >= 0.75]
    assert set(TRUE_SPEECHES) - set(confident) <= {2}


def paragraphs(*blocks: str):
    """Build paragraphs from text blocks; '\\n\\n\\n' between blocks makes a two-blank-line gap."""
    text = "\n".join(blocks)
    return paragraphs_from_lines([SourceLine(i, line) for i, line in enumerate(text.split("\n"), start=1)])


def toc(*titles: str):
    return [TocEntry(number, title, number) for number, title in enumerate(titles, start=1)]


def test_salutation_after_a_longer_blank_run_opens_a_speech():
    paras = paragraphs("同志们:", "", "今年森林防火形势严峻,各地要压实责任。", "", "一要加强巡查。", "",
                       "谢谢大家。", "", "", "各位代表:", "", "工商联换届大会今天开幕,我代表县委表示祝贺。")
    segments, _ = segment(paras, toc("在森林防火工作会议上的讲话", "在工商联换届大会上的讲话", "在别的会上的讲话"))
    assert [(s.entry.number, paras[s.start].source_text) for s in segments] == [(1, "同志们:"), (2, "各位代表:")]


def test_salutation_repeated_inside_a_speech_does_not_split_it():
    paras = paragraphs("同志们,朋友们!", "", "创建文明城市三年来成绩显著。", "", "同志们、朋友们!", "",
                       "文明城市创建永远在路上。", "", "", "同志们:", "", "巡察工作动员部署会今天召开。")
    segments, _ = segment(paras, toc("在创建文明城市总结大会上的讲话", "在巡察工作动员部署会上的讲话"))
    assert [paras[s.start].source_text for s in segments] == ["同志们,朋友们!", "同志们:"]


def test_continuing_enumeration_outweighs_a_longer_blank_run():
    paras = paragraphs("同志们:", "", "一是抓好教育。", "", "", "二是抓好住房。", "", "三是抓好就业。")
    segments, _ = segment(paras, toc("在民生工作会议上的讲话", "在卫生工作会议上的讲话"))
    assert len(segments) == 1


def test_pins_force_and_forbid_boundaries():
    paras = paragraphs("同志们:", "", "一是抓好教育。", "", "", "二是抓好卫生。", "", "三是抓好就业。")
    titles = toc("在民生工作会议上的讲话", "在卫生工作会议上的讲话")
    forced, _ = segment(paras, titles, Pins(starts={2: 2}))
    assert [(s.entry.number, s.start) for s in forced] == [(1, 0), (2, 2)]
    assert forced[1].boundary.pinned and forced[1].boundary.confidence == 1.0
    strong = paragraphs("同志们:", "", "讲话一。谢谢大家。", "", "", "同志们:", "", "讲话二。")
    joined, _ = segment(strong, titles, Pins(joined={2}))
    assert len(joined) == 1


def test_override_file_pins_a_boundary_and_fixes_a_title(tmp_path):
    source = "汇编(2篇)\n1。甲会议讲话\n2。乙会议讲话\n\n\n第一段。\n\n第二段。\n\n第三段。\n"
    seed = tmp_path / "c.txt"
    seed.write_text(source, encoding="utf-8")
    assert len(build_compilation(seed).speeches_with_text) == 1
    (tmp_path / "c.toml").write_text('[[boundary]]\nstarts_with = "第三段"\nspeech = 2\n\n'
                                     '[[title]]\nspeech = 1\ntitle = "甲会议上的讲话"\n', encoding="utf-8")
    compilation = build_compilation(seed)
    assert [(s.number, [p.text for p in s.paragraphs]) for s in compilation.speeches_with_text] == [
        (1, ["第一段。", "第二段。"]), (2, ["第三段。"])]
    assert compilation.speeches[0].title == "甲会议上的讲话"
