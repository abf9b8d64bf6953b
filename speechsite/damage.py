"""Damage report: places where the source has probably lost characters, for an editor to check, and the control
characters the shown text leaves out (typography.py). Nothing else is changed.

Five detectors, each on one paragraph's text:

- dates whose digits ran together when 年, 月 or a separator was lost: 去年81日 (8月1日), 201739日 (2017年3月9日),
  20186月 (2018年6月), 110月 (1—10月); only when the digits read as a valid date, so 1353个日夜, 100日 or 2020年 pass;
- quotation marks left unbalanced when the scraper dropped some (三落实”“四不摘, from “三落实”“四不摘”);
- a quoted word that vanished with its quotes, leaving the frame around it: 突出字抓好 (突出“X”字抓好), “”;
- prose paragraphs whose line ends without closing punctuation, in the middle of a word (良好环) or of a
  sentence (均为, a trailing comma), or merely unterminated;
- control characters in the source line (an escape sequence, a bell), removed from the shown text: where they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import typography
from .model import Compilation, Speech, quick_unpickling
from .words import Segment, SpeechWords, speech_words, tagged

DATE = "damaged_date"
UNBALANCED_QUOTES = "unbalanced_quotes"
VANISHED_QUOTED_WORD = "vanished_quoted_word"
TRUNCATED_WORD = "truncated_word"
TRUNCATED_SENTENCE = "truncated_sentence"
UNTERMINATED = "unterminated"
CONTROL_CHARACTERS = "control_characters"

# Digits straight before 日 or 月, not part of a longer number. Durations (历时100日, 120日内) are not dates.
DAY = re.compile(r"(?=\d)(?<!\d)(?<!第)(?<!近)(?<!约)(?<!满)(?<!共)(?<!历时)(?<!连续)(?<!持续)(?<!为期)"
                 r"(\d{2,8})日(?![元夜内均])(?!以内|之内|左右|行动|攻坚|会战)")
MONTH = re.compile(r"(?=\d)(?<!\d)(?<!第)(?<!近)(?<!约)(?<!满)(?<!共)(?<!历时)(?<!连续)(?<!持续)(?<!为期)"
                   r"(\d{2,6})月(?!以内|之内|左右)")
# What a damaged date and a vanished word need at the least: a paragraph without it (most do) skips their patterns,
# which open with look-arounds and so are tried at every offset; these open with a character, and are searched fast.
DATE_HINT = re.compile(r"\d[日月]")
VANISHED_WORD_HINT = re.compile("字|“”|‘’")
QUOTE_PAIRS = {"“": "”", "‘": "’", "《": "》"}
QUOTE_MARKS = {opening: re.compile(f"[{opening}{closing}]") for opening, closing in QUOTE_PAIRS.items()}
# A quoted character cut out with its quotes leaves its frame: 突出“实”字抓好 → 突出字抓好; 在“严”字上 → 在字上.
VANISHED_WORD = re.compile(r"(?:突出|抓好|做好|写好|念好|用好|下好|打好|答好|守好|把好|聚焦|紧扣|围绕|践行|突显|彰显|牢记)字"
                           r"(?![号典母幕体句数迹眼条画样段符节词据])"
                           r"|(?<![存现实所正还都不就也])在字上|“”|‘’")
END_PUNCTUATION = "。！？!?；;：:…”’」』）)》"
CONTROL_RUN = re.compile(typography.CONTROL_CHARACTERS.pattern + "+")
MIN_PROSE = 30
"""A shorter paragraph without closing punctuation is a salutation, a greeting or a heading, not damage."""
UNFINISHED_TAGS = ("p", "c", "u")
"""jieba tags of words that cannot end a sentence: prepositions (为, 对), conjunctions (和, 与), particles (的)."""


@dataclass(frozen=True)
class Suspect:
    """A suspected loss in one paragraph's text."""

    start: int
    """Offset in the text of the suspect span."""
    end: int
    """Offset just past it."""
    text: str
    """The span itself."""
    kind: str
    """``damaged_date``, ``unbalanced_quotes``, ``vanished_quoted_word``, ``truncated_word``,
    ``truncated_sentence``, ``unterminated`` or ``control_characters``."""
    explanation: str
    """What was probably lost, in a sentence."""


@quick_unpickling
@dataclass(frozen=True, slots=True)
class Finding:
    """A suspect located in the compilation."""

    speech: int
    """TOC number."""
    anchor: str
    """Paragraph anchor on the speech's page."""
    line: int
    """Source line of the paragraph."""
    start: int
    """Offset of the suspect span in ``paragraph.text``."""
    end: int
    text: str
    kind: str
    explanation: str


