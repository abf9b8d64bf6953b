"""The data model shared by every pipeline stage: a compilation, its TOC entries, speeches and removed lines.

Stages take and return these plain dataclasses; none of them reaches into another stage's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .analyse import Analysis


def quick_unpickling(cls):
    """Give a frozen slotted dataclass a __setstate__ that sets its fields from a list of their names made once. The
    one dataclasses gives such a class (and only such a class: others pickle as Python's objects do) asks fields()
    for every object: reading an archive's compilations back from the cache takes a tenth less without it (130,000
    such objects at 300 compilations). The state is the dataclass's (its fields' values in order), so entries
    pickled before read back the same."""
    if "__getstate__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__} pickles as Python's objects do: nothing to make quicker")
    names = tuple(f.name for f in fields(cls))

    def __setstate__(self, state):
        for name, value in zip(names, state):
            object.__setattr__(self, name, value)

    cls.__setstate__ = __setstate__
    return cls


@dataclass(slots=True)
class SourceLine:
    """One line of the source file, after decoding and line-end normalisation."""

    number: int
    """1-based line number in the source file."""
    text: str
    """The line as decoded, without its line end."""


@dataclass(slots=True)
class TocEntry:
    """One numbered entry of the compilation's table of contents."""

    number: int
    """The entry's number as printed in the TOC (1, 2, …)."""
    title: str
    """The title as printed, without the number and its punctuation."""
    line: int
    """Source line of the entry."""


@dataclass(slots=True)
class Paragraph:
    """A unit of body text: one non-empty source line, or a heading made from one."""

    text: str
    """Text as shown on the page (after typographic normalisation)."""
    line: int
    """Source line it comes from."""
    source_text: str
    """The source line verbatim, for the fidelity check."""
    blank_lines_before: int = 0
    """Blank lines between this paragraph and the previous non-empty line."""
    heading_level: int = 0
    """0 for a paragraph; 2 or 3 when the line is a section heading."""
    anchor: str = ""
    """Stable id on the page, e.g. ``p12`` or ``s1``."""


@dataclass(slots=True)
class Boundary:
    """Where a speech starts, and how sure the segmenter is about it."""

    line: int
    """Source line of the speech's first paragraph."""
    confidence: float
    """0..1: how much worse the best alignment gets without this boundary, squashed."""
    evidence: list[str] = field(default_factory=list)
    """Human-readable reasons, e.g. ``2 blank lines``, ``opens with salutation``."""
    pinned: bool = False
    """True when the editorial override file fixed this boundary."""


@dataclass(slots=True)
class Speech:
    """One TOC entry and, when the compilation carries it, its body."""

    entry: TocEntry
    paragraphs: list[Paragraph] = field(default_factory=list)
    boundary: Boundary | None = None
    title: str = ""
    """Title shown on the site (the TOC title unless an override fixes it)."""
    date: str = ""
    """The date line under the speech's title in the body, e.g. （一九八二年九月一日）, if the source has one."""
    collection: str = ""
    """Path segment of the compilation on a site with several (see Compilation.slug); empty on a site with one."""

    @property
    def number(self) -> int:
        return self.entry.number

    @property
    def has_text(self) -> bool:
        return bool(self.paragraphs)

    @property
    def slug(self) -> str:
        """Two-digit TOC number used in URLs: ``speeches/01/``."""
        return f"{self.number:02d}"

    @property
    def char_count(self) -> int:
        return sum(len(p.text) for p in self.paragraphs)


@dataclass(slots=True)
class Removed:
    """A non-empty source line that is not body text, with the reason it was set aside."""

    line: int
    text: str
    reason: str
    """One of: ``title``, ``toc``, ``advertisement``, ``navigation``, ``recommendation``, ``override``, …"""


@dataclass(slots=True)
class BackMatter:
    """A section after the last speech that belongs to the whole compilation: notes (注释) or an afterword (后记)."""

    title: str
    """The section's header as written, e.g. ``注  释``."""
    kind: str
    """``notes``, ``afterword`` or ``appendix``; also its page's name."""
    line: int
    """Source line of the header."""
    header_text: str
    """The header line verbatim, for the fidelity check."""
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Compilation:
    """A whole source file: its title, TOC, speeches and everything removed."""

    source: Path
    title: str
    speeches: list[Speech]
    removed: list[Removed]
    lines: list[SourceLine]
    declared_count: int | None = None
    """The ``(59篇)`` count in the title line, if any."""
    warnings: list[str] = field(default_factory=list)
    """Things the build reports but does not stop for (weak boundaries, count mismatch, …)."""
    weak_gaps: list[Boundary] = field(default_factory=list)
    """Gaps that were not made boundaries but came close: places for an editor to look."""
    analysis: Analysis | None = None
    """Metadata, related speeches, shared passages, damage report (see analyse.py); None if not asked for."""
    back_matter: list[BackMatter] = field(default_factory=list)
    """Notes, afterword or appendix after the last speech, each its own page."""
    slug: str = ""
    """Path segment of this compilation's pages when the site has several compilations; empty when it has one."""
    cache_key: str = ""
    """The digest of everything it was made from (compilation_cache.py), under which its rendered pages are cached;
    empty for a compilation made otherwise, whose pages are then always rendered."""

    def place_under(self, slug: str) -> None:
        """Give this compilation (and its speeches) its own path segment on a site with several compilations."""
        self.slug = slug
        for speech in self.speeches:
            speech.collection = slug

    def page_path(self, name: str) -> str:
        """Docs-relative path of one of this compilation's pages: ``index.md``, or ``<slug>/index.md``."""
        return f"{self.slug}/{name}" if self.slug else name

    @property
    def speeches_with_text(self) -> list[Speech]:
        return [s for s in self.speeches if s.has_text]

    @property
    def speeches_with_text_count(self) -> int:
        return sum(1 for s in self.speeches if s.has_text)


@dataclass
class ParsedSource:
    """What the parse stage finds: the title, the TOC, and the lines after the TOC (bodies and junk)."""

    source: Path
    title: str
    declared_count: int | None
    toc: list[TocEntry]
    removed: list[Removed]
    """Title and TOC lines (and any header such as 目录)."""
    body_lines: list[SourceLine]
    """Every line after the TOC, blank ones included."""
    lines: list[SourceLine]
    warnings: list[str] = field(default_factory=list)


@dataclass
class TextPin:
    """An editor's pointer to a paragraph by its first words, as written in the override file."""

    starts_with: str
    speech: int | None = None
    """For boundaries: the TOC number the paragraph opens (optional)."""
    reason: str = ""
    """For junk: why the line is removed."""
    count: int = 1
    """For junk: how many lines the pin means; matching more or fewer is an error."""


@dataclass
class Overrides:
    """Editorial fixes read from ``<seed>.toml`` beside the seed; empty when there is no such file."""

    path: Path | None = None
    boundaries: list[TextPin] = field(default_factory=list)
    """Paragraphs that must open a speech."""
    joins: list[TextPin] = field(default_factory=list)
    """Paragraphs that must not open a speech."""
    titles: dict[int, str] = field(default_factory=dict)
    """TOC number → corrected title."""
    junk: list[TextPin] = field(default_factory=list)
    """Lines to remove, with a reason."""
