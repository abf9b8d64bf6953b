"""Related speeches: for each speech with text, the three to five others closest in content, and the words they share.

Each speech is profiled by its most characteristic words (TF-IDF, see ``words.term_weights``) among those that can
link it to another speech: words found in at least two speeches and in at most half of them, so that the boilerplate
every speech shares (工作, 发展, 习近平…) never makes two speeches look alike. Similarity is the cosine of two
profiles. An inverted index from word to the speeches weighing it most finds the candidates, so the cost grows with
the number of speeches times the profile size, never with the number of pairs.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass

from .model import Compilation
from .words import TermWeights, term_weights

PROFILE_SIZE = 200
"""Words per profile. 100 already finds the same best match for most seed speeches; 200 keeps more of what two
speeches share, for better shared words, and still costs only ~0.02 s on the seed."""
QUERY_SIZE = 30
"""The heaviest words of a profile that look up candidates in the index."""
POSTINGS_LIMIT = 30
"""Speeches kept per word in the index, the heaviest first: bounds the work for a word common to many speeches."""
CANDIDATES = 10
"""Candidates, by their score over the query words, that are compared in full."""
BOILERPLATE_SHARE = 0.5
"""A word in more than this share of the speeches is boilerplate: it neither links speeches nor shows as shared."""
KEEP_RATIO = 0.5
"""Beyond the minimum count, a related speech is listed only if it scores at least this share of the best one."""


@dataclass(frozen=True)
class RelatedSpeech:
    """Another speech worth reading after this one."""

    number: int
    """Its TOC number."""
    title: str
    """Its title (``speech.title``; ``metadata.display_titles`` tells duplicate titles apart)."""
    score: float
    """Cosine similarity of the two profiles, 0..1 (0 when it only fills the list, see ``related_speeches``)."""
    shared_words: tuple[str, ...]
    """The words both speeches are most characterised by, most telling first (at most ``shared`` of them)."""


def related_speeches(compilation: Compilation, weights: TermWeights | None = None, *, at_least: int = 3,
                     at_most: int = 5, shared: int = 5) -> dict[int, list[RelatedSpeech]]:
    """TOC number of each speech with text → its related speeches, best first.

    Every speech gets ``at_least`` of them whenever the compilation has that many other speeches with text; when
    fewer share any word with it, the nearest speeches in TOC order fill the list with score 0 and no shared words.
    """
    weights = weights or term_weights(compilation)
    titles = {speech.number: speech.title for speech in compilation.speeches_with_text}
    profiles = _profiles(weights)
    index = _index(profiles)
    related = {}
    for number, profile in profiles.items():
        scored = sorted(((_cosine(profile, profiles[other]), other) for other in _candidates(number, profile, index)),
                        key=lambda item: (-item[0], item[1]))
        chosen = [(score, other) for rank, (score, other) in enumerate(scored[:at_most])
                  if score > 0 and (rank < at_least or score >= KEEP_RATIO * scored[0][0])]
        related[number] = [RelatedSpeech(other, titles[other], round(score, 4),
                                         _shared_words(profile, profiles[other], shared)) for score, other in chosen]
        if len(chosen) < at_least:
            _fill(related[number], number, titles, at_least)
    return related


def _profiles(weights: TermWeights) -> dict[int, dict[str, float]]:
    """Each speech's heaviest linking words, scaled to unit length."""
    most = max(2, BOILERPLATE_SHARE * weights.speech_count)
    profiles = {}
    for number, words in weights.weights.items():
        linking = [(weight, word) for word, weight in words.items() if 2 <= weights.document_frequency[word] <= most]
        top = sorted(linking, key=lambda item: (-item[0], item[1]))[:PROFILE_SIZE]
        norm = math.sqrt(sum(weight * weight for weight, _ in top)) or 1.0
        profiles[number] = {word: weight / norm for weight, word in top}
    return profiles


def _index(profiles: dict[int, dict[str, float]]) -> dict[str, list[tuple[int, float]]]:
    postings = defaultdict(list)
    for number, profile in profiles.items():
        for word, weight in profile.items():
            postings[word].append((number, weight))
    return {word: sorted(entries, key=lambda item: (-item[1], item[0]))[:POSTINGS_LIMIT]
            for word, entries in postings.items()}


def _candidates(number: int, profile: dict[str, float], index: dict[str, list[tuple[int, float]]]) -> list[int]:
    """The speeches scoring highest over this profile's heaviest words (the profile is sorted heaviest first)."""
    partial = defaultdict(float)
    for word, weight in list(profile.items())[:QUERY_SIZE]:
        for other, other_weight in index[word]:
            partial[other] += weight * other_weight
    partial.pop(number, None)
    return heapq.nsmallest(CANDIDATES, partial, key=lambda other: (-partial[other], other))


def _cosine(profile: dict[str, float], other: dict[str, float]) -> float:
    return sum(profile[word] * other[word] for word in profile.keys() & other.keys())


def _shared_words(profile: dict[str, float], other: dict[str, float], count: int) -> tuple[str, ...]:
    """The words contributing most to the cosine of two profiles."""
    products = [(profile[word] * other[word], word) for word in profile.keys() & other.keys()]
    return tuple(word for _, word in heapq.nsmallest(count, products, key=lambda item: (-item[0], item[1])))


def _fill(chosen: list[RelatedSpeech], number: int, titles: dict[int, str], at_least: int) -> None:
    taken = {item.number for item in chosen} | {number}
    nearest = sorted((other for other in titles if other not in taken), key=lambda other: (abs(other - number), other))
    for other in nearest[:max(0, at_least - len(chosen))]:
        chosen.append(RelatedSpeech(other, titles[other], 0.0, ()))