def damage_report(compilation: Compilation) -> list[Finding]:
    """Every suspect in every speech with text, in text order."""
    return [finding for speech in compilation.speeches_with_text
            for finding in speech_damage(speech, speech_words(speech))]


def speech_damage(speech: Speech, words: SpeechWords) -> list[Finding]:
    """Every suspect in one speech, in text order; ``words``: the speech segmented (see ``words.speech_words``)."""
    return [Finding(speech.number, paragraph.anchor, paragraph.line, suspect.start, suspect.end, suspect.text,
                    suspect.kind, suspect.explanation)
            for paragraph, segments in zip(speech.paragraphs, words.paragraphs)
            for suspect in scan_paragraph(paragraph.text, paragraph.heading_level, segments, paragraph.source_text)]


def scan_paragraph(text: str, heading_level: int = 0, segments: list[Segment] | None = None,
                   source: str | None = None) -> list[Suspect]:
    """All detectors on one paragraph's text, suspects sorted by offset; ``segments``: the text segmented, if the
    caller has it; ``source``: the source line the text was made from, for the control characters it left out."""
    suspects = damaged_dates(text) + unbalanced_quotes(text) + vanished_quoted_words(text)
    if source is not None:
        suspects += removed_control_characters(source, text)
    if not heading_level:
        suspects += truncated_line_end(text, segments)
    return sorted(suspects, key=lambda suspect: (suspect.start, suspect.end))


def damaged_dates(text: str) -> list[Suspect]:
    """Digits before 日 or 月 that are no day or month but read as a date once 年, 月 or a separator is restored."""
    if not DATE_HINT.search(text):
        return []
    suspects = []
    for pattern, readings, unit in ((DAY, day_readings, "日期"), (MONTH, month_readings, "月份")):
        for match in pattern.finditer(text):
            found = readings(match[1])
            if found:
                guesses = "或".join(f"{reading}（缺“{_lost(match[0], reading)}”）" for reading in found)
                suspects.append(Suspect(match.start(), match.end(), match[0], DATE,
                                        f"{match[0]}不是有效的{unit}；可能是{guesses}"))
    return suspects


def _lost(written: str, reading: str) -> str:
    lost = [name for mark, name in (("年", "年"), ("月", "月"), ("—", "—"))
            if reading.count(mark) > written.count(mark)]
    return "”和“".join(lost)


def day_readings(digits: str) -> list[str]:
    """The dates ``digits`` + 日 can stand for with 年 and 月 restored; none when it is a valid day as it stands.

    Ranges (12月22—26日) are offered only when no single date fits.
    """
    if _number(digits, 1, 31):
        return []
    readings, ranges = [], []
    for year, rest in _year_splits(digits):
        readings += [f"{year}{int(month)}月{int(day)}日" for month, day in _parts(rest, 2)
                     if _number(month, 1, 12) and _number(day, 1, 31)]
        ranges += [f"{year}{int(month)}月{int(first)}—{int(last)}日" for month, first, last in _parts(rest, 3)
                   if _number(month, 1, 12) and _number(first, 1, 31) and _number(last, 1, 31)
                   and int(first) < int(last)]
    return readings or ranges


def month_readings(digits: str) -> list[str]:
    """The months ``digits`` + 月 can stand for with 年 or a separator restored; none for a valid month."""
    if _number(digits, 1, 12):
        return []
    readings = [f"{year}{int(month)}月" for year, month in _year_splits(digits) if year and _number(month, 1, 12)]
    readings += [f"{int(first)}—{int(last)}月" for first, last in _parts(digits, 2)
                 if _number(first, 1, 12) and _number(last, 1, 12) and int(first) < int(last)]
    return readings


def _year_splits(digits: str) -> list[tuple[str, str]]:
    """("", digits), and ("2017年", rest) when the digits open with a year of 1900–2099."""
    splits = [("", digits)]
    if len(digits) > 4 and digits[:2] in ("19", "20"):
        splits.append((f"{digits[:4]}年", digits[4:]))
    return splits


def _parts(digits: str, count: int) -> list[tuple[str, ...]]:
    """Ways to cut ``digits`` into ``count`` numbers of one or two digits each."""
    if count == 1:
        return [(digits,)] if 1 <= len(digits) <= 2 else []
    return [(digits[:cut],) + rest for cut in (1, 2) if len(digits) > cut for rest in _parts(digits[cut:], count - 1)]


def _number(digits: str, low: int, high: int) -> bool:
    """A number in [low, high], written without a leading zero unless in two digits (08)."""
    return bool(digits) and len(digits) <= 2 and (digits[0] != "0" or len(digits) == 2) and low <= int(digits) <= high


