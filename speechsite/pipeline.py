"""The chain of stages from a seed file to a checked Compilation: read → parse → clean (junk, typography) → segment
(speechsite/split/) → outline → fidelity check → analyse. Each stage is a call here; none returns to another."""

from __future__ import annotations

from pathlib import Path

from . import typography
from .analyse import analyse, mark_outline
from .backmatter import split_back_matter
from .errors import InputError, display_path
from .fidelity import check_accounting
from .junk import split_junk
from .model import Compilation, Overrides, Paragraph, Removed, SourceLine, Speech, TocEntry
from .overrides import load_overrides
from .parse import parse
from .prefixes import Prefixes
from .read import read_lines
from .split.alignment import ImpossiblePins, Pins, segment
from .split.titles import find_bylines, take_title_and_date, title_lines_and_headings
from .timing import StageTimes

WEAK_CONFIDENCE = 0.9
REPORTED_GAPS = 20
"""Weak boundaries and near misses listed in a build's log; inspect lists them all."""


def build_compilation(seed: Path, verbatim: bool = False, times: StageTimes | None = None,
                      with_analysis: bool = True) -> Compilation:
    """Run every stage on one seed file; raise InputError for anything the user must fix.

    verbatim keeps the source punctuation (see typography.normalise); times, if given, collects stage durations;
    with_analysis=False stops after the split (for inspect --json and tests of the split alone).
    """
    times = StageTimes() if times is None else times
    with times.stage("read"):
        lines = read_lines(seed)
    with times.stage("parse"):
        parsed = parse(seed, lines)
        overrides = load_overrides(seed)
    with times.stage("clean"):
        body_lines, junk = split_junk(parsed.body_lines, overrides)
        paragraphs = paragraphs_from_lines(body_lines, verbatim)
        title_lines, title_headings = title_lines_and_headings(paragraphs, parsed.toc)
        paragraphs, back_matter = split_back_matter(paragraphs, max(title_lines, default=0))
    if not paragraphs:
        raise InputError(f"none of the {len(parsed.toc)} TOC entries has any body text after the table of "
                         "contents; add the speeches' text after the TOC", seed, parsed.toc[-1].line)
    warnings = list(parsed.warnings)
    with times.stage("segment"):
        pins = _resolve_pins(overrides, paragraphs, parsed.toc)
        for index, number in title_lines.items():
            if index not in pins.starts:
                pins.starts[index] = number
                pins.title_lines.add(index)
        pins.joined |= title_headings - set(pins.starts)
        segments, near_misses = _segment_respecting(paragraphs, parsed, pins, overrides, warnings)

    speeches = [Speech(entry, title=typography.normalise(overrides.titles.get(entry.number, entry.title), verbatim))
                for entry in parsed.toc]
    by_number = {speech.number: speech for speech in speeches}
    heading_lines: list[Removed] = []
    bylines = find_bylines(paragraphs, title_lines)
    for seg in segments:
        speech = by_number[seg.entry.number]
        speech.paragraphs = paragraphs[seg.start:seg.end]
        speech.boundary = seg.boundary
        heading_lines += take_title_and_date(speech, seg.start in pins.title_lines, bylines)
    for number in overrides.titles:
        if number not in by_number:
            raise InputError(f"[[title]] names speech {number}, which is not in the TOC", overrides.path)

    removed = sorted(parsed.removed + junk + heading_lines, key=lambda r: r.line)
    compilation = Compilation(seed, typography.without_control_characters(parsed.title), speeches, removed, lines,
                              parsed.declared_count, warnings, near_misses, back_matter=back_matter)
    with times.stage("outline"):
        mark_outline(compilation)
    with times.stage("fidelity"):
        check_accounting(compilation, lambda text: typography.normalise(text, verbatim))
    if with_analysis:
        with times.stage("analyse"):
            compilation.analysis = analyse(compilation, times)
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


