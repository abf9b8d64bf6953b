"""The chain of stages from a seed file to a checked Compilation: read → parse → junk → segment → typography → outline."""

from __future__ import annotations

from pathlib import Path

from . import typography
from .errors import InputError, display_path
from .fidelity import check_accounting
from .junk import split_junk
from .model import Compilation, Overrides, Paragraph, SourceLine, Speech
from .outline import mark_headings
from .overrides import load_overrides
from .parse import parse
from .read import read_lines
from .segment import Pins, segment

WEAK_CONFIDENCE = 0.9


def build_compilation(seed: Path, verbatim: bool = False) -> Compilation:
    """Run every stage on one seed file; raise InputError for anything the user must fix.

    verbatim keeps the source punctuation (see typography.normalise).
    """
    lines = read_lines(seed)
    parsed = parse(seed, lines)
    overrides = load_overrides(seed)
    body_lines, junk = split_junk(parsed.body_lines, overrides)
    _check_junk_pins(overrides, junk)
    paragraphs = paragraphs_from_lines(body_lines, verbatim)
    if not paragraphs:
        raise InputError(f"none of the {len(parsed.toc)} TOC entries has any body text after the table of "
                         "contents; add the speeches' text after the TOC", seed, parsed.toc[-1].line)
    pins = _resolve_pins(overrides, paragraphs)
    segments, near_misses = segment(paragraphs, parsed.toc, pins)

    speeches = [Speech(entry, title=overrides.titles.get(entry.number, entry.title)) for entry in parsed.toc]
    by_number = {speech.number: speech for speech in speeches}
    for seg in segments:
        speech = by_number[seg.entry.number]
        speech.paragraphs = paragraphs[seg.start:seg.end]
        speech.boundary = seg.boundary
    for number in overrides.titles:
        if number not in by_number:
            raise InputError(f"[[title]] names speech {number}, which is not in the TOC", overrides.path)

    warnings = list(parsed.warnings)
    removed = sorted(parsed.removed + junk, key=lambda r: r.line)
    compilation = Compilation(seed, parsed.title, speeches, removed, lines, parsed.declared_count, warnings,
                              near_misses)
    for speech in compilation.speeches_with_text:
        mark_headings(speech.paragraphs)
        for index, paragraph in enumerate(speech.paragraphs, start=1):
            paragraph.anchor = f"p{index}"
    check_accounting(compilation, lambda text: typography.normalise(text, verbatim))
    return compilation


def paragraphs_from_lines(lines: list[SourceLine], verbatim: bool = False) -> list[Paragraph]:
    """Each non-empty line is a paragraph; remember how many blank lines preceded it."""
    paragraphs, blanks = [], 0
    for line in lines:
        if not line.text.strip():
            blanks += 1
            continue
        paragraphs.append(Paragraph(typography.normalise(line.text, verbatim), line.number, line.text, blanks))
        blanks = 0
    return paragraphs


def _resolve_pins(overrides: Overrides, paragraphs: list[Paragraph]) -> Pins:
    pins = Pins()
    for pin in overrides.boundaries:
        pins.starts[_find_paragraph(pin.starts_with, paragraphs, overrides, "boundary")] = pin.speech
    for pin in overrides.joins:
        pins.joined.add(_find_paragraph(pin.starts_with, paragraphs, overrides, "join"))
    return pins


def _find_paragraph(starts_with: str, paragraphs: list[Paragraph], overrides: Overrides, table: str) -> int:
    found = [index for index, p in enumerate(paragraphs) if p.text.startswith(starts_with)]
    if len(found) != 1:
        lines = ", ".join(str(paragraphs[i].line) for i in found[:5])
        problem = "matches no paragraph" if not found else f"matches {len(found)} paragraphs (lines {lines}); add words"
        raise InputError(f"[[{table}]] starts_with = \"{starts_with}\" {problem}", overrides.path)
    return found[0]


def _check_junk_pins(overrides: Overrides, junk) -> None:
    for pin in overrides.junk:
        if not any(r.text.strip().startswith(pin.starts_with) for r in junk):
            raise InputError(f"[[junk]] starts_with = \"{pin.starts_with}\" matches no line after the TOC",
                             overrides.path)


def decision_report(compilation: Compilation) -> list[str]:
    """One line on the split, then a line for each boundary an editor should look at."""
    seed = compilation.source
    with_text = compilation.speeches_with_text
    weak = [s for s in with_text if s.boundary.confidence < WEAK_CONFIDENCE]
    lines = [f"{display_path(seed)}: {len(with_text)} of {len(compilation.speeches)} TOC entries have text; "
             f"{len(with_text) - 1} boundaries, {len(weak)} weak; {len(compilation.removed)} lines removed "
             "(title, TOC, junk)"]
    for speech in weak:
        lines.append(f"{display_path(seed)}:{speech.boundary.line}: weak boundary before speech {speech.number} "
                     f"(confidence {speech.boundary.confidence:.2f}: {', '.join(speech.boundary.evidence)}); "
                     f"pin it in {seed.with_suffix('.toml').name} if it is wrong")
    for gap in compilation.weak_gaps:
        lines.append(f"{display_path(seed)}:{gap.line}: possible boundary not taken (confidence {gap.confidence:.2f}); "
                     f"pin it in {seed.with_suffix('.toml').name} if a speech starts here")
    return lines
