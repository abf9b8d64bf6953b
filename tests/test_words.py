"""Words: each speech segmented once, content words counted with one copy of each word, TF-IDF weights."""

import math
from pathlib import Path

from speechsite.model import Compilation, Paragraph, Speech, TocEntry
from speechsite.words import ContentWordCounter, speech_words, term_weights, weigh_terms


def speech(number: int, *texts: str) -> Speech:
    paragraphs = [Paragraph(text, index, text, anchor=f"p{index}") for index, text in enumerate(texts, start=1)]
    return Speech(TocEntry(number, f"第{number}篇讲话", number), paragraphs, title=f"第{number}篇讲话")


def test_a_speech_is_segmented_title_and_paragraphs_and_the_segments_join_back():
    words = speech_words(speech(1, "今冬明春森林防火形势严峻。", "护林员要加强巡山！"))
    assert "".join(word for word, _ in words.title) == "第1篇讲话"
    assert ["".join(word for word, _ in segments) for segments in words.paragraphs] == [
        "今冬明春森林防火形势严峻。", "护林员要加强巡山！"]


def test_content_words_are_counted_without_filler_particles_or_the_title():
    counts = ContentWordCounter().count(speech_words(speech(1, "森林防火是大事，森林防火要落实。", "护林员的责任。")))
    assert counts["森林"] == 2 and counts["护林员"] == 1
    assert not {"是", "的", "要", "落实", "第1篇", "讲话"} & set(counts)  # particles, a stop word, the title


def test_speeches_share_one_copy_of_each_word():
    counter = ContentWordCounter()
    first = counter.count(speech_words(speech(1, "森林防火形势严峻。")))
    judged = len(counter.judged)
    second = counter.count(speech_words(speech(2, "森林防火形势严峻。")))
    assert len(counter.judged) == judged  # nothing new to judge
    assert [id(word) for word in first] == [id(word) for word in second]


def test_weights_are_tf_idf_and_words_in_every_speech_weigh_nothing():
    weights = weigh_terms({1: {"森林": 3, "会议": 1}, 2: {"课后": 1, "会议": 2}, 3: {"森林": 1, "会议": 1}})
    assert weights.weights[1] == {"森林": (1 + math.log(3)) * math.log(3 / 2)}
    assert weights.weights[2] == {"课后": math.log(3)}
    assert weights.document_frequency["会议"] == weights.speech_count == 3


def test_term_weights_of_a_compilation_count_its_speeches_with_text():
    compilation = Compilation(Path("sample.txt"), "汇编", [speech(1, "森林防火。"), speech(2), speech(3, "课后服务。")], [], [])
    weights = term_weights(compilation)
    assert set(weights.counts) == {1, 3} and weights.speech_count == 2
