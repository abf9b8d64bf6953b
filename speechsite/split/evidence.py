"""What the text itself says about a speech starting at each gap between two paragraphs: blank-line runs, salutations,
openings and closings, continuing enumerations, boundary markers calibrated on the document, and changes of topic.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from ..model import Paragraph
from . import weights
from .shapes import (CLOSING_WORDS, DATE_LINE, DESCRIBES_THE_PIECE, ENUMERATION_CONTINUATION, MEETING_WORDS,
                     NOTE_IN_PARENTHESES, PERORATION, PLAIN_OPENING_WORDS, QUESTION, REFERRING_BACK, character_pairs,
                     is_heading, is_salutation)


class GapEvidence:
    """What the text itself says about a speech starting at paragraph j (before any title is considered)."""

    def __init__(self, paragraphs: list[Paragraph], expected_speeches: int):
        self.paragraphs = paragraphs
        runs = Counter(p.blank_lines_before for p in paragraphs[1:])
        self.usual_blank_run = runs.most_common(1)[0][0] if runs else 1
        listed = expected_speeches
        if self.has_blank_line_structure:
            # The TOC may list more speeches than the text holds (the seed: 19 of 59); where blank lines show the
            # structure, the longer runs between speeches say how many are here, at least: two speeches may also be
            # apart by no more blank lines than two paragraphs.
            longer_runs = sum(p.blank_lines_before > self.usual_blank_run for p in paragraphs[1:])
            expected_speeches = min(expected_speeches, 1 + longer_runs)
        self.markers = calibrate_markers(paragraphs, expected_speeches, listed)
        # Where blank lines show the structure, they are the evidence; the vocabulary is read only where they don't.
        self.topic_shift = None if self.has_blank_line_structure else topic_shift(paragraphs)
        self._weighed: dict[int, list[tuple[float, str]]] = {}

    @property
    def has_blank_line_structure(self) -> bool:
        """Whether paragraphs are separated by blank lines, so that a longer run can show a boundary."""
        return self.usual_blank_run > 0

    def weighed(self, j: int) -> list[tuple[float, str]]:
        if j not in self._weighed:
            self._weighed[j] = self._weigh(j)
        return self._weighed[j]

    def _weigh(self, j: int) -> list[tuple[float, str]]:
        here, before = self.paragraphs[j], self.paragraphs[j - 1]
        found = []
        if here.blank_lines_before > self.usual_blank_run:
            found.append((weights.LONGER_BLANK_RUN, f"{here.blank_lines_before} blank lines"))
        elif here.blank_lines_before < self.usual_blank_run:
            found.append((weights.SHORTER_BLANK_RUN, "fewer blank lines than usual"))
        found += self._opening(here.text)
        if is_heading(here.text) and j + 1 < len(self.paragraphs):
            # A speech may open on its first section's heading: what the text under the heading says of a start
            # says it of the heading.
            found += [(weight, f"under the heading: {reason}") for weight, reason in
                      self._opening(self.paragraphs[j + 1].text)]
        if is_heading(before.text):
            found.append((weights.AFTER_HEADING, "follows a heading"))
        if CLOSING_WORDS.search(before.text[-30:]) or (len(before.text) > 60 and PERORATION.match(before.text)):
            found.append((weights.CLOSING, "previous paragraph closes"))
        if is_salutation(before.text):
            found.append((weights.AFTER_SALUTATION, "follows a salutation"))
        if self.topic_shift is not None and self.topic_shift[j] >= 1.0:
            found.append((weights.TOPIC_SHIFT * min(3.0, self.topic_shift[j]),
                          f"vocabulary changes ({self.topic_shift[j]:.1f} deviations)"))
        for key in marker_keys(before.text):
            marker = self.markers.get(key)
            if marker and not marker.opens:
                found.append((marker.weight, f"previous paragraph closes like {marker.count} others: {marker.name}"))
        return found

    def _opening(self, text: str) -> list[tuple[float, str]]:
        """What a paragraph's own words say of a speech starting with it."""
        found = []
        if is_salutation(text):
            weight = weights.SALUTATION_WITH_COLON if text.endswith((":", "：")) else weights.SALUTATION_OTHER
            found.append((weight, f"salutation {text}"))
        elif PLAIN_OPENING_WORDS.match(text):
            first_sentence = re.split(r"[。!！?？]", text, maxsplit=1)[0]
            if MEETING_WORDS.search(first_sentence):
                found.append((weights.MEETING_OPENING, "opening names the occasion"))
            else:
                found.append((weights.PLAIN_OPENING, "opening phrase"))
        if len(text) <= 20 and CLOSING_WORDS.search(text):
            found.append((weights.CLOSING_FORMULA, "is a closing formula"))
        if ENUMERATION_CONTINUATION.match(text):
            found.append((weights.ENUMERATION_CONTINUES, "continues an enumeration or a dialogue"))
        if REFERRING_BACK.match(text):
            found.append((weights.REFERS_BACK, "refers back to the text before it"))
        question = QUESTION.match(text)
        if question:
            found.append((weights.NAMED_ASKER, f"opens a dialogue: {question.group()}") if question.group("asker")
                         else (weights.REFERS_BACK, "a question in a dialogue"))
        for key in marker_keys(text):
            marker = self.markers.get(key)
            if marker and marker.opens:
                found.append((marker.weight, f"opens like {marker.count} others: {marker.name}"))
        return found

    def is_candidate(self, j: int) -> bool:
        """A gap is worth considering when the text shows at least one sign of a start; without blank lines
        between paragraphs, when nothing rules it out (a continuing enumeration)."""
        found = [weight for weight, _ in self.weighed(j)]
        if not self.has_blank_line_structure:
            return not any(weight <= weights.ENUMERATION_CONTINUES for weight in found)
        return any(weight > 0 for weight in found)

    def score(self, j: int) -> float:
        return sum(weight for weight, _ in self.weighed(j)) - weights.BOUNDARY_COST

    def reasons(self, j: int) -> list[str]:
        return [reason for _, reason in self.weighed(j)] if j > 0 else ["start of the bodies"]


