"""Scoring a split against a hand-checked gold split: exact speeches, character F1, and silent errors (wrong speeches
the build did not report as weak), compared the way ../shared/bench/score_split.py compares them."""

from __future__ import annotations

import collections
import json
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from speechsite.errors import InputError

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT_SET = PROJECT_DIR.parent / "shared" / "corpora"
"""The hand-checked compilations (README.md there); CI has /work/shared beside the clone, at ../shared."""

FULL_WIDTH_TO_ASCII = str.maketrans("，：；！？（）［］｛｝／％＋－＝～　．、", ",:;!?()[]{}/%+-=~ .,")
WHITE_SPACE = re.compile(r"[\s\u200b\u3000]+")
BYLINE = re.compile(r"[\u4e00-\u9fff]{2,6}")
"""A gold speech may open with a short author line (邓小平) that the split is free to keep or remove."""


def comparable(text: str) -> str:
    """Text with typography out of the way: full-width punctuation as ASCII, no white space."""
    return WHITE_SPACE.sub("", text.translate(FULL_WIDTH_TO_ASCII))


@dataclass
class GoldSpeech:
    """One speech of a gold split: its TOC number, title and body paragraphs."""

    number: int
    title: str
    paragraphs: list[str]


@dataclass
class WrongSpeech:
    """A speech whose text differs from the gold one (gold is empty for text where gold has no speech)."""

    number: int
    title: str
    gold: str
    """The gold text, comparable (see comparable())."""
    got: str
    """Our text, comparable."""
    reported: bool
    """True when the build pointed an editor at it (a weak boundary or weak gap nearby)."""


@dataclass
class CharCounts:
    """Characters of the gold text and of ours, as multisets: what both have, and what only one of them has."""

    shared: int
    missed: int
    """In gold, not in ours."""
    extra: int
    """In ours, not in gold."""

    @property
    def f1(self) -> float:
        return 2 * self.shared / (2 * self.shared + self.missed + self.extra) if self.shared else 0.0

    def __add__(self, other: CharCounts) -> CharCounts:
        return CharCounts(self.shared + other.shared, self.missed + other.missed, self.extra + other.extra)


@dataclass
class FileScore:
    """How one compilation of the development set splits."""

    name: str
    """The file's stem, e.g. ``deng1_titled``."""
    gold_count: int
    exact: int = 0
    chars: CharCounts = field(default_factory=lambda: CharCounts(0, 0, 0))
    cpu_seconds: float = 0.0
    """CPU time of the split alone (build_compilation without analysis)."""
    size_bytes: int = 0
    wrong: list[WrongSpeech] = field(default_factory=list)
    failure: str = ""
    """One line saying why the split raised, empty when it ran."""

    @property
    def char_f1(self) -> float:
        return self.chars.f1

    @property
    def silent_errors(self) -> int:
        return sum(not speech.reported for speech in self.wrong)

    @property
    def megabytes_per_second(self) -> float:
        return self.size_bytes / 1e6 / self.cpu_seconds if self.cpu_seconds else math.inf


def load_gold(path: Path) -> list[GoldSpeech]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [GoldSpeech(number, title, paragraphs) for number, title, paragraphs in data["speeches"]]


def gold_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """Every ``X.txt`` in the folder that has an ``X.gold.json`` beside it, by name."""
    pairs = [(text, text.with_name(text.stem + ".gold.json")) for text in sorted(folder.glob("*.txt"))]
    return [(text, gold) for text, gold in pairs if gold.exists()]


def score_folder(folder: Path = DEVELOPMENT_SET) -> list[FileScore]:
    return [score_file(text, gold) for text, gold in gold_pairs(folder)]


def score_file(text_path: Path, gold_path: Path) -> FileScore:
    """Split one file and score it; any exception becomes the file's one-line failure, with nothing exact."""
    gold = load_gold(gold_path)
    score = FileScore(text_path.stem, len(gold), size_bytes=text_path.stat().st_size)
    started = time.process_time()
    try:
        # Imported here so that a pipeline caught mid-edit, which does not even import, fails each file in turn.
        from speechsite.pipeline import WEAK_CONFIDENCE, build_compilation
        started = time.process_time()  # the first file should not pay for importing the pipeline
        compilation = build_compilation(text_path, with_analysis=False)
        score.cpu_seconds = time.process_time() - started
        score.exact, score.chars, score.wrong = score_compilation(compilation, gold, WEAK_CONFIDENCE)
    except InputError as error:
        score.failure = _one_line(str(error))
    except Exception as error:  # noqa: BLE001 — a crash is a result to report, whatever its kind
        score.failure = _one_line(f"{error.__class__.__name__}: {error}")
    if score.failure:
        # Nothing split: every gold character is missed, so totals over several files still weigh this one.
        score.cpu_seconds = time.process_time() - started
        gold_length = sum(len(comparable("".join(speech.paragraphs))) for speech in gold)
        score.exact, score.chars, score.wrong = 0, CharCounts(0, gold_length, 0), []
    return score


