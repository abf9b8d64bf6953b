"""Stage 4, segment: cut the body paragraphs into speeches and align them, in order, to TOC entries.

Local evidence scores each gap between two paragraphs (blank-line runs longer than usual, a salutation opening the
next paragraph, an opening that names the occasion, a closing formula ending the previous one, and against it an
enumeration that continues across the gap). Gaps with some sign of a start are candidate boundaries; they cut the
text into blocks. Each TOC title scores each block by the title's distinctive character pairs it contains. A dynamic
programme over blocks × entries then picks the monotone alignment (speech i before speech i+1; entries may be
skipped at a cost) with the highest total. A forward and a backward pass give, for every candidate gap, the best
total with and without a boundary there; the difference is the boundary's margin, squashed into a confidence.

Cost: O(candidate gaps × TOC entries), vectorised over entries with numpy; memory of the same order.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from .line_shapes import DATE_LINE
from .model import Boundary, Paragraph, TocEntry

NEG_INF = float("-inf")

# Weights of the scoring model, in log-odds-like units. Tuned on the seed, checked by property tests.
BOUNDARY_COST = 3.0           # every boundary must be paid for by evidence
LONGER_BLANK_RUN = 4.0        # more blank lines than the usual paragraph gap
SHORTER_BLANK_RUN = -1.0      # fewer blank lines than usual (lines glued together)
SALUTATION_WITH_COLON = 3.5   # 同志们: / 各位嘉宾、各位朋友: (inside a speech the address ends with ! or ,)
SALUTATION_OTHER = 1.0        # 同志们、朋友们! also recurs inside speeches
MEETING_OPENING = 2.5         # 今天我们召开… / 根据…安排 in a first sentence that names the occasion
PLAIN_OPENING = 0.5           # 根据… / 按照… / 刚才… without naming the occasion
CLOSING = 1.5                 # 谢谢大家 / 我就讲这么多 / 预祝…圆满成功 / a closing 同志们!… paragraph
ENUMERATION_CONTINUES = -8.0  # 二、 / 三是 / (二) / 第二 / 其次 / 答: cannot open a speech
REFERS_BACK = -4.0            # 以上… / 总之… / 因此… refer to what came before: rarely a speech's first words
AFTER_SALUTATION = -8.0       # a speech does not end on 同志们: — what follows a salutation belongs to it
CLOSING_FORMULA = -8.0        # nor does one open with 谢谢大家 or 我就讲这么多
TITLE_IN_OPENING = 3.0        # weight of the title's pairs found in a segment's first paragraphs
TITLE_IN_BODY = 0.6           # weight per paragraph of the title match across the segment
SKIPPED_ENTRY = 3.0           # a TOC entry with no body between two entries that have one
EDITORS_NOTE = 1.5            # a note in parentheses closing, or a note naming the piece opening, before calibration
TOPIC_SHIFT = 1.5             # per standard deviation the vocabulary across a gap differs more than usual
TOPIC_WINDOW = 6              # paragraphs on each side of a gap whose vocabulary is compared
MARKER_PRECISION_CAP = 0.95   # however often a marker recurs, one in twenty may be text that looks like it
MARKER_MIN_COUNT = 5          # fewer occurrences than this are too few to tell a marker from chance
OPENING_WINDOW = 3            # paragraphs that count as a segment's opening
OPENING_DECAY = 0.5           # weight of title words one paragraph further into the opening
WEAK_PAIR_SHARE = 0.5         # title pairs in more than half the paragraphs say nothing; left out (and cost time)

SALUTATION = re.compile(
    r"^(?:尊敬的|各位|同志们|亲爱的|女士们|先生们|朋友们|老师们|同学们|大家)[^。]{0,50}$")
MEETING_WORDS = re.compile(r"召开|举行|召集|开幕|会议|大会|论坛|座谈|仪式|学习班")
PLAIN_OPENING_WORDS = re.compile(r"^(?:根据|按照|刚才|今天|这次|本次|为了?|在.{2,30}之际|受.{1,10}委托)")
CLOSING_WORDS = re.compile(r"谢谢|讲(?:这么多|这些|这几点|这点意见|到这里)|我的话完了|圆满成功|身体健康|万事如意|"
                           r"阖家幸福|万岁[!！]?$|闭幕[。!！]?$")
# A long paragraph that opens by addressing the audience is the closing exhortation (同志们!美好前景令人憧憬…).
PERORATION = re.compile(r"^(?:同志们|朋友们|各位[^,，!！]{0,12})[、,，!！]")
ENUMERATION_CONTINUATION = re.compile(
    r"^(?:[二三四五六七八九十]+(?:[、是要\s]|$)|[(（](?!一[)）])[一二三四五六七八九十百〇○零]+[)）]|第[二三四五六七八九十]+[,，、]|"
    r"[(（](?!1[)）])\d{1,3}[)）]|[2-9]\d?[、.．]|其次|再次|另一方面|此外|同时|另外|答\s*[:：])")
# Connectives that refer back to the text before them.
REFERRING_BACK = re.compile(r"^(?:以上|上述|总之|总而言之|综上所述|由此可见|可见|因此|所以|但是|然而|而且|并且|反之|否则|于是)")
NON_TEXT = re.compile(r"[^\w]|_", re.UNICODE)
# An editor's note that is a whole paragraph in parentheses: （这是…时的讲话。） / （本文刊载于…）.
NOTE_IN_PARENTHESES = re.compile(r"^[（(].{6,}[）)]\s*[?？]?$")
# An editor's note that names the piece it introduces: 这是…的报告 / 此文是为…而写的 / 这个布告是….
DESCRIBES_THE_PIECE = re.compile(
    r"^[^，。,；;？?！!]{0,10}?(?:这|此|本)(?:个|篇|部|份)?[^，。,；;？?！!是]{0,6}[，,]?是"
    r"(?=[^。]*?(?:讲话|报告|决议|信|文章|著作|文件|谈话|发言|电报|提纲|讲演|演说|命令|布告|声明|社论|评论|序言|按语|"
    r"题词|指示|通知|结论|总结|批语|致词|祝词|开幕词|闭幕词|论文|宣言|纲领|通电|答复|讲稿|写的|起草的))")
MARKER_LINE_MAX_CHARS = 12     # a recurring line this short (a byline, a salutation) can be a marker of its own
# Character pairs that occur in nearly every title of this genre say nothing about which speech is which.
GENERIC_TITLE_PAIRS = {"讲话", "发言", "致辞", "上的", "会上", "议上", "会议", "工作", "大会", "的讲", "的发", "的致"}


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
    evidence = _GapEvidence(paragraphs, len(toc))
    candidates = [j for j in range(1, len(paragraphs))
                  if j in pins.starts or (j not in pins.joined and evidence.is_candidate(j))]
    starts = [0] + candidates
    titles = _TitleScores(paragraphs, toc, starts)
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


def _is_salutation(text: str) -> bool:
    return len(text) <= 60 and bool(SALUTATION.match(text))


def _squash(margin: float) -> float:
    """Map a score margin to 0..1: 0 → 0.5, +3 → 0.95, −3 → 0.05."""
    if math.isinf(margin):
        return 1.0 if margin > 0 else 0.0
    return 1.0 / (1.0 + math.exp(-margin))


class _GapEvidence:
    """What the text itself says about a speech starting at paragraph j (before any title is considered)."""

    def __init__(self, paragraphs: list[Paragraph], expected_speeches: int):
        self.paragraphs = paragraphs
        runs = Counter(p.blank_lines_before for p in paragraphs[1:])
        self.usual_blank_run = runs.most_common(1)[0][0] if runs else 1
        self.markers = _calibrate_markers(paragraphs, expected_speeches)
        # Where blank lines show the structure, they are the evidence; the vocabulary is read only where they don't.
        self.topic_shift = None if self.has_blank_line_structure else _topic_shift(paragraphs)
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
        text = here.text
        found = []
        if here.blank_lines_before > self.usual_blank_run:
            found.append((LONGER_BLANK_RUN, f"{here.blank_lines_before} blank lines"))
        elif here.blank_lines_before < self.usual_blank_run:
            found.append((SHORTER_BLANK_RUN, "fewer blank lines than usual"))
        if _is_salutation(text):
            weight = SALUTATION_WITH_COLON if text.endswith((":", "：")) else SALUTATION_OTHER
            found.append((weight, f"salutation {text}"))
        elif PLAIN_OPENING_WORDS.match(text):
            first_sentence = re.split(r"[。!！?？]", text, maxsplit=1)[0]
            if MEETING_WORDS.search(first_sentence):
                found.append((MEETING_OPENING, "opening names the occasion"))
            else:
                found.append((PLAIN_OPENING, "opening phrase"))
        if len(text) <= 20 and CLOSING_WORDS.search(text):
            found.append((CLOSING_FORMULA, "is a closing formula"))
        if ENUMERATION_CONTINUATION.match(text):
            found.append((ENUMERATION_CONTINUES, "continues an enumeration or a dialogue"))
        if REFERRING_BACK.match(text):
            found.append((REFERS_BACK, "refers back to the text before it"))
        if CLOSING_WORDS.search(before.text[-30:]) or (len(before.text) > 60 and PERORATION.match(before.text)):
            found.append((CLOSING, "previous paragraph closes"))
        if _is_salutation(before.text):
            found.append((AFTER_SALUTATION, "follows a salutation"))
        if self.topic_shift is not None and self.topic_shift[j] >= 1.0:
            found.append((TOPIC_SHIFT * min(3.0, self.topic_shift[j]),
                          f"vocabulary changes ({self.topic_shift[j]:.1f} deviations)"))
        for key in _marker_keys(text):
            marker = self.markers.get(key)
            if marker and marker.opens:
                found.append((marker.weight, f"opens like {marker.count} others: {marker.name}"))
        for key in _marker_keys(before.text):
            marker = self.markers.get(key)
            if marker and not marker.opens:
                found.append((marker.weight, f"previous paragraph closes like {marker.count} others: {marker.name}"))
        return found

    def is_candidate(self, j: int) -> bool:
        """A gap is worth considering when the text shows at least one sign of a start; without blank lines
        between paragraphs, when nothing rules it out (a continuing enumeration)."""
        weights = [weight for weight, _ in self.weighed(j)]
        if not self.has_blank_line_structure:
            return not any(weight <= ENUMERATION_CONTINUES for weight in weights)
        return any(weight > 0 for weight in weights)

    def score(self, j: int) -> float:
        return sum(weight for weight, _ in self.weighed(j)) - BOUNDARY_COST

    def reasons(self, j: int) -> list[str]:
        return [reason for _, reason in self.weighed(j)] if j > 0 else ["start of the bodies"]


def _topic_shift(paragraphs: list[Paragraph]) -> np.ndarray:
    """For each gap j (before paragraph j), how much less alike the character pairs of the TOPIC_WINDOW paragraphs
    on either side are than across the average gap, in standard deviations (0 where they are more alike): a change
    of topic, the evidence left where a text has no blank lines, titles or notes (TextTiling, Hearst 1997).

    Pairs are weighted by inverse paragraph frequency. The window vectors are never built: their dot products and
    norms are sums of the dot products of paragraphs less than 2·TOPIC_WINDOW apart, found in one sorted list of
    (pair, paragraph), so the cost is linear in the text."""
    n, width = len(paragraphs), TOPIC_WINDOW
    shift = np.zeros(n)
    pair_ids: dict[str, int] = {}
    rows = [[pair_ids.setdefault(pair, len(pair_ids)) for pair in _pairs(p.text)] for p in paragraphs]
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
class _Marker:
    """A line shape that recurs about as often as the TOC has entries: a boundary marker of this compilation."""

    name: str
    count: int
    opens: bool
    """True when the marked paragraph opens a speech (a byline, a note naming the piece); False when it closes one."""
    weight: float


def _marker_keys(text: str) -> list[str]:
    """The shapes of a paragraph that may mark a boundary: the line itself when short, an editor's note."""
    keys = [text] if len(text) <= MARKER_LINE_MAX_CHARS else []
    if NOTE_IN_PARENTHESES.match(text) and not DATE_LINE.match(text):
        keys.append("note in parentheses")
    elif DESCRIBES_THE_PIECE.match(text):
        keys.append("note naming the piece")
    return keys


