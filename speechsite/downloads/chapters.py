"""What a download holds: the chapters of a compilation — each speech with text, then each back-matter section —
each with the name by which the fidelity checks find it again (``01`` for speech 1, ``notes`` for the notes)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import BackMatter, Compilation, Paragraph, Speech


@dataclass
class Chapter:
    """One speech with text, or one back-matter section."""

    name: str
    """``01`` for speech 1 (its slug), the kind (``notes``, ``afterword``, ``appendix``) for back matter."""
    title: str
    date: str
    """The speech's date line, or empty."""
    paragraphs: list[Paragraph]

    @classmethod
    def of_speech(cls, speech: Speech) -> Chapter:
        return cls(speech.slug, speech.title, speech.date, speech.paragraphs)

    @classmethod
    def of_section(cls, section: BackMatter) -> Chapter:
        return cls(section.kind, section.title, "", section.paragraphs)

    @property
    def is_speech(self) -> bool:
        return self.name.isdigit()


def chapters(compilation: Compilation) -> list[Chapter]:
    """Every speech with text, in TOC order, then the back matter."""
    return ([Chapter.of_speech(speech) for speech in compilation.speeches_with_text]
            + [Chapter.of_section(section) for section in compilation.back_matter])
