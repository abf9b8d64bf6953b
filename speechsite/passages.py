"""Shared passages: stretches of 15 or more characters that two speeches have in common, linked paragraph to paragraph.

Matching ignores everything but letters, digits and Han characters (punctuation, spaces), so 党政军民学,东西南北中 and
党政军民学、东西南北中 match. Every 15-character shingle of that stripped text is indexed; a shingle found in two
speeches starts a match, and consecutive shingles on the same alignment of the same two paragraphs extend it. Spans
map back to offsets in ``paragraph.text`` for marking.

Set phrases are not passages: a shingle found in ``SET_PHRASE_SPEECHES`` or more speeches never starts or extends a
match (习近平新时代中国特色社会主义思想…), and a match is dropped when less than half of it lies outside the
8-character sequences found in that many speeches (以习近平同志为核心的党中央保持高度一致 is one of them).

Cost: one pass indexes every shingle (a unique one costs a single dictionary entry), the few shared ones are sorted
into runs, and one more pass measures set phrases: linear in the text's length. A shingle stops collecting places
once it is a set phrase or found in ``MAX_PLACES`` places, so repeats cannot make the pairs grow quadratically.
~0.05 s on the seed; ~9 s and ~1.2 GB for a hundred times as much distinct text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Compilation

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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class SharedPassage:
    """A passage two speeches have in common."""

    text: str
    """The shared characters, without punctuation and spaces."""
    first: PassageEnd
    """Its place in the speech with the lower TOC number."""
    second: PassageEnd
    """Its place in the other speech."""


@dataclass(frozen=True)
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


@dataclass
class ParagraphPassages:
    """What to mark in one paragraph, and where each mark links to."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    """Spans of ``paragraph.text`` to mark as shared, sorted, overlaps merged."""
    links: list[PassageLink] = field(default_factory=list)
    """One per shared passage and other paragraph, in text order."""


@dataclass
class _Stripped:
    """A paragraph's text without punctuation and spaces, with each kept character's offset in the original."""

    speech: int
    anchor: str
    line: int
    text: str
    offsets: list[int]


def shared_passages(compilation: Compilation) -> list[SharedPassage]:
    """Every passage shared by two speeches, ordered by the first speech, paragraph and offset."""
    paragraphs = [_strip(speech.number, paragraph.anchor, paragraph.line, paragraph.text)
                  for speech in compilation.speeches_with_text for paragraph in speech.paragraphs]
    matches = _matches(paragraphs)
    set_phrases = _set_phrase_grams(paragraphs, matches)
    passages = []
    for first_id, second_id, start, second_start, length in matches:
        first, second = paragraphs[first_id], paragraphs[second_id]
        text = first.text[start:start + length]
        if text != second.text[second_start:second_start + length]:
            continue  # two different shingles with the same hash: nothing is shared here
        if _own_characters(text, set_phrases) * 2 < length:
            continue
        passages.append(SharedPassage(text, _end(first, start, length), _end(second, second_start, length)))
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


def _strip(speech: int, anchor: str, line: int, text: str) -> _Stripped:
    kept = [(offset, char) for offset, char in enumerate(text.translate(FOLD).lower()) if char.isalnum()]
    return _Stripped(speech, anchor, line, "".join(char for _, char in kept), [offset for offset, _ in kept])


def _shared_shingles(paragraphs: list[_Stripped]) -> list[list[tuple[int, int]]]:
    """The places (paragraph id, offset) of each shingle found in two speeches, set phrases left out.

    Most shingles occur once: they cost one dictionary entry holding their place packed into an int. A repeated
    one gets a list of places, emptied for good once it is a set phrase or too frequent.
    """
    first: dict[int, int] = {}
    repeated: dict[int, list[tuple[int, int]]] = {}
    for paragraph_id, paragraph in enumerate(paragraphs):
        text, base = paragraph.text, paragraph_id << 32
        for start in range(len(text) - MIN_LENGTH + 1):
            key = hash(text[start:start + MIN_LENGTH])
            seen = first.setdefault(key, base + start)
            if seen == base + start:
                continue
            places = repeated.setdefault(key, [(seen >> 32, seen & 0xFFFFFFFF)])
            if places:
                places.append((paragraph_id, start))
                if (len(places) > MAX_PLACES
                        or len({paragraphs[other].speech for other, _ in places}) >= SET_PHRASE_SPEECHES):
                    places.clear()
    return [places for places in repeated.values()
            if len({paragraphs[paragraph_id].speech for paragraph_id, _ in places}) == 2]


def _matches(paragraphs: list[_Stripped]) -> list[tuple[int, int, int, int, int]]:
    """Maximal runs of consecutive shared shingles: (first paragraph, second paragraph, start, start, length)."""
    pairs = sorted((first_id, second_id, start - second_start, start)
                   for places in _shared_shingles(paragraphs)
                   for first_id, start in places for second_id, second_start in places
                   if paragraphs[first_id].speech < paragraphs[second_id].speech)
    runs: list[list[int]] = []
    for first_id, second_id, shift, start in pairs:
        if runs and runs[-1][:3] == [first_id, second_id, shift] and runs[-1][4] == start - 1:
            runs[-1][4] = start
        else:
            runs.append([first_id, second_id, shift, start, start])
    return [(first_id, second_id, begin, begin - shift, end - begin + MIN_LENGTH)
            for first_id, second_id, shift, begin, end in runs]


def _set_phrase_grams(paragraphs: list[_Stripped], matches) -> set[str]:
    """The short sequences inside the matches that are found in ``SET_PHRASE_SPEECHES`` speeches or more."""
    speeches: dict[str, set[int]] = {}
    for first_id, _, start, _, length in matches:
        text = paragraphs[first_id].text[start:start + length]
        for offset in range(length - SET_PHRASE_GRAM + 1):
            speeches[text[offset:offset + SET_PHRASE_GRAM]] = set()
    for paragraph in paragraphs:
        text = paragraph.text
        for offset in range(len(text) - SET_PHRASE_GRAM + 1):
            found = speeches.get(text[offset:offset + SET_PHRASE_GRAM])
            if found is not None:
                found.add(paragraph.speech)
    return {gram for gram, found in speeches.items() if len(found) >= SET_PHRASE_SPEECHES}


def _own_characters(text: str, set_phrases: set[str]) -> int:
    """Characters of ``text`` outside every set-phrase sequence in it."""
    covered = [False] * len(text)
    for offset in range(len(text) - SET_PHRASE_GRAM + 1):
        if text[offset:offset + SET_PHRASE_GRAM] in set_phrases:
            covered[offset:offset + SET_PHRASE_GRAM] = [True] * SET_PHRASE_GRAM
    return covered.count(False)


def _end(paragraph: _Stripped, start: int, length: int) -> PassageEnd:
    return PassageEnd(paragraph.speech, paragraph.anchor, paragraph.line, paragraph.offsets[start],
                      paragraph.offsets[start + length - 1] + 1)


def _merge(spans) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