def score_compilation(compilation, gold: list[GoldSpeech], weak_confidence: float
                      ) -> tuple[int, CharCounts, list[WrongSpeech]]:
    """Exact speeches, character counts and the wrong speeches of a built compilation (speechsite.model.Compilation)."""
    ours = {speech.number: speech for speech in compilation.speeches}
    flags = _WeakFlags(compilation, weak_confidence)
    exact, wrong, chars = 0, [], CharCounts(0, 0, 0)
    for expected in gold:
        speech = ours.get(expected.number)
        gold_text = comparable("".join(expected.paragraphs))
        got_text = comparable("".join(p.text for p in speech.paragraphs)) if speech else ""
        chars += char_counts(gold_text, got_text)
        if _same_text(expected, gold_text, got_text):
            exact += 1
        else:
            wrong.append(WrongSpeech(expected.number, expected.title, gold_text, got_text,
                                     flags.reported(expected.number)))
    # Text in a speech that gold has no body for (junk made into a page) is wrong too, and all of it is extra.
    gold_numbers = {expected.number for expected in gold}
    for speech in compilation.speeches_with_text:
        if speech.number not in gold_numbers:
            got_text = comparable("".join(p.text for p in speech.paragraphs))
            chars += char_counts("", got_text)
            wrong.append(WrongSpeech(speech.number, speech.title, "", got_text, flags.reported(speech.number)))
    return exact, chars, wrong


def char_counts(gold_text: str, got_text: str) -> CharCounts:
    """One speech's characters as multisets, so text put into the wrong speech counts as missed and as extra."""
    shared = sum((collections.Counter(gold_text) & collections.Counter(got_text)).values())
    return CharCounts(shared, len(gold_text) - shared, len(got_text) - shared)


def _same_text(expected: GoldSpeech, gold_text: str, got_text: str) -> bool:
    if gold_text == got_text:
        return True
    byline = comparable(expected.paragraphs[0]) if expected.paragraphs else ""
    return bool(BYLINE.fullmatch(byline)) and gold_text[len(byline):] == got_text


class _WeakFlags:
    """Which places of a split the build reported: a weak boundary, or a weak gap (a near miss) inside a speech."""

    def __init__(self, compilation, weak_confidence: float):
        self.with_text = compilation.speeches_with_text
        self.toc_positions = {speech.number: index for index, speech in enumerate(compilation.speeches)}
        self.weak_confidence = weak_confidence
        self.weak_gap_lines = [gap.line for gap in compilation.weak_gaps]

    def reported(self, number: int) -> bool:
        """A speech with text is reported by its own span; one without text by the span of the speech with text
        before it in TOC order (or, when none is, by the stretch before the first speech with text)."""
        index = self._last_with_text_up_to(number)
        start_weak = index >= 0 and self._weak(self.with_text[index])
        is_last = index + 1 == len(self.with_text)
        end_weak = not is_last and self._weak(self.with_text[index + 1])
        start = self._first_line(self.with_text[index]) if index >= 0 else -math.inf
        end = math.inf if is_last else self._first_line(self.with_text[index + 1])
        return start_weak or end_weak or any(start <= line < end for line in self.weak_gap_lines)

    def _last_with_text_up_to(self, number: int) -> int:
        """Index in with_text of speech ``number`` if it has text, else of the last one before it; -1 if none is."""
        position = self._toc_position(number)
        before = [i for i, speech in enumerate(self.with_text) if self._toc_position(speech.number) <= position]
        return before[-1] if before else -1

    def _toc_position(self, number: int) -> float:
        # A gold number our TOC lacks sits just before the first TOC entry numbered above it.
        if number in self.toc_positions:
            return self.toc_positions[number]
        return sum(n < number for n in self.toc_positions) - 0.5

    def _weak(self, speech) -> bool:
        return speech.boundary is not None and speech.boundary.confidence < self.weak_confidence

    @staticmethod
    def _first_line(speech) -> int:
        # A title line taken out of the body still belongs to the speech's span.
        lines = [speech.paragraphs[0].line] + ([speech.boundary.line] if speech.boundary else [])
        return min(lines)


def _one_line(message: str) -> str:
    return " ".join(message.split())
