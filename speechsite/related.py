"""Related speeches: for each speech with text, the three to five others closest in content, and the words they share.

Each speech is profiled by its most characteristic words (TF-IDF, see ``words.term_weights``) among those that can
link it to another speech: words found in at least two speeches and in at most half of them, so that the boilerplate
every speech shares (工作, 发展, 习近平…) never makes two speeches look alike. Similarity is the cosine of two
profiles. An inverted index from word to the speeches weighing it most finds the candidates, so the cost grows with
the number of speeches times the profile size, never with the number of pairs.

Profiles, index and candidates are numpy tables (a row per speech, a column per rank), worked on a block of rows at a
time. The cost grows with the number of speeches: ~0.01 s for the seed's 19, ~0.3 s for 1,900, ~2.5 s for 9,300.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np

from .model import Compilation
from .words import TermWeights, term_weights

PROFILE_SIZE = 200
"""Words per profile. 100 already finds the same best match for most seed speeches; 200 keeps more of what two
speeches share, for better shared words, and still costs only ~0.01 s on the seed."""
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
BLOCK = 1024
"""Speeches (or pairs of them) worked on at a time: bounds the temporary tables to a few MB."""
QUERY_BLOCK = 256
"""Speeches looked up in the index at a time (each makes QUERY_SIZE × POSTINGS_LIMIT entries)."""
INDEX_BLOCK = 1 << 18
"""Profile entries sorted into the index at a time."""
PAIR_BLOCK_ROWS = 128
"""Speeches whose pairs with their candidates are compared at a time."""
SPREAD_CELLS = 1 << 20
"""Cells (speeches × words) of the table a block's profiles are spread out in: 8 MB."""


@dataclass(frozen=True, slots=True)
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
    rows, others = _candidates(profiles)
    scores = _cosines(profiles, rows, others)
    order = np.lexsort((profiles.numbers[others], -scores, rows))  # each speech's candidates, best first
    rows, others, scores = rows[order], others[order], scores[order]
    rank = _ranks(rows)
    best = scores[rows.searchsorted(rows)]
    chosen = (rank < at_most) & (scores > 0) & ((rank < at_least) | (scores >= KEEP_RATIO * best))
    rows, others, scores = rows[chosen], others[chosen], scores[chosen]
    shared_words = _shared_words(profiles, rows, others, shared)
    related: dict[int, list[RelatedSpeech]] = {number: [] for number in profiles.numbers.tolist()}
    for number, other, score, words in zip(profiles.numbers[rows].tolist(), profiles.numbers[others].tolist(),
                                           scores.tolist(), shared_words):
        related[number].append(RelatedSpeech(other, titles[other], round(score, 4), words))
    in_toc_order = sorted(titles)
    for position, number in enumerate(in_toc_order):
        if len(related[number]) < at_least:
            _fill(related[number], in_toc_order, position, titles, at_least)
    return related


@dataclass
class _Profiles:
    """Each speech's heaviest linking words, scaled to unit length: row i of the tables is speech ``numbers[i]``."""

    numbers: np.ndarray
    """Row → TOC number."""
    words: list[str]
    """Word id → linking word, sorted, so that ids compare as words do. Id ``len(words)`` pads short rows."""
    ids: np.ndarray
    """Rows × PROFILE_SIZE word ids, sorted, padding last (so that two profiles merge like sorted lists)."""
    weights: np.ndarray
    """Their weights (0 for padding)."""
    query_ids: np.ndarray
    """Rows × QUERY_SIZE: the heaviest words of each profile, heaviest first (ties: by word), padded."""
    query_weights: np.ndarray