def _calibrate_markers(paragraphs: list[Paragraph], expected: int) -> dict[str, _Marker]:
    """Per-document self-calibration. The TOC says how many speeches to expect; a shape that recurs about that often
    (a third of it, and MARKER_MIN_COUNT, at least), never twice in a row, marks boundaries, with a precision of
    expected / occurrences. Whether it opens or closes a speech, the text's edges tell: a shape on the first
    paragraph opens, on the last closes; a short line found at neither edge is no marker, while notes in parentheses
    close and notes naming the piece open by default."""
    where: dict[str, list[int]] = defaultdict(list)
    for index, paragraph in enumerate(paragraphs):
        for key in _marker_keys(paragraph.text):
            if not where[key] or where[key][-1] != index - 1:
                where[key].append(index)
    markers = {}
    last = len(paragraphs) - 1
    for key, indexes in where.items():
        count = len(indexes)
        is_note = key in ("note in parentheses", "note naming the piece")
        # A line that recurs more often than there are speeches (同志们、朋友们! within one speech) marks something
        # else; a note shape may, since notes also quote and explain inside the text.
        most = 2 * expected if is_note else expected
        if count < max(MARKER_MIN_COUNT, expected / 3) or count > most:
            if is_note:  # too rare or too common to calibrate: the general evidence of an editor's note
                markers[key] = _Marker(key, count, key == "note naming the piece", EDITORS_NOTE)
            continue
        at_an_edge = indexes[0] == 0 or indexes[-1] == last
        if not (at_an_edge or is_note):
            continue  # a recurring line that neither opens the first speech nor closes the last marks no boundary
        opens = indexes[0] == 0 if at_an_edge else key == "note naming the piece"
        precision = MARKER_PRECISION_CAP * min(1.0, expected / count)
        weight = math.log(precision / (1 - precision)) + BOUNDARY_COST
        if weight > 0:
            markers[key] = _Marker(key, count, opens, weight)
    return markers


