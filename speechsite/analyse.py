"""Stage 6b, analyse: everything computed about the speeches once they are split — outline, metadata, related
speeches, shared passages, the damage report — gathered in one Analysis for the pages and for inspect.

Each analysis lives in its own module; this one only runs them in order and shares their common inputs (the word
weights are computed once and read by related speeches and the statistics page).
"""

from __future__ import annotations

from dataclasses import dataclass

from .damage import Finding, damage_report
from .metadata import SpeechMetadata, compilation_metadata, display_titles
from .model import Compilation
from .outline import mark_headings
from .passages import ParagraphPassages, SharedPassage, passages_by_paragraph, shared_passages
from .related import RelatedSpeech, related_speeches
from .words import TermWeights, term_weights


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
    weights: TermWeights
    """Word weights per speech (for the statistics page)."""


def mark_outline(compilation: Compilation) -> None:
    """Headings and stable paragraph anchors, in place: p1, p2, … in each speech, headings included."""
    for speech in compilation.speeches_with_text:
        mark_headings(speech.paragraphs)
        for index, paragraph in enumerate(speech.paragraphs, start=1):
            paragraph.anchor = f"p{index}"


def analyse(compilation: Compilation) -> Analysis:
    weights = term_weights(compilation)
    passages = shared_passages(compilation)
    return Analysis(
        metadata=compilation_metadata(compilation),
        display_titles=display_titles(compilation),
        related=related_speeches(compilation, weights),
        passages=passages,
        passages_by_paragraph=passages_by_paragraph(passages),
        damage=damage_report(compilation),
        weights=weights,
    )