def topic_shift(paragraphs: list[Paragraph]) -> np.ndarray:
    """For each gap j (before paragraph j), how much less alike the character pairs of the TOPIC_WINDOW paragraphs
    on either side are than across the average gap, in standard deviations (0 where they are more alike): a change
    of topic, the evidence left where a text has no blank lines, titles or notes (TextTiling, Hearst 1997).

    Pairs are weighted by inverse paragraph frequency. The window vectors are never built: their dot products and
    norms are sums of the dot products of paragraphs less than 2·TOPIC_WINDOW apart, found in one sorted list of
    (pair, paragraph), so the cost is linear in the text."""
    n, width = len(paragraphs), weights.TOPIC_WINDOW
    shift = np.zeros(n)
    pair_ids: dict[str, int] = {}
    rows = [[pair_ids.setdefault(pair, len(pair_ids)) for pair in character_pairs(p.text)] for p in paragraphs]
    if n < 3 or not pair_ids:
        return shift
    pair = np.fromiter((i for row in rows for i in row), dtype=np.int64)
    owner = np.repeat(np.arange(n), [len(row) for row in rows])
    order = np.lexsort((owner, pair))
    pair, owner = pair[order], owner[order]
    squared_idf = np.log(n / np.bincount(pair))[pair] ** 2
    # near[a, d]: dot product of paragraphs a and a + d, for d < 2·width.
    near = np.zeros((n, 2 * width))
    near[:, 0] = np.bincount(owner, weights=squared_idf, minlength=n)
    for step in range(1, 2 * width):
        distance = owner[step:] - owner[:-step]
        same = (pair[step:] == pair[:-step]) & (distance < 2 * width)
        np.add.at(near, (owner[:-step][same], distance[same]), squared_idf[:-step][same])

    gaps = np.arange(n)

    def window_sum(first_offsets, second_offsets):
        """Σ near[min(x, y), |x − y|] over paragraphs x = j + first, y = j + second that exist."""
        total = np.zeros(n)
        for first in first_offsets:
            for second in second_offsets:
                low, distance = min(first, second), abs(first - second)
                valid = (gaps + low >= 0) & (gaps + max(first, second) < n)
                total[valid] += near[gaps[valid] + low, distance]
        return total

    left, right = range(-width, 0), range(0, width)
    dot = window_sum(left, right)
    norms = np.sqrt(window_sum(left, left) * window_sum(right, right))
    similarity = np.divide(dot, norms, out=np.zeros(n), where=norms > 0)[1:]
    if similarity.std() > 0:
        shift[1:] = np.maximum(0.0, (similarity.mean() - similarity) / similarity.std())
    return shift


