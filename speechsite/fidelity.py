"""The accounting check: every non-empty source line is body text of one speech or of the back matter, title/TOC,
or removed with a reason."""

from __future__ import annotations

from collections import Counter

from .errors import InputError
from .model import Compilation


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
