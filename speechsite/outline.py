"""Stage 6, outline: short standalone lines that open with a section marker become headings.

A line is a heading when it starts with a marker (一、 / （一） / 第一， / 一要 / 1、 / 首先，), is at most
HEADING_MAX_CHARS long, has no sentence end before its last character, and does not end like an exclamation or a
question. A marker family takes its level when it first appears in a speech: one below the heading just before it
(level 2 when there is none), at most 4. So 一、 above （一） is the usual case, a speech that numbers （一） above
一、 keeps its own hierarchy, and levels are never skipped. A long paragraph that merely starts with 一是 or 1、
stays a paragraph.
"""

from __future__ import annotations

import re

from .model import Paragraph

HEADING_MAX_CHARS = 45
NUMERAL = "一二三四五六七八九十"
MARKER_FAMILIES = [
    ("enumerated", re.compile(rf"^[{NUMERAL}]+、")),
    ("parenthesised", re.compile(rf"^[(（][{NUMERAL}]+[)）]")),
    ("ordinal", re.compile(rf"^第[{NUMERAL}]+[,，、]")),
    ("resolution", re.compile(rf"^[{NUMERAL}]+[要是]")),
    ("arabic", re.compile(r"^\d{1,2}[、.．](?!\d)")),
    ("sequence", re.compile(r"^(?:首先|其次|再次)[,，]")),
]
SENTENCE_END = re.compile(r"[。！？!?；;]")
TOP_LEVEL, DEEPEST_LEVEL = 2, 4  # h1 is the speech title


def marker_family(text: str) -> str | None:
    """The section-marker family a heading-like line belongs to, or None when it is not heading-like."""
    if len(text) > HEADING_MAX_CHARS or text.endswith(("！", "!", "？", "?", "：", ":")):
        return None
    if SENTENCE_END.search(text[:-1]):
        return None
    for family, pattern in MARKER_FAMILIES:
        if pattern.match(text):
            return family
    return None


def mark_headings(paragraphs: list[Paragraph]) -> None:
    """Set heading_level on the heading-like paragraphs of one speech, in place."""
    family_levels: dict[str, int] = {}
    last_level = TOP_LEVEL - 1
    for paragraph in paragraphs:
        family = marker_family(paragraph.text)
        if family is None:
            continue
        if family not in family_levels:
            family_levels[family] = min(last_level + 1, DEEPEST_LEVEL)
        paragraph.heading_level = last_level = family_levels[family]
