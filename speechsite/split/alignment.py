"""Stage 4, segment: cut the body paragraphs into speeches and align them, in order, to TOC entries.

Local evidence scores each gap between two paragraphs (blank-line runs longer than usual, a salutation opening the
next paragraph, an opening that names the occasion, a closing formula ending the previous one, and against it an
enumeration that continues across the gap; see evidence.py). Gaps with some sign of a start are candidate
boundaries, and every gap is one in text without blank lines; they cut the text into blocks. Each TOC title scores
each block by the title's distinctive character pairs it contains. A dynamic programme over blocks × entries then
picks the monotone alignment (speech i before speech i+1; entries may be skipped at a cost) with the highest total.
Forward and backward passes give, for every candidate gap, the best total with and without a boundary there; the
difference is the boundary's margin, squashed into a confidence.

Cost: time O(candidate gaps × TOC entries), vectorised over entries with numpy; memory linear in the text, as the
rows are made when needed and about a dozen cells a row kept (_Alignment). The seed recombined 300× (21,000 gaps ×
5,700 entries): 17.5 s CPU and a 127 MiB peak, where the blocks × entries matrices took 24.7 s and 3.8 GiB
(``python benchmarks/split_memory.py``).
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
RELEVANT_MARGIN = 10.0
"""Totals this far below the best give confidences that round to 0.000 or 1.000 (from a margin of 7.6 on; the rest
is room for rounding), so cells whose totals cannot come this close need not be kept."""
TITLE_ROWS_AT_ONCE = 2**16
"""Cells of title scores made at once, 0.5 MiB a matrix however long the text."""


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

    For block b and entry k, a forward value (the best of blocks ..b-1) and a backward value (the best of blocks b..
    with b in a segment of entry k) add up to the best total through that cell. Keeping either for every cell would
    take blocks × entries; three passes over the rows, each row made when needed, keep about a dozen cells a row
    (as many as totals come near the best: 1–5 on the development set, 10 on the seed recombined, 28 packed):

    1. forward: the best total, and each row's largest forward value in each ring around the row's peak (_Rings),
       an upper bound for every cell that is tight near the peak;
    2. backward: keep the cells whose backward value plus that bound comes within RELEVANT_MARGIN of the best;
    3. forward: the totals at those cells.

    Totals, path and confidences are the full programme's (tests/test_alignment.py checks them against every
    alignment of small cases). Cells are of two kinds: a segment of entry k starts at block b ("start"), or block b
    continues one ("cont").
    """

    def __init__(self, titles: TitleScores, local: list[float], starts: list[int], toc: list[TocEntry], pins: Pins):
        self.titles, self.local, self.blocks = titles, np.array(local), len(starts)
        self.ramp = weights.SKIPPED_ENTRY * np.arange(len(toc))
        self.forced = [start in pins.starts for start in starts]
        self.numbers = np.array([entry.number for entry in toc])
        self.pinned_number = [pins.starts.get(start) for start in starts]  # the entry a block must start, if any

        rings = _Rings(len(toc))
        start_bounds, cont_bounds = np.empty((self.blocks, rings.size)), np.empty((self.blocks, rings.size))
        centres = []
        for b, before_start, carried, open_row in self._forward():
            centres.append((int(np.argmax(before_start)), int(np.argmax(carried))))
            start_bounds[b] = rings.maxima(before_start, centres[b][0])
            cont_bounds[b] = rings.maxima(carried, centres[b][1])
        if np.max(open_row) == NEG_INF:
            raise ImpossiblePins("the pinned starts cannot all hold: more of them than TOC entries, or out of the "
                                 "TOC's order")
        floor = float(np.max(open_row)) - RELEVANT_MARGIN  # the forward best: the same total, up to rounding

        # kept[b]: the cells of block b that may come within the margin, as (entries, backward values), start
        # cells first, then cont cells.
        kept: list = [None] * self.blocks
        for b, cont, start in self._backward():
            starting = np.flatnonzero(start + rings.bound(start_bounds[b], centres[b][0]) >= floor)
            continuing = np.flatnonzero(cont + rings.bound(cont_bounds[b], centres[b][1]) >= floor)
            kept[b] = ((starting, start[starting]), (continuing, cont[continuing]))
        del start_bounds, cont_bounds
        self.best = float(np.max(start - self.ramp))
        first_entry = int(np.argmax(start - self.ramp))

        # best_with[b] and best_without[b]: best totals with and without a boundary before block b.
        self.best_with, self.best_without = [], []
        for b, before_start, carried, _ in self._forward():
            (starting, start), (continuing, cont) = kept[b]
            self.best_with.append(float(np.max(before_start[starting] + start, initial=NEG_INF)))
            self.best_without.append(float(np.max(carried[continuing] + cont, initial=NEG_INF)))
        self.path = self._trace(first_entry, kept)

    def _forward(self):
        """The rows of the forward pass, first block first: (b, before_start, carried, open_row), where
        before_start[k] is the best of blocks ..b-1 before a segment of entry k starts at b, carried[k] the best of
        blocks ..b-1 with block b-1 in a segment of entry k that block b continues, and open_row[k] the best of
        blocks ..b with block b in a segment of entry k."""
        open_row = np.full(len(self.ramp), NEG_INF)
        for b, body, opening in self._title_rows():
            before_start = -self.ramp if b == 0 else self.local[b] + _best_earlier_entry(open_row, self.ramp)
            carried = open_row if b and not self.forced[b] else np.full(len(self.ramp), NEG_INF)
            started = self._where_allowed(b, opening + before_start)
            open_row = body + np.maximum(carried, started)
            yield b, before_start, carried, open_row

    def _backward(self):
        """The rows of the backward pass, last block first: (b, cont, start), where cont[k] is the best of blocks b..
        when block b lies in a segment of entry k (opening already paid) and start[k] that when the segment starts
        at b."""
        for b, body, opening in self._title_rows(last_first=True):
            if b == self.blocks - 1:
                following = np.zeros(len(self.ramp))
            else:
                new = self.local[b + 1] + _best_later_entry(start, self.ramp)
                following = new if self.forced[b + 1] else np.maximum(cont, new)
            cont = body + following
            start = self._where_allowed(b, opening + cont)
            yield b, cont, start

    def _title_rows(self, last_first: bool = False):
        """(b, body row, opening row) for every block, made a chunk of blocks at a time: as fast as whole matrices
        where they are small, in bounded memory where they are not."""
        step = -1 if last_first else 1
        chunk = max(1, TITLE_ROWS_AT_ONCE // max(1, len(self.ramp)))
        for first in range(0, self.blocks, chunk)[::step]:
            end = min(first + chunk, self.blocks)
            body, opening = self.titles.rows(first, end)
            for b in range(first, end)[::step]:
                yield b, body[b - first], opening[b - first]

    def _where_allowed(self, b: int, start_row: np.ndarray) -> np.ndarray:
        """A row of segments starting at block b, −∞ for the entries its pin forbids."""
        number = self.pinned_number[b]
        return start_row if number is None else np.where(self.numbers == number, start_row, NEG_INF)

    def _trace(self, first_entry: int, kept: list) -> list[tuple[int, int, int]]:
        """Follow the backward pass from its best start; returns (first block, end block, entry index). Wherever a
        comparison could go either way, both sides are within the margin of the best, so ``kept`` holds them."""
        path, b, k, first = [], 0, first_entry, 0
        while b < self.blocks - 1:
            (start_entries, start_values), (cont_entries, cont_values) = kept[b + 1]
            later = start_entries > k
            later_entries, later_values = start_entries[later], start_values[later] - self.ramp[start_entries[later]]
            new = self.local[b + 1] + (float(np.max(later_values)) + self.ramp[k + 1] if later_values.size else NEG_INF)
            continued = cont_values[cont_entries == k]
            if self.forced[b + 1] or new > (continued[0] if continued.size else NEG_INF):
                path.append((first, b + 1, k))
                k = int(later_entries[np.argmax(later_values)])
                first = b + 1
            b += 1
        path.append((first, self.blocks, k))
        return path


class _Rings:
    """The entries of a row grouped by their distance from a centre: the centre, then 1, 2–3, 4–7, … to the right
    and to the left. A row's maximum over each ring bounds every cell of the ring, in a few numbers a row."""

    def __init__(self, width: int):
        distances = np.arange(-(width - 1), width)
        ring = np.frexp(np.abs(distances))[1]  # 0 for 0, 1 for 1, 2 for 2–3, 3 for 4–7, …
        per_side = int(ring.max())
        self.size = 2 * per_side + 1
        self.width = width
        self._of_distance = np.where(distances < 0, per_side + ring, ring)  # index among the row's maxima
        self._runs: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # centre → where each ring starts, and which

    def maxima(self, row: np.ndarray, centre: int) -> np.ndarray:
        """The row's maximum over each ring around the centre."""
        if centre not in self._runs:
            rings = self._around(centre)
            firsts = np.flatnonzero(np.diff(rings, prepend=-1))  # each ring is one run of entries
            self._runs[centre] = firsts, rings[firsts]
        firsts, which = self._runs[centre]
        maxima = np.full(self.size, NEG_INF)
        maxima[which] = np.maximum.reduceat(row, firsts)
        return maxima

    def bound(self, maxima: np.ndarray, centre: int) -> np.ndarray:
        """For each entry, the maximum of its ring."""
        return maxima[self._around(centre)]

    def _around(self, centre: int) -> np.ndarray:
        return self._of_distance[self.width - 1 - centre:2 * self.width - 1 - centre]


def _best_later_entry(start_row: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """For each k: max over k' > k of start_row[k'] − SKIPPED_ENTRY·(k' − k − 1)."""
    shifted = start_row - ramp
    suffix_max = np.maximum.accumulate(shifted[::-1])[::-1]
    later = np.concatenate((suffix_max[1:], [NEG_INF]))
    return later + ramp + weights.SKIPPED_ENTRY


def _best_earlier_entry(open_row: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """For each k: max over k' < k of open_row[k'] − SKIPPED_ENTRY·(k − k' − 1)."""
    shifted = open_row + ramp
    prefix_max = np.maximum.accumulate(shifted)
    earlier = np.concatenate(([NEG_INF], prefix_max[:-1]))
    return earlier - ramp + weights.SKIPPED_ENTRY
