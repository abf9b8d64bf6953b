"""Stage 4, segment: cut the body paragraphs into speeches and align them, in order, to TOC entries.

Local evidence scores each gap between two paragraphs (blank-line runs longer than usual, a salutation opening the
next paragraph, an opening that names the occasion, a closing formula ending the previous one, and against it an
enumeration that continues across the gap; see evidence.py). Gaps with some sign of a start are candidate
boundaries, and every gap is one in text without blank lines; they cut the text into blocks. Each TOC title scores each block by the title's distinctive character pairs it contains. A dynamic
programme over blocks × entries then picks the monotone alignment (speech i before speech i+1; entries may be
skipped at a cost) with the highest total. A forward and a backward pass give, for every candidate gap, the best
total with and without a boundary there; the difference is the boundary's margin, squashed into a confidence.

Cost: O(candidate gaps × TOC entries), vectorised over entries with numpy; memory of the same order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..model import Boundary, Paragraph, TocEntry
from . import weights
from .evidence import GapEvidence
from .titles import TitleScores

NEG_INF = float("-inf")


class ImpossiblePins(ValueError):
    """The pins leave no alignment: more forced starts than entries, or pinned entry numbers out of order."""


@dataclass
class Pins:
    """Decisions the segmenter must respect, by paragraph index: the editor's, and the title lines the text has."""

    starts: dict[int, int | None] = field(default_factory=dict)
    """Paragraph index → TOC number it must start (None: any entry)."""
    joined: set[int] = field(default_factory=set)
    """Paragraph indexes that must not start a speech."""
    title_lines: set[int] = field(default_factory=set)
    """The starts that are a line repeating the entry's title rather than an editor's pin."""


@dataclass
class Segment:
    """A run of paragraphs assigned to one TOC entry."""

    entry: TocEntry
    start: int
    end: int
    boundary: Boundary


def segment(paragraphs: list[Paragraph], toc: list[TocEntry], pins: Pins | None = None,
            ) -> tuple[list[Segment], list[Boundary]]:
    """Return the best alignment of paragraphs to TOC entries, and gaps that came close to being boundaries."""
    pins = pins or Pins()
    if not paragraphs:
        return [], []
    evidence = GapEvidence(paragraphs, len(toc))
    candidates = [j for j in range(1, len(paragraphs))
                  if j in pins.starts or (j not in pins.joined and evidence.is_candidate(j))]
    starts = [0] + candidates
    titles = TitleScores(paragraphs, toc, starts)
    alignment = _Alignment(titles, [0.0] + [evidence.score(j) for j in candidates], starts, toc, pins)

    segments = []
    for block, end_block, entry_index in alignment.path:
        start = starts[block]
        end = starts[end_block] if end_block < len(starts) else len(paragraphs)
        forced = start in pins.starts
        pinned = forced and start not in pins.title_lines
        confidence = 1.0 if block == 0 or forced else _squash(alignment.best - alignment.best_without[block])
        reasons = (["repeats the title of the TOC entry"] if start in pins.title_lines else []) + \
            evidence.reasons(start) + titles.reasons(entry_index, block)
        segments.append(Segment(toc[entry_index], start, end,
                                Boundary(paragraphs[start].line, round(confidence, 3), reasons, pinned)))
    chosen = {block for block, _, _ in alignment.path}
    near_misses = []
    for block in range(1, len(starts)):
        confidence = _squash(alignment.best_with[block] - alignment.best)
        if block not in chosen and confidence >= 0.1:
            near_misses.append(Boundary(paragraphs[starts[block]].line, round(confidence, 3),
                                        evidence.reasons(starts[block])))
    return segments, near_misses



def _squash(margin: float) -> float:
    """Map a score margin to 0..1: 0 → 0.5, +3 → 0.95, −3 → 0.05."""
    if math.isinf(margin):
        return 1.0 if margin > 0 else 0.0
    return 1.0 / (1.0 + math.exp(-margin))

