"""Shared passages: stretches of 15 or more characters that two speeches have in common, linked paragraph to paragraph.

Matching ignores everything but letters, digits and Han characters (punctuation, spaces), so 党政军民学,东西南北中 and
党政军民学、东西南北中 match. Every 15-character shingle of that stripped text is indexed; a shingle found in two
speeches starts a match, and consecutive shingles on the same alignment of the same two paragraphs extend it. Spans
map back to offsets in ``paragraph.text`` for marking.

Set phrases are not passages: a shingle found in ``SET_PHRASE_SPEECHES`` or more speeches never starts or extends a
match (习近平新时代中国特色社会主义思想…), and a match is dropped when less than half of it lies outside the
8-character sequences found in that many speeches (以习近平同志为核心的党中央保持高度一致 is one of them).

The index holds one 64-bit hash per shingle in a numpy array: a polynomial over a pseudo-random value per character,
computed ``CHUNK_CHARACTERS`` at a time. Sorting it in parts, by the hashes' first bits, brings the places of each
shingle together. Every match is checked character by character, so two shingles with the same hash never make a
passage. Cost: linear in the text's length but for the sort. On the seed ~0.02 s; on a hundred times as much distinct
text (8.9 million characters) ~2 s and ~80 MB: 8 bytes a character for the hashes, and one chunk or part at a time.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .model import Compilation, Paragraph, Speech, quick_unpickling

MIN_LENGTH = 15
"""Shortest passage, in characters other than punctuation and spaces; also the shingle length."""
SET_PHRASE_SPEECHES = 3
"""Text found in this many speeches or more is a set phrase, not a passage worth a link."""
MAX_PLACES = 16
"""A shingle found in more places than this (a refrain repeated within two speeches) is treated as a set phrase."""
SET_PHRASE_GRAM = 8
"""Length of the sequences that tell how much of a match is made of set phrases."""
# Full-width Latin letters and digits match their ASCII forms.
FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)}
CHUNK_CHARACTERS = 1 << 18
"""Characters hashed at a time: bounds the temporary arrays to some 15 MB."""
PART_SIZE = 1 << 18
"""Shingles sorted at a time, about: the index is sorted in parts by the hashes' first bits, to need little memory."""
CANDIDATE_BITMAP = np.uint64(1 << 22)
"""Size of the bitmap that tells sequences that may be set-phrase candidates from those that cannot."""
BASE = np.uint64(0x100000001B3)
"""Odd multiplier of the polynomial hash."""


@quick_unpickling
@dataclass(frozen=True, slots=True)
class PassageEnd:
    """Where one side of a shared passage stands."""

    speech: int
    """TOC number."""
    anchor: str
    """Paragraph anchor on the speech's page, e.g. ``p14``."""
    line: int
    """Source line of the paragraph."""
    start: int
    """Offset of the passage's first character in ``paragraph.text``."""
    end: int
    """Offset just past its last character."""


@quick_unpickling
@dataclass(frozen=True, slots=True)
class SharedPassage:
    """A passage two speeches have in common."""

    text: str
    """The shared characters, without punctuation and spaces."""
    first: PassageEnd
    """Its place in the speech with the lower TOC number."""
    second: PassageEnd
    """Its place in the other speech."""


@quick_unpickling
@dataclass(frozen=True, slots=True)
class PassageLink:
    """A marked span of a paragraph, and the paragraph of another speech that has the same passage."""

    start: int
    """Offset of the span in this paragraph's text."""
    end: int
    """Offset just past it."""
    speech: int
    """TOC number of the other speech."""
    anchor: str
    """Anchor of the other paragraph."""


