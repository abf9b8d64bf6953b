"""Segmentation: the seed's 18 boundaries, the confidence of each, the evidence model on small cases, and the
dynamic programme against trying every alignment."""

import itertools
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from seed_truth import TRUE_SPEECHES
from speechsite.model import TocEntry
from speechsite.pipeline import build_compilation, paragraphs_from_lines
from speechsite.model import SourceLine
from speechsite.split.alignment import Pins, segment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synthetic import make  # noqa: E402


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


def packed(*lines: str):
    """Paragraphs one per line, with no blank line anywhere (as in files that lost their blank lines)."""
    return paragraphs_from_lines([SourceLine(i, line) for i, line in enumerate(lines, start=1)])


FOREST = ["森林是水库、钱库、粮库，植树造林功在当代。", "造林要选好树种，适地适树，乔灌草结合。", "封山育林以后，林木长势明显好转。"]
WATER = ["水利是农业的命脉，渠道配套才能灌溉。", "水库除险加固要抓紧，汛期以前必须完成。", "节约用水，发展喷灌滴灌。"]
SCHOOL = ["农村学校要办在群众家门口，孩子就近上学。", "教师住房要解决好，让教师安心教书。", "课程要开足开齐，音乐美术不能少。"]
ROADS = ["公路修到村里，农产品才运得出去。", "养护队伍要稳定，路修好了还要管好。", "客运班车通到乡镇，群众出行方便。"]
CLINIC = ["乡镇卫生院是农村医疗的骨干。", "村医的补助要落实到位，留得住人。", "常见病在村里就能看，大病及时转诊。"]
TOPICS = [FOREST, WATER, SCHOOL, ROADS, CLINIC]
TOPIC_TITLES = ["植树造林", "兴修水利", "农村学校", "修好公路", "乡村医疗"]


def test_a_byline_recurring_as_often_as_the_toc_has_entries_marks_every_boundary_of_packed_text():
    lines = [line for body in TOPICS for line in ["作者"] + body]
    paras = packed(*lines)
    segments, _ = segment(paras, toc(*TOPIC_TITLES))
    assert [(s.entry.number, s.start) for s in segments] == [(k + 1, 4 * k) for k in range(5)]
    assert any("opens like 5 others" in reason for reason in segments[2].boundary.evidence)


def test_an_editors_note_in_parentheses_closing_each_piece_is_calibrated_as_a_closing_marker():
    notes = [f"（这是作者在第{n}次座谈会上的讲话。）" for n in range(1, 6)]
    lines = [line for body, note in zip(TOPICS, notes) for line in body + [note]]
    segments, _ = segment(packed(*lines), toc(*TOPIC_TITLES))
    assert [s.start for s in segments] == [0, 4, 8, 12, 16]
    assert "closes like 5 others: note in parentheses" in " ".join(segments[1].boundary.evidence)


def test_a_line_recurring_inside_one_speech_is_no_marker():
    """同志们、朋友们! five times inside the second speech neither opens the first nor closes the last."""
    from speechsite.split.evidence import calibrate_markers

    body = ["同志们、朋友们!"] * 5
    paras = packed(*(FOREST + [line for cheer in body for line in (cheer, WATER[0])] + SCHOOL))
    assert "同志们、朋友们!" not in calibrate_markers(paras, expected=5)


def test_the_vocabulary_changes_most_where_the_topic_does():
    from speechsite.split.evidence import topic_shift

    lines = [line for body in (FOREST * 2, WATER * 2) for line in body]
    shift = topic_shift(packed(*lines))
    assert int(shift.argmax()) == 6 and shift[6] >= 1.0


def test_every_gap_is_a_candidate_without_blank_lines_but_a_continuing_enumeration_is_not():
    paras = packed("森林要保护好。", "二、水利要修好。", "学校要办好。")
    from speechsite.split.evidence import GapEvidence

    evidence = GapEvidence(paras, expected_speeches=3)
    assert not evidence.has_blank_line_structure
    assert [evidence.is_candidate(j) for j in (1, 2)] == [False, True]


def test_a_note_after_the_first_goes_on_with_the_notes_and_opens_no_speech():
    """Notes kept in packed text: 〔2〕这是指… looks like a note naming the next piece, but continues the notes."""
    from speechsite.split.evidence import GapEvidence

    evidence = GapEvidence(packed("学校要办好。", "〔1〕见前文。", "〔2〕这是指一九五六年的决议。", "⑵ 见前文。"),
                           expected_speeches=2)
    assert [evidence.is_candidate(j) for j in (1, 2, 3)] == [True, False, False]


def test_more_pinned_starts_than_entries_is_an_error_not_a_crash():
    from speechsite.split.alignment import ImpossiblePins

    paras = packed("甲。", "乙。", "丙。")
    with pytest.raises(ImpossiblePins):
        segment(paras, toc("甲会议", "乙会议"), Pins(starts={1: None, 2: None}))


TITLES_OUT_OF_ORDER = "汇编(2篇)\n\n1。甲会议讲话\n\n2。乙会议讲话\n\n\n乙会议讲话\n\n第一段。\n\n甲会议讲话\n\n第二段。\n"