def unbalanced_quotes(text: str) -> list[Suspect]:
    """Closing marks without an opening one and opening marks never closed (“” ‘’ 《》, each kind on its own).

    A stray closing mark straight before a stray opening one (三落实”“四不摘) is one suspect: the marks around
    both words were lost.
    """
    strays = []
    for opening, marks in QUOTE_MARKS.items():
        open_at: list[int] = []
        for mark in marks.finditer(text):
            if mark[0] == opening:
                open_at.append(mark.start())
            elif open_at:
                open_at.pop()
            else:
                strays.append(mark.start())
        strays += open_at
    strays.sort()
    suspects, index = [], 0
    while index < len(strays):
        first = last = strays[index]
        if index + 1 < len(strays) and strays[index + 1] == first + 1:
            last = strays[index + 1]
            index += 1
        index += 1
        start, end = _word_before(text, first), _word_after(text, last + 1)
        suspects.append(Suspect(start, end, text[start:end], UNBALANCED_QUOTES,
                                f"{text[first:last + 1]}在本段中没有配对的引号：相邻词语两侧的引号可能已丢失"))
    return suspects


def vanished_quoted_words(text: str) -> list[Suspect]:
    """A frame left by a quoted word that was cut out with its quotes: 突出字抓好, 在字上, “”."""
    if not VANISHED_WORD_HINT.search(text):
        return []
    return [Suspect(match.start(), match.end(), match[0], VANISHED_QUOTED_WORD,
                    f"“{match[0]}”中间缺了被引的字：原文应类似 突出“X”字，被引的字连同引号一起丢失")
            for match in VANISHED_WORD.finditer(text)]


def truncated_line_end(text: str, segments: list[Segment] | None = None) -> list[Suspect]:
    """A prose paragraph whose last line has no closing punctuation: cut in a word, in a sentence, or just open."""
    if len(text) < MIN_PROSE or text[-1] in END_PUNCTUATION or not re.search(r"[，。；,;]", text):
        return []
    segments = segments if segments is not None else tagged(text)
    last, tag = segments[-1]
    if text[-1] in "，、,":
        kind, why = TRUNCATED_SENTENCE, "本行以逗号结尾：句子的其余部分可能已丢失"
    elif tag.startswith(UNFINISHED_TAGS):
        kind, why = TRUNCATED_SENTENCE, f"本行以“{last}”结尾，句子不会这样结束：其余部分已丢失"
    elif len(last) == 1 and re.match(r"[\u4e00-\u9fff]", last) and len(segments) > 1 and len(segments[-2][0]) > 1:
        kind, why = TRUNCATED_WORD, f"本行在词语中间断开（{segments[-2][0]}{last}…）：词尾已丢失"
    else:
        kind, why = UNTERMINATED, "段末没有。！？：最后几个字可能已丢失"
    start = min(_word_before(text, len(text)), len(text) - 1)
    return [Suspect(start, len(text), text[start:], kind, why)]


def removed_control_characters(source: str, text: str) -> list[Suspect]:
    """Each run of control characters in the source line, which its shown text (typography.normalise) left out: a
    suspect spanning the words around where the run was."""
    suspects = []
    for run in CONTROL_RUN.finditer(source):
        # The other rules change one character into one, or strip white space at the ends: this is where the run was.
        at = min(len(typography.without_control_characters(source[:run.start()]).lstrip()), len(text))
        start, end = _word_before(text, at), _word_after(text, at)
        if start == end:  # between punctuation marks: the one on either side
            start, end = max(at - 1, 0), min(at + 1, len(text))
        codes = "、".join(f"U+{ord(char):04X}" for char in dict.fromkeys(run[0]))
        suspects.append(Suspect(start, end, text[start:end], CONTROL_CHARACTERS,
                                f"原文此处有 {len(run[0])} 个控制字符（{codes}），已从正文删去：它们不可见，在终端和网页中会造成干扰"))
    return suspects


def _word_before(text: str, offset: int) -> int:
    """Start of the run of up to six Han characters that ends at ``offset``."""
    start = offset
    while start > 0 and offset - start < 6 and re.match(r"[\u4e00-\u9fff\w]", text[start - 1]):
        start -= 1
    return start


def _word_after(text: str, offset: int) -> int:
    """End of the run of up to six Han characters that starts at ``offset``."""
    end = offset
    while end < len(text) and end - offset < 6 and re.match(r"[\u4e00-\u9fff\w]", text[end]):
        end += 1
    return end