@dataclass(slots=True)
class ParagraphPassages:
    """What to mark in one paragraph, and where each mark links to."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    """Spans of ``paragraph.text`` to mark as shared, sorted, overlaps merged."""
    links: list[PassageLink] = field(default_factory=list)
    """One per shared passage and other paragraph, in text order."""


def shared_passages(compilation: Compilation) -> list[SharedPassage]:
    """Every passage shared by two speeches, ordered by the first speech, paragraph and offset."""
    paragraphs = [(speech, paragraph) for speech in compilation.speeches_with_text for paragraph in speech.paragraphs]
    speech_of = np.array([position for position, speech in enumerate(compilation.speeches_with_text)
                          for _ in speech.paragraphs], dtype=np.int64)
    texts = [paragraph.text for _, paragraph in paragraphs]
    folding = _Folding()
    matches = _matches(*_shingle_index(texts, folding), speech_of)
    if not matches:
        return []
    involved = sorted({index for match in matches for index in match[:2]})
    stripped = dict(zip(involved, folding.strip([texts[index] for index in involved])))
    match_texts = [stripped[first][0][start:start + length] for first, _, start, _, length in matches]
    grams, grams_per_match = _window_hashes(_spread(_code_points("".join(match_texts))),
                                            np.array([len(text) for text in match_texts]), SET_PHRASE_GRAM)
    in_set_phrase = _look_up(_set_phrase_grams(texts, speech_of, _distinct(grams), folding), grams)[1]
    passages = []
    for (first_id, second_id, start, second_start, length), text, set_phrase_grams in zip(
            matches, match_texts, np.split(in_set_phrase, np.cumsum(grams_per_match)[:-1])):
        (_, first_offsets), (second, second_offsets) = stripped[first_id], stripped[second_id]
        if text != second[second_start:second_start + length]:
            continue  # two different shingles with the same hash: nothing is shared here
        if _own_characters(set_phrase_grams.tolist(), length) * 2 < length:
            continue
        passages.append(SharedPassage(text, _end(paragraphs[first_id], first_offsets, start, length),
                                      _end(paragraphs[second_id], second_offsets, second_start, length)))
    return passages


def passages_by_paragraph(passages: list[SharedPassage]) -> dict[tuple[int, str], ParagraphPassages]:
    """(TOC number, anchor) → the spans to mark in that paragraph and their links, both ways."""
    found: dict[tuple[int, str], ParagraphPassages] = {}
    for passage in passages:
        for here, there in ((passage.first, passage.second), (passage.second, passage.first)):
            entry = found.setdefault((here.speech, here.anchor), ParagraphPassages())
            link = PassageLink(here.start, here.end, there.speech, there.anchor)
            if link not in entry.links:
                entry.links.append(link)
    for entry in found.values():
        entry.links.sort(key=lambda link: (link.start, link.end, link.speech, link.anchor))
        entry.spans = _merge((link.start, link.end) for link in entry.links)
    return found


def _fold(char: str) -> str:
    """A character as matching sees it: full-width forms folded, lower case; "" for all but letters and digits."""
    folded = char.translate(FOLD).lower()[:1]
    return folded if folded.isalnum() else ""


class _Folding:
    """``_fold`` for whole texts at once: a table from code point to folded code point (0: ignored), filled in as
    characters are met."""

    def __init__(self):
        self.table = np.zeros(sys.maxunicode + 1, dtype=np.uint32)
        self.known = np.zeros(sys.maxunicode + 1, dtype=bool)

    def codes(self, text: str) -> np.ndarray:
        """The folded code point of each character of ``text``; 0 for those matching ignores."""
        raw = _code_points(text)
        new = np.flatnonzero(np.bincount(raw[~self.known[raw]]))
        for code in new.tolist():
            self.table[code] = ord(_fold(chr(code)) or "\0")
        self.known[new] = True
        return self.table[raw]

    def strip(self, texts: list[str]) -> list[tuple[str, np.ndarray]]:
        """For each text: the characters that matching sees, folded, and the offset of each in the text."""
        bounds = np.cumsum([0] + [len(text) for text in texts])
        codes = self.codes("".join(texts))
        kept = np.flatnonzero(codes)
        stripped = codes[kept].tobytes().decode("utf-32-le", "surrogatepass")
        cuts = kept.searchsorted(bounds).tolist()
        return [(stripped[start:end], kept[start:end] - text_start)
                for start, end, text_start in zip(cuts, cuts[1:], bounds.tolist())]


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _spread(codes: np.ndarray) -> np.ndarray:
    """A pseudo-random 64-bit value for each code point (splitmix64's mixer), so that the hashes of different
    shingles differ in all their bits."""
    values = codes.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    values ^= values >> np.uint64(30)
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def _window_hashes(values: np.ndarray, lengths: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The hash of every run of ``width`` values that lies inside one text (``values`` is the texts' values one
    after the other, ``lengths`` how many each has), and how many such runs each text has."""
    per_text = np.maximum(lengths - width + 1, 0)
    count = len(values) - width + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64), per_text
    hashes = values[:count].copy()
    for offset in range(1, width):
        hashes *= BASE
        hashes += values[offset:offset + count]
    starts = np.cumsum(lengths) - lengths
    runs_before = np.cumsum(per_text) - per_text
    return hashes[np.repeat(starts - runs_before, per_text) + np.arange(per_text.sum())], per_text