class _TitleScores:
    """How well each TOC title matches each block, from the title's distinctive character pairs: ``body[b, k]`` and
    ``opening[b, k]`` for block b and entry k."""

    def __init__(self, paragraphs: list[Paragraph], toc: list[TocEntry], starts: list[int]):
        n, blocks = len(paragraphs), len(starts)
        self.title_pairs = [sorted(_pairs(entry.title) - GENERIC_TITLE_PAIRS) for entry in toc]
        wanted = set().union(*self.title_pairs) if self.title_pairs else set()
        postings: dict[str, list[int]] = defaultdict(list)  # pair → paragraphs that contain it
        for index, paragraph in enumerate(paragraphs):
            for pair in _pairs(paragraph.text) & wanted:
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
            weights = {pair: math.log((n + 1) / (1 + len(postings[pair]))) for pair in pairs
                       if len(postings[pair]) <= max(1, WEAK_PAIR_SHARE * n)}
            total = sum(weights.values())
            weights = {pair: weight for pair, weight in weights.items() if postings[pair]}
            shown = {}
            if total <= 0:
                self.opening_pairs.append(shown)
                continue
            for pair, weight in weights.items():
                if pair not in in_blocks:
                    where = np.array(postings[pair])
                    in_blocks[pair] = np.unique(block_of[where], return_counts=True)
                    in_openings[pair] = np.flatnonzero(_in_opening_window(where, starts_array))
                found, counts = in_blocks[pair]
                self.body[found, k] += weight / total * counts
                self.opening[in_openings[pair], k] += weight / total
                shown[pair] = in_openings[pair]
            self.opening_pairs.append(shown)
        self.opening *= TITLE_IN_OPENING
        # A paragraph speaks for a title as far as it matches that title better than the average title: text
        # assigned to a title it does not mention costs, whatever share of the compilation it makes up.
        self.body -= self.body.mean(axis=1, keepdims=True)
        self.body *= TITLE_IN_BODY

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
    within = found & (offset >= 0) & (offset < OPENING_WINDOW)
    return np.where(within, OPENING_DECAY ** np.clip(offset, 0, OPENING_WINDOW), 0.0)


