"""Shared passages: 15+ characters in two speeches, punctuation ignored, set phrases left out, linked both ways."""

import pytest
from builders import compilation_of

from speechsite.model import Compilation
from speechsite import passages
from speechsite.passages import MIN_LENGTH, passages_by_paragraph, shared_passages

SET_PHRASE = "以习近平新时代中国特色社会主义思想为指导"


def spans(compilation: Compilation, passage) -> tuple[str, str]:
    """The text each side of a passage marks."""
    texts = {(s.number, p.anchor): p.text for s in compilation.speeches for p in s.paragraphs}
    return tuple(texts[(end.speech, end.anchor)][end.start:end.end] for end in (passage.first, passage.second))


def test_punctuation_and_spaces_are_ignored_and_spans_keep_them():
    compilation = compilation_of(["一是要坚定不移讲政治。党政军民学,东西南北中,党是领导一切的。我们必须增强四个意识。"],
                                 ["首先，党政军民学、东西南北中，党 是领导一切的，这是根本。"])
    [passage] = shared_passages(compilation)
    assert passage.text == "党政军民学东西南北中党是领导一切的"
    assert spans(compilation, passage) == ("党政军民学,东西南北中,党是领导一切的", "党政军民学、东西南北中，党 是领导一切的")
    assert (passage.first.speech, passage.first.anchor, passage.first.line) == (1, "p1", 101)
    assert (passage.second.speech, passage.second.anchor, passage.second.line) == (2, "p1", 201)


@pytest.mark.parametrize("length, found", [(MIN_LENGTH - 1, False), (MIN_LENGTH, True)])
def test_a_passage_has_at_least_fifteen_characters(length, found):
    shared = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未"[:length]
    compilation = compilation_of([f"第一篇说{shared}然后不同"], [f"另一篇讲{shared}接着各异"])
    assert bool(shared_passages(compilation)) is found


def test_a_phrase_in_three_speeches_is_a_set_phrase():
    body = f"会议要求，{SET_PHRASE}，全面贯彻落实。"
    compilation = compilation_of([f"一篇{body}"], [f"二篇{body}"], [f"三篇{body}"])
    assert shared_passages(compilation) == []
    assert len(shared_passages(compilation_of([f"一篇{body}"], [f"二篇{body}"]))) == 1


@pytest.mark.parametrize("own, kept", [("春耕备耕", False), ("春耕备耕种子化肥农药储备到位", True)])
def test_a_match_made_mostly_of_a_set_phrase_is_dropped(own, kept):
    """Speeches 1 and 2 share a 13-character set phrase plus 4 or 14 characters of their own; speech 3 has the set
    phrase only. Kept when at least half of the match lies outside the set phrase."""
    phrase = "坚持以人民为中心的发展思想"
    compilation = compilation_of([f"一是{phrase}{own}。"], [f"二要{phrase}{own}。"], [f"三是{phrase}，不断前进。"])
    assert bool(shared_passages(compilation)) is kept


def test_repeats_within_one_speech_are_not_passages():
    sentence = "把人民群众满意作为衡量一切工作得失的根本标准"
    assert shared_passages(compilation_of([sentence, "另起一段。" + sentence], ["毫不相干的内容在这里。"])) == []


def test_links_go_both_ways_and_overlapping_spans_merge():
    first = "我们只要时刻把人民群众的利益放在首位，我们的工作就一定会得到人民群众的肯定。"
    # 2 shares the opening, 3 the end; they overlap in 位，我们的 (too short to be a set phrase of all three).
    compilation = compilation_of([first], ["一篇：" + first[:22] + "。"], ["二篇：" + first[17:]])
    found = passages_by_paragraph(shared_passages(compilation))
    assert {(link.speech, link.anchor) for link in found[(1, "p1")].links} == {(2, "p1"), (3, "p1")}
    assert found[(1, "p1")].spans == [(0, len(first) - 1)]
    assert [(link.speech, link.anchor) for link in found[(2, "p1")].links] == [(1, "p1")]
    assert [(link.speech, link.anchor) for link in found[(3, "p1")].links] == [(1, "p1")]


@pytest.fixture(scope="module")
def seed_passages(seed_compilation):
    return shared_passages(seed_compilation)


@pytest.mark.parametrize("speeches, words", [
    ((6, 16), "我们只要时刻把人民群众的利益放在首位，我们的工作就一定会得到人民群众的肯定"),
    ((6, 16), "干工作时一定要把人民群众满意作为衡量一切工作得失的根本标准"),
    ((1, 6), "党政军民学，东西南北中，党是领导一切的"),
])
def test_seed_known_passages_are_found(seed_compilation, seed_passages, speeches, words):
    marked = [spans(seed_compilation, passage) for passage in seed_passages
              if (passage.first.speech, passage.second.speech) == speeches]
    assert any(words in first and words in second for first, second in marked)


def test_seed_set_phrases_are_not_passages(seed_passages):
    for passage in seed_passages:
        assert "习近平新时代中国特色社会主义思想" not in passage.text
        assert "以习近平同志为核心的党中央" not in passage.text
        assert "全面建设社会主义现代化国家" not in passage.text


def test_seed_links_are_symmetric(seed_passages):
    found = passages_by_paragraph(seed_passages)
    for (speech, anchor), entry in found.items():
        for link in entry.links:
            back_links = found[(link.speech, link.anchor)].links
            assert any((back.speech, back.anchor) == (speech, anchor) for back in back_links)
    assert (16, "p11") in {(link.speech, link.anchor) for link in found[(6, "p14")].links}


def test_the_index_does_not_depend_on_how_the_text_is_cut_up(seed_compilation, seed_passages, monkeypatch):
    """Small chunks and many sorting parts (as for a compilation a hundred times the seed) find the same passages."""
    monkeypatch.setattr(passages, "CHUNK_CHARACTERS", 3000)
    monkeypatch.setattr(passages, "PART_SIZE", 1000)
    assert shared_passages(seed_compilation) == seed_passages
