"""Back matter: a notes section (注释, numbered notes 〔1〕…), an afterword (后记) or an appendix (附录) after the last
speech belongs to the whole compilation and gets its own page, instead of being glued to the last speech. A notes
section between two speeches belongs to the speech before it.

A header line only opens back matter when what follows fits it: notes must start with a note marker; an afterword
or appendix header is enough by itself. Everything from the first such header to the end of the bodies is back
matter; a later header starts the next section.
"""

from __future__ import annotations

import re

from .model import BackMatter, Paragraph

HEADERS = {
    "notes": re.compile(r"^(?:注\s*释|附\s*注|注)\s*[:：]?$"),
    "afterword": re.compile(r"^(?:后\s*记|编\s*后\s*记|跋)\s*[:：]?$"),
    "appendix": re.compile(r"^附\s*录\s*[:：]?$"),
}
# 〔1〕 [1] ［1］ (1) （1） ① … at the start of a note, or anywhere in the text as a reference to one.
NOTE_MARKER = re.compile(r"[〔\[［](\d{1,3})[〕\]］]|[①-⑳]|[⑴-⒇]")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PARENTHESISED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"


def note_number(marker: str) -> int:
    """〔3〕 / [3] → 3; ③ / ⑶ → 3."""
    for series in (CIRCLED, PARENTHESISED):
        if marker in series:
            return series.index(marker) + 1
    return int(re.sub(r"\D", "", marker))


def note_anchors(sections: list[BackMatter]) -> dict[str, str]:
    """Each note's own marker as it opens the note (〔1〕, ①…) → its anchor on the notes page. A speech's marker
    refers to a note only when it is written exactly so: where the notes are numbered 〔1〕, a ① in a speech is an
    enumeration, not a reference."""
    notes = next((section for section in sections if section.kind == "notes"), None)
    if notes is None:
        return {}
    markers = ((NOTE_MARKER.match(paragraph.text), paragraph.anchor) for paragraph in notes.paragraphs)
    return {marker.group(): anchor for marker, anchor in markers if marker and anchor.startswith("note-")}


def speech_note_anchors(paragraphs: list[Paragraph]) -> dict[str, str]:
    """A speech's own notes section (a 注释 header followed by notes, at the end of its body): each note's marker →
    the anchor of its paragraph, so that the speech's markers link to the notes under it."""
    header = next((index for index in range(len(paragraphs) - 1, -1, -1) if _opens(paragraphs, index)
                   and _header_kind(paragraphs[index].text) == "notes"), None)
    if header is None:
        return {}
    markers = ((NOTE_MARKER.match(paragraph.text), paragraph.anchor) for paragraph in paragraphs[header + 1:])
    return {marker.group(): anchor for marker, anchor in markers if marker}


def split_back_matter(paragraphs: list[Paragraph], last_speech_start: int = 0,
                      ) -> tuple[list[Paragraph], list[BackMatter]]:
    """The speeches' paragraphs, and the back-matter sections that follow them (possibly none).

    Back matter can only begin after last_speech_start (the last paragraph known to open a speech, such as a repeated
    title line): a notes section followed by more speeches is that speech's own notes and stays in its body, and so,
    in a compilation with notes per speech (several notes sections), is the notes section of the last one."""
    notes_headers = [index for index in range(1, len(paragraphs))
                     if _opens(paragraphs, index) and _header_kind(paragraphs[index].text) == "notes"]
    # Notes after each speech: a notes section before the last speech's start, or more than one notes section.
    notes_per_speech = len(notes_headers) > 1 or any(index < last_speech_start for index in notes_headers)
    start = next((index for index in range(last_speech_start + 1, len(paragraphs)) if _opens(paragraphs, index)
                  and not (notes_per_speech and _header_kind(paragraphs[index].text) == "notes")), None)
    if start is None:
        return paragraphs, []
    sections: list[BackMatter] = []
    for paragraph in paragraphs[start:]:
        kind = _header_kind(paragraph.text)
        if kind and (not sections or _opens(paragraphs, paragraphs.index(paragraph))):
            sections.append(BackMatter(paragraph.text, kind, paragraph.line, paragraph.source_text))
        else:
            sections[-1].paragraphs.append(paragraph)
    for section in sections:
        for index, paragraph in enumerate(section.paragraphs, start=1):
            marker = NOTE_MARKER.match(paragraph.text) if section.kind == "notes" else None
            paragraph.anchor = f"note-{note_number(marker.group())}" if marker else f"p{index}"
    return paragraphs[:start], sections


def _header_kind(text: str) -> str | None:
    return next((kind for kind, pattern in HEADERS.items() if pattern.match(text.strip())), None)


def _opens(paragraphs: list[Paragraph], index: int) -> bool:
    kind = _header_kind(paragraphs[index].text)
    if kind is None:
        return False
    if kind != "notes":
        return True
    following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
    return following is not None and NOTE_MARKER.match(following.text) is not None