def _segment_respecting(paragraphs: list[Paragraph], parsed, pins: Pins, overrides: Overrides, warnings: list[str]):
    """Segment with the pins; title lines that cannot all open speeches (one repeats another speech's title, out of
    order) are demoted to evidence with a warning; editor's pins that cannot all hold are the editor's to fix."""
    try:
        return segment(paragraphs, parsed.toc, pins)
    except ImpossiblePins:
        if not pins.title_lines:
            raise InputError(f"the {len(overrides.boundaries)} [[boundary]] pins cannot all hold: more of them than "
                             "TOC entries, or their speech numbers out of the TOC's order", overrides.path) from None
    lines = ", ".join(str(paragraphs[index].line) for index in sorted(pins.title_lines)[:5])
    warnings.append(f"{display_path(parsed.source)}: lines repeating TOC titles ({lines}, …) cannot all open "
                    "speeches in the TOC's order; they were weighed as evidence, not taken as starts")
    for index in pins.title_lines:
        del pins.starts[index]
    pins.title_lines = set()
    return _segment_respecting(paragraphs, parsed, pins, overrides, warnings)


def _resolve_pins(overrides: Overrides, paragraphs: list[Paragraph], toc: list[TocEntry]) -> Pins:
    pins = Pins()
    numbers = {entry.number for entry in toc}
    starting = _paragraphs_starting_with([pin.starts_with for pin in overrides.boundaries + overrides.joins],
                                         paragraphs)
    for pin in overrides.boundaries:
        if pin.speech is not None and pin.speech not in numbers:
            raise InputError(f"[[boundary]] starts_with = \"{pin.starts_with}\" names speech {pin.speech}, which is "
                             f"not in the TOC (1–{max(numbers)})", overrides.path)
        pins.starts[_only_paragraph(pin.starts_with, starting, paragraphs, overrides, "boundary")] = pin.speech
    for pin in overrides.joins:
        pins.joined.add(_only_paragraph(pin.starts_with, starting, paragraphs, overrides, "join"))
    return pins


def _paragraphs_starting_with(words: list[str], paragraphs: list[Paragraph]) -> dict[str, list[int]]:
    """Each pin's words → the indexes of the paragraphs that start with them, in one pass over the paragraphs."""
    found: dict[str, list[int]] = {w: [] for w in words}
    prefixes = Prefixes(found)
    for index, paragraph in enumerate(paragraphs):
        for start in prefixes.starting(paragraph.text):
            found[start].append(index)
    return found


def _only_paragraph(words: str, starting: dict[str, list[int]], paragraphs: list[Paragraph], overrides: Overrides,
                    table: str) -> int:
    found = starting[words]
    if len(found) != 1:
        lines = ", ".join(str(paragraphs[i].line) for i in found[:5])
        problem = "matches no paragraph" if not found else f"matches {len(found)} paragraphs (lines {lines}); add words"
        raise InputError(f"[[{table}]] starts_with = \"{words}\" {problem}", overrides.path)
    return found[0]


def decision_report(compilation: Compilation, limit: int | None = REPORTED_GAPS) -> list[str]:
    """One line on the split, then a line for each boundary an editor should look at (at most ``limit`` of them,
    and a line saying how many more ``inspect`` shows)."""
    seed = compilation.source
    shown, toml = display_path(seed), seed.with_suffix(".toml").name
    with_text = compilation.speeches_with_text
    weak = [s for s in with_text if s.boundary.confidence < WEAK_CONFIDENCE]
    lines = [f"{shown}: {len(with_text)} of {len(compilation.speeches)} TOC entries have text; "
             f"{len(with_text) - 1} boundaries, {len(weak)} weak; {len(compilation.removed)} lines removed "
             "(title, TOC, junk)"]
    details = [f"{shown}:{speech.boundary.line}: weak boundary before speech {speech.number} (confidence "
               f"{speech.boundary.confidence:.2f}: {', '.join(speech.boundary.evidence)}); pin it in {toml} if it "
               "is wrong" for speech in weak]
    details += [f"{shown}:{gap.line}: possible boundary not taken (confidence {gap.confidence:.2f}); pin it in "
                f"{toml} if a speech starts here" for gap in compilation.weak_gaps]
    if limit is not None and len(details) > limit:
        details = details[:limit] + [f"{shown}: … and {len(details) - limit} more places to look at: "
                                     f"python build.py inspect {shown}"]
    return lines + details
