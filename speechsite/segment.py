"""Stage 4, segment: cut the body paragraphs into speeches and align them, in order, to TOC entries.

Every gap between two paragraphs is a possible boundary. Local evidence scores each gap (blank-line runs longer
than usual, a salutation opening the next paragraph, a closing formula ending the previous one, an enumeration
that continues across the gap). Each TOC title scores each paragraph by the title's distinctive character pairs
it contains. A dynamic programme then picks the monotone alignment (speech i before speech i+1, entries may be
skipped at a cost) with the highest total; a boundary's confidence is how much that total drops without it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from .model import Boundary, Paragraph, TocEntry

NEG_INF = float("-inf")

# Weights of the scoring model, in log-odds-like units. Tuned on the seed, checked by property tests.
BOUNDARY_COST = 2.0          # every boundary must be paid for by evidence
LONGER_BLANK_RUN = 3.0       # more blank lines than the usual paragraph gap
SHORTER_BLANK_RUN = -1.0     # fewer blank lines than usual (lines glued together)
SALUTATION_WITH_COLON = 2.5  # 同志们: / 各位嘉宾、各位朋友:
SALUTATION_OTHER = 1.0       # 同志们、朋友们! also recurs inside speeches
MEETING_OPENING = 1.5        # 今天我们召开… / 根据…安排 in a first sentence that names the occasion
PLAIN_OPENING = 0.5          # 根据… / 按照… / 刚才… without naming the occasion
CLOSING = 1.5                # 谢谢大家 / 我就讲这么多 / 预祝…圆满成功
ENUMERATION_CONTINUES = -8.0 # 二、 / 三是 / (二) / 第二 / 其次 cannot open a speech
TITLE_IN_OPENING = 3.0       # weight of the title match in the first paragraphs of a segment
TITLE_IN_BODY = 0.6          # weight per paragraph of the title match across the segment
SKIPPED_ENTRY = 3.0          # a TOC entry with no body between two entries that have one
OPENING_WINDOW = 3           # paragraphs that count as a segment's opening

SALUTATION = re.compile(
    r"^(?:尊敬的|各位|同志们|亲爱的|女士们|先生们|朋友们|老师们|同学们|大家)[^。]{0,50}$")
MEETING_WORDS = re.compile(r"召开|举行|召集|开幕|会议|大会|论坛|座谈|仪式|学习班")
PLAIN_OPENING_WORDS = re.compile(r"^(?:根据|按照|刚才|今天|这次|本次|为了?|在.{2,30}之际|受.{1,10}委托)")
CLOSING_WORDS = re.compile(r"谢谢|讲这么多|就讲到这里|圆满成功|身体健康|万事如意|阖家幸福")
ENUMERATION_CONTINUATION = re.compile(
    r"^(?:[二三四五六七八九十]+[、是要]|[(（][二三四五六七八九十]+[)）]|第[二三四五六七八九十]+[,，、]|"
    r"[2-9]\d?[、.．]|其次|再次|另一方面|此外|同时|另外)")
NON_TEXT = re.compile(r"[^\w]|_", re.UNICODE)
# Character pairs that occur in nearly every title of this genre say nothing about which speech is which.
GENERIC_TITLE_PAIRS = {"讲话", "发言", "致辞", "上的", "会上", "议上", "会议", "工作", "大会", "的讲", "的发", "的致"}


@dataclass
class Pins:
    """Editorial decisions the segmenter must respect, by paragraph index."""

    starts: dict[int, int | None] = field(default_factory=dict)
    """Paragraph index → TOC number it must start (None: any entry)."""
    joined: set[int] = field(default_factory=set)
    """Paragraph indexes that must not start a speech."""


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
    model = _ScoringModel(paragraphs, toc)
    best, path = model.align(pins)
    segments = []
    for start, end, entry_index in path:
        entry = toc[entry_index]
        if start == 0:
            confidence, pinned = 1.0, 0 in pins.starts
        else:
            pinned = start in pins.starts
            margin = best - model.align(_with(pins, joined=start))[0]
            confidence = 1.0 if pinned else _squash(margin)
        boundary = Boundary(paragraphs[start].line, round(confidence, 3), model.evidence(start, entry_index), pinned)
        segments.append(Segment(entry, start, end, boundary))

    chosen = {start for start, _, _ in path}
    near_misses = []
    for gap in range(1, len(paragraphs)):
        if gap in chosen or gap in pins.joined or model.local[gap] <= 0:
            continue
        margin = model.align(_with(pins, start=gap))[0] - best
        if _squash(margin) >= 0.1:
            near_misses.append(Boundary(paragraphs[gap].line, round(_squash(margin), 3), model.evidence(gap, None)))
    return segments, near_misses


def _squash(margin: float) -> float:
    """Map a score margin to 0..1: 0 → 0.5, +3 → 0.95, −3 → 0.05."""
    if margin == NEG_INF:
        return 0.0
    if margin == -NEG_INF:
        return 1.0
    return 1.0 / (1.0 + math.exp(-margin))


def _with(pins: Pins, start: int | None = None, joined: int | None = None) -> Pins:
    starts = dict(pins.starts)
    joined_set = set(pins.joined)
    if start is not None:
        starts[start] = None
    if joined is not None:
        joined_set.add(joined)
    return Pins(starts, joined_set)


class _ScoringModel:
    """Local gap scores and title-paragraph affinities for one compilation, and the alignment over them."""

    def __init__(self, paragraphs: list[Paragraph], toc: list[TocEntry]):
        self.paragraphs = paragraphs
        self.toc = toc
        self.usual_blank_run = _usual_blank_run(paragraphs)
        self.local = [0.0] + [self._local_score(j) for j in range(1, len(paragraphs))]
        self.title_pairs, self.match = _title_matches(paragraphs, toc)
        n, m = len(paragraphs), len(toc)
        # prefix[k][j]: sum of centred title-k affinities of paragraphs before j, for O(1) segment sums.
        self.prefix = []
        for k in range(m):
            mean = sum(self.match[k]) / n
            sums = [0.0]
            for j in range(n):
                sums.append(sums[-1] + TITLE_IN_BODY * (self.match[k][j] - mean))
            self.prefix.append(sums)
        self.opening = [[TITLE_IN_OPENING * max(self.match[k][j:j + OPENING_WINDOW]) for j in range(n)]
                        for k in range(m)]

    def _local_score(self, j: int) -> float:
        """Evidence that a speech starts at paragraph j, before any title is considered."""
        return sum(weight for weight, _ in self._local_evidence(j)) - BOUNDARY_COST

    def _local_evidence(self, j: int) -> list[tuple[float, str]]:
        here, before = self.paragraphs[j], self.paragraphs[j - 1]
        text = here.text.strip()
        evidence = []
        if here.blank_lines_before > self.usual_blank_run:
            evidence.append((LONGER_BLANK_RUN, f"{here.blank_lines_before} blank lines"))
        elif here.blank_lines_before < self.usual_blank_run:
            evidence.append((SHORTER_BLANK_RUN, "fewer blank lines than usual"))
        if SALUTATION.match(text) and len(text) <= 60:
            if text.endswith((":", "：")):
                evidence.append((SALUTATION_WITH_COLON, f"salutation {text}"))
            else:
                evidence.append((SALUTATION_OTHER, f"salutation {text}"))
        elif PLAIN_OPENING_WORDS.match(text):
            first_sentence = re.split(r"[。!！?？]", text, maxsplit=1)[0]
            if MEETING_WORDS.search(first_sentence):
                evidence.append((MEETING_OPENING, "opening names the occasion"))
            else:
                evidence.append((PLAIN_OPENING, "opening phrase"))
        if ENUMERATION_CONTINUATION.match(text):
            evidence.append((ENUMERATION_CONTINUES, "continues an enumeration"))
        if CLOSING_WORDS.search(before.text[-30:]):
            evidence.append((CLOSING, "previous paragraph closes"))
        return evidence

    def evidence(self, j: int, entry_index: int | None) -> list[str]:
        """Human-readable reasons for a boundary before paragraph j (and its title match, if assigned)."""
        reasons = [reason for _, reason in self._local_evidence(j)] if j > 0 else ["start of the bodies"]
        if entry_index is not None:
            window = "".join(p.text for p in self.paragraphs[j:j + OPENING_WINDOW])
            shared = [pair for pair in self.title_pairs[entry_index] if pair in window]
            if shared:
                reasons.append("title words in opening: " + " ".join(shared))
        return reasons

    def align(self, pins: Pins) -> tuple[float, list[tuple[int, int, int]]]:
        """Best total score and the segments (start, end, entry index) of the best monotone alignment."""
        n, m = len(self.paragraphs), len(self.toc)
        # F[j][k]: best score of paragraphs j..n-1 when a segment assigned to entry k starts at j.
        F = [[NEG_INF] * m for _ in range(n)]
        follow: list[list[tuple[int, int] | None]] = [[None] * m for _ in range(n)]
        # Best continuation over later gaps: value, next start, next entry (per entry k of the current segment).
        later = [(NEG_INF, -1, -1)] * m
        may_end_here = True  # False once a pinned start lies ahead: a segment cannot run past it
        for j in range(n - 1, -1, -1):
            allowed_entry = pins.starts.get(j)
            for k in range(m):
                if allowed_entry is not None and self.toc[k].number != allowed_entry:
                    continue
                end_value = self.prefix[k][n] if may_end_here else NEG_INF
                best, nxt = end_value, None
                if later[k][0] > best:
                    best, nxt = later[k][0], later[k][1:]
                if best == NEG_INF:
                    continue
                F[j][k] = self.opening[k][j] - self.prefix[k][j] + best
                follow[j][k] = nxt
            if j == 0:
                break
            if j in pins.joined:
                continue
            # Gap before j as the next boundary for segments that start earlier.
            suffix, suffix_k = NEG_INF, -1  # max over k' > k of F[j][k'] minus the cost of entries skipped
            candidates = [(NEG_INF, -1, -1)] * m
            for k in range(m - 1, -1, -1):
                if suffix > NEG_INF:
                    candidates[k] = (self.prefix[k][j] + self.local[j] + suffix, j, suffix_k)
                shifted = suffix - SKIPPED_ENTRY
                if F[j][k] >= shifted:
                    suffix, suffix_k = F[j][k], k
                else:
                    suffix = shifted
            if j in pins.starts:
                later, may_end_here = candidates, False
            else:
                later = [max(old, new, key=lambda c: c[0]) for old, new in zip(later, candidates)]
        best_total, best_k = NEG_INF, -1
        for k in range(m):
            total = F[0][k] - SKIPPED_ENTRY * k
            if total > best_total:
                best_total, best_k = total, k
        if best_k < 0:
            return NEG_INF, []
        path, j, k = [], 0, best_k
        while True:
            nxt = follow[j][k]
            end = nxt[0] if nxt else n
            path.append((j, end, k))
            if not nxt:
                break
            j, k = nxt
        return best_total, path


def _usual_blank_run(paragraphs: list[Paragraph]) -> int:
    runs = Counter(p.blank_lines_before for p in paragraphs[1:])
    return runs.most_common(1)[0][0] if runs else 1


def _pairs(text: str) -> set[str]:
    clean = NON_TEXT.sub("", text)
    return {clean[i:i + 2] for i in range(len(clean) - 1)}


def _title_matches(paragraphs: list[Paragraph], toc: list[TocEntry]) -> tuple[list[list[str]], list[list[float]]]:
    """For each title, its distinctive character pairs, and for each paragraph the idf-weighted share it contains."""
    paragraph_pairs = [_pairs(p.text) for p in paragraphs]
    document_frequency = Counter(pair for pairs in paragraph_pairs for pair in pairs)
    n = len(paragraphs)
    title_pairs, match = [], []
    for entry in toc:
        pairs = sorted(_pairs(entry.title) - GENERIC_TITLE_PAIRS)
        weights = {pair: math.log((n + 1) / (1 + document_frequency[pair])) for pair in pairs}
        weights = {pair: weight for pair, weight in weights.items() if weight > 0 and document_frequency[pair] > 0}
        total = sum(weights.values()) or 1.0
        title_pairs.append(sorted(weights, key=lambda pair: -weights[pair]))
        match.append([sum(weight for pair, weight in weights.items() if pair in pairs_here) / total
                      for pairs_here in paragraph_pairs])
    return title_pairs, match