def _chunk_hashes(texts: list[str], width: int, folding: _Folding) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """The hashes of all ``width``-character sequences of the texts' stripped characters, some ``CHUNK_CHARACTERS``
    at a time: (index of the chunk's first text, hashes in text order, sequences per text)."""
    first = 0
    while first < len(texts):
        last, size = first + 1, len(texts[first])
        while last < len(texts) and size + len(texts[last]) <= CHUNK_CHARACTERS:
            size += len(texts[last])
            last += 1
        codes = folding.codes("".join(texts[first:last]))
        kept = codes != 0
        bounds = np.cumsum([0] + [len(text) for text in texts[first:last]])
        kept_before = np.concatenate(([0], np.cumsum(kept)))
        hashes, per_text = _window_hashes(_spread(codes[kept]), np.diff(kept_before[bounds]), width)
        yield first, hashes, per_text
        first = last


def _shingle_index(texts: list[str], folding: _Folding) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every shingle's hash in text order, the part each is sorted in, and where each text's shingles start."""
    hashes = np.empty(sum(max(0, len(text) - MIN_LENGTH + 1) for text in texts), dtype=np.uint64)
    parts = np.zeros(len(hashes), dtype=np.uint8)
    part_bits = (len(hashes) // PART_SIZE).bit_length()
    per_text = np.zeros(len(texts), dtype=np.int64)
    filled = 0
    for first, chunk, chunk_per_text in _chunk_hashes(texts, MIN_LENGTH, folding):
        hashes[filled:filled + len(chunk)] = chunk
        if part_bits:
            parts[filled:filled + len(chunk)] = chunk >> np.uint64(64 - part_bits)
        per_text[first:first + len(chunk_per_text)] = chunk_per_text
        filled += len(chunk)
    return hashes[:filled], parts[:filled], np.concatenate(([0], np.cumsum(per_text)))


def _shared_shingles(hashes: np.ndarray, parts: np.ndarray, starts: np.ndarray,
                     speech_of: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of places (shingle indices) of the same shingle, the first in the earlier speech, for every shingle
    found in exactly two speeches and in at most ``MAX_PLACES`` places."""
    firsts, seconds = [], []
    for part in range(int(parts.max(initial=0)) + 1):
        places = np.flatnonzero(parts == part)
        order = np.argsort(hashes[places])
        places, shingle = places[order], _run_ids(hashes[places[order]])
        places_of_shingle = np.bincount(shingle)[shingle]
        few = (places_of_shingle >= 2) & (places_of_shingle <= MAX_PLACES)
        order = np.lexsort((places[few], shingle[few]))  # each shingle's places in text order, so speech by speech
        places, shingle = places[few][order], shingle[few][order]
        speech = speech_of[np.searchsorted(starts, places, "right") - 1]
        new_speech = (shingle[1:] == shingle[:-1]) & (speech[1:] != speech[:-1])
        speeches = 1 + np.bincount(shingle[1:][new_speech], minlength=shingle.max(initial=0) + 1)
        two = speeches[shingle] == 2
        first, second = _cross_pairs(_run_ids(shingle[two]), speech[two])
        firsts.append(places[two][first])
        seconds.append(places[two][second])
    empty = np.empty(0, dtype=np.int64)
    return np.concatenate(firsts or [empty]), np.concatenate(seconds or [empty])


