"""Finding which of many given words a text starts with, as override pins name paragraphs and lines by their first
words: one dictionary lookup per distinct length of the words, not one comparison per word (with thousands of pins
that comparison made the split quadratic)."""

from __future__ import annotations

from collections.abc import Iterable


class Prefixes:
    def __init__(self, words: Iterable[str]):
        self.words = set(words)
        self.lengths = sorted({len(word) for word in self.words})

    def starting(self, text: str) -> list[str]:
        """The words text starts with, shortest first."""
        return [text[:length] for length in self.lengths if length <= len(text) and text[:length] in self.words]