def _profiles(weights: TermWeights) -> _Profiles:
    """The profiles of all speeches, worked out ``BLOCK`` speeches at a time."""
    most = max(2, BOILERPLATE_SHARE * weights.speech_count)
    words = sorted(word for word, frequency in weights.document_frequency.items() if 2 <= frequency <= most)
    word_ids = {word: index for index, word in enumerate(words)}
    speeches = list(weights.weights.values())
    profiles = _Profiles(np.array(list(weights.weights), dtype=np.int64), words,
                         np.full((len(speeches), PROFILE_SIZE), len(words), dtype=np.int32),
                         np.zeros((len(speeches), PROFILE_SIZE)),
                         np.full((len(speeches), QUERY_SIZE), len(words), dtype=np.int32),
                         np.zeros((len(speeches), QUERY_SIZE)))
    for first in range(0, len(speeches), BLOCK):
        block = speeches[first:first + BLOCK]
        ids = np.fromiter(chain.from_iterable(map(word_ids.get, speech, repeat(-1)) for speech in block), np.int64)
        values = np.fromiter(chain.from_iterable(speech.values() for speech in block), np.float64)
        rows = np.repeat(np.arange(len(block)), [len(speech) for speech in block])
        linking = ids >= 0
        rows, ids, values = rows[linking], ids[linking], values[linking]
        order = np.lexsort((ids, -values, rows))  # each speech's words, heaviest first
        rows, ids, values = rows[order], ids[order], values[order]
        rank = _ranks(rows)
        kept = rank < PROFILE_SIZE
        table_ids = np.full((len(block), PROFILE_SIZE), len(words), dtype=np.int32)
        table = np.zeros((len(block), PROFILE_SIZE))
        table_ids[rows[kept], rank[kept]] = ids[kept]
        table[rows[kept], rank[kept]] = values[kept]
        norms = np.sqrt(np.cumsum(table * table, axis=1)[:, -1:])  # cumsum: added one by one, as sum() would
        table /= np.where(norms > 0, norms, 1.0)
        profiles.query_ids[first:first + BLOCK] = table_ids[:, :QUERY_SIZE]
        profiles.query_weights[first:first + BLOCK] = table[:, :QUERY_SIZE]
        by_word = np.argsort(table_ids, axis=1, kind="stable")
        profiles.ids[first:first + BLOCK] = np.take_along_axis(table_ids, by_word, axis=1)
        profiles.weights[first:first + BLOCK] = np.take_along_axis(table, by_word, axis=1)
    return profiles


def _candidates(profiles: _Profiles) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the ``CANDIDATES`` rows scoring highest over its ``QUERY_SIZE`` heaviest words in the index
    (ties: the lower TOC number): as (row, other row) pairs."""
    postings, posting_weights = _index(profiles)
    found_rows, found_others = [], []
    speech_count = len(profiles.numbers)
    for first in range(0, speech_count, QUERY_BLOCK):
        query = profiles.query_ids[first:first + QUERY_BLOCK]
        others = postings[query]
        products = profiles.query_weights[first:first + QUERY_BLOCK, :, None] * posting_weights[query]
        rows = np.broadcast_to(np.arange(first, first + len(query))[:, None, None], others.shape)
        hit = (others >= 0) & (others != rows)
        pairs = rows[hit] * speech_count + others[hit]
        order = np.argsort(pairs, kind="stable")  # stable: each pair's products stay in query order
        pairs, products = pairs[order], products[hit][order]
        first_of_pair = np.diff(pairs, prepend=-1) != 0
        partial = np.bincount(np.cumsum(first_of_pair) - 1, weights=products)  # added one by one, in query order
        rows, others = pairs[first_of_pair] // speech_count, pairs[first_of_pair] % speech_count
        order = np.lexsort((profiles.numbers[others], -partial, rows))
        rows, others = rows[order], others[order]
        best = _ranks(rows) < CANDIDATES
        found_rows.append(rows[best])
        found_others.append(others[best])
    empty = np.empty(0, dtype=np.int64)
    return np.concatenate(found_rows or [empty]), np.concatenate(found_others or [empty])


def _index(profiles: _Profiles) -> tuple[np.ndarray, np.ndarray]:
    """Word id → the ``POSTINGS_LIMIT`` rows weighing it most (ties: the lower TOC number) and their weights, padded
    with row -1 and weight 0; the padding word id maps to padding only. Made for a range of words at a time, each
    range with some ``INDEX_BLOCK`` profile entries."""
    postings = np.full((len(profiles.words) + 1, POSTINGS_LIMIT), -1, dtype=np.int64)
    posting_weights = np.zeros((len(profiles.words) + 1, POSTINGS_LIMIT))
    entries_before = np.cumsum(np.bincount(profiles.ids.ravel(), minlength=len(profiles.words) + 1)[:-1])
    block_of_word = entries_before // INDEX_BLOCK
    starts = np.flatnonzero(np.diff(block_of_word, prepend=-1)).tolist()
    for first, end in zip(starts, starts[1:] + [len(profiles.words)]):
        rows, ranks = np.nonzero((profiles.ids >= first) & (profiles.ids < end))
        ids, values = profiles.ids[rows, ranks], profiles.weights[rows, ranks]
        order = np.lexsort((profiles.numbers[rows], -values, ids))
        rows, ids, values = rows[order], ids[order], values[order]
        rank = _ranks(ids)
        kept = rank < POSTINGS_LIMIT
        postings[ids[kept], rank[kept]] = rows[kept]
        posting_weights[ids[kept], rank[kept]] = values[kept]
    return postings, posting_weights


def _ranks(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2, … within each run of equal values of a sorted array."""
    return np.arange(len(groups)) - groups.searchsorted(groups)