def _cross_pairs(group: np.ndarray, speech: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of places, each place of a group in its earlier speech paired with each in its later one (by
    index; ``group`` numbers the groups 0, 1, 2, … in order, places of the earlier speech first)."""
    if not len(group):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    opens = np.flatnonzero(_run_starts(group))
    earlier = speech == speech[opens][group]
    later_opens = opens + np.add.reduceat(earlier, opens)
    later_count = np.append(opens[1:], len(group)) - later_opens
    earlier = np.flatnonzero(earlier)
    repeats = later_count[group[earlier]]
    within = np.arange(repeats.sum()) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    return np.repeat(earlier, repeats), np.repeat(later_opens[group[earlier]], repeats) + within


def _run_ids(values: np.ndarray) -> np.ndarray:
    """0, 1, 2, … numbering the runs of equal values in a sorted array."""
    return np.cumsum(_run_starts(values)) - 1


def _run_starts(values: np.ndarray) -> np.ndarray:
    """Whether each value of a sorted array is the first of its run of equal values."""
    starts = np.ones(len(values), dtype=bool)
    starts[1:] = values[1:] != values[:-1]
    return starts


def _matches(hashes: np.ndarray, parts: np.ndarray, starts: np.ndarray,
             speech_of: np.ndarray) -> list[tuple[int, int, int, int, int]]:
    """Maximal runs of consecutive shared shingles: (first paragraph, second paragraph, start, start, length)."""
    firsts, seconds = _shared_shingles(hashes, parts, starts, speech_of)
    if not len(firsts):
        return []
    first_id = np.searchsorted(starts, firsts, "right") - 1
    second_id = np.searchsorted(starts, seconds, "right") - 1
    start = firsts - starts[first_id]
    shift = start - (seconds - starts[second_id])
    order = np.lexsort((start, shift, second_id, first_id))
    first_id, second_id, shift, start = first_id[order], second_id[order], shift[order], start[order]
    extends = ((first_id[1:] == first_id[:-1]) & (second_id[1:] == second_id[:-1]) & (shift[1:] == shift[:-1])
               & (start[1:] == start[:-1] + 1))
    opens = np.flatnonzero(np.concatenate(([True], ~extends)))
    ends = np.append(opens[1:], len(start)) - 1
    return list(zip(first_id[opens].tolist(), second_id[opens].tolist(), start[opens].tolist(),
                    (start[opens] - shift[opens]).tolist(), (start[ends] - start[opens] + MIN_LENGTH).tolist()))


def _set_phrase_grams(texts: list[str], speech_of: np.ndarray, candidates: np.ndarray, folding: _Folding) -> np.ndarray:
    """The hashes among the candidates (sorted) of sequences found in ``SET_PHRASE_SPEECHES`` speeches or more.

    A bitmap of the candidates' last bits sets most sequences of the text aside before the exact look-up."""
    speech_count = int(speech_of[-1]) + 1
    bitmap = np.zeros(CANDIDATE_BITMAP, dtype=bool)
    bitmap[candidates % CANDIDATE_BITMAP] = True
    found = []
    for first, hashes, per_text in _chunk_hashes(texts, SET_PHRASE_GRAM, folding):
        maybe = np.flatnonzero(bitmap[hashes % CANDIDATE_BITMAP])
        where, hit = _look_up(candidates, hashes[maybe])
        speech = np.repeat(speech_of[first:first + len(per_text)], per_text)[maybe[hit]]
        found.append(_distinct(where[hit] * speech_count + speech))
    speeches = np.bincount(_distinct(np.concatenate(found)) // speech_count, minlength=len(candidates))
    return candidates[speeches >= SET_PHRASE_SPEECHES]


def _look_up(sorted_values: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each value is in a sorted array, and whether it is there at all."""
    where = np.minimum(sorted_values.searchsorted(values), max(len(sorted_values) - 1, 0))
    return where, sorted_values[where] == values if len(sorted_values) else np.zeros(len(values), dtype=bool)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted: np.unique, but without the import of numpy.ma (~0.01 s) it makes on first use."""
    values = np.sort(values)
    return values[_run_starts(values)]


def _own_characters(in_set_phrase: list[bool], length: int) -> int:
    """Characters of a match outside every set-phrase sequence in it (``in_set_phrase``: for each sequence)."""
    covered = [False] * length
    for offset, is_set_phrase in enumerate(in_set_phrase):
        if is_set_phrase:
            covered[offset:offset + SET_PHRASE_GRAM] = [True] * SET_PHRASE_GRAM
    return covered.count(False)


def _end(place: tuple[Speech, Paragraph], offsets: np.ndarray, start: int, length: int) -> PassageEnd:
    speech, paragraph = place
    return PassageEnd(speech.number, paragraph.anchor, paragraph.line, int(offsets[start]),
                      int(offsets[start + length - 1]) + 1)


def _merge(spans) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