class _Alignment:
    """The best monotone alignment of blocks to entries, and the best totals with and without each boundary.

    Scores of a segment of entry k over blocks [a, b): opening[a, k] + Σ body[a..b, k]. Each boundary adds its local
    score; each skipped entry (before the first body or between two) costs SKIPPED_ENTRY; entries after the last
    body are free.
    """

    def __init__(self, titles: TitleScores, local: list[float], starts: list[int], toc: list[TocEntry], pins: Pins):
        blocks, m = len(starts), len(toc)
        body, opening, local = titles.body, titles.opening, np.array(local)
        ramp = weights.SKIPPED_ENTRY * np.arange(m)
        forced = np.array([start in pins.starts for start in starts])
        allowed = np.ones((blocks, m), dtype=bool)  # which entries may start at each block
        numbers = np.array([entry.number for entry in toc])
        for block, start in enumerate(starts):
            if pins.starts.get(start) is not None:
                allowed[block] = numbers == pins.starts[start]

        # Backward: cont[b, k] = best of blocks b.. when block b lies in a segment of entry k (opening already paid).
        cont = np.full((blocks, m), NEG_INF)
        start_score = np.full((blocks, m), NEG_INF)  # a segment of entry k starts at block b
        for b in range(blocks - 1, -1, -1):
            if b == blocks - 1:
                following = np.zeros(m)
            else:
                new = local[b + 1] + _best_later_entry(start_score[b + 1], ramp)
                following = new if forced[b + 1] else np.maximum(cont[b + 1], new)
            cont[b] = body[b] + following
            start_score[b] = np.where(allowed[b], opening[b] + cont[b], NEG_INF)
        self.best = float(np.max(start_score[0] - ramp))
        if self.best == NEG_INF:
            raise ImpossiblePins("the pinned starts cannot all hold: more of them than TOC entries, or out of the "
                                 "TOC's order")

        # Forward, one row at a time (the totals below are all it is for): open_row[k] = best of blocks ..b when
        # block b lies in a segment of entry k; before_start[k] = best of blocks ..b-1 before a segment of entry k
        # starts at b. best_with[b] and best_without[b]: best totals with and without a boundary before block b.
        self.best_with, self.best_without = [], [NEG_INF]
        open_row = np.full(m, NEG_INF)
        for b in range(blocks):
            before_start = -ramp if b == 0 else local[b] + _best_earlier_entry(open_row, ramp)
            self.best_with.append(float(np.max(before_start + start_score[b])))
            if b:
                self.best_without.append(NEG_INF if forced[b] else float(np.max(open_row + cont[b])))
            started = np.where(allowed[b], opening[b] + before_start, NEG_INF)
            carried = open_row if b and not forced[b] else np.full(m, NEG_INF)
            open_row = body[b] + np.maximum(carried, started)
        self.path = self._trace(start_score, cont, local, forced, ramp, blocks)

    @staticmethod
    def _trace(start_score, cont, local, forced, ramp, blocks) -> list[tuple[int, int, int]]:
        """Follow the backward pass from its best start; returns (first block, end block, entry index)."""
        path, b, k = [], 0, int(np.argmax(start_score[0] - ramp))
        first = 0
        while True:
            if b == blocks - 1:
                path.append((first, blocks, k))
                return path
            later = start_score[b + 1][k + 1:] - ramp[k + 1:]
            new = local[b + 1] + (float(np.max(later)) + ramp[k + 1] if later.size else NEG_INF)
            if forced[b + 1] or new > cont[b + 1][k]:
                path.append((first, b + 1, k))
                k = k + 1 + int(np.argmax(later))
                first = b + 1
            b += 1


def _best_later_entry(start_row: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """For each k: max over k' > k of start_row[k'] − SKIPPED_ENTRY·(k' − k − 1)."""
    shifted = start_row - ramp
    suffix_max = np.maximum.accumulate(shifted[::-1])[::-1]
    later = np.append(suffix_max[1:], NEG_INF)
    return later + ramp + weights.SKIPPED_ENTRY


def _best_earlier_entry(open_row: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """For each k: max over k' < k of open_row[k'] − SKIPPED_ENTRY·(k − k' − 1)."""
    shifted = open_row + ramp
    prefix_max = np.maximum.accumulate(shifted)
    earlier = np.insert(prefix_max[:-1], 0, NEG_INF)
    return earlier - ramp + weights.SKIPPED_ENTRY
