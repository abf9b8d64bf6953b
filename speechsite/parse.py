"""Stage 2, parse: find the compilation title (minus SEO prefix and count) and the table of contents.

The TOC is the first run of entry lines after the title, all in one style: ``1。`` ``1、`` ``1.`` ``1．``
``（1）`` ``(1)`` ``一、`` ``第1篇`` ``第一篇`` or bullets (``· 标题``). Numbered entries must count up from 1;
page numbers and dot leaders after a title are dropped; a ``目录`` header and blank lines between entries are allowed.
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
# Dot leaders or a wide gap before a page number: "标题……12", "标题 .... 12", "标题\t12".
PAGE_NUMBER = re.compile(r"(?:\s*[.．·…。]{2,}\s*|\s{2,}|\t+)\d{1,4}\s*$")
CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9}
CHINESE_NUMBER = "[零〇一二两三四五六七八九十百]+"


@dataclass(frozen=True)
class TocStyle:
    """One way of writing TOC entries; ``number`` is None for bullets (numbered by position)."""

    name: str
    pattern: re.Pattern


TOC_STYLES = [
    TocStyle("N。", re.compile(r"^\s*(?P<number>\d{1,4})\s*。\s*(?P<title>\S.*?)\s*$")),
    TocStyle("N、", re.compile(r"^\s*(?P<number>\d{1,4})\s*、\s*(?P<title>\S.*?)\s*$")),
    TocStyle("N.", re.compile(r"^\s*(?P<number>\d{1,4})\s*[.．](?!\d)\s*(?P<title>\S.*?)\s*$")),
    TocStyle("(N)", re.compile(r"^\s*[(（]\s*(?P<number>\d{1,4})\s*[)）]\s*(?P<title>\S.*?)\s*$")),
    TocStyle("一、", re.compile(rf"^\s*(?P<number>{CHINESE_NUMBER})\s*、\s*(?P<title>\S.*?)\s*$")),
    TocStyle("第N篇", re.compile(rf"^\s*第\s*(?P<number>\d{{1,4}}|{CHINESE_NUMBER})\s*篇\s*[:：、.．]?\s*"
                                r"(?P<title>\S.*?)\s*$")),
    TocStyle("bullet", re.compile(r"^\s*[·•・●▪◆◇■□\-*]\s*(?P<title>\S.*?)\s*$")),
]


def parse(path: Path, lines: list[SourceLine]) -> ParsedSource:
    """Split the source lines into title, TOC and the body region that follows the TOC."""
    non_empty = [line for line in lines if line.text.strip()]
    title_line = non_empty[0]
    title, declared_count = parse_title(title_line.text)
    if not title:
        raise InputError("the title line is empty once its [bracketed] prefix is removed; put the compilation "
                         "title on the first line", path, title_line.number)
    removed = [Removed(title_line.number, title_line.text, "title")]

    index = lines.index(title_line) + 1
    while index < len(lines) and (not lines[index].text.strip() or TOC_HEADER.match(lines[index].text)):
        if lines[index].text.strip():
            removed.append(Removed(lines[index].number, lines[index].text, "toc"))
        index += 1
    style = _style_of(lines[index].text) if index < len(lines) else None
    toc: list[TocEntry] = []
    while style and index < len(lines):
        line = lines[index]
        if not line.text.strip():
            index += 1
            continue
        match = style.pattern.match(line.text)
        if not match:
            break
        number = _entry_number(match, len(toc) + 1)
        expected = len(toc) + 1
        if number != expected:
            if toc and number == 1:
                break  # a list starting again at 1 is body text, not more TOC
            problem = "repeats" if number <= len(toc) else "skips"
            raise InputError(f"table of contents entry number {number} {problem} a number (expected {expected}); "
                             f"renumber the TOC", path, line.number)
        toc.append(TocEntry(number, PAGE_NUMBER.sub("", match.group("title")), line.number))
        removed.append(Removed(line.number, line.text, "toc"))
        index += 1

    if not toc:
        raise InputError("no table of contents found after the title line; expected numbered lines such as "
                         "'1。标题'", path, title_line.number)
    warnings = []
    if declared_count is not None and declared_count != len(toc):
        warnings.append(f"{display_path(path)}:{title_line.number}: the title says {declared_count} pieces but the "
                        f"table of contents has {len(toc)} entries")
    return ParsedSource(path, title, declared_count, toc, removed, lines[index:], lines, warnings)


def parse_title(text: str) -> tuple[str, int | None]:
    """Return the title without its SEO prefix and article count, and the count if there was one."""
    title = SEO_PREFIX.sub("", text).strip()
    match = DECLARED_COUNT.search(title)
    if not match:
        return title, None
    return title[: match.start()].strip(), int(match.group(1))


def _style_of(text: str) -> TocStyle | None:
    """The TOC style of a first entry line: it must be entry number 1 (bullets: any)."""
    for style in TOC_STYLES:
        match = style.pattern.match(text)
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
