"""The split on the development set (../shared/corpora) stays above its floors; and the scorer
(benchmarks/split_scoring.py) itself, on a hand-made compilation of three short speeches."""

import sys
from pathlib import Path
from typing import NamedTuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from split_scoring import (DEVELOPMENT_SET, CharCounts, GoldSpeech, gold_pairs, score_compilation,  # noqa: E402
                           score_file)

from speechsite import pipeline  # noqa: E402
from speechsite.errors import InputError  # noqa: E402
from speechsite.model import Boundary, Compilation, Paragraph, Speech, TocEntry  # noqa: E402


class Floor(NamedTuple):
    exact: int
    """Speeches that must come out exactly as in gold."""
    char_f1: float
    max_silent: int
    """Wrong speeches allowed that no weak boundary or weak gap points at."""


# What the split reaches (benchmarks/split_quality.py, 2026-12-02; F1 rounded down): raise a line as the split
# improves, never lower one to pass.
FLOORS = {
    "deng1_titled": Floor(exact=43, char_f1=0.999, max_silent=0),
    "deng1_untitled": Floor(exact=43, char_f1=0.999, max_silent=0),
    "deng2_titled": Floor(exact=60, char_f1=0.999, max_silent=0),
    "deng2_untitled": Floor(exact=60, char_f1=0.999, max_silent=0),
    "mao1_packed": Floor(exact=18, char_f1=0.999, max_silent=0),
    "mao1_seedstyle": Floor(exact=6, char_f1=0.999, max_silent=0),
    "mao1_titled": Floor(exact=18, char_f1=0.999, max_silent=0),
    "mao2_packed": Floor(exact=40, char_f1=0.999, max_silent=0),
    "mao2_seedstyle": Floor(exact=13, char_f1=0.999, max_silent=0),
    "mao2_titled": Floor(exact=40, char_f1=0.999, max_silent=0),
}
WEAK = pipeline.WEAK_CONFIDENCE

needs_development_set = pytest.mark.skipif(not DEVELOPMENT_SET.is_dir(),
                                           reason=f"no development set at {DEVELOPMENT_SET}")


@needs_development_set
@pytest.mark.parametrize("name", list(FLOORS))
def test_split_stays_above_its_floor(name):
    text_path = DEVELOPMENT_SET / f"{name}.txt"
    if not text_path.exists():
        pytest.skip(f"{text_path} is absent")
    score = score_file(text_path, text_path.with_name(f"{name}.gold.json"))
    floor = FLOORS[name]
    assert not score.failure or floor.exact == 0, score.failure
    silent = [f"#{wrong.number} {wrong.title}" for wrong in score.wrong if not wrong.reported]
    assert score.exact >= floor.exact, f"{score.exact}/{score.gold_count} exact, floor {floor.exact}"
    assert score.char_f1 >= floor.char_f1, f"chars F1 {score.char_f1:.4f}, floor {floor.char_f1}"
    assert len(silent) <= floor.max_silent, f"silent errors {silent}, at most {floor.max_silent} allowed"


@needs_development_set
def test_every_gold_file_has_a_floor():
    assert {text.stem for text, _ in gold_pairs(DEVELOPMENT_SET)} <= set(FLOORS)


# The scorer on a fake compilation of three speeches (31, 17 and 18 characters once comparable), from line 10 on.
GOLD = [
    GoldSpeech(1, "在春耕动员会上的讲话", ["同志们：今年春耕要早作准备。", "种子、肥料都要落实到户（不能拖）。"]),
    GoldSpeech(2, "关于修路", ["王明远", "这条路修了三年，还没有修通。"]),
    GoldSpeech(3, "办好乡村学校", ["学校的房子要修好。", "教师的待遇要提高。"]),
]
RIGHT_BODIES = {
    1: ["同志们:今年春耕要早作准备。", "种子,肥料都要落实到户 (不能拖)。"],  # ASCII where gold has full width
    2: ["王明远", "这条路修了三年,还没有修通。"],
    3: ["学校的房子要修好。", "教师的待遇要提高。"],
}


def fake_compilation(bodies: dict[int, list[str]], confidences: dict[int, float] | None = None,
                     weak_gap_lines: tuple[int, ...] = ()) -> Compilation:
    confidences = confidences or {}
    speeches, line = [], 10
    for gold in GOLD:
        paragraphs = []
        for text in bodies.get(gold.number, []):
            paragraphs.append(Paragraph(text, line, text))
            line += 1
        boundary = Boundary(paragraphs[0].line, confidences.get(gold.number, 1.0)) if paragraphs else None
        speeches.append(Speech(TocEntry(gold.number, gold.title, gold.number), paragraphs, boundary, gold.title))
    compilation = Compilation(Path("fake.txt"), "讲话选编", speeches, [], [])
    compilation.weak_gaps = [Boundary(line, 0.8) for line in weak_gap_lines]
    return compilation