class _Alignment:
    """The best monotone alignment of blocks to entries, and the best totals with and without each boundary.

    Scores of a segment of entry k over blocks [a, b): opening[a, k] + Σ body[a..b, k]. Each boundary adds its local
    score; each skipped entry (before the first body or between two) costs SKIPPED_ENTRY; entries after the last
    body are free.
    """

    def __init__(self, titles: _TitleScores, local: list[float], starts: list[int], toc: list[TocEntry], pins: Pins):
        blocks, m = len(starts), len(toc)
        body, opening, local = titles.body, titles.opening, np.array(local)
        ramp = SKIPPED_ENTRY * np.arange(m)
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
    return later + ramp + SKIPPED_ENTRY


def _best_earlier_entry(open_row: np.ndarray, ramp: np.ndarray) -> np.ndarray:
    """For each k: max over k' < k of open_row[k'] − SKIPPED_ENTRY·(k − k' − 1)."""
    shifted = open_row + ramp
    prefix_max = np.maximum.accumulate(shifted)
    earlier = np.insert(prefix_max[:-1], 0, NEG_INF)
    return earlier - ramp + SKIPPED_ENTRY


def _pairs(text: str) -> set[str]:
    clean = NON_TEXT.sub("", text)
    return {clean[i:i + 2] for i in range(len(clean) - 1)}