@dataclass
class Marker:
    """A line shape that recurs about as often as the TOC has entries: a boundary marker of this compilation."""

    name: str
    count: int
    opens: bool
    """True when the marked paragraph opens a speech (a byline, a note naming the piece); False when it closes one."""
    weight: float


def marker_keys(text: str) -> list[str]:
    """The shapes of a paragraph that may mark a boundary: the line itself when short, an editor's note."""
    keys = [text] if len(text) <= weights.MARKER_LINE_MAX_CHARS else []
    if NOTE_IN_PARENTHESES.match(text) and not DATE_LINE.match(text):
        keys.append("note in parentheses")
    elif DESCRIBES_THE_PIECE.match(text):
        keys.append("note naming the piece")
    return keys


def calibrate_markers(paragraphs: list[Paragraph], expected: int, listed: int = 0) -> dict[str, Marker]:
    """Per-document self-calibration. The TOC says how many speeches to expect; a shape that recurs about that often
    (a third of it, and MARKER_MIN_COUNT, at least), never twice in a row, marks boundaries, with a precision of
    expected / occurrences. A short line may recur up to ``listed`` times (the TOC's entries, by default
    ``expected``), since the text holds no more speeches than its TOC lists, however few the blank lines show.
    Whether it opens or closes a speech, the text's edges tell: a shape on the first paragraph opens, on the last
    closes; a short line found at neither edge is no marker, while notes in parentheses close and notes naming the
    piece open by default."""
    where: dict[str, list[int]] = defaultdict(list)
    for index, paragraph in enumerate(paragraphs):
        for key in marker_keys(paragraph.text):
            if not where[key] or where[key][-1] != index - 1:
                where[key].append(index)
    markers = {}
    last = len(paragraphs) - 1
    for key, indexes in where.items():
        count = len(indexes)
        is_note = key in ("note in parentheses", "note naming the piece")
        # A line that recurs more often than there can be speeches (同志们、朋友们! within one speech) marks something
        # else; a note shape may, since notes also quote and explain inside the text.
        most = 2 * expected if is_note else max(expected, listed)
        if count < max(weights.MARKER_MIN_COUNT, expected / 3) or count > most:
            if is_note:  # too rare or too common to calibrate: the general evidence of an editor's note
                markers[key] = Marker(key, count, key == "note naming the piece", weights.EDITORS_NOTE)
            continue
        at_an_edge = indexes[0] == 0 or indexes[-1] == last
        if not (at_an_edge or is_note):
            continue  # a recurring line that neither opens the first speech nor closes the last marks no boundary
        opens = indexes[0] == 0 if at_an_edge else key == "note naming the piece"
        precision = weights.MARKER_PRECISION_CAP * min(1.0, expected / count)
        weight = math.log(precision / (1 - precision)) + weights.BOUNDARY_COST
        if weight > 0:
            markers[key] = Marker(key, count, opens, weight)
    return markers
