"""Stage 2, parse: find the compilation title (minus SEO prefix and count) and the numbered table of contents."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError, display_path
from .model import ParsedSource, Removed, SourceLine, TocEntry

# A bracketed prefix scraped sites put before the real title: [党规党纪心得体会2021年8月份] or 【…】.
SEO_PREFIX = re.compile(r"^\s*(?:\[[^\]]*\]|【[^】]*】)\s*")
# The article count at the end of the title: (59篇) or （59篇）.
DECLARED_COUNT = re.compile(r"\s*[(（]\s*(\d+)\s*篇\s*[)）]\s*$")
# A TOC entry: a number, then 。、.． or ) and the title.
TOC_ENTRY = re.compile(r"^\s*(\d{1,4})\s*[。、.．]\s*(\S.*?)\s*$")
TOC_HEADER = re.compile(r"^\s*目\s*录\s*[:：]?\s*$")


def parse(path: Path, lines: list[SourceLine]) -> ParsedSource:
    """Split the source lines into title, TOC and the body region that follows the TOC."""
    non_empty = [line for line in lines if line.text.strip()]
    title_line = non_empty[0]
    title, declared_count = parse_title(title_line.text)
    if not title:
        raise InputError("the title line is empty once its [bracketed] prefix is removed; put the compilation "
                         "title on the first line", path, title_line.number)
    removed = [Removed(title_line.number, title_line.text, "title")]

    toc: list[TocEntry] = []
    index = lines.index(title_line) + 1
    while index < len(lines):
        line = lines[index]
        text = line.text.strip()
        if not text:
            index += 1
            continue
        if not toc and TOC_HEADER.match(text):
            removed.append(Removed(line.number, line.text, "toc"))
            index += 1
            continue
        match = TOC_ENTRY.match(text)
        if not match:
            break
        number = int(match.group(1))
        expected = len(toc) + 1
        if number != expected:
            if toc and number == 1:
                break  # a list starting again at 1 is body text, not more TOC
            problem = "repeats" if number <= len(toc) else "skips"
            raise InputError(f"table of contents entry number {number} {problem} a number (expected {expected}); "
                             f"renumber the TOC", path, line.number)
        toc.append(TocEntry(number, match.group(2), line.number))
        removed.append(Removed(line.number, line.text, "toc"))
        index += 1

    if not toc:
        raise InputError("no table of contents found after the title line; expected numbered lines such as "
                         "'1。标题'", path, title_line.number)
    warnings = []
    if declared_count is not None and declared_count != len(toc):
        warnings.append(f"{display_path(path)}:{title_line.number}: the title says {declared_count} pieces but the table of "
                        f"contents has {len(toc)} entries")
    return ParsedSource(path, title, declared_count, toc, removed, lines[index:], lines, warnings)


def parse_title(text: str) -> tuple[str, int | None]:
    """Return the title without its SEO prefix and article count, and the count if there was one."""
    title = SEO_PREFIX.sub("", text).strip()
    match = DECLARED_COUNT.search(title)
    if not match:
        return title, None
    return title[: match.start()].strip(), int(match.group(1))