def _pair_products(profiles: _Profiles, rows: np.ndarray, others: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """For pairs of rows (``rows`` sorted), a block of pairs at a time: the index of the block's first pair, and for
    each pair the product of the two weights of each word of the second profile (in the order of ``profiles.ids``),
    0 where the first profile lacks the word.

    The first profiles of a block are spread out into a table with a column per word, so that a word's weight in
    them is one look-up away; the cells written are cleared again after the block."""
    block_rows = max(1, min(PAIR_BLOCK_ROWS, SPREAD_CELLS // (len(profiles.words) + 1)))
    spread = np.zeros((block_rows, len(profiles.words) + 1))
    firsts = np.flatnonzero(_run_starts(rows)).tolist() + [len(rows)]
    for block in range(0, len(firsts) - 1, block_rows):
        start, end = firsts[block], firsts[min(block + block_rows, len(firsts) - 1)]
        distinct = rows[firsts[block:min(block + block_rows, len(firsts) - 1)]]
        spread_at = (np.arange(len(distinct))[:, None], profiles.ids[distinct])
        spread[spread_at] = profiles.weights[distinct]
        row_in_block = np.cumsum(_run_starts(rows[start:end])) - 1
        yield start, spread[row_in_block[:, None], profiles.ids[others[start:end]]] * profiles.weights[others[start:end]]
        spread[spread_at] = 0.0


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Whether each value of a sorted array is the first of its run of equal values."""
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = values[1:] != values[:-1]
    return starts


def _cosines(profiles: _Profiles, rows: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The cosine of each pair of profiles, summed word by word in word id order."""
    cosines = np.empty(len(rows))
    for start, products in _pair_products(profiles, rows, others):
        cosines[start:start + len(products)] = np.cumsum(products, axis=1)[:, -1]
    return cosines


def _shared_words(profiles: _Profiles, rows: np.ndarray, others: np.ndarray, count: int) -> list[tuple[str, ...]]:
    """For each pair, the words contributing most to the cosine of the two profiles (ties: by word)."""
    found = []
    for start, products in _pair_products(profiles, rows, others):
        best = np.argsort(-products, axis=1, kind="stable")[:, :count]  # stable: equal products by word id
        ids = np.take_along_axis(profiles.ids[others[start:start + len(products)]], best, axis=1)
        shares = np.take_along_axis(products, best, axis=1) > 0
        found += [tuple(profiles.words[word_id] for word_id, share in zip(pair_ids, pair_shares) if share)
                  for pair_ids, pair_shares in zip(ids.tolist(), shares.tolist())]
    return found


def _fill(chosen: list[RelatedSpeech], in_toc_order: list[int], position: int, titles: dict[int, str],
          at_least: int) -> None:
    """Add the nearest speeches in TOC order (the earlier one of two as near) until there are ``at_least``."""
    number = in_toc_order[position]
    taken = {item.number for item in chosen}
    below, above = position - 1, position + 1
    while len(chosen) < at_least and (below >= 0 or above < len(in_toc_order)):
        if above >= len(in_toc_order) or (below >= 0 and number - in_toc_order[below] <= in_toc_order[above] - number):
            other, below = in_toc_order[below], below - 1
        else:
            other, above = in_toc_order[above], above + 1
        if other not in taken:
            chosen.append(RelatedSpeech(other, titles[other], 0.0, ()))
