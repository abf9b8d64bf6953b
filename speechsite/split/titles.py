"""What the TOC titles say: how well each title matches each stretch of text (its distinctive character pairs in
the opening and across the body), and which lines of the text are the titles themselves, with their date and
byline lines."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np

from ..model import Paragraph, Removed, Speech, TocEntry
from . import weights
from .shapes import BYLINE, DATE_LINE, GENERIC_TITLE_PAIRS, character_pairs

TITLE_LINE_MAX_CHARS = 120  # a longer line is text, whatever it repeats
NOT_A_WORD = re.compile(r"[\W_]+")


class TitleScores:
    """How well each TOC title matches each block, from the title's distinctive character pairs: ``body[b, k]`` and
    ``opening[b, k]`` for block b and entry k."""

    def __init__(self, paragraphs: list[Paragraph], toc: list[TocEntry], starts: list[int]):
        n, blocks = len(paragraphs), len(starts)
        self.title_pairs = [sorted(character_pairs(entry.title) - GENERIC_TITLE_PAIRS) for entry in toc]
        wanted = set().union(*self.title_pairs) if self.title_pairs else set()
        postings: dict[str, list[int]] = defaultdict(list)  # pair → paragraphs that contain it
        for index, paragraph in enumerate(paragraphs):
            for pair in character_pairs(paragraph.text) & wanted:
                postings[pair].append(index)
        starts_array = np.array(starts)
        block_of = np.searchsorted(starts_array, np.arange(n), side="right") - 1
        # Per pair, once however many titles share it, and sparse: the blocks it occurs in (with how many of their
        # paragraphs have it), and the blocks whose opening paragraphs have it.
        in_blocks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        in_openings: dict[str, np.ndarray] = {}
        self.body = np.zeros((blocks, len(toc)))
        self.opening = np.zeros((blocks, len(toc)))
        self.opening_pairs: list[dict[str, np.ndarray]] = []
        """Per entry: each of its title's pairs → the blocks (sorted) whose opening has it, for the report."""
        for k, pairs in enumerate(self.title_pairs):
            # Pairs absent from the text still count in the total: a title whose one common pair is found is a
            # weak match, not a perfect one.
            pair_weights = {pair: math.log((n + 1) / (1 + len(postings[pair]))) for pair in pairs
                       if len(postings[pair]) <= max(1, weights.WEAK_PAIR_SHARE * n)}
            total = sum(pair_weights.values())
            pair_weights = {pair: weight for pair, weight in pair_weights.items() if postings[pair]}
            shown = {}
            if total <= 0:
                self.opening_pairs.append(shown)
                continue
            for pair, weight in pair_weights.items():
                if pair not in in_blocks:
                    where = np.array(postings[pair])
                    in_blocks[pair] = np.unique(block_of[where], return_counts=True)
                    in_openings[pair] = np.flatnonzero(_in_opening_window(where, starts_array))
                found, counts = in_blocks[pair]
                self.body[found, k] += weight / total * counts
                self.opening[in_openings[pair], k] += weight / total
                shown[pair] = in_openings[pair]
            self.opening_pairs.append(shown)
        self.opening *= weights.TITLE_IN_OPENING
        # A paragraph speaks for a title as far as it matches that title better than the average title: text
        # assigned to a title it does not mention costs, whatever share of the compilation it makes up.
        self.body -= self.body.mean(axis=1, keepdims=True)
        self.body *= weights.TITLE_IN_BODY

    def reasons(self, k: int, block: int) -> list[str]:
        shared = [pair for pair, openings in self.opening_pairs[k].items() if _contains(openings, block)]
        return ["title words in opening: " + " ".join(shared)] if shared else []


def _contains(sorted_values: np.ndarray, value: int) -> bool:
    at = int(np.searchsorted(sorted_values, value))
    return at < len(sorted_values) and sorted_values[at] == value


def _in_opening_window(paragraph_indexes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each block start s, OPENING_DECAY ** k for the first of the paragraphs at s + k, k < OPENING_WINDOW, else 0:
    title words in the first paragraph say most about where a speech starts, a paragraph later less."""
    first_at_or_after = np.searchsorted(paragraph_indexes, starts, side="left")
    found = first_at_or_after < len(paragraph_indexes)
    offset = paragraph_indexes[np.minimum(first_at_or_after, len(paragraph_indexes) - 1)] - starts
    within = found & (offset >= 0) & (offset < weights.OPENING_WINDOW)
    return np.where(within, weights.OPENING_DECAY ** np.clip(offset, 0, weights.OPENING_WINDOW), 0.0)


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
