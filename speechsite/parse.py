"""Stage 2, parse: find the compilation title (minus SEO prefix and count), the front matter and the table of contents.

The TOC follows the title directly, or after front matter (a stray paragraph, 出版说明) and a ``目录`` header; it
is a run of entry lines all in one style: ``1。`` ``1、`` ``1.`` ``1．``
``（1）`` ``(1)`` ``一、`` ``第1篇`` ``第一篇`` or bullets (``· 标题``). Numbered entries must count up from 1;
page numbers and dot leaders after a title are dropped; blank lines between entries and one stray line (a date, a
byline) inside the TOC are allowed; an entry ``注释`` is back matter, not a speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, display_path
from .model import ParsedSource, Removed, SourceLine, TocEntry

# A bracketed prefix scraped sites put before the real title: [党规党纪心得体会2021年8月份] or 【…】.
SEO_PREFIX = re.compile(r"^\s*(?:\[[^\]]*\]|【[^】]*】)\s*")
# The article count at the end of the title: (59篇) or （59篇）.
DECLARED_COUNT = re.compile(r"\s*[(（]\s*(\d+)\s*篇\s*[)）]\s*$")
TOC_HEADER = re.compile(r"^\s*目\s*录\s*[:：]?\s*$")
# A TOC entry for the volume's notes or afterword: back matter, not a speech.
BACK_MATTER_ENTRY = re.compile(r"^(?:注\s*释|附\s*注|后\s*记|编\s*后\s*记)$")
# A title line that is all one book-title quote: 《邓小平文选第一卷》.
QUOTED_TITLE = re.compile(r"^《([^《》]+)》$")
# Dot leaders or a wide gap before a page number: "标题……12", "标题 .... 12", "标题\t12".
PAGE_NUMBER = re.compile(r"(?:\s*[.．·…。]{2,}\s*|\s{2,}|\t+)\d{1,4}\s*$")
CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9}
CHINESE_NUMBER = "[零〇一二两三四五六七八九十百]+"
TITLE_MAX_CHARS = 200
"""A title line or TOC entry longer than this is text, not a title (and would cost the patterns quadratic time)."""


@dataclass(frozen=True)
class TocStyle:
    """One way of writing TOC entries; ``number`` is None for bullets (numbered by position)."""

    name: str
    pattern: re.Pattern


TOC_STYLES = [
    TocStyle("N。", re.compile(r"^\s*(?P<number>\d{1,4})\s*。\s*(?P<title>\S.*)$")),
    TocStyle("N、", re.compile(r"^\s*(?P<number>\d{1,4})\s*、\s*(?P<title>\S.*)$")),
    TocStyle("N.", re.compile(r"^\s*(?P<number>\d{1,4})\s*[.．](?!\d)\s*(?P<title>\S.*)$")),
    TocStyle("(N)", re.compile(r"^\s*[(（]\s*(?P<number>\d{1,4})\s*[)）]\s*(?P<title>\S.*)$")),
    TocStyle("一、", re.compile(rf"^\s*(?P<number>{CHINESE_NUMBER})\s*、\s*(?P<title>\S.*)$")),
    TocStyle("第N篇", re.compile(rf"^\s*第\s*(?P<number>\d{{1,4}}|{CHINESE_NUMBER})\s*篇\s*[:：、.．]?\s*"
                                r"(?P<title>\S.*)$")),
    TocStyle("bullet", re.compile(r"^\s*[·•・●▪◆◇■□\-*]\s*(?P<title>\S.*)$")),
]


def parse(path: Path, lines: list[SourceLine]) -> ParsedSource:
    """Split the source lines into title, front matter, TOC and the body region that follows the TOC."""
    non_empty = [line for line in lines if line.text.strip()]
    title_line = non_empty[0]
    if len(title_line.text.strip()) > TITLE_MAX_CHARS:
        raise InputError(f"the first line has {len(title_line.text.strip()):,} characters, too many for a title "
                         f"(at most {TITLE_MAX_CHARS}); put the compilation's title on the first line", path,
                         title_line.number)
    title, declared_count = parse_title(title_line.text)
    if not title:
        raise InputError("the title line is empty once its [bracketed] prefix is removed; put the compilation "
                         "title on the first line", path, title_line.number)
    removed = [Removed(title_line.number, title_line.text, "title")]

    after_title = lines.index(title_line) + 1
    first, style = _find_toc(lines, after_title)
    if style is None:
        raise InputError("no table of contents found after the title line; expected numbered lines such as "
                         "'1。标题' or bullets '· 标题'", path, title_line.number)
    for line in lines[after_title:first]:
        if line.text.strip():
            reason = "toc" if TOC_HEADER.match(line.text) else "front matter"
            removed.append(Removed(line.number, line.text, reason))

    toc: list[TocEntry] = []
    index = first
    while index < len(lines):
        line = lines[index]
        if not line.text.strip():
            index += 1
            continue
        match = _entry(style, line.text)
        if not match:
            if not toc or not _continues_after_stray_line(lines, index, style, len(toc) + 1):
                break
            removed.append(Removed(line.number, line.text, "toc: stray line inside the table of contents"))
            index += 1
            continue
        number = _entry_number(match, len(toc) + 1)
        expected = len(toc) + 1
        if number != expected:
            if toc and number == 1:
                break  # a list starting again at 1 is body text, not more TOC
            problem = "repeats" if number <= len(toc) else "skips"
            raise InputError(f"table of contents entry number {number} {problem} a number (expected {expected}); "
                             f"renumber the TOC", path, line.number)
        entry_title = PAGE_NUMBER.sub("", match.group("title"))
        if BACK_MATTER_ENTRY.match(entry_title):
            removed.append(Removed(line.number, line.text, "toc: back matter entry (notes, afterword), not a speech"))
        else:
            toc.append(TocEntry(number, entry_title, line.number))
            removed.append(Removed(line.number, line.text, "toc"))
        index += 1

    if not toc:
        raise InputError("the table of contents lists no speech, only back matter", path, lines[first].number)
    warnings = []
    if declared_count is not None and declared_count != len(toc):
        warnings.append(f"{display_path(path)}:{title_line.number}: the title says {declared_count} pieces but the "
                        f"table of contents has {len(toc)} entries")
    return ParsedSource(path, title, declared_count, toc, removed, lines[index:], lines, warnings)


def _find_toc(lines: list[SourceLine], start: int) -> tuple[int, TocStyle | None]:
    """Where the TOC begins and its style. Right after the title (past blank lines and a 目录 header) one entry is
    enough; further down, after front matter, the TOC is the first run of two entries in one style, or whatever
    follows a 目录 header."""
    candidates = [index for index in range(start, len(lines)) if lines[index].text.strip()]
    header = next((i for i in candidates if TOC_HEADER.match(lines[i].text)), None)
    if header is not None:
        candidates = [i for i in candidates if i > header]
        style = _style_of(lines[candidates[0]].text) if candidates else None
        return (candidates[0], style) if style else (0, None)
    for position, index in enumerate(candidates):
        style = _style_of(lines[index].text)
        if style is None:
            continue
        following = candidates[position + 1] if position + 1 < len(candidates) else None
        if position == 0 or (following is not None and _entry(style, lines[following].text)):
            return index, style
    return 0, None


def _continues_after_stray_line(lines: list[SourceLine], index: int, style: TocStyle, expected: int) -> bool:
    """A single line that breaks the TOC's style (a date, a byline) does not end the TOC when the next non-empty
    line is the entry the TOC expects next."""
    following = next((line for line in lines[index + 1:] if line.text.strip()), None)
    match = _entry(style, following.text) if following else None
    return bool(match) and _entry_number(match, expected) == expected


def _entry(style: TocStyle, text: str) -> re.Match | None:
    """The line as a TOC entry of this style, or None (a line too long to hold a title is never one)."""
    text = text.strip()
    return style.pattern.match(text) if len(text) <= TITLE_MAX_CHARS else None


def parse_title(text: str) -> tuple[str, int | None]:
    """Return the title without its SEO prefix and article count, and the count if there was one."""
    title = SEO_PREFIX.sub("", text).strip()
    title = QUOTED_TITLE.sub(r"\1", title)
    match = DECLARED_COUNT.search(title)
    if not match:
        return title, None
    return title[: match.start()].strip(), int(match.group(1))


def _style_of(text: str) -> TocStyle | None:
    """The TOC style of a first entry line: it must be entry number 1 (bullets: any)."""
    for style in TOC_STYLES:
        match = _entry(style, text)
        if match and _entry_number(match, 1) == 1:
            return style
    return None


def _entry_number(match: re.Match, position: int) -> int:
    if "number" not in match.re.groupindex:
        return position
    number = match.group("number")
    return int(number) if number.isdigit() else chinese_number(number)


def chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105 (enough for TOC numbering)."""
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = CHINESE_DIGITS[char]
    return total + current
