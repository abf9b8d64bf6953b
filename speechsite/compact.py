"""Pages without the indentation of the theme's templates: Material's nested partials indent every line, a sixth of
a speech page's bytes (48.6 → 40.3 kB, median of the archive benchmark's pages), which a reader downloads with each
page and the offline zip carries for every one.

A line break followed by spaces and a line break alone are the same white space to HTML outside preformatted text,
so the page renders the same: the text inside <pre>, <textarea>, <script> and <style> is left exactly as it is.
"""

from __future__ import annotations

import re

VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
INDENTATION = re.compile(r"\n[ \t\n]+")


def without_indentation(html: str) -> str:
    """html with every line break and the white space after it reduced to one line break, outside VERBATIM."""
    pieces = VERBATIM.split(html)
    # split gives text, then each match's two groups (the element, its name), then text again
    return "".join(INDENTATION.sub("\n", piece) if number % 3 == 0 else piece if number % 3 == 1 else ""
                   for number, piece in enumerate(pieces))