def test_full_width_and_ascii_punctuation_compare_equal():
    exact, chars, wrong = score_compilation(fake_compilation(RIGHT_BODIES), GOLD, WEAK)
    assert (exact, wrong, chars) == (3, [], CharCounts(shared=66, missed=0, extra=0))


def test_a_dropped_byline_still_counts_as_exact_but_its_characters_as_missed():
    bodies = {**RIGHT_BODIES, 2: ["这条路修了三年，还没有修通。"]}
    exact, chars, _ = score_compilation(fake_compilation(bodies), GOLD, WEAK)
    assert (exact, chars.missed) == (3, 3)


def test_a_dropped_opening_longer_than_a_byline_makes_a_speech_wrong():
    bodies = {**RIGHT_BODIES, 1: RIGHT_BODIES[1][1:]}
    exact, _, wrong = score_compilation(fake_compilation(bodies), GOLD, WEAK)
    assert exact == 2 and [w.number for w in wrong] == [1]


def test_a_changed_word_makes_a_speech_wrong():
    bodies = {**RIGHT_BODIES, 3: ["学校的房子要修好。", "老师的待遇要提高。"]}
    exact, chars, wrong = score_compilation(fake_compilation(bodies), GOLD, WEAK)
    assert exact == 2 and [w.number for w in wrong] == [3]
    assert (chars.missed, chars.extra) == (1, 1)


# Speech 2 wrongly takes speech 3's first paragraph: it has lines 12-14, and speech 3 only line 15.
TOO_LONG = {**RIGHT_BODIES, 2: GOLD[1].paragraphs + GOLD[2].paragraphs[:1], 3: GOLD[2].paragraphs[1:]}


def test_a_paragraph_in_the_wrong_speech_costs_characters_on_both_sides():
    exact, chars, wrong = score_compilation(fake_compilation(TOO_LONG), GOLD, WEAK)
    assert exact == 1 and [w.number for w in wrong] == [2, 3]
    assert chars == CharCounts(shared=66 - 9, missed=9, extra=9)
    assert chars.f1 == pytest.approx(1 - 9 / 66)


def test_text_where_gold_has_no_speech_is_all_extra():
    gold = GOLD[:2]
    exact, chars, wrong = score_compilation(fake_compilation(RIGHT_BODIES), gold, WEAK)
    assert exact == 2 and [(w.number, w.gold) for w in wrong] == [(3, "")]
    assert (chars.missed, chars.extra) == (0, 18)


@pytest.mark.parametrize("confidences, weak_gap_lines, reported", [
    ({}, (), False),
    ({2: 0.5}, (), True),  # its own boundary is weak
    ({3: 0.5}, (), True),  # its end (the next speech's boundary) is weak
    ({}, (14,), True),  # a near miss inside it
    ({}, (11,), False),  # a near miss elsewhere
])
def test_a_wrong_speech_is_reported_by_weak_places_around_it(confidences, weak_gap_lines, reported):
    wrong = score_compilation(fake_compilation(TOO_LONG, confidences, weak_gap_lines), GOLD, WEAK)[2]
    assert {w.number: w.reported for w in wrong}[2] is reported


@pytest.mark.parametrize("confidences, weak_gap_lines, reported", [
    ({}, (), False),
    ({1: 0.5}, (), True),  # the speech before it, which took its text, starts weakly
    ({3: 0.5}, (), True),  # …or ends weakly
    ({}, (12,), True),  # …or has a near miss inside
])
def test_a_speech_given_no_text_is_reported_by_the_speech_before_it(confidences, weak_gap_lines, reported):
    bodies = {1: RIGHT_BODIES[1] + RIGHT_BODIES[2], 3: RIGHT_BODIES[3]}
    wrong = score_compilation(fake_compilation(bodies, confidences, weak_gap_lines), GOLD, WEAK)[2]
    assert {w.number: w.reported for w in wrong} == {1: reported, 2: reported}


@pytest.mark.parametrize("error, shown", [
    (InputError("no table of contents\nafter the title line"), "no table of contents after the title line"),
    (ZeroDivisionError("division by zero"), "ZeroDivisionError: division by zero"),
])
def test_a_split_that_raises_is_one_line_of_failure(tmp_path, monkeypatch, error, shown):
    def raise_error(*args, **kwargs):
        raise error
    monkeypatch.setattr(pipeline, "build_compilation", raise_error)
    text_path = tmp_path / "broken.txt"
    text_path.write_text("只有一行。\n", encoding="utf-8")
    gold_path = tmp_path / "broken.gold.json"
    gold_path.write_text('{"title": "无", "speeches": [[1, "一", ["只有一行。"]]]}', encoding="utf-8")
    score = score_file(text_path, gold_path)
    assert score.failure == shown
    assert (score.exact, score.chars, score.silent_errors) == (0, CharCounts(0, 5, 0), 0)
