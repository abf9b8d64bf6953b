"""Stage 5, typography: the text as shown on pages, derived from a source line by these documented rules only.

1. Control characters are removed (an escape sequence or a bell in scraped text is never meant to be seen; it would
   act on a terminal and is not allowed in HTML); the damage report (damage.py) lists each one removed.
2. Surrounding white space is removed (trailing spaces would be hard line breaks in Markdown).
3. ASCII , : ; ! ? next to Chinese text become their full-width forms ，：；！？ — unless they sit between two
   digits or two Latin letters (3,000 / 8:30 / A,B keep their forms).
4. A pair of ASCII brackets ( ) becomes （ ） when what it encloses, or what stands right outside it, is Chinese.

With ``verbatim=True`` only rules 1 and 2 apply. No library was used: autocorrect-py (the field's formatter) converts
, : ? but neither brackets nor ! ;, and inserts spaces between Chinese and Latin text, which would alter the source.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters and DEL, but tab and line feed."""
FULL_WIDTH = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
# Han ideographs, CJK punctuation, full-width forms and CJK quotation marks count as "Chinese" context.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019《》…—]")
LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
ASCII_MARK = re.compile(r"[,:;!?]")
BRACKET = re.compile(r"[()]")


def normalise(text: str, verbatim: bool = False) -> str:
    """The page text of a source line."""
    text = without_control_characters(text).strip()
    if verbatim:
        return text
    if "(" in text:
        text = _full_width_brackets(text)
    return _full_width_marks(text)


def without_control_characters(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def _is_chinese(char: str) -> bool:
    return bool(char) and bool(CHINESE.match(char))


def _full_width_marks(text: str) -> str:
    def replace(match: re.Match) -> str:
        index = match.start()
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if before and after and LATIN_OR_DIGIT.match(before) and LATIN_OR_DIGIT.match(after):
            return match.group()
        return FULL_WIDTH[match.group()] if _is_chinese(before) or _is_chinese(after) else match.group()

    return ASCII_MARK.sub(replace, text)


def _full_width_brackets(text: str) -> str:
    out = list(text)
    open_positions: list[int] = []
    for match in BRACKET.finditer(text):
        index = match.start()
        if match.group() == "(":
            open_positions.append(index)
        elif open_positions:
            start = open_positions.pop()
            outside = (text[start - 1] if start else "") + (text[index + 1] if index + 1 < len(text) else "")
            if CHINESE.search(text, start + 1, index) or any(_is_chinese(c) for c in outside):
                out[start], out[index] = "（", "）"
    return "".join(out)
