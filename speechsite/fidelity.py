"""The fidelity checks of every build: every non-empty source line is body text of one speech or of the back
matter, title/TOC, or removed with a reason (check_accounting); and each rendered speech page shows every paragraph's
text exactly (check_page)."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

from .errors import InputError
from .model import Compilation, Speech


def check_accounting(compilation: Compilation, normalise) -> None:
    """Raise InputError naming the first source line that is lost, counted twice, or altered beyond normalisation."""
    uses: Counter[int] = Counter()
    by_number = {line.number: line for line in compilation.lines}
    for speech in compilation.speeches:
        for paragraph in speech.paragraphs:
            uses[paragraph.line] += 1
            source = by_number[paragraph.line].text
            if paragraph.source_text != source or paragraph.text != normalise(source):
                raise InputError(f"body text of speech {speech.number} differs from the source line; "
                                 "this is a bug, please report it", compilation.source, paragraph.line)
    for section in compilation.back_matter:
        uses[section.line] += 1
        for paragraph in section.paragraphs:
            uses[paragraph.line] += 1
            source = by_number[paragraph.line].text
            if paragraph.source_text != source or paragraph.text != normalise(source):
                raise InputError(f"{section.title} text differs from the source line; this is a bug, please report it",
                                 compilation.source, paragraph.line)
    for removed in compilation.removed:
        uses[removed.line] += 1
        if by_number[removed.line].text != removed.text:
            raise InputError("a removed line is not listed verbatim; this is a bug, please report it",
                             compilation.source, removed.line)
    for line in compilation.lines:
        count = uses[line.number]
        if line.text.strip() and count != 1:
            problem = "is lost (neither body, title, TOC nor removed)" if count == 0 else f"is used {count} times"
            raise InputError(f"source line {problem}; this is a bug, please report it", compilation.source, line.number)
        if not line.text.strip() and count:
            raise InputError("a blank line became text; this is a bug, please report it",
                             compilation.source, line.number)


class _ParagraphTexts(HTMLParser):
    """The text of each element whose id is a paragraph anchor (p1, p2, …) on a rendered page, permalinks left out."""

    ANCHOR = re.compile(r"p\d+")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []  # (tag, anchor being collected or None)
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        anchor = attributes.get("id") if self.ANCHOR.fullmatch(attributes.get("id") or "") else None
        if anchor:
            self.texts[anchor] = ""
        self._open.append((tag, anchor))
        if "headerlink" in (attributes.get("class") or "").split():
            self._skip += 1

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == "a" and self._skip:
                self._skip -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        collecting = next((anchor for _, anchor in reversed(self._open) if anchor), None)
        if collecting and not self._skip:
            self.texts[collecting] += data


def check_page(compilation: Compilation, speech: Speech, html: str) -> None:
    """Raise InputError naming the source line of the first paragraph whose text on the rendered page is not the
    paragraph's text (a template or Markdown that altered, dropped or added text)."""
    parser = _ParagraphTexts()
    start, end = html.find("<article"), html.rfind("</article>")
    parser.feed(html[start:end] if 0 <= start < end else html)  # the speech is in the article; skip the navigation
    for paragraph in speech.paragraphs:
        shown = parser.texts.get(paragraph.anchor)
        if shown is None or shown.strip() != paragraph.text:
            problem = "is missing from" if shown is None else "differs on"
            raise InputError(f"the text of speech {speech.number}, paragraph {paragraph.anchor[1:]} {problem} its "
                             "page; this is a bug, please report it", compilation.source, paragraph.line)