def test_title_lines_out_of_the_tocs_order_are_weighed_not_forced(tmp_path):
    seed = tmp_path / "c.txt"
    seed.write_text(TITLES_OUT_OF_ORDER, encoding="utf-8")
    compilation = build_compilation(seed)
    assert any("cannot all open speeches" in warning for warning in compilation.warnings)
    assert [p.text for s in compilation.speeches for p in s.paragraphs] == ["乙会议讲话", "第一段。", "甲会议讲话",
                                                                            "第二段。"]


@pytest.mark.parametrize("pins, problem", [
    ('[[boundary]]\nstarts_with = "第一段"\nspeech = 99\n', "names speech 99, which is not in the TOC (1–2)"),
    ('[[boundary]]\nstarts_with = "第二段"\nspeech = 1\n[[boundary]]\nstarts_with = "第一段"\nspeech = 2\n',
     "the 2 [[boundary]] pins cannot all hold"),
])
def test_impossible_boundary_pins_are_one_line_naming_the_override_file(tmp_path, pins, problem):
    from speechsite.errors import InputError

    seed = tmp_path / "c.txt"
    seed.write_text(TITLES_OUT_OF_ORDER, encoding="utf-8")
    seed.with_suffix(".toml").write_text(pins, encoding="utf-8")
    with pytest.raises(InputError, match=problem.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        build_compilation(seed)


def test_a_dialogues_answers_and_bare_questions_go_on_while_a_named_asker_opens_it():
    from speechsite.split.evidence import GapEvidence

    paras = packed("水利要修好。", "记者问：今年的水利工作重点是什么？", "答：重点是渠道配套。", "问：资金从哪里来？")
    evidence = GapEvidence(paras, expected_speeches=2)
    assert any("opens a dialogue" in reason for reason in evidence.reasons(1))
    assert evidence.score(2) < evidence.score(1) and evidence.score(3) < evidence.score(1)


def test_a_section_heading_belongs_to_the_text_after_it():
    from speechsite.split.evidence import GapEvidence

    evidence = GapEvidence(packed("水利要修好。", "一　两种方针", "方针问题讲清楚了。"), expected_speeches=2)
    assert "follows a heading" in evidence.reasons(2) and "follows a heading" not in evidence.reasons(1)


def test_a_speech_may_open_on_its_first_sections_heading():
    """What the text under a heading says of a start, it says of the heading: an interview opening on a heading."""
    from speechsite.split.evidence import GapEvidence

    paras = packed("林业大有前途。", "林业和林农", "杜问：林农的收入怎样提高？", "答：发展林下经济。", "水利和灌溉",
                   "问：渠道怎样配套？", "答：分期配套。")
    evidence = GapEvidence(paras, expected_speeches=2)
    assert "under the heading: opens a dialogue: 杜问：" in evidence.reasons(1)
    assert evidence.score(1) > evidence.score(2)
    assert evidence.score(4) < evidence.score(1)  # under the second heading the dialogue goes on


def test_an_opening_questions_asker_named_in_a_title_speaks_for_that_entry():
    from speechsite.split import weights
    from speechsite.split.titles import TitleScores

    paras = packed("水利要修好。", "杜问：林农的收入怎样提高？", "答：发展林下经济。", "有人会问：钱从哪里来？")
    titles = TitleScores(paras, toc("兴修水利", "和法国记者杜邦的谈话", "有关人民代表大会"), [0, 1, 3])
    _, opening = titles.rows(0, 3)
    assert opening[1, 1] - opening[1, 0] == pytest.approx(weights.ASKER_IN_TITLE)
    assert "the opening question's asker is named in the title" in titles.reasons(1, 1)
    assert not opening[2].any()  # 有人会 is not in a title as one word


def test_an_interview_opening_on_a_heading_after_another_speech_starts_at_the_heading():
    lines = FOREST + ["林业和林农", "杜问：林农的收入怎样提高？", "答：发展林下经济。", "问：资金从哪里来？", "答：林业贷款。",
                      "学校和教师", "问：山区学校怎样办好？", "答：" + SCHOOL[0], "问：教师呢？", "答：" + SCHOOL[1]]
    paras = packed(*lines)
    segments, _ = segment(paras, toc("植树造林", "和法国记者杜邦的谈话"))
    assert [(s.entry.number, s.start) for s in segments] == [(1, 0), (2, len(FOREST))]
    assert {"under the heading: opens a dialogue: 杜问：",
            "the opening question's asker is named in the title"} <= set(segments[1].boundary.evidence)


def test_markers_are_calibrated_on_the_speeches_the_blank_lines_show_not_on_the_whole_toc():
    """A TOC of 30 entries whose text holds 5 (as the seed holds 19 of 59): 5 closing notes are still markers."""
    from speechsite.split.evidence import GapEvidence

    notes = [f"（这是作者在第{n}次座谈会上的讲话。）" for n in range(1, 6)]
    lines = []
    for body, note in zip(TOPICS, notes):
        lines += [text for paragraph in body + [note] for text in (paragraph, "")] + [""]
    paras = paragraphs_from_lines([SourceLine(i, line) for i, line in enumerate(lines, start=1)])
    from speechsite.split import weights

    marker = GapEvidence(paras, expected_speeches=30).markers["note in parentheses"]
    assert marker.weight > weights.EDITORS_NOTE and not marker.opens


def test_a_byline_recurring_more_often_than_the_blank_lines_show_speeches_but_no_more_than_listed_is_a_marker():
    """Five pieces under a byline, two of them after a single blank line like a paragraph's: the blank runs show
    three speeches, the byline five, the TOC lists eight; the byline opens all five."""
    lines = []
    for number, body in enumerate(TOPICS):
        lines += ([""] if number in (1, 3) else ["", ""]) if number else []
        lines += [text for paragraph in ["作者"] + body for text in (paragraph, "")][:-1]
    paras = paragraphs_from_lines([SourceLine(i, line) for i, line in enumerate(lines, start=1)])
    segments, _ = segment(paras, toc(*TOPIC_TITLES, "甲", "乙", "丙"))
    assert [(s.entry.number, s.start) for s in segments] == [(k + 1, 4 * k) for k in range(5)]
    assert any("opens like 5 others: 作者" in reason for reason in segments[1].boundary.evidence)


class TitleMatrices:
    """Title scores given outright, for the programme alone (what TitleScores.rows gives)."""

    def __init__(self, body, opening):
        self.body, self.opening = body, opening

    def rows(self, first, end):
        return self.body[first:end], self.opening[first:end]


def every_alignment(body, opening, local, pinned):
    """Each alignment of blocks to entries as (first blocks, entries, total), by trying them all: the model's
    definition, not the programme's."""
    from speechsite.split.weights import SKIPPED_ENTRY

    blocks, entries = body.shape
    for cuts in itertools.product([False, True], repeat=blocks - 1):
        firsts = [0] + [b for b in range(1, blocks) if cuts[b - 1]]
        if not set(pinned) <= set(firsts):
            continue
        ends = firsts[1:] + [blocks]
        for chosen in itertools.combinations(range(entries), len(firsts)):
            if any(pinned.get(first, k + 1) not in (None, k + 1) for first, k in zip(firsts, chosen)):
                continue
            total = sum(opening[a, k] + body[a:z, k].sum() for a, z, k in zip(firsts, ends, chosen))
            total += sum(local[a] for a in firsts[1:])
            total -= SKIPPED_ENTRY * (chosen[0] + sum(later - k - 1 for k, later in zip(chosen, chosen[1:])))
            yield firsts, chosen, total


@pytest.mark.parametrize("case", range(60))
def test_the_programme_finds_what_trying_every_alignment_finds(case):
    """Best total, path and every confidence, also where totals lie beyond the margin the programme keeps cells
    within (the larger scores) and with pinned starts."""
    from speechsite.split.alignment import ImpossiblePins, _Alignment

    rng = np.random.default_rng(case)
    blocks, entries = int(rng.integers(2, 8)), int(rng.integers(1, 6))
    scale = 4.0 if case % 2 else 1.0
    body, opening = rng.normal(0, scale, (blocks, entries)), rng.normal(0, 2 * scale, (blocks, entries))
    local = [0.0] + list(rng.normal(-1, 2 * scale, blocks - 1))
    pinned = {}  # a third of the cases pin a start, to any entry or to one
    if case % 3 == 0:
        pinned[int(rng.integers(1, blocks))] = int(rng.integers(1, entries + 1)) if case % 2 else None
    found = list(every_alignment(body, opening, local, pinned))
    titles = toc(*"甲乙丙丁戊"[:entries])
    arguments = TitleMatrices(body, opening), local, list(range(blocks)), titles, Pins(pinned)
    if not found:
        with pytest.raises(ImpossiblePins):
            _Alignment(*arguments)
        return
    alignment = _Alignment(*arguments)

    firsts, chosen, best = max(found, key=lambda candidate: candidate[2])
    assert alignment.best == pytest.approx(best)
    assert alignment.path == list(zip(firsts, firsts[1:] + [blocks], chosen))
    for b in range(1, blocks):
        with_b = max((total for cuts, _, total in found if b in cuts), default=float("-inf"))
        without_b = max((total for cuts, _, total in found if b not in cuts), default=float("-inf"))
        assert reported(alignment.best_with[b] - alignment.best) == reported(with_b - best)
        assert reported(alignment.best - alignment.best_without[b]) == reported(best - without_b)


def reported(margin):
    """A margin as segment() reports it: squashed into a confidence with three decimals."""
    from speechsite.split.alignment import _squash

    return round(_squash(margin), 3)


def test_memory_grows_with_the_text_not_with_blocks_times_entries():
    """3,000 TOC entries over 200 short speeches: with blocks × entries matrices the split took 33 MiB here."""
    made = make(200, extra_titles=3000)
    paras = paragraphs(*"\n\n\n".join("\n\n".join(body) for body in made.bodies).split("\n"))
    tracemalloc.start()
    segments, _ = segment(paras, toc(*made.titles))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(segments) == 200
    assert peak < 12 * 2**20
