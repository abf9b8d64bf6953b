"""What the TOC titles say: how well each title matches each stretch of text (its distinctive character pairs in
the opening and across the body), and which lines of the text are the titles themselves, with their date and
byline lines."""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter

import numpy as np

from ..model import Paragraph, Removed, Speech, TocEntry
from . import weights
from .shapes import BYLINE, DATE_LINE, GENERIC_TITLE_PAIRS, QUESTION, character_pairs

TITLE_LINE_MAX_CHARS = 120  # a longer line is text, whatever it repeats
NOT_A_WORD = re.compile(r"[\W_]+")


class TitleScores:
    """How well each TOC title matches each block, from the title's distinctive character pairs: ``rows(a, z)``
    gives, for blocks a..z-1 and every entry, a body score and an opening score.

    Rows are made when asked for, from two sparse tables, one as large as the text and one as the TOC: the title
    pairs in each paragraph, and the entries that weigh each pair. The blocks × entries matrices themselves (many of
    whose cells are non-zero, since titles share pairs) would be the largest thing in a build of thousands of
    speeches.
    """

    def __init__(self, paragraphs: list[Paragraph], toc: list[TocEntry], starts: list[int]):
        n = len(paragraphs)
        self.entry_count = len(toc)
        self.block_starts = np.array(starts + [n])
        title_pairs = [sorted(character_pairs(entry.title) - GENERIC_TITLE_PAIRS) for entry in toc]
        # Pairs numbered in sorted order, so that a row adds up each title's pairs in the title's own order.
        self.vocabulary = sorted(set().union(*title_pairs)) if title_pairs else []
        self.number = {pair: i for i, pair in enumerate(self.vocabulary)}
        pairs_in_paragraph = _Ragged.of_lists(sorted(self.number[pair] for pair in
                                                     character_pairs(paragraph.text) & self.number.keys())
                                              for paragraph in paragraphs)
        paragraphs_with = np.bincount(pairs_in_paragraph.values, minlength=len(self.vocabulary)).tolist()

        entry_weights: list[list[tuple[int, float]]] = [[] for _ in self.vocabulary]  # per pair: (entry, weight)
        self.weighted_pairs: list[list[str]] = []
        """Per entry: the pairs of its title that count and occur in the text, for the report."""
        for k, pairs in enumerate(title_pairs):
            # Pairs absent from the text still count in the total: a title whose one common pair is found is a
            # weak match, not a perfect one.
            pair_weights = {pair: math.log((n + 1) / (1 + paragraphs_with[self.number[pair]])) for pair in pairs
                            if paragraphs_with[self.number[pair]] <= max(1, weights.WEAK_PAIR_SHARE * n)}
            total = sum(pair_weights.values())
            found = [pair for pair in pair_weights if paragraphs_with[self.number[pair]]] if total > 0 else []
            for pair in found:
                entry_weights[self.number[pair]].append((k, pair_weights[pair] / total))
            self.weighted_pairs.append(found)
        self._entries_of_pair = _Ragged.of_lists([k for k, _ in row] for row in entry_weights)
        self._weights_of_pair = np.array([weight for row in entry_weights for _, weight in row])
        self._pairs_in_paragraph = pairs_in_paragraph.keeping(np.array([bool(row) for row in entry_weights], bool))
        self._askers = _AskersInTitles(paragraphs, toc)

    def rows(self, first: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """The body and opening rows of blocks first..end-1: what each block adds to a segment of each entry for the
        title words across it, and to a segment it opens for those in its opening; (end − first) × entries each."""
        cell_of = self._pairs_in_paragraph.starts  # paragraph → where its pairs start in the table
        block_firsts, block_ends = self.block_starts[first:end], self.block_starts[first + 1:end + 1]
        body_lengths = cell_of[block_ends] - cell_of[block_firsts]
        matches = self._matches(_cells(cell_of[block_firsts], body_lengths), body_lengths, with_counts=True)
        # A paragraph speaks for a title as far as it matches that title better than the average title: text
        # assigned to a title it does not mention costs, whatever share of the compilation it makes up.
        body = (matches - matches.mean(axis=1, keepdims=True)) * weights.TITLE_IN_BODY
        opening_lengths = cell_of[self._opening_ends(block_firsts)] - cell_of[block_firsts]
        opening = self._matches(_cells(cell_of[block_firsts], opening_lengths), opening_lengths,
                                with_counts=False) * weights.TITLE_IN_OPENING
        for block, entries in self._askers.in_openings(block_firsts, self._opening_ends(block_firsts)):
            opening[block, entries] += weights.ASKER_IN_TITLE
        return body, opening

    def _opening_ends(self, block_firsts):
        """Where the openings of blocks starting at these paragraphs end: OPENING_WINDOW paragraphs on, even where
        the block is shorter."""
        return np.minimum(block_firsts + weights.OPENING_WINDOW, self.block_starts[-1])

    def _matches(self, cells: np.ndarray, block_lengths: np.ndarray, with_counts: bool) -> np.ndarray:
        """Blocks × entries: Σ over the distinct pairs at the given cells of the paragraph table, block by block
        (``block_lengths`` cells each), of the entry's weight of the pair, times the pair's paragraphs if
        ``with_counts``. bincount adds in order, and the pairs come ascending, so each title's pairs are added in
        the title's order."""
        blocks, pair_count = len(block_lengths), len(self.vocabulary) or 1
        keys = np.repeat(np.arange(blocks), block_lengths) * pair_count + self._pairs_in_paragraph.values[cells]
        keys, paragraphs_with = np.unique(keys, return_counts=True)  # ascending: by block, then by pair
        block, pair = np.divmod(keys, pair_count)
        weight_cells = self._entries_of_pair.cells(pair)
        lengths = self._entries_of_pair.lengths(pair)
        values = self._weights_of_pair[weight_cells]
        if with_counts:
            values = values * np.repeat(paragraphs_with, lengths)
        at = np.repeat(block, lengths) * self.entry_count + self._entries_of_pair.values[weight_cells]
        return np.bincount(at, weights=values, minlength=blocks * self.entry_count).reshape(blocks, self.entry_count)

    def reasons(self, k: int, block: int) -> list[str]:
        start = self.block_starts[block]
        opening = set(self._pairs_in_paragraph.rows(start, self._opening_ends(start)).tolist())
        shared = [pair for pair in self.weighted_pairs[k] if self.number[pair] in opening]
        found = ["title words in opening: " + " ".join(shared)] if shared else []
        firsts = np.array([start])
        for _, entries in self._askers.in_openings(firsts, self._opening_ends(firsts)):
            if k in entries:
                found.append("the opening question's asker is named in the title")
        return found


class _AskersInTitles:
    """Interviews: the paragraphs whose question names its asker (贝问：, 记者问：) as a title of the TOC names them
    (和英国记者贝特兰的谈话), and those entries. A transcript names the asker by the name, or the first character of
    the name, that its title gives."""

    def __init__(self, paragraphs: list[Paragraph], toc: list[TocEntry]):
        keys = [title_key(entry.title) for entry in toc]
        entries_naming: dict[str, np.ndarray] = {}
        where, entries = [], []
        for index, paragraph in enumerate(paragraphs):
            question = QUESTION.match(paragraph.text)
            asker = question.group("asker") if question else None
            if not asker:
                continue
            if asker not in entries_naming:  # askers are few: each looked up once in every title
                entries_naming[asker] = np.array([k for k, key in enumerate(keys) if asker in key], dtype=np.int64)
            if entries_naming[asker].size:
                where.append(index)
                entries.append(entries_naming[asker])
        self.paragraphs = np.array(where, dtype=np.int64)
        """Indexes of the paragraphs that open with such a question, ascending."""
        self.entries = entries
        """For each of them, the entries whose title names its asker."""

    def in_openings(self, firsts: np.ndarray, ends: np.ndarray):
        """(block, entries) for each block, given by where its opening starts and ends, whose opening holds such a
        question: few blocks, found by bisection."""
        low, high = np.searchsorted(self.paragraphs, firsts), np.searchsorted(self.paragraphs, ends)
        for block in np.flatnonzero(high > low):
            yield int(block), np.unique(np.concatenate(self.entries[low[block]:high[block]]))


class _Ragged:
    """Rows of different lengths stored end to end: one array of values, and where each row starts."""

    def __init__(self, values: np.ndarray, starts: np.ndarray):
        self.values, self.starts = values, starts

    @classmethod
    def of_lists(cls, rows) -> _Ragged:
        values, starts = array("i"), array("q", [0])  # compact while it grows, whatever the text's length
        for row in rows:
            values.extend(row)
            starts.append(len(values))
        return cls(np.frombuffer(values, dtype=np.int32), np.frombuffer(starts, dtype=np.int64))

    def keeping(self, wanted: np.ndarray) -> _Ragged:
        """The same rows with only the values ``wanted`` marks."""
        kept = wanted[self.values]
        kept_before = np.zeros(len(kept) + 1, dtype=np.int32)  # 32 bits: a text has at most 256 MiB
        np.cumsum(kept, out=kept_before[1:])
        return _Ragged(self.values[kept], kept_before[self.starts])

    def rows(self, first: int, end: int) -> np.ndarray:
        """Rows first..end-1, end to end."""
        return self.values[self.starts[first]:self.starts[end]]

    def lengths(self, rows: np.ndarray) -> np.ndarray:
        return self.starts[rows + 1] - self.starts[rows]

    def cells(self, rows: np.ndarray) -> np.ndarray:
        """Where in ``values`` the given rows lie, end to end."""
        return _cells(self.starts[rows], self.lengths(rows))


def _cells(firsts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The runs firsts[i] .. firsts[i] + lengths[i] − 1, end to end."""
    return np.repeat(firsts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())


def find_title_lines(paragraphs: list[Paragraph], toc: list[TocEntry]) -> dict[int, int | None]:
    """Paragraphs that repeat a TOC title (up to spaces and punctuation): index → entry number (None if the title
    is shared by several entries, and the alignment chooses)."""
    entries_by_key: dict[str, list[int]] = {}
    for entry in toc:
        entries_by_key.setdefault(title_key(entry.title), []).append(entry.number)
    found: dict[int, int | None] = {}
    for index, paragraph in enumerate(paragraphs):
        numbers = entries_by_key.get(title_key(paragraph.text)) if len(paragraph.text) <= TITLE_LINE_MAX_CHARS else None
        if numbers:
            found[index] = numbers[0] if len(numbers) == 1 else None
    # A title repeated inside its own speech (as its last section's heading) is not a second start: of the lines
    # repeating one title, keep the one a date line follows, else the first.
    by_number: dict[int, list[int]] = {}
    for index, number in found.items():
        if number is not None:
            by_number.setdefault(number, []).append(index)
    for indexes in by_number.values():
        dated = [i for i in indexes if i + 1 < len(paragraphs) and DATE_LINE.match(paragraphs[i + 1].text.strip())]
        keep = (dated or indexes)[0]
        for index in indexes:
            if index != keep:
                del found[index]
    return found


def title_lines_and_headings(paragraphs: list[Paragraph], toc: list[TocEntry],
                             ) -> tuple[dict[int, int | None], set[int]]:
    """The lines repeating a TOC title, as title lines that open speeches (index → entry number) or as section
    headings that cannot. They open speeches when the bodies open with one; in a compilation whose first body does
    not, a line repeating a title is a section heading inside a speech (as a last section named like the speech)."""
    found = find_title_lines(paragraphs, toc)
    if found and min(found) > 1:
        return {}, set(found)
    return found, set()


def title_key(text: str) -> str:
    return NOT_A_WORD.sub("", text)


def take_title_and_date(speech: Speech, opens_with_title: bool, bylines: set[str]) -> list[Removed]:
    """A speech whose body opens with its title line: that line is the boundary, not a paragraph; a date line
    right after it becomes the speech's date, and a byline after that (one of ``bylines``) is set aside."""
    if not opens_with_title:
        return []
    taken = speech.paragraphs.pop(0)
    removed = [Removed(taken.line, taken.source_text, "speech title")]
    if speech.paragraphs and DATE_LINE.match(speech.paragraphs[0].text.strip()):
        date = speech.paragraphs.pop(0)
        speech.date = date.text.strip().rstrip("?？")
        removed.append(Removed(date.line, date.source_text, "speech date"))
    if len(speech.paragraphs) > 1 and speech.paragraphs[0].text.strip() in bylines:
        byline = speech.paragraphs.pop(0)
        removed.append(Removed(byline.line, byline.source_text, "byline (the author's name under the title)"))
    return removed


def find_bylines(paragraphs: list[Paragraph], title_lines: dict[int, int | None]) -> set[str]:
    """Short name lines that recur under the titles (after the title, or after its date line): the compilation's
    bylines. One occurrence proves nothing, since a heading such as 引言 looks the same."""
    found = Counter()
    for index in title_lines:
        after = index + 1
        if after < len(paragraphs) and DATE_LINE.match(paragraphs[after].text.strip()):
            after += 1
        if after < len(paragraphs) and BYLINE.match(paragraphs[after].text.strip()):
            found[paragraphs[after].text.strip()] += 1
    return {text for text, count in found.items() if count >= 2}
