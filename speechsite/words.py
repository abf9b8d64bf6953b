"""Chinese words of the speeches, for the analysis stages: segmentation, content words, and TF-IDF weights.

Segmentation is rjieba (jieba-rs: jieba's dictionary, part-of-speech tags and algorithm in Rust). It loads in
~0.15 s, plus ~0.03 s for its model of unknown words when it first meets one, and tags the seed's 89 000 characters
in ~0.04 s, against ~0.63 s + 0.22 s and ~90 MB for jieba itself, with the same segments.

A build segments each speech once (``speech_words``) and hands the segments to every analysis that reads words —
word counts here, places in ``metadata``, truncated line ends in ``damage`` — then lets them go: only one speech's
segments are held at a time, so memory does not grow with the compilation.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain

import rjieba

from .model import Compilation, Speech

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# jieba tags that name things or actions: nouns (n…), verbs (v…), adjectival nouns (an), set phrases (l, i),
# abbreviations (j), place words (s) and states (z). Pronouns, numerals, adverbs, adjectives and particles say
# nothing about a speech's subject.
CONTENT_TAGS = ("n", "v", "an", "l", "i", "j", "s", "z")
# Words the tags let through that are the filler of any official speech.
STOPWORDS = frozenset("""
同志 同志们 大家 进行 通过 已经 没有 可以 能够 需要 应该 必须 觉得 才能 是否 关乎 成为 作为 就是 还是 不是 认为
看到 来看 来说 提出 指出 强调 表示 希望 坚持 加强 推进 推动 做好 抓好 落实 实现 开展 工作 问题 情况 方面 要求
""".split())

Segment = tuple[str, str]
"""A word as jieba cuts it, and its part-of-speech tag: ``("防火", "vn")``."""


def tagged(text: str) -> list[Segment]:
    """Every segment of ``text`` in order with its jieba part-of-speech tag; the segments join back into ``text``."""
    return rjieba.tag(text)


@dataclass
class SpeechWords:
    """One speech's title and paragraphs, segmented."""

    title: list[Segment]
    paragraphs: list[list[Segment]]
    """Segments of each paragraph, in the order of ``speech.paragraphs``."""


def speech_words(speech: Speech) -> SpeechWords:
    """Segment a speech's title and paragraphs: the one segmentation the analyses of a build share."""
    return SpeechWords(tagged(speech.title), [tagged(paragraph.text) for paragraph in speech.paragraphs])


def is_content_word(word: str, tag: str) -> bool:
    """A segment that can name a subject: two or more characters, a Han one among them, a content tag, no stop word."""
    return (len(word) >= 2 and tag.startswith(CONTENT_TAGS) and word not in STOPWORDS
            and HAN.search(word) is not None)


class ContentWordCounter:
    """Counts the content words of one speech after another. Each distinct segment is judged once per compilation,
    and the speeches' counts share one copy of each word."""

    def __init__(self):
        self.judged: dict[Segment, str | None] = {}
        """Segment → its word if it is a content word, else None."""

    def count(self, words: SpeechWords) -> Counter:
        """The content words of a speech's paragraphs (not its title) → occurrences, in order of first occurrence."""
        segments = list(chain.from_iterable(words.paragraphs))
        for segment in set(segments).difference(self.judged):
            self.judged[segment] = segment[0] if is_content_word(*segment) else None
        counts = Counter(map(self.judged.__getitem__, segments))  # no Python code runs per segment
        counts.pop(None, None)
        return counts


@dataclass
class TermWeights:
    """TF-IDF weights of the content words of each speech with text, over the speeches of one compilation."""

    weights: dict[int, dict[str, float]]
    """TOC number → word → (1 + ln tf) · ln(N / df); words found in every speech weigh 0 and are left out."""
    counts: dict[int, Counter]
    """TOC number → word → occurrences in that speech."""
    document_frequency: Counter
    """Word → number of speeches it occurs in."""
    speech_count: int
    """N: speeches with text."""


def term_weights(compilation: Compilation) -> TermWeights:
    """Segment every speech with text and weigh its content words (for callers outside a build's analysis)."""
    counter = ContentWordCounter()
    return weigh_terms({speech.number: counter.count(speech_words(speech)) for speech in compilation.speeches_with_text})


def weigh_terms(counts: dict[int, Counter]) -> TermWeights:
    """Weigh each speech's content words by TF-IDF. Linear in the number of (speech, word) pairs."""
    document_frequency: Counter = Counter()
    for words in counts.values():
        document_frequency.update(words.keys())
    total = len(counts)
    # each logarithm once per value, not once per (speech, word): counts and frequencies are small integers
    largest = max((max(words.values(), default=0) for words in counts.values()), default=0)
    tf = [0.0] + [1 + math.log(count) for count in range(1, largest + 1)]
    idf = [0.0] + [math.log(total / frequency) for frequency in range(1, total + 1)]
    weights = {number: {word: tf[count] * idf[document_frequency[word]]
                        for word, count in words.items() if document_frequency[word] < total}
               for number, words in counts.items()}
    return TermWeights(weights, counts, document_frequency, total)
