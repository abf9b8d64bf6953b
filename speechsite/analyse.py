"""Stage 6b, analyse: everything computed about the speeches once they are split — outline, metadata, related
speeches, shared passages, the damage report — gathered in one Analysis for the pages and for inspect.

Each analysis lives in its own module; this one only runs them in order and shares their common inputs: each
speech is segmented once, and its segments go to the word counts, the places and the damage report before the next
speech is segmented; the word weights are computed once and read by related speeches and the statistics page's words.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .damage import Finding, speech_damage
from .metadata import SpeechMetadata, display_titles, speech_metadata
from .model import Compilation
from .outline import mark_headings
from .passages import ParagraphPassages, SharedPassage, passages_by_paragraph, shared_passages
from .related import RelatedSpeech, related_speeches
from .stats import WordCount, characteristic_words
from .words import ContentWordCounter, speech_words, weigh_terms

if TYPE_CHECKING:
    from .timing import StageTimes  # only for the annotation


@dataclass
class Analysis:
    """What the pages show beyond the text itself."""

    metadata: dict[int, SpeechMetadata]
    """TOC number → kind, level, length, reading time, places (every entry, with or without text)."""
    display_titles: dict[int, str]
    """TOC number → title to show; duplicate titles carry their number."""
    related: dict[int, list[RelatedSpeech]]
    """TOC number → 3–5 related speeches with the words they share."""
    passages: list[SharedPassage]
    """Passages of 15+ characters that two speeches share."""
    passages_by_paragraph: dict[tuple[int, str], ParagraphPassages]
    """(TOC number, paragraph anchor) → spans to mark and the paragraphs they link to."""
    damage: list[Finding]
    """Suspected losses in the source, for editors; the text itself is never changed."""
    characteristic_words: tuple[WordCount, ...]
    """What the statistics page charts of the words (stats.characteristic_words); not the word weights per speech
    they come from, which were three fifths of a compilation in memory and of its cache entry."""


def mark_outline(compilation: Compilation) -> None:
    """Headings and stable paragraph anchors, in place: p1, p2, … in each speech, headings included."""
    for speech in compilation.speeches_with_text:
        mark_headings(speech.paragraphs)
        for index, paragraph in enumerate(speech.paragraphs, start=1):
            paragraph.anchor = f"p{index}"


def analyse(compilation: Compilation, times: StageTimes | None = None) -> Analysis:
    """Every analysis of a split compilation; ``times``, if given, collects the seconds each one takes."""
    def timed(name: str):
        return times.stage(f"analyse: {name}") if times is not None else nullcontext()

    with timed("passages"):  # first: its index is the largest table, best built while nothing else is held
        passages = shared_passages(compilation)
        by_paragraph = passages_by_paragraph(passages)
    metadata, counts, damage, counter = {}, {}, [], ContentWordCounter()
    for speech in compilation.speeches:
        with timed("segment words"):
            words = speech_words(speech)
        with timed("metadata"):
            metadata[speech.number] = speech_metadata(speech, words)
        if speech.has_text:
            with timed("word weights"):
                counts[speech.number] = counter.count(words)
            with timed("damage"):
                damage += speech_damage(speech, words)
    with timed("word weights"):
        weights = weigh_terms(counts)
    with timed("metadata"):
        titles = display_titles(compilation)
    with timed("related"):
        related = related_speeches(compilation, weights)
    return Analysis(metadata=metadata, display_titles=titles, related=related, passages=passages,
                    passages_by_paragraph=by_paragraph, damage=damage,
                    characteristic_words=characteristic_words(weights))
